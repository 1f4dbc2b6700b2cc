"""reports, a separate branch that needs the audit table

Revision ID: d1e2f3a4b5c6
Revises: 1975ea83b712
Create Date: 2024-01-05 04:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = "d1e2f3a4b5c6"
down_revision: Union[str, None] = "1975ea83b712"
branch_labels: Union[str, Sequence[str], None] = ("reports",)
depends_on: Union[str, Sequence[str], None] = ["27c6a30d7c24"]


def upgrade() -> None:
    op.create_table('report', sa.Column('id', sa.Integer, primary_key=True))


def downgrade() -> None:
    op.drop_table('report')

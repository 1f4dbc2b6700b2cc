"""add last_login

Revision ID: ae1027a6acf
Revises: 1975ea83b712
Create Date: 2024-01-03 03:04:05.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'ae1027a6acf'
down_revision: Union[str, None] = '1975ea83b712'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column('account', sa.Column('last_login', sa.DateTime))


def downgrade() -> None:
    op.drop_column('account', 'last_login')

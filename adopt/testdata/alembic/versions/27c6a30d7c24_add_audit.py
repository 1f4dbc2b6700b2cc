"""add audit table

Revision ID: 27c6a30d7c24
Revises: 1975ea83b712
Create Date: 2024-01-03 04:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "27c6a30d7c24"  # a second branch from the base
down_revision = "1975ea83b712"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit', sa.Column('id', sa.Integer, primary_key=True))


def downgrade():
    op.drop_table('audit')

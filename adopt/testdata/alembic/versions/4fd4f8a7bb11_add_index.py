"""add index

Revision ID: 4fd4f8a7bb11
Revises: 3cac04ae8714
Create Date: 2024-01-05 03:04:05.000000

"""
from alembic import op

revision = '4fd4f8a7bb11'
down_revision = '3cac04ae8714'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('account_name', 'account', ['name'])


def downgrade():
    op.drop_index('account_name')

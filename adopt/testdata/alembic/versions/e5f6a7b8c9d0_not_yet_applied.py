"""not yet applied

Revision ID: e5f6a7b8c9d0
Revises: 4fd4f8a7bb11
Create Date: 2024-01-06 03:04:05.000000

"""
revision = 'e5f6a7b8c9d0'
down_revision = '4fd4f8a7bb11'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

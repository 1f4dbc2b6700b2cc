"""merge the two branches

Revision ID: 3cac04ae8714
Revises: ae1027a6acf, 27c6a30d7c24
Create Date: 2024-01-04 03:04:05.000000

"""
revision = '3cac04ae8714'
down_revision = (
    'ae1027a6acf',  # last_login
    '27c6a30d7c24',  # audit, "the other branch"
)
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

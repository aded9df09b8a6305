"""One head again: the booking, web, scheduler, feeds and circle branches of the schema meet here.

Revision ID: d0e1a2b3c4d5
Revises: 5c4e9d2a7b10, a3e5b7c9d1f2, c1rc1e000001, c41f0e7d9a21
"""

revision = 'd0e1a2b3c4d5'
down_revision = ('5c4e9d2a7b10', 'a3e5b7c9d1f2', 'c1rc1e000001', 'c41f0e7d9a21')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

"""The occupancy counter: one row bumped with every change of bookings, holds, closures and residents

Revision ID: oc0c0a000001
Revises: pf0a5e000001
"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

import models.base

revision = 'oc0c0a000001'
down_revision = 'pf0a5e000001'
branch_labels = None
depends_on = None


def upgrade():
    occupancy_change = op.create_table(
        'occupancy_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('counter', sa.Integer(), nullable=False),
        sa.Column('changed_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    # The time of creation, not a fixed date: a database made anew never reads as one a worker has seen.
    op.bulk_insert(occupancy_change, [{'id': 1, 'counter': 0, 'changed_at': datetime.now(UTC)}])


def downgrade():
    op.drop_table('occupancy_change')

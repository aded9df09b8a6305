"""The settings counter: one row bumped with every change of spaces, hours and the centre; bookings by start

Revision ID: pf0a5e000001
Revises: ch3c0a000001
"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

import models.base

revision = 'pf0a5e000001'
down_revision = 'ch3c0a000001'
branch_labels = None
depends_on = None


def upgrade():
    settings_change = op.create_table(
        'settings_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('counter', sa.Integer(), nullable=False),
        sa.Column('changed_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    # The time of creation, not a fixed date: a database made anew never reads as one a worker has seen.
    op.bulk_insert(settings_change, [{'id': 1, 'counter': 0, 'changed_at': datetime.now(UTC)}])
    op.create_index('ix_booking_starts_at', 'booking', ['starts_at'])


def downgrade():
    op.drop_index('ix_booking_starts_at', table_name='booking')
    op.drop_table('settings_change')

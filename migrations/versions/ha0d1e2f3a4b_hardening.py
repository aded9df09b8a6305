"""hardening: API tokens may expire; a change counter per centre validates feed ETags

Revision ID: ha0d1e2f3a4b
Revises: fa0175000001
"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

import models.base

revision = 'ha0d1e2f3a4b'
down_revision = 'fa0175000001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_token') as batch:
        batch.add_column(sa.Column('expires_at', models.base.UTCDateTime(timezone=True), nullable=True))
    feed_change = op.create_table(
        'feed_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('counter', sa.Integer(), nullable=False),
        sa.Column('changed_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.bulk_insert(feed_change, [{'id': 1, 'counter': 0, 'changed_at': datetime(2026, 1, 1, tzinfo=UTC)}])


def downgrade():
    op.drop_table('feed_change')
    with op.batch_alter_table('api_token') as batch:
        batch.drop_column('expires_at')

"""Backups made and the scheduler's heartbeat

Revision ID: fa0175000001
Revises: ac71e5000001
"""
from alembic import op
import sqlalchemy as sa

import models.base

revision = 'fa0175000001'
down_revision = 'ac71e5000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('backup_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('trigger', sa.String(length=20), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=True),
    sa.Column('size_bytes', sa.BigInteger(), nullable=True),
    sa.Column('tables', sa.Integer(), nullable=True),
    sa.Column('rows', sa.BigInteger(), nullable=True),
    sa.Column('verified', sa.Boolean(), nullable=False),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_backup_run'))
    )
    with op.batch_alter_table('backup_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_backup_run_started_at'), ['started_at'], unique=False)
    op.create_table('heartbeat',
    sa.Column('process', sa.String(length=40), nullable=False),
    sa.Column('beat_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('host', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('process', name=op.f('pk_heartbeat'))
    )


def downgrade():
    op.drop_table('heartbeat')
    with op.batch_alter_table('backup_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_backup_run_started_at'))
    op.drop_table('backup_run')

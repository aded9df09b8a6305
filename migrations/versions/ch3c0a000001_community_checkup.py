"""Community check-up: floor areas, standards, refused attempts, problems and saved check-ups

Revision ID: ch3c0a000001
Revises: ha0d1e2f3a4b
Create Date: 2026-12-01 14:00:00

"""
from alembic import op
import sqlalchemy as sa

import models.base

# revision identifiers, used by Alembic.
revision = 'ch3c0a000001'
down_revision = 'ha0d1e2f3a4b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('resource', schema=None) as batch_op:
        batch_op.add_column(sa.Column('area_m2', sa.Float(), nullable=True))
    with op.batch_alter_table('service_point', schema=None) as batch_op:
        batch_op.add_column(sa.Column('area_m2', sa.Float(), nullable=True))

    op.create_table('checkup_standard',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('measure', sa.String(length=40), nullable=False),
    sa.Column('kinds', sa.JSON(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('severity', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkup_standard')),
    sa.UniqueConstraint('code', name=op.f('uq_checkup_standard_code'))
    )
    op.create_table('refused_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('slot_start', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('groups', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['resource_id'], ['resource.id'], name=op.f('fk_refused_attempt_resource_id_resource')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refused_attempt'))
    )
    with op.batch_alter_table('refused_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_refused_attempt_at', ['at', 'resource_id'], unique=False)

    op.create_table('problem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('indicator', sa.String(length=60), nullable=True),
    sa.Column('evidence', sa.String(length=500), nullable=True),
    sa.Column('location', sa.String(length=120), nullable=True),
    sa.Column('severity', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('measure', sa.String(length=500), nullable=True),
    sa.Column('responsible', sa.String(length=40), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('answer', sa.String(length=500), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('raised_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['merged_into_id'], ['problem.id'], name=op.f('fk_problem_merged_into_id_problem')),
    sa.ForeignKeyConstraint(['raised_by_id'], ['user.id'], name=op.f('fk_problem_raised_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problem')),
    sa.UniqueConstraint('key', name=op.f('uq_problem_key'))
    )
    with op.batch_alter_table('problem', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problem_raised_by_id'), ['raised_by_id'], unique=False)

    op.create_table('problem_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('problem_id', sa.Integer(), nullable=False),
    sa.Column('at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['problem_id'], ['problem.id'], name=op.f('fk_problem_event_problem_id_problem')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_problem_event_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problem_event'))
    )
    with op.batch_alter_table('problem_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problem_event_problem_id'), ['problem_id'], unique=False)

    op.create_table('checkup_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_from', sa.Date(), nullable=False),
    sa.Column('period_to', sa.Date(), nullable=False),
    sa.Column('computed_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('indicators', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_checkup_snapshot_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkup_snapshot')),
    sa.UniqueConstraint('period_from', 'period_to', name='uq_checkup_snapshot_period')
    )


def downgrade():
    op.drop_table('checkup_snapshot')
    with op.batch_alter_table('problem_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_problem_event_problem_id'))
    op.drop_table('problem_event')
    with op.batch_alter_table('problem', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_problem_raised_by_id'))
    op.drop_table('problem')
    with op.batch_alter_table('refused_attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_refused_attempt_at')
    op.drop_table('refused_attempt')
    op.drop_table('checkup_standard')
    with op.batch_alter_table('service_point', schema=None) as batch_op:
        batch_op.drop_column('area_m2')
    with op.batch_alter_table('resource', schema=None) as batch_op:
        batch_op.drop_column('area_m2')

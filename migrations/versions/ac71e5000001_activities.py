"""activities: programme, sessions that hold their space by a resident-less booking, enrolments, attendance

Revision ID: ac71e5000001
Revises: d0e1a2b3c4d5
Create Date: 2026-12-01 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import models.base

# revision identifiers, used by Alembic.
revision = 'ac71e5000001'
down_revision = 'd0e1a2b3c4d5'
branch_labels = None
depends_on = None

Instant = models.base.UTCDateTime(timezone=True)


def upgrade():
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.alter_column('resident_id', existing_type=sa.Integer(), nullable=True)
    op.create_table('activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('title_en', sa.String(length=120), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('description_en', sa.Text(), nullable=True),
    sa.Column('operator', sa.String(length=120), nullable=True),
    sa.Column('groups', sa.JSON(), nullable=False),
    sa.Column('min_age', sa.Integer(), nullable=True),
    sa.Column('max_age', sa.Integer(), nullable=True),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('guardian_present', sa.Boolean(), nullable=False),
    sa.Column('guardian_takes_seat', sa.Boolean(), nullable=False),
    sa.Column('sensitive', sa.Boolean(), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('weekly_limit', sa.Integer(), nullable=True),
    sa.Column('registration_opens_at', Instant, nullable=True),
    sa.Column('registration_closes_at', Instant, nullable=True),
    sa.Column('rrule', sa.String(length=300), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', Instant, nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_activity_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity'))
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_operator'), ['operator'], unique=False)
    op.create_table('activity_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', Instant, nullable=False),
    sa.Column('ends_at', Instant, nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('cancel_reason', sa.String(length=500), nullable=True),
    sa.Column('checkin_token', sa.String(length=64), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_at', Instant, nullable=False),
    sa.Column('updated_at', Instant, nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_activity_session_activity_id_activity')),
    sa.ForeignKeyConstraint(['booking_id'], ['booking.id'], name=op.f('fk_activity_session_booking_id_booking')),
    sa.ForeignKeyConstraint(['resource_id'], ['resource.id'], name=op.f('fk_activity_session_resource_id_resource')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_session')),
    sa.UniqueConstraint('booking_id', name=op.f('uq_activity_session_booking_id')),
    sa.UniqueConstraint('checkin_token', name=op.f('uq_activity_session_checkin_token'))
    )
    with op.batch_alter_table('activity_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_session_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_session_starts_at'), ['starts_at'], unique=False)
    op.create_table('enrolment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('enrolled_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', Instant, nullable=False),
    sa.Column('offered_at', Instant, nullable=True),
    sa.Column('hold_until', Instant, nullable=True),
    sa.Column('responded_at', Instant, nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_enrolment_activity_id_activity')),
    sa.ForeignKeyConstraint(['enrolled_by_id'], ['user.id'], name=op.f('fk_enrolment_enrolled_by_id_user')),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_enrolment_resident_id_resident')),
    sa.ForeignKeyConstraint(['session_id'], ['activity_session.id'],
                            name=op.f('fk_enrolment_session_id_activity_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment'))
    )
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.create_index('ix_enrolment_activity_status', ['activity_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_resident_id'), ['resident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_session_id'), ['session_id'], unique=False)
    op.create_table('attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', Instant, nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_attendance_recorded_by_id_user')),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_attendance_resident_id_resident')),
    sa.ForeignKeyConstraint(['session_id'], ['activity_session.id'],
                            name=op.f('fk_attendance_session_id_activity_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance')),
    sa.UniqueConstraint('session_id', 'resident_id', name='uq_attendance_session_resident')
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_resident_id'), ['resident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendance_session_id'), ['session_id'], unique=False)


def downgrade():
    op.drop_table('attendance')
    op.drop_table('enrolment')
    op.drop_table('activity_session')
    op.drop_table('activity')
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.alter_column('resident_id', existing_type=sa.Integer(), nullable=False)

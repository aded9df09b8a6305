"""scheduler: outbox, delivery attempts, contacts, attention flags; waitlist offers and holds

Revision ID: 5c4e9d2a7b10
Revises: f8347ffd6d26
Create Date: 2026-11-23 20:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import models.base

# revision identifiers, used by Alembic.
revision = '5c4e9d2a7b10'
down_revision = 'f8347ffd6d26'
branch_labels = None
depends_on = None

UTC = models.base.UTCDateTime(timezone=True)


def upgrade():
    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('recipient', sa.String(length=200), nullable=True),
    sa.Column('resident_id', sa.Integer(), nullable=True),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', UTC, nullable=False),
    sa.Column('claimed_until', UTC, nullable=True),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('sent_at', UTC, nullable=True),
    sa.ForeignKeyConstraint(['booking_id'], ['booking.id'], name=op.f('fk_outbox_message_booking_id_booking')),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_outbox_message_resident_id_resident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_outbox_message_dedupe_key'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_message_booking_id'), ['booking_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_resident_id'), ['resident_id'], unique=False)
        batch_op.create_index('ix_outbox_message_status_next', ['status', 'next_attempt_at'], unique=False)

    op.create_table('delivery_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('at', UTC, nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.Column('detail', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['message_id'], ['outbox_message.id'],
                            name=op.f('fk_delivery_attempt_message_id_outbox_message')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_attempt'))
    )
    with op.batch_alter_table('delivery_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_attempt_message_id'), ['message_id'], unique=False)

    op.create_table('resident_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_resident_contact_resident_id_resident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resident_contact')),
    sa.UniqueConstraint('resident_id', name=op.f('uq_resident_contact_resident_id'))
    )

    op.create_table('contact_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('at', UTC, nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_contact_record_recorded_by_id_user')),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_contact_record_resident_id_resident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_record'))
    )
    with op.batch_alter_table('contact_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_record_resident_id'), ['resident_id'], unique=False)

    op.create_table('attention_flag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('resolved_at', UTC, nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_attention_flag_resident_id_resident')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['user.id'], name=op.f('fk_attention_flag_resolved_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attention_flag')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_attention_flag_dedupe_key'))
    )
    with op.batch_alter_table('attention_flag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attention_flag_resident_id'), ['resident_id'], unique=False)

    with op.batch_alter_table('waitlist_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('offered_at', UTC, nullable=True))
        batch_op.add_column(sa.Column('hold_until', UTC, nullable=True))
        batch_op.add_column(sa.Column('responded_at', UTC, nullable=True))
        batch_op.add_column(sa.Column('booking_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_waitlist_entry_booking_id_booking'), 'booking',
                                    ['booking_id'], ['id'])
        batch_op.create_index('ix_waitlist_entry_status_start', ['status', 'starts_at'], unique=False)


def downgrade():
    with op.batch_alter_table('waitlist_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_waitlist_entry_status_start')
        batch_op.drop_constraint(batch_op.f('fk_waitlist_entry_booking_id_booking'), type_='foreignkey')
        batch_op.drop_column('booking_id')
        batch_op.drop_column('responded_at')
        batch_op.drop_column('hold_until')
        batch_op.drop_column('offered_at')
    op.drop_table('attention_flag')
    op.drop_table('contact_record')
    op.drop_table('resident_contact')
    op.drop_table('delivery_attempt')
    op.drop_table('outbox_message')

"""15-minute service circle: walking network, settings and snapshots

Revision ID: c1rc1e000001
Revises: f8347ffd6d26
Create Date: 2026-11-24 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import models.base

# revision identifiers, used by Alembic.
revision = 'c1rc1e000001'
down_revision = 'f8347ffd6d26'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('walk_node',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=80), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('gate', sa.Boolean(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_walk_node')),
    sa.UniqueConstraint('ref', name=op.f('uq_walk_node_ref'))
    )
    op.create_table('walk_edge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('from_node_id', sa.Integer(), nullable=False),
    sa.Column('to_node_id', sa.Integer(), nullable=False),
    sa.Column('length_m', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['from_node_id'], ['walk_node.id'], name=op.f('fk_walk_edge_from_node_id_walk_node')),
    sa.ForeignKeyConstraint(['to_node_id'], ['walk_node.id'], name=op.f('fk_walk_edge_to_node_id_walk_node')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_walk_edge'))
    )
    with op.batch_alter_table('walk_edge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_walk_edge_from_node_id'), ['from_node_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_walk_edge_to_node_id'), ['to_node_id'], unique=False)

    op.create_table('circle_parameter',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_circle_parameter'))
    )
    op.create_table('circle_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('computed_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('coverage', sa.JSON(), nullable=False),
    sa.Column('gap_count', sa.Integer(), nullable=False),
    sa.Column('affected', sa.Integer(), nullable=False),
    sa.Column('open_points', sa.Integer(), nullable=False),
    sa.Column('used_network', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_circle_snapshot')),
    sa.UniqueConstraint('day', name=op.f('uq_circle_snapshot_day'))
    )


def downgrade():
    op.drop_table('circle_snapshot')
    op.drop_table('circle_parameter')
    with op.batch_alter_table('walk_edge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_walk_edge_to_node_id'))
        batch_op.drop_index(batch_op.f('ix_walk_edge_from_node_id'))
    op.drop_table('walk_edge')
    op.drop_table('walk_node')

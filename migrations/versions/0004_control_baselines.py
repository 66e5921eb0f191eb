"""control-chart baselines set by hand (Phase I per standard and scope of teams)

Revision ID: 0004_control_baselines
Revises: 0010_learning
Create Date: 2026-12-02 04:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0004_control_baselines'
down_revision = '0010_learning'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('control_baselines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('standard_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=200), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=False),
    sa.Column('set_at', sa.DateTime(), nullable=False),
    sa.Column('corrective_action_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['corrective_action_id'], ['corrective_actions.id'], name=op.f('fk_control_baselines_corrective_action_id_corrective_actions')),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_control_baselines_set_by_id_users')),
    sa.ForeignKeyConstraint(['standard_id'], ['standards.id'], name=op.f('fk_control_baselines_standard_id_standards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_control_baselines'))
    )
    with op.batch_alter_table('control_baselines', schema=None) as batch_op:
        batch_op.create_index('ix_control_baselines_standard_scope', ['standard_id', 'scope', 'first_day'], unique=False)


def downgrade():
    with op.batch_alter_table('control_baselines', schema=None) as batch_op:
        batch_op.drop_index('ix_control_baselines_standard_scope')
    op.drop_table('control_baselines')

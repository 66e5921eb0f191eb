"""retraining decisions: retraining or coaching per nonconforming step, and why (knowledge vs behaviour)

Revision ID: 0019_retraining_decisions
Revises: speed_item_sums
Create Date: 2026-12-02 07:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0019_retraining_decisions'
down_revision = 'speed_item_sums'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('retraining_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('revision_number', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('standard_id', sa.Integer(), nullable=False),
    sa.Column('step_key', sa.String(length=80), nullable=False),
    sa.Column('action', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('coaching_session_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_retraining_decisions_audit_id_audits')),
    sa.ForeignKeyConstraint(['coaching_session_id'], ['coaching_sessions.id'], name=op.f('fk_retraining_decisions_coaching_session_id_coaching_sessions')),
    sa.ForeignKeyConstraint(['staff_id'], ['users.id'], name=op.f('fk_retraining_decisions_staff_id_users')),
    sa.ForeignKeyConstraint(['standard_id'], ['standards.id'], name=op.f('fk_retraining_decisions_standard_id_standards')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_retraining_decisions_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retraining_decisions'))
    )
    with op.batch_alter_table('retraining_decisions', schema=None) as batch_op:
        batch_op.create_index('ix_retraining_decisions_audit', ['audit_id', 'revision_number'], unique=False)
        batch_op.create_index('ix_retraining_decisions_team_open', ['team_id', 'action', 'coaching_session_id'], unique=False)


def downgrade():
    with op.batch_alter_table('retraining_decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_retraining_decisions_team_open')
        batch_op.drop_index('ix_retraining_decisions_audit')
    op.drop_table('retraining_decisions')

"""dashboard data versions: the newest audit revision per standard and team (per-scope cache invalidation)

Revision ID: dashboards_data_versions
Revises: 0013_sampled_audits
Create Date: 2026-12-02 07:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'dashboards_data_versions'
down_revision = '0013_sampled_audits'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_data_versions',
    sa.Column('standard_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['standard_id'], ['standards.id'], name=op.f('fk_audit_data_versions_standard_id_standards')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_audit_data_versions_team_id_teams')),
    sa.PrimaryKeyConstraint('standard_id', 'team_id', name=op.f('pk_audit_data_versions'))
    )
    # Back-fill: the newest revision of the existing audits per standard and team.
    op.execute(
        "INSERT INTO audit_data_versions (standard_id, team_id, revision_id) "
        "SELECT audits.standard_id, audits.team_id, MAX(audit_revisions.id) FROM audit_revisions "
        "JOIN audits ON audits.id = audit_revisions.audit_id GROUP BY audits.standard_id, audits.team_id")


def downgrade():
    op.drop_table('audit_data_versions')

"""dashboard rollups: audits per team, standard, staff member and ISO week, and step ratings per team,
standard, staff member, step and ISO week, kept on write like audit_weeks / audit_step_weeks, so that the
dashboard's staff sections read summaries instead of one row per audit; and step ratings per standard, step
and ISO week over every team (the all-teams charts read one row per step and week)

On SQLite they are WITHOUT ROWID tables: stored in key order, a range of weeks is read in one pass.
Existing audits are summed into them here (the ISO week's Monday computed in SQL: SQLite's date modifiers,
PostgreSQL's date_trunc).

Revision ID: dashboards_staff_weeks
Revises: dashboards_version_starts
Create Date: 2026-12-02 15:10:00
"""
from alembic import op
import sqlalchemy as sa


revision, down_revision = 'dashboards_staff_weeks', 'dashboards_version_starts'
branch_labels = depends_on = None


def _monday(column: str) -> str:
    """SQL for the Monday of the ISO week of a DATE column."""
    if op.get_bind().dialect.name == 'postgresql':
        return f"CAST(date_trunc('week', {column}) AS DATE)"
    return f"date({column}, '-' || ((CAST(strftime('%w', {column}) AS INTEGER) + 6) % 7) || ' days')"


def _keys(table: str) -> list:
    return [
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('standard_id', sa.Integer(), nullable=False),
        sa.Column('week_start', sa.Date(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f(f'fk_{table}_team_id_teams')),
        sa.ForeignKeyConstraint(['standard_id'], ['standards.id'], name=op.f(f'fk_{table}_standard_id_standards')),
        sa.ForeignKeyConstraint(['staff_id'], ['users.id'], name=op.f(f'fk_{table}_staff_id_users')),
    ]


def _step_counts() -> list:
    return [sa.Column('rated', sa.Integer(), nullable=False),
            sa.Column('nonconforming', sa.Integer(), nullable=False),
            sa.Column('sampled_rated', sa.Integer(), server_default='0', nullable=False),
            sa.Column('sampled_nonconforming', sa.Integer(), server_default='0', nullable=False)]


def upgrade():
    op.create_table('audit_staff_weeks', *_keys('audit_staff_weeks'),
                    sa.Column('audits', sa.Integer(), nullable=False),
                    sa.Column('failed', sa.Integer(), nullable=False),
                    sa.Column('score_sum', sa.Numeric(precision=14, scale=3), nullable=False),
                    sa.Column('sampled_audits', sa.Integer(), server_default='0', nullable=False),
                    sa.Column('sampled_failed', sa.Integer(), server_default='0', nullable=False),
                    sa.Column('sampled_score_sum', sa.Numeric(precision=14, scale=3), server_default='0',
                              nullable=False),
                    sa.PrimaryKeyConstraint('team_id', 'standard_id', 'week_start', 'staff_id',
                                            name=op.f('pk_audit_staff_weeks')),
                    sqlite_with_rowid=False)
    op.create_index('ix_audit_staff_weeks_staff_standard_week', 'audit_staff_weeks',
                    ['staff_id', 'standard_id', 'week_start'], unique=False)
    op.create_table('audit_staff_step_weeks', *_keys('audit_staff_step_weeks'),
                    sa.Column('step_key', sa.String(length=80), nullable=False),
                    *_step_counts(),
                    sa.PrimaryKeyConstraint('team_id', 'standard_id', 'week_start', 'staff_id', 'step_key',
                                            name=op.f('pk_audit_staff_step_weeks')),
                    sqlite_with_rowid=False)
    op.create_index('ix_audit_staff_step_weeks_staff_standard_week', 'audit_staff_step_weeks',
                    ['staff_id', 'standard_id', 'week_start'], unique=False)

    op.create_table('audit_org_step_weeks',
                    sa.Column('standard_id', sa.Integer(), nullable=False),
                    sa.Column('week_start', sa.Date(), nullable=False),
                    sa.Column('step_key', sa.String(length=80), nullable=False),
                    *_step_counts(),
                    sa.ForeignKeyConstraint(['standard_id'], ['standards.id'],
                                            name=op.f('fk_audit_org_step_weeks_standard_id_standards')),
                    sa.PrimaryKeyConstraint('standard_id', 'week_start', 'step_key',
                                            name=op.f('pk_audit_org_step_weeks')),
                    sqlite_with_rowid=False)

    week = _monday('interacted_on')
    op.execute(
        "INSERT INTO audit_staff_weeks (team_id, standard_id, week_start, staff_id, audits, failed, score_sum, "
        "sampled_audits, sampled_failed, sampled_score_sum) "
        f"SELECT team_id, standard_id, {week}, staff_id, COUNT(*), SUM(CASE WHEN passed THEN 0 ELSE 1 END), "
        "SUM(score), SUM(CASE WHEN sampled THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN sampled AND NOT passed THEN 1 ELSE 0 END), SUM(CASE WHEN sampled THEN score ELSE 0 END) "
        f"FROM audits GROUP BY team_id, standard_id, {week}, staff_id")
    op.execute(
        "INSERT INTO audit_staff_step_weeks (team_id, standard_id, week_start, staff_id, step_key, rated, "
        "nonconforming, sampled_rated, sampled_nonconforming) "
        f"SELECT team_id, standard_id, {week}, staff_id, step_key, SUM(CASE WHEN rated THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN nonconforming THEN 1 ELSE 0 END), SUM(CASE WHEN sampled AND rated THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN sampled AND nonconforming THEN 1 ELSE 0 END) "
        f"FROM audit_step_results GROUP BY team_id, standard_id, {week}, staff_id, step_key")
    op.execute(
        "INSERT INTO audit_org_step_weeks (standard_id, week_start, step_key, rated, nonconforming, sampled_rated, "
        "sampled_nonconforming) SELECT standard_id, week_start, step_key, SUM(rated), SUM(nonconforming), "
        "SUM(sampled_rated), SUM(sampled_nonconforming) FROM audit_step_weeks GROUP BY standard_id, week_start, "
        "step_key")


def downgrade():
    op.drop_table('audit_org_step_weeks')
    op.drop_index('ix_audit_staff_step_weeks_staff_standard_week', table_name='audit_staff_step_weeks')
    op.drop_table('audit_staff_step_weeks')
    op.drop_index('ix_audit_staff_weeks_staff_standard_week', table_name='audit_staff_weeks')
    op.drop_table('audit_staff_weeks')

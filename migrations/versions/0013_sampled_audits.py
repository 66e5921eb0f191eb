"""sampled audits: audits made from a review-queue draw are marked sampled, and the weekly summaries count
them apart, so control charts can keep to random samples

Existing rows: an audit that completed a review-queue item was drawn at random (sampled); every other audit
(observation audits, interactions picked by hand) is not. The sampled counts of the weekly summaries are
rebuilt from those audits.

Revision ID: 0013_sampled_audits
Revises: 0015_api_tokens
Create Date: 2026-12-02 06:50:00

"""
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from alembic import op
import sqlalchemy as sa


revision = '0013_sampled_audits'
down_revision = '0015_api_tokens'
branch_labels = None
depends_on = None


def _monday(value) -> date:
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        value = date.fromisoformat(str(value)[:10])
    return value - timedelta(days=value.weekday())


def upgrade():
    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sampled', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('audit_step_results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sampled', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('audit_weeks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sampled_audits', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('sampled_failed', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('sampled_score_sum', sa.Numeric(precision=14, scale=3), server_default='0',
                                      nullable=False))
    with op.batch_alter_table('audit_step_weeks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sampled_rated', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('sampled_nonconforming', sa.Integer(), server_default='0', nullable=False))

    bind = op.get_bind()
    drawn = "SELECT audit_id FROM review_items WHERE audit_id IS NOT NULL"
    bind.execute(sa.text(f"UPDATE audits SET sampled = :yes WHERE id IN ({drawn})"), {"yes": True})
    bind.execute(sa.text(f"UPDATE audit_step_results SET sampled = :yes WHERE audit_id IN ({drawn})"),
                 {"yes": True})
    # ISO weeks differ in SQL between SQLite and PostgreSQL: group the (few) sampled audits in Python.
    weeks = defaultdict(lambda: [0, 0, Decimal(0)])
    for team_id, standard_id, day, passed, score in bind.execute(sa.text(
            "SELECT team_id, standard_id, interacted_on, passed, score FROM audits WHERE sampled = :yes").columns(
                sa.column("team_id"), sa.column("standard_id"), sa.column("interacted_on"), sa.column("passed"),
                sa.column("score", sa.Numeric(6, 3))), {"yes": True}):
        counts = weeks[(team_id, standard_id, _monday(day))]
        counts[0] += 1
        counts[1] += 0 if passed else 1
        counts[2] += Decimal(str(score))
    for (team_id, standard_id, week), (audits, failed, score_sum) in weeks.items():
        bind.execute(sa.text(
            "UPDATE audit_weeks SET sampled_audits = :a, sampled_failed = :f, sampled_score_sum = :s "
            "WHERE team_id = :t AND standard_id = :st AND week_start = :w").bindparams(
                sa.bindparam("s", type_=sa.Numeric(14, 3)), sa.bindparam("w", type_=sa.Date())),
            {"a": audits, "f": failed, "s": score_sum, "t": team_id, "st": standard_id, "w": week})
    steps = defaultdict(lambda: [0, 0])
    for team_id, standard_id, step_key, day, rated, nonconforming in bind.execute(sa.text(
            "SELECT team_id, standard_id, step_key, interacted_on, rated, nonconforming FROM audit_step_results "
            "WHERE sampled = :yes"), {"yes": True}):
        counts = steps[(team_id, standard_id, step_key, _monday(day))]
        counts[0] += 1 if rated else 0
        counts[1] += 1 if nonconforming else 0
    for (team_id, standard_id, step_key, week), (rated, nonconforming) in steps.items():
        bind.execute(sa.text(
            "UPDATE audit_step_weeks SET sampled_rated = :r, sampled_nonconforming = :n "
            "WHERE team_id = :t AND standard_id = :st AND step_key = :k AND week_start = :w").bindparams(
                sa.bindparam("w", type_=sa.Date())),
            {"r": rated, "n": nonconforming, "t": team_id, "st": standard_id, "k": step_key, "w": week})


def downgrade():
    with op.batch_alter_table('audit_step_weeks', schema=None) as batch_op:
        batch_op.drop_column('sampled_nonconforming')
        batch_op.drop_column('sampled_rated')
    with op.batch_alter_table('audit_weeks', schema=None) as batch_op:
        batch_op.drop_column('sampled_score_sum')
        batch_op.drop_column('sampled_failed')
        batch_op.drop_column('sampled_audits')
    with op.batch_alter_table('audit_step_results', schema=None) as batch_op:
        batch_op.drop_column('sampled')
    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.drop_column('sampled')

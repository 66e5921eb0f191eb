"""exact audit scores (earned / possible), score keys truncated instead of rounded, calibration benchmark rater

Revision ID: 0006_exact_scores_benchmark
Revises: 0012_dispute_steps
Create Date: 2026-12-02 04:10:00

Existing rows are recomputed from their own ratings and the weights of the standard version they were scored
against (the stored 3-decimal score was rounded half-up, so it is not exact: 95.0495... was kept as 95.050):

* audit_revisions.score_earned / score_possible = sum(weight x credit) / sum(weight of steps not rated na);
* audit_revisions.score = the exact score truncated to 3 decimals (bro.scoring.score_key);
* audits copy the three from their current revision;
* audit_weeks.score_sum = the sum of its audits' new scores.
"""
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import sqlalchemy as sa
from alembic import op

revision = '0006_exact_scores_benchmark'
down_revision = '0012_dispute_steps'
branch_labels = None
depends_on = None

_CREDIT = {'met': Fraction(1), 'partial': Fraction(1, 2), 'not_met': Fraction(0)}
_FOUR = Decimal('0.0001')
_THREE = Decimal('0.001')
_CHUNK = 2000


def _exact(value) -> Fraction:
    return Fraction(Decimal(str(value)))


def _score_key(earned: Fraction, possible: Fraction) -> Decimal:
    if possible == 0:
        return Decimal(0).quantize(_THREE)
    value = 100 * earned / possible
    return Decimal(value.numerator * 1000 // value.denominator).scaleb(-3).quantize(_THREE)


def _monday(day) -> date:
    if isinstance(day, str):
        day = date.fromisoformat(day[:10])
    return day - timedelta(days=day.weekday())


def _backfill(bind) -> None:
    meta = sa.MetaData()
    audits = sa.Table('audits', meta, sa.Column('id', sa.Integer), sa.Column('team_id', sa.Integer),
                      sa.Column('standard_id', sa.Integer), sa.Column('standard_version_id', sa.Integer),
                      sa.Column('interacted_on', sa.Date), sa.Column('revision_number', sa.Integer),
                      sa.Column('score', sa.Numeric(6, 3)), sa.Column('score_earned', sa.Numeric(14, 4)),
                      sa.Column('score_possible', sa.Numeric(14, 4)))
    revisions = sa.Table('audit_revisions', meta, sa.Column('id', sa.Integer), sa.Column('audit_id', sa.Integer),
                         sa.Column('number', sa.Integer), sa.Column('score', sa.Numeric(6, 3)),
                         sa.Column('score_earned', sa.Numeric(14, 4)), sa.Column('score_possible', sa.Numeric(14, 4)))
    ratings = sa.Table('audit_ratings', meta, sa.Column('revision_id', sa.Integer), sa.Column('step_key', sa.String),
                       sa.Column('rating', sa.String))
    steps = sa.Table('standard_steps', meta, sa.Column('standard_version_id', sa.Integer),
                     sa.Column('key', sa.String), sa.Column('weight', sa.Numeric(8, 3)))
    weeks = sa.Table('audit_weeks', meta, sa.Column('team_id', sa.Integer), sa.Column('standard_id', sa.Integer),
                     sa.Column('week_start', sa.Date), sa.Column('score_sum', sa.Numeric(14, 3)))

    # Sums per revision, streamed in revision order (ratings x the weights of the audit's standard version).
    rows = bind.execute(
        sa.select(ratings.c.revision_id, ratings.c.rating, steps.c.weight)
        .select_from(ratings.join(revisions, revisions.c.id == ratings.c.revision_id)
                     .join(audits, audits.c.id == revisions.c.audit_id)
                     .join(steps, sa.and_(steps.c.standard_version_id == audits.c.standard_version_id,
                                          steps.c.key == ratings.c.step_key)))
        .order_by(ratings.c.revision_id))
    sums: dict[int, list[Fraction]] = defaultdict(lambda: [Fraction(0), Fraction(0)])
    for revision_id, rating, weight in rows:
        if rating in _CREDIT:
            weight = _exact(weight)
            sums[revision_id][0] += weight * _CREDIT[rating]
            sums[revision_id][1] += weight
    updates = [{'rid': rid, 'earned': Decimal(earned.numerator) / Decimal(earned.denominator),
                'possible': Decimal(possible.numerator) / Decimal(possible.denominator),
                'key': _score_key(earned, possible)} for rid, (earned, possible) in sums.items()]
    statement = (revisions.update().where(revisions.c.id == sa.bindparam('rid'))
                 .values(score_earned=sa.bindparam('earned'), score_possible=sa.bindparam('possible'),
                         score=sa.bindparam('key')))
    for start in range(0, len(updates), _CHUNK):
        bind.execute(statement, [dict(u, earned=u['earned'].quantize(_FOUR), possible=u['possible'].quantize(_FOUR))
                                 for u in updates[start:start + _CHUNK]])
    # A revision without applicable ratings cannot exist (it would not have scored); keep the columns non-null.
    bind.execute(revisions.update().where(revisions.c.score_earned.is_(None))
                 .values(score_earned=0, score_possible=0))

    current = bind.execute(
        sa.select(audits.c.id, audits.c.team_id, audits.c.standard_id, audits.c.interacted_on,
                  revisions.c.score_earned, revisions.c.score_possible, revisions.c.score)
        .select_from(audits.join(revisions, sa.and_(revisions.c.audit_id == audits.c.id,
                                                    revisions.c.number == audits.c.revision_number)))).all()
    audit_updates = [{'aid': aid, 'earned': earned, 'possible': possible, 'key': key}
                     for aid, _team, _standard, _day, earned, possible, key in current]
    statement = (audits.update().where(audits.c.id == sa.bindparam('aid'))
                 .values(score_earned=sa.bindparam('earned'), score_possible=sa.bindparam('possible'),
                         score=sa.bindparam('key')))
    for start in range(0, len(audit_updates), _CHUNK):
        bind.execute(statement, audit_updates[start:start + _CHUNK])
    bind.execute(audits.update().where(audits.c.score_earned.is_(None)).values(score_earned=0, score_possible=0))

    week_sums: dict[tuple, Decimal] = defaultdict(Decimal)
    for _aid, team, standard, day, _earned, _possible, key in current:
        week_sums[(team, standard, _monday(day))] += Decimal(str(key))
    statement = (weeks.update().where(weeks.c.team_id == sa.bindparam('t'), weeks.c.standard_id == sa.bindparam('s'),
                                      weeks.c.week_start == sa.bindparam('w'))
                 .values(score_sum=sa.bindparam('total')))
    rows = [{'t': t, 's': s, 'w': w, 'total': total} for (t, s, w), total in week_sums.items()]
    for start in range(0, len(rows), _CHUNK):
        bind.execute(statement, rows[start:start + _CHUNK])


def upgrade():
    # Only ALTER TABLE ... ADD COLUMN, never a table rebuild: SQLite's batch mode would copy and drop tables that
    # others reference (audit_ratings -> audit_revisions), which fails with foreign keys enforced. So the new
    # NOT NULL columns come with a server default of 0 while rows are filled in; PostgreSQL then drops it, and
    # on SQLite (which cannot drop a default without a rebuild) it stays, unused: the app always sets both.
    bind = op.get_bind()
    for table in ('audit_revisions', 'audits'):
        for column in ('score_earned', 'score_possible'):
            op.add_column(table, sa.Column(column, sa.Numeric(precision=14, scale=4), nullable=False,
                                           server_default=sa.text('0')))
    _backfill(bind)
    if bind.dialect.name != 'sqlite':
        for table in ('audit_revisions', 'audits'):
            for column in ('score_earned', 'score_possible'):
                op.alter_column(table, column, server_default=None, existing_type=sa.Numeric(precision=14, scale=4),
                                existing_nullable=False)
    if bind.dialect.name == 'sqlite':  # a column with an inline, named REFERENCES clause: no rebuild
        op.execute('ALTER TABLE calibration_sessions ADD COLUMN benchmark_user_id INTEGER '
                   'CONSTRAINT fk_calibration_sessions_benchmark_user_id_users REFERENCES users (id)')
    else:
        op.add_column('calibration_sessions', sa.Column('benchmark_user_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_calibration_sessions_benchmark_user_id_users'), 'calibration_sessions',
                              'users', ['benchmark_user_id'], ['id'])


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':  # SQLite >= 3.35 drops plain columns in place (no rebuild of the tables)
        op.execute('ALTER TABLE calibration_sessions DROP COLUMN benchmark_user_id')
    else:
        op.drop_constraint(op.f('fk_calibration_sessions_benchmark_user_id_users'), 'calibration_sessions',
                           type_='foreignkey')
        op.drop_column('calibration_sessions', 'benchmark_user_id')
    for table in ('audits', 'audit_revisions'):
        for column in ('score_possible', 'score_earned'):
            if bind.dialect.name == 'sqlite':
                op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
            else:
                op.drop_column(table, column)

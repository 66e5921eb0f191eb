"""Quality data, aggregated in the database: plain counts for the pure statistics in bro.quality.

Every function takes a :class:`Scope` (standard, date range snapped to whole periods, period unit, the
teams the viewer may see or chose, an optional staff member) and returns counts keyed by period label
(``bro.quality.period_key``), step key, team or staff id. Nothing here decides access: the caller
builds the Scope from what the user may see.

Week periods read the weekly summaries, which are kept on every audit write: AuditWeek / AuditStepWeek
(a few rows per team and week, however many audits there are), per staff member (a staff filter,
the staff sections) AuditStaffWeek / AuditStaffStepWeek, and over every team AuditOrgStepWeek. Day and month periods group the per-audit rows
by day in SQL and bucket the days in Python with ``period_key`` — portable between SQLite and
PostgreSQL, and a day row per period-day is few rows.

Queries of plain columns run on the session's connection (``_rows``): the ORM's per-row work buys nothing
for tuples of numbers, and a dashboard reads thousands of them.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.sql.elements import ColumnElement

from bro.extensions import db
from bro.models.audits import (
    Audit, AuditOrgStepWeek, AuditStaffStepWeek, AuditStaffWeek, AuditStepResult, AuditStepWeek, AuditWeek,
)
from bro.models.curricula import (
    Course, CourseModule, CourseVersion, ModuleStep, Standard, StandardStep, StandardVersion,
)
from bro.models.people import Team, User
from bro.models.training import REASON_RETRAINING, Assignment
from bro.quality import DAY, WEEK, OutcomeAudit, period_key, period_start


class Counts(NamedTuple):
    """``n`` audits rated the step (or audits, for failure), ``nonconforming`` of them failed it."""

    n: int
    nonconforming: int


class ScoreSum(NamedTuple):
    audits: int
    score_sum: float


@dataclass(frozen=True)
class Scope:
    standard_id: int
    first_day: date
    last_day: date
    unit: str = WEEK
    team_ids: frozenset[int] | None = None  # None: every team
    staff_id: int | None = None
    step_keys: tuple[str, ...] = field(default=())  # empty: every step
    # Only audits of interactions a sampling plan drew at random (Audit.sampled): a hand-picked audit is not a
    # random sample, and the p-chart's binomial model assumes one.
    sampled_only: bool = False

    @property
    def uses_weekly_summaries(self) -> bool:
        return self.unit == WEEK


def period_bounds(start: date, end: date, unit: str) -> tuple[date, date]:
    """First day of ``start``'s period and last day of ``end``'s period: charts show whole periods."""
    first = period_start(period_key(start, unit), unit)
    last_start = period_start(period_key(end, unit), unit)
    if unit == DAY:
        return first, last_start
    if unit == WEEK:
        return first, last_start + timedelta(days=6)
    following = date(last_start.year + last_start.month // 12, last_start.month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def _count_true(column) -> ColumnElement:
    return func.coalesce(func.sum(case((column, 1), else_=0)), 0)


def _team_filter(column, team_ids: frozenset[int] | None) -> list:
    return [] if team_ids is None else [column.in_(sorted(team_ids))]


def _scope_filters(scope: Scope, table, day, *, staff: bool = False, steps: bool = False,
                   sampled: bool = False) -> list:
    """The scope's conditions on ``table``: its standard, ``day`` in the range, its teams; and, where the table
    has them (``staff``, ``steps``, ``sampled``), its staff member, its steps and the sampled audits only."""
    conditions = [table.standard_id == scope.standard_id, day.between(scope.first_day, scope.last_day)]
    if scope.team_ids is not None:
        conditions.append(table.team_id.in_(sorted(scope.team_ids)))
    if staff and scope.staff_id is not None:
        conditions.append(table.staff_id == scope.staff_id)
    if steps and scope.step_keys:
        conditions.append(table.step_key.in_(scope.step_keys))
    if sampled and scope.sampled_only:
        conditions.append(table.sampled.is_(True))
    return conditions


def _result_filters(scope: Scope) -> list:
    return _scope_filters(scope, AuditStepResult, AuditStepResult.interacted_on, staff=True, steps=True, sampled=True)


def _step_week_table(scope: Scope, group: str):
    """The weekly step summary that answers ``scope`` grouped by ``group`` (a column of it): per staff member
    when the scope names one or the groups are staff, per team when it names teams or the groups are teams,
    else the sums over every team."""
    if group == "staff_id" or scope.staff_id is not None:
        return AuditStaffStepWeek
    if group == "team_id" or scope.team_ids is not None:
        return AuditStepWeek
    return AuditOrgStepWeek


def _week_filters(scope: Scope, table) -> list:
    return _scope_filters(scope, table, table.week_start, staff=table is AuditStaffStepWeek, steps=True)


def _audit_filters(scope: Scope) -> list:
    return _scope_filters(scope, Audit, Audit.interacted_on, staff=True, sampled=True)


def _step_result_counts(scope: Scope, column) -> Select:
    """(step key, ``column``, rated, nonconforming) of the scope's step results, grouped by step and ``column``."""
    return (select(AuditStepResult.step_key, column,
                    _count_true(AuditStepResult.rated), _count_true(AuditStepResult.nonconforming))
            .where(*_result_filters(scope))
            .group_by(AuditStepResult.step_key, column))


def _step_counts_by(scope: Scope, week_column: str, result_column) -> Select:
    """(step key, group, rated, nonconforming) grouped by step and group: from a weekly step summary (its column
    ``week_column``) when the scope allows, else from the step results (``result_column``)."""
    if not scope.uses_weekly_summaries:
        return _step_result_counts(scope, result_column)
    table = _step_week_table(scope, week_column)
    rated, nonconforming = ((table.sampled_rated, table.sampled_nonconforming) if scope.sampled_only
                            else (table.rated, table.nonconforming))
    group = getattr(table, week_column)
    return (select(table.step_key, group, func.sum(rated), func.sum(nonconforming))
            .where(*_week_filters(scope, table))
            .group_by(table.step_key, group))


def _rows(query: Select):
    """The rows of a query of plain columns, on the session's connection (pending changes flushed first, as
    Session.execute would)."""
    db.session.flush()
    return db.session.connection().execute(query)


def _counts_by_step_and(query: Select) -> dict[tuple[str, int], Counts]:
    """{(step key, group): (rated, nonconforming)} of a query's rows, the groups with ratings only."""
    return {(step_key, group): Counts(int(n), int(nc)) for step_key, group, n, nc in _rows(query) if n}


def _as_date(value) -> date:
    """SQLite may hand back a grouped DATE as text."""
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


@lru_cache(maxsize=8192)
def _label(day: date, unit: str) -> str:
    """period_key, remembered: a two-year dashboard labels the same few hundred days over and over."""
    return period_key(day, unit)


def _add(table: dict, key, n: int, nonconforming: int) -> None:
    before = table.get(key, Counts(0, 0))
    table[key] = Counts(before.n + int(n), before.nonconforming + int(nonconforming))


# -- per period -------------------------------------------------------------------------------------

def step_period_counts(scope: Scope) -> dict[str, dict[str, Counts]]:
    """{step key: {period label: (rated, nonconforming)}}; periods without audits are absent."""
    query = _step_counts_by(scope, "week_start", AuditStepResult.interacted_on)
    counts: dict[str, dict[str, Counts]] = defaultdict(dict)
    for step_key, day, rated, nonconforming in _rows(query):
        if rated:
            _add(counts[step_key], _label(_as_date(day), scope.unit), rated, nonconforming)
    return dict(counts)


def failure_period_counts(scope: Scope) -> dict[str, Counts]:
    """{period label: (audits, failed audits)} — the "audit failed" p-chart."""
    if scope.uses_weekly_summaries:
        table = AuditStaffWeek if scope.staff_id is not None else AuditWeek
        audits, failed = ((table.sampled_audits, table.sampled_failed) if scope.sampled_only
                          else (table.audits, table.failed))
        query = (select(table.week_start, func.sum(audits), func.sum(failed))
                 .where(*_scope_filters(scope, table, table.week_start, staff=table is AuditStaffWeek))
                 .group_by(table.week_start))
    else:
        query = (select(Audit.interacted_on, func.count(Audit.id), _count_true(~Audit.passed))
                 .where(*_audit_filters(scope))
                 .group_by(Audit.interacted_on))
    counts: dict[str, Counts] = {}
    for day, audits, failed in _rows(query):
        if audits:
            _add(counts, _label(_as_date(day), scope.unit), audits, failed)
    return counts


def step_totals(step_counts: dict[str, dict[str, Counts]]) -> dict[str, Counts]:
    """Sum a step_period_counts result over its periods (Pareto counts, table totals)."""
    totals: dict[str, Counts] = {}
    for step_key, periods in step_counts.items():
        for counts in periods.values():
            _add(totals, step_key, counts.n, counts.nonconforming)
    return totals


# -- phases of a chart: standard versions and baselines set by hand -----------------------------------

def version_starts(standard_id: int) -> list[tuple[int, date]]:
    """(version number, first day audited against it) of every version of the standard that has audits, in
    version order. A version comes into force on the day of its first audit (a version imported but never
    audited against starts nothing); the days never go backwards (a late audit of an older version does not
    reopen it)."""
    # One MIN per version, each answered from ix_audits_version_interacted (a seek, however many audits).
    first_day = (select(func.min(Audit.interacted_on)).where(Audit.standard_version_id == StandardVersion.id)
                 .scalar_subquery())
    rows = db.session.execute(
        select(StandardVersion.number, first_day)
        .where(StandardVersion.standard_id == standard_id)
        .order_by(StandardVersion.number)).all()
    starts: list[tuple[int, date]] = []
    for number, first in rows:
        if first is None:
            continue
        first = _as_date(first)
        if starts and first < starts[-1][1]:
            first = starts[-1][1]
        starts.append((int(number), first))
    return starts


def control_baselines(standard_id: int, scope: str) -> list:
    """Baselines set by hand for one standard and scope, oldest first (with who set them)."""
    from bro.models.improvement import ControlBaseline

    return list(db.session.execute(
        select(ControlBaseline).where(ControlBaseline.standard_id == standard_id, ControlBaseline.scope == scope)
        .order_by(ControlBaseline.first_day, ControlBaseline.set_at, ControlBaseline.id)).scalars())


def baselines_version() -> int:
    """The newest baseline set by hand (0: none): part of the cached dashboard's key, since a new baseline
    changes the charts without any audit changing."""
    from bro.models.improvement import ControlBaseline

    return db.session.execute(select(func.max(ControlBaseline.id))).scalar() or 0


# -- heat map ---------------------------------------------------------------------------------------

def step_team_counts(scope: Scope) -> dict[tuple[str, int], Counts]:
    """{(step key, team id): (rated, nonconforming)} over the scope's range."""
    return _counts_by_step_and(_step_counts_by(scope, "team_id", AuditStepResult.team_id))


def step_staff_counts(scope: Scope) -> dict[tuple[str, int], Counts]:
    """{(step key, staff id): (rated, nonconforming)} — heat map inside a team, most-missed steps."""
    return _counts_by_step_and(_step_counts_by(scope, "staff_id", AuditStepResult.staff_id))


# -- staff ------------------------------------------------------------------------------------------

def staff_score_trend(scope: Scope) -> dict[int, dict[str, ScoreSum]]:
    """{staff id: {period label: (audits, sum of scores)}} — mean score per period = sum / audits."""
    if scope.uses_weekly_summaries:
        table = AuditStaffWeek
        audits, scores = ((table.sampled_audits, table.sampled_score_sum) if scope.sampled_only
                          else (table.audits, table.score_sum))
        query = (select(table.staff_id, table.week_start, audits, scores)
                 .where(*_scope_filters(scope, table, table.week_start, staff=True), audits > 0))
    else:
        query = (select(Audit.staff_id, Audit.interacted_on, func.count(Audit.id), func.sum(Audit.score))
                 .where(*_audit_filters(scope))
                 .group_by(Audit.staff_id, Audit.interacted_on))
    trend: dict[int, dict[str, ScoreSum]] = defaultdict(dict)
    for staff_id, day, count, score_sum in _rows(query):
        label = _label(_as_date(day), scope.unit)
        before = trend[staff_id].get(label, ScoreSum(0, 0.0))
        trend[staff_id][label] = ScoreSum(before.audits + int(count), before.score_sum + float(score_sum or 0))
    return dict(trend)


def people_names(user_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def team_names(team_ids: Iterable[int] | None) -> dict[int, str]:
    query = select(Team.id, Team.name).order_by(Team.name)
    if team_ids is not None:
        query = query.where(Team.id.in_(sorted(team_ids)))
    return dict(db.session.execute(query).all())


def team_members(team_ids: Iterable[int] | None) -> list[tuple[int, str, int]]:
    """(id, name, team id) of staff in the given teams (None: every team), by name."""
    query = select(User.id, User.name, User.team_id).where(User.team_id.is_not(None)).order_by(User.name)
    if team_ids is not None:
        query = query.where(User.team_id.in_(sorted(team_ids)))
    return [tuple(row) for row in db.session.execute(query)]


# -- standards and the modules that teach their steps -----------------------------------------------

@dataclass(frozen=True)
class StepInfo:
    key: str
    title: dict  # {language: text}
    critical: bool
    position: int


@dataclass(frozen=True)
class StandardInfo:
    id: int
    key: str
    title: dict
    steps: tuple[StepInfo, ...]
    language: str = "en"  # the curriculum's default language (text falls back to it)
    pass_score: float | None = None


def standards_with_steps() -> list[StandardInfo]:
    """Every standard with the steps of its current version, in two queries."""
    standards = db.session.execute(
        select(Standard.id, Standard.key, Standard.current_version_id).order_by(Standard.key)).all()
    version_ids = [version_id for _, _, version_id in standards if version_id]
    steps: dict[int, list[StepInfo]] = defaultdict(list)
    versions: dict[int, tuple] = {}
    if version_ids:
        versions = {row[0]: tuple(row[1:]) for row in db.session.execute(
            select(StandardVersion.id, StandardVersion.title, StandardVersion.language, StandardVersion.pass_score)
            .where(StandardVersion.id.in_(version_ids)))}
        for version_id, key, title, critical, position in db.session.execute(
                select(StandardStep.standard_version_id, StandardStep.key, StandardStep.title,
                       StandardStep.critical, StandardStep.position)
                .where(StandardStep.standard_version_id.in_(version_ids))
                .order_by(StandardStep.standard_version_id, StandardStep.position)):
            steps[version_id].append(StepInfo(key, title or {}, bool(critical), position))
    infos = []
    for standard_id, key, version_id in standards:
        title, language, pass_score = versions.get(version_id, ({}, "en", None))
        infos.append(StandardInfo(standard_id, key, title or {}, tuple(steps.get(version_id, ())), language or "en",
                                  float(pass_score) if pass_score is not None else None))
    return infos


def standard_ids_with_audits(team_ids: frozenset[int] | None) -> list[int]:
    """Standards audited in the given teams, most audited first."""
    query = (select(AuditWeek.standard_id).where(*_team_filter(AuditWeek.team_id, team_ids))
             .group_by(AuditWeek.standard_id).order_by(func.sum(AuditWeek.audits).desc(), AuditWeek.standard_id))
    return [row[0] for row in db.session.execute(query)]


def first_audit_day(standard_id: int, team_ids: frozenset[int] | None) -> date | None:
    """The first week with audits of the standard in the teams (None: every team)."""
    query = select(func.min(AuditWeek.week_start)).where(AuditWeek.standard_id == standard_id,
                                                         *_team_filter(AuditWeek.team_id, team_ids))
    found = db.session.execute(query).scalar()
    return _as_date(found) if found is not None else None


def staff_team(staff_id: int) -> tuple[bool, int | None]:
    """(whether the user exists, their team id)."""
    row = db.session.execute(select(User.team_id).where(User.id == staff_id)).first()
    return (False, None) if row is None else (True, row[0])


def standard_ids_for_staff(staff_id: int, first_day: date, last_day: date) -> list[int]:
    query = (select(Audit.standard_id).where(Audit.staff_id == staff_id,
                                             Audit.interacted_on.between(first_day, last_day))
             .distinct().order_by(Audit.standard_id))
    return [row[0] for row in db.session.execute(query)]


@dataclass(frozen=True)
class TeachingModule:
    course_key: str
    course_title: dict
    module_key: str
    module_title: dict
    course_id: int = 0
    first_lesson: str | None = None
    language: str = "en"


def modules_teaching(standard_ids: Iterable[int]) -> dict[tuple[int, str], list[TeachingModule]]:
    """{(standard id, step key): modules of current course versions that teach the step}."""
    ids = sorted(set(standard_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(ModuleStep.standard_id, ModuleStep.step_key, Course.key, CourseVersion.title,
               CourseModule.key, CourseModule.title, Course.id, CourseModule.lessons, CourseVersion.language)
        .join(CourseModule, CourseModule.id == ModuleStep.module_id)
        .join(CourseVersion, CourseVersion.id == CourseModule.course_version_id)
        .join(Course, and_(Course.id == CourseModule.course_id, Course.current_version_id == CourseVersion.id))
        .where(ModuleStep.standard_id.in_(ids))
        .order_by(Course.key, CourseModule.position))
    teaching: dict[tuple[int, str], list[TeachingModule]] = defaultdict(list)
    for standard_id, step_key, course_key, course_title, module_key, module_title, course_id, lessons, language \
            in rows:
        first = next((lesson.get("id") for lesson in lessons or [] if isinstance(lesson, dict)), None)
        teaching[(standard_id, step_key)].append(
            TeachingModule(course_key, course_title or {}, module_key, module_title or {}, course_id, first,
                           language or "en"))
    return dict(teaching)


# -- corrective actions ------------------------------------------------------------------------------

def corrective_action(action_id: int):
    """The action with its events, owner and team (None when there is none)."""
    from sqlalchemy.orm import selectinload

    from bro.models.improvement import CorrectiveAction

    return db.session.execute(
        select(CorrectiveAction).options(selectinload(CorrectiveAction.events), selectinload(CorrectiveAction.owner),
                                         selectinload(CorrectiveAction.team))
        .where(CorrectiveAction.id == action_id)).scalar_one_or_none()


# -- corrective actions: before / after ---------------------------------------------------------------

def step_day_counts(standard_id: int, step_key: str, team_ids: frozenset[int] | None,
                    first_day: date, last_day: date) -> list[tuple[date, Counts]]:
    """(day, (rated, nonconforming)) for one step, by day — the observations behind a before/after test."""
    scope = Scope(standard_id, first_day, last_day, DAY, team_ids, step_keys=(step_key,))
    query = (select(AuditStepResult.interacted_on, _count_true(AuditStepResult.rated),
                    _count_true(AuditStepResult.nonconforming))
             .where(*_result_filters(scope))
             .group_by(AuditStepResult.interacted_on)
             .order_by(AuditStepResult.interacted_on))
    return [(_as_date(day), Counts(int(n), int(nc))) for day, n, nc in db.session.execute(query) if n]


def observations(day_counts: Iterable[tuple[date, Counts]]) -> Iterator[tuple[date, bool]]:
    """Expand day counts into the (date, nonconforming) observations bro.quality.before_after_rate takes."""
    for day, counts in day_counts:
        for index in range(counts.n):
            yield day, index < counts.nonconforming


# -- evidence: retraining effect -----------------------------------------------------------------------

@dataclass(frozen=True)
class ModuleRef:
    course_id: int
    module_key: str | None  # None: the whole course was assigned


@dataclass(frozen=True)
class RetrainingRecord:
    """A completed retraining assignment that an audit (the trigger) created."""

    id: int
    staff_id: int
    module: ModuleRef
    step_key: str
    standard_id: int
    team_id: int  # the trigger audit's team: the comparison group
    assigned_at: datetime
    completed_at: datetime


@dataclass
class RetrainingData:
    records: list[RetrainingRecord]
    # (staff, standard, step) -> [(day, audit id, recorded at, nonconforming)], oldest first
    ratings: dict[tuple[int, int, str], list[tuple[date, int, datetime, bool]]]


def retraining_data(team_ids: frozenset[int] | None) -> RetrainingData:
    """Completed retraining assignments created by an audit, with the retrained people's ratings of the
    triggering steps (two queries)."""
    conditions = [Assignment.reason == REASON_RETRAINING, Assignment.audit_id.is_not(None),
                  Assignment.step_key.is_not(None), Assignment.completed_at.is_not(None),
                  *_team_filter(Audit.team_id, team_ids)]
    records = [RetrainingRecord(row.id, row.user_id, ModuleRef(row.course_id, row.module_key), row.step_key,
                                row.standard_id, row.team_id, row.created_at, row.completed_at)
               for row in db.session.execute(
                   select(Assignment.id, Assignment.user_id, Assignment.course_id, Assignment.module_key,
                          Assignment.step_key, Assignment.created_at, Assignment.completed_at, Audit.standard_id,
                          Audit.team_id)
                   .join(Audit, Audit.id == Assignment.audit_id)
                   .where(*conditions).order_by(Assignment.completed_at, Assignment.id))]
    if not records:
        return RetrainingData([], {})
    wanted = {(r.staff_id, r.standard_id, r.step_key) for r in records}
    ratings: dict[tuple[int, int, str], list] = defaultdict(list)
    result = AuditStepResult
    for staff_id, standard_id, step_key, day, audit_id, recorded_at, nonconforming in db.session.execute(
            select(result.staff_id, result.standard_id, result.step_key, result.interacted_on, result.audit_id,
                   Audit.created_at, result.nonconforming)
            .join(Audit, Audit.id == result.audit_id)
            .where(result.staff_id.in_(sorted({r.staff_id for r in records})),
                   result.step_key.in_(sorted({r.step_key for r in records})),
                   result.standard_id.in_(sorted({r.standard_id for r in records})), result.rated.is_(True))
            .order_by(result.interacted_on, result.audit_id)):
        key = (staff_id, standard_id, step_key)
        if key in wanted:
            ratings[key].append((_as_date(day), audit_id, recorded_at, bool(nonconforming)))
    return RetrainingData(records, dict(ratings))


def colleague_days(keys: Iterable[tuple[int, int, str]], first_day: date, last_day: date
                   ) -> dict[tuple[int, int, str], list[tuple[int, date, int, int]]]:
    """{(team, standard, step): [(staff, day, rated, nonconforming)]} — every team member's ratings of the
    step by day between the two dates (one grouped query)."""
    keys = set(keys)
    if not keys:
        return {}
    result = AuditStepResult
    rows: dict[tuple[int, int, str], list] = defaultdict(list)
    for team_id, standard_id, step_key, staff_id, day, rated, nonconforming in db.session.execute(
            select(result.team_id, result.standard_id, result.step_key, result.staff_id, result.interacted_on,
                   func.count(), _count_true(result.nonconforming))
            .where(result.team_id.in_(sorted({k[0] for k in keys})),
                   result.standard_id.in_(sorted({k[1] for k in keys})),
                   result.step_key.in_(sorted({k[2] for k in keys})), result.rated.is_(True),
                   result.interacted_on.between(first_day, last_day))
            .group_by(result.team_id, result.standard_id, result.step_key, result.staff_id, result.interacted_on)):
        key = (team_id, standard_id, step_key)
        if key in keys:
            rows[key].append((staff_id, _as_date(day), int(rated), int(nonconforming)))
    return dict(rows)


def module_titles(refs: Iterable[ModuleRef]) -> dict[ModuleRef, tuple[str, dict, dict | None]]:
    """{module ref: (course key, course title, module title or None)} from current course versions."""
    refs = list(refs)
    course_ids = sorted({ref.course_id for ref in refs})
    if not course_ids:
        return {}
    rows = db.session.execute(
        select(Course.id, Course.key, CourseVersion.title, CourseModule.key, CourseModule.title)
        .join(CourseVersion, CourseVersion.id == Course.current_version_id)
        .outerjoin(CourseModule, CourseModule.course_version_id == CourseVersion.id)
        .where(Course.id.in_(course_ids))).all()
    courses: dict[int, tuple[str, dict]] = {}
    modules: dict[tuple[int, str], dict] = {}
    for course_id, course_key, course_title, module_key, module_title in rows:
        courses[course_id] = (course_key, course_title or {})
        if module_key:
            modules[(course_id, module_key)] = module_title or {}
    titles = {}
    for ref in refs:
        course_key, course_title = courses.get(ref.course_id, (str(ref.course_id), {}))
        titles[ref] = (course_key, course_title, modules.get((ref.course_id, ref.module_key)))
    return titles


# -- evidence: outcomes --------------------------------------------------------------------------------

BOOLEAN_OUTCOMES = ("repeat_purchase", "referral_made", "retained_90d")
OUTCOME_COLUMNS = ("csat", *BOOLEAN_OUTCOMES, "order_value")


def outcome_audits(standard_id: int, team_ids: frozenset[int] | None, first_day: date,
                   last_day: date) -> list[OutcomeAudit]:
    """Every audit with outcomes recorded in the range, with its step ratings (two queries): the rows the
    outcome regressions need — the adjustment for pass, team and the other steps works per audit."""
    conditions = [Audit.standard_id == standard_id, Audit.outcomes_recorded_at.is_not(None),
                  Audit.interacted_on.between(first_day, last_day), *_team_filter(Audit.team_id, team_ids)]
    audits = db.session.execute(
        select(Audit.id, Audit.team_id, Audit.staff_id, Audit.passed,
               *(getattr(Audit, name) for name in OUTCOME_COLUMNS))
        .where(*conditions).order_by(Audit.id)).all()
    if not audits:
        return []
    steps: dict[int, dict[str, bool | None]] = defaultdict(dict)
    for audit_id, step_key, rated, nonconforming in db.session.execute(
            select(AuditStepResult.audit_id, AuditStepResult.step_key, AuditStepResult.rated,
                   AuditStepResult.nonconforming)
            .join(Audit, Audit.id == AuditStepResult.audit_id).where(*conditions)):
        steps[audit_id][step_key] = bool(nonconforming) if rated else None
    result = []
    for audit_id, team_id, staff_id, passed, *values in audits:
        outcomes = {name: (None if value is None else float(value) if name == "order_value" else value)
                    for name, value in zip(OUTCOME_COLUMNS, values)}
        result.append(OutcomeAudit(team=team_id, staff=staff_id, passed=bool(passed),
                                   steps=steps.get(audit_id, {}), outcomes=outcomes))
    return result


__all__ = [
    "BOOLEAN_OUTCOMES", "OUTCOME_COLUMNS", "Counts", "ModuleRef", "ScoreSum", "Scope", "StandardInfo", "StepInfo",
    "baselines_version", "control_baselines", "corrective_action", "version_starts", "first_audit_day", "staff_team",
    "TeachingModule", "failure_period_counts", "module_titles", "modules_teaching", "observations",
    "RetrainingData", "RetrainingRecord", "colleague_days", "outcome_audits", "people_names", "period_bounds",
    "retraining_data",
    "standard_ids_for_staff", "standard_ids_with_audits", "standards_with_steps", "step_day_counts", "step_period_counts",
    "step_staff_counts", "step_team_counts", "step_totals", "staff_score_trend", "team_members", "team_names",
]

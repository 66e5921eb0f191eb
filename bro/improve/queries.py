"""Quality data, aggregated in the database: plain counts for the pure statistics in bro.quality.

Every function takes a :class:`Scope` (standard, date range snapped to whole periods, period unit, the
teams the viewer may see or chose, an optional staff member) and returns counts keyed by period label
(``bro.quality.period_key``), step key, team or staff id. Nothing here decides access: the caller
builds the Scope from what the user may see.

Week periods without a staff filter read the weekly summaries (AuditWeek / AuditStepWeek: a few rows
per team and week, however many audits there are). Day and month periods, and anything per staff
member, group the per-audit rows by day in SQL and bucket the days in Python with ``period_key`` —
portable between SQLite and PostgreSQL, and a day row per period-day is few rows.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import and_, case, func, select
from sqlalchemy.sql.elements import ColumnElement

from bro.extensions import db
from bro.models.audits import Audit, AuditStepResult, AuditStepWeek, AuditWeek
from bro.models.curricula import (
    Course, CourseModule, CourseVersion, ModuleStep, Standard, StandardStep, StandardVersion,
)
from bro.models.people import Team, User
from bro.models.training import REASON_RETRAINING, Assignment
from bro.quality import DAY, WEEK, EffectCase, period_key, period_start


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

    @property
    def uses_weekly_summaries(self) -> bool:
        return self.unit == WEEK and self.staff_id is None


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


def _result_filters(scope: Scope) -> list:
    conditions = [AuditStepResult.standard_id == scope.standard_id,
                  AuditStepResult.interacted_on.between(scope.first_day, scope.last_day),
                  *_team_filter(AuditStepResult.team_id, scope.team_ids)]
    if scope.staff_id is not None:
        conditions.append(AuditStepResult.staff_id == scope.staff_id)
    if scope.step_keys:
        conditions.append(AuditStepResult.step_key.in_(scope.step_keys))
    return conditions


def _week_filters(scope: Scope) -> list:
    conditions = [AuditStepWeek.standard_id == scope.standard_id,
                  AuditStepWeek.week_start.between(scope.first_day, scope.last_day),
                  *_team_filter(AuditStepWeek.team_id, scope.team_ids)]
    if scope.step_keys:
        conditions.append(AuditStepWeek.step_key.in_(scope.step_keys))
    return conditions


def _audit_filters(scope: Scope) -> list:
    conditions = [Audit.standard_id == scope.standard_id,
                  Audit.interacted_on.between(scope.first_day, scope.last_day),
                  *_team_filter(Audit.team_id, scope.team_ids)]
    if scope.staff_id is not None:
        conditions.append(Audit.staff_id == scope.staff_id)
    return conditions


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
    if scope.uses_weekly_summaries:
        query = (select(AuditStepWeek.step_key, AuditStepWeek.week_start,
                        func.sum(AuditStepWeek.rated), func.sum(AuditStepWeek.nonconforming))
                 .where(*_week_filters(scope))
                 .group_by(AuditStepWeek.step_key, AuditStepWeek.week_start))
    else:
        query = (select(AuditStepResult.step_key, AuditStepResult.interacted_on,
                        _count_true(AuditStepResult.rated), _count_true(AuditStepResult.nonconforming))
                 .where(*_result_filters(scope))
                 .group_by(AuditStepResult.step_key, AuditStepResult.interacted_on))
    counts: dict[str, dict[str, Counts]] = defaultdict(dict)
    for step_key, day, rated, nonconforming in db.session.execute(query):
        if rated:
            _add(counts[step_key], _label(_as_date(day), scope.unit), rated, nonconforming)
    return dict(counts)


def failure_period_counts(scope: Scope) -> dict[str, Counts]:
    """{period label: (audits, failed audits)} — the "audit failed" p-chart."""
    if scope.uses_weekly_summaries:
        query = (select(AuditWeek.week_start, func.sum(AuditWeek.audits), func.sum(AuditWeek.failed))
                 .where(AuditWeek.standard_id == scope.standard_id,
                        AuditWeek.week_start.between(scope.first_day, scope.last_day),
                        *_team_filter(AuditWeek.team_id, scope.team_ids))
                 .group_by(AuditWeek.week_start))
    else:
        query = (select(Audit.interacted_on, func.count(Audit.id), _count_true(~Audit.passed))
                 .where(*_audit_filters(scope))
                 .group_by(Audit.interacted_on))
    counts: dict[str, Counts] = {}
    for day, audits, failed in db.session.execute(query):
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
    rows = db.session.execute(
        select(StandardVersion.number, func.min(Audit.interacted_on))
        .join(Audit, Audit.standard_version_id == StandardVersion.id)
        .where(StandardVersion.standard_id == standard_id)
        .group_by(StandardVersion.number).order_by(StandardVersion.number)).all()
    starts: list[tuple[int, date]] = []
    for number, first in rows:
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
    if scope.uses_weekly_summaries:
        query = (select(AuditStepWeek.step_key, AuditStepWeek.team_id,
                        func.sum(AuditStepWeek.rated), func.sum(AuditStepWeek.nonconforming))
                 .where(*_week_filters(scope))
                 .group_by(AuditStepWeek.step_key, AuditStepWeek.team_id))
    else:
        query = (select(AuditStepResult.step_key, AuditStepResult.team_id,
                        _count_true(AuditStepResult.rated), _count_true(AuditStepResult.nonconforming))
                 .where(*_result_filters(scope))
                 .group_by(AuditStepResult.step_key, AuditStepResult.team_id))
    return {(step_key, team_id): Counts(int(n), int(nc))
            for step_key, team_id, n, nc in db.session.execute(query) if n}


def step_staff_counts(scope: Scope) -> dict[tuple[str, int], Counts]:
    """{(step key, staff id): (rated, nonconforming)} — heat map inside a team, most-missed steps."""
    query = (select(AuditStepResult.step_key, AuditStepResult.staff_id,
                    _count_true(AuditStepResult.rated), _count_true(AuditStepResult.nonconforming))
             .where(*_result_filters(scope))
             .group_by(AuditStepResult.step_key, AuditStepResult.staff_id))
    return {(step_key, staff_id): Counts(int(n), int(nc))
            for step_key, staff_id, n, nc in db.session.execute(query) if n}


# -- staff ------------------------------------------------------------------------------------------

def staff_score_trend(scope: Scope) -> dict[int, dict[str, ScoreSum]]:
    """{staff id: {period label: (audits, sum of scores)}} — mean score per period = sum / audits."""
    query = (select(Audit.staff_id, Audit.interacted_on, func.count(Audit.id), func.sum(Audit.score))
             .where(*_audit_filters(scope))
             .group_by(Audit.staff_id, Audit.interacted_on))
    trend: dict[int, dict[str, ScoreSum]] = defaultdict(dict)
    for staff_id, day, audits, score_sum in db.session.execute(query):
        label = _label(_as_date(day), scope.unit)
        before = trend[staff_id].get(label, ScoreSum(0, 0.0))
        trend[staff_id][label] = ScoreSum(before.audits + int(audits), before.score_sum + float(score_sum or 0))
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


def retraining_cases(team_ids: frozenset[int] | None, n: int) -> list[EffectCase]:
    """One EffectCase per completed retraining assignment created by an audit: the staff member's ratings
    of the triggering step, up to N audits up to the day it was assigned and N from the day it was
    completed (three queries, whatever the number of assignments)."""
    conditions = [Assignment.reason == REASON_RETRAINING, Assignment.audit_id.is_not(None),
                  Assignment.step_key.is_not(None), Assignment.completed_at.is_not(None)]
    if team_ids is not None:
        conditions.append(Assignment.audit_id.in_(
            select(Audit.id).where(Audit.team_id.in_(sorted(team_ids))).scalar_subquery()))
    assignments = db.session.execute(
        select(Assignment.id, Assignment.course_id, Assignment.module_key, Assignment.created_at,
               Assignment.completed_at, Audit.standard_id)
        .join(Audit, Audit.id == Assignment.audit_id)
        .where(*conditions).order_by(Assignment.completed_at, Assignment.id)).all()
    if not assignments:
        return []
    before = _ratings_around(conditions, after=False, n=n)
    after = _ratings_around(conditions, after=True, n=n)
    return [EffectCase(module=ModuleRef(course_id, module_key),
                       before=before.get(assignment_id, []), after=after.get(assignment_id, []))
            for assignment_id, course_id, module_key, _created, _completed, _standard in assignments]


def _ratings_around(conditions: list, after: bool, n: int) -> dict[int, list[bool]]:
    """{assignment id: nonconforming flags, oldest first} of the N audits of the triggering step just
    before the assignment (after=False) or just from its completion (after=True)."""
    trigger = Audit.__table__.alias("trigger_audit")
    result = AuditStepResult
    if after:
        when = result.interacted_on >= func.date(Assignment.completed_at)
        order = (result.interacted_on.asc(), result.audit_id.asc())
    else:
        when = result.interacted_on <= func.date(Assignment.created_at)
        order = (result.interacted_on.desc(), result.audit_id.desc())
    ranked = (
        select(Assignment.id.label("assignment_id"), result.interacted_on.label("day"),
               result.audit_id.label("audit_id"), result.nonconforming.label("nonconforming"),
               func.row_number().over(partition_by=Assignment.id, order_by=order).label("rank"))
        .join(trigger, trigger.c.id == Assignment.audit_id)
        .join(result, and_(result.staff_id == Assignment.user_id, result.step_key == Assignment.step_key,
                           result.standard_id == trigger.c.standard_id, result.rated.is_(True)))
        .where(*conditions, when)
        .subquery())
    rows = db.session.execute(
        select(ranked.c.assignment_id, ranked.c.nonconforming)
        .where(ranked.c.rank <= n)
        .order_by(ranked.c.assignment_id, ranked.c.day, ranked.c.audit_id))
    flags: dict[int, list[bool]] = defaultdict(list)
    for assignment_id, nonconforming in rows:
        flags[assignment_id].append(bool(nonconforming))
    return dict(flags)


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


@dataclass
class OutcomeGroup:
    """Outcomes of one group of audits (passed, failed, step met, step nonconforming)."""

    rates: dict[str, Counts] = field(default_factory=dict)  # outcome -> (known, true)
    csat: list[int] = field(default_factory=list)
    order_values: list[float] = field(default_factory=list)


def _outcome_filters(standard_id: int, team_ids: frozenset[int] | None, first_day: date, last_day: date) -> list:
    return [Audit.standard_id == standard_id, Audit.outcomes_recorded_at.is_not(None),
            Audit.interacted_on.between(first_day, last_day), *_team_filter(Audit.team_id, team_ids)]


def _rate_columns(source) -> list:
    columns = []
    for name in BOOLEAN_OUTCOMES:
        column = getattr(source, name)
        columns += [func.count(column), _count_true(column)]
    return columns


def outcomes_by_pass(standard_id: int, team_ids: frozenset[int] | None, first_day: date,
                     last_day: date) -> dict[bool, OutcomeGroup]:
    """{passed: outcomes} for audits with outcomes recorded."""
    conditions = _outcome_filters(standard_id, team_ids, first_day, last_day)
    groups = {True: OutcomeGroup(), False: OutcomeGroup()}
    for passed, *numbers in db.session.execute(
            select(Audit.passed, *_rate_columns(Audit)).where(*conditions).group_by(Audit.passed)):
        group = groups[bool(passed)]
        for index, name in enumerate(BOOLEAN_OUTCOMES):
            group.rates[name] = Counts(int(numbers[2 * index]), int(numbers[2 * index + 1]))
    for passed, csat, count in db.session.execute(
            select(Audit.passed, Audit.csat, func.count()).where(*conditions, Audit.csat.is_not(None))
            .group_by(Audit.passed, Audit.csat)):
        groups[bool(passed)].csat += [int(csat)] * int(count)
    for passed, value in db.session.execute(
            select(Audit.passed, Audit.order_value).where(*conditions, Audit.order_value.is_not(None))):
        groups[bool(passed)].order_values.append(float(value))
    return groups


def outcomes_by_step(standard_id: int, team_ids: frozenset[int] | None, first_day: date,
                     last_day: date) -> dict[tuple[str, bool], OutcomeGroup]:
    """{(step key, nonconforming): outcomes} for audits with outcomes recorded; steps rated ``na`` are left
    out. Order value is compared per pass/fail only (per step it would need every row)."""
    conditions = [*_outcome_filters(standard_id, team_ids, first_day, last_day), AuditStepResult.rated.is_(True)]
    joined = lambda query: query.join(Audit, Audit.id == AuditStepResult.audit_id)  # noqa: E731
    groups: dict[tuple[str, bool], OutcomeGroup] = defaultdict(OutcomeGroup)
    for step_key, nonconforming, *numbers in db.session.execute(joined(
            select(AuditStepResult.step_key, AuditStepResult.nonconforming, *_rate_columns(Audit)))
            .where(*conditions).group_by(AuditStepResult.step_key, AuditStepResult.nonconforming)):
        group = groups[(step_key, bool(nonconforming))]
        for index, name in enumerate(BOOLEAN_OUTCOMES):
            group.rates[name] = Counts(int(numbers[2 * index]), int(numbers[2 * index + 1]))
    for step_key, nonconforming, csat, count in db.session.execute(joined(
            select(AuditStepResult.step_key, AuditStepResult.nonconforming, Audit.csat, func.count()))
            .where(*conditions, Audit.csat.is_not(None))
            .group_by(AuditStepResult.step_key, AuditStepResult.nonconforming, Audit.csat)):
        groups[(step_key, bool(nonconforming))].csat += [int(csat)] * int(count)
    return dict(groups)


__all__ = [
    "BOOLEAN_OUTCOMES", "Counts", "baselines_version", "control_baselines", "version_starts", "ModuleRef", "OutcomeGroup", "ScoreSum", "Scope", "StandardInfo", "StepInfo",
    "TeachingModule", "failure_period_counts", "module_titles", "modules_teaching", "observations",
    "outcomes_by_pass", "outcomes_by_step", "people_names", "period_bounds", "retraining_cases",
    "standard_ids_for_staff", "standard_ids_with_audits", "standards_with_steps", "step_day_counts", "step_period_counts",
    "step_staff_counts", "step_team_counts", "step_totals", "staff_score_trend", "team_members", "team_names",
]

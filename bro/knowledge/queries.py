"""Knowledge vs behaviour, aggregated in the database: per person and step, the points share of the latest
answers to the questions of modules teaching the step, and the audits rating the step ``met`` of those
rating it. The pure statistics (Wilson intervals, quadrants) are bro.quality.knowledge.

Nothing here decides access: callers pass the people the viewer may see.
"""
from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache

from sqlalchemy import Float, Integer, String, bindparam, case, column, func, select, tuple_, type_coerce, values

from bro.extensions import db
from bro.models.audits import AuditStepResult
from bro.models.coaching import CoachingSession
from bro.models.curricula import CourseModule, CourseVersion, ModuleStep, Standard, StandardStep, StandardVersion
from bro.models.people import User
from bro.models.training import AttemptAnswer, Assignment, QuizAttempt
from bro.quality.knowledge import (
    CELLS, KNOWS_NOT_DOING, NEITHER, QUADRANTS, Answer, KnowledgeSettings, Rate, Standing, Transitions,
    conformance_rate, knowledge_as_of, knowledge_rate, standing, transitions,
)
from bro.quality.privacy import too_few_to_show


def settings_from(config) -> KnowledgeSettings:
    """The settings of the app's config (BRO_KNOWLEDGE_*; thresholds there are percents)."""
    return KnowledgeSettings(
        knowledge_days=config.get("BRO_KNOWLEDGE_DAYS", 180),
        conformance_days=config.get("BRO_CONFORMANCE_DAYS", 90),
        knowledge_threshold=config.get("BRO_KNOWLEDGE_THRESHOLD", 80) / 100,
        min_questions=config.get("BRO_KNOWLEDGE_MIN_QUESTIONS", 5),
        min_audits=config.get("BRO_KNOWLEDGE_MIN_AUDITS", 5),
    )


def conformance_threshold(config, pass_score) -> float:
    """BRO_CONFORMANCE_THRESHOLD (percent) when set, else the standard's pass_score, as a share."""
    chosen = config.get("BRO_CONFORMANCE_THRESHOLD")
    return float(chosen if chosen is not None else pass_score) / 100


@dataclass(frozen=True)
class StepInfo:
    key: str
    title: dict
    position: int
    taught: bool  # some module's `teaches` names it


@dataclass(frozen=True)
class StandardInfo:
    id: int
    key: str
    title: dict
    language: str
    pass_score: float
    steps: tuple[StepInfo, ...]


def taught_standards() -> list[StandardInfo]:
    """Standards in force whose steps some module teaches, with their steps (two queries)."""
    standard_ids = set(db.session.execute(select(ModuleStep.standard_id).distinct()).scalars())
    if not standard_ids:
        return []
    return standards_info(standard_ids)


def standards_info(standard_ids: Collection[int]) -> list[StandardInfo]:
    rows = db.session.execute(
        select(Standard.id, Standard.key, StandardVersion.title, StandardVersion.language, StandardVersion.pass_score,
               StandardStep.key, StandardStep.title, StandardStep.position)
        .join(StandardVersion, StandardVersion.id == Standard.current_version_id)
        .join(StandardStep, StandardStep.standard_version_id == StandardVersion.id)
        .where(Standard.id.in_(standard_ids), Standard.retired_at.is_(None))
        .order_by(Standard.key, StandardStep.position)).all()
    taught = set(tuple(row) for row in db.session.execute(
        select(ModuleStep.standard_id, ModuleStep.step_key).where(ModuleStep.standard_id.in_(standard_ids))
        .distinct()).all())
    found: dict[int, tuple] = {}
    steps: dict[int, list[StepInfo]] = defaultdict(list)
    for standard_id, key, title, language, pass_score, step_key, step_title, position in rows:
        found[standard_id] = (key, title, language, float(pass_score))
        steps[standard_id].append(StepInfo(step_key, step_title, position, (standard_id, step_key) in taught))
    return [StandardInfo(standard_id, *found[standard_id], tuple(steps[standard_id])) for standard_id in found]


@dataclass(frozen=True)
class PlanCurriculum:
    """What an audit's retraining plan reads of the curriculum: the standard (current version, steps, which
    steps a module teaches; None when retired or without a version) and its `_question_points`."""
    standard: StandardInfo | None
    points: tuple | None


# Per process: (database, standard id, curriculum fingerprint) -> PlanCurriculum. The fingerprint names every
# row the entry was read from by id and content hash (versions are immutable), and which versions are current.
PLAN_CURRICULUM_SIZE = 256
_plan_curricula: OrderedDict = OrderedDict()
_plan_curricula_lock = threading.Lock()


def _curriculum_fingerprint(standard_id: int) -> tuple:
    """One cheap query: the standard's current version (id, content hash) and whether it is retired, and each
    course version with modules teaching its steps (id, content hash, rows, first and last module id) with its
    course's current version."""
    return tuple(tuple(row) for row in db.session.execute(_fingerprint_query(), {"standard_id": standard_id}))


@cache
def _fingerprint_query():
    """Built once (a request pays for running it, not for building it)."""
    from bro.models.curricula import Course

    current = StandardVersion.__table__.alias("current_standard_version")
    return (select(Standard.current_version_id, current.c.content_hash, Standard.retired_at.is_(None),
                   CourseModule.course_version_id, CourseVersion.content_hash, Course.current_version_id,
                   func.count(ModuleStep.module_id), func.min(ModuleStep.module_id), func.max(ModuleStep.module_id))
            .select_from(Standard)
            .outerjoin(current, current.c.id == Standard.current_version_id)
            .outerjoin(ModuleStep, ModuleStep.standard_id == Standard.id)
            .outerjoin(CourseModule, CourseModule.id == ModuleStep.module_id)
            .outerjoin(CourseVersion, CourseVersion.id == CourseModule.course_version_id)
            .outerjoin(Course, Course.id == CourseModule.course_id)
            .where(Standard.id == bindparam("standard_id"))
            .group_by(Standard.current_version_id, current.c.content_hash, Standard.retired_at,
                      CourseModule.course_version_id, CourseVersion.content_hash, Course.current_version_id)
            .order_by(CourseModule.course_version_id))


def plan_curriculum(standard_id: int) -> PlanCurriculum:
    """`standards_info` and `_question_points` of one standard, from a bounded per-process cache checked by
    one query (`_curriculum_fingerprint`): a new or newly current version of the standard or of a course
    teaching it is read at once."""
    key = (db.engine.url, standard_id, _curriculum_fingerprint(standard_id))
    with _plan_curricula_lock:
        found = _plan_curricula.get(key)
        if found is not None:
            _plan_curricula.move_to_end(key)
            return found
    found = PlanCurriculum(next(iter(standards_info([standard_id])), None), _question_points(standard_id))
    with _plan_curricula_lock:
        _plan_curricula[key] = found
        while len(_plan_curricula) > PLAN_CURRICULUM_SIZE:
            _plan_curricula.popitem(last=False)
    return found


_always: dict = {}


def retraining_always(version: StandardVersion) -> bool:
    """Whether the standard version says ``retraining: always`` (its document, immutable, read once per process
    and version: the key names the version by id and content hash)."""
    key = (db.engine.url, version.id, version.content_hash)
    found = _always.get(key)
    if found is None:
        found = (version.document or {}).get("retraining") == "always"
        with _plan_curricula_lock:
            if len(_always) >= PLAN_CURRICULUM_SIZE:
                _always.clear()
            _always[key] = found
    return found


_READ = object()  # "read the question points", as opposed to None (no quiz)


def _question_points(standard_id: int):
    """Rows (module_id, question_key, possible) of every question of the modules (any version) teaching the
    standard's steps, or None when they have no quiz. Points live in the module's quiz document. The same rows
    for every query on the standard (filtering by step happens in the queries' joins), so each query is
    compiled once per standard and curriculum, not once per set of steps."""
    teaching = select(ModuleStep.module_id).where(ModuleStep.standard_id == standard_id)
    # No DISTINCT over the quiz document: PostgreSQL has no equality for json.
    query = select(CourseModule.id, CourseModule.quiz).where(CourseModule.id.in_(teaching),
                                                             CourseModule.quiz.is_not(None))
    rows = []
    for module_id, quiz in db.session.execute(query):
        for question in (quiz or {}).get("questions", []):
            points = float(question.get("points", 1) or 0)
            if points > 0:
                rows.append((module_id, str(question["id"]), points))
    if not rows:
        return None
    return tuple(rows)


def _points_table(rows: tuple):
    """The rows of `_question_points` as a VALUES table to join."""
    return values(column("module_id", Integer), column("question_key", String), column("possible", Float),
                  name="question_points").data(list(rows)).cte("question_points")  # SQLite: VALUES as a CTE


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min)


def knowledge_counts(standard_id: int, staff_ids: Collection[int], today: date, days: int,
                     step_keys: Collection[str] | None = None, points=_READ) -> dict[tuple[int, str], tuple[float, int]]:
    """{(staff id, step key): (sum of points earned / possible, questions)} over each person's latest answer
    to each question (course, module key, question key: the same across versions) submitted within ``days``
    before ``today``, in modules teaching the step. One query picks the latest answers in SQL; their shares are
    added up here, with the questions' possible points (which live in the quiz documents)."""
    if not staff_ids:
        return {}
    if points is _READ:
        points = _question_points(standard_id)
    if points is None:
        return {}
    possible = {(module_id, question_key): value for module_id, question_key, value in points}
    parameters = {"standard_id": standard_id, "staff_ids": list(staff_ids), "questions": list(possible),
                  "since": _day_start(today - timedelta(days=days)), "until": _day_start(today + timedelta(days=1))}
    if step_keys is not None:
        parameters["step_keys"] = list(step_keys)
    totals: dict[tuple[int, str], list] = {}
    for user_id, step_key, module_id, question_key, earned in db.session.execute(
            _latest_answers_query(step_keys is not None), parameters):
        total = totals.setdefault((user_id, step_key), [0.0, 0])
        total[0] += (earned or 0.0) / possible[(module_id, question_key)]
        total[1] += 1
    return {key: (share, n) for key, (share, n) in totals.items()}


@cache
def _latest_answers_query(by_step: bool):
    """The statement of `knowledge_counts`, built once and compiled once (everything that varies is bound, the
    questions as an expanding IN of (module, question) pairs): each person's latest answer per question."""
    ranked = (
        select(QuizAttempt.user_id.label("user_id"), ModuleStep.step_key.label("step_key"),
               QuizAttempt.module_id.label("module_id"), AttemptAnswer.question_key.label("question_key"),
               type_coerce(AttemptAnswer.points, Float).label("earned"),
               func.row_number().over(
                   partition_by=(QuizAttempt.user_id, ModuleStep.step_key, QuizAttempt.course_id,
                                 QuizAttempt.module_key, AttemptAnswer.question_key),
                   order_by=(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())).label("latest"))
        .join(AttemptAnswer, AttemptAnswer.attempt_id == QuizAttempt.id)
        .join(ModuleStep, ModuleStep.module_id == QuizAttempt.module_id)
        .where(ModuleStep.standard_id == bindparam("standard_id"),
               QuizAttempt.user_id.in_(bindparam("staff_ids", expanding=True)),
               tuple_(QuizAttempt.module_id, AttemptAnswer.question_key).in_(bindparam("questions", expanding=True)),
               QuizAttempt.submitted_at >= bindparam("since"), QuizAttempt.submitted_at < bindparam("until"))
    )
    if by_step:
        ranked = ranked.where(ModuleStep.step_key.in_(bindparam("step_keys", expanding=True)))
    ranked = ranked.subquery()
    return (select(ranked.c.user_id, ranked.c.step_key, ranked.c.module_id, ranked.c.question_key, ranked.c.earned)
            .where(ranked.c.latest == 1))


def conformance_counts(standard_id: int, staff_ids: Collection[int], today: date, days: int,
                       step_keys: Collection[str] | None = None) -> dict[tuple[int, str], tuple[int, int]]:
    """{(staff id, step key): (audits rating it met, audits rating it other than na)} within ``days`` before
    ``today``, from the current revision of each audit (AuditStepResult). One query."""
    if not staff_ids:
        return {}
    query = (select(AuditStepResult.staff_id, AuditStepResult.step_key,
                    func.sum(case((AuditStepResult.rating == "met", 1), else_=0)), func.count())
             .where(AuditStepResult.standard_id == standard_id, AuditStepResult.rated.is_(True),
                    AuditStepResult.staff_id.in_(staff_ids),
                    AuditStepResult.interacted_on >= today - timedelta(days=days),
                    AuditStepResult.interacted_on <= today)
             .group_by(AuditStepResult.staff_id, AuditStepResult.step_key))
    if step_keys is not None:
        query = query.where(AuditStepResult.step_key.in_(step_keys))
    return {(staff_id, key): (int(met or 0), int(n)) for staff_id, key, met, n in db.session.execute(query)}


@dataclass(frozen=True)
class Person:
    id: int
    name: str


def team_people(team_id: int) -> list[Person]:
    rows = db.session.execute(select(User.id, User.name).where(User.team_id == team_id, User.active.is_(True))
                              .order_by(User.name, User.id))
    return [Person(user_id, name) for user_id, name in rows]


@dataclass(frozen=True)
class StepGroup:
    """A team's standing on one step: pooled rates, the people per cell, and whether a restricted viewer
    (a trainer) may see it (groups under 5 people or 5 audits are hidden)."""

    step: StepInfo
    pooled: Standing
    people: dict[str, list[Person]]  # cell -> people
    staff_with_audits: int
    hidden: bool

    def count(self, cell: str) -> int:
        return len(self.people.get(cell, ()))


@dataclass
class TeamReport:
    standard: StandardInfo
    conformance_threshold: float
    settings: KnowledgeSettings
    people: list[Person]
    standings: dict[tuple[int, str], Standing]  # (person id, step key)
    steps: list[StepGroup] = field(default_factory=list)


def _standings(standard: StandardInfo, staff_ids: Collection[int], today: date, settings: KnowledgeSettings,
               threshold: float, step_keys: Collection[str] | None = None,
               unrecorded: Collection[tuple[int, str, date, bool]] = (), points=_READ) -> dict[tuple[int, str], Standing]:
    """``unrecorded``: ratings (staff id, step key, interacted on, met) of an audit not written yet, counted as
    `conformance_counts` would count them once written (rated steps only); ``points``: `_question_points`, when
    already read."""
    known = knowledge_counts(standard.id, staff_ids, today, settings.knowledge_days, step_keys, points=points)
    done = conformance_counts(standard.id, staff_ids, today, settings.conformance_days, step_keys)
    for staff_id, key, interacted_on, met in unrecorded:
        if today - timedelta(days=settings.conformance_days) <= interacted_on <= today:
            counted = done.get((staff_id, key), (0, 0))
            done[(staff_id, key)] = (counted[0] + int(met), counted[1] + 1)
    keys = [step.key for step in standard.steps if step_keys is None or step.key in step_keys]
    result = {}
    for staff_id in staff_ids:
        for key in keys:
            share, questions = known.get((staff_id, key), (0.0, 0))
            met, rated = done.get((staff_id, key), (0, 0))
            result[(staff_id, key)] = standing(knowledge_rate(share, questions), conformance_rate(met, rated),
                                               threshold, settings)
    return result


def team_report(standard: StandardInfo, team_id: int, today: date, settings: KnowledgeSettings,
                threshold: float, restricted: bool = False) -> TeamReport:
    """Every current member of the team on every step of the standard (two aggregate queries), and the
    team's pooled rates and counts of people per cell for each step."""
    people = team_people(team_id)
    standings = _standings(standard, [p.id for p in people], today, settings, threshold)
    report = TeamReport(standard, threshold, settings, people, standings)
    for step in standard.steps:
        cells: dict[str, list[Person]] = defaultdict(list)
        share = questions = met = rated = with_audits = 0
        for person in people:
            found = standings[(person.id, step.key)]
            cells[found.cell].append(person)
            share += found.knowledge.successes
            questions += found.knowledge.n
            met += found.conformance.successes
            rated += found.conformance.n
            with_audits += found.conformance.n > 0
        pooled = standing(knowledge_rate(share, questions), conformance_rate(int(met), rated), threshold, settings)
        report.steps.append(StepGroup(step, pooled, dict(cells), with_audits,
                                      too_few_to_show(with_audits, rated, restricted)))
    return report


def person_standings(user_id: int, today: date, settings: KnowledgeSettings, config) \
        -> list[tuple[StandardInfo, float, list[tuple[StepInfo, Standing]]]]:
    """One person's standing on every taught step of every standard they have answers or audits for."""
    found = []
    for standard in taught_standards():
        threshold = conformance_threshold(config, standard.pass_score)
        standings = _standings(standard, [user_id], today, settings, threshold)
        if not any(s.knowledge.n or s.conformance.n for s in standings.values()):
            continue
        found.append((standard, threshold,
                      [(step, standings[(user_id, step.key)]) for step in standard.steps if step.taught]))
    return found


# --- evidence over time ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceReport:
    after_training: Transitions  # doesn't know -> knows, after completing a module teaching the step
    after_coaching: Transitions  # knows-doesn't-do -> does, after a coaching session on the step


def _answers(standard_id: int, staff_ids: Collection[int], since: date) -> dict[tuple[int, str], list[Answer]]:
    """Every submitted answer since ``since`` to questions of modules teaching the standard's steps, per
    (person, step): plain rows for the as-of computations (one query)."""
    rows = _question_points(standard_id)
    if rows is None or not staff_ids:
        return {}
    points = _points_table(rows)
    rows = db.session.execute(
        select(QuizAttempt.user_id, ModuleStep.step_key, QuizAttempt.course_id, QuizAttempt.module_key,
               AttemptAnswer.question_key, QuizAttempt.submitted_at, type_coerce(AttemptAnswer.points, Float),
               points.c.possible)
        .join(AttemptAnswer, AttemptAnswer.attempt_id == QuizAttempt.id)
        .join(ModuleStep, ModuleStep.module_id == QuizAttempt.module_id)
        .join(points, (points.c.module_id == QuizAttempt.module_id)
              & (points.c.question_key == AttemptAnswer.question_key))
        .where(ModuleStep.standard_id == standard_id, QuizAttempt.user_id.in_(staff_ids),
               QuizAttempt.submitted_at >= _day_start(since)))
    found: dict[tuple[int, str], list[Answer]] = defaultdict(list)
    for user_id, step_key, course_id, module_key, question_key, at, earned, possible in rows:
        found[(user_id, step_key)].append(Answer((course_id, module_key, question_key), at,
                                                 earned or 0.0, possible))
    return found


def _ratings(standard_id: int, staff_ids: Collection[int], since: date) -> dict[tuple[int, str], list]:
    rows = db.session.execute(
        select(AuditStepResult.staff_id, AuditStepResult.step_key, AuditStepResult.interacted_on,
               AuditStepResult.rating)
        .where(AuditStepResult.standard_id == standard_id, AuditStepResult.rated.is_(True),
               AuditStepResult.staff_id.in_(staff_ids), AuditStepResult.interacted_on >= since))
    found: dict[tuple[int, str], list] = defaultdict(list)
    for staff_id, key, day, rating in rows:
        found[(staff_id, key)].append((day, rating == "met"))
    return found


def _conformance_between(ratings: Iterable[tuple[date, bool]], first: date, last: date) -> Rate:
    chosen = [met for day, met in ratings if first <= day <= last]
    return conformance_rate(sum(chosen), len(chosen))


def evidence_report(standard: StandardInfo, staff_ids: Collection[int], today: date, settings: KnowledgeSettings,
                    threshold: float, since_days: int = 365) -> EvidenceReport:
    """Over the last ``since_days``: of the people who did not know a step when a module teaching it was
    assigned to them and who completed it, how many know it now; of those who knew but did not do a step when a
    coaching session covered it, how many do it in the audits after the session. Counts, not causes."""
    since = today - timedelta(days=since_days)
    now = datetime.combine(today, time.max)
    staff_ids = list(staff_ids)
    if not staff_ids:
        return EvidenceReport(transitions([]), transitions([]))
    back = since - timedelta(days=max(settings.knowledge_days, settings.conformance_days))
    answers = _answers(standard.id, staff_ids, back)
    ratings = _ratings(standard.id, staff_ids, back)
    k_threshold = settings.knowledge_threshold

    def knows(rate: Rate) -> bool | None:
        if rate.n < settings.min_questions:
            return None
        return True if rate.low >= k_threshold else False if rate.high < k_threshold else None

    def does(rate: Rate) -> bool | None:
        if rate.n < settings.min_audits:
            return None
        return True if rate.low >= threshold else False if rate.high < threshold else None

    trained = []
    completed = db.session.execute(
        select(Assignment.user_id, Assignment.created_at, Assignment.completed_at, ModuleStep.step_key)
        .join(CourseModule, (CourseModule.course_id == Assignment.course_id)
              & (CourseModule.key == Assignment.module_key))
        .join(ModuleStep, ModuleStep.module_id == CourseModule.id)
        .where(ModuleStep.standard_id == standard.id, Assignment.user_id.in_(staff_ids),
               Assignment.completed_at.is_not(None), Assignment.created_at >= _day_start(since))
        .distinct())
    for user_id, assigned_at, _completed_at, step_key in completed:
        person_answers = answers.get((user_id, step_key), [])
        # As of the moment it was assigned (answers are timed to the second), and as of now.
        before = knows(knowledge_as_of(person_answers, assigned_at, settings.knowledge_days))
        after = knows(knowledge_as_of(person_answers, now, settings.knowledge_days))
        trained.append((before is False, after))

    coached = []
    sessions = db.session.execute(
        select(CoachingSession.staff_id, CoachingSession.held_at, CoachingSession.agenda)
        .where(CoachingSession.staff_id.in_(staff_ids), CoachingSession.held_at.is_not(None),
               CoachingSession.held_at >= _day_start(since)))
    for staff_id, held_at, agenda in sessions:
        held = held_at.date()
        for item in (agenda or {}).get("steps", []) + (agenda or {}).get("proposed", []):
            if item.get("standard_id") != standard.id:
                continue
            key = item["step_key"]
            before_rate = _conformance_between(ratings.get((staff_id, key), []),
                                               held - timedelta(days=settings.conformance_days), held)
            knew = knows(knowledge_as_of(answers.get((staff_id, key), []), held_at, settings.knowledge_days))
            after_rate = _conformance_between(ratings.get((staff_id, key), []), held + timedelta(days=1), today)
            coached.append((knew is True and does(before_rate) is False, does(after_rate)))
    return EvidenceReport(transitions(trained), transitions(coached))


__all__ = ["CELLS", "KNOWS_NOT_DOING", "NEITHER", "QUADRANTS", "EvidenceReport", "Person", "StandardInfo",
           "StepGroup", "StepInfo", "TeamReport", "conformance_counts", "conformance_threshold", "evidence_report",
           "knowledge_counts", "person_standings", "settings_from", "standards_info", "taught_standards",
           "team_people", "team_report"]


@dataclass(frozen=True)
class TeachingModule:
    id: int
    title: dict
    language: str


def teaching_modules(standard_id: int) -> dict[str, list[TeachingModule]]:
    """{step key: modules of the courses' current versions teaching it} (one query), for the links to their
    lessons and item analysis."""
    from bro.models.curricula import Course

    rows = db.session.execute(
        select(ModuleStep.step_key, CourseModule.id, CourseModule.title, CourseVersion.language)
        .join(CourseModule, CourseModule.id == ModuleStep.module_id)
        .join(CourseVersion, CourseVersion.id == CourseModule.course_version_id)
        .join(Course, Course.current_version_id == CourseVersion.id)
        .where(ModuleStep.standard_id == standard_id, Course.retired_at.is_(None))
        .order_by(CourseModule.course_id, CourseModule.position))
    found: dict[str, list[TeachingModule]] = defaultdict(list)
    for step_key, module_id, title, language in rows:
        found[step_key].append(TeachingModule(module_id, title, language))
    return found


def team_names(team_ids: Collection[int] | None) -> dict[int, str]:
    from bro.models.people import Team

    query = select(Team.id, Team.name).order_by(Team.name)
    if team_ids is not None:
        query = query.where(Team.id.in_(team_ids or {-1}))
    return dict(db.session.execute(query).all())


def standard_ids_by_audits(team_id: int) -> list[int]:
    """Standards the team's audits used, most audits first (one aggregate query on the weekly summaries)."""
    from bro.models.audits import AuditWeek

    return list(db.session.execute(
        select(AuditWeek.standard_id).where(AuditWeek.team_id == team_id).group_by(AuditWeek.standard_id)
        .order_by(func.sum(AuditWeek.audits).desc(), AuditWeek.standard_id)).scalars())

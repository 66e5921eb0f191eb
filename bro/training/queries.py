"""What the training pages show, read in a bounded number of queries per page."""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import groupby

from sqlalchemy import Float, Text, case, cast, func, literal, select, type_coerce
from sqlalchemy.orm import joinedload, selectinload

from bro.curricula import Quiz
from bro.extensions import db
from bro.models.curricula import Course, CourseModule, CourseVersion, StandardVersion
from bro.models.people import Role, Team, User, UserRole
from bro.models.training import Assignment, AttemptAnswer, AttemptGrant, Certificate, LessonRead, QuizAttempt
from bro.quality import item_analysis
from bro import clock
from bro.curricula.questions import QUESTION_TYPES, QuestionType, tallies
from bro.quality.items import AttemptItems, ItemStats, WrongAnswer, common_wrong_answers, item_stats_from_sums
from bro.training.operations import Allowance, Progress, QuizWait, allowance_from, missed_questions, quiz_wait_from
from bro.training import itemsums
from bro.authoring.text import curriculum_text

EXPIRY_WARNING_DAYS = 30

_VERSION_LOAD = (selectinload(Course.current_version).selectinload(CourseVersion.modules),
                 selectinload(Course.current_version).selectinload(CourseVersion.standard_version)
                 .selectinload(StandardVersion.steps))


def course_title(course: Course, language: str) -> str:
    version = course.current_version
    return curriculum_text(version.title, version.language, language) if version else course.key


def module_units(module: CourseModule) -> int:
    """Progress units of a module: each lesson, and the quiz."""
    return len(module.lessons) + (1 if module.quiz is not None else 0)


def module_units_done(module: CourseModule, progress: Progress, since: datetime | None) -> int:
    read = sum(1 for lesson in module.lessons if (module.key, lesson["id"]) in progress.reads)
    quiz = 1 if module.quiz is not None and module.key in progress.completed_modules([module], since=since) else 0
    return read + quiz


def _progress_by_course(user_id: int, course_ids: set[int]) -> dict[int, Progress]:
    if not course_ids:
        return {}
    passes: dict[int, list] = defaultdict(list)
    for course_id, key, at in db.session.execute(
            select(QuizAttempt.course_id, QuizAttempt.module_key, QuizAttempt.submitted_at)
            .where(QuizAttempt.user_id == user_id, QuizAttempt.course_id.in_(course_ids),
                   QuizAttempt.passed.is_(True))):
        passes[course_id].append((key, at))
    reads: dict[int, set] = defaultdict(set)
    for course_id, key, lesson in db.session.execute(
            select(LessonRead.course_id, LessonRead.module_key, LessonRead.lesson_key)
            .where(LessonRead.user_id == user_id, LessonRead.course_id.in_(course_ids))):
        reads[course_id].add((key, lesson))
    return {course_id: Progress(tuple(passes[course_id]), frozenset(reads[course_id])) for course_id in course_ids}


@dataclass
class AssignmentView:
    assignment: Assignment
    course_title: str
    module_title: str | None
    done: int
    total: int
    overdue: bool
    step_title: str | None

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def _step_title(course: Course, step_key: str | None, language: str) -> str | None:
    version = course.current_version
    if step_key is None:
        return None
    if version is not None and version.standard_version is not None:
        for step in version.standard_version.steps:
            if step.key == step_key:
                return curriculum_text(step.title, version.standard_version.language, language)
    return step_key


def assignment_views(user: User, language: str, today: date, completed_days: int = 90) -> list[AssignmentView]:
    """Open assignments (overdue first, then by due date) and those completed in the last `completed_days`."""
    recent = datetime.combine(today - timedelta(days=completed_days), datetime.min.time())
    assignments = db.session.execute(
        select(Assignment)
        .where(Assignment.user_id == user.id,
               Assignment.completed_at.is_(None) | (Assignment.completed_at >= recent))
        .options(selectinload(Assignment.course).options(*_VERSION_LOAD), joinedload(Assignment.assigned_by))
        .order_by(Assignment.completed_at.is_not(None), Assignment.completed_at.desc(), Assignment.due_date.is_(None),
                  Assignment.due_date, Assignment.created_at.desc())
    ).scalars().all()
    progress = _progress_by_course(user.id, {a.course_id for a in assignments})
    views = []
    for assignment in assignments:
        course = assignment.course
        version = course.current_version
        if version is None:
            continue
        if assignment.module_key is not None:
            scope = [m for m in version.modules if m.key == assignment.module_key]
        else:
            scope = [m for m in version.modules if m.required]
        total = sum(module_units(m) for m in scope)
        done = total if assignment.completed_at else sum(
            module_units_done(m, progress[course.id], assignment.created_at) for m in scope)
        module_title = curriculum_text(scope[0].title, version.language, language) if assignment.module_key and scope else (
            assignment.module_key)
        views.append(AssignmentView(assignment, course_title(course, language), module_title, done, total,
                                    assignment.is_overdue(today), _step_title(course, assignment.step_key, language)))
    return views


def user_certificates(user_id: int) -> list[Certificate]:
    return db.session.execute(
        select(Certificate).where(Certificate.user_id == user_id)
        .options(joinedload(Certificate.course_version), joinedload(Certificate.course))
        .order_by(Certificate.issued_at.desc())
    ).scalars().all()


def current_certificate(user_id: int, course_id: int) -> Certificate | None:
    """The user's newest certificate of the course that no later one has superseded (it may have expired)."""
    return db.session.execute(
        select(Certificate).where(Certificate.user_id == user_id, Certificate.course_id == course_id,
                                  Certificate.superseded_at.is_(None))
        .order_by(Certificate.issued_at.desc()).limit(1)).scalar_one_or_none()


def attempt_with_module(attempt_id: int) -> QuizAttempt | None:
    """A quiz attempt with its module and course version loaded (the quiz and review pages show both)."""
    return db.session.execute(
        select(QuizAttempt).where(QuizAttempt.id == attempt_id)
        .options(joinedload(QuizAttempt.module).joinedload(CourseModule.course_version))
    ).scalar_one_or_none()


def expiring_certificates(certificates: list[Certificate], today: date) -> list[Certificate]:
    limit = today + timedelta(days=EXPIRY_WARNING_DAYS)
    return [c for c in certificates if c.is_valid(today) and c.expires_on is not None and c.expires_on <= limit]


# --- course page ------------------------------------------------------------------------------------------


@dataclass
class ModuleView:
    module: CourseModule
    quiz: Quiz | None
    read: set[str]
    attempts: list[QuizAttempt]
    open_attempt: QuizAttempt | None
    passed: bool
    allowance: Allowance | None = None
    wait: QuizWait | None = None

    @property
    def submitted(self) -> list[QuizAttempt]:
        return [a for a in self.attempts if a.submitted_at is not None]

    @property
    def attempts_left(self) -> int | None:
        if self.quiz is None or self.allowance is None:
            return None
        return self.allowance.left

    @property
    def best(self) -> QuizAttempt | None:
        scored = [a for a in self.submitted if a.score is not None]
        return max(scored, key=lambda a: a.score) if scored else None


def course_modules_for(user: User, course: Course) -> list[ModuleView]:
    version = course.current_version
    attempts = db.session.execute(
        select(QuizAttempt).where(QuizAttempt.user_id == user.id, QuizAttempt.course_id == course.id)
        .order_by(QuizAttempt.number)
    ).scalars().all()
    reads = db.session.execute(
        select(LessonRead.module_key, LessonRead.lesson_key,
               func.coalesce(LessonRead.last_read_at, LessonRead.read_at))
        .where(LessonRead.user_id == user.id, LessonRead.course_id == course.id)
    ).all()
    now = clock.utcnow()
    assigned = db.session.execute(
        select(Assignment.module_key, Assignment.created_at)
        .where(Assignment.user_id == user.id, Assignment.course_id == course.id)).all()
    grants = db.session.execute(
        select(AttemptGrant.module_key, AttemptGrant.granted_at, AttemptGrant.extra_attempts)
        .where(AttemptGrant.user_id == user.id, AttemptGrant.course_id == course.id)).all()
    last_failed = {}  # module key -> the last submitted attempt, when it failed and the quiz has restudy
    for attempt in attempts:
        if attempt.submitted_at is not None:
            previous = last_failed.get(attempt.module_key)
            if previous is None or attempt.submitted_at > previous.submitted_at:
                last_failed[attempt.module_key] = attempt
    restudy_keys = {m.key for m in version.modules if m.quiz and m.quiz.get("restudy")}
    missed = missed_questions([a.id for key, a in last_failed.items() if key in restudy_keys and not a.passed])
    views = []
    for module in version.modules:
        mine = [a for a in attempts if a.module_key == module.key]
        quiz = Quiz.from_dict(module.quiz, version.language) if module.quiz else None
        allowance = allowance_from(quiz, module.key, assigned, [a.submitted_at for a in mine],
                                   [(at, extra) for key, at, extra in grants if key == module.key]) if quiz else None
        submitted = [a for a in mine if a.submitted_at is not None]
        last = max(submitted, key=lambda a: a.submitted_at) if submitted else None
        opened = {lesson: at for key, lesson, at in reads if key == module.key}
        views.append(ModuleView(
            module=module,
            quiz=quiz,
            read=set(opened),
            attempts=mine,
            open_attempt=next((a for a in mine if a.submitted_at is None), None),
            passed=any(a.passed for a in mine),
            allowance=allowance,
            wait=quiz_wait_from(quiz, [lesson["id"] for lesson in module.lessons], last, opened, now,
                                missed.get(last.id, set()) if last is not None else set())))
    return views


def load_course(course_id: int) -> Course | None:
    return db.session.execute(
        select(Course).where(Course.id == course_id).options(*_VERSION_LOAD)
    ).scalar_one_or_none()


def courses_in_force(include_retired: bool = True) -> list[Course]:
    """Courses with a version in force; retired ones (hidden from new assignments) only when asked."""
    query = (select(Course).where(Course.current_version_id.is_not(None))
             .options(selectinload(Course.current_version).selectinload(CourseVersion.modules)).order_by(Course.key))
    if not include_retired:
        query = query.where(Course.retired_at.is_(None))
    return db.session.execute(query).scalars().all()


# --- supervisors ------------------------------------------------------------------------------------------

NOT_STARTED, IN_PROGRESS, PASSED, FAILED, OVERDUE = "not_started", "in_progress", "passed", "failed", "overdue"
ASSIGNED, RETRAINING = "assigned", "retraining"
STATUSES = (NOT_STARTED, ASSIGNED, RETRAINING, IN_PROGRESS, FAILED, OVERDUE, PASSED)


@dataclass(frozen=True)
class Cell:
    status: str
    latest_attempt_id: int | None  # the last submitted attempt, for its review
    due_date: date | None = None  # of the open assignment that still needs this module
    assignment_id: int | None = None


@dataclass
class Matrix:
    team: Team
    course: Course
    modules: list[CourseModule]
    rows: list[tuple[User, list[Cell]]]
    counts: dict[str, int] = field(default_factory=dict)


def team_staff(team_ids: list[int]) -> list[User]:
    return db.session.execute(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(User.team_id.in_(team_ids), User.active.is_(True), UserRole.role == Role.staff)
        .options(joinedload(User.team)).order_by(User.name)
    ).unique().scalars().all()


def completion_matrix(team: Team, course: Course, today: date) -> Matrix:
    """Staff x module status. An open assignment that still needs the module (no pass since it was made)
    shows first: overdue (past its due date) > in retraining > assigned (nothing done yet); then passed >
    failed > in progress > not started. Cells carry the due date of the open assignment."""
    modules = list(course.current_version.modules)
    staff = team_staff([team.id])
    ids = [u.id for u in staff]
    attempt_rows = db.session.execute(
        select(QuizAttempt.user_id, QuizAttempt.module_key,
               func.max(case((QuizAttempt.passed.is_(True), 1), else_=0)),
               func.count(QuizAttempt.submitted_at), func.count(QuizAttempt.id),
               func.max(case((QuizAttempt.submitted_at.is_not(None), QuizAttempt.id), else_=None)),
               func.max(case((QuizAttempt.passed.is_(True), QuizAttempt.submitted_at), else_=None)))
        .where(QuizAttempt.course_id == course.id, QuizAttempt.user_id.in_(ids))
        .group_by(QuizAttempt.user_id, QuizAttempt.module_key)
    ).all()
    attempts = {(u, k): (bool(p), s, t) for u, k, p, s, t, _latest, _passed_at in attempt_rows}
    latest = {(u, k): last for u, k, _p, _s, _t, last, _passed_at in attempt_rows if last is not None}
    last_pass = {(u, k): at for u, k, _p, _s, _t, _latest, at in attempt_rows if at is not None}
    read_rows = db.session.execute(
        select(LessonRead.user_id, LessonRead.module_key, func.count(LessonRead.id))
        .where(LessonRead.course_id == course.id, LessonRead.user_id.in_(ids))
        .group_by(LessonRead.user_id, LessonRead.module_key)
    ).all()
    reads = {(u, k): n for u, k, n in read_rows}
    # Open assignments still needing a module: (user, module key or None for the whole course) -> rows.
    open_rows = db.session.execute(
        select(Assignment.user_id, Assignment.module_key, Assignment.created_at, Assignment.due_date,
               Assignment.reason, Assignment.id)
        .where(Assignment.course_id == course.id, Assignment.user_id.in_(ids), Assignment.completed_at.is_(None))
    ).all()
    open_by = defaultdict(list)
    for user_id, key, created_at, due, reason, assignment_id in open_rows:
        open_by[(user_id, key)].append((created_at, due, reason, assignment_id))
    rows = []
    counts = dict.fromkeys(STATUSES, 0)
    for user in staff:
        cells = []
        for module in modules:
            passed, submitted, total = attempts.get((user.id, module.key), (False, 0, 0))
            lessons_read = reads.get((user.id, module.key), 0)
            passed_at = last_pass.get((user.id, module.key))
            needing = [row for row in open_by.get((user.id, module.key), []) + (
                open_by.get((user.id, None), []) if module.required else [])
                if passed_at is None or passed_at < row[0]]  # a pass after the assignment meets it
            due_dates = [due for _at, due, _reason, _id in needing if due is not None]
            due = min(due_dates) if due_dates else None
            first = min(needing, key=lambda row: (row[1] is None, row[1] or today, row[3])) if needing else None
            if needing and due is not None and due < today:
                status = OVERDUE  # an open assignment past its due date still needs this module
            elif needing and any(reason == "retraining" for _at, _due, reason, _id in needing):
                status = RETRAINING
            elif needing and not (submitted or total or lessons_read):
                status = ASSIGNED
            elif passed and not needing or (module.quiz is None and module.lessons and lessons_read >= len(module.lessons)):
                status = PASSED
            elif submitted:
                status = FAILED
            elif total or lessons_read:
                status = IN_PROGRESS
            else:
                status = NOT_STARTED
            counts[status] += 1
            cells.append(Cell(status, latest.get((user.id, module.key)), due, first[3] if first else None))
        rows.append((user, cells))
    return Matrix(team, course, modules, rows, counts)


# --- trainers ---------------------------------------------------------------------------------------------


@dataclass
class ModuleStats:
    module: CourseModule
    attempts: int
    passed: int
    people: int

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.attempts if self.attempts else None


def quiz_module_stats() -> list[ModuleStats]:
    """Every module with a quiz, of every version, with submitted attempts, passes and people."""
    counts = {row[0]: row[1:] for row in db.session.execute(
        select(QuizAttempt.module_id, func.count(QuizAttempt.id),
               func.sum(case((QuizAttempt.passed.is_(True), 1), else_=0)),
               func.count(func.distinct(QuizAttempt.user_id)))
        .where(QuizAttempt.submitted_at.is_not(None)).group_by(QuizAttempt.module_id))}
    modules = db.session.execute(
        select(CourseModule).join(CourseVersion, CourseVersion.id == CourseModule.course_version_id)
        .where(CourseModule.quiz.is_not(None))
        .options(joinedload(CourseModule.course_version).joinedload(CourseVersion.course))
        .order_by(CourseModule.course_id, CourseVersion.number.desc(), CourseModule.position)
    ).scalars().all()
    stats = []
    for module in modules:
        if module.quiz is None:
            continue
        attempts, passed, people = counts.get(module.id, (0, 0, 0))
        stats.append(ModuleStats(module, attempts, int(passed or 0), people))
    return stats


@dataclass
class ItemReport:
    module: CourseModule
    quiz: Quiz
    attempts: int
    passed: int
    items: list[tuple[object, ItemStats | None]]  # (Question, stats)
    all_attempts: bool = False  # False: each person's first submitted attempt at this quiz version only
    wrong_answers: dict[str, list[WrongAnswer]] = field(default_factory=dict)  # short_text and numeric questions


def _counted_questions(quiz: Quiz) -> tuple[dict[str, object], dict[str, QuestionType]]:
    """The questions whose type counts something in a response (options chosen, places given), and those with
    typed answers whose common wrong answers are listed, by question id."""
    known = [q for q in quiz.questions if q.type in QUESTION_TYPES]
    return ({q.id: q for q in known if QUESTION_TYPES[q.type].tallied},
            {q.id: QUESTION_TYPES[q.type] for q in known if QUESTION_TYPES[q.type].typed_answers})


def item_report(module: CourseModule, all_attempts: bool = False) -> ItemReport:
    """Item analysis of one quiz version: by default each person's first submitted attempt at exactly this module
    row (retakes are practice on known questions); ``all_attempts`` takes every submitted attempt.

    Reads the running sums kept on submission (bro.training.itemsums): one row for the module, one per
    question and its tallies, whatever the number of attempts. `item_report_from_attempts` computes the
    same report from the attempts themselves (the tests compare the two).
    """
    quiz = Quiz.from_dict(module.quiz, module.course_version.language)
    choice_questions, typed_questions = _counted_questions(quiz)
    sums = itemsums.read_sums(module.id, "all" if all_attempts else "first", choice_questions)
    stats = {key: item_stats_from_sums(item) for key, item in sums.items.items()}
    wrong: dict[str, list[WrongAnswer]] = {}
    for question_key, question_type in typed_questions.items():
        given = []
        for response, count, correct in sums.responses.get(question_key, []):
            if response is None or isinstance(response, (list, dict)) or count - correct <= 0:
                continue
            text_value = str(response)
            given.append((question_type.wrong_answer_key(text_value), text_value.strip(), count - correct))
        if given:
            wrong[question_key] = common_wrong_answers(given)
    return ItemReport(module, quiz, sums.attempts, sums.passed,
                      [(question, stats.get(question.id)) for question in quiz.questions], all_attempts,
                      wrong if sums.attempts else {})


def item_report_from_attempts(module: CourseModule, all_attempts: bool = False) -> ItemReport:
    """`item_report` computed from every attempt's answers (time grows with the attempts): the reference the
    running sums are checked against."""
    quiz = Quiz.from_dict(module.quiz, module.course_version.language)
    choice_questions, typed_questions = _counted_questions(quiz)
    attempt_filter = [QuizAttempt.module_id == module.id, QuizAttempt.submitted_at.is_not(None)]
    if not all_attempts:
        first = (select(func.min(QuizAttempt.id)).where(*attempt_filter).group_by(QuizAttempt.user_id)
                 .scalar_subquery())
        attempt_filter.append(QuizAttempt.id.in_(first))
    # Core rows through the session's connection (no ORM loading); responses only where options are counted.
    response = case((AttemptAnswer.question_key.in_(list(choice_questions)), AttemptAnswer.response), else_=None) \
        if choice_questions else literal(None, AttemptAnswer.response.type)
    rows = db.session.connection().execute(
        # Scores and points as floats straight from the driver: no Decimal per row (the statistics are floats).
        select(QuizAttempt.id, type_coerce(QuizAttempt.score, Float), QuizAttempt.passed, AttemptAnswer.question_key,
               AttemptAnswer.correct, type_coerce(AttemptAnswer.points, Float), response)
        .join(AttemptAnswer, AttemptAnswer.attempt_id == QuizAttempt.id)
        .where(*attempt_filter)
        .order_by(QuizAttempt.id)
    )
    responses: list[AttemptItems] = []
    passed = 0
    for attempt_id, group in groupby(rows, key=lambda row: row[0]):
        items, chosen, points, score, attempt_passed = {}, {}, {}, 0.0, False
        for _id, score_value, passed_value, question_key, correct, earned, response in group:
            score, attempt_passed = score_value or 0.0, bool(passed_value)
            items[question_key] = correct
            points[question_key] = earned or 0.0
            if question_key in choice_questions and response is not None:
                chosen[question_key] = tallies(choice_questions[question_key], response)
        passed += attempt_passed
        responses.append(AttemptItems(total_score=score, items=items, chosen=chosen, points=points))
    stats = {s.question: s for s in item_analysis(responses)}
    return ItemReport(module, quiz, len(responses), passed,
                      [(question, stats.get(question.id)) for question in quiz.questions], all_attempts,
                      _wrong_answers(typed_questions, attempt_filter) if responses else {})


def _wrong_answers(typed_questions: dict[str, QuestionType], attempt_filter: list) -> dict[str, list[WrongAnswer]]:
    """The five most common wrong answers per question with typed answers (short_text, numeric), counted in
    SQL by exact text and merged in Python where the scorer treats them alike (the type's ``wrong_answer_key``:
    text trimmed and case-folded; a number with its spaces removed)."""
    if not typed_questions:
        return {}
    as_text = cast(AttemptAnswer.response, Text)
    rows = db.session.execute(
        select(AttemptAnswer.question_key, as_text, func.count())
        .join(QuizAttempt, QuizAttempt.id == AttemptAnswer.attempt_id)
        .where(*attempt_filter, AttemptAnswer.question_key.in_(list(typed_questions)), AttemptAnswer.correct.is_(False))
        .group_by(AttemptAnswer.question_key, as_text))
    given: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for question_key, raw, count in rows:
        try:
            value = json.loads(raw) if raw is not None else None
        except ValueError:
            value = raw
        if value is None or isinstance(value, (list, dict)):
            continue
        text_value = str(value)
        given[question_key].append((typed_questions[question_key].wrong_answer_key(text_value),
                                    text_value.strip(), int(count)))
    return {key: common_wrong_answers(answers) for key, answers in given.items()}


# --- attempt allowances -----------------------------------------------------------------------------------


@dataclass
class StuckLearner:
    """Someone with an open assignment whose quiz allowance at a module is used up without a pass."""

    user: User
    course: Course
    module: CourseModule
    allowance: Allowance
    assignment: Assignment


def out_of_attempts(team_ids: set[int] | None, limit: int = 200) -> list[StuckLearner]:
    """Open assignments (of staff in `team_ids`; None: everyone) with a module whose attempts are all used
    since the allowance began and not passed since: the people waiting for a grant. Four queries."""
    query = (select(Assignment).join(User, User.id == Assignment.user_id)
             .where(Assignment.completed_at.is_(None), User.active.is_(True))
             .options(joinedload(Assignment.user), selectinload(Assignment.course).options(*_VERSION_LOAD))
             .order_by(Assignment.due_date.is_(None), Assignment.due_date, Assignment.id).limit(limit * 5))
    if team_ids is not None:
        query = query.where(User.team_id.in_(team_ids or {-1}))
    assignments = db.session.execute(query).scalars().all()
    if not assignments:
        return []
    users = {a.user_id for a in assignments}
    courses = {a.course_id for a in assignments}
    assigned = defaultdict(list)
    for user_id, course_id, key, at in db.session.execute(
            select(Assignment.user_id, Assignment.course_id, Assignment.module_key, Assignment.created_at)
            .where(Assignment.user_id.in_(users), Assignment.course_id.in_(courses))):
        assigned[(user_id, course_id)].append((key, at))
    attempts = defaultdict(list)
    for user_id, course_id, key, at, passed in db.session.execute(
            select(QuizAttempt.user_id, QuizAttempt.course_id, QuizAttempt.module_key, QuizAttempt.submitted_at,
                   QuizAttempt.passed)
            .where(QuizAttempt.user_id.in_(users), QuizAttempt.course_id.in_(courses),
                   QuizAttempt.submitted_at.is_not(None))):
        attempts[(user_id, course_id, key)].append((at, bool(passed)))
    grants = defaultdict(list)
    for user_id, course_id, key, at, extra in db.session.execute(
            select(AttemptGrant.user_id, AttemptGrant.course_id, AttemptGrant.module_key, AttemptGrant.granted_at,
                   AttemptGrant.extra_attempts)
            .where(AttemptGrant.user_id.in_(users), AttemptGrant.course_id.in_(courses))):
        grants[(user_id, course_id, key)].append((at, extra))
    stuck, seen = [], set()
    for assignment in assignments:
        version = assignment.course.current_version
        if version is None:
            continue
        scope = [m for m in version.modules if (m.key == assignment.module_key if assignment.module_key else m.required)]
        for module in scope:
            key = (assignment.user_id, assignment.course_id, module.key)
            if module.quiz is None or not module.quiz.get("max_attempts") or key in seen:
                continue
            quiz = Quiz.from_dict(module.quiz, version.language)
            rows = attempts[key]
            allowance = allowance_from(quiz, module.key, assigned[key[:2]], [at for at, _p in rows], grants[key])
            passed_since = any(p and (allowance.since is None or at >= allowance.since) for at, p in rows)
            if allowance.exhausted and not passed_since:
                seen.add(key)
                stuck.append(StuckLearner(assignment.user, assignment.course, module, allowance, assignment))
    return stuck[:limit]


# --- audits -----------------------------------------------------------------------------------------------


@dataclass
class TriggeredAssignment:
    assignment: Assignment
    course_title: str
    module_title: str
    step_title: str | None
    overdue: bool


def retraining_for_audit(audit_id: int, language: str, today: date) -> list[TriggeredAssignment]:
    """The retraining assignments an audit triggered, with their state (two queries)."""
    assignments = db.session.execute(
        select(Assignment).where(Assignment.audit_id == audit_id).order_by(Assignment.id)
        .options(selectinload(Assignment.course).options(*_VERSION_LOAD))
    ).scalars().all()
    rows = []
    for assignment in assignments:
        course = assignment.course
        version = course.current_version
        module = next((m for m in version.modules if m.key == assignment.module_key), None) if version else None
        rows.append(TriggeredAssignment(
            assignment, course_title(course, language),
            curriculum_text(module.title, version.language, language) if module is not None else (assignment.module_key or ""),
            _step_title(course, assignment.step_key, language), assignment.is_overdue(today)))
    return rows

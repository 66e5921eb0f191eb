"""What changes training records: assign, start and submit attempts, read lessons, certify, expire.

Every function adds and flushes; the view or CLI command that called it commits once.
Scoring is `bro.scoring.score_quiz` over `bro.curricula.is_correct`: nothing is re-implemented here.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Iterable, Mapping

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from bro import clock
from bro.curricula import Question, Quiz, credit
from bro.curricula.model import written_decimal
from bro.curricula.questions import QUESTION_TYPES, clean_response, is_blank, problem
from bro.extensions import db
from bro.models.curricula import Course, CourseModule, CourseVersion
from bro.models.people import User
from bro.models.training import (
    ASSIGNMENT_REASONS, REASON_MANUAL, REASON_RECERTIFICATION, REASON_RETRAINING, AttemptAnswer, AttemptGrant,
    Assignment, Certificate, LessonRead, QuizAttempt,
)
from bro.access import can_see_team
from bro.models.people import Role
from bro.scoring import display_score, score_quiz
from bro.training import itemsums

RETRAINING_DUE_DAYS = 14
RECERTIFICATION_DUE_DAYS = 30


class TrainingError(Exception):
    """An action that cannot be done; `str(error)` is not shown to users (views word their own message)."""


class NoQuiz(TrainingError):
    pass


class ModuleNotInForce(TrainingError):
    pass


class AttemptLimitReached(TrainingError):
    pass


class QuizNotYetAvailable(TrainingError):
    """A failed attempt's cooldown (`retry_after`) or restudy (`restudy: true`) is not over yet."""

    def __init__(self, wait: "QuizWait"):
        super().__init__(f"quiz not available: {wait.reason}")
        self.wait = wait


# --- reading helpers used by the operations ---------------------------------------------------------------


def current_module(course_id: int, module_key: str) -> CourseModule | None:
    """The module with `module_key` in the course version in force now."""
    return db.session.execute(
        select(CourseModule)
        .join(Course, Course.current_version_id == CourseModule.course_version_id)
        .where(Course.id == course_id, CourseModule.key == module_key)
    ).scalar_one_or_none()


def module_quiz(module: CourseModule) -> Quiz | None:
    """The module's quiz, read from its document once per loaded module (a submission checks, scores and
    words its outcome with it); read again if the module's quiz was loaded again."""
    if module.quiz is None:
        return None
    read = module.__dict__.get("_bro_quiz")  # a plain attribute on the instance, not a mapped column
    if read is None or read[0] is not module.quiz:
        read = module.__dict__["_bro_quiz"] = (module.quiz, Quiz.from_dict(module.quiz, module.course_version.language))
    return read[1]


def open_attempt(user_id: int, course_id: int, module_key: str) -> QuizAttempt | None:
    return db.session.execute(
        select(QuizAttempt)
        .where(QuizAttempt.user_id == user_id, QuizAttempt.course_id == course_id,
               QuizAttempt.module_key == module_key, QuizAttempt.submitted_at.is_(None))
        .order_by(QuizAttempt.id.desc()).limit(1)
    ).scalar_one_or_none()


def attempt_counts(user_id: int, course_id: int, module_key: str) -> tuple[int, int]:
    """(all attempts, submitted attempts) of a user at one module of a course, across versions."""
    total, submitted = db.session.execute(
        select(func.count(QuizAttempt.id), func.count(QuizAttempt.submitted_at))
        .where(QuizAttempt.user_id == user_id, QuizAttempt.course_id == course_id,
               QuizAttempt.module_key == module_key)
    ).one()
    return total, submitted


def attempt_score_display(attempt: QuizAttempt) -> str:
    """The score rounded for display, computed exactly from points (not from the stored 4-place score)."""
    if attempt.earned is None or not attempt.possible:
        return ""
    return display_score(100 * Fraction(attempt.earned) / Fraction(attempt.possible))


# --- attempt allowance ------------------------------------------------------------------------------------

MAX_GRANT = 10  # extra attempts one grant may give


@dataclass(frozen=True)
class Allowance:
    """How many attempts someone may still submit at a module's quiz.

    The rule: `max_attempts` counts the attempts submitted since the newest assignment that covers the
    module (a retraining, a recertification or a manual assignment of the module or of its whole course),
    or since the first attempt when it was never assigned; extra attempts granted since then add to it.
    So every new assignment starts a fresh allowance and can always be finished.
    """

    max_attempts: int | None  # None: unlimited
    since: datetime | None  # the newest assignment covering the module (None: never assigned)
    used: int  # submitted since `since`
    granted: int  # extra attempts granted since `since`

    @property
    def allowed(self) -> int | None:
        return None if self.max_attempts is None else self.max_attempts + self.granted

    @property
    def left(self) -> int | None:
        return None if self.allowed is None else max(0, self.allowed - self.used)

    @property
    def exhausted(self) -> bool:
        return self.left == 0


def allowance_from(quiz: Quiz | None, module_key: str, assigned: Iterable[tuple[str | None, datetime]],
                   submitted: Iterable[datetime], grants: Iterable[tuple[datetime, int]]) -> Allowance:
    """The allowance rule over plain rows of one person and course: `assigned` (module key or None for the
    whole course, created at), the submission times of the module's attempts, and its grants (at, extra)."""
    since = max((at for key, at in assigned if key is None or key == module_key), default=None)
    used = sum(1 for at in submitted if at is not None and (since is None or at >= since))
    granted = sum(extra for at, extra in grants if since is None or at >= since)
    return Allowance(quiz.max_attempts if quiz is not None else None, since, used, granted)


def attempt_allowance(user_id: int, course_id: int, module_key: str, quiz: Quiz | None) -> Allowance:
    """The allowance of `user_id` at one module's quiz now (three small queries)."""
    assigned = db.session.execute(
        select(Assignment.module_key, Assignment.created_at)
        .where(Assignment.user_id == user_id, Assignment.course_id == course_id,
               (Assignment.module_key == module_key) | Assignment.module_key.is_(None))).all()
    submitted = db.session.execute(
        select(QuizAttempt.submitted_at)
        .where(QuizAttempt.user_id == user_id, QuizAttempt.course_id == course_id,
               QuizAttempt.module_key == module_key, QuizAttempt.submitted_at.is_not(None))).scalars().all()
    grants = db.session.execute(
        select(AttemptGrant.granted_at, AttemptGrant.extra_attempts)
        .where(AttemptGrant.user_id == user_id, AttemptGrant.course_id == course_id,
               AttemptGrant.module_key == module_key)).all()
    return allowance_from(quiz, module_key, assigned, submitted, grants)


# --- cooldown and restudy ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizWait:
    """Why a quiz cannot be retried yet after a failed attempt: a cooldown `until` a moment (`retry_after`),
    and/or lessons to reopen first (`restudy: true`, keys in module order)."""

    until: datetime | None
    lessons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return " and ".join(part for part, present in (("cooldown", self.until), ("restudy", self.lessons)) if present)


def lessons_to_restudy(quiz: Quiz, lesson_keys: Iterable[str], missed: Iterable[str]) -> list[str]:
    """The lessons a failed attempt sends the learner back to: those named (`lesson`) by the questions missed,
    or every lesson of the module when no missed question names one."""
    keys = list(lesson_keys)
    named = {question.lesson for question in quiz.questions if question.id in set(missed) and question.lesson}
    return [key for key in keys if key in named] if named else keys


def quiz_wait_from(quiz: Quiz | None, lesson_keys: Iterable[str], last_submitted: QuizAttempt | None,
                   opened: Mapping[str, datetime], now: datetime, missed: Iterable[str] = ()) -> QuizWait | None:
    """The wait rule over plain values: after a failed attempt submitted at T, the quiz opens again at
    T + retry_after, and (restudy) once the lessons of the questions missed (`lessons_to_restudy`) were
    opened after T. `opened`: lesson key -> last opened; `missed`: question ids missed in that attempt."""
    if quiz is None or last_submitted is None or last_submitted.passed or last_submitted.submitted_at is None:
        return None
    failed_at = last_submitted.submitted_at
    until = None
    if quiz.retry_after_seconds:
        until = failed_at + timedelta(seconds=quiz.retry_after_seconds)
        if until <= now:
            until = None
    lessons = ()
    if quiz.restudy:
        lessons = tuple(key for key in lessons_to_restudy(quiz, lesson_keys, missed)
                        if opened.get(key) is None or opened[key] < failed_at)
    return QuizWait(until, lessons) if until or lessons else None


def missed_questions(attempt_ids: Iterable[int]) -> dict[int, set[str]]:
    """Attempt id -> ids of the questions it did not answer fully right (one query)."""
    ids = list(attempt_ids)
    missed: dict[int, set[str]] = {attempt_id: set() for attempt_id in ids}
    if ids:
        for attempt_id, key in db.session.execute(
                select(AttemptAnswer.attempt_id, AttemptAnswer.question_key)
                .where(AttemptAnswer.attempt_id.in_(ids), AttemptAnswer.correct.is_(False))):
            missed[attempt_id].add(key)
    return missed


def quiz_wait(user_id: int, module: CourseModule, quiz: Quiz | None) -> QuizWait | None:
    """The wait now before `user_id` may start another attempt at `module`'s quiz (None: no wait)."""
    if quiz is None or (not quiz.retry_after and not quiz.restudy):
        return None
    last = db.session.execute(
        select(QuizAttempt).where(QuizAttempt.user_id == user_id, QuizAttempt.course_id == module.course_id,
                                  QuizAttempt.module_key == module.key, QuizAttempt.submitted_at.is_not(None))
        .order_by(QuizAttempt.submitted_at.desc()).limit(1)).scalar_one_or_none()
    opened = {key: at for key, at in db.session.execute(
        select(LessonRead.lesson_key, func.coalesce(LessonRead.last_read_at, LessonRead.read_at))
        .where(LessonRead.user_id == user_id, LessonRead.course_id == module.course_id,
               LessonRead.module_key == module.key))}
    missed = missed_questions([last.id]).get(last.id, set()) if last is not None and quiz.restudy else set()
    return quiz_wait_from(quiz, [lesson["id"] for lesson in module.lessons], last, opened, clock.utcnow(), missed)


def may_grant_attempts(user: User, staff: User) -> bool:
    """Trainers and admins grant extra attempts to anyone; supervisors to the staff of the teams they supervise."""
    if not user.is_authenticated:
        return False
    if user.id == staff.id and not user.is_admin:
        return False  # nobody grants themselves attempts
    if user.is_admin or user.has_role(Role.trainer):
        return True
    return user.has_role(Role.supervisor) and staff.team_id is not None and can_see_team(user, staff.team_id)


def grant_attempts(staff: User, course_id: int, module_key: str, extra: int, reason: str,
                   granted_by: User) -> AttemptGrant:
    """Log `extra` more attempts for `staff` at one module, with the reason. Callers check `may_grant_attempts`."""
    reason = (reason or "").strip()
    if not 1 <= extra <= MAX_GRANT:
        raise ValueError(f"extra attempts must be between 1 and {MAX_GRANT}")
    if not reason:
        raise ValueError("a grant needs a reason")
    grant = AttemptGrant(user_id=staff.id, course_id=course_id, module_key=module_key, extra_attempts=extra,
                         reason=reason[:2000], granted_by_id=granted_by.id, granted_at=clock.utcnow())
    db.session.add(grant)
    db.session.flush()
    return grant


def grants_of(user_id: int, course_id: int, module_key: str) -> list[AttemptGrant]:
    return list(db.session.execute(
        select(AttemptGrant).where(AttemptGrant.user_id == user_id, AttemptGrant.course_id == course_id,
                                   AttemptGrant.module_key == module_key)
        .order_by(AttemptGrant.granted_at.desc())
    ).scalars())


# --- assignments ------------------------------------------------------------------------------------------


def assign_course(user: User, course: Course, due_date: date | None, assigned_by: User | None,
                  module_key: str | None = None, reason: str = REASON_MANUAL, audit_id: int | None = None,
                  step_key: str | None = None) -> Assignment:
    """Assign a whole course (module_key None) or one module of it to `user`."""
    if reason not in ASSIGNMENT_REASONS:
        raise ValueError(f"unknown assignment reason {reason!r}")
    assignment = Assignment(
        user_id=user.id, course_id=course.id, module_key=module_key,
        assigned_by_id=assigned_by.id if assigned_by is not None else None, reason=reason, audit_id=audit_id,
        step_key=step_key, due_date=due_date, created_at=clock.utcnow())
    db.session.add(assignment)
    db.session.flush()
    return assignment


def complete_backdated_assignments() -> int:
    """Complete open assignments already met by passes made after them; returns how many.

    Only assignments dated in the past (demo data, imported history) can be in that state: a pass
    normally completes open assignments as it is submitted. completed_at is the moment of the pass
    that completed the scope.
    """
    completed = 0
    for assignment in db.session.execute(select(Assignment).where(Assignment.completed_at.is_(None))).scalars():
        version = db.session.get(Course, assignment.course_id).current_version
        scope = _assignment_scope(assignment, version) if version is not None else []
        if not scope or any(module.quiz is None for module in scope):
            continue
        progress = load_progress(assignment.user_id, assignment.course_id)
        if len(progress.completed_modules(scope, since=assignment.created_at)) < len(scope):
            continue
        assignment.completed_at = max(
            min(at for key, at in progress.passes if key == module.key and at >= assignment.created_at)
            for module in scope)
        completed += 1
    db.session.flush()
    return completed


def _assignment_scope(assignment: Assignment, version: CourseVersion) -> list[CourseModule]:
    if assignment.module_key is not None:
        return [module for module in version.modules if module.key == assignment.module_key]
    return [module for module in version.modules if module.required]


def open_module_assignment(user_id: int, course_id: int, module_key: str) -> Assignment | None:
    return db.session.execute(
        select(Assignment).where(Assignment.user_id == user_id, Assignment.course_id == course_id,
                                 Assignment.module_key == module_key, Assignment.completed_at.is_(None))
        .limit(1)
    ).scalar_one_or_none()


def assign_retraining(staff: User, module: CourseModule, audit_id: int | None, step_key: str | None,
                      assigned_by: User | None = None) -> Assignment | None:
    """Assign `module` after a failed audit step, unless an assignment of that module is already open
    and its attempts are not used up (a used-up one gets a new assignment, so a fresh allowance).

    Returns the new assignment, or None when one was open. It is completed when the staff member
    passes the module's quiz after this moment (or reads all its lessons, for a module without a quiz).
    """
    if open_module_assignment(staff.id, module.course_id, module.key) is not None \
            and not _allowance_used_up(staff.id, module):
        return None
    if db.session.get(Course, module.course_id).retired_at is not None:
        return None  # a retired course is not assigned any more
    due = clock.today() + timedelta(days=RETRAINING_DUE_DAYS)
    return assign_course(staff, db.session.get(Course, module.course_id), due, assigned_by, module_key=module.key,
                         reason=REASON_RETRAINING, audit_id=audit_id, step_key=step_key)


def _allowance_used_up(user_id: int, module: CourseModule) -> bool:
    """The learner has no attempt left at `module`'s quiz: a new retraining must start a fresh allowance."""
    if module.quiz is None or not module.quiz.get("max_attempts"):
        return False
    return attempt_allowance(user_id, module.course_id, module.key, module_quiz(module)).exhausted


def assign_retraining_batch(staff: User, modules: Iterable[tuple[CourseModule, str | None]], audit_id: int | None,
                            assigned_by: User | None = None) -> list[Assignment]:
    """`assign_retraining` for several modules at once (one per failed step's module, in order): one query
    for the staff member's open module assignments, then the new assignments in one flush. A module whose
    assignment is already open with attempts left (or listed twice) is skipped. Returns the new assignments."""
    modules = list(modules)
    if not modules:
        return []
    course_ids = {module.course_id for module, _step in modules}
    retired = set(db.session.execute(
        select(Course.id).where(Course.id.in_(course_ids), Course.retired_at.is_not(None))).scalars())
    modules = [(module, step) for module, step in modules if module.course_id not in retired]
    open_keys = {tuple(row) for row in db.session.execute(
        select(Assignment.course_id, Assignment.module_key)
        .where(Assignment.user_id == staff.id, Assignment.course_id.in_(course_ids),
               Assignment.module_key.is_not(None), Assignment.completed_at.is_(None))
    ).all()}
    due = clock.today() + timedelta(days=RETRAINING_DUE_DAYS)
    now = clock.utcnow()
    created = []
    created_keys: set[tuple[int, str]] = set()
    for module, step_key in modules:
        key = (module.course_id, module.key)
        if key in created_keys or (key in open_keys and not _allowance_used_up(staff.id, module)):
            continue
        created_keys.add(key)
        assignment = Assignment(
            user_id=staff.id, course_id=module.course_id, module_key=module.key,
            assigned_by_id=assigned_by.id if assigned_by is not None else None, reason=REASON_RETRAINING,
            audit_id=audit_id, step_key=step_key, due_date=due, created_at=now)
        db.session.add(assignment)
        created.append(assignment)
    if created:
        db.session.flush()
    return created


# --- attempts ---------------------------------------------------------------------------------------------


def start_attempt(user: User, module: CourseModule) -> QuizAttempt:
    """Open (or reuse the open) attempt at `module`'s quiz in the version in force now.

    The question and option order are fixed here (shuffled when the quiz says so) and the attempt
    points at that version's module row. Raises ModuleNotInForce, NoQuiz, QuizNotYetAvailable (cooldown,
    restudy) or AttemptLimitReached.
    """
    pinned = current_module(module.course_id, module.key)
    if pinned is None:
        raise ModuleNotInForce(f"module {module.key!r} is not part of the course version in force")
    quiz = module_quiz(pinned)
    if quiz is None:
        raise NoQuiz(f"module {module.key!r} has no quiz")
    existing = open_attempt(user.id, pinned.course_id, pinned.key)
    if existing is not None:
        return existing
    wait = quiz_wait(user.id, pinned, quiz)
    if wait is not None:
        raise QuizNotYetAvailable(wait)
    total, _submitted = attempt_counts(user.id, pinned.course_id, pinned.key)
    if quiz.max_attempts is not None and attempt_allowance(user.id, pinned.course_id, pinned.key, quiz).exhausted:
        raise AttemptLimitReached(f"all {quiz.max_attempts} attempts of this allowance used")
    question_order, option_order = _fixed_order(quiz)
    attempt = QuizAttempt(user_id=user.id, course_id=pinned.course_id, module_id=pinned.id, module_key=pinned.key,
                          number=total + 1, started_at=clock.utcnow(), question_order=question_order,
                          option_order=option_order)
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:
        # Another request (a second tab) opened attempt number `total + 1` at the same moment: use that one.
        existing = open_attempt(user.id, pinned.course_id, pinned.key)
        if existing is None:
            raise
        return existing
    return attempt


def _fixed_order(quiz: Quiz) -> tuple[list[str], dict[str, list[str]]]:
    """Question and option order for one attempt: shuffled when the quiz says so; the options of a type
    that asks for an order (``ordering``) always, and never in the right order."""
    shuffler = secrets.SystemRandom()
    questions = [question.id for question in quiz.questions]
    options = {question.id: [option.id for option in question.options] for question in quiz.questions
               if question.options}
    if quiz.shuffle:
        shuffler.shuffle(questions)
    for question in quiz.questions:
        kind = QUESTION_TYPES.get(question.type)
        ids = options.get(question.id)
        if ids and (quiz.shuffle or (kind is not None and kind.shuffles_options)):
            authored = list(ids)
            shuffler.shuffle(ids)
            if kind is not None and kind.shuffles_options and ids == authored:
                ids.append(ids.pop(0))  # shown in the right order, it would give the answer away
    return questions, options


_MILLI = Decimal("0.001")


@dataclass(frozen=True)
class Submission:
    attempt: QuizAttempt
    recorded: bool  # False: the attempt had been submitted already (double click, back button, second tab)


def submit_attempt(attempt: QuizAttempt, responses: Mapping[str, Any], locale: str | None = None) -> QuizAttempt:
    """Score `attempt` on the server and record it, once; returns the attempt as first submitted."""
    return record_submission(attempt, responses, locale).attempt


@dataclass(frozen=True)
class SubmissionOutcome:
    """What the learner is told after submitting: the attempt as first submitted, whether this request
    recorded it, and for a failed attempt whether it was the last one allowed or when the next may start."""

    attempt: QuizAttempt
    recorded: bool
    last_attempt_used: bool = False
    wait: QuizWait | None = None


def submission_outcome(submission: Submission) -> SubmissionOutcome:
    result = submission.attempt
    if not submission.recorded or result.passed:
        return SubmissionOutcome(result, submission.recorded)
    quiz = module_quiz(result.module)
    if attempt_allowance(result.user_id, result.course_id, result.module_key, quiz).exhausted:
        return SubmissionOutcome(result, True, last_attempt_used=True)
    return SubmissionOutcome(result, True, wait=quiz_wait(result.user_id, result.module, quiz))


@dataclass(frozen=True)
class SubmissionCheck:
    """What to settle before an attempt is scored: unanswered questions (submitted only when the learner
    confirms) and numbers that cannot be read in the learner's language (never submitted: fixed first).
    Items are (number as shown, question)."""

    unanswered: list[tuple[int, Question]]
    unreadable: list[tuple[int, Question, Any]]  # and why (a message from the question's type)

    @property
    def clean(self) -> bool:
        return not self.unanswered and not self.unreadable


def check_submission(attempt: QuizAttempt, responses: Mapping[str, Any], locale: str) -> SubmissionCheck:
    """Which questions of `attempt` the responses leave blank, and which answers cannot be judged yet
    (numbers that cannot be read in `locale`, options sharing a place), with the type's reason."""
    quiz = module_quiz(attempt.module)
    questions = {question.id: question for question in quiz.questions}
    unanswered, unreadable = [], []
    for number, question_id in enumerate(attempt.question_order, start=1):
        question = questions[question_id]
        response = clean_response(question, responses.get(question_id))
        if is_blank(question, response):
            unanswered.append((number, question))
        elif (why := problem(question, response, locale)) is not None:
            unreadable.append((number, question, why))
    return SubmissionCheck(unanswered, unreadable)


def record_submission(attempt: QuizAttempt, responses: Mapping[str, Any], locale: str | None = None) -> Submission:
    """Score `attempt` on the server and record it, once.

    A second submission of the same attempt (double click, back button, a second tab) changes
    nothing and returns the attempt as first submitted: the conditional UPDATE below only matches
    an unsubmitted row, so of two concurrent submissions exactly one wins. (PostgreSQL makes the
    loser wait for the winner's commit and then match no row; SQLite may instead raise
    OperationalError for the loser, whose caller rolls back and reads the attempt again.)
    Passing then completes assignments, marks the module's lessons read and may issue a certificate.
    Numbers are read as written in `locale` (the learner's language); without one, leniently.
    """
    if attempt.submitted_at is not None:
        return Submission(attempt, False)
    module = attempt.module
    quiz = module_quiz(module)
    questions = {question.id: question for question in quiz.questions}
    judged = []
    for position, question_id in enumerate(attempt.question_order):
        question = questions[question_id]
        response = clean_response(question, responses.get(question_id))
        judged.append((position, question, response, credit(question, response, locale)))
    result = score_quiz([(question.points, share) for _, question, _, share in judged], quiz.pass_mark)
    now = clock.utcnow()
    # Earned and possible at the columns' 3 decimals, so the values kept on the object are the stored ones.
    claimed_values = {"submitted_at": now, "earned": written_decimal(result.earned).quantize(_MILLI, ROUND_HALF_UP),
                      "possible": written_decimal(result.possible).quantize(_MILLI, ROUND_HALF_UP),
                      "score": Decimal(repr(result.score)).quantize(Decimal("0.0001")), "passed": result.passed}
    claimed = db.session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.submitted_at.is_(None))
        .values(**claimed_values)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.refresh(attempt)
        return Submission(attempt, False)
    answers = []
    for position, question, response, share in judged:
        earned = Fraction(written_decimal(question.points)) * share
        answers.append({"attempt_id": attempt.id, "question_key": question.id, "position": position,
                        "response": response, "correct": share == 1,
                        "points": Decimal(earned.numerator) / Decimal(earned.denominator)})
    if answers:
        db.session.execute(AttemptAnswer.__table__.insert(), answers)  # Core executemany: one statement
    # The attempt as submitted, without reading it back (the UPDATE above wrote exactly these values).
    for name, value in claimed_values.items():
        set_committed_value(attempt, name, value)
    if "answers" in attempt.__dict__:
        db.session.expire(attempt, ["answers"])
    itemsums.record_attempt(attempt_id=attempt.id, module_id=attempt.module_id, user_id=attempt.user_id,
                            score=claimed_values["score"], passed=result.passed,
                            answers=[itemsums.Answer(a["question_key"], a["correct"], a["points"], a["response"])
                                     for a in answers])
    if result.passed:
        user = db.session.get(User, attempt.user_id)
        for lesson in module.lessons:
            _record_read(user.id, attempt.course_id, module.key, lesson["id"], now)
        record_progress(user, attempt.course_id, now)
    return Submission(attempt, True)


# --- lessons ----------------------------------------------------------------------------------------------


def _record_read(user_id: int, course_id: int, module_key: str, lesson_key: str, now: datetime,
                 track_reopening: bool = False) -> bool:
    exists = db.session.execute(
        select(LessonRead.id).where(LessonRead.user_id == user_id, LessonRead.course_id == course_id,
                                    LessonRead.module_key == module_key, LessonRead.lesson_key == lesson_key)
    ).first()
    if exists:
        if track_reopening:  # only quizzes with `restudy: true` need to know a lesson was opened again
            db.session.execute(update(LessonRead).where(LessonRead.id == exists[0]).values(last_read_at=now)
                               .execution_options(synchronize_session=False))
        return False
    try:
        with db.session.begin_nested():
            db.session.add(LessonRead(user_id=user_id, course_id=course_id, module_key=module_key,
                                      lesson_key=lesson_key, read_at=now))
    except IntegrityError:  # read in another tab at the same moment
        return False
    return True


def mark_lesson_read(user: User, module: CourseModule, lesson_key: str) -> bool:
    """Record that `user` opened a lesson; True when something was written (the first opening, or a
    reopening that a quiz with `restudy: true` waits for), so the caller commits."""
    now = clock.utcnow()
    restudy = bool(module.quiz and module.quiz.get("restudy"))
    first = _record_read(user.id, module.course_id, module.key, lesson_key, now, track_reopening=restudy)
    if first and module.quiz is None:
        record_progress(user, module.course_id, now)
    return first or restudy


# --- completion and certificates --------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """What a user has done in one course: passes (module key, when) and lessons read."""

    passes: tuple[tuple[str, datetime], ...]
    reads: frozenset[tuple[str, str]]  # (module key, lesson key)

    def completed_modules(self, modules: Iterable[CourseModule], since: datetime | None = None,
                          strictly_after: bool = False) -> set[str]:
        """Keys of modules completed: quiz passed (after `since`), or, without a quiz, every lesson read."""
        done = set()
        for module in modules:
            if module.quiz is None:
                if all((module.key, lesson["id"]) in self.reads for lesson in module.lessons):
                    done.add(module.key)
            elif any(key == module.key and (since is None or at > since or (at == since and not strictly_after))
                     for key, at in self.passes):
                done.add(module.key)
        return done


def load_progress(user_id: int, course_id: int) -> Progress:
    passes = db.session.execute(
        select(QuizAttempt.module_key, QuizAttempt.submitted_at)
        .where(QuizAttempt.user_id == user_id, QuizAttempt.course_id == course_id, QuizAttempt.passed.is_(True))
    ).all()
    reads = db.session.execute(
        select(LessonRead.module_key, LessonRead.lesson_key)
        .where(LessonRead.user_id == user_id, LessonRead.course_id == course_id)
    ).all()
    return Progress(tuple((key, at) for key, at in passes), frozenset((m, lesson) for m, lesson in reads))


def record_progress(user: User, course_id: int, now: datetime) -> Certificate | None:
    """After a pass (or a quiz-less module read): complete assignments and issue a due certificate."""
    course = db.session.get(Course, course_id)
    version = course.current_version
    if version is None:
        return None
    progress = load_progress(user.id, course_id)
    open_assignments = db.session.execute(
        select(Assignment).where(Assignment.user_id == user.id, Assignment.course_id == course_id,
                                 Assignment.completed_at.is_(None))
    ).scalars().all()
    required = [module for module in version.modules if module.required]
    for assignment in open_assignments:
        scope = _assignment_scope(assignment, version)
        if scope and len(progress.completed_modules(scope, since=assignment.created_at)) == len(scope):
            assignment.completed_at = now
    certificate = _issue_certificate_if_complete(user, course, version, required, progress, now)
    db.session.flush()
    return certificate


def _issue_certificate_if_complete(user: User, course: Course, version: CourseVersion,
                                   required: list[CourseModule], progress: Progress,
                                   now: datetime) -> Certificate | None:
    if version.certification_title is None or not required:
        return None
    latest = db.session.execute(
        select(Certificate).where(Certificate.user_id == user.id, Certificate.course_id == course.id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc()).limit(1)
    ).scalar_one_or_none()
    since = latest.issued_at if latest is not None else None
    if len(progress.completed_modules(required, since=since, strictly_after=True)) < len(required):
        return None
    db.session.execute(
        update(Certificate)
        .where(Certificate.user_id == user.id, Certificate.course_id == course.id,
               Certificate.superseded_at.is_(None))
        .values(superseded_at=now)
        .execution_options(synchronize_session="fetch")
    )
    valid_days = version.certification_valid_days
    certificate = Certificate(
        user_id=user.id, course_id=course.id, course_version_id=version.id, issued_at=now,
        expires_on=now.date() + timedelta(days=valid_days) if valid_days else None)
    db.session.add(certificate)
    db.session.flush()
    return certificate


def expire_certificates(today: date, user_id: int | None = None) -> list[Assignment]:
    """Re-assign the course of every expired certificate (recertification), once per certificate.

    Run lazily when a staff member's home or learning page loads (for that user) and by
    `flask bro training expire` (for everyone). Returns the assignments created.
    """
    query = (select(Certificate).join(User, User.id == Certificate.user_id)
             .join(Course, Course.id == Certificate.course_id)
             .where(Certificate.superseded_at.is_(None), Certificate.expires_on.is_not(None),
                    Certificate.expires_on <= today, User.active.is_(True),
                    Course.retired_at.is_(None)))  # a retired course is not assigned again
    if user_id is not None:
        query = query.where(Certificate.user_id == user_id)
    created = []
    for certificate in db.session.execute(query).scalars():
        handled = db.session.execute(
            select(Assignment.id).where(
                Assignment.user_id == certificate.user_id, Assignment.course_id == certificate.course_id,
                Assignment.module_key.is_(None),
                (Assignment.completed_at.is_(None))
                | ((Assignment.reason == REASON_RECERTIFICATION) & (Assignment.created_at >= certificate.issued_at)))
            .limit(1)
        ).first()
        if handled:
            continue
        created.append(assign_course(certificate.user, certificate.course,
                                     today + timedelta(days=RECERTIFICATION_DUE_DAYS), None,
                                     reason=REASON_RECERTIFICATION))
    return created

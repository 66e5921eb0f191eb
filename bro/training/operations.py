"""What changes training records: assign, start and submit attempts, read lessons, certify, expire.

Every function adds and flushes; the view or CLI command that called it commits once.
Scoring is `bro.scoring.score_quiz` over `bro.curricula.is_correct`: nothing is re-implemented here.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any, Iterable, Mapping

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from bro import clock
from bro.curricula import Question, Quiz, is_correct
from bro.extensions import db
from bro.models.curricula import Course, CourseModule, CourseVersion
from bro.models.people import User
from bro.models.training import (
    ASSIGNMENT_REASONS, REASON_MANUAL, REASON_RECERTIFICATION, REASON_RETRAINING, AttemptAnswer, Assignment,
    Certificate, LessonRead, QuizAttempt,
)
from bro.scoring import display_score, score_quiz

RETRAINING_DUE_DAYS = 14
RECERTIFICATION_DUE_DAYS = 30
MAX_TEXT_RESPONSE = 500
MAX_NUMBER_RESPONSE = 100


class TrainingError(Exception):
    """An action that cannot be done; `str(error)` is not shown to users (views word their own message)."""


class NoQuiz(TrainingError):
    pass


class ModuleNotInForce(TrainingError):
    pass


class AttemptLimitReached(TrainingError):
    pass


# --- reading helpers used by the operations ---------------------------------------------------------------


def current_module(course_id: int, module_key: str) -> CourseModule | None:
    """The module with `module_key` in the course version in force now."""
    return db.session.execute(
        select(CourseModule)
        .join(Course, Course.current_version_id == CourseModule.course_version_id)
        .where(Course.id == course_id, CourseModule.key == module_key)
    ).scalar_one_or_none()


def module_quiz(module: CourseModule) -> Quiz | None:
    if module.quiz is None:
        return None
    return Quiz.from_dict(module.quiz, module.course_version.language)


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
    """Assign `module` after a failed audit step, unless an assignment of that module is already open.

    Returns the new assignment, or None when one was open. It is completed when the staff member
    passes the module's quiz after this moment (or reads all its lessons, for a module without a quiz).
    """
    if open_module_assignment(staff.id, module.course_id, module.key) is not None:
        return None
    due = clock.today() + timedelta(days=RETRAINING_DUE_DAYS)
    return assign_course(staff, db.session.get(Course, module.course_id), due, assigned_by, module_key=module.key,
                         reason=REASON_RETRAINING, audit_id=audit_id, step_key=step_key)


def assign_retraining_batch(staff: User, modules: Iterable[tuple[CourseModule, str | None]], audit_id: int | None,
                            assigned_by: User | None = None) -> list[Assignment]:
    """`assign_retraining` for several modules at once (one per failed step's module, in order): one query
    for the staff member's open module assignments, then the new assignments in one flush. A module whose
    assignment is already open (or listed twice) is skipped. Returns the new assignments."""
    modules = list(modules)
    if not modules:
        return []
    course_ids = {module.course_id for module, _step in modules}
    open_keys = {tuple(row) for row in db.session.execute(
        select(Assignment.course_id, Assignment.module_key)
        .where(Assignment.user_id == staff.id, Assignment.course_id.in_(course_ids),
               Assignment.module_key.is_not(None), Assignment.completed_at.is_(None))
    ).all()}
    due = clock.today() + timedelta(days=RETRAINING_DUE_DAYS)
    now = clock.utcnow()
    created = []
    for module, step_key in modules:
        if (module.course_id, module.key) in open_keys:
            continue
        open_keys.add((module.course_id, module.key))
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
    points at that version's module row. Raises ModuleNotInForce, NoQuiz or AttemptLimitReached.
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
    total, submitted = attempt_counts(user.id, pinned.course_id, pinned.key)
    if quiz.max_attempts is not None and submitted >= quiz.max_attempts:
        raise AttemptLimitReached(f"all {quiz.max_attempts} attempts used")
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
    shuffler = secrets.SystemRandom()
    questions = [question.id for question in quiz.questions]
    options = {question.id: [option.id for option in question.options] for question in quiz.questions
               if question.options}
    if quiz.shuffle:
        shuffler.shuffle(questions)
        for ids in options.values():
            shuffler.shuffle(ids)
    return questions, options


def clean_response(question: Question, raw: Any) -> Any:
    """What a form sent, reduced to what the question type can judge and store (never raises)."""
    option_ids = {option.id for option in question.options}
    if question.type == "single":
        return raw if isinstance(raw, str) and raw in option_ids else None
    if question.type == "multiple":
        items = [raw] if isinstance(raw, str) else raw if isinstance(raw, (list, tuple)) else []
        return sorted({item for item in items if isinstance(item, str) and item in option_ids})
    if question.type == "true_false":
        if isinstance(raw, bool):
            return raw
        return {"true": True, "false": False}.get(raw.strip().casefold()) if isinstance(raw, str) else None
    if question.type == "numeric":
        return raw.strip()[:MAX_NUMBER_RESPONSE] if isinstance(raw, str) and raw.strip() else None
    return raw.strip()[:MAX_TEXT_RESPONSE] if isinstance(raw, str) and raw.strip() else None


def _decimal(number: int | float) -> Decimal:
    return Decimal(repr(number)) if isinstance(number, float) else Decimal(number)


@dataclass(frozen=True)
class Submission:
    attempt: QuizAttempt
    recorded: bool  # False: the attempt had been submitted already (double click, back button, second tab)


def submit_attempt(attempt: QuizAttempt, responses: Mapping[str, Any]) -> QuizAttempt:
    """Score `attempt` on the server and record it, once; returns the attempt as first submitted."""
    return record_submission(attempt, responses).attempt


def record_submission(attempt: QuizAttempt, responses: Mapping[str, Any]) -> Submission:
    """Score `attempt` on the server and record it, once.

    A second submission of the same attempt (double click, back button, a second tab) changes
    nothing and returns the attempt as first submitted: the conditional UPDATE below only matches
    an unsubmitted row, so of two concurrent submissions exactly one wins. (PostgreSQL makes the
    loser wait for the winner's commit and then match no row; SQLite may instead raise
    OperationalError for the loser, whose caller rolls back and reads the attempt again.)
    Passing then completes assignments, marks the module's lessons read and may issue a certificate.
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
        judged.append((position, question, response, is_correct(question, response)))
    result = score_quiz([(question.points, correct) for _, question, _, correct in judged], quiz.pass_mark)
    now = clock.utcnow()
    claimed = db.session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.submitted_at.is_(None))
        .values(submitted_at=now, earned=_decimal(result.earned), possible=_decimal(result.possible),
                score=Decimal(repr(result.score)).quantize(Decimal("0.0001")), passed=result.passed)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.refresh(attempt)
        return Submission(attempt, False)
    for position, question, response, correct in judged:
        db.session.add(AttemptAnswer(attempt_id=attempt.id, question_key=question.id, position=position,
                                     response=response, correct=correct,
                                     points=_decimal(question.points) if correct else Decimal(0)))
    db.session.flush()
    db.session.refresh(attempt)
    if result.passed:
        user = db.session.get(User, attempt.user_id)
        for lesson in module.lessons:
            _record_read(user.id, attempt.course_id, module.key, lesson["id"], now)
        record_progress(user, attempt.course_id, now)
    return Submission(attempt, True)


# --- lessons ----------------------------------------------------------------------------------------------


def _record_read(user_id: int, course_id: int, module_key: str, lesson_key: str, now: datetime) -> bool:
    exists = db.session.execute(
        select(LessonRead.id).where(LessonRead.user_id == user_id, LessonRead.course_id == course_id,
                                    LessonRead.module_key == module_key, LessonRead.lesson_key == lesson_key)
    ).first()
    if exists:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(LessonRead(user_id=user_id, course_id=course_id, module_key=module_key,
                                      lesson_key=lesson_key, read_at=now))
    except IntegrityError:  # read in another tab at the same moment
        return False
    return True


def mark_lesson_read(user: User, module: CourseModule, lesson_key: str) -> bool:
    """Record that `user` opened a lesson; True when it is the first time."""
    now = clock.utcnow()
    first = _record_read(user.id, module.course_id, module.key, lesson_key, now)
    if first and module.quiz is None:
        record_progress(user, module.course_id, now)
    return first


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
             .where(Certificate.superseded_at.is_(None), Certificate.expires_on.is_not(None),
                    Certificate.expires_on <= today, User.active.is_(True)))
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

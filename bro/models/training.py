"""Training records: assignments, quiz attempts and their answers, lesson reads, certificates.

A QuizAttempt points at the exact CourseModule row (one course version) it was
started against, so re-importing a curriculum never changes what an attempt was
scored on. Submitted attempts and their answers are evidence: never updated.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON, BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint, text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bro import clock
from bro.models.base import Base
from bro.models.curricula import Course, CourseModule, CourseVersion
from bro.models.people import User

REASON_MANUAL = "manual"
REASON_RETRAINING = "retraining"
REASON_RECERTIFICATION = "recertification"
ASSIGNMENT_REASONS = (REASON_MANUAL, REASON_RETRAINING, REASON_RECERTIFICATION)


def _now() -> datetime:
    return clock.utcnow()  # looked up at call time, so tests moving the clock move defaults too


class Assignment(Base):
    """A course (or one module of it, `module_key`) someone must complete, and why."""

    __tablename__ = "training_assignments"
    __table_args__ = (
        Index("ix_training_assignments_user_completed", "user_id", "completed_at"),
        Index("ix_training_assignments_course", "course_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    module_key: Mapped[str | None] = mapped_column(String(80))  # None: the whole course
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(20), default=REASON_MANUAL)
    # The audit that triggered a retraining; a plain column until the audits model exists.
    audit_id: Mapped[int | None] = mapped_column(Integer, index=True)
    step_key: Mapped[str | None] = mapped_column(String(80))
    due_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    assigned_by: Mapped[User | None] = relationship(foreign_keys=[assigned_by_id])
    course: Mapped[Course] = relationship()

    @property
    def is_open(self) -> bool:
        return self.completed_at is None

    def is_overdue(self, today: date) -> bool:
        return self.completed_at is None and self.due_date is not None and self.due_date < today


class QuizAttempt(Base):
    """One attempt at one module's quiz, pinned to the module row of the version in force when it started."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        # `number` counts a user's attempts at a module; the constraint also stops two tabs opening two attempts.
        UniqueConstraint("user_id", "course_id", "module_key", "number"),
        # At most one open (unsubmitted) attempt per person and module, enforced by the database on both
        # SQLite and PostgreSQL: two tabs starting the same quiz at once cannot open two attempts.
        Index("uq_quiz_attempts_one_open", "user_id", "course_id", "module_key", unique=True,
              sqlite_where=text("submitted_at IS NULL"), postgresql_where=text("submitted_at IS NULL")),
        Index("ix_quiz_attempts_module", "module_id"),
        Index("ix_quiz_attempts_course_module", "course_id", "module_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    module_id: Mapped[int] = mapped_column(ForeignKey("course_modules.id"))
    module_key: Mapped[str] = mapped_column(String(80))
    number: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    question_order: Mapped[list] = mapped_column(JSON)
    option_order: Mapped[dict] = mapped_column(JSON)  # {question id: [option ids in shown order]}
    earned: Mapped[Decimal | None] = mapped_column(Numeric(10, 3))
    possible: Mapped[Decimal | None] = mapped_column(Numeric(10, 3))
    score: Mapped[Decimal | None] = mapped_column(Numeric(8, 4))  # 0-100, unrounded to 4 places
    passed: Mapped[bool | None] = mapped_column(Boolean)

    user: Mapped[User] = relationship()
    module: Mapped[CourseModule] = relationship()
    answers: Mapped[list[AttemptAnswer]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan", order_by="AttemptAnswer.position")

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class AttemptAnswer(Base):
    """The response given to one question of a submitted attempt, and its judgement."""

    __tablename__ = "attempt_answers"

    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"), primary_key=True)
    question_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)  # as shown in the attempt
    response: Mapped[object | None] = mapped_column(JSON)
    correct: Mapped[bool] = mapped_column(Boolean)
    points: Mapped[Decimal] = mapped_column(Numeric(10, 3))  # earned

    attempt: Mapped[QuizAttempt] = relationship(back_populates="answers")


class AttemptGrant(Base):
    """Extra quiz attempts granted to one person at one module, with who, when and why (a log: never edited).

    Grants count toward the attempt allowance that is running when they are made (see
    `bro.training.operations.attempt_allowance`): a newer assignment starts a fresh allowance.
    """

    __tablename__ = "attempt_grants"
    __table_args__ = (Index("ix_attempt_grants_user_module", "user_id", "course_id", "module_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    module_key: Mapped[str] = mapped_column(String(80))
    extra_attempts: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(DateTime, default=_now)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    granted_by: Mapped[User] = relationship(foreign_keys=[granted_by_id])


class LessonRead(Base):
    """A user opened a lesson (reading counts toward progress)."""

    __tablename__ = "lesson_reads"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "module_key", "lesson_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    module_key: Mapped[str] = mapped_column(String(80))
    lesson_key: Mapped[str] = mapped_column(String(80))
    read_at: Mapped[datetime] = mapped_column(DateTime, default=_now)  # first opened
    # Last opened: a quiz with `restudy: true` waits until the lessons are reopened after a failed attempt.
    last_read_at: Mapped[datetime | None] = mapped_column(DateTime)


class Certificate(Base):
    """Issued when every required module of a course is passed; expires after the course's valid_days."""

    __tablename__ = "certificates"
    __table_args__ = (
        Index("ix_certificates_user_course", "user_id", "course_id"),
        Index("ix_certificates_expires_on", "expires_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    course_version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id"))
    issued_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    expires_on: Mapped[date | None] = mapped_column(Date)  # first day it is no longer valid
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()
    course_version: Mapped[CourseVersion] = relationship()

    def is_valid(self, today: date) -> bool:
        return self.superseded_at is None and (self.expires_on is None or today < self.expires_on)


# --- item analysis: running sums kept as attempts are submitted (bro.training.itemsums) ----------------------
# Derived from QuizAttempt and AttemptAnswer, in the same transaction as each submission, so the item analysis
# page reads a few rows per question whatever the number of attempts. ``scope`` is "all" (every submitted
# attempt) or "first" (each person's first submitted attempt at the module row, the page's default).


class QuizFirstAttempt(Base):
    """Derived: each person's first submitted attempt at each module row (the "first" scope counts only it)."""

    __tablename__ = "quiz_first_attempts"

    module_id: Mapped[int] = mapped_column(ForeignKey("course_modules.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"))


class QuizModuleSum(Base):
    """Derived: attempts counted and passed, per module row and scope."""

    __tablename__ = "quiz_module_sums"

    module_id: Mapped[int] = mapped_column(ForeignKey("course_modules.id"), primary_key=True)
    scope: Mapped[str] = mapped_column(String(8), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    passed: Mapped[int] = mapped_column(Integer, default=0)


class QuizItemSum(Base):
    """Derived: per module row, scope and question, the sums the item statistics need. x = 1 for a correct
    answer, y = the rest score (the attempt's points on its other questions) in thousandths of a point, as
    integers so the sums stay exact on every database."""

    __tablename__ = "quiz_item_sums"

    module_id: Mapped[int] = mapped_column(ForeignKey("course_modules.id"), primary_key=True)
    scope: Mapped[str] = mapped_column(String(8), primary_key=True)
    question_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger, default=0)
    correct: Mapped[int] = mapped_column(BigInteger, default=0)  # Σx (= Σx²)
    rest_sum: Mapped[int] = mapped_column(BigInteger, default=0)  # Σy
    rest_squares: Mapped[int] = mapped_column(BigInteger, default=0)  # Σy²
    correct_rest: Mapped[int] = mapped_column(BigInteger, default=0)  # Σxy


class QuizItemTally(Base):
    """Derived: counts per module row, scope, question, kind and value. ``kind`` "score": answers given in
    attempts with total score ``value`` (ten-thousandths of a point, as text) and how many were correct (the
    upper and lower groups of Kelley's D); "response": answers given as ``value`` (the response's JSON text)
    and how many were correct (option counts, wrong typed answers). ``value_hash`` (SHA-256 of ``value``)
    keys the row, so a long typed answer fits the primary key."""

    __tablename__ = "quiz_item_tallies"

    module_id: Mapped[int] = mapped_column(ForeignKey("course_modules.id"), primary_key=True)
    scope: Mapped[str] = mapped_column(String(8), primary_key=True)
    question_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    value_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    count: Mapped[int] = mapped_column(BigInteger, default=0)
    correct: Mapped[int] = mapped_column(BigInteger, default=0)

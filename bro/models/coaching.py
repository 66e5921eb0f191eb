"""Coaching sessions: a supervisor's 1:1 with a staff member about the steps they miss, and what they agree.

The agenda is a snapshot taken when the session is planned (the person's most-missed steps over the last 90
days, the audits behind them, their open retraining), so it stays what was discussed even as new audits come.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bro import clock
from bro.models.base import Base
from bro.models.people import Team, User


class CoachingSession(Base):
    __tablename__ = "coaching_sessions"
    __table_args__ = (
        Index("ix_coaching_sessions_staff_scheduled", "staff_id", "scheduled_for"),
        Index("ix_coaching_sessions_supervisor_scheduled", "supervisor_id", "scheduled_for"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    scheduled_for: Mapped[datetime] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    # [{"standard_id", "step_key", "title", "misses", "rated", "audit_ids"}], plus open retraining
    agenda: Mapped[dict] = mapped_column(JSON)
    notes: Mapped[str | None] = mapped_column(Text)
    held_at: Mapped[datetime | None] = mapped_column(DateTime)  # the supervisor recorded the session
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)  # the staff member acknowledged it
    staff_comment: Mapped[str | None] = mapped_column(Text)

    staff: Mapped[User] = relationship(foreign_keys=[staff_id])
    supervisor: Mapped[User] = relationship(foreign_keys=[supervisor_id])
    team: Mapped[Team] = relationship(foreign_keys=[team_id])
    actions: Mapped[list[CoachingAction]] = relationship(back_populates="session", order_by="CoachingAction.id")


class CoachingAction(Base):
    """Something agreed in a session, with a due date."""

    __tablename__ = "coaching_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("coaching_sessions.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    position: Mapped[int] = mapped_column(Integer, default=0)

    session: Mapped[CoachingSession] = relationship(back_populates="actions")


DECISION_RETRAINING = "retraining"
DECISION_COACHING = "coaching"


class RetrainingDecision(Base):
    """What a nonconforming step of an audit led to, and why: retraining, or coaching proposed to the person's
    supervisor because they know the step but do not do it (bro.knowledge.operations). Kept per revision, so the
    audit page shows the choice and its reason as they were when it was made.

    ``evidence`` holds the person's knowledge and conformance on the step at that moment:
    {"knowledge": [points share sum, questions, low, high], "conformance": [met, rated, low, high], "cell": ...}.
    A coaching proposal is open until a coaching session with the person takes it up (``coaching_session_id``).
    """

    __tablename__ = "retraining_decisions"
    __table_args__ = (
        Index("ix_retraining_decisions_audit", "audit_id", "revision_number"),
        Index("ix_retraining_decisions_team_open", "team_id", "action", "coaching_session_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"))
    revision_number: Mapped[int] = mapped_column(Integer)
    staff_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    standard_id: Mapped[int] = mapped_column(ForeignKey("standards.id"))
    step_key: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(12))  # DECISION_RETRAINING | DECISION_COACHING
    reason: Mapped[str] = mapped_column(String(20))  # a knowledge cell (bro.quality.knowledge) or "standard_always"
    evidence: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    coaching_session_id: Mapped[int | None] = mapped_column(ForeignKey("coaching_sessions.id"))

    staff: Mapped[User] = relationship(foreign_keys=[staff_id])

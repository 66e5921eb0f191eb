"""Service interactions imported from the systems that hold them (help desk, chat, phone, CRM).

An Interaction is the record an audit can be made from: who served, on which channel, when, for which
customer, with an optional link back to the source system and an optional transcript (ordered messages).
Imported rows are evidence of what happened: never edited after import. ``external_id`` (the source
system's id) makes imports idempotent: importing the same export twice adds nothing.

The transcript is stored in one column of the interaction, as JSON text: a list of ``[speaker, sent_at,
text]`` (sent_at in ISO 8601, UTC, or null), in order. An interaction is read whole and never edited, so one
value is written and read instead of a row per message (an import of 100,000 interactions writes 100,000 rows,
not 450,000).
"""
from __future__ import annotations

import json
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import (
    BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bro import clock
from bro.models.base import Base
from bro.models.people import Team, User

SPEAKERS = ("staff", "customer", "system")


class Message(NamedTuple):
    """One transcript message (a tuple: a large import reads hundreds of thousands of them)."""

    speaker: str  # SPEAKERS
    sent_at: datetime | None  # UTC
    text: str


def transcript_json(messages: list[Message]) -> str | None:
    """The stored form of a transcript (None when it has no message). bro.interactions.parsing writes the same
    text without making Message tuples first: the two must stay alike (tests/web/test_interactions_bulk.py)."""
    if not messages:
        return None
    return json.dumps([[message.speaker, message.sent_at.isoformat() if message.sent_at else None, message.text]
                       for message in messages], ensure_ascii=False, separators=(",", ":"))


def transcript_messages(stored: str | None) -> list[Message]:
    """The messages of a stored transcript (transcript_json), in order."""
    if not stored:
        return []
    return [Message(speaker, datetime.fromisoformat(sent_at) if sent_at else None, said)
            for speaker, sent_at, said in json.loads(stored)]


class Interaction(Base):
    __tablename__ = "interactions"
    __table_args__ = (
        Index("ix_interactions_team_started", "team_id", "started_at"),
        Index("ix_interactions_staff_started", "staff_id", "started_at"),
        # Partial: most interactions are never audited, and an import then writes no entry of this index.
        Index("ix_interactions_audit", "audit_id", sqlite_where=text("audit_id IS NOT NULL"),
              postgresql_where=text("audit_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The source system's id: unique, so a second import of the same export is skipped row by row.
    external_id: Mapped[str | None] = mapped_column(String(120), unique=True)
    source_url: Mapped[str | None] = mapped_column(String(500))
    staff_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The staff member's team when imported (moving teams later does not move old interactions).
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    channel: Mapped[str] = mapped_column(String(12))  # bro.models.audits.CHANNELS
    relationship_kind: Mapped[str] = mapped_column("relationship", String(8))  # b2c | b2b
    started_at: Mapped[datetime] = mapped_column(DateTime)  # UTC
    customer_ref: Mapped[str] = mapped_column(String(120))
    message_count: Mapped[int] = mapped_column(Integer, default=0)
    # The messages as JSON text (transcript_json); None without a transcript. Deferred: lists of interactions
    # do not load it, interaction_with_transcript does.
    transcript: Mapped[str | None] = mapped_column(Text, deferred=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The audit made of this interaction, once audited.
    audit_id: Mapped[int | None] = mapped_column(ForeignKey("audits.id"))

    staff: Mapped[User] = relationship(foreign_keys=[staff_id])
    team: Mapped[Team] = relationship(foreign_keys=[team_id])
    imported_by: Mapped[User | None] = relationship(foreign_keys=[imported_by_id])

    @property
    def messages(self) -> list[Message]:
        """The transcript's messages, in order (read from the transcript column each time it is asked)."""
        return transcript_messages(self.transcript)


PLAN_PERIODS = ("week", "month")


class SamplingPlan(Base):
    """How many imported interactions to audit per staff member and period, for one team and standard."""

    __tablename__ = "sampling_plans"
    __table_args__ = (Index("ix_sampling_plans_team_standard", "team_id", "standard_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    standard_id: Mapped[int] = mapped_column(ForeignKey("standards.id"))
    per_staff: Mapped[int] = mapped_column(Integer)  # audits per staff member per period
    period: Mapped[str] = mapped_column(String(8), default="month")  # PLAN_PERIODS
    by_channel: Mapped[bool] = mapped_column(Boolean, default=False)  # stratify the draw by channel
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)  # a changed plan retires the old one

    team: Mapped[Team] = relationship(foreign_keys=[team_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])


class SamplingDraw(Base):
    """One random draw of a plan for one period; the seed makes it reproducible."""

    __tablename__ = "sampling_draws"
    __table_args__ = (UniqueConstraint("plan_id", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("sampling_plans.id"))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)  # first day after the period
    seed: Mapped[int] = mapped_column(BigInteger)
    drawn_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    plan: Mapped[SamplingPlan] = relationship()


class ReviewItem(Base):
    """An interaction drawn for audit, in a supervisor's review queue until it is audited."""

    __tablename__ = "review_items"
    __table_args__ = (
        Index("ix_review_items_assignee_done", "assignee_id", "done_at"),
        Index("ix_review_items_draw", "draw_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("sampling_draws.id"))
    # An interaction is drawn at most once, ever.
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id"), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assignee_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[date] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(DateTime)
    audit_id: Mapped[int | None] = mapped_column(ForeignKey("audits.id"))

    draw: Mapped[SamplingDraw] = relationship()
    interaction: Mapped[Interaction] = relationship()
    staff: Mapped[User] = relationship(foreign_keys=[staff_id])
    assignee: Mapped[User] = relationship(foreign_keys=[assignee_id])


class StaffLeave(Base):
    """A staff member away from work: their interactions are not drawn for days they are on leave."""

    __tablename__ = "staff_leave"
    __table_args__ = (Index("ix_staff_leave_user_days", "user_id", "starts_on", "ends_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)  # last day of leave
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)

"""Service interactions imported from the systems that hold them (help desk, chat, phone, CRM).

An Interaction is the record an audit can be made from: who served, on which channel, when, for which
customer, with an optional link back to the source system and an optional transcript (ordered messages).
Imported rows are evidence of what happened: never edited after import. ``external_id`` (the source
system's id) makes imports idempotent: importing the same export twice adds nothing.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bro import clock
from bro.models.base import Base
from bro.models.people import Team, User

SPEAKERS = ("staff", "customer", "system")


class Interaction(Base):
    __tablename__ = "interactions"
    __table_args__ = (
        Index("ix_interactions_team_started", "team_id", "started_at"),
        Index("ix_interactions_staff_started", "staff_id", "started_at"),
        Index("ix_interactions_audit", "audit_id"),
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
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The audit made of this interaction, once audited.
    audit_id: Mapped[int | None] = mapped_column(ForeignKey("audits.id"))

    staff: Mapped[User] = relationship(foreign_keys=[staff_id])
    team: Mapped[Team] = relationship(foreign_keys=[team_id])
    imported_by: Mapped[User | None] = relationship(foreign_keys=[imported_by_id])
    messages: Mapped[list[InteractionMessage]] = relationship(
        back_populates="interaction", order_by="InteractionMessage.position")


class InteractionMessage(Base):
    """One message of an interaction's transcript, in order."""

    __tablename__ = "interaction_messages"

    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    speaker: Mapped[str] = mapped_column(String(10))  # SPEAKERS
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)  # UTC
    text: Mapped[str] = mapped_column(Text)

    interaction: Mapped[Interaction] = relationship(back_populates="messages")


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

"""Corrective actions (plan–do–check–act) and their append-only history.

A CorrectiveAction targets one step of one standard, optionally in one team. Its status moves
plan → do → check → act → closed, one stage at a time; every change (and the creation) is a
CorrectiveActionEvent row that is never updated. ``started_at`` (entering "do") is the pivot of the
check stage's before/after comparison.

The module also declares covering indexes on the audit tables for the quality dashboard's aggregations
(every team: step × week and step × team sums; one team: staff × step counts), so they read no table rows.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bro import clock
from bro.models.audits import Audit, AuditStepResult, AuditStepWeek
from bro.models.base import Base
from bro.models.curricula import Standard
from bro.models.people import Team, User

ACTION_STATUSES = ("plan", "do", "check", "act", "closed")
ACTION_SOURCES = ("signal", "pareto", "manual")


def _now() -> datetime:
    return clock.utcnow()  # looked up at call time so tests that move the clock move defaults too


class CorrectiveAction(Base):
    __tablename__ = "corrective_actions"
    __table_args__ = (
        Index("ix_corrective_actions_owner_status", "owner_id", "status", "due_date"),
        Index("ix_corrective_actions_team_status", "team_id", "status"),
        Index("ix_corrective_actions_standard_step", "standard_id", "step_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    problem: Mapped[str] = mapped_column(Text)
    root_cause: Mapped[str | None] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    due_date: Mapped[date] = mapped_column(Date)
    standard_id: Mapped[int] = mapped_column(ForeignKey("standards.id"))
    step_key: Mapped[str] = mapped_column(String(80))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))  # None: every team
    status: Mapped[str] = mapped_column(String(10), default="plan")  # ACTION_STATUSES
    source: Mapped[str] = mapped_column(String(10), default="manual")  # ACTION_SOURCES
    source_detail: Mapped[str | None] = mapped_column(String(300))  # e.g. "rule 2: 2026-W40 – 2026-W42"
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)  # entered "do"
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    standard: Mapped[Standard] = relationship(foreign_keys=[standard_id])
    team: Mapped[Team | None] = relationship(foreign_keys=[team_id])
    events: Mapped[list[CorrectiveActionEvent]] = relationship(
        back_populates="action", order_by="CorrectiveActionEvent.id")

    @property
    def is_closed(self) -> bool:
        return self.status == "closed"

    def is_overdue(self, today: date) -> bool:
        return not self.is_closed and self.due_date < today

    @property
    def next_status(self) -> str | None:
        index = ACTION_STATUSES.index(self.status)
        return ACTION_STATUSES[index + 1] if index + 1 < len(ACTION_STATUSES) else None


class CorrectiveActionEvent(Base):
    """One entry of an action's history: created, or moved from one status to the next. Append-only."""

    __tablename__ = "corrective_action_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("corrective_actions.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(10))  # None for the creation
    to_status: Mapped[str] = mapped_column(String(10))
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    note: Mapped[str | None] = mapped_column(Text)

    action: Mapped[CorrectiveAction] = relationship(back_populates="events")
    by: Mapped[User] = relationship(foreign_keys=[by_id], lazy="joined")


class ControlBaseline(Base):
    """A control-chart baseline (Phase I) set by hand for one standard and one scope of teams. Append-only:
    a baseline starts a new phase at ``first_day``; one set later for the same day supersedes it.

    ``scope`` names the teams the charts cover: "all" (every team; set by an admin) or "teams:3,5" (sorted
    team ids). ``last_day`` None: the baseline is the first 12 periods with rated audits from ``first_day``.
    ``corrective_action_id``: set from a corrective action's check stage ("a new baseline after this change").
    """

    __tablename__ = "control_baselines"
    __table_args__ = (Index("ix_control_baselines_standard_scope", "standard_id", "scope", "first_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("standards.id"))
    scope: Mapped[str] = mapped_column(String(200))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    set_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    corrective_action_id: Mapped[int | None] = mapped_column(ForeignKey("corrective_actions.id"))

    set_by: Mapped[User] = relationship(foreign_keys=[set_by_id], lazy="joined")
    corrective_action: Mapped[CorrectiveAction | None] = relationship(foreign_keys=[corrective_action_id])


def baseline_scope(team_ids) -> str:
    """The scope key of a chart over ``team_ids`` (None: every team)."""
    return "all" if team_ids is None else "teams:" + ",".join(str(team_id) for team_id in sorted(team_ids))


# The dashboard's step × week and step × team sums over every team read this index alone (no table lookups).
Index("ix_audit_step_weeks_standard_week_cover", AuditStepWeek.standard_id, AuditStepWeek.week_start,
      AuditStepWeek.step_key, AuditStepWeek.team_id, AuditStepWeek.rated, AuditStepWeek.nonconforming)

# ... and the same sums for one team (or a supervisor's few teams).
Index("ix_audit_step_weeks_team_standard_week_cover", AuditStepWeek.team_id, AuditStepWeek.standard_id,
      AuditStepWeek.week_start, AuditStepWeek.step_key, AuditStepWeek.rated, AuditStepWeek.nonconforming)

# One team's staff × step counts over a date range, read from the index alone.
Index("ix_audit_step_results_team_standard_day_staff", AuditStepResult.team_id, AuditStepResult.standard_id,
      AuditStepResult.interacted_on, AuditStepResult.staff_id, AuditStepResult.step_key, AuditStepResult.rated,
      AuditStepResult.nonconforming)

# One team's audits per staff member and day (score trends, failures by day or month), from the index alone.
Index("ix_audits_team_standard_day_cover", Audit.team_id, Audit.standard_id, Audit.interacted_on, Audit.staff_id,
      Audit.score, Audit.passed)

# The first day audited against each standard version (where a dashboard's phases start): one index seek per
# version instead of a scan of every audit of the standard.
Index("ix_audits_version_interacted", Audit.standard_version_id, Audit.interacted_on)

__all__ = ["ACTION_SOURCES", "ACTION_STATUSES", "ControlBaseline", "CorrectiveAction", "CorrectiveActionEvent",
           "baseline_scope"]

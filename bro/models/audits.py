"""Audits of service interactions, their revisions, disputes, outcomes and calibration sessions.

Evidence and derived data are kept apart:

* Evidence (never updated in place, never deleted): ``AuditRevision`` and its ``AuditRating`` rows.
  A correction or an upheld dispute adds a revision; the previous one keeps its ratings, who, when and why.
  ``Audit`` holds the interaction's facts plus a pointer to its current revision (``revision_number``,
  ``score``, ``passed``) and workflow state (status, acknowledgement, outcomes).
* Derived (rebuilt from the current revision whenever it changes, by ``bro.audits.operations`` only):
  ``AuditStepResult`` (one row per step of the current revision, denormalized with team/staff/standard/date
  for dashboard filters) and the weekly summaries ``AuditWeek`` / ``AuditStepWeek`` (counts per team,
  standard, [step] and ISO week, kept up to date on write so dashboards over years read a few thousand rows),
  and the same per staff member too (``AuditStaffWeek`` / ``AuditStaffStepWeek``: the staff sections) and
  over every team (``AuditOrgStepWeek``: the all-teams charts).
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import (
    Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, SmallInteger, String, Text, UniqueConstraint, false, text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bro import clock
from bro.models.base import Base
from bro.models.curricula import Standard, StandardVersion
from bro.models.people import Team, User
from bro.scoring import exact_score

CHANNELS = ("phone", "email", "chat", "in_person", "meeting")
RELATIONSHIPS = ("b2c", "b2b")
STATUSES = ("recorded", "acknowledged", "disputed", "dispute_upheld", "dispute_rejected", "reopened")
# The lifecycle (README "Audit lifecycle"): every change is an AuditEvent, and the audit's status is the one
# its latest event leads to. A correction puts the audit back in the staff member's hands ("recorded").
EVENT_KINDS = ("recorded", "corrected", "acknowledged", "disputed", "dispute_upheld", "dispute_rejected",
               "reopened")
STATUS_AFTER = {"recorded": "recorded", "corrected": "recorded", "acknowledged": "acknowledged",
                "disputed": "disputed", "dispute_upheld": "dispute_upheld", "dispute_rejected": "dispute_rejected",
                "reopened": "reopened"}
REVISION_KINDS = ("original", "correction", "dispute_upheld")
RATINGS = ("met", "partial", "not_met", "na")


class Audit(Base):
    """One audited service interaction. Its current ratings are those of revision ``revision_number``."""

    __tablename__ = "audits"
    __table_args__ = (
        Index("ix_audits_team_interacted", "team_id", "interacted_on"),
        Index("ix_audits_staff_interacted", "staff_id", "interacted_on"),
        Index("ix_audits_standard_interacted", "standard_id", "interacted_on"),
        Index("ix_audits_auditor", "auditor_id"),
        Index("ix_audits_customer_ref_interacted", "customer_ref", "interacted_on"),
        Index("ix_audits_status", "status"),
        Index("ix_audits_interacted", "interacted_on", "id"),  # the all-teams list, newest first
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The staff member's team when audited (denormalized: moving teams later does not move old audits).
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    auditor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    standard_id: Mapped[int] = mapped_column(ForeignKey("standards.id"))
    standard_version_id: Mapped[int] = mapped_column(ForeignKey("standard_versions.id"))
    relationship_kind: Mapped[str] = mapped_column("relationship", String(8))  # b2c | b2b
    channel: Mapped[str] = mapped_column(String(12))  # CHANNELS
    interacted_on: Mapped[date] = mapped_column(Date)
    interacted_at: Mapped[datetime | None] = mapped_column(DateTime)
    customer_ref: Mapped[str] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    # True when the audit was made from a review-queue item a sampling plan drew at random; False for
    # observation audits and interactions picked by hand. Control charts may keep to sampled audits only:
    # a hand-picked audit is not a random sample, and the p-chart's binomial model assumes one.
    sampled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    # Current revision (pointer + its result, copied for lists and filters).
    revision_number: Mapped[int] = mapped_column(Integer, default=1)
    # The score exactly: 100 x score_earned / score_possible (sums of weight x credit and of applicable weights;
    # weights have 3 decimals and credits halves, so 4 decimals hold them exactly). Show it with
    # format_score(audit.exact_score). ``score`` is bro.scoring.score_key: the same score truncated to
    # 3 decimals, for SQL sorting, filters and sums; it rounds for display to the same one decimal.
    score_earned: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    score_possible: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    score: Mapped[Decimal] = mapped_column(Numeric(6, 3))
    passed: Mapped[bool] = mapped_column(Boolean)

    status: Mapped[str] = mapped_column(String(20), default="recorded")  # STATUSES
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)

    # Customer outcomes (None = not known).
    csat: Mapped[int | None] = mapped_column(SmallInteger)  # 1-5
    repeat_purchase: Mapped[bool | None] = mapped_column(Boolean)
    referral_made: Mapped[bool | None] = mapped_column(Boolean)
    retained_90d: Mapped[bool | None] = mapped_column(Boolean)
    order_value: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    outcomes_recorded_at: Mapped[datetime | None] = mapped_column(DateTime)
    outcomes_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    staff: Mapped[User] = relationship(foreign_keys=[staff_id])
    auditor: Mapped[User] = relationship(foreign_keys=[auditor_id])
    team: Mapped[Team] = relationship(foreign_keys=[team_id])
    standard: Mapped[Standard] = relationship(foreign_keys=[standard_id])
    standard_version: Mapped[StandardVersion] = relationship(foreign_keys=[standard_version_id])
    revisions: Mapped[list[AuditRevision]] = relationship(
        back_populates="audit", order_by="AuditRevision.number")
    disputes: Mapped[list[Dispute]] = relationship(back_populates="audit", order_by="Dispute.raised_at")
    events: Mapped[list[AuditEvent]] = relationship(back_populates="audit", order_by="AuditEvent.number")

    @property
    def exact_score(self) -> Fraction | None:
        return exact_score(self.score_earned, self.score_possible)

    @property
    def current_revision(self) -> AuditRevision:
        return next(r for r in self.revisions if r.number == self.revision_number)

    @property
    def open_dispute(self) -> Dispute | None:
        return next((d for d in self.disputes if d.resolution is None), None)

    @property
    def latest_event(self) -> AuditEvent | None:
        return self.events[-1] if self.events else None

    @property
    def has_outcomes(self) -> bool:
        return self.outcomes_recorded_at is not None


class AuditRevision(Base):
    """The full ratings of an audit at one point in time. Append-only."""

    __tablename__ = "audit_revisions"
    __table_args__ = (UniqueConstraint("audit_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"))
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # REVISION_KINDS
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    reason: Mapped[str | None] = mapped_column(Text)  # why this revision exists (None for the original)
    score_earned: Mapped[Decimal] = mapped_column(Numeric(14, 4))  # exact, as on Audit
    score_possible: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    score: Mapped[Decimal] = mapped_column(Numeric(6, 3))  # bro.scoring.score_key of the exact score
    passed: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(Text)  # the overall note as of this revision

    audit: Mapped[Audit] = relationship(back_populates="revisions")
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    ratings: Mapped[list[AuditRating]] = relationship(back_populates="revision", lazy="selectin")

    @property
    def exact_score(self) -> Fraction | None:
        return exact_score(self.score_earned, self.score_possible)

    @property
    def ratings_by_step(self) -> dict[str, AuditRating]:
        return {row.step_key: row for row in self.ratings}


class AuditRating(Base):
    __tablename__ = "audit_ratings"

    revision_id: Mapped[int] = mapped_column(ForeignKey("audit_revisions.id"), primary_key=True)
    step_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    rating: Mapped[str] = mapped_column(String(8))  # RATINGS
    note: Mapped[str | None] = mapped_column(Text)

    revision: Mapped[AuditRevision] = relationship(back_populates="ratings")


class AuditStepResult(Base):
    """Derived: the current rating of each step of each audit, with the filter columns copied in.

    Replaced (delete + insert for one audit) whenever the audit's current revision changes.
    ``rated`` is False for ``na`` (left out of p-chart denominators).
    """

    __tablename__ = "audit_step_results"
    __table_args__ = (
        Index("ix_audit_step_results_team_day", "team_id", "interacted_on", "step_key", "rated", "nonconforming"),
        Index("ix_audit_step_results_standard_step_day", "standard_id", "step_key", "interacted_on",
              "rated", "nonconforming"),
        Index("ix_audit_step_results_staff_day", "staff_id", "interacted_on", "step_key", "nonconforming"),
    )

    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), primary_key=True)
    step_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("standards.id"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    interacted_on: Mapped[date] = mapped_column(Date)
    rating: Mapped[str] = mapped_column(String(8))
    rated: Mapped[bool] = mapped_column(Boolean)  # rating != na
    nonconforming: Mapped[bool] = mapped_column(Boolean)  # rating in (partial, not_met)
    sampled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # Audit.sampled


class AuditCounts:
    """The counters of a weekly audit summary (AuditWeek, AuditStaffWeek)."""

    audits: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    score_sum: Mapped[Decimal] = mapped_column(Numeric(14, 3), default=0)  # sum of Audit.score (score keys)
    # The same counts for sampled audits only (Audit.sampled): part of the totals above.
    sampled_audits: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    sampled_failed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    sampled_score_sum: Mapped[Decimal] = mapped_column(Numeric(14, 3), default=0, server_default="0")


class StepCounts:
    """The counters of a weekly step summary (AuditStepWeek, AuditStaffStepWeek): how many audits rated the step
    (not na) and how many of those were nonconforming."""

    rated: Mapped[int] = mapped_column(Integer, default=0)
    nonconforming: Mapped[int] = mapped_column(Integer, default=0)
    # The same counts for sampled audits only (Audit.sampled): part of the totals above.
    sampled_rated: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    sampled_nonconforming: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class AuditWeek(AuditCounts, Base):
    """Derived: audits per team, standard and ISO week (``week_start`` = the Monday), updated on write."""

    __tablename__ = "audit_weeks"
    __table_args__ = (Index("ix_audit_weeks_standard_week", "standard_id", "week_start"),)

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("standards.id"), primary_key=True)
    week_start: Mapped[date] = mapped_column(Date, primary_key=True)


class AuditStepWeek(StepCounts, Base):
    """Derived: per team, standard, step and ISO week, how many audits rated the step (not na) and how many
    of those were nonconforming. Updated on write together with AuditStepResult."""

    __tablename__ = "audit_step_weeks"
    __table_args__ = (Index("ix_audit_step_weeks_standard_step_week", "standard_id", "step_key", "week_start"),)

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("standards.id"), primary_key=True)
    step_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    week_start: Mapped[date] = mapped_column(Date, primary_key=True)


class AuditOrgStepWeek(StepCounts, Base):
    """Derived: AuditStepWeek summed over every team (per standard, step and ISO week): the all-teams charts read
    one row per step and week, however many teams there are. Updated on write together with AuditStepResult."""

    __tablename__ = "audit_org_step_weeks"
    __table_args__ = ({"sqlite_with_rowid": False},)  # on SQLite stored in key order: a range of weeks in one pass

    standard_id: Mapped[int] = mapped_column(ForeignKey("standards.id"), primary_key=True)
    week_start: Mapped[date] = mapped_column(Date, primary_key=True)
    step_key: Mapped[str] = mapped_column(String(80), primary_key=True)


class AuditStaffWeek(AuditCounts, Base):
    """Derived: audits per team, standard, staff member and ISO week, updated on write like AuditWeek. The
    dashboard's staff sections and a person's own charts read it instead of one row per audit."""

    __tablename__ = "audit_staff_weeks"
    # On SQLite the rows are stored in key order (WITHOUT ROWID): a team's weeks are one range of the table.
    __table_args__ = (Index("ix_audit_staff_weeks_staff_standard_week", "staff_id", "standard_id", "week_start"),
                      {"sqlite_with_rowid": False})

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("standards.id"), primary_key=True)
    week_start: Mapped[date] = mapped_column(Date, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)


class AuditStaffStepWeek(StepCounts, Base):
    """Derived: AuditStepWeek per staff member too, per ISO week. Updated on write together with
    AuditStepResult."""

    __tablename__ = "audit_staff_step_weeks"
    __table_args__ = (Index("ix_audit_staff_step_weeks_staff_standard_week", "staff_id", "standard_id",
                            "week_start"), {"sqlite_with_rowid": False})

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("standards.id"), primary_key=True)
    week_start: Mapped[date] = mapped_column(Date, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    step_key: Mapped[str] = mapped_column(String(80), primary_key=True)


class AuditDataVersion(Base):
    """Derived: the newest audit revision written per standard and team (a new audit, a correction, an upheld
    dispute). Cached dashboards are keyed by it, so a write invalidates the charts of its team and standard
    only, on every server at once. Updated on write together with AuditStepResult."""

    __tablename__ = "audit_data_versions"

    standard_id: Mapped[int] = mapped_column(ForeignKey("standards.id"), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    revision_id: Mapped[int] = mapped_column(Integer, default=0)


class Dispute(Base):
    __tablename__ = "disputes"
    __table_args__ = (
        Index("ix_disputes_audit", "audit_id"),
        Index("ix_disputes_resolved_at", "resolved_at"),
        # At most one open dispute per audit, enforced by the database (a double click cannot open two).
        Index("uq_disputes_one_open", "audit_id", unique=True,
              sqlite_where=text("resolution IS NULL"), postgresql_where=text("resolution IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"))
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    raised_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    reason: Mapped[str] = mapped_column(Text)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolution: Mapped[str | None] = mapped_column(String(10))  # upheld | rejected
    resolution_reason: Mapped[str | None] = mapped_column(Text)
    # The revision an upheld dispute created.
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("audit_revisions.id"))

    audit: Mapped[Audit] = relationship(back_populates="disputes")
    raised_by: Mapped[User] = relationship(foreign_keys=[raised_by_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
    steps: Mapped[list[DisputeStep]] = relationship(back_populates="dispute", order_by="DisputeStep.position",
                                                    lazy="selectin")


class DisputeStep(Base):
    """One step a staff member disputes, with their reason and, once resolved, the decision on that step.

    A whole-audit dispute is a dispute of every rated step. Upheld steps take the resolver's rating in the new
    revision; rejected ones keep theirs.
    """

    __tablename__ = "dispute_steps"

    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), primary_key=True)
    step_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str | None] = mapped_column(Text)
    rating_before: Mapped[str] = mapped_column(String(8))
    decision: Mapped[str | None] = mapped_column(String(10))  # upheld | rejected
    rating_after: Mapped[str | None] = mapped_column(String(8))

    dispute: Mapped[Dispute] = relationship(back_populates="steps")


class AuditEvent(Base):
    """One step of an audit's lifecycle: who did what, when and why. Append-only.

    ``number`` counts the audit's events from 1; the unique (audit_id, number) makes two changes racing on
    one audit collide in the database (the second is refused), so the status always follows the latest event.
    """

    __tablename__ = "audit_events"
    __table_args__ = (UniqueConstraint("audit_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"))
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # EVENT_KINDS
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    reason: Mapped[str | None] = mapped_column(Text)
    # The audit's current revision once the event happened.
    revision_number: Mapped[int] = mapped_column(Integer)
    dispute_id: Mapped[int | None] = mapped_column(ForeignKey("disputes.id"))

    audit: Mapped[Audit] = relationship(back_populates="events")
    actor: Mapped[User] = relationship(foreign_keys=[actor_id])

    @property
    def status_after(self) -> str:
        return STATUS_AFTER[self.kind]


class CalibrationSession(Base):
    """Several supervisors rate one interaction blind against one standard version."""

    __tablename__ = "calibration_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reference: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)  # transcript or description of the interaction
    standard_version_id: Mapped[int] = mapped_column(ForeignKey("standard_versions.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The benchmark rater (the owner or a named expert): a participant who rates blind like the others, whose
    # ratings the others are compared with. None: compare with the panel's consensus.
    benchmark_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    benchmark_user: Mapped[User | None] = relationship(foreign_keys=[benchmark_user_id])
    standard_version: Mapped[StandardVersion] = relationship(foreign_keys=[standard_version_id])
    participants: Mapped[list[CalibrationParticipant]] = relationship(
        back_populates="session", order_by="CalibrationParticipant.invited_at", lazy="selectin")
    ratings: Mapped[list[CalibrationRating]] = relationship(back_populates="session")

    @property
    def all_submitted(self) -> bool:
        return bool(self.participants) and all(p.submitted_at for p in self.participants)

    @property
    def results_visible(self) -> bool:
        """Blind until every participant has submitted or the owner closed the session."""
        return self.closed_at is not None or self.all_submitted


class CalibrationParticipant(Base):
    __tablename__ = "calibration_participants"

    session_id: Mapped[int] = mapped_column(ForeignKey("calibration_sessions.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    invited_at: Mapped[datetime] = mapped_column(DateTime, default=clock.utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)

    session: Mapped[CalibrationSession] = relationship(back_populates="participants")
    user: Mapped[User] = relationship(lazy="joined")


class CalibrationRating(Base):
    __tablename__ = "calibration_ratings"

    session_id: Mapped[int] = mapped_column(ForeignKey("calibration_sessions.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    step_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    rating: Mapped[str] = mapped_column(String(8))
    note: Mapped[str | None] = mapped_column(Text)

    session: Mapped[CalibrationSession] = relationship(back_populates="ratings")

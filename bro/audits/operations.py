"""Audit operations: record, correct, acknowledge, dispute, resolve, outcomes, and the retraining loop.

Every function adds and flushes; the caller (view, CLI, demo) commits once. Scoring is
`bro.scoring.score_audit` — never re-implemented here. Ratings are evidence: a change of
ratings always adds an AuditRevision; the previous revision and its AuditRating rows stay.
The derived tables (AuditStepResult and the weekly summaries of bro.models.audits) are rewritten only by
`_apply_current_revision`, the one place that keeps them in step with the evidence.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from flask import current_app
from bro.audits.text import _, problem_text, when_text
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, defer, joinedload, lazyload, make_transient_to_detached, selectinload

from bro import clock
from bro.database import add_counts, conflict_insert
from bro.extensions import db
from bro.interactions.sampling import awaits_review, complete_review
from bro.models.audits import (
    AuditDataVersion, AuditOrgStepWeek, AuditStaffStepWeek, AuditStaffWeek,
    CHANNELS, RELATIONSHIPS, STATUS_AFTER, Audit, AuditEvent, AuditRating, AuditRevision, AuditStepResult,
    AuditStepWeek, AuditWeek, Dispute, DisputeStep,
)
from bro.models.curricula import Course, CourseModule, CourseVersion, ModuleStep, Standard, StandardVersion
from bro.models.interactions import Interaction
from bro.models.people import Role, User
from bro.scoring import NONCONFORMING, AuditScore, InvalidAudit, Rating, StepSpec, score_audit, score_key
from bro.training.operations import assign_retraining_batch, module_quiz

__all__ = [
    "ANSWERABLE", "AuditRefused", "ConcurrentChange", "FINAL", "NotAllowed", "acknowledge_audit", "can_audit",
    "can_resolve_dispute", "correct_audit", "correction_deadline", "correction_refusal", "dispute_audit",
    "dispute_deadline", "is_auditor_or_admin", "may_correct", "order_value_problem", "record_audit",
    "record_outcomes", "reopen_audit", "reopen_refusal", "resolve_dispute", "standards_in_force", "step_specs",
    "week_start",
]


class AuditRefused(ValueError):
    """The request cannot be carried out; ``problems`` are messages for people (translated)."""

    def __init__(self, problems: list[str] | str, field_problems: Mapping[str, str] | None = None):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.field_problems = dict(field_problems or {})
        super().__init__("; ".join(self.problems + list(self.field_problems.values())))


class ConcurrentChange(AuditRefused):
    """Another request changed the audit first (a double click, or two people at once)."""


class NotAllowed(PermissionError):
    """The user may not do this to this object (views answer 403, or 404 when they may not even see it)."""


# ---------------------------------------------------------------------------------------------------------------
# Standards and scoring helpers


def step_specs(version: StandardVersion) -> list[StepSpec]:
    return [StepSpec(key=step.key, weight=step.weight, critical=step.critical) for step in version.steps]


def standards_in_force(relationship: str) -> list[StandardVersion]:
    """Current versions of the standards that apply to ``relationship`` (exact kind first, then ``any``)."""
    versions = db.session.execute(
        select(StandardVersion)
        .join(Standard, Standard.current_version_id == StandardVersion.id)
        .where(StandardVersion.relationship_kind.in_([relationship, "any"]), Standard.retired_at.is_(None))
        .options(selectinload(StandardVersion.steps), contains_eager(StandardVersion.standard),
                 defer(StandardVersion.document))  # the whole document: loads only if read
    ).scalars().all()
    return sorted(versions, key=lambda v: (v.relationship_kind != relationship, v.standard.key))


@dataclass(frozen=True)
class AuditTarget:
    """What a new audit rates: the relationship, the standards in force for it and the chosen one.
    ``replaced``: the form was filled in against a version that a newer one has since replaced."""

    relationship: str
    versions: list[StandardVersion]
    version: StandardVersion | None
    replaced: bool


def audit_target(relationship: str | None, chosen_version_id: int | None,
                 interaction: Interaction | None = None) -> AuditTarget:
    """The relationship asked for (else the interaction's, else B2C) and the chosen standard version in force
    (else the first)."""
    relationship = relationship or (interaction.relationship_kind if interaction is not None else "b2c")
    if relationship not in RELATIONSHIPS:
        relationship = "b2c"
    versions = standards_in_force(relationship)
    version = next((v for v in versions if v.id == chosen_version_id), versions[0] if versions else None)
    replaced = bool(chosen_version_id) and version is not None and chosen_version_id != version.id
    return AuditTarget(relationship, versions, version, replaced)


def audit_interaction(interaction: Interaction | None, **fields) -> Audit:
    """`record_audit`; when the audit rates an imported interaction, it must be the interaction's staff member,
    and the interaction's review is complete."""
    if interaction is not None and fields["staff"].id != interaction.staff_id:
        raise AuditRefused([], {"staff_id": _("This interaction was served by %(name)s.",
                                              name=interaction.staff.name)})
    # Sampled: the interaction waits in a review queue, drawn at random by a sampling plan (not hand-picked).
    audit = record_audit(**fields, sampled=interaction is not None and awaits_review(interaction))
    if interaction is not None:
        complete_review(interaction, audit)
    return audit


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week (the key of the weekly summaries)."""
    return day - timedelta(days=day.weekday())


def _score(version: StandardVersion, ratings: Mapping[str, str]):
    """Score with bro.scoring, turning its problems into messages for the person rating."""
    keys = [step.key for step in version.steps]
    if keys and all(ratings.get(key) == Rating.NA.value for key in keys):
        raise AuditRefused(_("Every step is rated “N/A”: an audit needs at least one step rated met, "
                             "partial or not met. Rate the steps that happened, or do not record this audit."))
    try:
        return score_audit(step_specs(version), ratings, version.pass_score)
    except InvalidAudit as error:
        raise AuditRefused([_("The ratings cannot be scored: %(problem)s", problem=problem_text(p))
                            for p in error.problems]) \
            from None


def _score_columns(result: AuditScore) -> dict:
    """The stored score: exact earned / possible sums, and the 3-decimal key truncated (bro.scoring.score_key)."""
    return {"score_earned": _exact_decimal(result.earned), "score_possible": _exact_decimal(result.possible),
            "score": score_key(result)}


def _exact_decimal(value: Fraction) -> Decimal:
    # Weights have 3 decimals and credits are halves: the sums have at most 4 decimals, so this is exact.
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.0001"))


# ---------------------------------------------------------------------------------------------------------------
# Who may do what (object level; roles are checked by the views' decorators)


def can_audit(auditor: User, staff: User) -> bool:
    """Admins audit anyone; a supervisor audits staff of the teams they supervise (never themselves)."""
    if staff.team_id is None or not staff.has_role(Role.staff) or auditor.id == staff.id:
        return False
    if auditor.is_admin:
        return True
    return auditor.has_role(Role.supervisor) and staff.team_id in {t.id for t in auditor.supervised_teams}


def is_auditor_or_admin(user: User, audit: Audit) -> bool:
    """Who may correct an audit at all: its auditor, or an admin who is not the audited staff member."""
    return user.id == audit.auditor_id or (user.is_admin and user.id != audit.staff_id)


def correction_refusal(user: User, audit: Audit, now: datetime | None = None) -> str | None:
    """Why ``user`` may not correct ``audit`` now (None: they may). See README "Audit lifecycle"."""
    if not is_auditor_or_admin(user, audit):
        return _("Only the auditor may correct this audit.")
    if audit.status == "disputed":
        return _("The staff member disputes this audit: a supervisor resolves the dispute, the ratings do not "
                 "change meanwhile.")
    if audit.status not in ANSWERABLE:
        return _("This audit is final (acknowledged or resolved): only an admin can reopen it, with a reason.")
    if (now or clock.utcnow()) > correction_deadline(audit):
        return _("The correction window closed on %(when)s: ask an admin to reopen the audit.",
                 when=when_text(correction_deadline(audit)))
    return None


def may_correct(user: User, audit: Audit, now: datetime | None = None) -> bool:
    return correction_refusal(user, audit, now) is None


def reopen_refusal(user: User, audit: Audit, now: datetime | None = None) -> str | None:
    """Why ``user`` may not reopen ``audit`` now (None: they may)."""
    if not user.is_admin or user.id in (audit.staff_id, audit.auditor_id):
        return _("An admin who is neither the auditor nor the audited staff member reopens an audit.")
    if audit.status == "disputed":
        return _("A dispute is open: it is resolved first.")
    if audit.status in ANSWERABLE and (now or clock.utcnow()) <= correction_deadline(audit):
        return _("The auditor can still correct this audit: no reopening is needed.")
    return None


def can_resolve_dispute(user: User, audit: Audit) -> bool:
    """A supervisor of the audit's team other than the auditor — the auditor only when the team has no
    other active supervisor. Admins may resolve any dispute they did not audit."""
    if user.id == audit.staff_id:
        return False
    supervises = user.has_role(Role.supervisor) and audit.team_id in {t.id for t in user.supervised_teams}
    if not (supervises or user.is_admin):
        return False
    if user.id != audit.auditor_id:
        return True
    others = [s for s in audit.team.supervisors if s.id != audit.auditor_id and s.active]
    return not others


# Statuses in which the staff member answers (acknowledge or dispute) and the auditor may still correct.
ANSWERABLE = ("recorded", "reopened")
# Statuses nothing changes without an admin's reopen.
FINAL = ("acknowledged", "dispute_upheld", "dispute_rejected")


def _latest_event_at(audit: Audit, kinds: tuple[str, ...]) -> datetime:
    return next((e.at for e in reversed(audit.events) if e.kind in kinds), audit.created_at)


def dispute_deadline(audit: Audit) -> datetime:
    """The staff member may dispute until BRO_DISPUTE_WINDOW_DAYS after the latest change they have not yet
    answered: the recording, a correction or a reopening (a late correction does not eat their window)."""
    days = current_app.config.get("BRO_DISPUTE_WINDOW_DAYS", 14)
    return _latest_event_at(audit, ("recorded", "corrected", "reopened")) + timedelta(days=days)


def correction_deadline(audit: Audit) -> datetime:
    """The auditor may correct until BRO_CORRECTION_WINDOW_HOURS after the recording or the latest reopening
    (a correction does not extend it)."""
    hours = current_app.config.get("BRO_CORRECTION_WINDOW_HOURS", 24)
    return _latest_event_at(audit, ("recorded", "reopened")) + timedelta(hours=hours)


def _log(audit: Audit, kind: str, *, by: User, at: datetime, reason: str | None = None,
         dispute: Dispute | None = None) -> AuditEvent:
    """Append an event and move the status to where it leads: the only place the status changes."""
    number = (audit.events[-1].number if audit.events else 0) + 1
    event = AuditEvent(audit_id=audit.id, number=number, kind=kind, actor_id=by.id, at=at, reason=reason,
                       revision_number=audit.revision_number, dispute_id=dispute.id if dispute else None)
    audit.events.append(event)
    audit.status = STATUS_AFTER[kind]
    db.session.add(event)
    return event


@contextmanager
def _one_change(message: str | None = None):
    """Run a lifecycle change in a savepoint. Two changes racing on one audit collide on a unique key
    (event or revision number, one open dispute); the loser is refused with ``message`` instead of a 500."""
    try:
        with db.session.begin_nested():
            yield
    except IntegrityError:
        raise ConcurrentChange(message or _("This audit changed while you were working on it: reload the page "
                                            "and check it again.")) from None


# ---------------------------------------------------------------------------------------------------------------
# Recording and revising


def record_audit(*, auditor: User, staff: User, version: StandardVersion, relationship: str, channel: str,
                 interacted_on: date, customer_ref: str, ratings: Mapping[str, str],
                 step_notes: Mapping[str, str | None] | None = None, note: str | None = None,
                 interacted_at: datetime | None = None, created_at: datetime | None = None,
                 sampled: bool = False, plan: RetrainingPlan | None = None) -> Audit:
    """Record an audit (revision 1), update the derived tables and assign retraining for failed steps.

    ``sampled``: the audit rates an interaction a sampling plan drew at random (a review-queue item).
    ``plan``: `plan_retraining` for these ratings, read before the write lock was taken (else read here)."""
    if not can_audit(auditor, staff):
        raise NotAllowed(_("You may audit only staff members of the teams you supervise."))
    problems: dict[str, str] = {}
    if relationship not in RELATIONSHIPS:
        problems["relationship"] = _("Choose B2C or B2B.")
    elif version.relationship_kind not in (relationship, "any"):
        problems["relationship"] = _("This standard applies to %(kind)s relationships.",
                                     kind=version.relationship_kind.upper())
    if version.standard.current_version_id != version.id:
        problems["standard"] = _("A newer version of this standard is in force: reload the form.")
    if channel not in CHANNELS:
        problems["channel"] = _("Choose a channel.")
    if interacted_on > clock.today() + timedelta(days=1):  # a day of slack: users east of UTC are ahead
        problems["interacted_on"] = _("The interaction cannot be in the future.")
    customer_ref = (customer_ref or "").strip()
    if not customer_ref:
        problems["customer_ref"] = _("Enter the customer or account reference.")
    if problems:
        raise AuditRefused([], problems)
    if plan is None or plan.key != _plan_key(staff, version, interacted_on, ratings):
        plan = plan_retraining(staff, version, interacted_on, ratings)
    # No score in the plan: the ratings cannot be scored, and _score refuses them saying why.
    result = plan.score if plan.score is not None else _score(version, ratings)

    now = created_at or clock.utcnow()
    # Core inserts, one statement per table (the ORM's unit of work costs more than the writes themselves);
    # the Audit object is then attached as if loaded, so callers use it without reading it back.
    values = {"staff_id": staff.id, "team_id": staff.team_id, "auditor_id": auditor.id,
              "standard_id": version.standard_id, "standard_version_id": version.id, "relationship_kind": relationship,
              "channel": channel, "interacted_on": interacted_on, "interacted_at": interacted_at,
              "customer_ref": customer_ref, "note": (note or "").strip() or None, "created_at": now, "sampled": sampled,
              "revision_number": 1, **_score_columns(result), "passed": result.passed, "status": "recorded",
              "acknowledged_at": None, "csat": None, "repeat_purchase": None, "referral_made": None,
              "retained_90d": None, "order_value": None, "outcomes_recorded_at": None,
              "outcomes_recorded_by_id": None}
    audits = Audit.__table__
    # Each insert is the table's plain INSERT with the row as parameters: built and compiled once, not per audit.
    audit_id = db.session.execute(audits.insert(), {
        ("relationship" if key == "relationship_kind" else key): value for key, value in values.items()}
    ).inserted_primary_key[0]
    audit = Audit(id=audit_id, **values)
    make_transient_to_detached(audit)  # persistent without a SELECT; its collections load only if read
    db.session.add(audit)
    revision_id = db.session.execute(AuditRevision.__table__.insert(), dict(
        audit_id=audit_id, number=1, kind="original", created_by_id=auditor.id, created_at=now, reason=None,
        **_score_columns(result), passed=result.passed, note=values["note"])).inserted_primary_key[0]
    ratings_rows = [{"revision_id": revision_id, "step_key": step.key, "rating": str(ratings[step.key]),
                     "note": ((step_notes or {}).get(step.key) or "").strip() or None} for step in version.steps]
    if ratings_rows:
        db.session.execute(AuditRating.__table__.insert(), ratings_rows)
    db.session.execute(AuditEvent.__table__.insert(), dict(
        audit_id=audit_id, number=1, kind="recorded", actor_id=auditor.id, at=now, reason=None, revision_number=1,
        dispute_id=None))
    recorded = _RecordedRevision(id=revision_id, number=1,
                                 ratings=[_RecordedRating(row["step_key"], row["rating"]) for row in ratings_rows],
                                 passed=result.passed, score=values["score"])
    _apply_current_revision(audit, recorded, previous=None)
    if plan.decisions or plan.modules:  # the retraining decided before the writes: only its inserts remain
        from bro.knowledge.operations import write_decisions

        write_decisions(plan.decisions, audit, 1)
        assign_retraining_batch(staff, plan.modules, audit.id, assigned_by=auditor)
    return audit


@dataclass(frozen=True)
class RetrainingPlan:
    """What recording an audit decides for its nonconforming steps (`assign_retraining_for` on revision 1),
    and its score, worked out by reads alone, so that a view can read it before taking the write lock (bro.database
    `begin_writes`) and the write transaction only inserts.

    A race, and why it is accepted: two audits of the same person recorded at once each read the person's
    conformance without the other (each adds its own ratings, not yet written, in Python). Before, on SQLite,
    the second writer read inside the write lock and saw the first; on PostgreSQL (read committed) both
    transactions already read before either committed, as now. Either decision is one a serial order gives (the
    audit recorded as if just before the other), and it is recorded with the evidence it rested on. The open
    assignments are still read inside the write transaction (`assign_retraining_batch`): that read is what keeps
    one open retraining per module, so it must see the other audit's assignment."""

    key: tuple
    decisions: tuple[dict, ...]  # `bro.knowledge.operations.plan_decisions` rows, without the audit
    modules: tuple[tuple[CourseModule, str], ...]  # the modules to assign, with the step each retrains
    score: AuditScore | None = None  # the audit's score, worked out here too (None: the ratings cannot be scored)


def _plan_key(staff: User, version: StandardVersion, interacted_on: date, ratings: Mapping[str, str]) -> tuple:
    return staff.id, version.id, interacted_on, tuple(sorted((key, str(value)) for key, value in ratings.items()))


def plan_retraining(staff: User, version: StandardVersion, interacted_on: date,
                    ratings: Mapping[str, str]) -> RetrainingPlan:
    """The retraining an audit with these ratings will record (reads only; see RetrainingPlan). The audit
    itself is not written yet: its ratings are added to the person's conformance as the written audit counts."""
    nonconforming = [step.key for step in sorted(version.steps, key=lambda step: step.position)
                     if str(ratings.get(step.key)) in NONCONFORMING]
    decisions, modules = _decide_retraining(version, staff.id, nonconforming, unrecorded_on=interacted_on)
    for module, _step in modules:  # a quiz with an allowance is read now (kept on the module), not under the lock
        if module.quiz is not None and module.quiz.get("max_attempts"):
            module_quiz(module)
    try:
        score = _score(version, ratings)
    except AuditRefused:
        score = None  # record_audit scores again and refuses, saying why
    return RetrainingPlan(_plan_key(staff, version, interacted_on, ratings), decisions, modules, score)


def _decide_retraining(version: StandardVersion, staff_id: int, nonconforming: list[str],
                       unrecorded_on: date | None = None) -> tuple[tuple[dict, ...], tuple[tuple[CourseModule, str], ...]]:
    """Reads only: the decisions for the ``nonconforming`` steps (none when no module teaches them) and the
    modules to assign. A person who knows a step but does not do it gets coaching, not the module again
    (bro.knowledge); ``unrecorded_on`` as in `bro.knowledge.operations.plan_decisions`."""
    from bro.knowledge.operations import plan_decisions

    modules = modules_teaching(version.standard_id, nonconforming)
    if not modules:
        return (), ()
    decisions, retrain = plan_decisions(version, staff_id, nonconforming, unrecorded_on=unrecorded_on)
    if not retrain:
        return tuple(decisions), ()
    if retrain != set(nonconforming):
        modules = modules_teaching(version.standard_id, [step for step in nonconforming if step in retrain])
    return tuple(decisions), tuple(modules)


@dataclass(frozen=True)
class _RecordedRating:
    step_key: str
    rating: str


@dataclass(frozen=True)
class _RecordedRevision:
    """What the derived tables and the retraining loop read of a revision just inserted (no ORM object)."""
    id: int
    number: int
    ratings: list[_RecordedRating]
    passed: bool
    score: Decimal


def correct_audit(audit: Audit, *, by: User, ratings: Mapping[str, str], reason: str,
                  step_notes: Mapping[str, str | None] | None = None, note: str | None = None,
                  at: datetime | None = None) -> AuditRevision:
    """The auditor corrects their audit: a new revision; the previous one is kept as it was.

    Only while the staff member has not answered, no dispute is open, and within BRO_CORRECTION_WINDOW_HOURS
    of the recording (or of an admin's reopening). The staff member then answers the corrected revision."""
    now = at or clock.utcnow()
    if not is_auditor_or_admin(by, audit):
        raise NotAllowed(_("Only the auditor may correct this audit."))
    refusal = correction_refusal(by, audit, now)
    if refusal:
        raise AuditRefused(refusal)
    with _one_change():
        revision = _revise(audit, kind="correction", by=by, ratings=ratings, reason=reason, step_notes=step_notes,
                           note=note, at=now)
        _log(audit, "corrected", by=by, at=now, reason=revision.reason)
    return revision


def _revise(audit: Audit, *, kind: str, by: User, ratings: Mapping[str, str], reason: str,
            step_notes: Mapping[str, str | None] | None, note: str | None, at: datetime | None) -> AuditRevision:
    reason = (reason or "").strip()
    if not reason:
        raise AuditRefused([], {"reason": _("Say why the ratings change: the reason is kept with the revision.")})
    previous = audit.current_revision
    before = {row.step_key: (row.rating, row.note or None) for row in previous.ratings}
    after = {key: (value, ((step_notes or {}).get(key) or "").strip() or None) for key, value in ratings.items()}
    new_note = (note or "").strip() or None
    if before == after and new_note == previous.note:
        raise AuditRefused(_("Nothing changed: change at least one rating or note, or leave the audit as it is."))
    result = _score(audit.standard_version, ratings)
    revision = _add_revision(audit, number=previous.number + 1, kind=kind, by=by, at=at or clock.utcnow(),
                             reason=reason, ratings=ratings, step_notes=step_notes, note=new_note, result=result)
    audit.revision_number = revision.number
    audit.score, audit.score_earned, audit.score_possible = revision.score, revision.score_earned, \
        revision.score_possible
    audit.passed = revision.passed
    _apply_current_revision(audit, revision, previous=previous)
    assign_retraining_for(audit, revision, assigned_by=by)
    return revision


def _add_revision(audit: Audit, *, number: int, kind: str, by: User, at: datetime, reason: str | None,
                  ratings: Mapping[str, str], step_notes: Mapping[str, str | None] | None, note: str | None,
                  result) -> AuditRevision:
    revision = AuditRevision(audit_id=audit.id, number=number, kind=kind, created_by_id=by.id, created_at=at,
                             reason=reason, **_score_columns(result), passed=result.passed, note=note)
    revision.ratings = [
        AuditRating(step_key=step.key, rating=str(ratings[step.key]),
                    note=((step_notes or {}).get(step.key) or "").strip() or None)
        for step in audit.standard_version.steps
    ]
    audit.revisions.append(revision)
    db.session.add(revision)
    db.session.flush()
    return revision


def _apply_current_revision(audit: Audit, revision: AuditRevision, previous: AuditRevision | None) -> None:
    """Rewrite the derived rows of ``audit`` from ``revision`` (its current one), and move the weekly counts
    from ``previous`` to ``revision``."""
    if previous is not None:
        db.session.execute(delete(AuditStepResult).where(AuditStepResult.audit_id == audit.id))
    rows = [
        {"audit_id": audit.id, "step_key": r.step_key, "standard_id": audit.standard_id, "team_id": audit.team_id,
         "staff_id": audit.staff_id, "interacted_on": audit.interacted_on, "rating": r.rating,
         "rated": r.rating != Rating.NA.value, "nonconforming": r.rating in NONCONFORMING,
         "sampled": bool(audit.sampled)}
        for r in revision.ratings
    ]
    if rows:
        db.session.execute(AuditStepResult.__table__.insert(), rows)  # Core executemany: no ORM bulk pass

    week = week_start(audit.interacted_on)
    audits_delta = 0 if previous is not None else 1
    failed_delta = int(not revision.passed) - (int(not previous.passed) if previous is not None else 0)
    score_delta = revision.score - (previous.score if previous is not None else Decimal(0))
    sampled = int(bool(audit.sampled))  # sampled audits also count in the sampled_* columns
    week_row = {"team_id": audit.team_id, "standard_id": audit.standard_id, "week_start": week,
                "audits": audits_delta, "failed": failed_delta, "score_sum": score_delta,
                "sampled_audits": audits_delta * sampled, "sampled_failed": failed_delta * sampled,
                "sampled_score_sum": score_delta * sampled}
    week_counters = ("audits", "failed", "score_sum", "sampled_audits", "sampled_failed", "sampled_score_sum")
    add_counts(AuditWeek, [week_row], keys=("team_id", "standard_id", "week_start"), counters=week_counters)
    add_counts(AuditStaffWeek, [{**week_row, "staff_id": audit.staff_id}],
               keys=("team_id", "standard_id", "week_start", "staff_id"), counters=week_counters)

    old = {r.step_key: r.rating for r in previous.ratings} if previous is not None else {}
    step_rows = []
    # By step key: concurrent writers of the same week take the summary rows' locks in one order (no deadlock).
    for r in sorted(revision.ratings, key=lambda rating: rating.step_key):
        rated = int(r.rating != Rating.NA.value) - int(r.step_key in old and old[r.step_key] != Rating.NA.value)
        nonconforming = int(r.rating in NONCONFORMING) - int(old.get(r.step_key) in NONCONFORMING)
        if previous is None or rated or nonconforming:
            step_rows.append({"team_id": audit.team_id, "standard_id": audit.standard_id, "step_key": r.step_key,
                              "week_start": week, "rated": rated, "nonconforming": nonconforming,
                              "sampled_rated": rated * sampled, "sampled_nonconforming": nonconforming * sampled})
    if step_rows:
        step_counters = ("rated", "nonconforming", "sampled_rated", "sampled_nonconforming")
        add_counts(AuditStepWeek, step_rows, keys=("team_id", "standard_id", "step_key", "week_start"),
                   counters=step_counters)
        add_counts(AuditStaffStepWeek, [{**row, "staff_id": audit.staff_id} for row in step_rows],
                   keys=("team_id", "standard_id", "week_start", "staff_id", "step_key"), counters=step_counters)
        add_counts(AuditOrgStepWeek, [{key: value for key, value in row.items() if key != "team_id"}
                                      for row in step_rows],
                   keys=("standard_id", "week_start", "step_key"), counters=step_counters)
    _mark_data_version(audit, revision)


def _mark_data_version(audit: Audit, revision: AuditRevision) -> None:
    """The team's and standard's dashboards are out of date from this revision on (bro.improve.cache)."""
    dialect = db.session.get_bind().dialect.name
    row = {"standard_id": audit.standard_id, "team_id": audit.team_id, "revision_id": revision.id}
    # After the commit, bro.improve.cache re-renders the cached dashboards of this scope (warming).
    db.session.info.setdefault("bro_audit_data_written", set()).add((audit.standard_id, audit.team_id))
    if dialect not in ("postgresql", "sqlite"):  # pragma: no cover - other databases: read, then write
        db.session.merge(AuditDataVersion(**row))
        db.session.flush()
        return
    statement = _DATA_VERSION_UPSERTS.get(dialect)
    if statement is None:  # built once per dialect: the row is passed as parameters
        statement = conflict_insert(dialect)(AuditDataVersion.__table__)
        statement = _DATA_VERSION_UPSERTS[dialect] = statement.on_conflict_do_update(
            index_elements=["standard_id", "team_id"], set_={"revision_id": statement.excluded.revision_id})
    db.session.execute(statement, row)


_DATA_VERSION_UPSERTS: dict[str, object] = {}


# ---------------------------------------------------------------------------------------------------------------
# The loop: failed steps assign the modules that teach them


def modules_teaching(standard_id: int, step_keys: list[str]) -> list[tuple[CourseModule, str]]:
    """Modules of the current version of each course on ``standard_id`` that teach any of ``step_keys``,
    each with the first of those steps it teaches (in the order given) — one entry per module."""
    if not step_keys:
        return []
    rows = db.session.execute(
        select(CourseModule, ModuleStep.step_key)
        .join(ModuleStep, ModuleStep.module_id == CourseModule.id)
        .join(Course, Course.current_version_id == CourseModule.course_version_id)
        .where(ModuleStep.standard_id == standard_id, ModuleStep.step_key.in_(step_keys))
        .order_by(CourseModule.course_id, CourseModule.position)
        # The join gave the step; the module's steps and lessons load only if ever read (its quiz is read:
        # whether the allowance is used up, in its course version's language: that column only, in this query).
        .options(lazyload(CourseModule.teaches), defer(CourseModule.lessons),
                 joinedload(CourseModule.course_version).load_only(CourseVersion.language))
    ).all()
    order = {key: index for index, key in enumerate(step_keys)}
    chosen: dict[int, tuple[CourseModule, str]] = {}
    for module, step_key in rows:
        if module.id not in chosen or order[step_key] < order[chosen[module.id][1]]:
            chosen[module.id] = (module, step_key)
    return list(chosen.values())


def assign_retraining_for(audit: Audit, revision: AuditRevision, assigned_by: User | None = None) -> list:
    """Assign the audited staff member each module that teaches a step rated partial or not_met in
    ``revision`` — once per module, and not when an assignment of that module is already open."""
    nonconforming = [r.step_key for r in sorted(revision.ratings, key=_step_position(audit))
                     if r.rating in NONCONFORMING]
    from bro.knowledge.operations import write_decisions

    decisions, modules = _decide_retraining(audit.standard_version, audit.staff_id, nonconforming)
    write_decisions(decisions, audit, revision.number)
    if not modules:
        return []
    # One query for the staff member's open assignments, then the inserts; open modules are skipped.
    return assign_retraining_batch(audit.staff, modules, audit.id, assigned_by=assigned_by)


def _step_position(audit: Audit):
    positions = {step.key: step.position for step in audit.standard_version.steps}
    return lambda rating: positions.get(rating.step_key, 0)


# ---------------------------------------------------------------------------------------------------------------
# The staff member's answer: acknowledge or dispute


def acknowledge_audit(audit: Audit, staff: User, at: datetime | None = None) -> Audit:
    """The staff member accepts the current revision. Final: no dispute afterwards (only an admin reopens)."""
    if staff.id != audit.staff_id:
        raise NotAllowed(_("Only the audited staff member acknowledges an audit."))
    if audit.status not in ANSWERABLE:
        raise AuditRefused(_("This audit has been acknowledged or disputed already."))
    now = at or clock.utcnow()
    with _one_change(_("This audit has been acknowledged or disputed already.")):
        audit.acknowledged_at = now
        _log(audit, "acknowledged", by=staff, at=now)
        db.session.flush()
    return audit


def dispute_audit(audit: Audit, staff: User, reason: str, at: datetime | None = None,
                  steps: Mapping[str, str | None] | None = None) -> Dispute:
    """The staff member disputes the current revision, once per answer, before acknowledging it and within
    BRO_DISPUTE_WINDOW_DAYS of the latest change they have not answered.

    ``steps`` maps the disputed steps to their own reasons; none chosen disputes the whole audit, that is every
    rated step, with the overall reason."""
    if staff.id != audit.staff_id:
        raise NotAllowed(_("Only the audited staff member may dispute an audit."))
    now = at or clock.utcnow()
    if audit.status == "acknowledged":
        raise AuditRefused(_("You acknowledged this audit: it is final. An admin can reopen it if it is wrong."))
    if audit.status not in ANSWERABLE:
        raise AuditRefused(_("This audit has been disputed already; an audit can be disputed once."))
    if now > dispute_deadline(audit):
        raise AuditRefused(_("The dispute window closed on %(date)s.", date=when_text(dispute_deadline(audit).date())))
    reason = (reason or "").strip()
    if not reason:
        raise AuditRefused([], {"reason": _("Say what you think is wrong in this audit.")})
    # A double click: the database holds one open dispute per audit; the second request is refused cleanly.
    current = audit.current_revision.ratings_by_step
    order = {step.key: step.position for step in audit.standard_version.steps}
    unknown = sorted(set(steps or {}) - set(current))
    if unknown:
        raise AuditRefused(_("The audit has no step %(step)s.", step=", ".join(unknown)))
    chosen = dict(steps) if steps else {key: None for key, row in current.items() if row.rating != "na"} or \
        {key: None for key in current}
    with _one_change(_("This audit has been disputed already; an audit can be disputed once.")):
        dispute = Dispute(audit_id=audit.id, raised_by_id=staff.id, raised_at=now, reason=reason)
        db.session.add(dispute)
        db.session.flush()
        for key in sorted(chosen, key=lambda k: order.get(k, 0)):
            db.session.add(DisputeStep(dispute_id=dispute.id, step_key=key, position=order.get(key, 0),
                                       reason=((chosen[key] or "").strip() or None),
                                       rating_before=current[key].rating))
        db.session.flush()
        audit.disputes.append(dispute)
        _log(audit, "disputed", by=staff, at=now, reason=reason, dispute=dispute)
        db.session.flush()
    return dispute


def resolve_dispute(dispute: Dispute, *, by: User, upheld: bool, reason: str,
                    ratings: Mapping[str, str] | None = None, step_notes: Mapping[str, str | None] | None = None,
                    note: str | None = None, at: datetime | None = None) -> Dispute:
    """Uphold (with corrected ratings: a new revision) or reject a dispute, with a reason. Final."""
    audit = dispute.audit
    if not can_resolve_dispute(by, audit):
        raise NotAllowed(_("A supervisor of this team other than the auditor resolves this dispute."))
    if dispute.resolution is not None:
        raise AuditRefused(_("This dispute has been resolved already."))
    reason = (reason or "").strip()
    if not reason:
        raise AuditRefused([], {"reason": _("Give the reason for your decision: the staff member will read it.")})
    now = at or clock.utcnow()
    if upheld and ratings is None:
        raise AuditRefused(_("Upholding a dispute corrects the ratings: change the ratings that were wrong."))
    disputed = {row.step_key: row for row in dispute.steps}
    if upheld and disputed:
        current = {key: row.rating for key, row in audit.current_revision.ratings_by_step.items()}
        changed_outside = sorted(key for key, value in ratings.items()
                                 if key not in disputed and current.get(key) != value)
        if changed_outside:
            raise AuditRefused(_("Only the disputed steps change when a dispute is resolved; leave %(steps)s "
                                 "as rated.", steps=", ".join(changed_outside)))
        if all(ratings.get(key, row.rating_before) == row.rating_before for key, row in disputed.items()):
            raise AuditRefused(_("To uphold, change the rating of at least one disputed step; to keep every "
                                 "rating, reject the dispute."))
    with _one_change(_("This dispute has been resolved already.")):
        for key, row in disputed.items():  # step by step: a changed rating upholds that step
            new_rating = (ratings or {}).get(key, row.rating_before) if upheld else row.rating_before
            row.decision = "upheld" if new_rating != row.rating_before else "rejected"
            row.rating_after = new_rating
        if upheld:
            revision = _revise(audit, kind="dispute_upheld", by=by, ratings=ratings, reason=reason,
                               step_notes=step_notes,
                               note=note if note is not None else audit.current_revision.note, at=now)
            dispute.revision_id = revision.id
        dispute.resolution = "upheld" if upheld else "rejected"
        dispute.resolution_reason = reason
        dispute.resolved_by_id = by.id
        dispute.resolved_at = now
        _log(audit, "dispute_upheld" if upheld else "dispute_rejected", by=by, at=now, reason=reason,
             dispute=dispute)
        db.session.flush()
    return dispute


def reopen_audit(audit: Audit, *, by: User, reason: str, at: datetime | None = None) -> AuditEvent:
    """An admin reopens a final audit (or one whose correction window closed), with a reason kept in its
    history. The auditor may then correct it within BRO_CORRECTION_WINDOW_HOURS, and the staff member answers
    again (acknowledge, or dispute within BRO_DISPUTE_WINDOW_DAYS)."""
    now = at or clock.utcnow()
    if not by.is_admin:
        raise NotAllowed(_("Only an admin reopens an audit."))
    refusal = reopen_refusal(by, audit, now)
    if refusal:
        raise AuditRefused(refusal)
    reason = (reason or "").strip()
    if not reason:
        raise AuditRefused([], {"reason": _("Say why the audit is reopened: the reason is kept in its history.")})
    with _one_change():
        audit.acknowledged_at = None
        event = _log(audit, "reopened", by=by, at=now, reason=reason)
        db.session.flush()
    return event


# ---------------------------------------------------------------------------------------------------------------
# Customer outcomes


@dataclass(frozen=True)
class Outcomes:
    csat: int | None = None
    repeat_purchase: bool | None = None
    referral_made: bool | None = None
    retained_90d: bool | None = None
    order_value: Decimal | None = None

    def problems(self) -> dict[str, str]:
        found = {}
        if self.csat is not None and not 1 <= self.csat <= 5:
            found["csat"] = _("Satisfaction is a whole number from 1 to 5.")
        if self.order_value is not None:
            problem = order_value_problem(self.order_value)
            if problem:
                found["order_value"] = problem
        return found

    @property
    def empty(self) -> bool:
        return all(getattr(self, name) is None for name in OUTCOME_FIELDS)


OUTCOME_FIELDS = ("csat", "repeat_purchase", "referral_made", "retained_90d", "order_value")
# Audit.order_value is Numeric(12, 2): at most 10 digits before the point and 2 after.
ORDER_VALUE_MAX = Decimal("9999999999.99")


def order_value_problem(value: Decimal) -> str | None:
    """Why ``value`` cannot be an order value (None: it can): finite, 0 or more, fits Numeric(12, 2)."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return _("The order value must be a number.")
    if value < 0:
        return _("The order value cannot be negative.")
    if value > ORDER_VALUE_MAX:
        return _("The order value must be at most %(max)s.", max="9,999,999,999.99")
    if value != value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP):
        return _("The order value has at most two decimals.")
    return None


def record_outcomes(audit: Audit, outcomes: Outcomes, by: User, at: datetime | None = None,
                    fields: Iterable[str] | None = None) -> Audit:
    """Record what the customer did after the interaction (not part of the rated evidence).

    ``fields`` names the outcomes to set (None: all five, as the audit page's form does); the others keep
    their values, so a file with only some columns changes only those."""
    problems = outcomes.problems()
    if problems:
        raise AuditRefused([], problems)
    if fields is None:
        if outcomes.empty:
            raise AuditRefused(_("Enter at least one outcome."))
        fields = OUTCOME_FIELDS
    for name in fields:
        setattr(audit, name, getattr(outcomes, name))
    audit.outcomes_recorded_at = at or clock.utcnow()
    audit.outcomes_recorded_by_id = by.id
    db.session.flush()
    return audit

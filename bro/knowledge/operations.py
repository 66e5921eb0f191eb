"""Smarter retraining: a nonconforming step assigns the module that teaches it, unless the person knows the step
but does not do it. Then retraining would waste their time and miss the cause (motivation, workload, tools, or
a step that cannot be done as written): bro proposes coaching to their supervisor instead.

Each decision is kept (RetrainingDecision) with the evidence it rested on, so the audit page shows the choice
and its reason. A standard with ``retraining: always`` assigns retraining every time.

Operations flush; the caller commits.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import func, insert, select, update

from bro import clock
from bro.extensions import db
from bro.knowledge import queries
from bro.models.audits import Audit
from bro.models.curricula import StandardVersion
from bro.models.people import User
from bro.models.coaching import DECISION_COACHING, DECISION_RETRAINING, CoachingSession, RetrainingDecision
from bro.quality.knowledge import KNOWS_NOT_DOING, Rate, Standing

STANDARD_ALWAYS = "standard_always"


def _evidence(found: Standing | None) -> dict:
    def rate(value: Rate) -> list:
        return [round(value.successes, 4), value.n, round(value.low, 4), round(value.high, 4)]
    if found is None:
        return {}
    return {"knowledge": rate(found.knowledge), "conformance": rate(found.conformance), "cell": found.cell,
            "knowledge_threshold": found.knowledge_threshold, "conformance_threshold": found.conformance_threshold}


def plan_decisions(version: StandardVersion, staff_id: int, step_keys: Sequence[str],
                   unrecorded_on: date | None = None) -> tuple[list[dict], set[str]]:
    """What each nonconforming step leads to, read only: the decision rows (without their audit; see
    `write_decisions`) and the steps to retrain. Steps where the person sits in "knows, doesn't do" (their
    conformance including this audit) get a coaching proposal for their supervisor instead, unless the standard
    says ``retraining: always``.

    ``unrecorded_on``: the steps' ratings belong to an audit not written yet, of an interaction that day; its
    (nonconforming) ratings are added to the conformance read, as the written audit would count in it."""
    if not step_keys:
        return [], set()
    always = queries.retraining_always(version)
    standings: dict[tuple[int, str], Standing] = {}
    standard = None
    if not always:
        config = current_app.config
        curriculum = queries.plan_curriculum(version.standard_id)
        standard = curriculum.standard
        if standard is not None:
            threshold = queries.conformance_threshold(config, standard.pass_score)
            unrecorded = [(staff_id, key, unrecorded_on, False) for key in step_keys] if unrecorded_on is not None else ()
            standings = queries._standings(standard, [staff_id], clock.today(), queries.settings_from(config),
                                           threshold, step_keys=list(step_keys), unrecorded=unrecorded,
                                           points=curriculum.points)
    retrain = set()
    taught = {step.key for step in standard.steps if step.taught} if not always and standard is not None else None
    decisions = []
    for key in step_keys:
        if taught is not None and key not in taught:
            retrain.add(key)  # no module teaches it: nothing to decide (and nothing to assign)
            continue
        found = standings.get((staff_id, key))
        coach = not always and found is not None and found.cell == KNOWS_NOT_DOING
        reason = STANDARD_ALWAYS if always else (found.cell if found is not None else "not_enough")
        decisions.append({"step_key": key, "action": DECISION_COACHING if coach else DECISION_RETRAINING,
                          "reason": reason, "evidence": _evidence(found)})
        if not coach:
            retrain.add(key)
    return decisions, retrain


def write_decisions(decisions: Sequence[dict], audit: Audit, revision_number: int) -> None:
    """Insert the `plan_decisions` rows for ``audit`` (one Core statement: an audit is recorded in one short
    write transaction)."""
    if not decisions:
        return
    now = clock.utcnow()
    db.session.execute(insert(RetrainingDecision.__table__), [{
        "audit_id": audit.id, "revision_number": revision_number, "staff_id": audit.staff_id,
        "team_id": audit.team_id, "standard_id": audit.standard_id, **decision, "created_at": now,
        "coaching_session_id": None} for decision in decisions])


def decisions_for_audit(audit: Audit) -> list[RetrainingDecision]:
    """The decisions of the audit's current revision, in step order."""
    positions = {step.key: step.position for step in audit.standard_version.steps}
    rows = db.session.execute(
        select(RetrainingDecision).where(RetrainingDecision.audit_id == audit.id,
                                         RetrainingDecision.revision_number == audit.revision_number)
    ).scalars().all()
    return sorted(rows, key=lambda row: positions.get(row.step_key, 0))


@dataclass(frozen=True)
class Proposal:
    """Open coaching proposals for one person and step: how many audits proposed it, and the latest."""

    staff_id: int
    staff_name: str
    standard_id: int
    step_key: str
    audits: int
    latest_audit_id: int


def open_proposals(team_ids: set[int] | None, limit: int = 20) -> list[Proposal]:
    """Coaching proposed and not yet taken up by a session, per person and step, for the supervisor's home
    page (latest first; one aggregate query)."""
    query = (select(RetrainingDecision.staff_id, User.name, RetrainingDecision.standard_id,
                    RetrainingDecision.step_key, func.count(), func.max(RetrainingDecision.audit_id))
             .join(User, User.id == RetrainingDecision.staff_id)
             .where(RetrainingDecision.action == DECISION_COACHING, RetrainingDecision.coaching_session_id.is_(None))
             .group_by(RetrainingDecision.staff_id, User.name, RetrainingDecision.standard_id,
                       RetrainingDecision.step_key)
             .order_by(func.max(RetrainingDecision.audit_id).desc()).limit(limit))
    if team_ids is not None:
        query = query.where(RetrainingDecision.team_id.in_(team_ids or {-1}))
    return [Proposal(*row) for row in db.session.execute(query).all()]


def take_up_proposals(session: CoachingSession) -> list[dict]:
    """A planned coaching session takes up the person's open coaching proposals; their steps join its agenda."""
    proposals = db.session.execute(
        select(RetrainingDecision).where(RetrainingDecision.staff_id == session.staff_id,
                                         RetrainingDecision.action == DECISION_COACHING,
                                         RetrainingDecision.coaching_session_id.is_(None))
        .order_by(RetrainingDecision.id)).scalars().all()
    if not proposals:
        return []
    db.session.execute(update(RetrainingDecision)
                       .where(RetrainingDecision.id.in_([p.id for p in proposals]))
                       .values(coaching_session_id=session.id))
    seen, items = set(), []
    for proposal in proposals:
        if (proposal.standard_id, proposal.step_key) in seen:
            continue
        seen.add((proposal.standard_id, proposal.step_key))
        items.append({"standard_id": proposal.standard_id, "step_key": proposal.step_key,
                      "audit_id": proposal.audit_id})
    session.agenda = {**(session.agenda or {}), "proposed": items}
    db.session.flush()
    return items

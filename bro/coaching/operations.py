"""Planning, holding and acknowledging coaching sessions, and following up on the coached steps.

Operations flush; the view that called them commits once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import joinedload

from bro import clock
from bro.access import can_see_team
from bro.audits.text import _
from bro.extensions import db
from bro.models.audits import AuditStepResult
from bro.models.coaching import CoachingAction, CoachingSession
from bro.models.curricula import Standard, StandardStep
from bro.models.people import Role, User
from bro.models.training import REASON_RETRAINING, Assignment

AGENDA_DAYS = 90
AGENDA_STEPS = 5
AUDITS_PER_STEP = 10


@dataclass(frozen=True)
class FollowUp:
    audit_id: int
    interacted_on: date
    ratings: dict[str, str]  # step key -> rating, for the coached steps the audit rated


class CoachingRefused(ValueError):
    pass


def may_coach(user: User, staff: User) -> bool:
    """Supervisors of the staff member's team (and admins) hold sessions with them; never with themselves."""
    return user.id != staff.id and user.has_role(Role.supervisor, Role.admin) and can_see_team(user, staff.team_id)


def may_see(user: User, session: CoachingSession) -> bool:
    return user.id == session.staff_id or can_see_team(user, session.team_id)


def build_agenda(staff: User, today: date) -> dict:
    """The person's most-missed steps over the last 90 days with the audits behind them, and open retraining."""
    since = today - timedelta(days=AGENDA_DAYS)
    rows = db.session.execute(
        select(AuditStepResult.standard_id, AuditStepResult.step_key,
               func.count().label("rated"),
               func.sum(cast(AuditStepResult.nonconforming, Integer)).label("misses"))
        .where(AuditStepResult.staff_id == staff.id, AuditStepResult.rated.is_(True),
               AuditStepResult.interacted_on >= since, AuditStepResult.interacted_on <= today)
        .group_by(AuditStepResult.standard_id, AuditStepResult.step_key)
    ).all()
    missed = sorted((row for row in rows if row.misses), key=lambda row: (-row.misses, row.step_key))[:AGENDA_STEPS]
    titles = {}
    if missed:
        titles = {(standard_id, key): (title, language) for standard_id, key, title, language in db.session.execute(
            select(Standard.id, StandardStep.key, StandardStep.title, Standard.current_version_id)
            .join(StandardStep, StandardStep.standard_version_id == Standard.current_version_id)
            .where(Standard.id.in_({row.standard_id for row in missed})))}
    steps = []
    for row in missed:
        audit_ids = db.session.execute(
            select(AuditStepResult.audit_id)
            .where(AuditStepResult.staff_id == staff.id, AuditStepResult.standard_id == row.standard_id,
                   AuditStepResult.step_key == row.step_key, AuditStepResult.nonconforming.is_(True),
                   AuditStepResult.interacted_on >= since, AuditStepResult.interacted_on <= today)
            .order_by(AuditStepResult.interacted_on.desc()).limit(AUDITS_PER_STEP)
        ).scalars().all()
        title = titles.get((row.standard_id, row.step_key), (None, None))[0]
        steps.append({"standard_id": row.standard_id, "step_key": row.step_key, "title": title,
                      "misses": int(row.misses), "rated": int(row.rated), "audit_ids": list(audit_ids)})
    retraining = db.session.execute(
        select(Assignment).where(Assignment.user_id == staff.id, Assignment.reason == REASON_RETRAINING,
                                 Assignment.completed_at.is_(None))
        .options(joinedload(Assignment.course)).order_by(Assignment.due_date, Assignment.id)
    ).scalars().all()
    return {"since": since.isoformat(), "until": today.isoformat(), "steps": steps,
            "retraining": [{"assignment_id": a.id, "course_id": a.course_id, "module_key": a.module_key,
                            "step_key": a.step_key, "audit_id": a.audit_id,
                            "due_date": a.due_date.isoformat() if a.due_date else None} for a in retraining]}


def plan_session(staff: User, *, by: User, scheduled_for: datetime) -> CoachingSession:
    if not may_coach(by, staff):
        raise CoachingRefused(_("Only a supervisor of this person's team plans a coaching session with them."))
    session = CoachingSession(staff_id=staff.id, supervisor_id=by.id, team_id=staff.team_id,
                              scheduled_for=scheduled_for, created_at=clock.utcnow(),
                              agenda=build_agenda(staff, clock.today()))
    db.session.add(session)
    db.session.flush()
    from bro.knowledge.operations import take_up_proposals

    take_up_proposals(session)  # the steps bro proposed coaching for, instead of retraining
    return session


def record_session(session: CoachingSession, *, by: User, notes: str,
                   actions: list[tuple[str, date]]) -> CoachingSession:
    """The supervisor's notes and the actions agreed; once the staff member acknowledged, nothing changes."""
    if by.id != session.supervisor_id and not by.is_admin:
        raise CoachingRefused(_("Only the supervisor who holds the session records it."))
    if session.acknowledged_at is not None:
        raise CoachingRefused(_("The staff member has acknowledged this session; it can no longer change."))
    session.notes = notes.strip() or None
    session.held_at = session.held_at or clock.utcnow()
    start = len(session.actions)
    for position, (text, due_on) in enumerate(actions, start=start):
        session.actions.append(CoachingAction(text=text.strip(), due_on=due_on, position=position,
                                              created_at=clock.utcnow()))
    db.session.flush()
    return session


def acknowledge_session(session: CoachingSession, *, by: User, comment: str | None) -> CoachingSession:
    if by.id != session.staff_id:
        raise CoachingRefused(_("Only the coached staff member acknowledges the session."))
    if session.held_at is None:
        raise CoachingRefused(_("The session has not been recorded yet."))
    if session.acknowledged_at is not None:
        raise CoachingRefused(_("You have acknowledged this session already."))
    session.acknowledged_at = clock.utcnow()
    session.staff_comment = (comment or "").strip() or None
    db.session.flush()
    return session



def follow_up(session: CoachingSession) -> list[FollowUp]:
    """The person's audits since the session, on the coached steps: did the coaching take?"""
    steps = {(step["standard_id"], step["step_key"]) for step in session.agenda.get("steps", [])}
    if not steps:
        return []
    since = (session.held_at or session.scheduled_for).date()
    rows = db.session.execute(
        select(AuditStepResult.audit_id, AuditStepResult.interacted_on, AuditStepResult.standard_id,
               AuditStepResult.step_key, AuditStepResult.rating)
        .where(AuditStepResult.staff_id == session.staff_id, AuditStepResult.interacted_on >= since,
               AuditStepResult.step_key.in_({key for _standard, key in steps}))
        .order_by(AuditStepResult.interacted_on, AuditStepResult.audit_id)
    ).all()
    found: dict[int, FollowUp] = {}
    for audit_id, day, standard_id, step_key, rating in rows:
        if (standard_id, step_key) not in steps:
            continue
        found.setdefault(audit_id, FollowUp(audit_id, day, {})).ratings[step_key] = rating
    return list(found.values())


def sessions_for(user: User, *, upcoming_only: bool = False, limit: int | None = None) -> list[CoachingSession]:
    """Sessions where `user` is the staff member or the supervisor, newest first."""
    query = (select(CoachingSession)
             .where((CoachingSession.staff_id == user.id) | (CoachingSession.supervisor_id == user.id))
             .options(joinedload(CoachingSession.staff), joinedload(CoachingSession.supervisor))
             .order_by(CoachingSession.scheduled_for.desc()))
    if upcoming_only:
        query = query.where(CoachingSession.acknowledged_at.is_(None))
    if limit:
        query = query.limit(limit)
    return db.session.execute(query).scalars().all()

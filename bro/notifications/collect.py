"""Finding what each person should be told, from the records themselves.

Every notification is derived from the state of the data (an audit not yet acknowledged, a dispute waiting,
an assignment due in 3 days ...) and stored once per person and event (a unique key), so collecting again —
every 15 minutes from `flask bro notify`, or for the signed-in user as pages are viewed — adds nothing twice.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Iterator, NamedTuple

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from bro import clock
from bro.authoring.text import curriculum_text
from bro.database import insert_new_rows
from bro.extensions import db
from bro.models.audits import Audit, CalibrationParticipant, CalibrationSession, Dispute
from bro.models.coaching import CoachingSession
from bro.models.curricula import Course
from bro.models.interactions import ReviewItem
from bro.models.notifications import Notification
from bro.models.people import Team, User
from bro.models.training import Assignment, Certificate

DUE_SOON_DAYS = 3
EXPIRY_WARNING_DAYS = 30
RECENT_DAYS = 30  # events older than this are not announced any more


class Event(NamedTuple):
    user_id: int
    kind: str
    key: str
    params: dict
    url: str


def _limit(query, column, user_ids):
    return query if user_ids is None else query.where(column.in_(user_ids or [-1]))


def _course_title(course: Course) -> str:
    version = course.current_version
    return curriculum_text(version.title, version.language) if version else course.key


def events(today: date, user_ids: set[int] | None = None) -> Iterator[Event]:
    """Every notification due for `user_ids` (None: everyone) as of `today`."""
    since = today - timedelta(days=RECENT_DAYS)
    for audit in db.session.execute(_limit(
            select(Audit).where(Audit.status == "recorded", Audit.interacted_on >= since - timedelta(days=60),
                                Audit.created_at >= clock.utcnow() - timedelta(days=RECENT_DAYS)),
            Audit.staff_id, user_ids)).scalars():
        yield Event(audit.staff_id, "audit_to_acknowledge", str(audit.id), {"date": audit.interacted_on.isoformat()},
                    url_for("audits.show", audit_id=audit.id))
    open_disputes = db.session.execute(
        select(Dispute).where(Dispute.resolution.is_(None))
        .options(joinedload(Dispute.audit).joinedload(Audit.staff))).scalars().all()
    supervisors_of: dict[int, list[int]] = {}
    for dispute in open_disputes:
        audit = dispute.audit
        if audit.team_id not in supervisors_of:
            team = db.session.get(Team, audit.team_id)
            supervisors_of[audit.team_id] = [u.id for u in team.supervisors if u.active] if team else []
        deciders = [uid for uid in supervisors_of[audit.team_id] if uid != audit.auditor_id] or [audit.auditor_id]
        for user_id in deciders:
            if user_ids is None or user_id in user_ids:
                yield Event(user_id, "dispute_raised", str(dispute.id),
                            {"staff": audit.staff.name, "date": audit.interacted_on.isoformat()},
                            url_for("audits.show", audit_id=audit.id))
    for dispute in db.session.execute(_limit(
            select(Dispute).join(Audit, Audit.id == Dispute.audit_id)
            .where(Dispute.resolution.is_not(None), Dispute.resolved_at >= clock.utcnow() - timedelta(days=RECENT_DAYS))
            .options(joinedload(Dispute.audit)), Audit.staff_id, user_ids)).scalars():
        kind = "dispute_upheld" if dispute.resolution == "upheld" else "dispute_rejected"
        yield Event(dispute.audit.staff_id, kind, str(dispute.id), {"date": dispute.audit.interacted_on.isoformat()},
                    url_for("audits.show", audit_id=dispute.audit_id))
    for assignment in db.session.execute(_limit(
            select(Assignment).where(Assignment.completed_at.is_(None), Assignment.due_date.is_not(None),
                                     Assignment.due_date <= today + timedelta(days=DUE_SOON_DAYS),
                                     Assignment.due_date >= since)
            .options(joinedload(Assignment.course)), Assignment.user_id, user_ids)).scalars():
        overdue = assignment.due_date < today
        yield Event(assignment.user_id, "assignment_overdue" if overdue else "assignment_due", str(assignment.id),
                    {"course": _course_title(assignment.course), "date": assignment.due_date.isoformat()},
                    url_for("training.course", course_id=assignment.course_id))
    for certificate in db.session.execute(_limit(
            select(Certificate).where(Certificate.superseded_at.is_(None), Certificate.expires_on.is_not(None),
                                      Certificate.expires_on > today,
                                      Certificate.expires_on <= today + timedelta(days=EXPIRY_WARNING_DAYS))
            .options(joinedload(Certificate.course)), Certificate.user_id, user_ids)).scalars():
        yield Event(certificate.user_id, "certificate_expiring", str(certificate.id),
                    {"course": _course_title(certificate.course), "date": certificate.expires_on.isoformat()},
                    url_for("training.certificate", certificate_id=certificate.id))
    for participant, reference in db.session.execute(_limit(
            select(CalibrationParticipant, CalibrationSession.reference)
            .join(CalibrationSession, CalibrationSession.id == CalibrationParticipant.session_id)
            .where(CalibrationParticipant.submitted_at.is_(None), CalibrationSession.closed_at.is_(None)),
            CalibrationParticipant.user_id, user_ids)).all():
        yield Event(participant.user_id, "calibration_to_rate", str(participant.session_id), {"reference": reference},
                    url_for("calibration.show", session_id=participant.session_id))
    waiting: dict[int, int] = {}
    for (assignee_id,) in db.session.execute(_limit(
            select(ReviewItem.assignee_id).where(ReviewItem.done_at.is_(None)), ReviewItem.assignee_id, user_ids)):
        waiting[assignee_id] = waiting.get(assignee_id, 0) + 1
    for assignee_id, count in waiting.items():  # once a week while items wait
        yield Event(assignee_id, "review_queue", today.strftime("%G-W%V"), {"count": count},
                    url_for("interactions.queue"))
    for session in db.session.execute(_limit(
            select(CoachingSession).where(CoachingSession.held_at.is_(None),
                                          CoachingSession.scheduled_for >= clock.utcnow() - timedelta(days=1))
            .options(joinedload(CoachingSession.supervisor)), CoachingSession.staff_id, user_ids)).scalars():
        yield Event(session.staff_id, "coaching_scheduled", str(session.id),
                    {"name": session.supervisor.name, "date": session.scheduled_for.date().isoformat()},
                    url_for("coaching.show", session_id=session.id))


def store(found: list[Event]) -> int:
    """Insert the events not stored yet (insert ... on conflict do nothing); returns how many are new."""
    now = clock.utcnow()
    rows = [{"user_id": e.user_id, "kind": e.kind, "key": e.key, "params": e.params, "url": e.url,
             "created_at": now} for e in found]
    return insert_new_rows(Notification, rows, ["user_id", "kind", "key"])


def collect(today: date | None = None, user_ids: set[int] | None = None) -> int:
    return store(list(events(today or clock.today(), user_ids)))


def unread_count(user: User) -> int:
    from sqlalchemy import func

    return db.session.execute(select(func.count(Notification.id))
                              .where(Notification.user_id == user.id, Notification.read_at.is_(None))).scalar_one()

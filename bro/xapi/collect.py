"""Deriving xAPI statements from the training records, once per event (a unique key per statement).

Submitted quiz attempts give "attempted" and "passed" or "failed"; an issued certificate gives "completed"
for the course and "earned" for the certificate; a certificate past its expiry gives "expired". Running
again adds only what is new, so nothing depends on the learner's request: a slow or failing LRS never
blocks a learner, and a statement is never lost.
"""
from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from bro import clock
from bro.database import insert_new_rows
from bro.extensions import db
from bro.models.curricula import CourseModule, CourseVersion
from bro.models.training import Certificate, QuizAttempt
from bro.models.xapi import XapiStatement
from bro.xapi.statements import ASSESSMENT, CERTIFICATE, COURSE, Actor, activity, quiz_result, statement

OVERLAP = timedelta(days=1)  # re-read a day back: rows committed late by another server are not missed


def activity_base() -> str:
    return (current_app.config.get("BRO_XAPI_BASE") or os.environ.get("BRO_XAPI_BASE")
            or os.environ.get("BRO_BASE_URL") or "http://127.0.0.1:5000").rstrip("/")


def _since(verb: str) -> datetime | None:
    latest = db.session.execute(select(func.max(XapiStatement.stored_at)).where(XapiStatement.verb == verb)).scalar()
    return latest - OVERLAP if latest else None


def _course_activity(base: str, version: CourseVersion) -> dict:
    return activity(f"{base}/xapi/activities/courses/{version.course.key}",
                    version.title, COURSE, version.language)


def derive(today: date | None = None) -> list[tuple[str, int, str, dict]]:
    """(key, user id, verb, statement) for every event since the last run (and a day before)."""
    base, today = activity_base(), today or clock.today()
    found: list[tuple[str, int, str, dict]] = []
    query = (select(QuizAttempt).where(QuizAttempt.submitted_at.is_not(None))
             .options(joinedload(QuizAttempt.user),
                      joinedload(QuizAttempt.module).joinedload(CourseModule.course_version)
                      .joinedload(CourseVersion.course)))
    since = _since("attempted")
    if since is not None:
        query = query.where(QuizAttempt.submitted_at >= since)
    for attempt in db.session.execute(query).scalars():
        module, version = attempt.module, attempt.module.course_version
        actor = Actor(attempt.user.name, attempt.user.email)
        obj = activity(f"{base}/xapi/activities/courses/{version.course.key}/modules/{module.key}",
                       module.title, ASSESSMENT, version.language)
        parent = _course_activity(base, version)
        result = quiz_result(attempt.earned, attempt.possible, attempt.passed)
        for verb in ("attempted", "passed" if attempt.passed else "failed"):
            key = f"attempt:{attempt.id}:{verb}"
            found.append((key, attempt.user_id, verb, statement(
                base=base, key=key, actor=actor, verb=verb, obj=obj, at=attempt.submitted_at,
                language=version.language, version=version.number, parent=parent, result=result)))
    query = select(Certificate).options(joinedload(Certificate.user),
                                        joinedload(Certificate.course_version).joinedload(CourseVersion.course))
    since = _since("earned")
    for certificate in db.session.execute(query).scalars():
        version, user = certificate.course_version, certificate.user
        actor = Actor(user.name, user.email)
        course_activity = _course_activity(base, version)
        title = version.certification_title or version.title
        cert = activity(f"{base}/xapi/activities/courses/{version.course.key}/certificate", title, CERTIFICATE,
                        version.language)
        events = []
        if since is None or certificate.issued_at >= since:
            events += [("completed", course_activity, certificate.issued_at), ("earned", cert, certificate.issued_at)]
        if certificate.expires_on is not None and certificate.expires_on <= today:
            events.append(("expired", cert, datetime.combine(certificate.expires_on, time.min)))
        for verb, obj, at in events:
            key = f"certificate:{certificate.id}:{verb}"
            found.append((key, certificate.user_id, verb, statement(
                base=base, key=key, actor=actor, verb=verb, obj=obj, at=at, language=version.language,
                version=version.number, parent=course_activity if obj is cert else None)))
    return found


def store(found: list[tuple[str, int, str, dict]]) -> int:
    """Insert the statements not stored yet; returns how many are new."""
    now = clock.utcnow()
    rows = [{"id": body["id"], "key": key, "user_id": user_id, "verb": verb, "statement": body, "stored_at": now,
             "send_attempts": 0} for key, user_id, verb, body in found]
    return insert_new_rows(XapiStatement, rows, ["key"])


def collect(today: date | None = None) -> int:
    return store(derive(today))

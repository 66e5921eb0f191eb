"""Building xAPI 1.0.3 statements from plain values (no database, no Flask).

Verbs are ADL's (attempted, passed, failed, completed) and the xAPI registry's for certificates (earned,
expired). Activity ids are stable across curriculum versions (course and module keys); the version the
learner met is in the context.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal

XAPI_VERSION = "1.0.3"
VERBS = {
    "attempted": ("http://adlnet.gov/expapi/verbs/attempted", "attempted"),
    "passed": ("http://adlnet.gov/expapi/verbs/passed", "passed"),
    "failed": ("http://adlnet.gov/expapi/verbs/failed", "failed"),
    "completed": ("http://adlnet.gov/expapi/verbs/completed", "completed"),
    "earned": ("http://id.tincanapi.com/verb/earned", "earned"),
    "expired": ("http://id.tincanapi.com/verb/expired", "expired"),
}
ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
COURSE = "http://adlnet.gov/expapi/activities/course"
CERTIFICATE = "http://id.tincanapi.com/activitytype/certificate"


@dataclass(frozen=True)
class Actor:
    name: str
    email: str


def statement_id(base: str, key: str) -> str:
    """The same event always gets the same UUID (v5 over the site and the event), so a resend is idempotent."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base}/xapi/{key}"))


def iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def activity(activity_id: str, name: dict | str, kind: str, language: str) -> dict:
    """An activity whose name is a language map: every translation the curriculum has."""
    names = {code: text for code, text in name.items() if text} if isinstance(name, dict) else {language: name}
    return {"objectType": "Activity", "id": activity_id, "definition": {"name": names or {language: "—"}, "type": kind}}


def statement(*, base: str, key: str, actor: Actor, verb: str, obj: dict, at: datetime, language: str,
              version: int | None = None, parent: dict | None = None, result: dict | None = None) -> dict:
    verb_id, display = VERBS[verb]
    context: dict = {"platform": "bro", "language": language}
    if parent is not None:
        context["contextActivities"] = {"parent": [parent]}
    if version is not None:
        context["extensions"] = {f"{base}/xapi/extensions/curriculum-version": version}
    body = {
        "id": statement_id(base, key), "version": XAPI_VERSION,
        "actor": {"objectType": "Agent", "name": actor.name, "mbox": f"mailto:{actor.email}"},
        "verb": {"id": verb_id, "display": {"en-US": display}},
        "object": obj, "context": context, "timestamp": iso(at),
    }
    if result is not None:
        body["result"] = result
    return body


def quiz_result(earned: Decimal, possible: Decimal, passed: bool) -> dict:
    scaled = float(earned / possible) if possible else 0.0
    return {"score": {"scaled": round(scaled, 4), "raw": float(earned), "min": 0, "max": float(possible)},
            "success": bool(passed), "completion": True}

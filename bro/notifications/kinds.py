"""Every kind of notification: its sentence (with parameters) in the recipient's language."""
from __future__ import annotations

from datetime import date

from flask_babel import format_date, gettext, ngettext


def _day(value: str) -> str:
    return format_date(date.fromisoformat(value))


def sentence(kind: str, params: dict) -> str:
    """The notification as one sentence, in the locale in force (a request's, or force_locale's)."""
    p = params
    if kind == "audit_to_acknowledge":
        return gettext("Your audit of %(date)s waits for you to acknowledge or dispute it.", date=_day(p["date"]))
    if kind == "dispute_raised":
        return gettext("%(staff)s disputed the audit of %(date)s: it waits for a decision.",
                       staff=p["staff"], date=_day(p["date"]))
    if kind == "dispute_upheld":
        return gettext("Your dispute of the audit of %(date)s was upheld.", date=_day(p["date"]))
    if kind == "dispute_rejected":
        return gettext("Your dispute of the audit of %(date)s was rejected.", date=_day(p["date"]))
    if kind == "assignment_due":
        return gettext("%(course)s is due on %(date)s.", course=p["course"], date=_day(p["date"]))
    if kind == "assignment_overdue":
        return gettext("%(course)s was due on %(date)s and is overdue.", course=p["course"], date=_day(p["date"]))
    if kind == "certificate_expiring":
        return gettext("Your certificate for %(course)s expires on %(date)s.", course=p["course"], date=_day(p["date"]))
    if kind == "calibration_to_rate":
        return gettext("Calibration session %(reference)s waits for your ratings.", reference=p["reference"])
    if kind == "review_queue":
        return ngettext("%(num)d interaction waits in your review queue.",
                        "%(num)d interactions wait in your review queue.", p["count"])
    if kind == "coaching_scheduled":
        return gettext("Coaching session with %(name)s on %(date)s.", name=p["name"], date=_day(p["date"]))
    return kind


KINDS = ("audit_to_acknowledge", "dispute_raised", "dispute_upheld", "dispute_rejected", "assignment_due",
         "assignment_overdue", "certificate_expiring", "calibration_to_rate", "review_queue", "coaching_scheduled")

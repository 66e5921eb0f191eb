"""The staff home-page card: open assignments, overdue ones, and certificates about to expire."""
from __future__ import annotations

from flask_babel import get_locale

from bro import clock
from bro.extensions import db
from bro.home.sections import register_section
from bro.models.people import Role, User
from bro.training import queries
from bro.training.operations import expire_certificates


def my_learning_summary(user: User) -> dict | None:
    if not user.has_role(Role.staff):
        return None  # an admin without courses of their own
    today = clock.today()
    if expire_certificates(today, user_id=user.id):
        db.session.commit()
    views = queries.assignment_views(user, str(get_locale()), today, completed_days=0)
    open_views = [v for v in views if v.assignment.completed_at is None]
    certificates = queries.user_certificates(user.id)
    return {"open": open_views, "overdue": [v for v in open_views if v.overdue],
            "expiring": queries.expiring_certificates(certificates, today),
            "valid": [c for c in certificates if c.is_valid(today)], "today": today}


register_section("my-learning", "training/_home_learning.html", {Role.staff}, my_learning_summary, order=10)

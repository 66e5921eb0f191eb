"""The staff home-page card: open assignments, overdue ones, and certificates about to expire."""
from __future__ import annotations

from flask_babel import get_locale
from sqlalchemy import case, func, select

from bro import clock
from bro.access import visible_team_ids
from bro.database import commit_side_write
from bro.extensions import db
from bro.models.people import Role, Team, User
from bro.models.training import Assignment
from bro.training import queries
from bro.training.operations import expire_certificates


def my_learning_summary(user: User) -> dict | None:
    if not user.has_role(Role.staff):
        return None  # an admin without courses of their own
    today = clock.today()
    commit_side_write(lambda: expire_certificates(today, user_id=user.id))
    views = queries.assignment_views(user, str(get_locale()), today, completed_days=0)
    open_views = [v for v in views if v.assignment.completed_at is None]
    certificates = queries.user_certificates(user.id)
    return {"open": open_views, "overdue": [v for v in open_views if v.overdue],
            "expiring": queries.expiring_certificates(certificates, today),
            "valid": [c for c in certificates if c.is_valid(today)], "today": today}


def team_learning_summary(user: User) -> dict | None:
    """Open and overdue assignments per supervised team (every team for admins)."""
    teams = visible_team_ids(user)
    if teams is not None and not teams:
        return None
    today = clock.today()
    query = (select(Team.id, Team.name, func.count(Assignment.id),
                    func.sum(case((Assignment.due_date < today, 1), else_=0)))
             .join(User, User.team_id == Team.id)
             .join(Assignment, (Assignment.user_id == User.id) & Assignment.completed_at.is_(None))
             .where(User.active.is_(True))
             .group_by(Team.id, Team.name).order_by(Team.name))
    if teams is not None:
        query = query.where(Team.id.in_(teams))
    rows = [(team_id, name, open_count, int(overdue or 0))
            for team_id, name, open_count, overdue in db.session.execute(query)]
    return {"teams": rows} if rows else None

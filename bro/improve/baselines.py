"""Control-chart baselines set by hand: who may set one for which scope, and setting it.

A baseline belongs to one standard and one scope of teams (``baseline_scope``): a supervisor sets it for the
teams the dashboard shows them, an admin also for every team. The rows are append-only; the dashboard starts a
new phase (Phase I) at each one's first day. Operations flush; the calling view commits.
"""
from __future__ import annotations

from datetime import date

from bro import clock
from bro.access import visible_team_ids
from bro.extensions import db
from bro.models.improvement import ControlBaseline, CorrectiveAction, CorrectiveActionEvent, baseline_scope
from bro.models.people import User


class BaselineRefused(ValueError):
    pass


def may_set_baseline(user: User, team_ids: frozenset[int] | None) -> bool:
    """Every team (None): admins only. Some teams: whoever may see all of them."""
    visible = visible_team_ids(user)
    if visible is None:
        return True
    return team_ids is not None and bool(team_ids) and set(team_ids) <= set(visible)


def set_baseline(*, by: User, standard_id: int, team_ids: frozenset[int] | None, first_day: date,
                 last_day: date | None, reason: str, action: CorrectiveAction | None = None) -> ControlBaseline:
    if not may_set_baseline(by, team_ids):
        raise BaselineRefused("scope")
    if last_day is not None and last_day < first_day:
        raise BaselineRefused("order")
    record = ControlBaseline(standard_id=standard_id, scope=baseline_scope(team_ids), first_day=first_day,
                             last_day=last_day, reason=reason.strip(), set_by_id=by.id, set_at=clock.utcnow(),
                             corrective_action_id=action.id if action is not None else None)
    db.session.add(record)
    db.session.flush()
    return record


def baseline_after_action(action: CorrectiveAction, by: User, reason: str) -> ControlBaseline:
    """A new baseline for the action's standard and team from the day it reached "check" (the change made)."""
    if action.status not in ("check", "act", "closed"):
        raise BaselineRefused("stage")
    reached = db.session.execute(
        db.select(CorrectiveActionEvent.at).where(CorrectiveActionEvent.action_id == action.id,
                                                  CorrectiveActionEvent.to_status == "check")
        .order_by(CorrectiveActionEvent.id).limit(1)).scalar()
    checked = reached.date() if reached is not None else clock.today()
    team_ids = frozenset({action.team_id}) if action.team_id is not None else None
    return set_baseline(by=by, standard_id=action.standard_id, team_ids=team_ids, first_day=checked, last_day=None,
                        reason=reason, action=action)


def baseline_for_action(action_id: int) -> ControlBaseline | None:
    return db.session.execute(db.select(ControlBaseline).where(ControlBaseline.corrective_action_id == action_id)
                              .order_by(ControlBaseline.id.desc()).limit(1)).scalar_one_or_none()

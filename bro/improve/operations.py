"""Corrective actions: open, move through plan → do → check → act → closed, measure before vs after.

Operations flush; the calling view commits. Every change appends a CorrectiveActionEvent.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from bro import clock
from bro.access import visible_team_ids
from bro.extensions import db
from bro.improve import queries as q
from bro.models.improvement import ACTION_SOURCES, ACTION_STATUSES, CorrectiveAction, CorrectiveActionEvent
from bro.models.people import Role, User, team_supervisors
from bro.quality import BeforeAfter, before_after_rate

MIN_BEFORE_DAYS = 28  # compare at least four weeks before the start, even when "after" is still short


@dataclass(frozen=True)
class ActionEffect:
    before_from: date
    pivot: date
    after_to: date
    result: BeforeAfter

    @property
    def before_to(self) -> date:
        return self.pivot - timedelta(days=1)


class ActionRefused(ValueError):
    pass


def may_manage_team(user: User, team_id: int | None) -> bool:
    """Supervisors own actions for their teams; an action for every team is an admin's."""
    teams = visible_team_ids(user)
    if teams is None:
        return True
    return team_id is not None and team_id in teams


def may_see_action(user: User, action: CorrectiveAction) -> bool:
    return action.owner_id == user.id or may_manage_team(user, action.team_id)


def visible_actions_query(user: User, *, open_only: bool = False):
    query = (select(CorrectiveAction)
             .options(selectinload(CorrectiveAction.owner), selectinload(CorrectiveAction.team),
                      selectinload(CorrectiveAction.standard))
             .order_by(CorrectiveAction.status == "closed", CorrectiveAction.due_date, CorrectiveAction.id))
    teams = visible_team_ids(user)
    if teams is not None:
        query = query.where(or_(CorrectiveAction.owner_id == user.id,
                                CorrectiveAction.team_id.in_(sorted(teams) or [-1])))
    if open_only:
        query = query.where(CorrectiveAction.status != "closed")
    return query


def possible_owners(user: User) -> list[User]:
    """Who may own an action the user opens: supervisors of the user's teams (all of them for an admin), admins,
    and the user."""
    teams = visible_team_ids(user)
    query = select(User).where(User.active.is_(True)).order_by(User.name)
    if teams is not None:
        query = query.where(or_(User.id == user.id, User.id.in_(
            select(team_supervisors.c.user_id).where(team_supervisors.c.team_id.in_(sorted(teams) or [-1])))))
    people = db.session.execute(query).scalars().all()
    return [person for person in people
            if person.id == user.id or person.is_admin or person.has_role(Role.supervisor)]


def open_action(*, created_by: User, owner: User, problem: str, root_cause: str | None, action: str,
                due_date: date, standard_id: int, step_key: str, team_id: int | None, source: str = "manual",
                source_detail: str | None = None) -> CorrectiveAction:
    if not may_manage_team(created_by, team_id):
        raise ActionRefused("team")
    if not may_manage_team(owner, team_id) and owner.id != created_by.id:
        raise ActionRefused("owner")
    record = CorrectiveAction(
        problem=problem.strip(), root_cause=(root_cause or "").strip() or None, action=action.strip(),
        owner_id=owner.id, due_date=due_date, standard_id=standard_id, step_key=step_key, team_id=team_id,
        status=ACTION_STATUSES[0], source=source if source in ACTION_SOURCES else "manual",
        source_detail=(source_detail or "").strip()[:300] or None, created_by_id=created_by.id,
        created_at=clock.utcnow())
    db.session.add(record)
    db.session.flush()
    db.session.add(CorrectiveActionEvent(action_id=record.id, from_status=None, to_status=record.status,
                                         by_id=created_by.id, at=record.created_at, note=None))
    db.session.flush()
    return record


def advance_action(record: CorrectiveAction, *, by: User, note: str | None = None,
                   expected_status: str | None = None) -> CorrectiveActionEvent:
    """Move the action one stage on. ``expected_status`` guards against a double submit or a stale page."""
    if expected_status is not None and expected_status != record.status:
        raise ActionRefused("stale")
    following = record.next_status
    if following is None:
        raise ActionRefused("closed")
    now = clock.utcnow()
    event = CorrectiveActionEvent(action_id=record.id, from_status=record.status, to_status=following,
                                  by_id=by.id, at=now, note=(note or "").strip() or None)
    record.status = following
    if following == "do" and record.started_at is None:
        record.started_at = now
    if following == "closed":
        record.closed_at = now
    db.session.add(event)
    db.session.flush()
    return event



def action_effect(record: CorrectiveAction, today: date | None = None) -> ActionEffect | None:
    """The target step's nonconformity before vs from the day the action started ("do"), in the action's
    team (every team for an organisation-wide action): from the start until today (or closing), against the
    same number of days before the start (at least four weeks)."""
    if record.started_at is None:
        return None
    pivot = record.started_at.date()
    end = (record.closed_at.date() if record.closed_at else None) or today or clock.today()
    end = max(end, pivot)
    days_after = (end - pivot).days + 1
    first = pivot - timedelta(days=max(MIN_BEFORE_DAYS, days_after))
    teams = frozenset({record.team_id}) if record.team_id is not None else None
    days = q.step_day_counts(record.standard_id, record.step_key, teams, first, end)
    return ActionEffect(first, pivot, end, before_after_rate(q.observations(days), pivot))


def overdue_for(user: User, today: date) -> list[CorrectiveAction]:
    """Open actions the user owns, most urgent first."""
    return list(db.session.execute(
        select(CorrectiveAction).options(selectinload(CorrectiveAction.team))
        .where(CorrectiveAction.owner_id == user.id, CorrectiveAction.status != "closed")
        .order_by(CorrectiveAction.due_date, CorrectiveAction.id)).scalars())

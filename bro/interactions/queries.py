"""Reading interactions: the list with its filters, and one interaction with its transcript."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, undefer

from bro.access import visible_team_ids
from bro.extensions import db
from bro.models.audits import CHANNELS
from bro.models.interactions import Interaction
from bro.models.people import Role, Team, User
from bro.pagination import ListFilters


@dataclass(frozen=True)
class InteractionFilters(ListFilters):
    channel: str | None = None
    audited: str | None = None  # "yes" | "no"

    @classmethod
    def own_from_args(cls, args) -> dict[str, Any]:
        return {"channel": args.get("channel") if args.get("channel") in CHANNELS else None,
                "audited": args.get("audited") if args.get("audited") in ("yes", "no") else None}

    def own_args(self) -> dict[str, Any]:
        return {"channel": self.channel, "audited": self.audited}


def interactions_query(user: User, filters: InteractionFilters) -> Select:
    """Interactions `user` may see (their own as staff, their teams' as supervisor, all as admin), newest first."""
    query = select(Interaction).options(joinedload(Interaction.staff), joinedload(Interaction.team))
    teams = visible_team_ids(user)
    if teams is not None:
        if user.has_role(Role.staff):
            query = query.where((Interaction.team_id.in_(teams or {-1})) | (Interaction.staff_id == user.id))
        else:
            query = query.where(Interaction.team_id.in_(teams or {-1}))
    if filters.team_id is not None:
        query = query.where(Interaction.team_id == filters.team_id)
    if filters.staff_id is not None:
        query = query.where(Interaction.staff_id == filters.staff_id)
    if filters.channel:
        query = query.where(Interaction.channel == filters.channel)
    if filters.audited == "yes":
        query = query.where(Interaction.audit_id.is_not(None))
    elif filters.audited == "no":
        query = query.where(Interaction.audit_id.is_(None))
    if filters.date_from:
        query = query.where(Interaction.started_at >= datetime.combine(filters.date_from, time.min))
    if filters.date_to:
        query = query.where(Interaction.started_at < datetime.combine(filters.date_to + timedelta(days=1), time.min))
    return query.order_by(Interaction.started_at.desc(), Interaction.id.desc())


def interaction_with_transcript(interaction_id: int) -> Interaction | None:
    return db.session.execute(
        select(Interaction).where(Interaction.id == interaction_id)
        .options(joinedload(Interaction.staff), joinedload(Interaction.team), undefer(Interaction.transcript))
    ).scalar_one_or_none()


def filter_choices(user: User) -> dict:
    teams = visible_team_ids(user)
    team_query = select(Team).order_by(Team.name)
    staff_query = select(User).where(User.team_id.is_not(None), User.active.is_(True)).order_by(User.name)
    if teams is not None:
        team_query = team_query.where(Team.id.in_(teams or {-1}))
        staff_query = staff_query.where(User.team_id.in_(teams or {-1}))
    return {"teams": db.session.execute(team_query).scalars().all(),
            "staff": db.session.execute(staff_query).scalars().all() if teams is None or teams else []}

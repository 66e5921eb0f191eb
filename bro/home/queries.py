"""Figures the foundation's home sections show."""
from sqlalchemy import func, select

from bro.extensions import db
from bro.models.people import Team, User, team_supervisors


def team_member_counts(team_ids: list[int] | None) -> list[tuple[Team, int]]:
    """Teams (all when `team_ids` is None) with how many active members each has."""
    members = (
        select(User.team_id, func.count(User.id).label("members"))
        .where(User.active.is_(True))
        .group_by(User.team_id)
        .subquery()
    )
    query = (
        select(Team, func.coalesce(members.c.members, 0))
        .outerjoin(members, members.c.team_id == Team.id)
        .order_by(Team.name)
    )
    if team_ids is not None:
        query = query.where(Team.id.in_(team_ids))
    return [(team, count) for team, count in db.session.execute(query).all()]


def organisation_summary() -> dict[str, int]:
    users = db.session.execute(
        select(func.count(User.id), func.count(User.id).filter(User.active.is_(True)))
    ).one()
    teams = db.session.execute(select(func.count(Team.id))).scalar_one()
    unsupervised = db.session.execute(
        select(func.count(Team.id)).where(~Team.id.in_(select(team_supervisors.c.team_id)))
    ).scalar_one()
    return {"users": users[0], "active_users": users[1], "teams": teams, "unsupervised_teams": unsupervised}

"""/api/v1/users and /api/v1/teams: read what you may see; admins create users and teams, deactivate users
and change their team (the HR system keeping bro in step)."""
from __future__ import annotations

import secrets

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import false, func, or_, select
from sqlalchemy.exc import IntegrityError

from bro.access import can_see_staff, visible_team_ids
from bro.api.blueprint import ApiBlueprint
from bro.api.cursor import PageArgs, by_id, paginate_keyset
from bro.api.problems import ApiProblem
from bro.api.schemas import (
    TeamCreateSchema, TeamPage, TeamSchema, UserChangeSchema, UserCreateSchema, UserListArgs, UserPage, UserSchema,
)
from bro.extensions import db
from bro.models.people import Role, Team, User
from bro.people import create_user, is_last_active_admin, update_user

bp = ApiBlueprint("api_people", __name__, "Users and teams")
ALL = (Role.staff, Role.supervisor, Role.trainer)


def people_visible_to(user: User):
    """Users ``user`` may see (bro.access rules): admins everyone; supervisors their teams' members; all
    themselves."""
    teams = visible_team_ids(user)
    if teams is None:
        return None
    return or_(User.id == user.id, User.team_id.in_(teams) if teams else false())


def only_visible_people(query):
    """``query`` (which joins User) limited to the people the token's user may see."""
    clause = people_visible_to(current_user)
    return query if clause is None else query.where(clause)


def visible_user(user_id: int, field: str = "user_id") -> User:
    """The user with this id if the token's user may see them; otherwise a 404 problem on ``field``."""
    user = db.session.get(User, user_id)
    if user is None or not can_see_staff(current_user, user):
        raise ApiProblem(404, _("No user you may see has this id."), field=field)
    return user


@bp.endpoint("/me", *ALL, answers=UserSchema)
def me():
    """The token's user."""
    return current_user


@bp.endpoint("/users", *ALL, query=UserListArgs, answers=UserPage)
def list_users(args):
    """Users you may see (admins: everyone; supervisors: their teams' members), by id."""
    query = only_visible_people(select(User).order_by(User.id))
    if args.get("team"):
        query = query.where(User.team_id == args["team"])
    if args.get("active") is not None:
        query = query.where(User.active.is_(args["active"]))
    return paginate_keyset(db.session, query, by_id(User), args)


@bp.endpoint("/users/<int:user_id>", *ALL, answers=UserSchema)
def get_user(user_id: int):
    return visible_user(user_id)


def _teams(ids: list[int], field: str) -> list[Team]:
    teams = db.session.execute(select(Team).where(Team.id.in_(ids or [-1]))).scalars().all() if ids else []
    if len(teams) != len(set(ids)):
        raise ApiProblem(422, _("No team has this id."), field=field)
    return teams


@bp.endpoint("/users", Role.admin, scope="admin", method="POST", body=UserCreateSchema, answers=UserSchema, status=201)
def create(data):
    """Create a user (admins). Staff need a team; supervisors at least one supervised team."""
    email = data["email"].strip().lower()
    if db.session.execute(select(User.id).where(or_(User.email == email, func.lower(User.email) == email))).first():
        raise ApiProblem(409, _("Another user already has this email."), field="email")
    roles = {Role(r) for r in data["roles"]}
    team = _teams([data["team_id"]], "team_id")[0] if data.get("team_id") else None
    if Role.staff in roles and team is None:
        raise ApiProblem(422, _("A staff member belongs to a team: choose one."), field="team_id")
    supervises = _teams(data["supervised_team_ids"], "supervised_team_ids")
    if Role.supervisor in roles and not supervises:
        raise ApiProblem(422, _("A supervisor supervises at least one team: choose one or more."),
                         field="supervised_team_ids")
    return create_user(data["name"], email, data.get("password") or secrets.token_urlsafe(32), roles,
                       language=data["language"], team=team, supervises=supervises)


@bp.endpoint("/users/<int:user_id>", Role.admin, scope="admin", method="PATCH",
             body=UserChangeSchema, answers=UserSchema)
def change(data, user_id: int):
    """Deactivate or reactivate a user, or change their team (admins)."""
    user = db.session.get(User, user_id)
    if user is None:
        raise ApiProblem(404, _("No user has this id."), field="user_id")
    active = data.get("active", user.active)
    team_id = data["team_id"] if "team_id" in data else user.team_id
    if not active and is_last_active_admin(user):
        raise ApiProblem(409, _("The last active admin cannot be deactivated: make someone else an admin first."),
                         field="active")
    if team_id is not None:
        _teams([team_id], "team_id")
    elif user.has_role(Role.staff):
        raise ApiProblem(422, _("A staff member belongs to a team: choose one."), field="team_id")
    update_user(user, name=user.name, email=user.email, language=user.language, roles=user.roles, team_id=team_id,
                supervised_team_ids=[team.id for team in user.supervised_teams], active=active)
    return user


@bp.endpoint("/teams", *ALL, query=PageArgs, answers=TeamPage)
def list_teams(args):
    """Teams you may see: admins all; supervisors those they supervise; everyone their own."""
    query = select(Team).order_by(Team.id)
    teams = visible_team_ids(current_user)
    if teams is not None:
        mine = teams | ({current_user.team_id} if current_user.team_id else set())
        query = query.where(Team.id.in_(mine) if mine else false())
    return paginate_keyset(db.session, query, by_id(Team), args)


@bp.endpoint("/teams", Role.admin, scope="admin", method="POST", body=TeamCreateSchema, answers=TeamSchema, status=201)
def create_team(data):
    name = data["name"].strip()
    if not name:
        raise ApiProblem(422, _("Enter a name."), field="name")
    taken = ApiProblem(409, _("Another team already has this name."), field="name")
    if db.session.execute(select(Team.id).where(
            or_(Team.name == name, func.lower(Team.name) == name.lower()))).first():
        raise taken
    team = Team(name=name)
    try:
        with db.session.begin_nested():
            db.session.add(team)
    except IntegrityError:  # created meanwhile by another request
        raise taken from None
    return team

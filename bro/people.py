"""Operations on people (used by the admin pages, the CLI and the demo). They flush; callers commit."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from bro.extensions import db
from bro.models.people import Role, Team, User, UserRole


def create_user(name: str, email: str, password: str, roles: set[Role] | list[str], language: str = "en",
                team: Team | None = None, supervises: list[Team] | None = None) -> User:
    user = User(name=name.strip(), email=email.strip().lower(), language=language, active=True)
    user.set_password(password, method=current_app.config["BRO_PASSWORD_HASH_METHOD"])
    user.roles = {Role(r) for r in roles}
    user.team = team
    user.supervised_teams = list(supervises or [])
    db.session.add(user)
    db.session.flush()
    return user


def update_user(user: User, *, name: str, email: str, language: str, roles: set[Role], team_id: int | None,
                supervised_team_ids: list[int], active: bool, password: str | None = None) -> User:
    user.name = name.strip()
    user.email = email.strip().lower()
    user.language = language
    user.roles = roles
    user.team_id = team_id or None
    user.supervised_teams = list(
        db.session.execute(select(Team).where(Team.id.in_(supervised_team_ids or []))).scalars()
    )
    was_active = user.active
    user.active = active
    if password:
        user.set_password_and_end_sessions(password, method=current_app.config["BRO_PASSWORD_HASH_METHOD"])
    elif was_active and not active:
        user.rotate_session_token()  # a deactivated user's cookies must not come back to life on reactivation
    db.session.flush()
    return user


def is_last_active_admin(user: User) -> bool:
    """True when `user` is the only active admin: removing their admin role or deactivating them would
    leave nobody able to manage users."""
    if not (user.active and user.is_admin):
        return False
    others = db.session.execute(
        select(func.count()).select_from(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.admin, User.active.is_(True), User.id != user.id)
    ).scalar_one()
    return others == 0


def get_or_create_team(name: str) -> Team:
    team = db.session.execute(select(Team).where(Team.name == name)).scalar_one_or_none()
    if team is None:
        team = Team(name=name)
        db.session.add(team)
        db.session.flush()
    return team

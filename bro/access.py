"""Who may do what: the one place access is decided.

Views declare the roles they admit with `@roles_required(...)`; admins pass every
role check. Ownership (which teams and staff a user may see) is answered by
`visible_team_ids` / `can_see_team` / `can_see_staff`, never re-derived in views.
"""
from __future__ import annotations

from functools import wraps
from operator import attrgetter
from typing import Any, Callable, TypeVar

from flask import Blueprint, abort, request
from flask_login import current_user, login_required

from bro.models.people import Role, User

T = TypeVar("T")


def roles_required(*roles: Role | str) -> Callable:
    """Log-in required, and the user holds one of `roles` (or is admin)."""
    wanted = {Role(r) for r in roles}

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not may_enter(current_user, wanted):
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = wanted  # read by the access-matrix test and the nav
        return wrapped

    return decorator


class RecordViews:
    """The pages of one kind of record under ``<prefix>/<int:<key>>`` of a blueprint.

    Each view takes the record, not its id: ``load(id)`` finds the one the user may see (it aborts with 404
    otherwise), after ``roles_required`` admitted the user.
    """

    def __init__(self, bp: Blueprint, key: str, load: Callable[[int], Any], prefix: str = "") -> None:
        self.bp, self.key, self.load, self.prefix = bp, key, load, prefix

    def route(self, rule: str, *roles: Role | str, **options: Any) -> Callable[[Callable], Callable]:
        """Register a view at ``<prefix>/<int:<key>><rule>`` for ``roles``; it is called with the record."""

        def decorator(view: Callable) -> Callable:
            @wraps(view)
            def with_record(**kwargs):
                return view(self.load(kwargs.pop(self.key)), **kwargs)

            self.bp.route(f"{self.prefix}/<int:{self.key}>{rule}", **options)(roles_required(*roles)(with_record))
            return view

        return decorator

    def page(self, render: Callable[[Any], Any], *roles: Role | str, endpoint: str = "show") -> None:
        """The record's own page, at ``<prefix>/<int:<key>>``: ``render(record)``."""

        def show(record: Any):
            return render(record)

        show.__name__ = show.__qualname__ = endpoint
        self.route("", *roles, endpoint=endpoint)(show)


def may_enter(user: User, roles: set[Role]) -> bool:
    return user.is_authenticated and (user.is_admin or bool(user.roles & roles))


def visible_team_ids(user: User) -> set[int] | None:
    """Teams whose audits and attempts `user` may see; None means every team (admin)."""
    if user.is_admin:
        return None
    teams = {team.id for team in user.supervised_teams} if user.has_role(Role.supervisor) else set()
    return teams


def can_see_team(user: User, team_id: int | None) -> bool:
    teams = visible_team_ids(user)
    return teams is None or (team_id is not None and team_id in teams)


def visible_or_404(record: T | None, team_id: Callable[[T], int | None] = attrgetter("team_id")) -> T:
    """``record`` when it exists and its team (``team_id(record)``) is one the current user may see; 404
    otherwise, so a record out of sight reads as one that does not exist."""
    if record is None or not can_see_team(current_user, team_id(record)):
        abort(404)
    return record


def can_see_staff(user: User, staff: User) -> bool:
    """A staff member's own records, their supervisors, and admins."""
    return user.id == staff.id or can_see_team(user, staff.team_id)


def client_address() -> str:
    """The client's address: the connection's, or (BRO_TRUSTED_PROXIES) what the trusted proxies report."""
    return (request.remote_addr or "unknown")[:64]

"""Factories for users and teams. Areas add theirs here."""
from __future__ import annotations

import itertools

from bro.extensions import db
from bro.models.people import Role, Team, User
from bro.people import create_user
from tests.conftest import PASSWORD

_sequence = itertools.count(1)


class Factory:
    def team(self, name: str | None = None) -> Team:
        team = Team(name=name or f"Team {next(_sequence)}")
        db.session.add(team)
        db.session.flush()
        return team

    def user(self, *roles: Role | str, team: Team | None = None, supervises: list[Team] | None = None,
             name: str | None = None, language: str = "en", active: bool = True) -> User:
        number = next(_sequence)
        roles = roles or (Role.staff,)
        if Role.staff in {Role(r) for r in roles} and team is None:
            team = self.team()
        user = create_user(name or f"User {number}", f"user{number}@example.com", PASSWORD,
                           [Role(r).value for r in roles], language=language, team=team,
                           supervises=supervises or [])
        user.active = active
        db.session.flush()
        return user

    def staff(self, team: Team | None = None, **kw) -> User:
        return self.user(Role.staff, team=team, **kw)

    def supervisor(self, *teams: Team, **kw) -> User:
        return self.user(Role.supervisor, supervises=list(teams) or [self.team()], **kw)

    def trainer(self, **kw) -> User:
        return self.user(Role.trainer, **kw)

    def admin(self, **kw) -> User:
        return self.user(Role.admin, **kw)

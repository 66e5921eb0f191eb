"""Home-page sections: each area registers what it shows, for which roles.

A section is absent until an area registers it, so the home page never shows
placeholders. `build` returns the template context, or None to leave it out.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from bro.access import may_enter
from bro.models.people import Role, User


@dataclass(frozen=True)
class HomeSection:
    name: str
    template: str
    roles: frozenset[Role]
    build: Callable[[User], dict | None]
    order: int = 50


SECTIONS: dict[str, HomeSection] = {}


def register_section(name: str, template: str, roles: set[Role], build: Callable[[User], dict | None],
                     order: int = 50) -> None:
    SECTIONS[name] = HomeSection(name, template, frozenset(roles), build, order)


def sections_for(user: User) -> list[tuple[HomeSection, dict]]:
    shown = []
    for section in sorted(SECTIONS.values(), key=lambda s: (s.order, s.name)):
        if not may_enter(user, set(section.roles)):
            continue
        context = section.build(user)
        if context is not None:
            shown.append((section, context))
    return shown

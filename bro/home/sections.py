"""Home-page sections: each area registers what it shows, for which roles (in its `init_app`).

A section is absent until an area registers it, so the home page never shows
placeholders. `build` returns the template context, or None to leave it out.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import Flask, current_app

from bro.access import may_enter
from bro.models.people import Role, User


@dataclass(frozen=True)
class HomeSection:
    name: str
    template: str
    roles: frozenset[Role]
    build: Callable[[User], dict | None]
    order: int = 50


def register_section(app: Flask, name: str, template: str, roles: set[Role],
                     build: Callable[[User], dict | None], order: int = 50) -> None:
    """Show a section on `app`'s home page; registering a name again replaces it."""
    app.extensions.setdefault("bro.home_sections", {})[name] = HomeSection(name, template, frozenset(roles), build,
                                                                           order)


def home_sections(app: Flask) -> list[HomeSection]:
    sections = app.extensions.get("bro.home_sections", {})
    return sorted(sections.values(), key=lambda s: (s.order, s.name))


def sections_for(user: User) -> list[tuple[HomeSection, dict]]:
    shown = []
    for section in home_sections(current_app):
        if not may_enter(user, set(section.roles)):
            continue
        context = section.build(user)
        if context is not None:
            shown.append((section, context))
    return shown

"""A demo organisation: two teams and people of every role, with random passwords.

Areas add their demo data with `register_demo_step` (in their `init_app`); `seed_demo` runs every
step of the current app in order inside the caller's transaction (operations flush, callers commit).
"""
from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from typing import Callable

from flask import Flask, current_app
from sqlalchemy import func, select

from bro.extensions import db
from bro.models.people import Role, User
from bro.people import create_user, get_or_create_team


@dataclass
class DemoContext:
    users: dict[str, User]
    credentials: list[tuple[str, str, str]]  # (roles, email, password)
    rng: random.Random


DemoStep = Callable[[DemoContext], None]


def register_demo_step(app: Flask, order: int, name: str, step: DemoStep) -> None:
    """Run `step` when seeding `app`'s demo, by `order`; registering a name again changes nothing."""
    steps = app.extensions.setdefault("bro.demo_steps", {})
    steps.setdefault(name, (order, name, step))


def demo_steps(app: Flask) -> list[tuple[int, str, DemoStep]]:
    return sorted(app.extensions.get("bro.demo_steps", {}).values(), key=lambda s: (s[0], s[1]))


# key, name, email, roles, team, supervises, language
DEMO_PEOPLE = [
    ("admin", "Ada Admin", "admin@example.com", ["admin"], None, [], "en"),
    ("trainer", "Tomasz Trener", "trainer@example.com", ["trainer"], None, [], "pl"),
    ("sup_front", "Siti Rahma", "siti@example.com", ["supervisor"], None, ["Front desk"], "id"),
    ("sup_key", "Piotr Nowak", "piotr@example.com", ["supervisor"], None, ["Key accounts"], "pl"),
    ("sup_both", "Grace Miller", "grace@example.com", ["supervisor", "trainer"], None,
     ["Front desk", "Key accounts"], "en"),
    ("staff_1", "Budi Santoso", "budi@example.com", ["staff"], "Front desk", [], "id"),
    ("staff_2", "Anna Kowalska", "anna@example.com", ["staff"], "Front desk", [], "pl"),
    ("staff_3", "James Carter", "james@example.com", ["staff"], "Front desk", [], "en"),
    ("staff_4", "Dewi Lestari", "dewi@example.com", ["staff"], "Front desk", [], "id"),
    ("staff_5", "Marta Wiśniewska", "marta@example.com", ["staff"], "Key accounts", [], "pl"),
    ("staff_6", "Rizky Pratama", "rizky@example.com", ["staff"], "Key accounts", [], "id"),
    ("staff_7", "Emily Brooks", "emily@example.com", ["staff"], "Key accounts", [], "en"),
    ("staff_8", "Kamil Zieliński", "kamil@example.com", ["staff"], "Key accounts", [], "pl"),
]


def database_is_empty() -> bool:
    return db.session.execute(select(func.count(User.id))).scalar_one() == 0


def seed_people(password_for: Callable[[str], str]) -> DemoContext:
    users: dict[str, User] = {}
    credentials = []
    for key, name, email, roles, team, supervises, language in DEMO_PEOPLE:
        password = password_for(key)
        users[key] = create_user(
            name, email, password, roles, language=language,
            team=get_or_create_team(team) if team else None,
            supervises=[get_or_create_team(t) for t in supervises],
        )
        credentials.append((", ".join(roles), email, password))
    return DemoContext(users=users, credentials=credentials, rng=random.Random(20261126))


def seed_demo(password_for: Callable[[str], str] | None = None) -> DemoContext:
    """Create the demo organisation and every registered area's demo data."""
    context = seed_people(password_for or (lambda _key: secrets.token_urlsafe(12)))
    for _order, _name, step in demo_steps(current_app):
        step(context)
        db.session.flush()
    return context


__all__ = ["DemoContext", "Role", "demo_steps", "register_demo_step", "seed_demo", "database_is_empty"]

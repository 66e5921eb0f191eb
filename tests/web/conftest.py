from __future__ import annotations

from types import SimpleNamespace

import pytest

from bro.models.people import Role
from tests.database import app, client, committed_app, db_session, factory, login  # noqa: F401  (fixtures)
from tests.web.migration_db import migration_url  # noqa: F401  (fixture)


@pytest.fixture
def world(factory):
    """One organisation in which the supervisor persona supervises the staff persona's team.

    Areas add objects here (a course, an audit, ...) so the access matrix can build their URLs.
    """
    team = factory.team("Access team")
    other_team = factory.team("Other team")
    w = SimpleNamespace(team=team, other_team=other_team)
    w.staff = factory.staff(team=team, name="Sam Staff")
    w.supervisor = factory.supervisor(team, name="Sue Supervisor")
    w.trainer = factory.trainer(name="Tia Trainer")
    w.admin = factory.admin(name="Ada Admin")
    w.other_staff = factory.staff(team=other_team, name="Olga Other")
    w.personas = {"staff": w.staff, "supervisor": w.supervisor, "trainer": w.trainer, "admin": w.admin}
    for extend in WORLD_EXTENSIONS:
        extend(w, factory)
    return w


# Areas append functions (world, factory) -> None that add their objects.
WORLD_EXTENSIONS: list = []

__all__ = ["Role", "WORLD_EXTENSIONS"]
from tests.web import world_authoring  # noqa: E402,F401  (curricula for the access matrix)
from tests.web import world_training  # noqa: E402,F401  (a course, attempts and a certificate)
from tests.web import world_audits  # noqa: E402,F401  (a standard, audits, a dispute, a calibration session)
from tests.web import world_improve  # noqa: E402,F401  (a corrective action)
from tests.web import world_interactions  # noqa: E402,F401  (an imported interaction with a transcript)

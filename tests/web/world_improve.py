"""Improvement objects for the access matrix: a corrective action for w.team owned by w.supervisor."""
from __future__ import annotations

from datetime import timedelta

from bro import clock
from bro.improve.operations import open_action
from tests.web.conftest import WORLD_EXTENSIONS


def add_improvement(w, factory) -> None:
    version = getattr(w, "audit_version", None) or factory.audit_standard(key="world-improve-standard")
    w.corrective_action = open_action(
        created_by=w.supervisor, owner=w.supervisor, problem="Needs are not asked.", root_cause=None,
        action="Coach the team.", due_date=clock.today() + timedelta(days=14), standard_id=version.standard_id,
        step_key=version.steps[0].key, team_id=w.team.id)


WORLD_EXTENSIONS.append(add_improvement)

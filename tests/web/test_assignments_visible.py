"""Assignments are visible and linked: matrix cells, the retraining card, the audit page."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from sqlalchemy import select

from bro import clock
from bro.extensions import db
from bro.models.curricula import Course
from bro.models.training import Assignment
from bro.training.operations import assign_course, assign_retraining, start_attempt, submit_attempt
from tests.web.world_training import correct_responses, import_training_course, module_of


def cells(page: str, name: str) -> list[str]:
    row = re.search(rf"{name}</th>(.*?)</tr>", page, re.S).group(1)
    return re.findall(r'class="status status-(\w+)"', row)


def test_matrix_shows_assigned_and_retraining_with_the_due_date(client, login, factory, monkeypatch):
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2026, 5, 10, 12, 0))
    course = import_training_course()
    team = factory.team("Counter")
    new = factory.staff(team=team, name="Nia New")
    twice = factory.staff(team=team, name="Tom Twice")
    assign_course(new, course, date(2026, 5, 20), None)
    for key in ("basics", "needs"):
        module = module_of(course, key)
        submit_attempt(start_attempt(twice, module), correct_responses(module))
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2026, 5, 11, 12, 0))
    for key in ("basics", "needs"):
        assign_retraining(twice, module_of(course, key), audit_id=None, step_key=None)
    login(factory.supervisor(team))
    page = client.get(f"/learning/teams?team={team.id}&course={course.id}").get_data(as_text=True)
    assert cells(page, "Nia New") == ["assigned", "assigned", "not_started"]  # the optional module is not needed
    assert cells(page, "Tom Twice") == ["retraining", "retraining", "not_started"]  # passed before: not "passed"
    nia = re.search(r"Nia New</th>(.*?)</tr>", page, re.S).group(1)
    assert nia.count("due 5/20/26") == 2
    assert "due 5/25/26" in re.search(r"Tom Twice</th>(.*?)</tr>", page, re.S).group(1)


def test_audit_page_shows_its_number_and_the_retraining_it_triggered(client, login, factory):
    team = factory.team()
    staff, supervisor = factory.staff(team=team, name="Ann Audited"), factory.supervisor(team)
    version = factory.standard_version()
    audit = factory.audit(staff, supervisor, version, ratings={"greet": "not_met", "needs": "met", "confirm": "met"})
    login(staff)
    page = client.get(f"/audits/{audit.id}").get_data(as_text=True)
    assert f"Audit #{audit.id} of Ann Audited" in page
    assert "Retraining it triggered" in page and "Open, due" in page
    learning = client.get("/learning/").get_data(as_text=True)
    assert f'<a href="/audits/{audit.id}">audit #{audit.id}</a>' in learning
    assert f"#{audit.id}" in client.get("/audits/").get_data(as_text=True)

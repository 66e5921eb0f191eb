"""Corrective actions: opened from a signal, a Pareto bar or by hand; plan → do → check → act → closed with an
append-only history; the check stage compares the target step before vs after; overdue on the owner's home."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from bro import clock
from bro.extensions import db
from bro.improve.operations import ActionRefused, action_effect, advance_action, open_action
from bro.models.improvement import CorrectiveAction, CorrectiveActionEvent
from tests.web.forms import action_form

NOW = datetime(2026, 11, 26, 9, 0)


@pytest.fixture
def now(monkeypatch):
    moment = {"value": NOW}
    monkeypatch.setattr(clock, "utcnow", lambda: moment["value"])
    monkeypatch.setattr(clock, "today", lambda: moment["value"].date())
    return moment


@pytest.fixture
def setup(factory, now):
    from types import SimpleNamespace

    team, other = factory.team("Alpha"), factory.team("Beta")
    sup, other_sup = factory.supervisor(team, name="Sue"), factory.supervisor(other, name="Oscar")
    person = factory.staff(team=team)
    version = factory.audit_standard(key="actions-standard")
    return SimpleNamespace(team=team, other=other, sup=sup, other_sup=other_sup, staff=person, version=version)


def test_new_action_form_is_prefilled_from_a_signal_link(client, login, setup):
    login(setup.sup)
    page = client.get(f"/quality/actions/new?source=signal&standard={setup.version.standard_id}&step=needs"
                      f"&team={setup.team.id}&detail=2|2026-W45|2026-W48").get_data(as_text=True)
    assert f'selected value="{setup.version.standard_id}:needs"' in page
    assert "Opened from a control-chart signal" in page
    assert 'value="2|2026-W45|2026-W48"' in page


def test_opening_an_action_records_it_and_its_first_history_entry(client, login, setup):
    login(setup.sup)
    response = client.post("/quality/actions/new", data=action_form(setup))
    assert response.status_code == 302
    action = db.session.execute(select(CorrectiveAction)).scalar_one()
    assert (action.status, action.source, action.step_key, action.team_id) == ("plan", "signal", "needs", setup.team.id)
    assert [(e.from_status, e.to_status) for e in action.events] == [(None, "plan")]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Rule 2" in page and "2026-W45" in page


@pytest.mark.parametrize("changes", [{"problem": ""}, {"action": ""}, {"due_date": "2020-01-01"},
                                     {"due_date": "soon"}, {"target": "999:nope"}])
def test_a_bad_action_form_is_shown_again_with_messages(client, login, setup, changes):
    login(setup.sup)
    response = client.post("/quality/actions/new", data=action_form(setup, **changes))
    assert response.status_code == 400
    assert db.session.execute(select(CorrectiveAction)).first() is None


def test_supervisor_cannot_open_an_action_for_another_team(client, login, setup):
    login(setup.sup)
    response = client.post("/quality/actions/new", data=action_form(setup, team_id=setup.other.id))
    assert response.status_code == 400
    assert db.session.execute(select(CorrectiveAction)).first() is None


def _open(s, **kw):
    values = dict(created_by=s.sup, owner=s.sup, problem="Needs skipped", root_cause=None, action="Coach",
                  due_date=date(2026, 12, 20), standard_id=s.version.standard_id, step_key="needs", team_id=s.team.id)
    values.update(kw)
    return open_action(**values)


def test_action_moves_through_every_stage_in_order_and_keeps_its_history(client, login, setup, now):
    action = _open(setup)
    login(setup.sup)
    for expected in ("do", "check", "act", "closed"):
        now["value"] += timedelta(days=1)
        response = client.post(f"/quality/actions/{action.id}/advance",
                               data={"expected_status": action.status, "note": f"to {expected}"})
        assert response.status_code == 302
        db.session.refresh(action)
        assert action.status == expected
    assert action.started_at == NOW + timedelta(days=1)
    assert action.closed_at == NOW + timedelta(days=4)
    events = db.session.execute(select(CorrectiveActionEvent).where(CorrectiveActionEvent.action_id == action.id)
                                .order_by(CorrectiveActionEvent.id)).scalars().all()
    assert [(e.from_status, e.to_status, e.note) for e in events] == [
        (None, "plan", None), ("plan", "do", "to do"), ("do", "check", "to check"), ("check", "act", "to act"),
        ("act", "closed", "to closed")]
    with pytest.raises(ActionRefused):
        advance_action(action, by=setup.sup)


def test_a_stale_advance_does_not_skip_a_stage(client, login, setup):
    action = _open(setup)
    login(setup.sup)
    client.post(f"/quality/actions/{action.id}/advance", data={"expected_status": "plan"})
    client.post(f"/quality/actions/{action.id}/advance", data={"expected_status": "plan"})  # double submit
    db.session.refresh(action)
    assert action.status == "do"


def test_supervisor_of_another_team_cannot_see_or_move_the_action(client, login, setup):
    action = _open(setup)
    login(setup.other_sup)
    assert client.get(f"/quality/actions/{action.id}").status_code == 404
    assert client.post(f"/quality/actions/{action.id}/advance", data={"expected_status": "plan"}).status_code == 404
    assert "Needs skipped" not in client.get("/quality/actions").get_data(as_text=True)


def test_check_stage_compares_the_step_before_and_after_the_action_started(client, login, factory, setup, now):
    # Four weeks before: 6 of 8 audits miss `needs`; after the start: 1 of 8.
    start = NOW.date()
    for day in range(8):
        factory.audit(setup.staff, setup.sup, setup.version, interacted_on=start - timedelta(days=20 - day),
                      ratings={"greet": "met", "needs": "not_met" if day < 6 else "met", "close": "met"})
    action = _open(setup)
    advance_action(action, by=setup.sup)  # to "do" today
    now["value"] = NOW + timedelta(days=10)
    for day in range(8):
        factory.audit(setup.staff, setup.sup, setup.version, interacted_on=start + timedelta(days=day),
                      ratings={"greet": "met", "needs": "not_met" if day == 0 else "met", "close": "met"})
    # Another team's audits of the step are not part of this team's action.
    other_staff = factory.staff(team=setup.other)
    factory.audit(other_staff, setup.other_sup, setup.version, interacted_on=start,
                  ratings={"greet": "met", "needs": "not_met", "close": "met"})
    effect = action_effect(action)
    result = effect.result
    assert (result.before_n, result.before_nc, result.after_n, result.after_nc) == (8, 6, 8, 1)
    assert result.p_value == pytest.approx(0.04, abs=0.002)  # Fisher's exact, two-sided: 0.0406
    assert effect.pivot == start
    login(setup.sup)
    page = client.get(f"/quality/actions/{action.id}").get_data(as_text=True)
    assert "Check: before and after" in page and "75.0%" in page and "12.5%" in page


def test_owner_home_highlights_overdue_actions(client, login, setup, now):
    _open(setup, problem="Late action", due_date=date(2026, 11, 30))
    now["value"] = datetime(2026, 12, 5, 9, 0)
    login(setup.sup)
    page = client.get("/").get_data(as_text=True)
    assert "My corrective actions" in page and "Late action" in page
    assert "1 action is overdue." in page


def test_closed_actions_leave_the_home_page(client, login, setup):
    action = _open(setup)
    for _ in range(4):
        advance_action(action, by=setup.sup)
    login(setup.sup)
    assert "My corrective actions" not in client.get("/").get_data(as_text=True)


def test_actions_list_shows_open_by_default_and_all_on_request(client, login, setup):
    closed = _open(setup, problem="Finished action")
    for _ in range(4):
        advance_action(closed, by=setup.sup)
    _open(setup, problem="Running action")
    login(setup.sup)
    assert "Finished action" not in client.get("/quality/actions").get_data(as_text=True)
    page = client.get("/quality/actions?show=all").get_data(as_text=True)
    assert "Finished action" in page and "Running action" in page

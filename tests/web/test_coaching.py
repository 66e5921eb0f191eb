"""Coaching sessions: an agenda from the person's missed steps, notes and actions, acknowledgement, follow-up."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bro import clock
from bro.coaching import operations as ops
from bro.extensions import db
from bro.models.coaching import CoachingSession

STEPS = (("greet", 1, False), ("needs", 2, True), ("close", 1, False))


@pytest.fixture
def coaching_world(factory):
    team = factory.team("Front desk")
    staff, colleague = factory.staff(team=team, name="Dewi"), factory.staff(team=team, name="Eko")
    supervisor = factory.supervisor(team, name="Sue")
    version = factory.audit_standard(STEPS, pass_score=80)
    today = clock.today()
    misses = [factory.audit(staff, supervisor, version, interacted_on=today - timedelta(days=days),
                            ratings={"greet": "met", "needs": "not_met", "close": "partial"}) for days in (3, 10)]
    factory.audit(staff, supervisor, version, interacted_on=today - timedelta(days=5),
                  ratings={"greet": "met", "needs": "met", "close": "partial"})
    factory.audit(staff, supervisor, version, interacted_on=today - timedelta(days=120),
                  ratings={"greet": "not_met", "needs": "met", "close": "met"})  # older than 90 days
    return staff, colleague, supervisor, version, misses


def test_the_agenda_lists_the_most_missed_steps_of_the_last_90_days_with_their_audits(coaching_world):
    staff, _colleague, _supervisor, _version, misses = coaching_world
    agenda = ops.build_agenda(staff, clock.today())
    assert [(s["step_key"], s["misses"], s["rated"]) for s in agenda["steps"]] == [("close", 3, 3), ("needs", 2, 3)]
    assert set(agenda["steps"][1]["audit_ids"]) == {audit.id for audit in misses}


def test_a_session_is_planned_recorded_acknowledged_and_followed_up(client, login, coaching_world, factory):
    staff, _colleague, supervisor, version, _misses = coaching_world
    login(supervisor)
    page = client.get(f"/coaching/new?staff={staff.id}").get_data(as_text=True)
    assert "missed in 3 of 3 audits" in page
    when = (clock.utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post("/coaching/new", data={"staff": staff.id, "scheduled_for": when})
    assert response.status_code == 302
    session = db.session.query(CoachingSession).one()
    due = (clock.today() + timedelta(days=14)).isoformat()
    response = client.post(f"/coaching/{session.id}/record", data={
        "notes": "We practised asking open questions.", "actions-0-text": "Ask two open questions per call",
        "actions-0-due_on": due})
    assert response.status_code == 302
    client.post("/logout")
    login(staff)
    assert "Coaching sessions" in client.get("/").get_data(as_text=True)  # on the staff member's home page
    assert client.post(f"/coaching/{session.id}/acknowledge", data={"comment": "Thanks"}).status_code == 302
    db.session.refresh(session)
    assert session.acknowledged_at is not None and session.staff_comment == "Thanks"
    assert [a.text for a in session.actions] == ["Ask two open questions per call"]
    later = factory.audit(staff, supervisor, version, interacted_on=clock.today(),
                          ratings={"greet": "met", "needs": "met", "close": "met"})
    page = client.get(f"/coaching/{session.id}").get_data(as_text=True)
    assert f"Audit #{later.id}" in page


def test_an_acknowledged_session_cannot_be_rewritten(coaching_world):
    staff, _colleague, supervisor, _version, _misses = coaching_world
    session = ops.plan_session(staff, by=supervisor, scheduled_for=clock.utcnow())
    ops.record_session(session, by=supervisor, notes="Talked.", actions=[])
    ops.acknowledge_session(session, by=staff, comment=None)
    with pytest.raises(ops.CoachingRefused):
        ops.record_session(session, by=supervisor, notes="Something else.", actions=[])


def test_an_action_without_a_due_date_is_a_form_error(client, login, coaching_world):
    staff, _colleague, supervisor, _version, _misses = coaching_world
    session = ops.plan_session(staff, by=supervisor, scheduled_for=clock.utcnow())
    login(supervisor)
    response = client.post(f"/coaching/{session.id}/record", data={"notes": "x", "actions-0-text": "Do it"})
    assert response.status_code == 400 and "Give the action a due date" in response.get_data(as_text=True)
    assert session.held_at is None


def test_other_staff_and_other_teams_supervisors_cannot_see_a_session(client, login, coaching_world, factory):
    staff, colleague, supervisor, _version, _misses = coaching_world
    session = ops.plan_session(staff, by=supervisor, scheduled_for=clock.utcnow())
    login(colleague)
    assert client.get(f"/coaching/{session.id}").status_code == 404
    client.post("/logout")
    login(factory.supervisor(factory.team("Elsewhere")))
    assert client.get(f"/coaching/{session.id}").status_code == 404
    assert client.post("/coaching/new", data={"staff": staff.id, "scheduled_for": "2026-12-10T10:00"}
                       ).status_code == 400
    assert db.session.query(CoachingSession).count() == 1

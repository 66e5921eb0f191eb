"""Disputes per step: the staff member disputes single steps with their own reasons; the resolver decides each."""
from __future__ import annotations

import pytest

from bro.audits.operations import AuditRefused, dispute_audit, resolve_dispute
from bro.extensions import db

STEPS = (("greet", 1, False), ("needs", 2, True), ("close", 1, False))
RATED = {"greet": "partial", "needs": "met", "close": "not_met"}


@pytest.fixture
def setup(factory):
    team = factory.team()
    staff, auditor, second = factory.staff(team=team), factory.supervisor(team), factory.supervisor(team)
    version = factory.audit_standard(STEPS, pass_score=80)
    return staff, auditor, second, factory.audit(staff, auditor, version, ratings=RATED)


def test_staff_dispute_one_step_and_get_it_upheld(client, login, setup):
    staff, _auditor, second, audit = setup
    login(staff)
    response = client.post(f"/audits/{audit.id}/dispute", data={
        "reason": "The greeting was there.", "dispute-step": ["greet"],
        "step-reason-greet": "I greeted at once; listen to 0:02."})
    assert response.status_code == 302
    dispute = audit.open_dispute
    assert [(s.step_key, s.reason, s.rating_before) for s in dispute.steps] == [
        ("greet", "I greeted at once; listen to 0:02.", "partial")]
    client.post("/logout")
    login(second)
    page = client.get(f"/audits/{audit.id}/resolve").get_data(as_text=True)
    assert "I greeted at once; listen to 0:02." in page
    response = client.post(f"/audits/{audit.id}/resolve", data={
        "decision": "upheld", "reason": "The recording confirms the greeting.",
        "rating-greet": "met", "rating-needs": "met", "rating-close": "not_met"})
    assert response.status_code == 302
    db.session.refresh(audit)
    assert audit.current_revision.ratings_by_step["greet"].rating == "met"
    assert audit.current_revision.ratings_by_step["close"].rating == "not_met"  # not disputed: unchanged
    assert [(s.decision, s.rating_after) for s in dispute.steps] == [("upheld", "met")]
    assert "Upheld: Partial → Met" in client.get(f"/audits/{audit.id}").get_data(as_text=True)


def test_the_resolver_upholds_one_disputed_step_and_rejects_another(setup):
    staff, _auditor, second, audit = setup
    dispute = dispute_audit(audit, staff, "Two steps are wrong.", steps={"greet": "I greeted.", "close": "I closed."})
    resolve_dispute(dispute, by=second, upheld=True, reason="Greeting yes, closing no.",
                    ratings={"greet": "met", "needs": "met", "close": "not_met"})
    decisions = {s.step_key: s.decision for s in dispute.steps}
    assert decisions == {"greet": "upheld", "close": "rejected"}
    assert dispute.resolution == "upheld"
    assert audit.current_revision.ratings_by_step["close"].rating == "not_met"


def test_steps_not_disputed_cannot_change_when_resolving(setup):
    staff, _auditor, second, audit = setup
    dispute = dispute_audit(audit, staff, "Greeting.", steps={"greet": None})
    with pytest.raises(AuditRefused, match="Only the disputed steps change"):
        resolve_dispute(dispute, by=second, upheld=True, reason="x",
                        ratings={"greet": "met", "needs": "not_met", "close": "not_met"})


def test_upholding_without_changing_a_disputed_step_is_refused(setup):
    staff, _auditor, second, audit = setup
    dispute = dispute_audit(audit, staff, "Greeting.", steps={"greet": None})
    with pytest.raises(AuditRefused, match="change the rating of at least one disputed step"):
        resolve_dispute(dispute, by=second, upheld=True, reason="x", ratings=dict(RATED))


def test_a_whole_audit_dispute_disputes_every_rated_step(setup):
    staff, _auditor, second, audit = setup
    dispute = dispute_audit(audit, staff, "All of it is wrong.")
    assert [s.step_key for s in dispute.steps] == ["greet", "needs", "close"]
    resolve_dispute(dispute, by=second, upheld=False, reason="The audit stands.")
    assert {s.decision for s in dispute.steps} == {"rejected"}


def test_a_step_the_standard_does_not_have_is_refused(setup):
    staff, *_rest, audit = setup
    with pytest.raises(AuditRefused, match="no step smile"):
        dispute_audit(audit, staff, "x", steps={"smile": "?"})

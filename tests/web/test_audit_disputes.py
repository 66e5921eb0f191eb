"""Acknowledgement, disputes, corrections and revisions: history is kept, never rewritten."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from bro import clock
from bro.audits.operations import (
    AuditRefused, NotAllowed, correct_audit, dispute_audit, resolve_dispute,
)
from bro.extensions import db
from bro.models.audits import (
    Audit, AuditRating, AuditRevision, AuditStepResult, AuditStepWeek, AuditWeek, Dispute,
)
from bro.scoring import display_score

STEPS = (("greet", 1, False), ("needs", 2, True), ("close", 1, False))
FAILING = {"greet": "met", "needs": "not_met", "close": "partial"}


@pytest.fixture
def setup(factory):
    team = factory.team()
    staff = factory.staff(team=team)
    auditor = factory.supervisor(team)
    second = factory.supervisor(team)
    version = factory.audit_standard(STEPS, pass_score=80)
    audit = factory.audit(staff, auditor, version, ratings=FAILING)
    return staff, auditor, second, version, audit


def test_staff_member_acknowledges_their_audit(client, login, setup):
    staff, *_rest, audit = setup
    login(staff)
    assert b"Acknowledge" in client.get(f"/audits/{audit.id}").data
    assert client.post(f"/audits/{audit.id}/acknowledge").status_code == 302
    db.session.refresh(audit)
    assert audit.status == "acknowledged" and audit.acknowledged_at is not None


def test_dispute_upheld_by_a_second_supervisor_creates_a_revision_and_keeps_the_old_one(client, login, setup):
    staff, auditor, second, version, audit = setup
    login(staff)
    assert client.post(f"/audits/{audit.id}/dispute", data={"reason": ""}).status_code == 400
    assert client.post(f"/audits/{audit.id}/dispute", data={"reason": "I asked about needs."}).status_code == 302
    client.post("/logout")

    login(auditor)  # the auditor does not judge their own audit when the team has another supervisor
    assert client.get(f"/audits/{audit.id}/resolve").status_code == 403
    client.post("/logout")

    login(second)
    page = client.get(f"/audits/{audit.id}/resolve")
    assert page.status_code == 200 and b"I asked about needs." in page.data
    response = client.post(f"/audits/{audit.id}/resolve", data={
        "decision": "upheld", "reason": "The recording shows the needs question.",
        "rating-greet": "met", "rating-needs": "met", "rating-close": "partial"})
    assert response.status_code == 302

    db.session.expire_all()
    audit = db.session.get(Audit, audit.id)
    assert (audit.revision_number, audit.status, display_score(audit.score), audit.passed) == \
        (2, "dispute_upheld", "87.5", True)
    first, second_revision = audit.revisions
    assert (first.number, first.kind, display_score(first.score), first.passed) == (1, "original", "37.5", False)
    assert {r.step_key: r.rating for r in first.ratings} == FAILING  # the evidence is intact
    assert second_revision.kind == "dispute_upheld" and second_revision.created_by_id == second.id
    assert second_revision.reason == "The recording shows the needs question."
    dispute = db.session.execute(select(Dispute).where(Dispute.audit_id == audit.id)).scalar_one()
    assert (dispute.resolution, dispute.resolved_by_id, dispute.revision_id) == ("upheld", second.id,
                                                                                 second_revision.id)
    # derived rows follow the current revision
    results = {r.step_key: r for r in db.session.execute(
        select(AuditStepResult).where(AuditStepResult.audit_id == audit.id)).scalars()}
    assert not results["needs"].nonconforming and results["close"].nonconforming
    needs_week = db.session.execute(select(AuditStepWeek).where(
        AuditStepWeek.team_id == audit.team_id, AuditStepWeek.step_key == "needs")).scalar_one()
    assert (needs_week.rated, needs_week.nonconforming) == (1, 0)
    week = db.session.execute(select(AuditWeek).where(AuditWeek.team_id == audit.team_id)).scalar_one()
    assert (week.audits, week.failed, week.score_sum) == (1, 0, Decimal("87.500"))

    page = client.get(f"/audits/{audit.id}").get_data(as_text=True)
    assert "Revision 1" in page and "Revision 2" in page and "The recording shows the needs question." in page


def test_rejected_dispute_keeps_the_ratings(setup):
    staff, _auditor, second, _version, audit = setup
    dispute = dispute_audit(audit, staff, "Unfair.")
    with pytest.raises(AuditRefused):
        resolve_dispute(dispute, by=second, upheld=False, reason="  ")
    resolve_dispute(dispute, by=second, upheld=False, reason="The standard is clear.")
    assert (audit.status, audit.revision_number, dispute.resolution) == ("dispute_rejected", 1, "rejected")
    with pytest.raises(AuditRefused):
        dispute_audit(audit, staff, "Again.")


def test_auditor_resolves_when_the_team_has_no_other_supervisor(factory):
    team = factory.team()
    staff, auditor = factory.staff(team=team), factory.supervisor(team)
    audit = factory.audit(staff, auditor, factory.audit_standard(STEPS), ratings=FAILING)
    dispute = dispute_audit(audit, staff, "Please check.")
    resolve_dispute(dispute, by=auditor, upheld=False, reason="Checked; it stands.")
    assert dispute.resolution == "rejected"


def test_only_the_audited_staff_member_disputes_within_the_window(app, factory, setup, monkeypatch):
    staff, auditor, _second, _version, audit = setup
    colleague = factory.staff(team=staff.team)
    with pytest.raises(NotAllowed):
        dispute_audit(audit, colleague, "Not mine but still.")
    window = app.config["BRO_DISPUTE_WINDOW_DAYS"]
    assert window == 14
    late = audit.created_at + timedelta(days=window, minutes=1)
    monkeypatch.setattr(clock, "utcnow", lambda: late)
    with pytest.raises(AuditRefused, match="window closed"):
        dispute_audit(audit, staff, "Too late.")


def test_dispute_window_is_configurable(app, setup, monkeypatch):
    staff, _auditor, _second, _version, audit = setup
    monkeypatch.setitem(app.config, "BRO_DISPUTE_WINDOW_DAYS", 30)
    monkeypatch.setattr(clock, "utcnow", lambda: audit.created_at + timedelta(days=20))
    assert dispute_audit(audit, staff, "Within thirty days.").audit_id == audit.id


def test_auditor_correction_is_a_new_revision_with_reason(client, login, setup):
    _staff, auditor, second, _version, audit = setup
    login(second)  # not the auditor
    assert client.get(f"/audits/{audit.id}/correct").status_code == 403
    client.post("/logout")
    login(auditor)
    ratings = {"rating-greet": "met", "rating-needs": "not_met", "rating-close": "met"}
    assert client.post(f"/audits/{audit.id}/correct", data={**ratings, "reason": ""}).status_code == 400
    assert client.post(f"/audits/{audit.id}/correct", data={**ratings, "reason": "Close was fine."}).status_code == 302
    db.session.expire_all()
    audit = db.session.get(Audit, audit.id)
    assert audit.revision_number == 2 and audit.revisions[1].kind == "correction"
    assert {r.step_key: r.rating for r in audit.revisions[0].ratings} == FAILING


def test_revisions_are_never_updated_in_place(setup):
    _staff, auditor, _second, _version, audit = setup
    before = [(r.revision_id, r.step_key, r.rating, r.note) for r in db.session.execute(
        select(AuditRating)).scalars()]
    correct_audit(audit, by=auditor, ratings={"greet": "met", "needs": "met", "close": "met"}, reason="Re-listened.")
    correct_audit(audit, by=auditor, ratings={"greet": "partial", "needs": "met", "close": "met"}, reason="Again.")
    after = {(r.revision_id, r.step_key, r.rating, r.note) for r in db.session.execute(
        select(AuditRating)).scalars()}
    assert set(before) <= after
    assert len(db.session.execute(select(AuditRevision).where(AuditRevision.audit_id == audit.id)).all()) == 3
    with pytest.raises(AuditRefused, match="Nothing changed"):
        correct_audit(audit, by=auditor, ratings={"greet": "partial", "needs": "met", "close": "met"},
                      reason="Same again.")

"""The audit lifecycle (README "Audit lifecycle"): recorded → corrected by the auditor within a short window →
acknowledged (final) or disputed → resolved by another supervisor; afterwards only an admin's reopen, with a
reason, changes it. Every change is an event naming who, when and why; the status follows the latest event."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bro import clock
from bro.audits.operations import (
    AuditRefused, ConcurrentChange, NotAllowed, acknowledge_audit, correct_audit, dispute_audit, reopen_audit,
    resolve_dispute,
)
from bro.extensions import db
from bro.models.audits import STATUS_AFTER, Audit, AuditEvent, AuditRevision, Dispute
from bro.scoring import display_score

STEPS = (("greet", 1, False), ("needs", 2, True), ("close", 1, False))
FAILING = {"greet": "met", "needs": "not_met", "close": "partial"}
BETTER = {"greet": "met", "needs": "met", "close": "partial"}
ALL_NOT_MET = {"greet": "not_met", "needs": "not_met", "close": "not_met"}


def _form(ratings: dict, **extra) -> dict:
    return {**{f"rating-{key}": value for key, value in ratings.items()}, **extra}


@pytest.fixture
def people(factory):
    team = factory.team()
    staff = factory.staff(team=team)
    auditor = factory.supervisor(team)
    second = factory.supervisor(team)
    admin = factory.admin()
    version = factory.audit_standard(STEPS, pass_score=80)
    return staff, auditor, second, admin, version


@pytest.fixture
def audit(factory, people):
    staff, auditor, _second, _admin, version = people
    return factory.audit(staff, auditor, version, ratings=FAILING)


def _move_clock(monkeypatch, moment):
    monkeypatch.setattr(clock, "utcnow", lambda: moment)


def _revisions(audit_id: int) -> int:
    return db.session.execute(select(func.count(AuditRevision.id))
                              .where(AuditRevision.audit_id == audit_id)).scalar_one()


def _fresh(audit_id: int) -> Audit:
    db.session.expire_all()
    return db.session.get(Audit, audit_id)


def _status_follows_latest_event(audit: Audit) -> None:
    events = db.session.execute(select(AuditEvent).where(AuditEvent.audit_id == audit.id)
                                .order_by(AuditEvent.number)).scalars().all()
    assert [e.number for e in events] == list(range(1, len(events) + 1))
    assert audit.status == STATUS_AFTER[events[-1].kind]


# The auditor cannot overturn a decision or rewrite an answered audit ----------------------------------------------


def test_auditor_cannot_overturn_an_upheld_dispute_with_a_correction(client, login, people, audit):
    staff, auditor, second, _admin, _version = people
    resolve_dispute(dispute_audit(audit, staff, "I asked about needs."), by=second, upheld=True,
                    ratings=BETTER, reason="The recording shows the needs question.")
    assert (display_score(audit.score), audit.passed, audit.status) == ("87.5", True, "dispute_upheld")
    db.session.commit()
    login(auditor)
    response = client.post(f"/audits/{audit.id}/correct", data=_form(FAILING, reason="I still think it failed."))
    assert response.status_code == 302 and "/correct" not in response.headers["Location"]
    audit = _fresh(audit.id)
    assert (_revisions(audit.id), display_score(audit.score), audit.passed, audit.status) == \
        (2, "87.5", True, "dispute_upheld")
    assert client.get(f"/audits/{audit.id}/correct").status_code == 302  # no form either
    assert "only an admin can reopen it" in client.get(f"/audits/{audit.id}").get_data(as_text=True)


def test_an_acknowledged_audit_cannot_be_corrected_even_long_after(monkeypatch, people, audit):
    staff, auditor, _second, _admin, _version = people
    acknowledge_audit(audit, staff)
    _move_clock(monkeypatch, audit.created_at + timedelta(weeks=12))
    with pytest.raises(AuditRefused, match="final"):
        correct_audit(audit, by=auditor, ratings=ALL_NOT_MET, reason="Re-listened.")
    assert (audit.revision_number, audit.status) == (1, "acknowledged")


def test_no_correction_while_a_dispute_is_open(people, audit):
    staff, auditor, _second, admin, _version = people
    dispute_audit(audit, staff, "Unfair.")
    for corrector in (auditor, admin):
        with pytest.raises(AuditRefused, match="disputes this audit"):
            correct_audit(audit, by=corrector, ratings=BETTER, reason="Let me fix it first.")
    assert (audit.revision_number, audit.status) == (1, "disputed")


def test_staff_may_not_dispute_after_acknowledging(client, login, people, audit):
    staff, *_rest = people
    acknowledge_audit(audit, staff)
    with pytest.raises(AuditRefused, match="final"):
        dispute_audit(audit, staff, "Changed my mind.")
    db.session.commit()
    login(staff)
    assert client.get(f"/audits/{audit.id}/dispute").status_code == 302
    assert client.post(f"/audits/{audit.id}/dispute", data={"reason": "Changed my mind."}).status_code == 302
    assert _fresh(audit.id).status == "acknowledged"
    assert db.session.execute(select(func.count(Dispute.id)).where(Dispute.audit_id == audit.id)).scalar_one() == 0


def test_nobody_but_the_auditor_or_an_admin_corrects(people, audit):
    staff, _auditor, second, _admin, _version = people
    for someone in (staff, second):
        with pytest.raises(NotAllowed):
            correct_audit(audit, by=someone, ratings=BETTER, reason="Mine now.")


# The windows --------------------------------------------------------------------------------------------------------


def test_correction_window_counts_from_the_recording_not_the_last_correction(app, monkeypatch, people, audit):
    _staff, auditor, *_rest = people
    hours = app.config["BRO_CORRECTION_WINDOW_HOURS"]
    assert hours == 24
    _move_clock(monkeypatch, audit.created_at + timedelta(hours=hours - 1))
    correct_audit(audit, by=auditor, ratings=BETTER, reason="Wrong step rated.")
    _move_clock(monkeypatch, audit.created_at + timedelta(hours=hours, minutes=1))
    with pytest.raises(AuditRefused, match="correction window closed"):
        correct_audit(audit, by=auditor, ratings=FAILING, reason="Back again.")
    assert audit.revision_number == 2


def test_correction_window_is_configurable(app, monkeypatch, people, audit):
    _staff, auditor, *_rest = people
    monkeypatch.setitem(app.config, "BRO_CORRECTION_WINDOW_HOURS", 72)
    _move_clock(monkeypatch, audit.created_at + timedelta(hours=70))
    assert correct_audit(audit, by=auditor, ratings=BETTER, reason="Checked the recording.").number == 2


def test_a_late_correction_restarts_the_staff_members_dispute_window(app, monkeypatch, people, audit):
    staff, auditor, *_rest = people
    corrected_at = audit.created_at + timedelta(hours=23)
    _move_clock(monkeypatch, corrected_at)
    correct_audit(audit, by=auditor, ratings=ALL_NOT_MET, reason="Stricter on reflection.")
    days = app.config["BRO_DISPUTE_WINDOW_DAYS"]
    # Past the window counted from the recording, within the one counted from the correction.
    _move_clock(monkeypatch, audit.created_at + timedelta(days=days, hours=12))
    assert dispute_audit(audit, staff, "The correction made it worse.").audit_id == audit.id
    assert audit.status == "disputed"


def test_a_correction_puts_the_audit_back_to_awaiting_the_staff_members_answer(people, audit):
    staff, auditor, *_rest = people
    correct_audit(audit, by=auditor, ratings=BETTER, reason="Wrong step rated.")
    assert audit.status == "recorded"
    acknowledge_audit(audit, staff)
    assert audit.status == "acknowledged"
    _status_follows_latest_event(audit)


# Reopen -------------------------------------------------------------------------------------------------------------


def test_admin_reopens_an_upheld_audit_and_the_status_follows_the_correction(client, login, people, audit):
    staff, auditor, second, admin, _version = people
    resolve_dispute(dispute_audit(audit, staff, "I asked about needs."), by=second, upheld=True,
                    ratings=BETTER, reason="The recording shows the needs question.")
    db.session.commit()

    login(admin)
    form = client.get(f"/audits/{audit.id}/reopen")
    assert form.status_code == 200 and "Reopen audit" in form.get_data(as_text=True)
    assert client.post(f"/audits/{audit.id}/reopen", data={"reason": " "}).status_code == 400
    assert client.post(f"/audits/{audit.id}/reopen",
                       data={"reason": "The customer's complaint shows the close was missed."}).status_code == 302
    assert _fresh(audit.id).status == "reopened"
    client.post("/logout")

    login(auditor)
    assert client.post(f"/audits/{audit.id}/correct", data=_form(
        {"greet": "met", "needs": "met", "close": "not_met"}, reason="Close missed, per the complaint.")
    ).status_code == 302
    audit = _fresh(audit.id)
    assert (audit.revision_number, audit.status) == (3, "recorded")  # not "dispute upheld" any more
    _status_follows_latest_event(audit)
    assert [e.kind for e in audit.events] == ["recorded", "disputed", "dispute_upheld", "reopened", "corrected"]
    reopened = audit.events[3]
    assert (reopened.actor_id, reopened.reason) == (admin.id, "The customer's complaint shows the close was missed.")
    page = client.get(f"/audits/{audit.id}").get_data(as_text=True)
    assert "Reopened by an admin" in page and "The customer&#39;s complaint shows the close was missed." in page
    assert page.index("Reopened by an admin") < page.index("Close missed, per the complaint.")
    client.post("/logout")

    login(staff)  # the staff member answers the new revision
    assert client.post(f"/audits/{audit.id}/dispute", data={"reason": "Close was fine."}).status_code == 302
    assert _fresh(audit.id).status == "disputed"


def test_reopen_needs_an_admin_who_is_neither_auditor_nor_audited(client, login, factory, people, audit):
    staff, auditor, second, admin, version = people
    acknowledge_audit(audit, staff)
    with pytest.raises(NotAllowed):
        reopen_audit(audit, by=second, reason="I want to change it.")
    admin_auditor = factory.admin()
    admin_auditor.supervised_teams.append(staff.team)
    own = factory.audit(staff, admin_auditor, version, ratings=FAILING)
    acknowledge_audit(own, staff)
    with pytest.raises(AuditRefused, match="neither the auditor"):
        reopen_audit(own, by=admin_auditor, reason="My own audit.")
    db.session.commit()
    login(second)
    assert client.get(f"/audits/{audit.id}/reopen").status_code == 403
    assert client.post(f"/audits/{audit.id}/reopen", data={"reason": "Please."}).status_code == 403
    assert _fresh(audit.id).status == "acknowledged"


def test_no_reopen_while_a_dispute_is_open_or_the_auditor_can_still_correct(people, audit):
    staff, _auditor, _second, admin, _version = people
    with pytest.raises(AuditRefused, match="can still correct"):
        reopen_audit(audit, by=admin, reason="Too early.")
    dispute_audit(audit, staff, "Unfair.")
    with pytest.raises(AuditRefused, match="dispute is open"):
        reopen_audit(audit, by=admin, reason="Skip the dispute.")


def test_reopen_opens_a_new_correction_window_counted_from_the_reopening(app, monkeypatch, people, audit):
    staff, auditor, _second, admin, _version = people
    acknowledge_audit(audit, staff)
    reopened_at = audit.created_at + timedelta(weeks=12)
    _move_clock(monkeypatch, reopened_at)
    reopen_audit(audit, by=admin, reason="New evidence from the customer.")
    _move_clock(monkeypatch, reopened_at + timedelta(hours=app.config["BRO_CORRECTION_WINDOW_HOURS"] + 1))
    with pytest.raises(AuditRefused, match="correction window closed"):
        correct_audit(audit, by=auditor, ratings=ALL_NOT_MET, reason="Too late.")
    assert acknowledge_audit(audit, staff).status == "acknowledged"  # the staff member answers again


def test_every_change_is_an_event_naming_who_when_and_why(people, audit):
    staff, auditor, second, admin, _version = people
    start = audit.created_at
    correct_audit(audit, by=auditor, ratings=BETTER, reason="Wrong step.", at=start + timedelta(hours=1))
    dispute = dispute_audit(audit, staff, "Close was fine.", at=start + timedelta(days=1))
    resolve_dispute(dispute, by=second, upheld=False, reason="Close was missed.", at=start + timedelta(days=2))
    reopen_audit(audit, by=admin, reason="Appeal.", at=start + timedelta(days=3))
    acknowledge_audit(audit, staff, at=start + timedelta(days=4))
    rows = [(e.number, e.kind, e.actor_id, e.reason, e.revision_number) for e in audit.events]
    assert rows == [
        (1, "recorded", auditor.id, None, 1),
        (2, "corrected", auditor.id, "Wrong step.", 2),
        (3, "disputed", staff.id, "Close was fine.", 2),
        (4, "dispute_rejected", second.id, "Close was missed.", 2),
        (5, "reopened", admin.id, "Appeal.", 2),
        (6, "acknowledged", staff.id, None, 2),
    ]
    assert [e.at for e in audit.events] == sorted(e.at for e in audit.events)
    _status_follows_latest_event(audit)


# Double click --------------------------------------------------------------------------------------------------------


def test_a_racing_second_dispute_is_refused_cleanly(people, audit):
    staff, *_rest = people
    # The racing request's dispute is in the database; this request read the audit before it landed.
    db.session.add(Dispute(audit_id=audit.id, raised_by_id=staff.id, reason="first click"))
    db.session.flush()
    db.session.expire(audit, ["disputes"])
    with pytest.raises(ConcurrentChange):
        dispute_audit(audit, staff, "second click")
    assert db.session.execute(select(func.count(Dispute.id)).where(Dispute.audit_id == audit.id)).scalar_one() == 1


def test_a_second_click_on_dispute_answers_with_the_existing_dispute(client, login, people, audit):
    staff, *_rest = people
    db.session.commit()
    login(staff)
    assert client.post(f"/audits/{audit.id}/dispute", data={"reason": "Unfair."}).status_code == 302
    second = client.post(f"/audits/{audit.id}/dispute", data={"reason": "Unfair."}, follow_redirects=True)
    assert second.status_code == 200 and "Your dispute is recorded already" in second.get_data(as_text=True)
    assert db.session.execute(select(func.count(Dispute.id)).where(Dispute.audit_id == audit.id)).scalar_one() == 1


# The page -----------------------------------------------------------------------------------------------------------


def test_the_audit_page_shows_the_lifecycle_timeline(client, login, people, audit):
    staff, auditor, second, _admin, _version = people
    correct_audit(audit, by=auditor, ratings=BETTER, reason="Wrong step rated.")
    resolve_dispute(dispute_audit(audit, staff, "Needs were asked."), by=second, upheld=False,
                    reason="The standard is clear.")
    db.session.commit()
    login(staff)
    page = client.get(f"/audits/{audit.id}").get_data(as_text=True)
    kinds = [kind for kind in ("recorded", "corrected", "disputed", "dispute_rejected")
             if f'data-event="{kind}"' in page]
    assert kinds == ["recorded", "corrected", "disputed", "dispute_rejected"]
    positions = [page.index(f'data-event="{kind}"') for kind in kinds]
    assert positions == sorted(positions)
    for text in ("Wrong step rated.", "Needs were asked.", "The standard is clear.", "Revision 1", "Revision 2"):
        assert text in page
    assert 'href="/audits/%d/dispute"' % audit.id not in page  # resolved: final for the staff member


@pytest.mark.no_db
def test_simultaneous_dispute_clicks_record_one_dispute_and_no_error(committed_app):
    import threading

    from tests.conftest import PASSWORD
    from tests.factories import Factory

    clicks = 4
    with committed_app.app_context():
        factory = Factory()
        team = factory.team()
        staff, auditor = factory.staff(team=team), factory.supervisor(team)
        audit_id = factory.audit(staff, auditor, factory.audit_standard(STEPS), ratings=FAILING).id
        db.session.commit()
        email = staff.email
    clients = []
    for _ in range(clicks):
        client = committed_app.test_client()
        assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
        clients.append(client)
    barrier = threading.Barrier(clicks, timeout=30)
    statuses = [None] * clicks

    def click(index):
        barrier.wait()
        try:
            statuses[index] = clients[index].post(f"/audits/{audit_id}/dispute", data={"reason": "Unfair."}).status_code
        except Exception as error:  # noqa: BLE001 - TESTING propagates server errors; record them
            statuses[index] = repr(error)[:200]

    threads = [threading.Thread(target=click, args=(i,)) for i in range(clicks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * clicks
    with committed_app.app_context():
        disputes = db.session.execute(select(func.count(Dispute.id)).where(Dispute.audit_id == audit_id)).scalar_one()
        audit = db.session.get(Audit, audit_id)
        assert (disputes, audit.status, [e.kind for e in audit.events]) == (1, "disputed", ["recorded", "disputed"])

"""Twenty identical submissions of one form at the same moment make one record, and every answer points at it.

The attack run sent 20 parallel identical POST /audits/new and got 20 audits. Runs against its own
committed database (SQLite file, or CONCURRENCY_DATABASE_URL for PostgreSQL): the unique token decides.
"""
from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import func, select

from bro.extensions import db
from bro.models.audits import Audit, AuditWeek
from bro.models.improvement import CorrectiveAction
from tests.conftest import PASSWORD

pytestmark = pytest.mark.no_db

COPIES = 20


def _clients(app, email, count):
    clients = []
    for _ in range(count):
        client = app.test_client()
        assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
        clients.append(client)
    return clients


def _token(page: str) -> str:
    return re.search(r'name="submission_token" type="hidden" value="([^"]+)"', page).group(1)


def _send_at_once(clients, url, data):
    barrier = threading.Barrier(len(clients), timeout=60)
    answers: list = [None] * len(clients)

    def send(index):
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass
        try:
            response = clients[index].post(url, data=data)
            answers[index] = (response.status_code, response.headers.get("Location"))
        except Exception as error:  # noqa: BLE001 - TESTING propagates server errors; record them
            answers[index] = (repr(error)[:300], None)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_twenty_identical_audit_submissions_record_one_audit(committed_app):
    from tests.factories import Factory
    from tests.web.forms import MET, WEIGHTED, audit_form

    with committed_app.app_context():
        factory = Factory()
        team = factory.team()
        version = factory.audit_standard(WEIGHTED, key="double-submit")
        staff, supervisor = factory.staff(team=team), factory.supervisor(team)
        db.session.commit()
        form = audit_form(version, staff, MET, customer_ref="DOUBLE-1")
        email = supervisor.email

    clients = _clients(committed_app, email, COPIES)
    form["submission_token"] = _token(clients[0].get("/audits/new").get_data(as_text=True))
    answers = _send_at_once(clients, "/audits/new", form)

    assert {status for status, _ in answers} == {302}, answers
    with committed_app.app_context():
        ids = db.session.execute(select(Audit.id).where(Audit.customer_ref == "DOUBLE-1")).scalars().all()
        assert len(ids) == 1
        assert {location for _, location in answers} == {f"/audits/{ids[0]}"}
        assert db.session.execute(select(func.sum(AuditWeek.audits))).scalar_one() == 1


def test_simultaneous_identical_corrective_actions_open_one(committed_app):
    from tests.factories import Factory

    with committed_app.app_context():
        factory = Factory()
        team = factory.team()
        version = factory.audit_standard(key="double-action")
        supervisor = factory.supervisor(team)
        db.session.commit()
        email = supervisor.email
        data = {"target": f"{version.standard_id}:needs", "team_id": team.id, "problem": "Needs are skipped.",
                "root_cause": "", "action": "Coach the needs questions.", "owner_id": supervisor.id,
                "due_date": "2999-12-20", "source": "manual", "source_detail": ""}

    clients = _clients(committed_app, email, 6)
    data["submission_token"] = _token(clients[0].get("/quality/actions/new").get_data(as_text=True))
    answers = _send_at_once(clients, "/quality/actions/new", data)

    assert {status for status, _ in answers} == {302}, answers
    with committed_app.app_context():
        ids = db.session.execute(select(CorrectiveAction.id)).scalars().all()
        assert len(ids) == 1
        assert {location for _, location in answers} == {f"/quality/actions/{ids[0]}"}

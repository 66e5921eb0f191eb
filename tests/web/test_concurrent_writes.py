"""Eight supervisors submit audits at the same moment: every one is recorded, none gets a 500.

Runs against its own committed database (the `committed_app` fixture), since the
per-test rollback cannot show other connections anything.
"""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from bro.extensions import db
from bro.models.audits import Audit, AuditWeek
from tests.conftest import PASSWORD

pytestmark = pytest.mark.no_db

CLIENTS = 8
ROUNDS = 3


def test_simultaneous_audits_are_all_recorded_without_errors(committed_app):
    from tests.factories import Factory
    from tests.web.forms import MET, WEIGHTED, audit_form

    with committed_app.app_context():
        factory = Factory()
        team = factory.team()
        version = factory.audit_standard(WEIGHTED, key="race-standard")
        staff = [factory.staff(team=team) for _ in range(CLIENTS)]
        supervisors = [factory.supervisor(team) for _ in range(CLIENTS)]
        db.session.commit()
        forms = [audit_form(version, member, {**MET, "b": "partial"}) for member in staff]
        emails = [supervisor.email for supervisor in supervisors]

    clients = []
    for email in emails:
        client = committed_app.test_client()
        assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
        clients.append(client)
    barrier = threading.Barrier(CLIENTS, timeout=60)
    statuses: list[list] = [[] for _ in range(CLIENTS)]

    def submit(index):
        for round_number in range(ROUNDS):
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass
            form = {**forms[index], "customer_ref": f"RACE-{index}-{round_number}"}
            try:
                statuses[index].append(clients[index].post("/audits/new", data=form).status_code)
            except Exception as error:  # noqa: BLE001 - TESTING propagates server errors; record them
                statuses[index].append(repr(error)[:200])

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert all(status == 302 for row in statuses for status in row), statuses
    with committed_app.app_context():
        refs = db.session.execute(select(Audit.customer_ref).where(Audit.customer_ref.like("RACE-%"))).scalars().all()
        assert sorted(refs) == sorted(f"RACE-{i}-{r}" for i in range(CLIENTS) for r in range(ROUNDS))
        weekly = db.session.execute(select(func.sum(AuditWeek.audits))).scalar_one()
        assert weekly == CLIENTS * ROUNDS

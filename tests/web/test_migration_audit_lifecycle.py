"""Migration 0007 writes the history of existing audits as events and makes each status follow its latest one."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from tests.web.migration_db import app_at_revision, insert_team_and_standard, upgrade_to

pytestmark = [
    pytest.mark.no_db,
    pytest.mark.skipif(os.environ.get("BRO_CHECK_MIGRATIONS") != "1", reason="set BRO_CHECK_MIGRATIONS=1"),
]

AUDIT = ("INSERT INTO audits (id, staff_id, team_id, auditor_id, standard_id, standard_version_id, relationship, "
         "channel, interacted_on, customer_ref, created_at, revision_number, score, passed, status, acknowledged_at, "
         "order_value) "
         "VALUES (:id, 10, 1, 20, 1, 1, 'b2c', 'phone', '2026-01-05', 'C-1', :created, :revision, 50, FALSE, :status, :ack, "
         ":value)")
REVISION = ("INSERT INTO audit_revisions (id, audit_id, number, kind, created_by_id, created_at, reason, score, "
            "passed) VALUES (:id, :audit, :number, :kind, :by, :at, :reason, 50, FALSE)")
DISPUTE = ("INSERT INTO disputes (id, audit_id, raised_by_id, raised_at, reason, resolved_by_id, resolved_at, "
           "resolution, resolution_reason, revision_id) VALUES (:id, :audit, 10, :at, 'unfair', :by, :resolved, "
           ":resolution, :why, :revision)")


def test_existing_audits_get_their_history_as_events_and_a_status_from_the_latest(migration_url):
    url = migration_url
    app, engine = app_at_revision(url, "0003_one_open_row")
    sqlite = url.startswith("sqlite")
    with engine.begin() as db:
        insert_team_and_standard(db, "2026-01-01 00:00:00")
        db.execute(text("INSERT INTO users (id, name, email, password_hash, language, active, created_at) "
                        "VALUES (:id, :name, :email, 'x', 'en', TRUE, '2026-01-01 00:00:00')"),
                   [{"id": n, "name": f"User {n}", "email": f"u{n}@example.com"} for n in (10, 20, 30)])
        # 1: acknowledged. 2: upheld dispute, then (old code) corrected by the auditor. 3: open dispute.
        # 4: recorded, with an infinite order value SQLite kept.
        db.execute(text(AUDIT), [
            {"id": 1, "created": "2026-01-05 10:00:00", "revision": 1, "status": "acknowledged",
             "ack": "2026-01-06 09:00:00", "value": 12.5},
            {"id": 2, "created": "2026-01-05 10:00:00", "revision": 3, "status": "dispute_upheld", "ack": None,
             "value": None},
            {"id": 3, "created": "2026-01-05 10:00:00", "revision": 1, "status": "disputed", "ack": None,
             "value": None},
            {"id": 4, "created": "2026-01-05 10:00:00", "revision": 1, "status": "recorded", "ack": None,
             "value": None},
        ])
        if sqlite:
            db.execute(text("UPDATE audits SET order_value = 9e999 WHERE id = 4"))
        db.execute(text(REVISION), [
            {"id": 1, "audit": 1, "number": 1, "kind": "original", "by": 20, "at": "2026-01-05 10:00:00",
             "reason": None},
            {"id": 2, "audit": 2, "number": 1, "kind": "original", "by": 20, "at": "2026-01-05 10:00:00",
             "reason": None},
            {"id": 3, "audit": 2, "number": 2, "kind": "dispute_upheld", "by": 30, "at": "2026-01-08 10:00:00",
             "reason": "recording"},
            {"id": 4, "audit": 2, "number": 3, "kind": "correction", "by": 20, "at": "2026-03-01 10:00:00",
             "reason": "overturned"},
            {"id": 5, "audit": 3, "number": 1, "kind": "original", "by": 20, "at": "2026-01-05 10:00:00",
             "reason": None},
            {"id": 6, "audit": 4, "number": 1, "kind": "original", "by": 20, "at": "2026-01-05 10:00:00",
             "reason": None},
        ])
        db.execute(text(DISPUTE), [
            {"id": 1, "audit": 2, "at": "2026-01-06 10:00:00", "by": 30, "resolved": "2026-01-08 10:00:00",
             "resolution": "upheld", "why": "recording", "revision": 3},
            {"id": 2, "audit": 3, "at": "2026-01-06 10:00:00", "by": None, "resolved": None, "resolution": None,
             "why": None, "revision": None},
        ])
    upgrade_to(app, "0007_audit_lifecycle")
    with engine.connect() as db:
        events = db.execute(text("SELECT audit_id, number, kind, actor_id, reason, revision_number, dispute_id "
                                 "FROM audit_events ORDER BY audit_id, number")).all()
        statuses = dict(db.execute(text("SELECT id, status FROM audits")).all())
        acknowledged = dict(db.execute(text("SELECT id, acknowledged_at FROM audits")).all())
        values = dict(db.execute(text("SELECT id, order_value FROM audits")).all())
    engine.dispose()
    assert [tuple(row) for row in events] == [
        (1, 1, "recorded", 20, None, 1, None),
        (1, 2, "acknowledged", 10, None, 1, None),
        (2, 1, "recorded", 20, None, 1, None),
        (2, 2, "disputed", 10, "unfair", 1, 1),
        (2, 3, "dispute_upheld", 30, "recording", 2, 1),
        (2, 4, "corrected", 20, "overturned", 3, None),
        (3, 1, "recorded", 20, None, 1, None),
        (3, 2, "disputed", 10, "unfair", 1, 2),
        (4, 1, "recorded", 20, None, 1, None),
    ]
    # The old correction after the decision is the latest event: the audit waits for the staff member's answer.
    assert statuses == {1: "acknowledged", 2: "recorded", 3: "disputed", 4: "recorded"}
    assert acknowledged[1] is not None and acknowledged[2] is None
    assert float(values[1]) == 12.5 and values[4] is None

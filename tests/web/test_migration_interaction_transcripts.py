"""Migration interaction_transcripts moves each interaction's messages, in order, into its transcript column
(JSON text, the form the app writes), drops the table of messages, and moves them back on downgrade."""
from __future__ import annotations

import json
import os
from datetime import datetime

import pytest
from flask_migrate import downgrade
from sqlalchemy import inspect, text

from bro.models.interactions import Message, transcript_json, transcript_messages
from tests.web.migration_db import app_at_revision, insert_team_and_standard, upgrade_to

pytestmark = [
    pytest.mark.no_db,
    pytest.mark.skipif(os.environ.get("BRO_CHECK_MIGRATIONS") != "1", reason="set BRO_CHECK_MIGRATIONS=1"),
]

NOW = "2026-11-20 10:00:00"
INTERACTIONS = 1205  # more than one batch of the migration (1,000)
INTERACTION = ("INSERT INTO interactions (id, external_id, staff_id, team_id, channel, relationship, started_at, "
               "customer_ref, message_count, imported_at) VALUES (:id, :ext, 10, 1, 'chat', 'b2c', :now, :ref, "
               ":count, :now)")
MESSAGE = ("INSERT INTO interaction_messages (interaction_id, position, speaker, sent_at, text) "
           "VALUES (:interaction, :position, :speaker, :sent_at, :text)")
# Interaction 1's messages, inserted out of order: a time, none, quotes, markup, a line break and other scripts.
FIRST = [
    (2, "staff", None, 'I\'ll check "order 7" <b>now</b>\nplease wait'),
    (1, "customer", datetime(2026, 11, 20, 9, 1), "Dzień dobry, paket saya 日本"),
    (3, "system", datetime(2026, 11, 20, 9, 5, 30), "Ticket closed"),
]


def expected_first() -> list[Message]:
    return [Message(speaker, sent_at, said) for _position, speaker, sent_at, said in sorted(FIRST)]


def test_messages_move_into_the_transcript_column_in_order_and_back(migration_url):
    app, engine = app_at_revision(migration_url, "dashboards_data_versions")
    with engine.begin() as db:
        insert_team_and_standard(db, NOW)
        db.execute(text("INSERT INTO users (id, name, email, password_hash, language, active, created_at, "
                        "session_token) VALUES (10, 'Dewi', 'dewi@example.com', 'x', 'en', TRUE, :now, 't')"),
                   {"now": NOW})
        db.execute(text(INTERACTION), [{"id": n, "ext": f"T-{n}", "ref": f"C-{n}", "now": NOW,
                                        "count": 3 if n == 1 else 0 if n == 2 else 1}
                                       for n in range(1, INTERACTIONS + 1)])
        db.execute(text(MESSAGE), [{"interaction": 1, "position": position, "speaker": speaker, "sent_at": sent_at,
                                    "text": said} for position, speaker, sent_at, said in FIRST])
        db.execute(text(MESSAGE), [{"interaction": n, "position": 1, "speaker": "customer", "sent_at": None,
                                    "text": f"Message of {n}"} for n in range(3, INTERACTIONS + 1)])
    upgrade_to(app, "interaction_transcripts")
    with engine.connect() as db:
        stored = dict(db.execute(text("SELECT id, transcript FROM interactions")).all())
        counts = dict(db.execute(text("SELECT id, message_count FROM interactions")).all())
        tables = set(inspect(db).get_table_names())
    assert "interaction_messages" not in tables
    assert stored[1] == transcript_json(expected_first())  # the very text the app writes
    assert json.loads(stored[1])[0] == ["customer", "2026-11-20T09:01:00", "Dzień dobry, paket saya 日本"]
    assert transcript_messages(stored[1]) == expected_first()
    assert stored[2] is None  # imported without a transcript
    assert transcript_messages(stored[INTERACTIONS]) == [Message("customer", None, f"Message of {INTERACTIONS}")]
    assert sum(1 for value in stored.values() if value is not None) == INTERACTIONS - 1
    assert counts[1] == 3

    with app.app_context():
        downgrade(revision="dashboards_data_versions")
    with engine.connect() as db:
        first = db.execute(text("SELECT position, speaker, sent_at, text FROM interaction_messages "
                                "WHERE interaction_id = 1 ORDER BY position")).all()
        moved_back = db.execute(text("SELECT COUNT(*) FROM interaction_messages")).scalar()
        columns = {column["name"] for column in inspect(db).get_columns("interactions")}
    engine.dispose()
    assert [(position, speaker, said) for position, speaker, _sent_at, said in first] == [
        (position, speaker, said) for position, speaker, _sent_at, said in sorted(FIRST)]
    assert [str(sent_at)[:19] if sent_at else None for _p, _s, sent_at, _t in first] == [
        "2026-11-20 09:01:00", None, "2026-11-20 09:05:30"]
    assert moved_back == 3 + INTERACTIONS - 2
    assert "transcript" not in columns

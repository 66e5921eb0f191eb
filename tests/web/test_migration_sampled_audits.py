"""Migration 0013 marks the audits that completed a review-queue item as sampled and rebuilds the sampled counts
of the weekly summaries from them; every other audit stays not sampled."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from tests.web.migration_db import app_at_revision, insert_team_and_standard, upgrade_to

pytestmark = [
    pytest.mark.no_db,
    pytest.mark.skipif(os.environ.get("BRO_CHECK_MIGRATIONS") != "1", reason="set BRO_CHECK_MIGRATIONS=1"),
]

NOW = "2026-11-20 10:00:00"
AUDIT = ("INSERT INTO audits (id, staff_id, team_id, auditor_id, standard_id, standard_version_id, relationship, "
         "channel, interacted_on, customer_ref, created_at, revision_number, score_earned, score_possible, score, "
         "passed, status) VALUES (:id, 10, 1, 20, 1, 1, 'b2c', 'chat', :day, :ref, :now, 1, :score, 100, :score, "
         ":passed, 'recorded')")
STEP = ("INSERT INTO audit_step_results (audit_id, step_key, standard_id, team_id, staff_id, interacted_on, rating, "
        "rated, nonconforming) VALUES (:audit, 'greet', 1, 1, 10, :day, :rating, TRUE, :nc)")
INTERACTION = ("INSERT INTO interactions (id, external_id, staff_id, team_id, channel, relationship, started_at, "
               "customer_ref, message_count, imported_at, audit_id) VALUES (:id, :ext, 10, 1, 'chat', 'b2c', :at, "
               ":ref, 0, :now, :audit)")


def test_audits_that_completed_a_queue_item_become_sampled_and_the_weekly_counts_follow(migration_url):
    url = migration_url
    app, engine = app_at_revision(url, "0004_control_baselines")
    with engine.begin() as db:
        insert_team_and_standard(db, NOW)
        db.execute(text("INSERT INTO users (id, name, email, password_hash, language, active, created_at, session_token) "
                        "VALUES (:id, :name, :email, 'x', 'en', TRUE, :now, :token)"),
                   [{"id": n, "name": f"User {n}", "email": f"u{n}@example.com", "now": NOW, "token": f"t{n}"} for n in (10, 20)])
        # Week of 16 November: 1 from the queue (failed), 2 of a hand-picked interaction, 3 an observation audit;
        # week of 23 November: 4 from the queue (passed).
        db.execute(text(AUDIT), [
            {"id": 1, "day": "2026-11-16", "ref": "C-1", "now": NOW, "score": 40, "passed": False},
            {"id": 2, "day": "2026-11-17", "ref": "C-2", "now": NOW, "score": 50, "passed": False},
            {"id": 3, "day": "2026-11-18", "ref": "C-3", "now": NOW, "score": 100, "passed": True},
            {"id": 4, "day": "2026-11-23", "ref": "C-4", "now": NOW, "score": 90, "passed": True},
        ])
        db.execute(text(STEP), [
            {"audit": 1, "day": "2026-11-16", "rating": "not_met", "nc": True},
            {"audit": 2, "day": "2026-11-17", "rating": "not_met", "nc": True},
            {"audit": 3, "day": "2026-11-18", "rating": "met", "nc": False},
            {"audit": 4, "day": "2026-11-23", "rating": "met", "nc": False},
        ])
        db.execute(text("INSERT INTO audit_weeks (team_id, standard_id, week_start, audits, failed, score_sum) "
                        "VALUES (1, 1, '2026-11-16', 3, 2, 190), (1, 1, '2026-11-23', 1, 0, 90)"))
        db.execute(text("INSERT INTO audit_step_weeks (team_id, standard_id, step_key, week_start, rated, "
                        "nonconforming) VALUES (1, 1, 'greet', '2026-11-16', 3, 2), (1, 1, 'greet', '2026-11-23', 1, 0)"))
        db.execute(text(INTERACTION), [
            {"id": 1, "ext": "T-1", "at": "2026-11-16 10:00:00", "ref": "C-1", "now": NOW, "audit": 1},
            {"id": 2, "ext": "T-2", "at": "2026-11-17 10:00:00", "ref": "C-2", "now": NOW, "audit": 2},
            {"id": 4, "ext": "T-4", "at": "2026-11-23 10:00:00", "ref": "C-4", "now": NOW, "audit": 4},
        ])
        db.execute(text("INSERT INTO sampling_plans (id, team_id, standard_id, per_staff, period, by_channel, "
                        "created_by_id, created_at) VALUES (1, 1, 1, 2, 'month', FALSE, 20, :now)"), {"now": NOW})
        db.execute(text("INSERT INTO sampling_draws (id, plan_id, period_start, period_end, seed, drawn_at) "
                        "VALUES (1, 1, '2026-11-01', '2026-12-01', 7, :now)"), {"now": NOW})
        db.execute(text("INSERT INTO review_items (id, draw_id, interaction_id, staff_id, assignee_id, due_on, "
                        "done_at, audit_id) VALUES (:id, 1, :interaction, 10, 20, '2026-11-30', :now, :audit)"),
                   [{"id": 1, "interaction": 1, "now": NOW, "audit": 1},
                    {"id": 2, "interaction": 4, "now": NOW, "audit": 4}])
    upgrade_to(app, "0013_sampled_audits")
    with engine.connect() as db:
        sampled = dict(db.execute(text("SELECT id, sampled FROM audits")).all())
        steps = dict(db.execute(text("SELECT audit_id, sampled FROM audit_step_results")).all())
        weeks = sorted(tuple(row) for row in db.execute(text(
            "SELECT week_start, audits, failed, sampled_audits, sampled_failed, sampled_score_sum FROM audit_weeks")))
        step_weeks = sorted(tuple(row) for row in db.execute(text(
            "SELECT week_start, rated, nonconforming, sampled_rated, sampled_nonconforming FROM audit_step_weeks")))
    engine.dispose()
    assert {key: bool(value) for key, value in sampled.items()} == {1: True, 2: False, 3: False, 4: True}
    assert {key: bool(value) for key, value in steps.items()} == {1: True, 2: False, 3: False, 4: True}
    assert [(str(w)[:10], a, f, sa, sf, float(s)) for w, a, f, sa, sf, s in weeks] == [
        ("2026-11-16", 3, 2, 1, 1, 40.0), ("2026-11-23", 1, 0, 1, 0, 90.0)]
    assert [(str(w)[:10], *rest) for w, *rest in step_weeks] == [
        ("2026-11-16", 3, 2, 1, 1), ("2026-11-23", 1, 0, 1, 0)]

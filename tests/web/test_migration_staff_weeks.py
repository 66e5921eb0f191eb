"""Migration dashboards_staff_weeks sums the existing audits and step results into the staff rollups, by ISO
week (Monday to Sunday, the same weeks on SQLite and PostgreSQL), and the weekly step summaries into the
all-teams one."""
from __future__ import annotations

from sqlalchemy import text

from tests.web.migration_db import (
    MIGRATION_TEST_MARKS, app_at_revision, insert_team_and_standard, insert_users, upgrade_to,
)

pytestmark = MIGRATION_TEST_MARKS

NOW = "2026-11-20 10:00:00"
AUDIT = ("INSERT INTO audits (id, staff_id, team_id, auditor_id, standard_id, standard_version_id, relationship, "
         "channel, interacted_on, customer_ref, created_at, revision_number, score_earned, score_possible, score, "
         "passed, status, sampled) VALUES (:id, :staff, 1, 20, 1, 1, 'b2c', 'chat', :day, :ref, :now, 1, :score, "
         "100, :score, :passed, 'recorded', :sampled)")
STEP = ("INSERT INTO audit_step_results (audit_id, step_key, standard_id, team_id, staff_id, interacted_on, rating, "
        "rated, nonconforming, sampled) VALUES (:audit, :step, 1, 1, :staff, :day, :rating, :rated, :nc, :sampled)")


def test_existing_audits_are_summed_per_staff_member_and_iso_week(migration_url):
    app, engine = app_at_revision(migration_url, "dashboards_version_starts")
    with engine.begin() as db:
        insert_team_and_standard(db, NOW)
        insert_users(db, (10, 11, 20), NOW)
        # Staff 10: Monday 16 and Sunday 22 November (one ISO week), Monday 23 (the next); staff 11: Wednesday 18.
        audits = [(1, 10, "2026-11-16", 40, False, True), (2, 10, "2026-11-22", 90.5, True, False),
                  (3, 10, "2026-11-23", 100, True, False), (4, 11, "2026-11-18", 70, False, False)]
        db.execute(text(AUDIT), [{"id": i, "staff": s, "day": d, "ref": f"C-{i}", "now": NOW, "score": score,
                                  "passed": passed, "sampled": sampled} for i, s, d, score, passed, sampled in audits])
        steps = [(1, "greet", "not_met"), (1, "close", "met"), (2, "greet", "partial"), (2, "close", "na"),
                 (3, "greet", "met"), (3, "close", "met"), (4, "greet", "met"), (4, "close", "partial")]
        days = {i: (s, d, sampled) for i, s, d, _score, _passed, sampled in audits}
        db.execute(text(STEP), [{"audit": a, "step": k, "staff": days[a][0], "day": days[a][1], "rating": r,
                                 "rated": r != "na", "nc": r in ("partial", "not_met"), "sampled": days[a][2]}
                                for a, k, r in steps])
        db.execute(text("INSERT INTO audit_step_weeks (team_id, standard_id, step_key, week_start, rated, "
                        "nonconforming, sampled_rated, sampled_nonconforming) VALUES "
                        "(1, 1, 'greet', '2026-11-16', 3, 2, 1, 1), (1, 1, 'greet', '2026-11-23', 1, 0, 0, 0)"))
    upgrade_to(app, "dashboards_staff_weeks")
    with engine.connect() as db:
        weeks = sorted((str(w)[:10], *rest) for w, *rest in db.execute(text(
            "SELECT week_start, staff_id, audits, failed, score_sum, sampled_audits, sampled_failed, "
            "sampled_score_sum FROM audit_staff_weeks")))
        step_weeks = sorted((str(w)[:10], *rest) for w, *rest in db.execute(text(
            "SELECT week_start, staff_id, step_key, rated, nonconforming, sampled_rated, sampled_nonconforming "
            "FROM audit_staff_step_weeks")))
        org = sorted((str(w)[:10], *rest) for w, *rest in db.execute(text(
            "SELECT week_start, step_key, rated, nonconforming, sampled_rated, sampled_nonconforming "
            "FROM audit_org_step_weeks")))
    engine.dispose()
    assert org == [("2026-11-16", "greet", 3, 2, 1, 1), ("2026-11-23", "greet", 1, 0, 0, 0)]
    assert [(w, s, a, f, float(score), sa, sf, float(ss)) for w, s, a, f, score, sa, sf, ss in weeks] == [
        ("2026-11-16", 10, 2, 1, 130.5, 1, 1, 40.0), ("2026-11-16", 11, 1, 1, 70.0, 0, 0, 0.0),
        ("2026-11-23", 10, 1, 0, 100.0, 0, 0, 0.0)]
    assert step_weeks == [
        ("2026-11-16", 10, "close", 1, 0, 1, 0), ("2026-11-16", 10, "greet", 2, 2, 1, 1),
        ("2026-11-16", 11, "close", 1, 1, 0, 0), ("2026-11-16", 11, "greet", 1, 0, 0, 0),
        ("2026-11-23", 10, "close", 1, 0, 0, 0), ("2026-11-23", 10, "greet", 1, 0, 0, 0)]

"""Migrations build the whole schema from empty, and match the models (no create_all in production)."""
import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from bro import create_app
from bro.extensions import db
from tests.conftest import app_config
from tests.web.migration_db import reset_schema

pytestmark = [
    pytest.mark.no_db,
    # `make test` and CI always run this; a bare `pytest` while models are in flux may skip it.
    pytest.mark.skipif(os.environ.get("BRO_CHECK_MIGRATIONS") != "1", reason="set BRO_CHECK_MIGRATIONS=1"),
]


@pytest.fixture
def empty_database_url(tmp_path):
    url = os.environ.get("MIGRATIONS_DATABASE_URL")
    if url:
        reset_schema(url)
        return url
    if (os.environ.get("DATABASE_URL") or "").startswith("postgresql") and os.environ.get("CI") == "true":
        pytest.fail("set MIGRATIONS_DATABASE_URL to an empty PostgreSQL database to test migrations")
    return f"sqlite:///{tmp_path / 'migrations.sqlite3'}"


def test_upgrade_from_empty_builds_a_schema_matching_the_models(empty_database_url):
    app = create_app(app_config(empty_database_url))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], f"models and migrations differ: run `flask db migrate` and review: {differences}"
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_exact_score_migration_recomputes_old_rows_from_their_ratings(empty_database_url):
    """Rows scored before 0006 kept 95.050 for 100 x 96/101 = 95.0495...; the migration recomputes earned and
    possible from the ratings and weights, truncates the score key, and moves the weekly sum with it."""
    app = create_app(app_config(empty_database_url))
    with app.app_context():
        upgrade(revision="0003_one_open_row")
        with db.engine.begin() as connection:
            run = lambda sql, **values: connection.execute(text(sql), values)  # noqa: E731
            run("INSERT INTO teams (id, name, created_at) VALUES (1, 'T', '2026-01-01 00:00:00')")
            for uid in (1, 2):
                run("INSERT INTO users (id, name, email, password_hash, language, active, team_id, created_at) "
                    "VALUES (:id, :name, :email, 'x', 'en', TRUE, 1, '2026-01-01 00:00:00')",
                    id=uid, name=f"U{uid}", email=f"u{uid}@example.com")
            run("INSERT INTO standards (id, key, relationship) VALUES (1, 's', 'b2c')")
            run("INSERT INTO standard_versions (id, standard_id, number, content_hash, language, title, relationship, "
                "pass_score, document, imported_at) VALUES (1, 1, 1, 'h', 'en', '{}', 'b2c', 80, '{}', "
                "'2026-01-01 00:00:00')")
            for sid, key, weight in ((1, "big", 91), (2, "small", 10)):
                run("INSERT INTO standard_steps (id, standard_version_id, key, position, title, weight, critical) "
                    "VALUES (:id, 1, :key, :id, '{}', :weight, FALSE)", id=sid, key=key, weight=weight)
            run("INSERT INTO audits (id, staff_id, team_id, auditor_id, standard_id, standard_version_id, relationship, "
                "channel, interacted_on, customer_ref, created_at, revision_number, score, passed, status) VALUES "
                "(1, 1, 1, 2, 1, 1, 'b2c', 'phone', '2026-11-18', 'C1', '2026-11-18 10:00:00', 2, 95.05, TRUE, "
                "'recorded')")
            for rid, number, small in ((1, 1, "not_met"), (2, 2, "partial")):
                run("INSERT INTO audit_revisions (id, audit_id, number, kind, created_by_id, created_at, score, passed) "
                    "VALUES (:id, 1, :n, 'original', 2, '2026-11-18 10:00:00', :score, TRUE)",
                    id=rid, n=number, score=90.099 if number == 1 else 95.05)
                run("INSERT INTO audit_ratings (revision_id, step_key, rating) VALUES (:id, 'big', 'met')", id=rid)
                run("INSERT INTO audit_ratings (revision_id, step_key, rating) VALUES (:id, 'small', :r)",
                    id=rid, r=small)
            run("INSERT INTO audit_weeks (team_id, standard_id, week_start, audits, failed, score_sum) "
                "VALUES (1, 1, '2026-11-16', 1, 0, 95.05)")
        upgrade()
        with db.engine.connect() as connection:
            audit = connection.execute(text(
                "SELECT score_earned, score_possible, score FROM audits WHERE id = 1")).one()
            revisions = connection.execute(text(
                "SELECT number, score_earned, score_possible, score FROM audit_revisions ORDER BY number")).all()
            week = connection.execute(text("SELECT score_sum FROM audit_weeks")).scalar_one()
        assert [float(v) for v in audit] == [96.0, 101.0, 95.049]
        assert [(n, float(e), float(p), float(s)) for n, e, p, s in revisions] == [
            (1, 91.0, 101.0, 90.099), (2, 96.0, 101.0, 95.049)]
        assert float(week) == 95.049
        downgrade(revision="0003_one_open_row")  # with rows in place: no table rebuild, nothing lost
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM audit_ratings")).scalar_one() == 4
        db.engine.dispose()

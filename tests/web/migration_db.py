"""Helpers for the tests of single migrations: an empty database to upgrade, and the rows most of them need."""
from __future__ import annotations

import os

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from bro import create_app
from tests.conftest import app_config


def reset_schema(url: str) -> None:
    """Empty the PostgreSQL database at ``url`` (drop and recreate its public schema)."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def migration_database_url(tmp_path, file_name: str) -> str:
    """MIGRATIONS_DATABASE_URL emptied, or a new SQLite file ``file_name`` under ``tmp_path``."""
    url = os.environ.get("MIGRATIONS_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path / file_name}"
    reset_schema(url)
    return url


@pytest.fixture
def migration_url(tmp_path):
    """The database a migration test upgrades: see migration_database_url (tests/web/conftest.py shares it)."""
    return migration_database_url(tmp_path, "migration.sqlite3")


def insert_team_and_standard(db, at: str) -> None:
    """Team 1 and standard 1 (b2c) with its version 1 in English, created or imported ``at``."""
    db.execute(text("INSERT INTO teams (id, name, created_at) VALUES (1, 'Team', :now)"), {"now": at})
    db.execute(text("INSERT INTO standards (id, key, relationship) VALUES (1, 'std', 'b2c')"))
    db.execute(text("INSERT INTO standard_versions (id, standard_id, number, content_hash, language, title, "
                    "relationship, pass_score, document, imported_at) VALUES (1, 1, 1, 'h', 'en', '{}', 'b2c', "
                    "80, '{}', :now)"), {"now": at})


def upgrade_to(app, revision: str) -> None:
    """Upgrade ``app``'s database to ``revision``."""
    with app.app_context():
        upgrade(revision=revision)


def app_at_revision(url: str, revision: str):
    """An app on ``url`` with the database upgraded to ``revision``, and an engine on that database."""
    app = create_app(app_config(url))
    upgrade_to(app, revision)
    return app, create_engine(url)


# The marks of a migration test: no per-test transaction, and run only when migrations are checked.
MIGRATION_TEST_MARKS = [
    pytest.mark.no_db,
    pytest.mark.skipif(os.environ.get("BRO_CHECK_MIGRATIONS") != "1", reason="set BRO_CHECK_MIGRATIONS=1"),
]


def insert_users(db, ids, at: str) -> None:
    """Users ``ids`` ("User <id>", u<id>@example.com), created ``at``."""
    db.execute(text("INSERT INTO users (id, name, email, password_hash, language, active, created_at, session_token) "
                    "VALUES (:id, :name, :email, 'x', 'en', TRUE, :now, :token)"),
               [{"id": n, "name": f"User {n}", "email": f"u{n}@example.com", "now": at, "token": f"t{n}"} for n in ids])

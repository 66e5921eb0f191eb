"""Fixtures: one app per test session, each test inside a transaction rolled back at its end.

DATABASE_URL (or TEST_DATABASE_URL) selects PostgreSQL; otherwise a SQLite file in a
temporary folder. Browser tests get their own live server and database (tests/browser).
"""
from __future__ import annotations

import os
import re
from contextlib import contextmanager

import pytest
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event

from bro import create_app
from bro.extensions import db

FAST_HASH = "pbkdf2:sha256:1000"  # tests only: real installs use scrypt
PASSWORD = "correct-horse-battery"


def database_url(tmp_path_factory, name: str = "test") -> str:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp(name) / 'bro.sqlite3'}"


def app_config(url: str, **extra) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "BRO_PASSWORD_HASH_METHOD": FAST_HASH,
        **extra,
    }


class ConnectionBoundSession(FlaskSession):
    """Flask-SQLAlchemy's session picks the engine; in tests it must use the test's connection."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return self.bind


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    os.environ.setdefault("BRO_INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))
    app = create_app(app_config(database_url(tmp_path_factory)))
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def committed_app(tmp_path):
    """An app with its own database whose commits are real, for tests of concurrent requests (the
    per-test rollback cannot show other connections anything): a SQLite file, or
    CONCURRENCY_DATABASE_URL (CI points it at PostgreSQL). Mark such tests `no_db`."""
    url = os.environ.get("CONCURRENCY_DATABASE_URL") or f"sqlite:///{tmp_path / 'committed.sqlite3'}"
    app = create_app(app_config(url))
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def db_session(request, app):
    """Run the test in a transaction that is rolled back; commits inside become savepoints."""
    if "browser" in request.keywords or "no_db" in request.keywords:
        yield None
        return
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": ConnectionBoundSession}
        )
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def factory(app, db_session):
    from tests.factories import Factory

    return Factory()


@pytest.fixture
def login(client):
    """Log `user` in through the real login form."""

    def _login(user, password: str = PASSWORD):
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.data[:500]
        return user

    return _login


@contextmanager
def count_queries():
    """Count the SQL statements run inside the block: `with count_queries() as queries: ...; queries.count`."""

    class Counter:
        count = 0
        statements: list[str] = []

    counter = Counter()
    counter.statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK|BEGIN|PRAGMA)", statement, re.I):
            counter.count += 1
            counter.statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before)


def pytest_sessionstart(session):
    """Compile the translation catalogues so tests see the current .po files."""
    import subprocess
    import sys
    from pathlib import Path

    translations = Path(__file__).parents[1] / "bro" / "translations"
    pybabel = Path(sys.executable).with_name("pybabel")
    if translations.exists() and pybabel.exists():
        subprocess.run([str(pybabel), "compile", "-d", str(translations)], check=False, capture_output=True)

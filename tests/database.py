"""Database fixtures for tests/web: one app per test session, each test inside a transaction rolled back at
its end (commits inside become savepoints), and `committed_app` for tests of concurrent requests.

tests/web/conftest.py imports them; unit tests never see them.
"""
from __future__ import annotations

import os
from contextlib import contextmanager

import pytest

from bro import create_app
from bro.extensions import db
from tests.conftest import PASSWORD, ConnectionBoundSession, app_config, database_url


@contextmanager
def app_with_empty_database(url: str):
    """An app on `url` with every table created empty; the tables are dropped afterwards."""
    app = create_app(app_config(url))
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    os.environ.setdefault("BRO_INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))
    with app_with_empty_database(database_url(tmp_path_factory)) as app:
        yield app


@pytest.fixture
def committed_app(tmp_path):
    """An app with its own database whose commits are real, for tests of concurrent requests (the
    per-test rollback cannot show other connections anything): a SQLite file, or
    CONCURRENCY_DATABASE_URL (CI points it at PostgreSQL). Mark such tests `no_db`."""
    url = os.environ.get("CONCURRENCY_DATABASE_URL") or f"sqlite:///{tmp_path / 'committed.sqlite3'}"
    with app_with_empty_database(url) as app:
        yield app


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

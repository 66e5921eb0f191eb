"""Shared test settings and helpers. The database fixtures live in tests/database.py and are used by
tests/web/ only: unit tests (tests/unit/) never build the app or open a database.

DATABASE_URL (or TEST_DATABASE_URL) selects PostgreSQL; otherwise a SQLite file in a
temporary folder. Browser tests get their own live server and database (tests/browser).
"""
from __future__ import annotations

import os
import re
from contextlib import contextmanager

from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event

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

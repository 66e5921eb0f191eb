"""The one place the app reads the time, so tests can move it (monkeypatch `clock.utcnow`)."""
from contextlib import contextmanager
from datetime import date, datetime, timezone


def utcnow() -> datetime:
    """Naive UTC now: stored the same way on SQLite and PostgreSQL."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def today() -> date:
    return utcnow().date()


@contextmanager
def moved_to(when: datetime):
    """Run operations as if it were `when` (demo data dated in the past; the operations read the time only here)."""
    global utcnow
    original = utcnow
    utcnow = lambda: when  # noqa: E731
    try:
        yield
    finally:
        utcnow = original

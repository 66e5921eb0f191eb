"""The one place the app reads the time, so tests can move it (monkeypatch `clock.utcnow`)."""
from datetime import date, datetime, timezone


def utcnow() -> datetime:
    """Naive UTC now: stored the same way on SQLite and PostgreSQL."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def today() -> date:
    return utcnow().date()

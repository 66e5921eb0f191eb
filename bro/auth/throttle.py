"""Failed-login limits per account and per address, counted in the database (works across workers)."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from bro import clock
from bro.extensions import db
from bro.models.people import LoginAttempt


def _failures_since(column, value: str, minutes: int) -> int:
    since = clock.utcnow() - timedelta(minutes=minutes)
    query = select(func.count()).select_from(LoginAttempt).where(
        column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since
    )
    return db.session.execute(query).scalar_one()


def is_locked_out(email: str, address: str) -> bool:
    config = current_app.config
    minutes = config["BRO_LOGIN_LOCK_MINUTES"]
    return (
        _failures_since(LoginAttempt.email, email, minutes) >= config["BRO_LOGIN_MAX_FAILURES_PER_ACCOUNT"]
        or _failures_since(LoginAttempt.address, address, minutes) >= config["BRO_LOGIN_MAX_FAILURES_PER_ADDRESS"]
    )


def record_attempt(email: str, address: str, succeeded: bool) -> None:
    db.session.add(LoginAttempt(email=email, address=address, succeeded=succeeded))
    db.session.flush()
    if not succeeded:
        current_app.logger.warning("Failed login for %r from %s", email, address)

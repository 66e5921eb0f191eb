"""Failed-login limits, counted in the database (so they hold across workers).

* Per account (the email typed, whether or not it exists, so a lock tells nothing about who has an
  account): BRO_LOGIN_MAX_FAILURES_PER_ACCOUNT failures within BRO_LOGIN_LOCK_MINUTES lock it for
  BRO_LOGIN_LOCK_MINUTES from the failure that reached the limit. Attempts made while it is locked are
  refused unchecked and recorded as "locked": they never extend the lock. A successful login, an admin's
  unlock or a password reset starts the count again.
* Per address: past BRO_LOGIN_MAX_FAILURES_PER_ADDRESS failures within the same window, the address is
  slowed down, not shut out: it gets one checked attempt every BRO_LOGIN_SLOWDOWN_SECONDS (others get
  429 with Retry-After, unchecked and not counted), so a correct password still gets through. An email
  that logged in from that address before (BRO_LOGIN_KNOWN_ADDRESS_DAYS) is not slowed by it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from bro import clock
from bro.extensions import db
from bro.models.people import LoginAttempt, LoginOutcome, User

RESETS = (LoginOutcome.success, LoginOutcome.unlocked)
CHECKED = (LoginOutcome.success, LoginOutcome.failure)
ROWS_PER_ACCOUNT = 500  # bounds the replay; an account records at most a few failures per window


@dataclass(frozen=True)
class AccountState:
    locked_until: datetime | None
    failures: int  # counted failures in the current window (towards the lock)

    @property
    def locked(self) -> bool:
        return self.locked_until is not None

    def seconds_left(self, now: datetime) -> int:
        return max(1, math.ceil((self.locked_until - now).total_seconds())) if self.locked_until else 0


def _settings() -> tuple[timedelta, int]:
    config = current_app.config
    return timedelta(minutes=config["BRO_LOGIN_LOCK_MINUTES"]), config["BRO_LOGIN_MAX_FAILURES_PER_ACCOUNT"]


def state_from_history(history: list[tuple[datetime, LoginOutcome]], now: datetime, window: timedelta,
                       limit: int) -> AccountState:
    """The lock state from an account's attempts (oldest first). Failures only count after the last
    success or unlock; a lock starts at the failure that reaches `limit` within `window` and lasts `window`.
    No failure is recorded while locked, so the failures that made an expired lock are out of the window."""
    failures: list[datetime] = []
    for at, outcome in history:
        if outcome in RESETS:
            failures = []
        elif outcome is LoginOutcome.failure:
            failures.append(at)
    if not failures:
        return AccountState(None, 0)
    latest = failures[-1]
    if latest + window > now and sum(1 for at in failures if at > latest - window) >= limit:
        return AccountState(latest + window, limit)
    return AccountState(None, sum(1 for at in failures if at > now - window))


def account_states(emails: list[str]) -> dict[str, AccountState]:
    """Lock state of several accounts in one query (the admin users page)."""
    window, limit = _settings()
    now = clock.utcnow()
    history: dict[str, list] = {email: [] for email in emails}
    if emails:
        rows = db.session.execute(
            select(LoginAttempt.email, LoginAttempt.at, LoginAttempt.outcome)
            .where(LoginAttempt.email.in_(emails), LoginAttempt.at > now - 2 * window,
                   LoginAttempt.outcome.in_(RESETS + (LoginOutcome.failure,)))
            .order_by(LoginAttempt.at, LoginAttempt.id)
        )
        for email, at, outcome in rows:
            history[email].append((at, outcome))
    return {email: state_from_history(rows, now, window, limit) for email, rows in history.items()}


def account_state(email: str) -> AccountState:
    window, limit = _settings()
    now = clock.utcnow()
    rows = db.session.execute(
        select(LoginAttempt.at, LoginAttempt.outcome)
        .where(LoginAttempt.email == email, LoginAttempt.at > now - 2 * window,
               LoginAttempt.outcome.in_(RESETS + (LoginOutcome.failure,)))
        .order_by(LoginAttempt.at.desc(), LoginAttempt.id.desc()).limit(ROWS_PER_ACCOUNT)
    ).all()
    return state_from_history([(at, outcome) for at, outcome in reversed(rows)], now, window, limit)


def locked_users() -> list[tuple[User, datetime]]:
    """Users whose accounts are locked now, for the admins."""
    window, limit = _settings()
    since = clock.utcnow() - 2 * window
    candidates = db.session.execute(
        select(LoginAttempt.email).where(LoginAttempt.at > since, LoginAttempt.outcome == LoginOutcome.failure)
        .group_by(LoginAttempt.email).having(func.count() >= limit)
    ).scalars().all()
    if not candidates:
        return []
    users = db.session.execute(select(User).where(User.email.in_(candidates)).order_by(User.name)).scalars().all()
    states = account_states([user.email for user in users])
    return [(user, states[user.email].locked_until) for user in users if states[user.email].locked]


def address_wait_seconds(address: str, email: str) -> int:
    """Seconds this address must wait before its next checked attempt (0: go ahead)."""
    config = current_app.config
    window = timedelta(minutes=config["BRO_LOGIN_LOCK_MINUTES"])
    now = clock.utcnow()
    failures = db.session.execute(
        select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.address == address, LoginAttempt.outcome == LoginOutcome.failure,
            LoginAttempt.at > now - window)
    ).scalar_one()
    if failures < config["BRO_LOGIN_MAX_FAILURES_PER_ADDRESS"]:
        return 0
    known_since = now - timedelta(days=config["BRO_LOGIN_KNOWN_ADDRESS_DAYS"])
    known = db.session.execute(
        select(LoginAttempt.id).where(LoginAttempt.email == email, LoginAttempt.address == address,
                                      LoginAttempt.outcome == LoginOutcome.success,
                                      LoginAttempt.at > known_since).limit(1)
    ).first()
    if known:
        return 0
    last_checked = db.session.execute(
        select(func.max(LoginAttempt.at)).where(LoginAttempt.address == address,
                                                LoginAttempt.outcome.in_(CHECKED), LoginAttempt.at > now - window)
    ).scalar_one()
    next_allowed = last_checked + timedelta(seconds=config["BRO_LOGIN_SLOWDOWN_SECONDS"])
    return max(0, math.ceil((next_allowed - now).total_seconds()))


def record_attempt(email: str, address: str, outcome: LoginOutcome) -> None:
    db.session.add(LoginAttempt(email=email, address=address, outcome=outcome, at=clock.utcnow()))
    db.session.flush()
    if outcome is LoginOutcome.failure:
        current_app.logger.warning("Failed login for %r from %s", email, address)
    elif outcome is not LoginOutcome.success:
        current_app.logger.warning("Refused login (%s) for %r from %s", outcome.value, email, address)


def unlock(email: str, by: User | None = None) -> None:
    """Start the account's failure count again (an admin's unlock, a password reset)."""
    db.session.add(LoginAttempt(email=email.lower(), address=f"unlock:{by.id}" if by else "unlock",
                                outcome=LoginOutcome.unlocked, at=clock.utcnow()))
    db.session.flush()

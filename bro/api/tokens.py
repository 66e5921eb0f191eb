"""Personal access tokens: issue (the secret is shown once), find by secret, revoke. They flush; callers commit.

A token is ``bro_`` and 43 random URL-safe characters (256 bits). Only its SHA-256 is stored: for a secret
this long a fast hash is as safe as a slow one, and checking it costs nothing per request.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from bro import clock
from bro.extensions import db
from bro.models.api import SCOPES, ApiToken
from bro.models.people import User

PREFIX = "bro_"
MAX_DAYS = 366
LAST_USED_PRECISION = timedelta(minutes=1)  # a busy token records its use once a minute, not on every call

# What each scope lets a token do: a write token also reads, an admin token also writes.
IMPLIED = {"read": {"read"}, "write": {"read", "write"}, "admin": {"read", "write", "admin"}}


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def granted(scopes: frozenset[str] | set[str]) -> set[str]:
    """Everything the scopes chosen allow (write implies read; admin implies both)."""
    return set().union(*(IMPLIED[s] for s in scopes if s in IMPLIED)) if scopes else set()


def issue_token(user: User, *, name: str, scopes: set[str] | list[str], days: int,
                now: datetime | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user`` and its secret (shown once, never stored)."""
    chosen = [scope for scope in SCOPES if scope in set(scopes)]
    if not chosen:
        raise ValueError("a token needs at least one scope")
    now = now or clock.utcnow()
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name.strip()[:80], token_hash=token_hash(secret), prefix=secret[:12],
                     scopes=" ".join(chosen), created_at=now,
                     expires_at=now + timedelta(days=max(1, min(days, MAX_DAYS))))
    db.session.add(token)
    db.session.flush()
    return token, secret


def find_token(secret: str, now: datetime | None = None) -> ApiToken | None:
    """The usable (not revoked, not expired) token with this secret, with its active user; else None."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = db.session.execute(
        select(ApiToken).where(ApiToken.token_hash == token_hash(secret)).options(joinedload(ApiToken.user))
    ).scalar_one_or_none()
    now = now or clock.utcnow()
    if token is None or not token.usable_at(now) or not token.user.active:
        return None
    return token


def mark_used(token: ApiToken, now: datetime | None = None) -> bool:
    """Record that the token was used (at most once per LAST_USED_PRECISION). True when it wrote."""
    now = now or clock.utcnow()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return False
    db.session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
    token.last_used_at = now
    return True


def tokens_of(user: User) -> list[ApiToken]:
    return db.session.execute(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.revoked_at.is_not(None),
                                                                    ApiToken.created_at.desc(), ApiToken.id.desc())
    ).scalars().all()


def revoke_token(user: User, token_id: int, now: datetime | None = None) -> ApiToken | None:
    """Revoke one of ``user``'s own tokens (None: not theirs, or no such token)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        return None
    if token.revoked_at is None:
        token.revoked_at = now or clock.utcnow()
        db.session.flush()
    return token

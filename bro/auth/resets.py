"""One-time password-reset links an admin issues. Only a SHA-256 of the secret is stored; a link works
once, until it expires (BRO_RESET_LINK_HOURS), and a newer link for the same user replaces older ones."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from bro import clock
from bro.auth.throttle import unlock
from bro.extensions import db
from bro.models.people import PasswordResetLink, User

TOKEN_LENGTH = 43  # secrets.token_urlsafe(32)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_reset_link(user: User, by: User) -> tuple[str, PasswordResetLink]:
    """A new link for `user`; returns the secret (shown once, never stored) and the link row."""
    now = clock.utcnow()
    db.session.execute(update(PasswordResetLink)
                       .where(PasswordResetLink.user_id == user.id, PasswordResetLink.used_at.is_(None))
                       .values(expires_at=now))
    token = secrets.token_urlsafe(32)
    link = PasswordResetLink(user_id=user.id, token_hash=_digest(token), created_by_id=by.id, created_at=now,
                             expires_at=now + timedelta(hours=current_app.config["BRO_RESET_LINK_HOURS"]))
    db.session.add(link)
    db.session.flush()
    return token, link


def valid_reset_link(token: str) -> PasswordResetLink | None:
    if not token or len(token) > 2 * TOKEN_LENGTH:
        return None
    link = db.session.execute(
        select(PasswordResetLink).where(PasswordResetLink.token_hash == _digest(token))
    ).scalar_one_or_none()
    if link is None or link.used_at is not None or link.expires_at <= clock.utcnow() or not link.user.active:
        return None
    return link


def use_reset_link(link: PasswordResetLink, password: str) -> bool:
    """Set the password through the link, once: False when another request used it first."""
    used = db.session.execute(
        update(PasswordResetLink)
        .where(PasswordResetLink.id == link.id, PasswordResetLink.used_at.is_(None))
        .values(used_at=clock.utcnow())
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        return False
    link.user.set_password_and_end_sessions(password, method=current_app.config["BRO_PASSWORD_HASH_METHOD"])
    unlock(link.user.email)
    db.session.flush()
    return True

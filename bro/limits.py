"""Bounds on expensive read views: a time limit on their SQL and a per-user limit on how many run at once.

One person opening a dashboard over decades, or eight tabs of it, must not stall everyone else's pages.
`@bounded_view` (applied under `@roles_required`) gives the view

- at most BRO_HEAVY_VIEWS_PER_USER runs at once per user, across every worker process of the host: each run
  holds one of the user's slots, an exclusive `flock` on a small file in BRO_LOCK_DIR (the kernel frees it if
  the process dies). With every slot taken the answer is 429 with Retry-After;
- BRO_HEAVY_VIEW_TIMEOUT_MS for its SQL (bro.database.statement_timeout). A statement stopped by it is
  answered with a 503 page asking for a narrower range.
"""
from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from functools import wraps
from typing import Callable, Iterator

from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import DBAPIError

from bro.database import is_timeout, statement_timeout
from bro.extensions import db

RETRY_AFTER_BUSY = 5  # seconds: another of the user's heavy pages is about to finish
RETRY_AFTER_TIMEOUT = 30


class AllSlotsTaken(Exception):
    """Every one of the user's slots is held by a running view."""


def lock_dir() -> str:
    folder = current_app.config.get("BRO_LOCK_DIR") or os.path.join(current_app.instance_path, "locks")
    os.makedirs(folder, exist_ok=True)
    return folder


@contextmanager
def user_slot(user_id: int, slots: int, folder: str | None = None) -> Iterator[int]:
    """Hold one of `user_id`'s `slots` for the block (raises AllSlotsTaken when none is free)."""
    folder = folder or lock_dir()
    for slot in range(slots):
        path = os.path.join(folder, f"heavy-view-{user_id}-{slot}.lock")
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            continue
        try:
            yield slot
        finally:
            os.close(handle)  # closing the descriptor releases the lock
        return
    raise AllSlotsTaken


def bounded_view(view: Callable) -> Callable:
    """Limit concurrent runs per user and the time of the view's SQL (see the module docstring)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        config = current_app.config
        slots = int(config.get("BRO_HEAVY_VIEWS_PER_USER", 2))
        try:
            with user_slot(current_user.id, slots) if slots > 0 else _no_slot():
                with statement_timeout(db.session, int(config.get("BRO_HEAVY_VIEW_TIMEOUT_MS", 10_000))):
                    return view(*args, **kwargs)
        except AllSlotsTaken:
            message = ngettext("You already have %(num)d heavy page loading. Wait for it to finish, then try again.",
                               "You already have %(num)d heavy pages loading. Wait for them to finish, then try "
                               "again.", slots)
            return _refusal(429, message, RETRY_AFTER_BUSY)
        except DBAPIError as error:
            if not is_timeout(error):
                raise
            db.session.rollback()
            current_app.logger.warning("A bounded view timed out: %s", error.orig)
            return _refusal(503, _("This view took too long to compute. Narrow the date range or choose a "
                                   "single team, then try again."), RETRY_AFTER_TIMEOUT)

    return wrapped


@contextmanager
def _no_slot():
    yield None


def _refusal(code: int, message: str, retry_after: int):
    return render_template("error.html", code=code, message=message), code, {"Retry-After": str(retry_after)}

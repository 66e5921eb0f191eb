"""A small in-process cache of rendered dashboard charts.

Dashboards are read far more often than audits are written. A rendered chart body is keyed by everything it
depends on: the filters (which fix the teams, staff member, standard, step, date range and period), the
language, and the audit data version — the newest AuditRevision id, since every change to ratings, scores or
the derived tables comes with a new revision (revisions are append-only). A new audit or correction therefore
makes every older entry unreachable at once. Entries also expire after ``BRO_QUALITY_CACHE_SECONDS`` (default
60), which bounds how long a renamed team or person shows its old name. Off under TESTING unless configured,
because tests roll back and reuse ids.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable

from flask import current_app
from sqlalchemy import func, select

from bro.extensions import db
from bro.models.audits import AuditRevision

MAX_ENTRIES = 32  # a rendered body is a few hundred KB: this bounds the cache to about 10 MB per worker


class FragmentCache:
    def __init__(self, size: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[Hashable, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, key: Hashable, max_age: float) -> str | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            stored_at, value = found
            if time.monotonic() - stored_at > max_age:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value: str) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic(), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


dashboard_bodies = FragmentCache()


def cache_seconds() -> float:
    configured = current_app.config.get("BRO_QUALITY_CACHE_SECONDS")
    if configured is None:
        return 0.0 if current_app.testing else 60.0
    return float(configured)


def audit_data_version() -> int:
    return db.session.execute(select(func.max(AuditRevision.id))).scalar() or 0


def cached_body(key: Hashable, render) -> str:
    """The cached body for ``key`` (the caller's filters and language), else ``render()`` stored under it."""
    seconds = cache_seconds()
    if seconds <= 0:
        return render()
    full_key = (key, audit_data_version())
    body = dashboard_bodies.get(full_key, seconds)
    if body is None:
        body = render()
        dashboard_bodies.put(full_key, body)
    return body

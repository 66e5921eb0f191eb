"""The cache of rendered dashboard charts, invalidated per standard and team.

Dashboards are read far more often than audits are written. A rendered chart body is keyed by everything it
depends on: the filters (which fix the teams, staff member, standard, step, date range and period), the
language, the newest baseline set by hand, and the *data version* of its scope: the newest audit revision written for its standard in its teams
(``AuditDataVersion``, kept by bro.audits.operations on every audit write, correction and upheld dispute).
A write therefore makes unreachable the entries of its own team and standard (and those of every view that
includes that team), and no others. Entries also expire after ``BRO_QUALITY_CACHE_SECONDS`` (default 60),
which bounds how long a renamed team or person shows its old name. Off under TESTING unless configured,
because tests roll back and reuse ids.

After a write, the view this process showed last for each scope (standard and teams) that includes the team
written — if it was shown within the cache's lifetime — is rendered again in a background thread and stored
under the new data version ("warming"), so the next reader of that view usually finds it ready. It is rendered
once the writes to its scope pause (``QUIET_SECONDS``, a second) and the process serves no request — waiting at
most ``IDLE_WAIT_SECONDS`` more for that — because a render during a burst of writes would be out of date by the
next write, and would take the CPU from the requests writing. A burst thus renders each view once, after it; a
scope written without any pause is still rendered, at most once per ``MAX_WAIT_SECONDS``. A reader who comes
before the warmer renders, as on any miss (the warmer then finds the view stored and skips it); a reader who
comes while the warmer renders that view waits for it instead of rendering it twice.

Where the entries live:

- by default, in-process (a small LRU per worker);
- with ``BRO_CACHE_URL`` set, in a cache the app servers share, through Flask-Caching: ``redis://…`` (Redis),
  ``file:///a/directory`` (a directory the servers share; needs no server) or ``simple://`` (in-process,
  Flask-Caching's own). Because the data version is read from the database, every server sees a write at
  once, whatever the cache.
"""
from __future__ import annotations

import hashlib
import logging
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from bro.extensions import db
from bro.models.audits import AuditDataVersion

MAX_ENTRIES = 32  # bodies compressed to ~60 KB each (below): about 2 MB per worker


class FragmentCache:
    """The default: in-process, least recently used entries dropped beyond ``size``.

    Bodies are kept zlib-compressed (level 1): a dashboard body is ~300,000 characters, which Python holds in
    two bytes each as soon as one of them is beyond Latin-1 ("…"), so 32 plain entries took ~20 MB of a worker's
    150 MB; compressed they take ~2 MB, for ~1.5 ms on a store and ~1 ms on a hit (README "Worker memory")."""

    def __init__(self, size: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[Hashable, tuple[float, bytes]] = OrderedDict()
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
        return zlib.decompress(value).decode()

    def put(self, key: Hashable, value: str, max_age: float = 0) -> None:
        packed = zlib.compress(value.encode(), 1)
        with self._lock:
            self._entries[key] = (time.monotonic(), packed)
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class SharedCache:
    """Flask-Caching behind the same get/put: keys are hashed to short strings, values expire on their own."""

    PREFIX = "bro-dashboard:"

    def __init__(self, app: Flask, url: str) -> None:
        from flask_caching import Cache

        config = {"CACHE_DEFAULT_TIMEOUT": 60, "CACHE_KEY_PREFIX": self.PREFIX}
        if url.startswith(("redis://", "rediss://", "unix://")):
            config.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=url)
        elif url.startswith("file://"):
            config.update(CACHE_TYPE="FileSystemCache", CACHE_DIR=url[len("file://"):], CACHE_THRESHOLD=500)
        elif url.startswith("simple://"):
            config.update(CACHE_TYPE="SimpleCache", CACHE_THRESHOLD=MAX_ENTRIES)
        else:
            raise ValueError(f"BRO_CACHE_URL: unknown cache {url.split(':', 1)[0]!r} (redis://, file://, simple://)")
        self.cache = Cache(config=config)
        self.cache.init_app(app)

    @staticmethod
    def _name(key: Hashable) -> str:
        return hashlib.sha256(repr(key).encode()).hexdigest()

    def get(self, key: Hashable, max_age: float) -> str | None:
        return self.cache.get(self._name(key))

    def put(self, key: Hashable, value: str, max_age: float = 60) -> None:
        self.cache.set(self._name(key), value, timeout=max(1, int(max_age)))

    def clear(self) -> None:
        self.cache.clear()


dashboard_bodies = FragmentCache()
_shared: dict[int, SharedCache] = {}
_shared_lock = threading.Lock()


def backend() -> FragmentCache | SharedCache:
    """The app's cache: shared when BRO_CACHE_URL is set, else this process's."""
    url = current_app.config.get("BRO_CACHE_URL")
    if not url:
        return dashboard_bodies
    app = current_app._get_current_object()
    with _shared_lock:
        found = _shared.get(id(app))
        if found is None:
            found = _shared[id(app)] = SharedCache(app, url)
        return found


def cache_seconds() -> float:
    configured = current_app.config.get("BRO_QUALITY_CACHE_SECONDS")
    if configured is None:
        return 0.0 if current_app.testing else 60.0
    return float(configured)


def warming_on() -> bool:
    """BRO_DASHBOARD_WARMING (default on; off under TESTING unless configured: tests roll back their writes)."""
    configured = current_app.config.get("BRO_DASHBOARD_WARMING")
    return (not current_app.testing) if configured is None else bool(configured)


def data_version(standard_id: int | None, team_ids: Iterable[int] | None) -> int:
    """The newest audit revision written for the standard in the teams (None: every team); 0 when none."""
    if standard_id is None:
        return 0
    query = select(func.max(AuditDataVersion.revision_id)).where(AuditDataVersion.standard_id == standard_id)
    if team_ids is not None:
        query = query.where(AuditDataVersion.team_id.in_(sorted(team_ids)))
    return db.session.execute(query).scalar() or 0


def cached_body(key: Hashable, render: Callable[[], str], *, standard_id: int | None,
                team_ids: Iterable[int] | None, warm: Callable[[], tuple[Hashable, str]] | None = None) -> str:
    """The cached body for ``key`` (the caller's filters and language) at the current data version of the
    standard in the teams, else ``render()`` stored under it. ``warm`` renders the same view again outside
    the request (returning its key and body); it is remembered so a write to the scope can re-render it."""
    seconds = cache_seconds()
    if seconds <= 0:
        return render()
    teams = None if team_ids is None else frozenset(team_ids)
    full_key = (key, standard_id, data_version(standard_id, teams))
    store = backend()
    body = store.get(full_key, seconds)
    if body is None and warmer.wait_for((key, standard_id, teams)):  # being warmed here: wait, not render twice
        body = store.get(full_key, seconds)
    if body is None:
        body = render()
        store.put(full_key, body, seconds)
    if warm is not None and standard_id is not None and warming_on():
        warmer.remember(current_app._get_current_object(), key, standard_id, teams, warm, seconds)
    return body


# -- warming after a write ---------------------------------------------------------------------------

RECENT_VIEWS = 32  # scopes remembered per process
QUIET_SECONDS = 1.0  # a scope is warmed once no audit has been written to it for this long ...
IDLE_WAIT_SECONDS = 5.0  # ... and this process serves no request, or at the latest this much later
MAX_WAIT_SECONDS = 30.0  # a scope written without a pause is still warmed, at most once in this long
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _View:
    app: Flask
    key: Hashable
    standard_id: int
    teams: frozenset[int] | None
    warm: Callable[[], tuple[Hashable, str]]
    shown_at: float
    lifetime: float


class Warmer:
    """The view shown last per scope in this process, and one background thread that renders again those a
    write made stale, once the writes to the scope pause and the process is idle (see the module docstring)."""

    def __init__(self, size: int = RECENT_VIEWS, quiet: float = QUIET_SECONDS, idle_wait: float = IDLE_WAIT_SECONDS,
                 max_wait: float = MAX_WAIT_SECONDS) -> None:
        self._views: OrderedDict[tuple, _View] = OrderedDict()
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)  # a write, or the last request in flight ended
        self._size = size
        self.quiet, self.idle_wait, self.max_wait = quiet, idle_wait, max_wait
        self._due: dict[tuple, tuple[float, float]] = {}  # scope -> (first write not warmed yet, last write)
        self._in_flight = 0  # requests this process is serving
        self._thread: threading.Thread | None = None
        self._idle = threading.Event()
        self._idle.set()
        self._rendering: dict[Hashable, threading.Event] = {}
        self.rendered = 0  # views warmed since start (tests, diagnostics)

    def remember(self, app: Flask, key: Hashable, standard_id: int, teams: frozenset[int] | None, warm,
                 lifetime: float) -> None:
        scope = (standard_id, teams)
        with self._lock:
            self._views[scope] = _View(app, key, standard_id, teams, warm, time.monotonic(), lifetime)
            self._views.move_to_end(scope)
            while len(self._views) > self._size:
                self._views.popitem(last=False)

    def written(self, scopes: set[tuple[int, int]]) -> None:
        """Audits were committed for these (standard, team) pairs: the views they made stale are due."""
        now = time.monotonic()
        with self._lock:
            stale = [scope for scope, view in self._views.items()
                     if now - view.shown_at <= view.lifetime
                     and any(view.standard_id == standard and (view.teams is None or team in view.teams)
                             for standard, team in scopes)]
            if not stale:
                return
            for scope in stale:
                first, _last = self._due.get(scope, (now, now))
                self._due[scope] = (first, now)
            self._idle.clear()
            self._changed.notify()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="bro-dashboard-warmer", daemon=True)
                self._thread.start()

    def request_began(self) -> None:
        with self._lock:
            self._in_flight += 1

    def request_ended(self) -> None:
        with self._lock:
            self._in_flight -= 1
            if self._in_flight <= 0 and self._due:
                self._changed.notify()

    def _next_due(self) -> tuple[tuple | None, float]:
        """The scope to warm now (the longest quiet), else None and how long to wait at most (lock held)."""
        now = time.monotonic()
        chosen, chosen_last, wait = None, 0.0, self.max_wait
        for scope, (first, last) in self._due.items():
            quiet_for, waited = now - last, now - first
            if waited >= self.max_wait:
                ready_in = 0.0
            elif quiet_for < self.quiet:
                ready_in = self.quiet - quiet_for
            elif self._in_flight <= 0 or quiet_for >= self.quiet + self.idle_wait:
                ready_in = 0.0
            else:  # quiet, but requests are being served: when they end (notified), or at the latest then
                ready_in = self.quiet + self.idle_wait - quiet_for
            ready_in = min(ready_in, self.max_wait - waited)
            if ready_in <= 0 and (chosen is None or last < chosen_last):
                chosen, chosen_last = scope, last
            wait = min(wait, max(ready_in, 0.001))
        return chosen, wait

    def _run(self) -> None:
        self._lock.acquire()
        try:
            while True:
                if not self._due:
                    self._thread = None
                    self._idle.set()
                    return
                scope, wait = self._next_due()
                if scope is None:
                    self._changed.wait(wait)
                    continue
                del self._due[scope]
                view = self._views.get(scope)
                if view is None or time.monotonic() - view.shown_at > view.lifetime:
                    continue  # forgotten, or not shown for a while: nobody is likely to read it
                full_key = (view.key, view.standard_id, view.teams)
                done = self._rendering[full_key] = threading.Event()
                self._lock.release()
                try:
                    self._render(view)
                finally:
                    self._lock.acquire()
                    if self._rendering.get(full_key) is done:
                        del self._rendering[full_key]
                    done.set()
        finally:
            self._lock.release()

    def _render(self, view: _View) -> None:
        """Render ``view`` under the data version read now, unless a reader has stored it already."""
        try:
            with view.app.app_context():
                try:
                    seconds = cache_seconds()
                    if seconds <= 0:
                        return
                    version = data_version(view.standard_id, view.teams)  # read before the data, as readers do
                    store = backend()
                    if store.get((view.key, view.standard_id, version), seconds) is not None:
                        return  # a reader came first and rendered it
                    key, body = view.warm()
                    store.put((key, view.standard_id, version), body, seconds)
                    self.rendered += 1
                finally:
                    db.session.remove()
        except Exception:  # noqa: BLE001 - warming is best effort: a reader renders on a miss anyway
            log.exception("Warming a dashboard failed")

    def wait_for(self, full_key: Hashable, timeout: float = 30.0) -> bool:
        """If this process is rendering the view ``(key, standard id, teams)`` right now, wait until it is
        stored (True); else False at once (a view due but not started yet is the reader's to render)."""
        with self._lock:
            done = self._rendering.get(full_key)
        return done is not None and done.wait(timeout)

    def wait(self, timeout: float = 30.0) -> bool:
        """Until every due view is rendered (tests)."""
        return self._idle.wait(timeout)

    def forget(self) -> None:
        with self._lock:
            self._views.clear()
            self._due.clear()
            for done in self._rendering.values():
                done.set()
            self._rendering.clear()
            self._changed.notify()


warmer = Warmer()

WRITTEN = "bro_audit_data_written"  # session.info: (standard id, team id) pairs written (bro.audits.operations)


def _after_commit(session: Session) -> None:
    scopes = session.info.pop(WRITTEN, None)
    if scopes:
        warmer.written(scopes)


def _counting_requests(wsgi_app):
    """The app's WSGI callable, telling the warmer when a request begins and ends."""
    def counted(environ, start_response):
        warmer.request_began()
        try:
            return wsgi_app(environ, start_response)
        finally:
            warmer.request_ended()

    counted.counts_for_warming = True
    return counted


def install(app: Flask) -> None:
    """Warm after commits that wrote audits, when the app is idle (called once when the quality blueprint is
    registered)."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
    if not getattr(app.wsgi_app, "counts_for_warming", False):
        app.wsgi_app = _counting_requests(app.wsgi_app)

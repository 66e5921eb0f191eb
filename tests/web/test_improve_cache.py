"""The dashboard cache: invalidated per standard and team by the data version every write keeps, and shared
between app servers through BRO_CACHE_URL (a file-system cache here: it needs no server)."""
from __future__ import annotations

import itertools
import os
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bro.extensions import db
from tests.web.frozen_clock import TODAY, fixed_today  # noqa: F401  (fixed_today: autouse fixture)


def test_the_data_version_moves_only_for_the_team_and_standard_written(factory):
    from bro.improve.cache import data_version

    team_a, team_b = factory.team("Alpha"), factory.team("Beta")
    sup_a, sup_b = factory.supervisor(team_a), factory.supervisor(team_b)
    staff_a, staff_b = factory.staff(team=team_a), factory.staff(team=team_b)
    first, second = factory.audit_standard(key="cache-one"), factory.audit_standard(key="cache-two")
    factory.audit(staff_a, sup_a, first, interacted_on=TODAY)
    factory.audit(staff_b, sup_b, first, interacted_on=TODAY)
    scopes = [(standard, teams) for standard in (first.standard_id, second.standard_id)
              for teams in ((team_a.id,), (team_b.id,), None)]
    before = {scope: data_version(*scope) for scope in scopes}
    factory.audit(staff_a, sup_a, first, interacted_on=TODAY - timedelta(days=3))
    moved = {scope for scope in scopes if data_version(*scope) != before[scope]}
    assert moved == {(first.standard_id, (team_a.id,)), (first.standard_id, None)}


def test_a_correction_moves_the_data_version(factory):
    from bro.audits.operations import correct_audit
    from bro.improve.cache import data_version

    team = factory.team("Alpha")
    sup, staff = factory.supervisor(team), factory.staff(team=team)
    version = factory.audit_standard(key="cache-correct")
    audit = factory.audit(staff, sup, version, interacted_on=TODAY)
    before = data_version(version.standard_id, {team.id})
    correct_audit(audit, by=sup, ratings={"greet": "not_met", "needs": "met", "close": "met"}, reason="typo")
    assert data_version(version.standard_id, {team.id}) > before


def test_the_migration_back_fill_matches_what_writes_keep(factory):
    from bro.models.audits import Audit, AuditDataVersion, AuditRevision

    team_a, team_b = factory.team("Alpha"), factory.team("Beta")
    version = factory.audit_standard(key="cache-backfill")
    for team in (team_a, team_b):
        sup, staff = factory.supervisor(team), factory.staff(team=team)
        for day in range(3):
            factory.audit(staff, sup, version, interacted_on=TODAY - timedelta(days=day))
    kept = set(db.session.execute(select(AuditDataVersion.standard_id, AuditDataVersion.team_id,
                                         AuditDataVersion.revision_id)).all())
    back_filled = set(db.session.execute(
        select(Audit.standard_id, Audit.team_id, func.max(AuditRevision.id))
        .join(Audit, Audit.id == AuditRevision.audit_id).group_by(Audit.standard_id, Audit.team_id)).all())
    assert kept == back_filled


def _two_audited_teams(app, key: str) -> tuple[dict, dict]:
    """Teams Alpha and Beta, each with a supervisor and a staff member audited on each of the last 3 days
    against a new standard ``key`` (committed): their ids and the supervisors' emails, by "a" and "b"."""
    from tests.factories import Factory

    with app.app_context():
        factory = Factory()
        team_a, team_b = factory.team("Alpha"), factory.team("Beta")
        sup_a, sup_b = factory.supervisor(team_a), factory.supervisor(team_b)
        staff_a, staff_b = factory.staff(team=team_a), factory.staff(team=team_b)
        version = factory.audit_standard(key=key)
        for day in range(3):
            factory.audit(staff_a, sup_a, version, interacted_on=TODAY - timedelta(days=day))
            factory.audit(staff_b, sup_b, version, interacted_on=TODAY - timedelta(days=day))
        db.session.commit()
        ids = {"a": team_a.id, "b": team_b.id, "staff_a": staff_a.id, "sup_a": sup_a.id, "version": version.id}
        return ids, {"a": sup_a.email, "b": sup_b.email}


@pytest.mark.no_db
def test_two_servers_sharing_the_cache_see_a_write_on_either(committed_app, tmp_path):
    """Server A renders; server B (another app on the same database and cache) reuses A's entry; an audit
    recorded through B invalidates that team's entry on both, and leaves the other team's entry in place."""
    from bro import create_app
    from bro.improve import registry
    from tests.conftest import PASSWORD, app_config
    from tests.factories import Factory

    # BRO_TEST_CACHE_URL (e.g. redis://127.0.0.1:6379/15) runs this against a real shared cache; the default needs
    # no server, so the test never skips.
    url = os.environ.get("BRO_TEST_CACHE_URL") or f"file://{tmp_path / 'cache'}"
    shared = {"BRO_CACHE_URL": url, "BRO_QUALITY_CACHE_SECONDS": 60,
              "BRO_DASHBOARD_WARMING": True}
    committed_app.config.update(shared)
    server_b = create_app(app_config(committed_app.config["SQLALCHEMY_DATABASE_URI"], **shared))
    ids, emails = _two_audited_teams(committed_app, "cache-shared")

    def logged_in(app, who):
        client = app.test_client()
        assert client.post("/login", data={"email": emails[who], "password": PASSWORD}).status_code == 302
        return client

    builds = []
    original = registry.build_dashboard

    def counting(*args, **kwargs):
        builds.append(1)
        return original(*args, **kwargs)

    from bro.improve import routes

    mp = pytest.MonkeyPatch()
    mp.setattr(routes, "build_dashboard", counting)
    try:
        on_a, on_b = logged_in(committed_app, "a"), logged_in(server_b, "a")
        other_b = logged_in(server_b, "b")
        url_a, url_b = f"/quality/?team={ids['a']}", f"/quality/?team={ids['b']}"
        assert on_a.get(url_a).status_code == 200
        assert on_b.get(url_a).status_code == 200 and len(builds) == 1  # B reuses A's entry
        other_b.get(url_b)
        assert len(builds) == 2
        # An audit of team A, recorded through server B's form handling path (the operation, then a commit).
        with server_b.app_context():
            from bro.models.curricula import StandardVersion
            from bro.models.people import User

            Factory().audit(db.session.get(User, ids["staff_a"]), db.session.get(User, ids["sup_a"]),
                            db.session.get(StandardVersion, ids["version"]), interacted_on=TODAY,
                            ratings={"greet": "not_met", "needs": "met", "close": "met"})
            db.session.commit()
        from bro.improve.cache import warmer

        assert warmer.wait(30)  # the write's server re-renders the stale view in the background ...
        assert on_a.get(url_a).status_code == 200 and len(builds) == 3  # ... once, for both servers
        assert on_b.get(url_a).status_code == 200 and len(builds) == 3
        other_b.get(url_b)
        assert len(builds) == 3  # team B's entry survived the write
    finally:
        mp.undo()
        from bro.improve.cache import warmer

        warmer.forget()
        with server_b.app_context():
            db.session.remove()
            db.engine.dispose()


_WARMING_STANDARDS = itertools.count(1)


@pytest.fixture
def warming(committed_app, monkeypatch):
    """The committed app with the cache and warming on, a counter of dashboard builds, and helpers: ``login(who)``
    a client of team "a"'s or "b"'s supervisor, ``audit_team_a()`` an audit of team A committed outside any
    request. Yields (ids, builds, login, audit_team_a)."""
    from bro.improve import routes
    from bro.improve.cache import dashboard_bodies, warmer
    from bro.models.curricula import StandardVersion
    from bro.models.people import User
    from tests.conftest import PASSWORD
    from tests.factories import Factory

    monkeypatch.setitem(committed_app.config, "BRO_QUALITY_CACHE_SECONDS", 60)
    monkeypatch.setitem(committed_app.config, "BRO_DASHBOARD_WARMING", True)
    dashboard_bodies.clear()
    warmer.forget()
    ids, emails = _two_audited_teams(committed_app, f"cache-warm-{next(_WARMING_STANDARDS)}")  # one per test
    builds = []
    original = routes.build_dashboard
    monkeypatch.setattr(routes, "build_dashboard", lambda *a, **k: builds.append(1) or original(*a, **k))

    def login(who):
        client = committed_app.test_client()
        assert client.post("/login", data={"email": emails[who], "password": PASSWORD}).status_code == 302
        return client

    def audit_team_a():
        with committed_app.app_context():
            Factory().audit(db.session.get(User, ids["staff_a"]), db.session.get(User, ids["sup_a"]),
                            db.session.get(StandardVersion, ids["version"]), interacted_on=TODAY,
                            ratings={"greet": "not_met", "needs": "met", "close": "met"})
            db.session.commit()

    try:
        yield ids, builds, login, audit_team_a
    finally:
        warmer.forget()
        dashboard_bodies.clear()


@pytest.mark.no_db
def test_a_write_warms_the_stale_views_of_its_scope_only(warming):
    from bro.improve.cache import warmer

    ids, builds, login, audit_team_a = warming
    clients = {who: login(who) for who in ("a", "b")}
    url_a, url_b = f"/quality/?team={ids['a']}", f"/quality/?team={ids['b']}"
    before = clients["a"].get(url_a).get_data(as_text=True)
    clients["b"].get(url_b)
    assert len(builds) == 2
    audit_team_a()
    assert warmer.wait(30)
    assert len(builds) == 3  # team A's view rendered again in the background; team B's left alone
    after = clients["a"].get(url_a).get_data(as_text=True)
    assert len(builds) == 3 and after != before  # the reader finds the new data ready
    clients["b"].get(url_b)
    assert len(builds) == 3


@pytest.mark.no_db
def test_a_reader_right_after_a_write_renders_and_the_warmer_then_skips_that_view(warming):
    from bro.improve.cache import warmer

    ids, builds, login, audit_team_a = warming
    client = login("a")
    url_a = f"/quality/?team={ids['a']}"
    client.get(url_a)
    rendered_before = warmer.rendered
    audit_team_a()
    client.get(url_a)  # within the quiet second after the write: the reader renders, as on any miss
    assert len(builds) == 2
    assert warmer.wait(30)
    assert len(builds) == 2 and warmer.rendered == rendered_before  # the warmer found it stored


def test_a_reader_waits_for_the_view_being_warmed_instead_of_rendering_it_again():
    import threading

    from bro.improve.cache import Warmer

    warmer = Warmer()
    view_key = ("en", (("team", "1"),), (1,), 0)
    assert warmer.wait_for((view_key, 5, frozenset({1}))) is False  # nothing warming: render at once
    started = threading.Event()
    warmer._rendering[(view_key, 5, frozenset({1}))] = done = threading.Event()

    def reader():
        started.set()
        assert warmer.wait_for((view_key, 5, frozenset({1})), timeout=10)

    thread = threading.Thread(target=reader)
    thread.start()
    started.wait(5)
    done.set()
    thread.join(10)
    assert not thread.is_alive()


def _scheduling_warmer(monkeypatch, **timings):
    """A Warmer with short waits whose renders are only counted (the scheduling alone), with one view of
    standard 5 over team 1 shown just now: (warmer, times of its renders)."""
    import time

    from bro.improve.cache import Warmer

    warmer = Warmer(**timings)
    rendered: list[float] = []
    monkeypatch.setattr(warmer, "_render", lambda view: rendered.append(time.monotonic()))
    warmer.remember(None, ("en", (), (1,), 0), 5, frozenset({1}), warm=None, lifetime=60)
    return warmer, rendered


def test_a_burst_of_writes_warms_the_stale_view_once_after_the_burst(monkeypatch):
    import time

    warmer, rendered = _scheduling_warmer(monkeypatch, quiet=0.3, idle_wait=5, max_wait=30)
    for _ in range(8):
        last_write = time.monotonic()  # no later than the warmer's own clock reading inside written()
        warmer.written({(5, 1)})
        time.sleep(0.05)
    assert rendered == []  # nothing rendered while the writes go on
    assert warmer.wait(10)
    assert len(rendered) == 1 and rendered[0] >= last_write + 0.3  # once, after a quiet spell
    warmer.written({(6, 1), (5, 2)})  # another standard, another team: not this view's scope
    assert warmer.wait(1) and len(rendered) == 1


def test_warming_waits_until_the_process_serves_no_request(monkeypatch):
    import time

    warmer, rendered = _scheduling_warmer(monkeypatch, quiet=0.05, idle_wait=30, max_wait=60)
    warmer.request_began()
    warmer.written({(5, 1)})
    time.sleep(0.5)
    assert rendered == []  # quiet, but a request is being served
    ended = time.monotonic()
    warmer.request_ended()
    assert warmer.wait(10) and len(rendered) == 1 and rendered[0] >= ended


def test_a_busy_process_still_warms_after_the_idle_wait(monkeypatch):
    warmer, rendered = _scheduling_warmer(monkeypatch, quiet=0.05, idle_wait=0.3, max_wait=60)
    warmer.request_began()  # a request that never ends
    warmer.written({(5, 1)})
    assert warmer.wait(10) and len(rendered) == 1


def test_a_scope_written_without_pause_is_warmed_at_most_once_per_max_wait(monkeypatch):
    import time

    warmer, rendered = _scheduling_warmer(monkeypatch, quiet=0.3, idle_wait=1, max_wait=0.5)
    started = time.monotonic()
    while time.monotonic() - started < 2.0:
        warmer.written({(5, 1)})
        time.sleep(0.02)
    assert 1 <= len(rendered) <= 5  # about one per 0.5 s, though never quiet for 0.3 s
    assert all(later - earlier >= 0.45 for earlier, later in zip(rendered, rendered[1:]))
    warmer.forget()

"""Expensive read views are bounded: their SQL stops after BRO_HEAVY_VIEW_TIMEOUT_MS with a 503 page, and one
user runs at most BRO_HEAVY_VIEWS_PER_USER of them at once (429 with Retry-After), across worker processes."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest
from sqlalchemy import text

from bro.extensions import db
from bro.improve import routes as improve_routes
from bro.limits import AllSlotsTaken, user_slot

BOUNDED = ("/quality/", "/quality/data.csv?chart=pareto", "/quality/table?chart=pareto", "/quality/evidence")
# Counts to a hundred million: seconds on either database, unless something stops it.
SLOW_SQL = text("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) "
                "SELECT count(*) FROM n")


@pytest.fixture
def supervisor(factory, login):
    return login(factory.supervisor(name="Busy Supervisor"))


@pytest.fixture
def slow_standards(monkeypatch):
    """Every bounded view reads the standards first: make that read a very slow statement."""
    original = improve_routes.q.standards_with_steps

    def slow():
        db.session.execute(SLOW_SQL)
        return original()

    monkeypatch.setattr(improve_routes.q, "standards_with_steps", slow)


@pytest.mark.parametrize("url", BOUNDED)
def test_a_slow_view_is_stopped_with_a_friendly_503(url, client, supervisor, slow_standards, app, monkeypatch):
    monkeypatch.setitem(app.config, "BRO_HEAVY_VIEW_TIMEOUT_MS", 200)
    started = time.perf_counter()
    response = client.get(url)
    assert time.perf_counter() - started < 5
    assert response.status_code == 503
    assert "took too long" in response.get_data(as_text=True) and "Narrow the date range" in response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "30"


def test_the_time_limit_ends_with_the_view(client, supervisor, app, monkeypatch):
    """After a bounded view the same connection runs long statements again (no leftover timeout or handler)."""
    monkeypatch.setitem(app.config, "BRO_HEAVY_VIEW_TIMEOUT_MS", 50)
    assert client.get("/quality/evidence").status_code == 200
    quick = text("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) "
                 "SELECT count(*) FROM n")
    started = time.perf_counter()
    while time.perf_counter() - started < 0.1:  # let the 50 ms budget run out
        time.sleep(0.02)
    assert db.session.execute(quick).scalar() == 300000


def test_a_third_heavy_view_of_the_same_user_waits_its_turn(client, supervisor):
    with user_slot(supervisor.id, 2), user_slot(supervisor.id, 2):
        response = client.get("/quality/")
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "5"
        assert "2 heavy pages loading" in response.get_data(as_text=True)
    assert client.get("/quality/").status_code == 200  # the slots are free again


def test_other_users_heavy_views_do_not_hold_up_mine(client, supervisor, factory):
    other = factory.supervisor(name="Other Supervisor")
    with user_slot(other.id, 2), user_slot(other.id, 2):
        assert client.get("/quality/").status_code == 200


def test_one_free_slot_is_enough(client, supervisor):
    with user_slot(supervisor.id, 2):
        assert client.get("/quality/evidence").status_code == 200


def test_the_slots_are_shared_by_worker_processes(client, supervisor, app):
    """Two slots held by another process (as by two other gunicorn workers) refuse a third view here."""
    from bro.limits import lock_dir

    with app.app_context():
        folder = lock_dir()
    holder = subprocess.Popen(
        [sys.executable, "-c", (
            "import fcntl, os, sys, time\n"
            f"handles = [os.open(os.path.join({folder!r}, f'heavy-view-{supervisor.id}-{{s}}.lock'), "
            "os.O_RDWR | os.O_CREAT) for s in (0, 1)]\n"
            "[fcntl.flock(h, fcntl.LOCK_EX) for h in handles]\n"
            "print('held', flush=True)\n"
            "sys.stdin.readline()\n")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert client.get("/quality/evidence").status_code == 429
    finally:
        holder.communicate("done\n", timeout=10)
    assert client.get("/quality/evidence").status_code == 200


def test_a_slot_is_released_when_the_view_fails(app, tmp_path):
    with pytest.raises(ZeroDivisionError):
        with user_slot(7, 1, str(tmp_path)):
            1 / 0
    with user_slot(7, 1, str(tmp_path)):
        with pytest.raises(AllSlotsTaken):
            with user_slot(7, 1, str(tmp_path)):
                pass

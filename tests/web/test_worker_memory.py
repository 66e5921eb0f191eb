"""What a web worker loads: Alembic only when migrations are run, the statistics libraries only when a page
computes statistics (each costs every worker megabytes of memory; issue 16 bounds a worker's peak)."""
import subprocess
import sys

import pytest

pytestmark = pytest.mark.no_db

HEAVY = ("alembic", "mako", "numpy", "scipy", "statsmodels", "pandas", "krippendorff")


def test_creating_the_app_imports_neither_alembic_nor_the_statistics_libraries(tmp_path):
    script = (
        "import sys\n"
        "from bro import create_app\n"
        "from tests.conftest import app_config\n"
        f"create_app(app_config('sqlite:///{tmp_path / 'app.sqlite3'}'))\n"
        f"print(','.join(name for name in {HEAVY!r} if name in sys.modules))\n"
    )
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == ""


def test_flask_db_still_runs_flask_migrate_commands_with_their_options(tmp_path):
    from bro import create_app
    from tests.conftest import app_config

    app = create_app(app_config(f"sqlite:///{tmp_path / 'db.sqlite3'}"))
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["db", "--help"])
    assert listed.exit_code == 0 and "upgrade" in listed.output and "--directory" in listed.output
    upgraded = runner.invoke(args=["db", "-x", "unused=1", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    from sqlalchemy import text

    from bro.extensions import db

    with app.app_context():
        version = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        db.engine.dispose()
    from pathlib import Path

    from alembic.script import ScriptDirectory

    assert [version] == ScriptDirectory(str(Path(__file__).parents[2] / "migrations")).get_heads()


def test_gunicorn_workers_keep_two_malloc_arenas_and_mmap_large_blocks(monkeypatch):
    """Four threads would otherwise get four glibc arenas, each keeping its own freed memory (README "Worker
    memory"); blocks of 1 MiB or more (a password hash) go back to the system when freed."""
    import ctypes

    from bro import gunicorn_config

    calls = []

    class FakeLibc:
        def mallopt(self, parameter, value):
            calls.append((parameter, value))
            return 1

    monkeypatch.setattr(ctypes, "CDLL", lambda name: FakeLibc())
    gunicorn_config.post_fork(server=None, worker=None)
    assert calls == [(-8, 2), (-3, 1024 * 1024)]  # M_ARENA_MAX = 2, M_MMAP_THRESHOLD = 1 MiB
    assert (gunicorn_config.workers, gunicorn_config.threads, gunicorn_config.worker_class) == (2, 4, "gthread")


def test_the_dashboard_cache_keeps_bodies_compressed_and_returns_them_unchanged():
    """32 plain bodies of ~300,000 characters (two bytes each in Python once one is beyond Latin-1) took ~20 MB
    of a worker; compressed they take a tenth of that."""
    from bro.improve.cache import FragmentCache

    cache = FragmentCache(size=2)
    body = "".join(f'<rect x="{i}" y="{i % 97}" width="3"><title>Week {i} … 12.{i % 10} %</title></rect>\n'
                   for i in range(4000))
    cache.put("view", body)
    stored = cache._entries["view"][1]
    assert isinstance(stored, bytes) and len(stored) < len(body) // 4
    assert cache.get("view", max_age=60) == body


def test_cached_exact_limits_are_compact():
    """exact_limits keeps up to 8192 (n, p̄) per worker: slots and tuples, ~380 bytes an entry instead of ~720."""
    from bro.quality.pchart import exact_limits

    limits = exact_limits(50, 0.1)
    assert not hasattr(limits, "__dict__")
    assert isinstance(limits.upper, tuple) and isinstance(limits.lower, tuple)
    assert limits.upper[3] == exact_limits(50, 0.1).upper[3] and limits.zone(50) == 3

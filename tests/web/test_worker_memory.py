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

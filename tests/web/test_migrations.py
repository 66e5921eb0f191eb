"""Migrations build the whole schema from empty, and match the models (no create_all in production)."""
import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from bro import create_app
from bro.extensions import db
from tests.conftest import app_config

pytestmark = [
    pytest.mark.no_db,
    # `make test` and CI always run this; a bare `pytest` while models are in flux may skip it.
    pytest.mark.skipif(os.environ.get("BRO_CHECK_MIGRATIONS") != "1", reason="set BRO_CHECK_MIGRATIONS=1"),
]


@pytest.fixture
def empty_database_url(tmp_path):
    url = os.environ.get("MIGRATIONS_DATABASE_URL")
    if url:
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        return url
    if (os.environ.get("DATABASE_URL") or "").startswith("postgresql") and os.environ.get("CI") == "true":
        pytest.fail("set MIGRATIONS_DATABASE_URL to an empty PostgreSQL database to test migrations")
    return f"sqlite:///{tmp_path / 'migrations.sqlite3'}"


def test_upgrade_from_empty_builds_a_schema_matching_the_models(empty_database_url):
    app = create_app(app_config(empty_database_url))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], f"models and migrations differ: run `flask db migrate` and review: {differences}"
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()

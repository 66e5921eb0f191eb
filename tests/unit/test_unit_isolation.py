"""Unit tests run without the web stack: no app fixture, and building an app fails at once."""
from __future__ import annotations

import pytest


def test_unit_tests_have_no_database_fixtures(request):
    for name in ("app", "db_session", "client", "factory"):
        with pytest.raises(pytest.FixtureLookupError):
            request.getfixturevalue(name)


def test_building_the_app_in_a_unit_test_fails():
    from bro import create_app

    with pytest.raises(RuntimeError, match="unit test built a Flask app"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})

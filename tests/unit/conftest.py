"""Unit tests exercise plain Python: building the Flask app here is a mistake this guard reports at once."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_app_in_unit_tests(monkeypatch):
    import flask

    def refuse(*_args, **_kwargs):
        raise RuntimeError("a unit test built a Flask app: move it to tests/web/ or test the pure function")

    monkeypatch.setattr(flask.Flask, "__init__", refuse)
    yield

"""bro.database.commit_when_unlocked: the one retry of a write that SQLite answered "database is locked"."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from bro.database import DatabaseBusy, commit_when_unlocked


def _locked():
    return OperationalError("INSERT ...", {}, Exception("database is locked"))


def test_a_locked_write_is_run_again_until_it_commits(app):
    tries = []

    def work():
        tries.append(1)
        if len(tries) < 3:
            raise _locked()
        return "recorded"

    with app.app_context():
        assert commit_when_unlocked(work, first_wait=0) == "recorded"
    assert len(tries) == 3


def test_a_write_locked_every_time_answers_503(app):
    with app.app_context():
        with pytest.raises(DatabaseBusy) as raised:
            commit_when_unlocked(lambda: (_ for _ in ()).throw(_locked()), retries=2, first_wait=0)
    assert raised.value.code == 503


def test_other_errors_are_not_retried(app):
    tries = []

    def work():
        tries.append(1)
        raise ValueError("not a lock")

    with app.app_context(), pytest.raises(ValueError):
        commit_when_unlocked(work, first_wait=0)
    assert len(tries) == 1

"""Two tabs submit the same attempt at the same moment: one result is recorded, both see it.

Runs against its own committed database (the per-test rollback cannot show other connections
anything): a SQLite file, or a fresh PostgreSQL database when TRAINING_CONCURRENCY_DATABASE_URL is set.
"""
from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import func, select

from bro import create_app
from bro.extensions import db
from bro.models.training import AttemptAnswer, QuizAttempt
from tests.conftest import PASSWORD, app_config

pytestmark = pytest.mark.no_db

TABS = 4


@pytest.fixture
def separate_app(tmp_path):
    url = os.environ.get("TRAINING_CONCURRENCY_DATABASE_URL") or f"sqlite:///{tmp_path / 'race.sqlite3'}"
    app = create_app(app_config(url))
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def test_simultaneous_submissions_record_one_result(separate_app):
    from tests.factories import Factory
    from tests.web.world_training import correct_responses, import_training_course, module_of

    from bro.training.operations import start_attempt

    with separate_app.app_context():
        staff = Factory().staff(name="Racing Tabs")
        course = import_training_course()
        module = module_of(course, "basics")
        good = correct_responses(module)
        attempt_ids = [start_attempt(staff, module).id]
        db.session.commit()
        email = staff.email

    clients = []
    for _ in range(TABS):
        client = separate_app.test_client()
        assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
        clients.append(client)
    data = {"q-q-single": good["q-single"], "q-q-tf": "true"}
    barrier = threading.Barrier(TABS)
    responses = [None] * TABS

    def submit(index):
        barrier.wait()
        responses[index] = clients[index].post(f"/learning/attempts/{attempt_ids[0]}/submit", data=data)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(TABS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [r.status_code for r in responses] == [302] * TABS
    assert {r.headers["Location"] for r in responses} == {f"/learning/attempts/{attempt_ids[0]}/review"}
    with separate_app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_ids[0])
        assert attempt.earned == 2 and attempt.submitted_at is not None
        answers = db.session.execute(select(func.count()).select_from(AttemptAnswer)
                                     .where(AttemptAnswer.attempt_id == attempt.id)).scalar()
        assert answers == 5


def test_simultaneous_starts_open_one_attempt(separate_app):
    from tests.factories import Factory
    from tests.web.world_training import import_training_course

    with separate_app.app_context():
        staff = Factory().staff(name="Double Clicker")
        course = import_training_course()
        db.session.commit()
        email, course_id = staff.email, course.id

    clients = []
    for _ in range(TABS):
        client = separate_app.test_client()
        assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
        clients.append(client)
    barrier = threading.Barrier(TABS)
    responses = [None] * TABS

    def start(index):
        barrier.wait()
        responses[index] = clients[index].post(f"/learning/courses/{course_id}/modules/basics/quiz")

    threads = [threading.Thread(target=start, args=(i,)) for i in range(TABS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status_code for r in responses] == [302] * TABS
    assert len({r.headers["Location"] for r in responses}) == 1
    with separate_app.app_context():
        assert db.session.execute(select(func.count()).select_from(QuizAttempt)).scalar() == 1

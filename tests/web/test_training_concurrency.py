"""Two tabs submit the same attempt at the same moment: one result is recorded, both see it.

Runs against its own committed database (the per-test rollback cannot show other connections
anything): the `committed_app` fixture (a SQLite file, or PostgreSQL in CI).
"""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from bro.extensions import db
from bro.models.training import AttemptAnswer, QuizAttempt
from tests.conftest import PASSWORD

pytestmark = pytest.mark.no_db

TABS = 4


def test_simultaneous_submissions_record_one_result(committed_app):
    from tests.factories import Factory
    from tests.web.world_training import correct_responses, import_training_course, module_of

    from bro.training.operations import start_attempt

    with committed_app.app_context():
        staff = Factory().staff(name="Racing Tabs")
        course = import_training_course()
        module = module_of(course, "basics")
        good = correct_responses(module)
        attempt_ids = [start_attempt(staff, module).id]
        db.session.commit()
        email = staff.email

    clients = []
    for _ in range(TABS):
        client = committed_app.test_client()
        assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
        clients.append(client)
    data = {"q-q-single": good["q-single"], "q-q-tf": "true", "confirm_blank": "1"}
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
    with committed_app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_ids[0])
        assert attempt.earned == 2 and attempt.submitted_at is not None
        answers = db.session.execute(select(func.count()).select_from(AttemptAnswer)
                                     .where(AttemptAnswer.attempt_id == attempt.id)).scalar()
        assert answers == 5


def test_simultaneous_starts_open_one_attempt(committed_app):
    from tests.factories import Factory
    from tests.web.world_training import import_training_course

    with committed_app.app_context():
        staff = Factory().staff(name="Double Clicker")
        course = import_training_course()
        db.session.commit()
        email, course_id = staff.email, course.id

    clients = []
    for _ in range(TABS):
        client = committed_app.test_client()
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
    with committed_app.app_context():
        assert db.session.execute(select(func.count()).select_from(QuizAttempt)).scalar() == 1

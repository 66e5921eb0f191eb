"""'At most one' rules are enforced by the database itself, not only by a read before the write.

A read-then-insert in the application cannot stop two requests that read at the same moment (the quiz-start
race CI caught on SQLite and PostgreSQL). These tests write the second row directly, as a racing request would
after its check passed, and expect the database to refuse it.
"""
from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from bro import clock
from bro.extensions import db
from bro.models.audits import Dispute
from bro.models.training import QuizAttempt
from bro.training.operations import start_attempt
from tests.web.world_training import import_training_course, module_of


def test_database_refuses_a_second_open_attempt_at_one_module(factory):
    staff = factory.staff()
    module = module_of(import_training_course(), "basics")
    first = start_attempt(staff, module)
    racing = QuizAttempt(user_id=staff.id, course_id=first.course_id, module_id=first.module_id,
                         module_key=first.module_key, number=first.number + 1, started_at=clock.utcnow(),
                         question_order=[], option_order={})
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(racing)


def test_a_submitted_attempt_does_not_block_the_next_open_one(factory):
    staff = factory.staff()
    module = module_of(import_training_course(), "basics")
    first = start_attempt(staff, module)
    first.submitted_at = clock.utcnow()
    db.session.flush()
    second = start_attempt(staff, module)
    assert second.id != first.id and second.number == first.number + 1


def test_database_refuses_a_second_open_dispute_on_one_audit(factory):
    team = factory.team()
    staff, auditor = factory.staff(team=team), factory.supervisor(team)
    audit = factory.audit(staff, auditor, factory.audit_standard())
    db.session.add(Dispute(audit_id=audit.id, raised_by_id=staff.id, reason="first"))
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(Dispute(audit_id=audit.id, raised_by_id=staff.id, reason="double click"))

"""assign_retraining_batch (used after audits) decides like assign_retraining, module by module."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bro import clock
from bro.extensions import db
from bro.training.operations import assign_course, assign_retraining, assign_retraining_batch
from tests.web.world_training import import_training_course, module_of

T0 = datetime(2026, 3, 2, 9, 0, 0)


@pytest.fixture
def course(factory, monkeypatch):
    monkeypatch.setattr(clock, "utcnow", lambda: T0)
    return import_training_course()


def test_batch_assigns_each_module_once_and_skips_open_ones(factory, course):
    staff, supervisor = factory.staff(name="Bea Batch"), factory.supervisor()
    basics, extra = module_of(course, "basics"), module_of(course, "extra")
    assert assign_retraining(staff, basics, audit_id=1, step_key="greet") is not None  # open: skipped below
    created = assign_retraining_batch(staff, [(basics, "greet"), (extra, "close"), (extra, "close")], 7,
                                      assigned_by=supervisor)
    assert [(a.module_key, a.step_key, a.audit_id, a.reason, a.assigned_by_id) for a in created] == [
        ("extra", "close", 7, "retraining", supervisor.id)]
    assert created[0].id is not None and created[0].due_date == (T0 + timedelta(days=14)).date()
    assert assign_retraining(staff, extra, audit_id=8, step_key="close") is None  # the batch's one is open
    assert assign_retraining_batch(staff, [], 9) == []


def test_batch_ignores_completed_and_whole_course_assignments(factory, course):
    staff = factory.staff(name="Cy Completed")
    basics = module_of(course, "basics")
    done = assign_retraining(staff, basics, audit_id=1, step_key="greet")
    done.completed_at = T0
    assign_course(staff, course, None, None)  # a whole-course assignment is not a module's
    db.session.flush()
    created = assign_retraining_batch(staff, [(basics, "greet")], 2)
    assert [a.module_key for a in created] == ["basics"]

"""Closing the loop: nonconforming steps assign the modules that teach them."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bro.extensions import db
from bro.models.training import Assignment


@pytest.fixture
def setup(factory):
    team = factory.team()
    staff, supervisor = factory.staff(team=team), factory.supervisor(team)
    version = factory.standard_version()  # sample-service: greet, needs, confirm (critical); course teaches them
    return staff, supervisor, version


def _assignments(staff):
    return db.session.execute(select(Assignment).where(Assignment.user_id == staff.id)
                              .order_by(Assignment.id)).scalars().all()


def test_two_failed_steps_taught_by_one_module_assign_it_once(factory, setup):
    staff, supervisor, version = setup
    audit = factory.audit(staff, supervisor, version, ratings={"greet": "partial", "needs": "not_met",
                                                               "confirm": "met"})
    (assignment,) = _assignments(staff)
    assert (assignment.module_key, assignment.audit_id, assignment.step_key) == ("basics", audit.id, "greet")
    assert assignment.reason == "retraining" and assignment.assigned_by_id == supervisor.id


def test_no_new_assignment_while_one_is_open(factory, setup):
    staff, supervisor, version = setup
    factory.audit(staff, supervisor, version, ratings={"greet": "not_met", "needs": "met", "confirm": "met"})
    factory.audit(staff, supervisor, version, ratings={"greet": "met", "needs": "partial", "confirm": "not_met"})
    assert [(a.module_key, a.step_key) for a in _assignments(staff)] == [("basics", "greet"), ("closing", "confirm")]


def test_conforming_audit_assigns_nothing(factory, setup):
    staff, supervisor, version = setup
    factory.audit(staff, supervisor, version, ratings={"greet": "met", "needs": "na", "confirm": "met"})
    assert _assignments(staff) == []


def test_only_the_current_course_version_teaches(factory, setup):
    from tests.factories import SAMPLE_CURRICULUM

    staff, supervisor, version = setup
    # a new course version where `closing` no longer teaches confirm (basics does)
    factory.curricula(SAMPLE_CURRICULUM.replace("teaches: [greet, needs]", "teaches: [greet, needs, confirm]")
                      .replace("teaches: [confirm]", "teaches: []"))
    factory.audit(staff, supervisor, version, ratings={"greet": "met", "needs": "met", "confirm": "not_met"})
    assert [(a.module_key, a.step_key) for a in _assignments(staff)] == [("basics", "confirm")]

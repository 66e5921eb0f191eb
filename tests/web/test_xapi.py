"""xAPI statements: derived once per learning event, valid xAPI 1.0.3, sent to an LRS from an outbox."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from bro import clock
from bro.extensions import db
from bro.models.xapi import XapiStatement
from bro.training.operations import start_attempt, submit_attempt
from tests.lrs_standin import LrsStandIn, statement_problems
from tests.web.world_training import correct_responses, import_training_course, module_of


@pytest.fixture
def learner(factory):
    staff = factory.staff(name="Dewi Lestari")
    course = import_training_course()
    module = module_of(course, "basics")
    submit_attempt(start_attempt(staff, module), {})  # a fail
    submit_attempt(start_attempt(staff, module), correct_responses(module))  # a pass
    return staff, course


@pytest.fixture
def lrs(app, monkeypatch):
    with LrsStandIn() as stand_in:
        monkeypatch.setitem(app.config, "BRO_LRS_URL", stand_in.url)
        monkeypatch.setitem(app.config, "BRO_LRS_USER", stand_in.user)
        monkeypatch.setitem(app.config, "BRO_LRS_PASSWORD", stand_in.password)
        monkeypatch.setitem(app.config, "BRO_XAPI_BASE", "https://bro.example.com")
        yield stand_in


def stored() -> list[XapiStatement]:
    return db.session.execute(select(XapiStatement).order_by(XapiStatement.key)).scalars().all()


def test_quiz_attempts_become_valid_statements_sent_once(app, learner, lrs):
    staff, _course = learner
    runner = app.test_cli_runner()
    result = runner.invoke(args=["bro", "xapi", "sync"])
    assert result.exit_code == 0, result.output
    verbs = sorted(row.verb for row in stored())
    assert verbs == ["attempted", "attempted", "failed", "passed"]
    assert len(lrs.statements) == 4
    passed = next(s for s in lrs.statements.values() if s["verb"]["id"].endswith("/passed"))
    assert passed["actor"]["mbox"] == f"mailto:{staff.email}"
    assert passed["object"]["id"] == "https://bro.example.com/xapi/activities/courses/world-course/modules/basics"
    assert passed["result"]["success"] is True and passed["result"]["score"]["scaled"] == 1.0
    assert passed["context"]["contextActivities"]["parent"][0]["id"].endswith("/courses/world-course")
    assert all(statement_problems(s) == [] for s in lrs.statements.values())
    requests = lrs.requests
    again = runner.invoke(args=["bro", "xapi", "sync"])
    assert "0 new statements stored; 0 sent" in again.output and lrs.requests == requests


def test_a_failing_lrs_keeps_statements_for_a_later_retry(app, learner, lrs):
    lrs.down = True
    runner = app.test_cli_runner()
    result = runner.invoke(args=["bro", "xapi", "sync"])
    assert result.exit_code == 1 and "4 to retry" in result.output
    rows = stored()
    assert all(r.sent_at is None and r.send_attempts == 1 and r.next_attempt_at for r in rows)
    lrs.down = False
    assert "0 sent" in runner.invoke(args=["bro", "xapi", "sync"]).output  # waiting out the back-off
    from bro.xapi.send import send_pending

    sent, failed = send_pending(now=clock.utcnow() + timedelta(minutes=5))
    assert (sent, failed) == (4, 0) and len(lrs.statements) == 4


def test_a_certificate_gives_completed_earned_and_later_expired(app, learner, lrs):
    staff, course = learner
    from bro.models.training import Certificate

    certificate = Certificate(user_id=staff.id, course_id=course.id, course_version_id=course.current_version_id,
                              issued_at=clock.utcnow() - timedelta(days=400),
                              expires_on=clock.today() - timedelta(days=35))
    db.session.add(certificate)
    db.session.flush()
    app.test_cli_runner().invoke(args=["bro", "xapi", "sync"])
    verbs = {row.key.split(":")[-1] for row in stored() if row.key.startswith("certificate:")}
    assert verbs == {"completed", "earned", "expired"}
    assert all(statement_problems(row.statement) == [] for row in stored())


def test_export_writes_every_statement_as_json(app, learner, tmp_path):
    runner = app.test_cli_runner()
    runner.invoke(args=["bro", "xapi", "sync"])  # no LRS configured: stored only
    path = tmp_path / "statements.json"
    assert runner.invoke(args=["bro", "xapi", "export", "-o", str(path)]).exit_code == 0
    statements = json.loads(path.read_text(encoding="utf-8"))
    assert len(statements) == 4 and {s["version"] for s in statements} == {"1.0.3"}

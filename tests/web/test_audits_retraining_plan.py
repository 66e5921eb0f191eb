"""The retraining an audit decides is read before the write lock (RetrainingPlan): the write transaction of an
audit POST only writes, the plan counts the audit being recorded, and a plan read before another audit of the same
person still leaves one open retraining per module."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, select

from bro.audits.operations import plan_retraining, record_audit
from bro.extensions import db
from bro.models.coaching import RetrainingDecision
from bro.models.training import Assignment
from tests.conftest import PASSWORD

MISSED_GREET = {"greet": "not_met", "needs": "met", "confirm": "met"}
ALL_MET = {"greet": "met", "needs": "met", "confirm": "met"}
# What the plan reads: the standard, the modules teaching its steps, the person's answers and audits.
PLAN_TABLES = ("audit_step_results", "module_steps", "standard_steps", "attempt_answers")


def _greet_decisions(staff):
    return db.session.execute(select(RetrainingDecision.audit_id, RetrainingDecision.evidence)
                              .where(RetrainingDecision.staff_id == staff.id, RetrainingDecision.step_key == "greet")
                              .order_by(RetrainingDecision.audit_id)).all()


def _open_basics(staff):
    return db.session.execute(select(Assignment.audit_id).where(
        Assignment.user_id == staff.id, Assignment.module_key == "basics", Assignment.completed_at.is_(None))
    ).scalars().all()


@pytest.mark.no_db
def test_an_audit_post_reads_its_retraining_before_the_write_transaction(committed_app):
    from tests.factories import Factory
    from tests.web.forms import audit_form

    with committed_app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's write lock: PostgreSQL runs the request in one transaction")
        factory = Factory()
        team = factory.team()
        version = factory.standard_version()
        staff, supervisor = factory.staff(team=team), factory.supervisor(team)
        db.session.commit()
        form, email, engine = audit_form(version, staff, MISSED_GREET), supervisor.email, db.engine
    transactions: list[list[str]] = []
    event.listen(engine, "begin", begin := lambda conn: transactions.append([]))
    event.listen(engine, "before_cursor_execute",
                 statement := lambda conn, cursor, text, *args: transactions and transactions[-1].append(text))
    try:
        client = committed_app.test_client()
        assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
        transactions.clear()
        assert client.post("/audits/new", data=form).status_code == 302
    finally:
        event.remove(engine, "begin", begin)
        event.remove(engine, "before_cursor_execute", statement)
    writing = [t for t in transactions if any(s.lstrip().upper().startswith("INSERT") for s in t)]
    assert len(writing) == 1
    assert [s for s in writing[0] if any(table in s for table in PLAN_TABLES)
            and s.lstrip().upper().startswith("SELECT")] == []
    with committed_app.app_context():
        staff = db.session.merge(staff)
        [(audit_id, evidence)] = _greet_decisions(staff)
        assert evidence["conformance"][:2] == [0, 1]  # the audit being recorded counts: 0 met of 1 rated
        assert _open_basics(staff) == [audit_id]


def test_a_plan_for_other_ratings_is_read_again(factory):
    team = factory.team()
    staff, supervisor, version = factory.staff(team=team), factory.supervisor(team), factory.standard_version()
    stale = plan_retraining(staff, version, date.today(), ALL_MET)
    assert stale.modules == () and stale.decisions == ()
    audit = record_audit(auditor=supervisor, staff=staff, version=version, relationship="b2c", channel="phone",
                         interacted_on=date.today(), customer_ref="C-1", ratings=MISSED_GREET, plan=stale)
    assert [audit_id for audit_id, _evidence in _greet_decisions(staff)] == [audit.id]
    assert _open_basics(staff) == [audit.id]


def test_two_audits_planned_before_either_is_written_assign_the_module_once(factory):
    """The race RetrainingPlan documents: each plan misses the other audit's ratings (it counts only its own),
    and the open assignments, read in the write transaction, still keep one open retraining of the module."""
    team = factory.team()
    staff, supervisor, version = factory.staff(team=team), factory.supervisor(team), factory.standard_version()
    plans = [plan_retraining(staff, version, date.today(), MISSED_GREET) for _ in range(2)]
    audits = [record_audit(auditor=supervisor, staff=staff, version=version, relationship="b2c", channel="phone",
                           interacted_on=date.today(), customer_ref=f"C-{i}", ratings=MISSED_GREET, plan=plan)
              for i, plan in enumerate(plans)]
    decisions = _greet_decisions(staff)
    assert [audit_id for audit_id, _evidence in decisions] == [a.id for a in audits]
    assert [evidence["conformance"][:2] for _id, evidence in decisions] == [[0, 1], [0, 1]]
    assert _open_basics(staff) == [audits[0].id]


def test_the_score_is_worked_out_with_the_plan_not_in_the_write_transaction(factory, monkeypatch):
    import bro.audits.operations as operations
    from bro.scoring import score_key

    team = factory.team()
    staff, supervisor, version = factory.staff(team=team), factory.supervisor(team), factory.standard_version()
    plan = plan_retraining(staff, version, date.today(), MISSED_GREET)
    assert plan.score is not None
    monkeypatch.setattr(operations, "score_audit", lambda *args, **kwargs: pytest.fail("scored again"))
    audit = record_audit(auditor=supervisor, staff=staff, version=version, relationship="b2c", channel="phone",
                         interacted_on=date.today(), customer_ref="C-1", ratings=MISSED_GREET, plan=plan)
    assert (audit.score, audit.passed) == (score_key(plan.score), plan.score.passed)


def test_ratings_that_cannot_be_scored_are_still_refused_with_the_reason(factory):
    from bro.audits.operations import AuditRefused

    team = factory.team()
    staff, supervisor, version = factory.staff(team=team), factory.supervisor(team), factory.standard_version()
    every_na = {"greet": "na", "needs": "na", "confirm": "na"}
    plan = plan_retraining(staff, version, date.today(), every_na)
    assert plan.score is None
    with pytest.raises(AuditRefused, match="N/A"):
        record_audit(auditor=supervisor, staff=staff, version=version, relationship="b2c", channel="phone",
                     interacted_on=date.today(), customer_ref="C-1", ratings=every_na, plan=plan)



def test_a_course_version_imported_after_a_cached_plan_decides_the_next_audit(factory):
    """The curriculum a plan reads is cached per process, by ids and content hashes of immutable versions and
    which versions are current: the next audit after an import reads the new course version."""
    from bro.knowledge.queries import plan_curriculum
    from tests.factories import SAMPLE_CURRICULUM

    team = factory.team()
    staff, supervisor = factory.staff(team=team), factory.supervisor(team)
    version = factory.standard_version(SAMPLE_CURRICULUM.replace("teaches: [greet, needs]", "teaches: [greet]"))
    missed = {"greet": "not_met", "needs": "not_met", "confirm": "met"}
    first = plan_retraining(staff, version, date.today(), missed)
    assert [d["step_key"] for d in first.decisions] == ["greet"]  # no module teaches needs: nothing to decide
    cached = plan_curriculum(version.standard_id)
    assert plan_curriculum(version.standard_id) is cached  # read once, then kept
    factory.curricula(SAMPLE_CURRICULUM)  # a new course version whose basics module teaches needs too
    assert plan_curriculum(version.standard_id) is not cached
    audit = record_audit(auditor=supervisor, staff=staff, version=version, relationship="b2c", channel="phone",
                         interacted_on=date.today(), customer_ref="C-2", ratings=missed)
    assert [step_key for step_key, in db.session.execute(
        select(RetrainingDecision.step_key).where(RetrainingDecision.audit_id == audit.id)
        .order_by(RetrainingDecision.step_key))] == ["greet", "needs"]


def test_an_audit_post_that_assigns_retraining_reads_the_curriculum_from_the_cache(client, login, factory):
    from tests.conftest import count_queries
    from tests.web.forms import audit_form

    team = factory.team()
    first, second, supervisor = factory.staff(team=team), factory.staff(team=team), factory.supervisor(team)
    version = factory.standard_version()
    login(supervisor)
    assert client.post("/audits/new", data=audit_form(version, first, MISSED_GREET)).status_code == 302
    form = audit_form(version, second, MISSED_GREET)
    with count_queries() as queries:
        assert client.post("/audits/new", data=form).status_code == 302
    assert _open_basics(second) and _greet_decisions(second)
    reads = [s for s in queries.statements if s.lstrip().upper().startswith("SELECT")]
    # Not read again: the standard's steps as the knowledge report sees them, which steps modules teach, the
    # quizzes' points, the standard's document, the module's course version.
    flat = [" ".join(s.split()) for s in reads]
    assert not [s for s in flat if "DISTINCT module_steps" in s or s.startswith("SELECT standard_versions.document FROM")
                or s.startswith("SELECT course_modules.id, course_modules.quiz FROM")
                or s.startswith("SELECT course_versions.id")], flat
    assert queries.count <= 30, "\n".join(q[:150] for q in queries.statements)

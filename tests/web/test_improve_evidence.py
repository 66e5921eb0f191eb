"""Evidence: retraining effect per module (last N before vs first N after) and outcomes for passed vs failed
audits and per step; staff see their own trend and most-missed steps linked to the module that teaches them."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from bro import clock
from bro.audits.operations import Outcomes, record_outcomes
from bro.extensions import db
from bro.improve import evidence as ev
from bro.models.curricula import Course
from bro.models.training import REASON_RETRAINING, Assignment
from bro.quality import compare_rates

TODAY = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2026, 11, 26, 12, 0))
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture(autouse=True)
def request_context(app):
    """Titles come back in the reader's language, which needs a request."""
    with app.test_request_context():
        yield


@pytest.fixture
def shop(factory):
    """The sample standard (greet, needs, critical confirm) and course (module `basics` teaches greet+needs)."""
    from types import SimpleNamespace

    version = factory.standard_version()
    course = db.session.execute(select(Course).where(Course.key == "sample-course")).scalar_one()
    team, other = factory.team("Shop"), factory.team("Elsewhere")
    sup, other_sup = factory.supervisor(team, name="Sue"), factory.supervisor(other, name="Olly")
    person = factory.staff(team=team, name="Pat")
    return SimpleNamespace(version=version, course=course, team=team, other=other, sup=sup, other_sup=other_sup,
                           staff=person)


def _audit(factory, s, day, needs, **kw):
    return factory.audit(s.staff, s.sup, s.version, interacted_on=day,
                         ratings={"greet": "met", "needs": needs, "confirm": "met"}, **kw)


def _retraining_case(factory, s):
    """Before: an old miss, then 5 audits with 4 misses; retrained; after: 6 audits, 1 miss in the first 5."""
    start = TODAY - timedelta(days=60)
    _audit(factory, s, start, "met")
    before = ["not_met", "not_met", "met", "not_met", "not_met"]
    audits = [_audit(factory, s, start + timedelta(days=1 + i), rating) for i, rating in enumerate(before)]
    assigned = datetime.combine(start + timedelta(days=5), datetime.min.time()) + timedelta(hours=18)
    completed = assigned + timedelta(days=5)
    db.session.add(Assignment(user_id=s.staff.id, course_id=s.course.id, module_key="basics",
                              reason=REASON_RETRAINING, audit_id=audits[-1].id, step_key="needs",
                              created_at=assigned, completed_at=completed))
    after = ["met", "met", "not_met", "met", "met", "not_met"]
    for i, rating in enumerate(after):
        _audit(factory, s, completed.date() + timedelta(days=i), rating)
    db.session.flush()


def test_retraining_effect_pools_last_n_before_and_first_n_after(factory, shop):
    _retraining_case(factory, shop)
    rows = ev.retraining_rows(None, 5)
    basics = [row for row in rows if row.effect.module.module_key == "basics" and row.effect.cases]
    effect = next(row.effect for row in basics if row.effect.before_n == 5)
    assert (effect.before_n, effect.before_nc, effect.after_n, effect.after_nc) == (5, 4, 5, 1)
    assert effect.change == pytest.approx(-0.6)
    assert basics[0].title == "Basics"
    assert ev.retraining_rows(None, 2)[0].effect.before_nc == 2


def test_retraining_effect_is_limited_to_the_supervisors_teams(factory, shop):
    _retraining_case(factory, shop)
    assert ev.retraining_rows(frozenset({shop.other.id}), 5) == []


def test_evidence_page_shows_counts_for_trainers_and_supervisors(client, login, factory, shop):
    _retraining_case(factory, shop)
    login(factory.trainer())
    page = client.get(f"/quality/evidence?standard={shop.version.standard_id}&n=5").get_data(as_text=True)
    assert "Retraining effect per module" in page and "4 of 5" in page and "1 of 5" in page


def test_supervisor_cannot_filter_evidence_to_another_team(client, login, shop):
    login(shop.other_sup)
    assert client.get(f"/quality/evidence?team={shop.team.id}").status_code == 404


def test_outcomes_compare_passed_and_failed_audits_with_counts_and_p_values(client, login, factory, shop):
    for i in range(12):
        passed = i % 3 != 0
        audit = _audit(factory, shop, TODAY - timedelta(days=i + 1), "met" if passed else "not_met")
        record_outcomes(audit, Outcomes(csat=5 if passed else 2 + i % 2, repeat_purchase=passed or i == 0,
                                        referral_made=False, retained_90d=passed,
                                        order_value=Decimal(100 + i)), by=shop.sup)
    rows = {row.outcome: row.comparison for row in
            ev.passed_vs_failed(shop.version.standard_id, None, TODAY - timedelta(days=30), TODAY)}
    assert (rows["repeat_purchase"].success_a, rows["repeat_purchase"].n_a) == (8, 8)
    assert (rows["repeat_purchase"].success_b, rows["repeat_purchase"].n_b) == (1, 4)
    assert rows["repeat_purchase"].p_value == compare_rates(8, 8, 1, 4).p_value
    assert rows["csat"].mean_a == 5 and rows["csat"].p_value is not None
    assert rows["order_value"].n_a == 8
    per_step = {step.step_key: step for step in
                ev.met_vs_nonconforming(factory_standard(shop), None, TODAY - timedelta(days=30), TODAY)}
    needs = {row.outcome: row.comparison for row in per_step["needs"].rows}
    assert (needs["retained_90d"].success_a, needs["retained_90d"].n_a) == (8, 8)
    assert (needs["retained_90d"].success_b, needs["retained_90d"].n_b) == (0, 4)
    login(shop.sup)
    page = client.get(f"/quality/evidence?standard={shop.version.standard_id}").get_data(as_text=True)
    assert "Customer outcomes: passed vs failed audits" in page and "8 of 8" in page and "1 of 4" in page


def factory_standard(shop):
    from bro.improve.queries import standards_with_steps

    return next(s for s in standards_with_steps() if s.id == shop.version.standard_id)


def test_staff_see_their_trend_and_most_missed_step_linked_to_its_module(client, login, factory, shop):
    for i in range(4):
        _audit(factory, shop, TODAY - timedelta(days=7 * i), "not_met" if i < 3 else "met")
    login(shop.staff)
    page = client.get("/quality/me").get_data(as_text=True)
    assert "Steps I miss most" in page and "Ask about needs" in page
    assert "missed in 3 of 4 audits" in page
    assert f"/training/courses/{shop.course.id}/modules/basics/lessons/hello" in page or "Basics" in page
    home = client.get("/").get_data(as_text=True)
    assert "My quality" in home and "Ask about needs" in home


def test_staff_without_audits_see_an_empty_state_and_no_home_section(client, login, factory):
    person = factory.staff()
    login(person)
    assert "No audits of your work" in client.get("/quality/me").get_data(as_text=True)
    assert "section-my-quality" not in client.get("/").get_data(as_text=True)

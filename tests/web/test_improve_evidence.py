"""Evidence: the retraining effect per module (difference in differences), outcomes adjusted and corrected,
the privacy rule for trainers, and the demo's training effect told apart from no effect."""
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


def _audit(factory, s, day, needs, staff=None, **kw):
    return factory.audit(staff or s.staff, s.sup, s.version, interacted_on=day,
                         ratings={"greet": "met", "needs": needs, "confirm": "met"}, **kw)


def _retraining_case(factory, s, staff=None, start=None, colleague=None):
    """The trigger (a miss), then 5 audits while the module is open (4 misses), completed, then 6 audits (1 miss
    in the first 5). A colleague, when given, is audited on the same days: 1 miss of 5 before, 1 of 5 after."""
    staff = staff or s.staff
    start = start or TODAY - timedelta(days=60)
    _audit(factory, s, start - timedelta(days=3), "met", staff=staff)  # before the trigger: never counted
    created = lambda day: datetime.combine(day, datetime.min.time()) + timedelta(hours=20)
    trigger = _audit(factory, s, start, "not_met", staff=staff, created_at=created(start))
    assigned = created(start) + timedelta(minutes=1)
    db.session.add(Assignment(user_id=staff.id, course_id=s.course.id, module_key="basics",
                              reason=REASON_RETRAINING, audit_id=trigger.id, step_key="needs",
                              created_at=assigned, completed_at=assigned + timedelta(days=6)))
    for i, rating in enumerate(["not_met", "not_met", "met", "not_met", "not_met"]):
        day = start + timedelta(days=1 + i)
        _audit(factory, s, day, rating, staff=staff, created_at=created(day))
    for i, rating in enumerate(["met", "met", "not_met", "met", "met", "not_met"]):
        day = start + timedelta(days=7 + i)
        _audit(factory, s, day, rating, staff=staff, created_at=created(day))
    if colleague is not None:
        for i, rating in enumerate(["met", "not_met", "met", "met", "met"]):
            _audit(factory, s, start + timedelta(days=1 + i), rating, staff=colleague)
        for i, rating in enumerate(["met", "met", "met", "not_met", "met"]):
            _audit(factory, s, start + timedelta(days=7 + i), rating, staff=colleague)
    db.session.flush()


def test_retraining_effect_compares_the_open_period_and_after_with_the_teams_colleagues(factory, shop):
    colleague = factory.staff(team=shop.team, name="Cam")
    _retraining_case(factory, shop, colleague=colleague)
    rows = ev.retraining_rows(None, 5)
    effect = next(row.effect for row in rows if row.effect.module.module_key == "basics")
    assert (effect.before_n, effect.before_nc, effect.after_n, effect.after_nc) == (5, 4, 5, 1)
    assert effect.change == pytest.approx(-0.6)
    assert effect.control_change == pytest.approx(0.0)
    assert effect.effect == pytest.approx(-0.6)
    assert effect.verdict == "too_few"  # one case: no interval is claimed
    assert next(row for row in rows if row.effect.module.module_key == "basics").title == "Basics"
    assert ev.retraining_rows(None, 2)[0].effect.before_nc == 2


def test_retraining_effect_is_limited_to_the_supervisors_teams(factory, shop):
    _retraining_case(factory, shop)
    assert ev.retraining_rows(frozenset({shop.other.id}), 5) == []


def test_evidence_page_shows_counts_to_the_supervisor(client, login, factory, shop):
    colleague = factory.staff(team=shop.team, name="Cam")
    _retraining_case(factory, shop, colleague=colleague)
    login(shop.sup)
    page = client.get(f"/quality/evidence?standard={shop.version.standard_id}&n=5").get_data(as_text=True)
    assert "Retraining effect per module" in page and "4 of 5" in page and "1 of 5" in page
    assert "too few cases" in page


def test_trainers_see_too_few_to_show_for_a_module_retrained_by_fewer_than_five_people(client, login, factory,
                                                                                     shop):
    _retraining_case(factory, shop)
    login(factory.trainer())
    page = client.get(f"/quality/evidence?standard={shop.version.standard_id}&n=5").get_data(as_text=True)
    assert "too few to show" in page and "4 of 5" not in page


def test_supervisor_cannot_filter_evidence_to_another_team(client, login, shop):
    login(shop.other_sup)
    assert client.get(f"/quality/evidence?team={shop.team.id}").status_code == 404


def _outcome_audits(factory, shop, count, staff=None, start_days=1):
    for i in range(count):
        passed = i % 3 != 0
        audit = _audit(factory, shop, TODAY - timedelta(days=i + start_days), "met" if passed else "not_met",
                       staff=staff[i % len(staff)] if staff else None)
        record_outcomes(audit, Outcomes(csat=5 if passed else 2 + i % 2, repeat_purchase=passed or i % 9 == 0,
                                        referral_made=i % 2 == 0, retained_90d=passed,
                                        order_value=Decimal(100 + i)), by=shop.sup)


def test_outcomes_show_adjusted_differences_with_intervals_and_holm(client, login, factory, shop):
    people = [shop.staff] + [factory.staff(team=shop.team, name=f"P{i}") for i in range(5)]
    _outcome_audits(factory, shop, 90, staff=people)
    section = ev.outcome_section(factory_standard(shop), None, TODAY - timedelta(days=120), TODAY)
    passed = {row.outcome: row.estimate for row in section.passed}
    assert passed["csat"].diff > 1 and passed["csat"].ci_low < passed["csat"].diff < passed["csat"].ci_high
    assert passed["csat"].finding and passed["csat"].p_adjusted >= passed["csat"].p_value
    assert section.evidence.correction == "holm"
    login(shop.sup)
    page = client.get(f"/quality/evidence?standard={shop.version.standard_id}").get_data(as_text=True)
    assert "These are associations, not proof of cause" in page
    assert "Holm" in page and "Exploratory view (Benjamini–Hochberg)" in page
    assert "move outcomes" not in page
    exploratory = client.get(f"/quality/evidence?standard={shop.version.standard_id}&p=bh").get_data(as_text=True)
    assert "exploratory" in exploratory and "Benjamini–Hochberg (false discovery rate)" in exploratory


def test_outcomes_with_fewer_than_ten_events_say_too_few(client, login, factory, shop):
    _outcome_audits(factory, shop, 12)
    login(shop.sup)
    page = client.get(f"/quality/evidence?standard={shop.version.standard_id}").get_data(as_text=True)
    assert "too few" in page and "p &lt; 0.05" not in page


def test_a_trainer_cannot_read_one_persons_results_from_a_one_member_team_and_one_day(client, login, factory,
                                                                                      shop):
    """Issue 12, item 8: a team with one member and a one-day range is that person's audit."""
    _outcome_audits(factory, shop, 12)  # Pat is the only member of Shop
    day = (TODAY - timedelta(days=1)).isoformat()
    login(factory.trainer())
    response = client.get(f"/quality/evidence?standard={shop.version.standard_id}&team={shop.team.id}"
                          f"&from={day}&to={day}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "too few to show" in page
    for leak in ("Passed vs failed audits", "(n = 1)", "101.00", "Step met vs nonconforming"):
        assert leak not in page
    # The whole year for that team is still one person: hidden as well.
    page = client.get(f"/quality/evidence?standard={shop.version.standard_id}&team={shop.team.id}").get_data(
        as_text=True)
    assert "too few to show" in page and "(n = " not in page


@pytest.mark.parametrize("people, shown", [(7, True), (6, False)])
def test_a_trainer_sees_a_comparison_only_when_both_groups_hold_five_people(client, login, factory, shop, people,
                                                                             shown):
    """60 audits, every third one failed: with 6 people the failed ones fall on 2 of them (hidden), with 7
    on all 7 (shown)."""
    staff = [shop.staff] + [factory.staff(team=shop.team, name=f"P{i}") for i in range(people - 1)]
    _outcome_audits(factory, shop, 60, staff=staff)
    login(factory.trainer())
    page = client.get(f"/quality/evidence?standard={shop.version.standard_id}&team={shop.team.id}").get_data(
        as_text=True)
    assert "Passed vs failed audits" in page
    assert ("(n = 40)" in page) is shown and "too few to show" in page  # steps never missed: one empty group


def test_the_supervisor_of_the_team_sees_the_small_group(client, login, factory, shop):
    _outcome_audits(factory, shop, 12)
    login(shop.sup)
    page = client.get(f"/quality/evidence?standard={shop.version.standard_id}&team={shop.team.id}").get_data(
        as_text=True)
    assert "Passed vs failed audits" in page and "too few to show" not in page


@pytest.mark.parametrize("query", ["to=0001-01-01", "from=9999-12-31", "team=99999999999999999999", "n=-3",
                                   "p=nonsense"])
def test_bad_evidence_filters_never_give_a_server_error(client, login, factory, shop, query):
    login(factory.trainer())
    assert client.get(f"/quality/evidence?{query}").status_code in (200, 404)


def factory_standard(shop):
    from bro.improve import queries as q

    return next(s for s in q.standards_with_steps() if s.id == shop.version.standard_id)


def test_the_demo_shows_a_training_effect_for_one_module_and_none_for_another(app, client, login, monkeypatch):
    """`flask bro demo`: retraining on `after-the-sale` works (its generator lowers the misses for ten days
    after each completion), on `needs-and-choice` it does nothing; the page tells them apart."""
    from pathlib import Path

    from bro.demo import seed_demo
    from bro.models.people import User

    monkeypatch.setitem(app.config, "BRO_CURRICULA_DIR", str(Path(__file__).parents[2] / "curricula"))
    seed_demo(lambda _key: "demo-password-123")
    rows = {row.effect.module.module_key: row.effect for row in ev.retraining_rows(None, 5)}
    assert rows["after-the-sale"].verdict == "improved"
    assert rows["needs-and-choice"].verdict == "no_clear_change"
    assert rows["needs-and-choice"].compared >= 10
    grace = db.session.execute(select(User).where(User.email == "grace@example.com")).scalar_one()
    login(grace, "demo-password-123")
    page = client.get("/quality/evidence").get_data(as_text=True)
    assert 'data-verdict="improved"' in page and 'data-verdict="no_clear_change"' in page

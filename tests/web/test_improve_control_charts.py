"""Phase I / Phase II control charts through the dashboard: a frozen baseline per phase, the same verdict on a
period whatever range is shown, provisional limits, baselines set by hand (and after a corrective action), the
version break, the chance line and the "better than usual" list, and a capped range that is always fast."""
from __future__ import annotations

import csv
import io
import random
import time
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from bro import clock
from bro.extensions import db
from bro.models.improvement import ControlBaseline
from tests.web.frozen_clock import TODAY, fixed_today  # noqa: F401  (fixed_today: autouse fixture)

FIRST_MONDAY = TODAY - timedelta(days=TODAY.weekday()) - timedelta(weeks=21)  # week 20 ended last Sunday


def week(index: int) -> date:
    return FIRST_MONDAY + timedelta(weeks=index)


def label(day: date) -> str:
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def record_weeks(factory, person, auditor, version, bad_per_week, n=6, first=0):
    """``n`` audits a week from week ``first``; in week i, ``bad_per_week[i]`` rate `needs` not met."""
    for offset, bad in enumerate(bad_per_week):
        for k in range(n):
            factory.audit(person, auditor, version, interacted_on=week(first + offset) + timedelta(days=k % 5),
                          ratings={"greet": "met", "needs": "not_met" if k < bad else "met", "close": "met"})


@pytest.fixture
def base(factory):
    """Two teams, their supervisors, a staff member of the first and a standard; no audits yet."""
    from types import SimpleNamespace

    team, other = factory.team("Alpha"), factory.team("Beta")
    sup, other_sup = factory.supervisor(team, name="Sue A"), factory.supervisor(other, name="Sam B")
    person = factory.staff(team=team, name="Ann A")
    version = factory.audit_standard(key="chart-standard")
    return SimpleNamespace(team=team, other=other, sup=sup, other_sup=other_sup, person=person, version=version,
                           standard_id=version.standard_id)


@pytest.fixture
def drift(factory, base):
    """The first team audited for 20 weeks: `needs` 1 in 6 for 14 weeks, 5 in 6 for three weeks, then 1 in 6."""
    record_weeks(factory, base.person, base.sup, base.version, [1] * 14 + [5, 5, 5] + [1] * 3)
    return base


def step_rows(client, standard_id, start: date, end: date, key="needs", chart="step", **extra) -> dict[str, list]:
    query = f"chart={chart}&key={key}&standard={standard_id}&from={start}&to={end}"
    query += "".join(f"&{name}={value}" for name, value in extra.items())
    response = client.get(f"/quality/data.csv?{query}")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    return {row[0]: row for row in rows[1:]}


def test_the_centre_comes_from_the_first_twelve_weeks_not_the_range_shown(client, login, drift):
    login(drift.sup)
    rows = step_rows(client, drift.standard_id, week(14), week(19))
    assert {row[4] for row in rows.values()} == {"0.1667"}  # 12 baseline weeks of 1 in 6
    assert rows[label(week(14))][8] == "1"  # the first drift week breaks the exact 3σ limit (rule 1)
    assert [row[9] for row in rows.values()] == [""] * 6  # none of the weeks shown is a baseline week


@pytest.mark.parametrize("target", [15, 3])
def test_the_same_period_gets_the_same_verdict_whatever_range_is_shown(client, login, drift, target):
    login(drift.sup)
    rng = random.Random(11)
    seen = set()
    for _ in range(20):
        start = week(target) - timedelta(days=rng.randint(0, 30 * 7))
        end = week(target) + timedelta(days=rng.randint(0, 12 * 7))
        row = step_rows(client, drift.standard_id, start, end)[label(week(target))]
        failure = step_rows(client, drift.standard_id, start, end, chart="failure")[label(week(target))]
        seen.add((tuple(row[3:9]), tuple(failure[3:9])))
    assert len(seen) == 1
    (needs, _failure), = seen
    assert needs[1] == "0.1667"  # the baseline of the first 12 weeks, even when the range ends before week 12
    if target == 15:
        assert "1" in needs[5].split()  # and rule 1 fired there


def test_signals_are_ranked_by_how_unlikely_they_are_and_chance_is_stated(client, login, drift):
    login(drift.sup)
    page = client.get(f"/quality/?standard={drift.standard_id}&from={week(0)}&to={week(19)}").get_data(as_text=True)
    assert "Charts: 4; weeks: 20. Signals expected by chance alone: about" in page
    odds = [row.split('class="num">')[1].split("<")[0].strip() for row in page.split('class="signal-row"')[1:]]
    assert odds and odds[0].startswith("under 1 in")


def test_fewer_than_twelve_weeks_give_provisional_limits_that_say_so(client, login, factory):
    team = factory.team("Gamma")
    sup = factory.supervisor(team)
    version = factory.audit_standard(key="young-standard")
    record_weeks(factory, factory.staff(team=team), sup, version, [1] * 5, first=15)
    login(sup)
    page = client.get(f"/quality/?standard={version.standard_id}&step=needs").get_data(as_text=True)
    assert "provisional: 5 of 12 periods" in page
    assert "baseline p̄ = 16.7%" in page


def test_phase_one_leaves_out_weeks_beyond_the_limits_and_lists_them(client, login, factory):
    team = factory.team("Delta")
    sup = factory.supervisor(team)
    version = factory.audit_standard(key="cleaned-standard")
    record_weeks(factory, factory.staff(team=team), sup, version, [1] * 5 + [6] + [1] * 6)
    login(sup)
    page = client.get(f"/quality/?standard={version.standard_id}&step=needs&from={week(0)}&to={week(11)}")
    text = page.get_data(as_text=True)
    assert f"left out of the baseline (beyond 3σ): {label(week(5))}" in text
    assert "baseline p̄ = 16.7%" in text  # 11 weeks of 1 in 6; with week 5 (6 of 6) it would be 23.6 %


def test_a_supervisor_sets_a_baseline_with_a_reason_and_it_is_used(client, login, drift):
    login(drift.sup)
    url = f"/quality/baseline?standard={drift.standard_id}&team={drift.team.id}"
    assert client.get(url).status_code == 200
    response = client.post(url, data={"first_day": week(14).isoformat(), "last_day": week(16).isoformat(),
                                      "reason": "New opening script from week 14."})
    assert response.status_code == 302
    record = db.session.execute(select(ControlBaseline)).scalar_one()
    assert (record.scope, record.set_by_id, record.first_day) == (f"teams:{drift.team.id}", drift.sup.id, week(14))
    rows = step_rows(client, drift.standard_id, week(10), week(19), team=drift.team.id)
    assert rows[label(week(13))][4] == "0.1667"  # before it: the first baseline
    assert rows[label(week(18))][4] == "0.8333"  # from it: 18 of 24
    assert rows[label(week(15))][9] == "baseline"
    page = client.get(f"/quality/?standard={drift.standard_id}&team={drift.team.id}&step=needs&from={week(10)}"
                      f"&to={week(19)}").get_data(as_text=True)
    assert "New opening script from week 14." in page and "Sue A" in page and "new baseline" in page
    assert "provisional: 3 of 12 periods" in page


@pytest.mark.parametrize(("data", "message"), [
    ({"first_day": "2026-10-01", "reason": ""}, "Say why the baseline changes."),
    ({"first_day": "2026-10-01", "last_day": "2026-09-01", "reason": "x"}, "must not come before"),
    ({"first_day": "2027-10-01", "reason": "x"}, "cannot start in the future"),
    ({"first_day": "yesterday", "reason": "x"}, "Enter the first day"),
])
def test_a_bad_baseline_form_is_shown_again_with_the_reason(client, login, base, data, message):
    drift = base
    login(drift.sup)
    response = client.post(f"/quality/baseline?standard={drift.standard_id}", data=data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.execute(select(ControlBaseline)).first() is None


def test_only_the_teams_own_supervisors_and_admins_set_its_baseline(client, login, factory, base):
    drift = base
    login(drift.other_sup)
    assert client.get(f"/quality/baseline?standard={drift.standard_id}&team={drift.team.id}").status_code == 404
    client.post("/logout")
    login(drift.person)
    assert client.get(f"/quality/baseline?standard={drift.standard_id}").status_code == 403
    admin = factory.admin()
    client.post("/logout")
    login(admin)
    response = client.post(f"/quality/baseline?standard={drift.standard_id}",
                           data={"first_day": week(14).isoformat(), "reason": "Every team changed the script."})
    assert response.status_code == 302
    assert db.session.execute(select(ControlBaseline.scope)).scalar_one() == "all"


def test_a_corrective_action_at_check_offers_a_new_baseline_from_that_day(client, login, drift, monkeypatch):
    from bro.improve.operations import advance_action, open_action

    action = open_action(created_by=drift.sup, owner=drift.sup, problem="Needs skipped", root_cause=None,
                         action="Coach the needs questions", due_date=TODAY + timedelta(days=20),
                         standard_id=drift.standard_id, step_key="needs", team_id=drift.team.id)
    advance_action(action, by=drift.sup)
    db.session.flush()
    login(drift.sup)
    assert "Start a new baseline after this change" not in client.get(f"/quality/actions/{action.id}").get_data(
        as_text=True)
    assert client.post(f"/quality/actions/{action.id}/baseline").status_code == 302
    assert db.session.execute(select(ControlBaseline)).first() is None  # refused before "check"
    monkeypatch.setattr(clock, "utcnow", lambda: datetime.combine(week(17), datetime.min.time()))
    advance_action(action, by=drift.sup)
    db.session.flush()
    assert "Start a new baseline after this change" in client.get(f"/quality/actions/{action.id}").get_data(
        as_text=True)
    assert client.post(f"/quality/actions/{action.id}/baseline").status_code == 302
    record = db.session.execute(select(ControlBaseline)).scalar_one()
    assert (record.first_day, record.last_day, record.corrective_action_id) == (week(17), None, action.id)
    client.post("/logout")
    login(drift.other_sup)
    assert client.post(f"/quality/actions/{action.id}/baseline").status_code == 404


def test_a_new_standard_version_starts_a_new_phase_drawn_as_a_labelled_break(client, login, factory, drift):
    version_2 = factory.audit_standard(key="chart-standard", pass_score=81)
    assert version_2.number == 2
    record_weeks(factory, drift.person, drift.sup, version_2, [4], first=20)
    login(drift.sup)
    page = client.get(f"/quality/?standard={drift.standard_id}&step=needs&from={week(10)}&to={week(20)}")
    text = page.get_data(as_text=True)
    assert 'class="phase-break phase-break-version"' in text and ">version 2</text>" in text
    assert "Version 1:" in text and "Version 2:" in text
    rows = step_rows(client, drift.standard_id, week(10), week(20))
    assert rows[label(week(20))][4] == "0.6667" and rows[label(week(19))][4] == "0.1667"


def test_signals_below_the_centre_are_listed_apart_as_better(client, login, factory):
    team = factory.team("Epsilon")
    sup = factory.supervisor(team)
    version = factory.audit_standard(key="better-standard")
    record_weeks(factory, factory.staff(team=team), sup, version, [3] * 12 + [0, 0, 0], first=5)
    login(sup)
    page = client.get(f"/quality/?standard={version.standard_id}&from={week(5)}&to={week(19)}").get_data(
        as_text=True)
    better = page.split("Better than usual")[1].split("</table>")[0]
    assert 'data-step="needs"' in better and "Find out what went right" in better
    assert "Open corrective action" not in better
    assert 'class="point-signal point-better"' in page


@pytest.mark.parametrize("period", ["day", "week", "month"])
def test_an_absurd_range_is_capped_before_anything_is_built(client, login, factory, base, period):
    record_weeks(factory, base.person, base.sup, base.version, [1, 2], first=18)
    drift = base
    login(drift.sup)
    started = time.perf_counter()
    response = client.get(f"/quality/?from=0001-01-02&to=9999-12-30&period={period}")
    assert response.status_code == 200
    assert time.perf_counter() - started < 3
    assert client.get(f"/quality/?to=0001-01-01&period={period}").status_code == 200
    assert client.get(f"/quality/?from=9999-12-31&period={period}").status_code == 200

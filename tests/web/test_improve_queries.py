"""The SQL aggregations of bro.improve.queries equal a straightforward Python count over the same audits,
whichever path they take (weekly summaries or per-audit rows), period unit, team, staff, date range, and with
or without the audits picked by hand (``sampled_only``)."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bro import clock
from bro.extensions import db
from bro.improve import queries as q
from bro.quality import period_key

BASE = date(2026, 1, 5)
SPAN = 75
STEPS = ("greet", "needs", "close")  # needs is critical in the factory's standard


@pytest.fixture
def people(factory, monkeypatch):
    from types import SimpleNamespace

    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2026, 6, 1, 12, 0))
    monkeypatch.setattr(clock, "today", lambda: date(2026, 6, 1))
    team_a, team_b = factory.team("Prop A"), factory.team("Prop B")
    sup = factory.supervisor(team_a, team_b)
    staff = [factory.staff(team=team_a), factory.staff(team=team_a), factory.staff(team=team_b)]
    version = factory.audit_standard(key="property-standard")
    return SimpleNamespace(team_a=team_a, team_b=team_b, sup=sup, staff=staff, version=version)


ordinary = st.sampled_from(["met", "partial", "not_met", "na"])
critical = st.sampled_from(["met", "not_met", "na"])
audit_strategy = st.tuples(
    st.integers(0, 2), st.integers(0, SPAN),
    st.fixed_dictionaries({"greet": ordinary, "needs": critical, "close": ordinary}), st.booleans(),
).filter(lambda audit: any(rating != "na" for rating in audit[2].values()))


def _expected(audits, unit, first, last, teams=None, staff_id=None, sampled_only=False):
    steps: dict = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    failures: dict = defaultdict(lambda: [0, 0])
    by_team: dict = defaultdict(lambda: [0, 0])
    by_staff: dict = defaultdict(lambda: [0, 0])
    for team_id, person_id, day, ratings, passed, _score, sampled in audits:
        if not first <= day <= last or (teams is not None and team_id not in teams) \
                or (staff_id is not None and person_id != staff_id) or (sampled_only and not sampled):
            continue
        label = period_key(day, unit)
        failures[label][0] += 1
        failures[label][1] += not passed
        for key, rating in ratings.items():
            if rating == "na":
                continue
            nonconforming = rating in ("partial", "not_met")
            for table in (steps[key][label], by_team[(key, team_id)], by_staff[(key, person_id)]):
                table[0] += 1
                table[1] += nonconforming
    return ({key: {p: q.Counts(*c) for p, c in periods.items()} for key, periods in steps.items()},
            {p: q.Counts(*c) for p, c in failures.items()},
            {k: q.Counts(*c) for k, c in by_team.items()}, {k: q.Counts(*c) for k, c in by_staff.items()})


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(audits=st.lists(audit_strategy, min_size=1, max_size=14), window=st.tuples(st.integers(0, 30),
                                                                                    st.integers(31, SPAN)))
def test_sql_aggregation_equals_python_counts(factory, people, audits, window):
    nested = db.session.begin_nested()
    try:
        recorded = []
        for person_index, offset, ratings, sampled in audits:
            person = people.staff[person_index]
            day = BASE + timedelta(days=offset)
            audit = factory.audit(person, people.sup, people.version, interacted_on=day, ratings=ratings,
                                  sampled=sampled)
            recorded.append((person.team_id, person.id, day, ratings, audit.passed, float(audit.score), sampled))
        standard_id = people.version.standard_id
        start, end = BASE + timedelta(days=window[0]), BASE + timedelta(days=window[1])
        for unit in ("day", "week", "month"):
            first, last = q.period_bounds(start, end, unit)
            for teams, staff_id, sampled_only in (
                    (None, None, False), (frozenset({people.team_a.id}), None, False), (None, people.staff[0].id, False),
                    (frozenset({people.team_b.id}), None, False), (None, None, True),
                    (frozenset({people.team_a.id}), None, True), (None, people.staff[0].id, True)):
                scope = q.Scope(standard_id, first, last, unit, teams, staff_id, sampled_only=sampled_only)
                steps, failures, by_team, by_staff = _expected(recorded, unit, first, last, teams, staff_id,
                                                               sampled_only)
                assert q.step_period_counts(scope) == steps
                assert q.failure_period_counts(scope) == failures
                assert q.step_team_counts(scope) == by_team
                assert q.step_staff_counts(scope) == by_staff
                assert q.step_totals(q.step_period_counts(scope)) == {
                    key: q.Counts(sum(c.n for c in periods.values()), sum(c.nonconforming for c in periods.values()))
                    for key, periods in steps.items()}
                trend = q.staff_score_trend(scope)
                expected_trend: dict = defaultdict(lambda: defaultdict(lambda: [0, 0.0]))
                for team_id, person_id, day, _ratings, _passed, score, sampled in recorded:
                    if first <= day <= last and (teams is None or team_id in teams) \
                            and (staff_id is None or person_id == staff_id) and (sampled or not sampled_only):
                        cell = expected_trend[person_id][period_key(day, unit)]
                        cell[0] += 1
                        cell[1] += score
                assert {sid: {p: (s.audits, pytest.approx(s.score_sum)) for p, s in periods.items()}
                        for sid, periods in trend.items()} == \
                    {sid: {p: (c[0], pytest.approx(c[1])) for p, c in periods.items()}
                     for sid, periods in expected_trend.items()}
    finally:
        nested.rollback()


def test_period_bounds_cover_whole_periods():
    assert q.period_bounds(date(2026, 1, 7), date(2026, 1, 20), "week") == (date(2026, 1, 5), date(2026, 1, 25))
    assert q.period_bounds(date(2026, 1, 7), date(2026, 12, 3), "month") == (date(2026, 1, 1), date(2026, 12, 31))
    assert q.period_bounds(date(2026, 1, 7), date(2026, 1, 9), "day") == (date(2026, 1, 7), date(2026, 1, 9))


def test_observations_expand_day_counts_for_before_after():
    days = [(date(2026, 1, 1), q.Counts(3, 1)), (date(2026, 1, 2), q.Counts(2, 2))]
    assert list(q.observations(days)) == [(date(2026, 1, 1), True), (date(2026, 1, 1), False),
                                          (date(2026, 1, 1), False), (date(2026, 1, 2), True),
                                          (date(2026, 1, 2), True)]

"""Seeded simulations of the control-chart procedure (Phase I baseline, exact zones, Western Electric rules):
stable processes at real audit volumes (n ≈ 17 a week, p 0.05–0.2) give few false alarms and about as many
signals as the dashboard says chance would; a real shift is found quickly. Small and seeded: a few seconds."""
from __future__ import annotations

import math

import numpy as np
import pytest

from bro.quality import (
    BASELINE_PERIODS, ChanceSeries, PeriodCount, Phase, exact_limits, expected_signals, phase_one, phased_p_chart,
    zone_alpha,
)


def stable_chart(rng, p, weeks):
    ns = rng.integers(12, 23, size=weeks)
    xs = rng.binomial(ns, p)
    counts = [PeriodCount(i, int(n), int(x)) for i, (n, x) in enumerate(zip(ns, xs))]
    return counts, phased_p_chart(counts, [Phase(0)])


@pytest.mark.parametrize("p", [0.05, 0.1, 0.15, 0.2])
def test_rule_1_false_alarm_rate_per_point_is_at_most_the_nominal(p):
    rng = np.random.default_rng(1)
    points = 40_000
    ns = rng.integers(12, 23, size=points)
    xs = rng.binomial(ns, p)
    alarms = sum(abs(exact_limits(int(n), p).zone(int(x))) == 3 for n, x in zip(ns, xs))
    tolerance = 3 * math.sqrt(zone_alpha(3) / points)
    assert alarms / points <= zone_alpha(3) + tolerance


def test_rule_1_false_alarm_rate_holds_with_a_baseline_estimated_from_twelve_weeks():
    rng = np.random.default_rng(2)
    points = alarms = 0
    for _ in range(150):
        _counts, chart = stable_chart(rng, rng.uniform(0.05, 0.2), 26)
        phase_two = chart.points[BASELINE_PERIODS:]
        points += len(phase_two)
        alarms += sum(abs(point.zone) == 3 for point in phase_two)
    assert alarms / points <= zone_alpha(3) + 3 * math.sqrt(zone_alpha(3) / points)


def test_the_stated_chance_expectation_matches_the_signals_stable_dashboards_show():
    rng = np.random.default_rng(3)
    stated, found = [], []
    for _ in range(70):
        series, signals = [], 0
        for _chart in range(8):
            counts, chart = stable_chart(rng, rng.uniform(0.05, 0.2), 26)
            signals += len(chart.signals)
            baseline = chart.phases[0].baseline
            series.append(ChanceSeries(baseline.centre, tuple(c.n for c in counts),
                                       tuple(c.period in baseline.candidates for c in counts), (True,) * len(counts)))
        found.append(signals)
        stated.append(expected_signals(series, simulations=100))
    assert np.mean(stated) == pytest.approx(np.mean(found), rel=0.25)


def test_a_shift_from_10_to_40_percent_is_signalled_within_three_periods():
    rng = np.random.default_rng(4)
    runs, found = 300, 0
    for _ in range(runs):
        xs = rng.binomial(17, [0.1] * 12 + [0.4] * 3)
        chart = phased_p_chart([PeriodCount(i, 17, int(x)) for i, x in enumerate(xs)], [Phase(0)])
        found += any(signal.side == "above" and any(period >= 12 for period in signal.alarms)
                     for signal in chart.signals)
    assert found / runs >= 0.9


def test_the_expectation_is_the_same_every_time_it_is_stated():
    series = [ChanceSeries(0.1, (17,) * 20, (True,) * 12 + (False,) * 8, (False,) * 8 + (True,) * 12)]
    assert expected_signals(series) == expected_signals(series) > 0


def test_phase_one_cleaning_repeats_until_no_baseline_period_breaks_the_limits():
    counts = [PeriodCount(i, 20, 2) for i in range(10)] + [PeriodCount(10, 20, 14), PeriodCount(11, 20, 9)]
    baseline = phase_one(counts)
    # With week 10 (14 of 20) p̄ = 0.179, the exact upper 3σ count is 10 and week 11 (9 of 20) stays inside;
    # without week 10 p̄ = 0.132, the count is 9, so a second pass drops week 11 too.
    assert baseline.dropped == (10, 11)
    assert baseline.centre == pytest.approx(0.1) and not baseline.provisional


def test_only_the_periods_shown_and_seven_before_them_feed_the_rules():
    # A long history before the range shown changes nothing but the noise: the same expectation (about).
    short = ChanceSeries(0.1, (17,) * 30, (True,) * 12 + (False,) * 18, (False,) * 20 + (True,) * 10)
    long = ChanceSeries(0.1, (17,) * 300, (True,) * 12 + (False,) * 288, (False,) * 290 + (True,) * 10)
    assert expected_signals([long], simulations=2000) == pytest.approx(expected_signals([short], simulations=2000),
                                                                       rel=0.15)

"""Western Electric rules on exact zones: each fires past its boundary and not at it.

The tests write each point as a z value for readability; ``zone`` turns it into the exact zone a point
would have ("beyond kσ" is strict in z here: z = 3.0 is zone 2). Decisions under test: a point on the
centre (z = 0) is on neither side; gaps are skipped; a rule fires at the period that completes its pattern
(the verdict on a period never depends on later periods); firings of one rule and side whose patterns share
a point merge into one signal spanning first to last qualifying point.
"""

import numpy as np
import pytest

from bro.quality import PChartPoint, PeriodCount, RULE_NAMES, Signal, p_chart, western_electric
from bro.quality.signals import count_signals


def zone(z):
    for k in (3, 2, 1):
        if abs(z) > k:
            return k if z > 0 else -k
    return 0


def chart_points(*zs):
    """Chart points P0, P1, ... with the given z values (None = gap)."""
    return [
        PChartPoint(f"P{i}", 0 if z is None else 10, 0, None, None, None, None, z,
                    None if z is None else zone(z), None if z is None else (z > 0) - (z < 0))
        for i, z in enumerate(zs)
    ]


def signal(rule, first, last, side="above", skip=()):
    periods = tuple(f"P{i}" for i in range(first, last + 1) if i not in skip)
    return Signal(rule, RULE_NAMES[rule], periods, side)


def test_rule_1_fires_on_one_point_beyond_three_sigma():
    assert western_electric(chart_points(0.5, 3.01, 0.5)) == [signal(1, 1, 1)]


def test_rule_1_fires_below_the_centre_too():
    assert western_electric(chart_points(-0.5, -3.2, -0.5)) == [signal(1, 1, 1, "below")]


def test_rule_1_does_not_fire_exactly_at_three_sigma():
    assert western_electric(chart_points(0.5, 3.0, -0.5)) == []


def test_rule_2_fires_on_two_of_three_beyond_two_sigma_same_side():
    assert western_electric(chart_points(2.1, 0.0, 2.1)) == [signal(2, 0, 2)]


def test_rule_2_does_not_fire_exactly_at_two_sigma():
    assert western_electric(chart_points(2.0, 2.5, 0.0)) == []


def test_rule_2_does_not_fire_when_the_two_points_are_four_apart():
    assert western_electric(chart_points(2.1, 0.0, 0.0, 2.1)) == []


def test_rule_2_does_not_fire_on_opposite_sides():
    assert western_electric(chart_points(2.5, -2.5, 0.0)) == []


def test_rule_3_fires_on_four_of_five_beyond_one_sigma_same_side():
    assert western_electric(chart_points(-1.1, -1.1, 0.0, -1.1, -1.1)) == [
        signal(3, 0, 4, "below")
    ]


def test_rule_3_does_not_fire_exactly_at_one_sigma():
    assert western_electric(chart_points(1.0, 1.1, 1.1, 1.1, 0.0)) == []


def test_rule_3_does_not_fire_on_three_of_five():
    assert western_electric(chart_points(1.5, 1.5, 0.0, 0.0, 1.5, 0.0)) == []


def test_rule_4_fires_on_eight_in_a_row_on_one_side():
    assert western_electric(chart_points(*[0.1] * 8)) == [signal(4, 0, 7)]


def test_rule_4_does_not_fire_on_seven_in_a_row():
    assert western_electric(chart_points(*[0.1] * 7, -0.1)) == []


def test_point_on_the_centre_breaks_a_run():
    assert western_electric(chart_points(*[0.1] * 4, 0.0, *[0.1] * 4)) == []


def test_a_run_of_nine_is_one_signal_covering_all_nine():
    assert western_electric(chart_points(*[-0.4] * 9)) == [signal(4, 0, 8, "below")]


def test_gap_periods_are_skipped_and_do_not_break_a_run():
    zs = [0.1] * 4 + [None] + [0.1] * 4
    assert western_electric(chart_points(*zs)) == [signal(4, 0, 8, skip={4})]


def test_overlapping_windows_of_one_rule_merge():
    # windows P0–P2 and P1–P3 and P2–P4 each hold two points beyond 2σ: one
    # rule-2 signal. (The same four points are also four of five beyond 1σ.)
    assert western_electric(chart_points(2.5, 2.5, 0.0, 2.5, 2.5)) == [
        signal(2, 0, 4),
        signal(3, 0, 4),
    ]


def test_windows_that_do_not_share_a_point_stay_separate():
    assert western_electric(chart_points(2.5, 2.5, 0.0, 0.0, 2.5, 2.5)) == [
        signal(2, 0, 1),
        signal(2, 4, 5),
    ]


def test_rule_1_reports_each_point_and_signals_are_ordered_by_start_then_rule():
    assert western_electric(chart_points(3.5, 3.5)) == [
        signal(1, 0, 0),
        signal(2, 0, 1),
        signal(1, 1, 1),
    ]


def test_series_shorter_than_a_window_is_one_window():
    assert western_electric(chart_points(1.5, 1.5, 1.5, 1.5)) == [signal(3, 0, 3)]


def test_every_signal_names_its_rule():
    assert set(RULE_NAMES) == {1, 2, 3, 4}


@pytest.mark.parametrize(("above", "fires"), [(6, False), (7, True)])
def test_rule_1_boundary_on_a_real_chart(above, fires):
    # p̄ = 0.1, n = 17: P(X ≥ 6) = 0.0047 > 0.00135 ≥ P(X ≥ 7) = 0.00078
    chart = p_chart([PeriodCount("W1", 17, above)], centre=0.1)
    rule_1 = [s for s in western_electric(chart.points) if s.rule == 1]
    assert bool(rule_1) is fires


def test_a_rule_fires_at_the_period_that_completes_its_pattern():
    [rule_2] = western_electric(chart_points(2.5, 0.0, 2.5, 0.0))
    assert rule_2.periods == ("P0", "P1", "P2") and rule_2.alarms == ("P2",)


def test_the_verdict_on_a_period_does_not_depend_on_later_periods():
    zs = [0.5, 2.5, -0.3, 2.5, 3.5, 1.2, 1.5, -2.5, 1.1, 0.2, 1.4]
    full = western_electric(chart_points(*zs))
    for end in range(1, len(zs) + 1):
        cut = western_electric(chart_points(*zs[:end]))
        fired_cut = {(s.rule, s.side, a) for s in cut for a in s.alarms}
        fired_full = {(s.rule, s.side, a) for s in full for a in s.alarms if int(a[1:]) < end}
        assert fired_cut == fired_full


def test_the_vectorised_rules_count_what_western_electric_finds():
    rng = np.random.default_rng(7)
    for _ in range(300):
        length = int(rng.integers(1, 30))
        zones = rng.choice([-3, -2, -1, 0, 1, 2, 3], size=(1, length), p=[.04, .08, .18, .4, .18, .08, .04])
        sides = np.sign(zones) + (zones == 0) * rng.choice([-1, 0, 1], size=(1, length))
        counted = rng.random(length) < 0.6
        points = [PChartPoint(i, 1, 0, 0, 0, 0, 0, 0, int(zones[0, i]), int(sides[0, i])) for i in range(length)]
        expected = sum(1 for s in western_electric(points) if any(counted[a] for a in s.alarms))
        assert count_signals(zones, sides, counted)[0] == expected

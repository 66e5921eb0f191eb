"""p-chart: centre line and per-period limits exactly as DESIGN.md states."""

import math
from datetime import date

import pytest

from bro.quality import PeriodCount, p_chart, period_range, western_electric


def test_centre_is_total_nonconforming_over_total_rated():
    chart = p_chart([PeriodCount("W1", 100, 4), PeriodCount("W2", 300, 36)])
    assert chart.centre == pytest.approx(40 / 400)


def test_limits_follow_each_periods_own_n():
    # p̄ = 0.1, p̄(1−p̄) = 0.09
    # W1: σ = √(0.09/100) = 0.03       -> UCL 0.19, LCL 0.01, z = (0.04−0.1)/0.03 = −2
    # W3: σ = √(0.09/300) = 0.0173205  -> UCL 0.151962, LCL 0.048038, z = 0.02/σ = 2/√3
    chart = p_chart(
        [PeriodCount("W1", 100, 4), PeriodCount("W2", 0, 0), PeriodCount("W3", 300, 36)]
    )
    first, _, third = chart.points
    assert (first.p, first.sigma, first.ucl, first.lcl) == pytest.approx((0.04, 0.03, 0.19, 0.01))
    assert first.z == -2.0
    assert third.sigma == pytest.approx(math.sqrt(0.0003))
    assert third.ucl == pytest.approx(0.1 + 3 * math.sqrt(0.0003))
    assert third.lcl == pytest.approx(0.1 - 3 * math.sqrt(0.0003))
    assert third.z == pytest.approx(2 / math.sqrt(3))


def test_empty_period_is_a_gap_not_a_zero():
    chart = p_chart([PeriodCount("W1", 10, 2), PeriodCount("W2", 0, 0)])
    gap = chart.points[1]
    assert gap.is_gap
    assert (gap.p, gap.sigma, gap.ucl, gap.lcl, gap.z) == (None, None, None, None, None)


def test_gaps_do_not_change_the_centre():
    with_gap = p_chart([PeriodCount("W1", 10, 2), PeriodCount("W2", 0, 0), PeriodCount("W3", 10, 4)])
    assert with_gap.centre == pytest.approx(0.3)


def test_limits_are_clipped_to_zero_and_one():
    # p̄ = 0.5, n = 1: σ = 0.5, p̄ ± 3σ = 2.0 and −1.0
    point = p_chart([PeriodCount("W1", 1, 1), PeriodCount("W2", 1, 0)]).points[0]
    assert (point.ucl, point.lcl) == (1.0, 0.0)


def test_centre_zero_gives_flat_limits_and_z_zero():
    chart = p_chart([PeriodCount("W1", 10, 0), PeriodCount("W2", 0, 0), PeriodCount("W3", 5, 0)])
    assert chart.centre == 0.0
    point = chart.points[0]
    assert (point.p, point.sigma, point.ucl, point.lcl, point.z) == (0.0, 0.0, 0.0, 0.0, 0.0)
    assert western_electric(chart.points) == []


def test_centre_one_gives_flat_limits_and_z_zero():
    chart = p_chart([PeriodCount("W1", 4, 4), PeriodCount("W2", 6, 6)])
    assert chart.centre == 1.0
    assert [(p.ucl, p.lcl, p.z) for p in chart.points] == [(1.0, 1.0, 0.0), (1.0, 1.0, 0.0)]


def test_chart_without_any_audit_has_no_centre():
    chart = p_chart([PeriodCount("W1", 0, 0), PeriodCount("W2", 0, 0)])
    assert chart.centre is None
    assert all(point.is_gap for point in chart.points)


def test_point_exactly_on_the_limit_has_z_exactly_three():
    # p̄ = 36/72 = 0.5, σ = √(0.25/36) = 1/12; p = 27/36 = 0.75 -> z = 0.25 × 12 = 3
    chart = p_chart([PeriodCount("W1", 36, 27), PeriodCount("W2", 36, 9)])
    assert [point.z for point in chart.points] == [3.0, -3.0]
    assert chart.points[0].p == chart.points[0].ucl


def test_nonconforming_above_n_is_rejected():
    with pytest.raises(ValueError, match="0 <= nonconforming <= n"):
        PeriodCount("W1", 3, 4)


def test_chart_over_a_period_range_shows_weeks_without_audits():
    weeks = period_range(date(2026, 1, 1), date(2026, 1, 31), "week")
    observed = {"2026-W01": (10, 1), "2026-W03": (10, 3)}
    chart = p_chart([PeriodCount(week, *observed.get(week, (0, 0))) for week in weeks])
    assert [point.period for point in chart.points if point.is_gap] == [
        "2026-W02",
        "2026-W04",
        "2026-W05",
    ]

"""p-chart: exact binomial zones and limits around a given centre, as DESIGN.md states."""

import math
from datetime import date

import pytest
from scipy.stats import binom, norm

from bro.quality import PeriodCount, exact_limits, p_chart, period_range, western_electric, zone_alpha


def test_zone_probabilities_are_one_minus_phi_of_k():
    assert [zone_alpha(k) for k in (1, 2, 3)] == pytest.approx([norm.sf(1), norm.sf(2), norm.sf(3)])
    assert zone_alpha(3) == pytest.approx(0.00135, abs=1e-5)


def test_centre_defaults_to_total_nonconforming_over_total_rated():
    chart = p_chart([PeriodCount("W1", 100, 4), PeriodCount("W2", 300, 36)])
    assert chart.centre == pytest.approx(40 / 400)


def test_a_given_centre_is_used_instead_of_the_counts():
    chart = p_chart([PeriodCount("W1", 100, 40)], centre=0.1)
    assert chart.centre == 0.1 and chart.points[0].centre == 0.1 and chart.points[0].zone == 3


@pytest.mark.parametrize(("n", "centre"), [(17, 0.1), (17, 0.05), (12, 0.2), (100, 0.1), (300, 0.1)])
def test_upper_limit_is_the_smallest_count_with_upper_tail_at_most_0_00135(n, centre):
    limits = exact_limits(n, centre)
    u = limits.upper[3]
    assert binom.sf(u - 1, n, centre) <= zone_alpha(3) < binom.sf(u - 2, n, centre)
    point = p_chart([PeriodCount("W1", n, 0)], centre=centre).points[0]
    assert point.ucl == u / n


def test_lower_limit_is_absent_when_no_count_is_rare_enough():
    # n = 17, p̄ = 0.1: P(X = 0) = 0.9^17 = 0.167 > 0.00135, so nothing is beyond 3σ below
    # (0.167 > 0.1587: a week without any nonconformity is not even beyond 1σ below)
    point = p_chart([PeriodCount("W1", 17, 0)], centre=0.1).points[0]
    assert point.lcl is None and point.side == -1 and point.zone == 0


def test_for_large_n_the_exact_limits_approach_the_classic_ones():
    n, centre = 5000, 0.1
    point = p_chart([PeriodCount("W1", n, 500)], centre=centre).points[0]
    sigma = math.sqrt(centre * (1 - centre) / n)
    assert point.ucl == pytest.approx(centre + 3 * sigma, abs=0.002)
    assert point.lcl == pytest.approx(centre - 3 * sigma, abs=0.002)


def test_a_point_on_the_exact_limit_is_beyond_it():
    # n = 17, p̄ = 0.1: P(X ≥ 7) = 0.00078 ≤ 0.00135 < P(X ≥ 6) = 0.0047
    chart = p_chart([PeriodCount("W1", 17, 7), PeriodCount("W2", 17, 6)], centre=0.1)
    on_limit, below_it = chart.points
    assert on_limit.p == on_limit.ucl and on_limit.zone == 3
    assert below_it.zone == 2  # 0.0047 ≤ 0.02275


def test_z_is_the_normal_approximation_for_the_table():
    # p̄ = 0.1, n = 100: σ = 0.03; p = 0.04 -> z = −2
    point = p_chart([PeriodCount("W1", 100, 4)], centre=0.1).points[0]
    assert point.sigma == pytest.approx(0.03) and point.z == pytest.approx(-2.0)


def test_empty_period_is_a_gap_not_a_zero():
    chart = p_chart([PeriodCount("W1", 10, 2), PeriodCount("W2", 0, 0)])
    gap = chart.points[1]
    assert gap.is_gap
    assert (gap.p, gap.sigma, gap.ucl, gap.lcl, gap.z, gap.zone, gap.side) == (None,) * 7


def test_gaps_do_not_change_the_centre():
    with_gap = p_chart([PeriodCount("W1", 10, 2), PeriodCount("W2", 0, 0), PeriodCount("W3", 10, 4)])
    assert with_gap.centre == pytest.approx(0.3)


def test_limits_no_count_can_reach_are_absent():
    # p̄ = 0.5, n = 1: P(X ≥ 1) = P(X ≤ 0) = 0.5, far above 0.00135
    point = p_chart([PeriodCount("W1", 1, 1), PeriodCount("W2", 1, 0)]).points[0]
    assert (point.ucl, point.lcl) == (None, None) and point.zone == 0


def test_centre_zero_signals_any_nonconformity_and_points_on_it_are_on_no_side():
    chart = p_chart([PeriodCount("W1", 10, 0), PeriodCount("W2", 0, 0), PeriodCount("W3", 5, 0)])
    assert chart.centre == 0.0
    point = chart.points[0]
    assert (point.p, point.sigma, point.ucl, point.lcl, point.z, point.zone, point.side) == \
        (0.0, 0.0, 0.1, None, 0.0, 0, 0)
    assert western_electric(chart.points) == []


def test_centre_one_has_only_a_lower_limit():
    chart = p_chart([PeriodCount("W1", 4, 4), PeriodCount("W2", 6, 6)])
    assert chart.centre == 1.0
    assert [(p.ucl, p.lcl, p.z, p.side) for p in chart.points] == [(None, 0.75, 0.0, 0), (None, 5 / 6, 0.0, 0)]


def test_chart_without_any_audit_has_no_centre():
    chart = p_chart([PeriodCount("W1", 0, 0), PeriodCount("W2", 0, 0)])
    assert chart.centre is None
    assert all(point.is_gap for point in chart.points)


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

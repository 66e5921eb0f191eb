"""Retraining effect: difference in differences per case, pooled per module with a bootstrap interval;
seeded simulated organisations check coverage under no effect and detection of a real one."""

from datetime import date, datetime, time, timedelta

import pytest

from bro.quality import (
    ControlDay,
    RetrainingCase,
    before_after_rate,
    comparison_case,
    retraining_effect,
)
from bro.quality.effects import IMPROVED, NO_CLEAR_CHANGE, TOO_FEW, pooled_interval
from tests.unit.retraining_simulation import simulate_cases

T, F = True, False
D0 = date(2026, 3, 2)


def at(day_offset, hour=12):
    return datetime.combine(D0 + timedelta(days=day_offset), time(hour))


def test_before_counts_only_audits_recorded_while_the_retraining_was_open():
    # Audits before the trigger (day 0) are left out: a miss there would itself have assigned the module.
    before = [(D0 - timedelta(days=2), at(-2), F), (D0, at(0), T),  # the trigger, recorded as it was assigned
              (D0 + timedelta(days=1), at(1), T), (D0 + timedelta(days=2), at(2), F)]
    after = [(D0 + timedelta(days=d), nc) for d, nc in ((4, T), (5, F), (6, F), (7, F))]
    case = comparison_case("m", "pat", before, after, assigned_at=at(0), completed_at=at(4, 18), colleagues=[])
    assert case.before == (T, F)
    assert case.after == (F, F, F)  # the completion day itself is left out: the audit may precede it


def test_effect_is_the_persons_change_minus_the_colleagues_change_over_the_same_days():
    before = [(D0 + timedelta(days=d), at(d), nc) for d, nc in ((1, T), (2, T))]
    after = [(D0 + timedelta(days=d), nc) for d, nc in ((5, F), (6, T))]
    colleagues = [ControlDay("ann", D0 + timedelta(days=1), 2, 1), ControlDay("ann", D0 + timedelta(days=6), 2, 0),
                  ControlDay("ann", D0 + timedelta(days=3), 9, 9),  # between the windows: not counted
                  ControlDay("pat", D0 + timedelta(days=2), 5, 5)]  # the person themself: not a colleague
    case = comparison_case("m", "pat", before, after, at(0), at(4, 18), colleagues)
    assert case.person_change == pytest.approx(0.5 - 1.0)
    assert case.control_before == (2, 1) and case.control_after == (2, 0)
    assert case.effect == pytest.approx(-0.5 - (0.0 - 0.5))
    assert case.windows == (D0 + timedelta(days=1), D0 + timedelta(days=2), D0 + timedelta(days=5),
                            D0 + timedelta(days=6))


def test_a_case_without_colleagues_has_no_effect():
    case = comparison_case("m", "pat", [(D0 + timedelta(days=1), at(1), T)], [(D0 + timedelta(days=6), F)],
                           at(0), at(4), [])
    assert case.person_change == -1.0 and case.effect is None


def test_fewer_than_ten_compared_cases_claims_nothing():
    cases = [RetrainingCase("m", f"p{i}", (T,), (F,), (10, 5), (10, 5)) for i in range(9)]
    (effect,) = retraining_effect(cases)
    assert effect.verdict == TOO_FEW and effect.ci_low is None and effect.effect == pytest.approx(-1.0)


def test_improved_only_when_the_whole_interval_is_below_zero():
    clear = [RetrainingCase("m", f"p{i}", (T, T), (F, F), (10, 5), (10, 5)) for i in range(12)]
    mixed = [RetrainingCase("m", f"p{i}", (T,) if i % 2 else (F,), (F,) if i % 2 else (T,), (10, 5), (10, 5))
             for i in range(12)]
    (improved,) = retraining_effect(clear)
    (unclear,) = retraining_effect(mixed)
    assert improved.verdict == IMPROVED and improved.ci_high < 0
    assert unclear.verdict == NO_CLEAR_CHANGE and unclear.ci_low < 0 < unclear.ci_high


def test_bootstrap_interval_is_fixed_by_its_seed_and_matches_scipy():
    scipy_stats = pytest.importorskip("scipy.stats")
    values = [-0.4, -0.2, 0.0, 0.2, -0.6, -0.1, 0.1, -0.3, -0.5, 0.0, -0.2, -0.25]
    assert pooled_interval(values) == pooled_interval(values)
    reference = scipy_stats.bootstrap((values,), lambda x, axis: x.mean(axis=axis), method="percentile",
                                      n_resamples=2000, random_state=1).confidence_interval
    low, high = pooled_interval(values)
    assert low == pytest.approx(reference.low, abs=0.03) and high == pytest.approx(reference.high, abs=0.03)


def test_simulated_organisations_without_effect_cover_zero():
    """200 organisations (3 teams of 6, 30 weeks, every miss assigning the module): the 95 % interval
    covers 0 in at least 93 % (measured: 95.5 %)."""
    results = [retraining_effect(simulate_cases(seed))[0] for seed in range(200)]
    assert all(r.verdict != TOO_FEW for r in results)
    covered = sum(r.ci_low <= 0 <= r.ci_high for r in results)
    assert covered >= 186


def test_simulated_organisations_detect_a_real_effect_of_minus_fifteen_points():
    """100 organisations (10 teams of 8, 12 weeks; a third of the staff miss the step often and are the
    ones retrained): each completed retraining lowers the person's nonconformity by 15 points. Detected
    (interval below 0) in at least 80 % (measured: 82 % of 200)."""
    detected = sum(retraining_effect(simulate_cases(seed, effect=-0.15, teams=10, staff_per_team=8, days=60,
                                                    rates=(0.01, 0.02), weak=(0.35, 0.6, 0.9)))[0].verdict
                   == IMPROVED for seed in range(100))
    assert detected >= 80


def test_the_literal_reading_is_biased_and_would_fail_coverage():
    """Counting the audits just before the trigger and dropping colleagues who were in retraining (the
    reading this module does not use) makes retraining look harmful when it does nothing."""
    results = [retraining_effect(simulate_cases(seed, reading="contract"))[0] for seed in range(40)]
    judged = [r for r in results if r.verdict != TOO_FEW]
    assert sum(r.effect for r in judged) / len(judged) > 0.05


def test_before_after_rate_splits_at_the_pivot_with_fisher():
    observations = [(date(2026, 3, 1), T), (date(2026, 3, 2), T), (date(2026, 3, 3), F), (date(2026, 3, 4), F)]
    result = before_after_rate(observations, pivot=date(2026, 3, 3))
    assert (result.before_n, result.before_nc, result.after_n, result.after_nc) == (2, 2, 2, 0)
    assert result.change == -1.0 and result.test == "fisher_exact"


def test_before_after_rate_counts_a_timestamp_on_the_pivot_day_as_after():
    result = before_after_rate([(datetime(2026, 2, 1, 9), True)], pivot=date(2026, 2, 1))
    assert result.after_n == 1 and result.p_value is None

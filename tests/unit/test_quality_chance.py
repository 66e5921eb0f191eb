"""The chance figure as a sum: each chart phase is simulated once, whole, and the signals of any range shown
are a sum of per-period counts — equal, to the last run, to counting the rules directly on the same
simulations. And the simulated zones are the exact zones the real charts use."""
from __future__ import annotations

import numpy as np
import pytest

from bro.quality import ChanceSeries, exact_limits, expected_signals, period_signals, series_digest
from bro.quality.chance import _zones, simulated_signals
from bro.quality.signals import LOOKBACK, count_signals, period_signal_counts, signals_in_range


def _series(rng, periods: int, centre: float, low: int, high: int, stream: str = "s") -> ChanceSeries:
    ns = tuple(int(n) for n in rng.integers(low, high, size=periods))
    return ChanceSeries(centre, ns, tuple(i < 12 for i in range(periods)), (True,) * periods, stream)


def _shown(series: ChanceSeries, first: int, last: int) -> ChanceSeries:
    return ChanceSeries(series.centre, series.ns, series.baseline,
                        tuple(first <= i <= last for i in range(len(series.ns))), series.stream)


def test_signals_in_any_range_are_the_sum_of_the_per_period_counts():
    rng = np.random.default_rng(11)
    for _ in range(8):
        length = int(rng.integers(1, 30))
        zones = rng.choice([-3, -2, -1, 0, 1, 2, 3], p=[.03, .07, .15, .5, .15, .07, .03], size=(30, length))
        sides = np.where(zones != 0, np.sign(zones), rng.choice([-1, 0, 1], size=(30, length)))
        counts = period_signal_counts(zones, sides)
        for first in range(length):
            for last in range(first, length):
                counted = np.zeros(length, dtype=bool)
                counted[first:last + 1] = True
                assert signals_in_range(counts, first, last) == count_signals(zones, sides, counted).sum()


def test_a_long_run_of_one_signal_is_counted_once_whatever_the_range():
    # Eight points above the centre and more: one rule-4 signal firing at every point from the eighth.
    zones = np.zeros((1, 20), dtype=np.int8)
    sides = np.ones((1, 20), dtype=np.int8)
    counts = period_signal_counts(zones, sides)
    assert counts[:, LOOKBACK].sum() == 1  # one signal starts
    assert [signals_in_range(counts, first, 19) for first in (0, 7, 12, 19)] == [1, 1, 1, 1]


@pytest.mark.parametrize("low, high, centre", [(12, 23, 0.1), (400, 560, 0.08), (1, 4, 0.3), (30, 60, 0.0)])
def test_the_stated_figure_equals_the_direct_simulation_for_every_range(low, high, centre):
    rng = np.random.default_rng(12)
    series = _series(rng, 40, centre, low, high)
    for first, last in ((0, 39), (0, 0), (5, 12), (20, 39), (33, 34)):
        shown = _shown(series, first, last)
        assert expected_signals([shown], simulations=200) == simulated_signals([shown], simulations=200).mean()


def test_precomputed_counts_give_the_figure_computed_at_view_time():
    rng = np.random.default_rng(13)
    series = [_shown(_series(rng, 30, 0.12, 10, 25, stream=f"chart-{i}"), 4, 29) for i in range(3)]
    kept = {series_digest(one): period_signals(one) for one in series}
    assert expected_signals(series, counts=lambda one: kept[series_digest(one)]) == expected_signals(series)


def test_a_series_draws_the_same_whatever_else_the_dashboard_shows():
    rng = np.random.default_rng(14)
    first, second = (_series(rng, 26, 0.1, 12, 23, stream=name) for name in ("failure/2026-W01", "greet/2026-W01"))
    assert expected_signals([first, second]) == pytest.approx(expected_signals([first]) + expected_signals([second]))


def test_the_digest_names_everything_the_simulation_depends_on():
    series = ChanceSeries(0.1, (17,) * 20, (True,) * 12 + (False,) * 8, (True,) * 20, "greet/2026-W01")
    changed = [
        ChanceSeries(0.11, series.ns, series.baseline, series.shown, series.stream),
        ChanceSeries(0.1, (17,) * 19 + (18,), series.baseline, series.shown, series.stream),
        ChanceSeries(0.1, series.ns, (True,) * 11 + (False,) * 9, series.shown, series.stream),
        ChanceSeries(0.1, series.ns, series.baseline, series.shown, "greet/2026-W09"),
    ]
    assert len({series_digest(one) for one in changed} | {series_digest(series)}) == 5
    # ... but not the range shown: that is only summed over.
    assert series_digest(_shown(series, 3, 9)) == series_digest(series)
    assert series_digest(series, simulations=100) != series_digest(series)


def test_simulated_zones_are_the_exact_zones_of_the_real_charts():
    rng = np.random.default_rng(15)
    ns = rng.integers(1, 600, size=60)
    centres = np.concatenate([[0.0, 1.0], rng.uniform(0.001, 0.6, size=38)])[:, None]
    draws = rng.binomial(ns, np.clip(centres * rng.uniform(0.5, 1.8, size=centres.shape), 0, 1))
    zones, sides = _zones(draws, ns, centres)
    for s, centre in enumerate(centres[:, 0]):
        for i, n in enumerate(ns):
            x = int(draws[s, i])
            assert zones[s, i] == exact_limits(int(n), float(centre)).zone(x), (n, centre, x)
            expected = n * centre
            assert sides[s, i] == (0 if abs(x - expected) <= 1e-9 else (1 if x > expected else -1))


def test_periods_shown_must_be_consecutive():
    series = ChanceSeries(0.1, (17,) * 5, (True,) * 5, (True, False, True, False, False))
    with pytest.raises(ValueError):
        expected_signals([series])

"""How many signals chance alone would give on a dashboard.

For every chart and phase shown, simulate a stable process — Xᵢ ~ Binomial(nᵢ, p̄) with the phase's baseline
p̄ and each period's actual nᵢ — and run on it exactly what the dashboard runs on real counts:

1. Phase I: p̂ from the simulated baseline periods (the same periods the real baseline was built from), with
   the same cleaning (periods beyond the exact 3σ limits left out, p̂ recomputed until none are);
2. exact zones of every period at that p̂ (the same binomial tails as bro.quality.pchart.exact_limits);
3. the Western Electric rules (:func:`bro.quality.signals.count_signals`), counting the signals that fire
   at least once in a period shown.

Step 1 matters: a baseline estimated from 12 periods is itself noisy, and a chart judged against it signals
more often than one judged against the true rate. Simulating the estimate too makes the stated figure the
one a supervisor should expect from the procedure as it runs.

The expectation is the mean over ``simulations`` runs from a fixed seed, so the same dashboard always states
the same figure. Each phase of each chart is simulated whole (every rated period, from its start to the
newest audits) from a random stream of its own (the seed and the series' ``stream`` label), whatever range is
shown. The signals counted in a range are then a sum over its periods (see
:func:`bro.quality.signals.period_signal_counts`): :func:`period_signals` is computed once per series, and
any range shown costs a sum (:func:`expected_signals` takes the per-series counts from a cache the caller
keeps, keyed by :func:`series_digest`). numpy and scipy.special are imported lazily.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bro.quality.pchart import SIDE_TOLERANCE, zone_alpha
from bro.quality.signals import count_signals, period_signal_counts, signals_in_range

__all__ = ["ChanceSeries", "SEED", "SIMULATIONS", "expected_signals", "period_signals", "series_digest",
           "simulated_signals"]

SEED = 20261202
SIMULATIONS = 400
METHOD = 2  # part of series_digest: stored counts of another method (or seed, or run count) are never reused


@dataclass(frozen=True)
class ChanceSeries:
    """One phase of one chart: its baseline ``centre``, and for each rated period in time order its nᵢ,
    whether it is a baseline candidate (before cleaning) and whether it is shown (the periods shown are one
    run of consecutive rated periods, as on a dashboard). ``stream`` names the series (chart and phase) so
    that it draws the same random numbers whatever else the dashboard shows."""

    centre: float
    ns: tuple[int, ...]
    baseline: tuple[bool, ...]
    shown: tuple[bool, ...]
    stream: str = ""


def _draws(series: ChanceSeries, simulations: int, seed: int):
    import numpy as np

    rng = np.random.default_rng([seed, zlib.crc32(series.stream.encode())])
    return rng.binomial(np.asarray(series.ns, dtype=np.int64), series.centre,
                        size=(simulations, len(series.ns)))


def _upper_tail(draws, ns, centre):
    """P(X ≥ x) with X ~ Binomial(n, centre), for every simulated count (bdtrc(k) = P(X > k))."""
    from bro.quality.kernels import kernels

    return kernels().bdtrc(draws - 1, ns, centre)


def _lower_tail(draws, ns, centre):
    from bro.quality.kernels import kernels

    return kernels().bdtr(draws, ns, centre)


SMALL_N = 100  # up to this nᵢ zones are looked up in critical-rate tables (all of them: about 0.5 MB)


@lru_cache(maxsize=SMALL_N + 1)
def _critical_rates(n: int):
    """For every count x = 0..n: the centres at which x is beyond kσ (k = 1, 2, 3), as two arrays (n + 1) × 3.

    x is beyond kσ above at p̄ exactly when p̄ ≤ ``above[x, k−1]`` (P(X ≥ x) grows with p̄), and beyond kσ
    below when p̄ ≥ ``below[x, k−1]``; from ``scipy.special.bdtri``, the inverse of the binomial distribution
    function in p. For a small n the table is cheaper than a tail per simulated count; for a large one it
    costs more to build than the tails it saves, and the tails are evaluated instead."""
    import numpy as np

    from bro.quality.kernels import kernels

    bdtri = kernels().bdtri

    above = np.full((n + 1, 3), -np.inf)
    below = np.full((n + 1, 3), np.inf)
    for column, k in enumerate((1, 2, 3)):
        alpha = zone_alpha(k)
        if n:
            above[1:, column] = bdtri(np.arange(0, n), n, 1 - alpha)   # P(X ≤ x−1) = 1 − α
            below[:n, column] = bdtri(np.arange(0, n), n, alpha)       # P(X ≤ x) = α
    return above, below


def _table_zones(draws, ns, centre):
    """Zones of simulated counts of small nᵢ, from the critical-rate tables."""
    import numpy as np

    tables = [_critical_rates(int(n)) for n in ns]
    above = np.concatenate([table[0] for table in tables])
    below = np.concatenate([table[1] for table in tables])
    index = np.concatenate([[0], np.cumsum(ns + 1)[:-1]]) + draws
    above, below = above[index], below[index]  # simulations × periods × 3 (k = 1, 2, 3)
    zones = np.zeros(draws.shape, dtype=np.int8)
    for k in (1, 2, 3):  # ascending: the largest k reached wins
        zones[centre <= above[..., k - 1]] = k
        zones[centre >= below[..., k - 1]] = -k
    return zones


def _tail_zones(draws, ns, centre):
    """Zones of simulated counts from their binomial tails: only the tail on the count's side can be rare (the
    two tails of one count add up to more than 1), so one tail is evaluated per count."""
    import numpy as np

    high = draws - ns * centre > 0
    centre = np.broadcast_to(centre, draws.shape)
    ns = np.broadcast_to(ns, draws.shape)
    tail = np.ones(draws.shape)
    tail[high] = _upper_tail(draws[high], ns[high], centre[high])
    low = ~high
    tail[low] = _lower_tail(draws[low], ns[low], centre[low])
    direction = np.where(high, 1, -1).astype(np.int8)
    zones = np.zeros(draws.shape, dtype=np.int8)
    for k in (1, 2, 3):  # ascending: the largest k reached wins
        beyond = tail <= zone_alpha(k)
        zones[beyond] = k * direction[beyond]
    return zones


def _zone_levels(draws, ns, centre):
    """Exact zones of simulated counts (simulations × periods) at each simulation's centre (a column)."""
    import numpy as np

    small = ns <= SMALL_N
    if small.all():
        return _table_zones(draws, ns, centre)
    if not small.any():
        return _tail_zones(draws, ns, centre)
    zones = np.zeros(draws.shape, dtype=np.int8)
    zones[:, small] = _table_zones(draws[:, small], ns[small], centre)
    zones[:, ~small] = _tail_zones(draws[:, ~small], ns[~small], centre)
    return zones


def _zones(draws, ns, centre):
    """Exact zones and sides of every simulated count at each simulation's centre (a column), as
    bro.quality.pchart.chart_point judges a real count."""
    import numpy as np

    difference = draws - ns * centre
    sides = (difference > SIDE_TOLERANCE).astype(np.int8) - (difference < -SIDE_TOLERANCE)
    return _zone_levels(draws, ns, centre), sides


def _phase_one(draws, ns, candidates):
    """p̂ per simulation (column vector) after cleaning, as bro.quality.baseline.phase_one does it."""
    import numpy as np

    draws, ns = draws[:, candidates], ns[candidates]
    kept = np.ones(draws.shape, dtype=bool)
    while True:
        centre = (draws * kept).sum(axis=1, keepdims=True) / (ns * kept).sum(axis=1, keepdims=True)
        breaking = kept & (np.abs(_zone_levels(draws, ns, centre)) == 3)  # beyond the exact 3σ limits
        # a simulation whose every kept period breaks the limits keeps them (as phase_one does)
        breaking &= (breaking.sum(axis=1, keepdims=True) < kept.sum(axis=1, keepdims=True))
        if not breaking.any():
            return centre
        kept &= ~breaking


def _simulated_zones(series: ChanceSeries, simulations: int, seed: int):
    """Zones and sides of every rated period of the series in each simulation (simulations × periods)."""
    import numpy as np

    draws = _draws(series, simulations, seed)
    ns = np.asarray(series.ns, dtype=np.int64)
    candidates = np.asarray(series.baseline, dtype=bool)
    if candidates.any():
        centre = _phase_one(draws, ns, candidates)
    else:
        centre = np.full((simulations, 1), series.centre)
    return _zones(draws, ns, centre)


def period_signals(series: ChanceSeries, simulations: int = SIMULATIONS, seed: int = SEED):
    """The simulated signals of one series per period, summed over the simulations
    (:func:`bro.quality.signals.period_signal_counts`; ``shown`` is not read): any range's count is a sum."""
    import numpy as np

    if not series.ns:
        return np.zeros((0, 8), dtype=np.int64)
    return period_signal_counts(*_simulated_zones(series, simulations, seed))


def series_digest(series: ChanceSeries, simulations: int = SIMULATIONS, seed: int = SEED) -> str:
    """What :func:`period_signals` depends on, as a short key (for a cache of its results)."""
    import numpy as np

    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((METHOD, seed, simulations, series.centre.hex(), series.stream)).encode())
    digest.update(np.asarray(series.ns, dtype=np.int64).tobytes())
    digest.update(np.asarray(series.baseline, dtype=bool).tobytes())
    return digest.hexdigest()


def _shown_run(series: ChanceSeries) -> tuple[int, int] | None:
    """(first, last) index of the periods shown; they must be consecutive."""
    shown = [index for index, flag in enumerate(series.shown) if flag]
    if not shown:
        return None
    if shown[-1] - shown[0] + 1 != len(shown):
        raise ValueError("the periods shown of a chance series must be consecutive")
    return shown[0], shown[-1]


def simulated_signals(series: Sequence[ChanceSeries], simulations: int = SIMULATIONS, seed: int = SEED):
    """Signals counted in each simulated dashboard (an integer array of ``simulations``), run directly on the
    simulated series (what :func:`expected_signals` sums from the per-period counts; a test holds them equal)."""
    import numpy as np

    total = np.zeros(simulations, dtype=np.int64)
    for one in series:
        if not one.ns or _shown_run(one) is None:
            continue
        zones, sides = _simulated_zones(one, simulations, seed)
        total += count_signals(zones, sides, np.asarray(one.shown, dtype=bool))
    return total


def expected_signals(series: Sequence[ChanceSeries], simulations: int = SIMULATIONS, seed: int = SEED,
                     counts: Callable[[ChanceSeries], object] | None = None) -> float:
    """Mean number of signals chance alone gives over ``series`` (seeded simulation).

    ``counts(series)`` returns :func:`period_signals` of a series (default: computed here); a caller keeping a
    cache passes its own, so that a range not shown before costs a sum."""
    found = 0
    for one in series:
        run = _shown_run(one) if one.ns else None
        if run is None:
            continue
        per_period = counts(one) if counts is not None else period_signals(one, simulations, seed)
        found += signals_in_range(per_period, *run)
    return found / simulations

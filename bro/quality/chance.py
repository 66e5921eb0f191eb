"""How many signals chance alone would give on a dashboard.

For every chart and phase shown, simulate a stable process — Xᵢ ~ Binomial(nᵢ, p̄) with the phase's baseline
p̄ and each period's actual nᵢ — and run on it exactly what the dashboard runs on real counts:

1. Phase I: p̂ from the simulated baseline periods (the same periods the real baseline was built from), with
   the same cleaning (periods beyond the exact 3σ limits left out, p̂ recomputed until none are);
2. exact zones of every period at that p̂ (the same binomial tails, looked up as critical rates);
3. the Western Electric rules (:func:`bro.quality.signals.count_signals`), counting the signals that fire
   at least once in a period shown.

Step 1 matters: a baseline estimated from 12 periods is itself noisy, and a chart judged against it signals
more often than one judged against the true rate. Simulating the estimate too makes the stated figure the
one a supervisor should expect from the procedure as it runs.

The expectation is the mean over ``simulations`` runs from a fixed seed, so the same dashboard always states
the same figure. A phase is simulated from its start, not only from the first period shown, because the rules
look back up to eight periods. numpy and scipy.special are imported lazily.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bro.quality.pchart import SIDE_TOLERANCE, critical_rates
from bro.quality.signals import count_signals

__all__ = ["ChanceSeries", "LOOKBACK", "SEED", "SIMULATIONS", "expected_signals", "simulated_signals"]

SEED = 20261202
SIMULATIONS = 400


@dataclass(frozen=True)
class ChanceSeries:
    """One phase of one chart: its baseline ``centre``, and for each rated period in time order its nᵢ,
    whether it is a baseline candidate (before cleaning) and whether it is shown."""

    centre: float
    ns: tuple[int, ...]
    baseline: tuple[bool, ...]
    shown: tuple[bool, ...]


class _Critical:
    """Critical centres of every (period, simulated count): see :func:`bro.quality.pchart.critical_rates`."""

    def __init__(self, ns) -> None:
        import numpy as np

        tables = [critical_rates(int(n)) for n in ns]
        self.above = np.concatenate([above for above, _below in tables])
        self.below = np.concatenate([below for _above, below in tables])
        self.offsets = np.concatenate([[0], np.cumsum([int(n) + 1 for n in ns])[:-1]])

    def lookup(self, draws):
        index = self.offsets + draws
        return self.above[index], self.below[index]  # simulations × periods × 3 (k = 1, 2, 3)


def _zones(draws, ns, centre, critical: _Critical):
    import numpy as np

    above, below = critical.lookup(draws)
    zones = np.zeros(draws.shape, dtype=np.int8)
    for k in (1, 2, 3):  # ascending: the largest k reached wins
        zones[centre <= above[..., k - 1]] = k
        zones[centre >= below[..., k - 1]] = -k
    difference = draws - ns * centre
    sides = (difference > SIDE_TOLERANCE).astype(np.int8) - (difference < -SIDE_TOLERANCE)
    return zones, sides


def _phase_one(draws, ns, candidates, critical: _Critical):
    """p̂ per simulation (column vector) after cleaning, as bro.quality.baseline.phase_one does it."""
    import numpy as np

    kept = np.broadcast_to(candidates, draws.shape).copy()
    above, below = critical.lookup(draws)
    above, below = above[..., 2], below[..., 2]
    while True:
        centre = (draws * kept).sum(axis=1, keepdims=True) / (ns * kept).sum(axis=1, keepdims=True)
        breaking = kept & ((centre <= above) | (centre >= below))
        # a simulation whose every kept period breaks the limits keeps them (as phase_one does)
        breaking &= (breaking.sum(axis=1, keepdims=True) < kept.sum(axis=1, keepdims=True))
        if not breaking.any():
            return centre
        kept &= ~breaking


LOOKBACK = 7  # the longest rule looks at eight points: seven before the one it fires at


def simulated_signals(series: Sequence[ChanceSeries], simulations: int = SIMULATIONS, seed: int = SEED):
    """Signals counted in each simulated dashboard (an integer array of ``simulations``).

    Only the periods that matter are simulated: the baseline candidates (for p̂) and the periods shown with
    the seven before them (for the rules), so a long history costs no more than a short one."""
    import numpy as np

    rng = np.random.default_rng(seed)
    total = np.zeros(simulations, dtype=np.int64)
    for one in series:
        shown = np.asarray(one.shown, dtype=bool)
        if not one.ns or not shown.any():
            continue
        ns = np.asarray(one.ns, dtype=np.int64)
        candidates = np.asarray(one.baseline, dtype=bool)
        shown_at = np.flatnonzero(shown)
        window = np.arange(max(0, shown_at[0] - LOOKBACK), shown_at[-1] + 1)
        kept = np.union1d(np.flatnonzero(candidates), window)
        draws = rng.binomial(ns[kept], one.centre, size=(simulations, len(kept)))
        if candidates[kept].any():
            centre = _phase_one(draws, ns[kept], candidates[kept], _Critical(ns[kept]))
        else:
            centre = np.full((simulations, 1), one.centre)
        columns = np.searchsorted(kept, window)
        zones, sides = _zones(draws[:, columns], ns[window], centre, _Critical(ns[window]))
        total += count_signals(zones, sides, shown[window])
    return total


def expected_signals(series: Sequence[ChanceSeries], simulations: int = SIMULATIONS, seed: int = SEED) -> float:
    """Mean number of signals chance alone gives over ``series`` (seeded simulation)."""
    if not any(any(one.shown) for one in series):
        return 0.0
    return float(simulated_signals(series, simulations, seed).mean())

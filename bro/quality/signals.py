"""Western Electric rules on a p-chart's exact zones (see :mod:`bro.quality.pchart`).

1. one point beyond 3σ;
2. two of three consecutive points beyond 2σ on the same side;
3. four of five consecutive points beyond 1σ on the same side;
4. eight consecutive points on the same side of the centre.

"Beyond kσ" is the exact binomial zone of the point (``zone``): its tail probability at the baseline p̄ is
at most 1 − Φ(k). "On a side" is ``side``: a point exactly on p̄ is on neither side and breaks a run.

Decisions (tested in tests/unit/test_quality_signals.py):

* Rules are judged as the periods arrive, as a supervisor watching the chart would: a rule *fires at* a
  period when the window ending there holds enough points beyond the limit and the period itself is one of
  them. So the verdict on a period depends only on that period and the ones before it — never on how far
  the range shown reaches.
* "Consecutive" counts non-gap points only: periods with n = 0 are skipped, so a run continues across an
  empty week. Near the start of a series a window is simply shorter ("two of three" fires on the second
  point when both are beyond 2σ).
* A firing's pattern runs from the first qualifying point of its window to the period it fires at. Firings
  of the same rule and side whose patterns share a point are one :class:`Signal`: its ``periods`` are every
  non-gap period of the merged pattern, its ``alarms`` the periods it fired at. Rule 1 gives one signal per
  point.
* Signals are ordered by their first period's position, then by rule.

:func:`count_signals` runs the same rules on many simulated series at once (numpy arrays), for the number
of signals chance alone gives (:mod:`bro.quality.chance`); a test holds the two implementations equal.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bro.curricula.messages import msg

__all__ = ["LOOKBACK", "RULES", "RULE_NAMES", "Signal", "count_signals", "period_signal_counts", "signals_in_range",
           "western_electric"]

ABOVE = "above"
BELOW = "below"

RULE_NAMES = {  # messages: the web shows them with bro.i18n.translate_message
    1: msg("one point beyond 3σ"),
    2: msg("two of three consecutive points beyond 2σ on the same side"),
    3: msg("four of five consecutive points beyond 1σ on the same side"),
    4: msg("eight consecutive points on the same side of the centre"),
}

# rule -> (window length, points needed in the window, zone a point must reach; 0 = on that side)
RULES = {
    1: (1, 1, 3),
    2: (3, 2, 2),
    3: (5, 4, 1),
    4: (8, 8, 0),
}


class ChartPoint(Protocol):
    period: Hashable
    zone: int | None
    side: int | None


@dataclass(frozen=True)
class Signal:
    rule: int
    rule_name: str
    periods: tuple[Hashable, ...]
    side: str  # "above" | "below"
    alarms: tuple[Hashable, ...] = field(default=(), compare=False)  # periods the rule fired at
    probability: float | None = field(default=None, compare=False)  # chance of the pattern at the baseline


def _qualifies(zone: int, side: int, rule: int, direction: int) -> bool:
    threshold = RULES[rule][2]
    if threshold == 0:
        return side == direction
    return zone * direction >= threshold


def western_electric(points: Sequence[ChartPoint]) -> list[Signal]:
    """Signals in ``points`` (e.g. ``p_chart(...).points``); gaps (zone None) are skipped."""
    present = [point for point in points if point.zone is not None]
    found: list[tuple[int, int, Signal]] = []
    for rule, (window, needed, _threshold) in RULES.items():
        for direction, side_name in ((1, ABOVE), (-1, BELOW)):
            hits = [_qualifies(p.zone, p.side, rule, direction) for p in present]
            open_span: list[int] | None = None  # [first, last] index of the signal being built
            alarms: list[int] = []
            spans: list[tuple[int, int, list[int]]] = []
            for i in range(len(present)):
                if not hits[i]:
                    continue
                start = max(0, i - window + 1)
                qualifying = [j for j in range(start, i + 1) if hits[j]]
                if len(qualifying) < needed:
                    continue
                first = qualifying[0]
                if open_span is not None and first <= open_span[1]:
                    open_span[1] = i
                    alarms.append(i)
                else:
                    if open_span is not None:
                        spans.append((open_span[0], open_span[1], alarms))
                    open_span, alarms = [first, i], [i]
            if open_span is not None:
                spans.append((open_span[0], open_span[1], alarms))
            for first, last, fired in spans:
                signal = Signal(rule, RULE_NAMES[rule], tuple(p.period for p in present[first:last + 1]), side_name,
                                tuple(present[i].period for i in fired))
                found.append((first, rule, signal))
    found.sort(key=lambda item: (item[0], item[1]))
    return [signal for _, _, signal in found]


LOOKBACK = 7  # the longest rule looks at eight points: seven before the one it fires at


def _firings(zones, sides):
    """Per rule and side: ``fired`` (simulations × points, the rule fires there) and ``lag`` (how many points
    back the same signal fired last; ``LOOKBACK + 1`` where the firing starts a new signal).

    A firing continues the signal of the previous firing of the same rule and side when its window's first
    qualifying point is not after that firing; the window reaches back at most LOOKBACK points, so neither
    does a continuation."""
    import numpy as np

    simulations, length = zones.shape
    index = np.arange(length)
    new = LOOKBACK + 1
    for rule, (window, needed, threshold) in RULES.items():
        window_start = np.maximum(0, index - window + 1)
        for direction in (1, -1):
            hits = (sides == direction) if threshold == 0 else (zones * direction >= threshold)
            if window == 1:  # rule 1: every point beyond is a signal of its own
                yield hits, None
                continue
            running = np.concatenate([np.zeros((simulations, 1), dtype=np.int32), np.cumsum(hits, axis=1)], axis=1)
            fired = hits & (running[:, index + 1] - running[:, window_start] >= needed)
            if not fired.any():
                continue
            # first qualifying point of each window: the next hit at or after the window's start
            next_hit = np.where(hits, index, length)
            next_hit = np.minimum.accumulate(next_hit[:, ::-1], axis=1)[:, ::-1]
            first = next_hit[:, window_start]
            previous = np.maximum.accumulate(np.where(fired, index, -1), axis=1)
            previous = np.concatenate([np.full((simulations, 1), -1), previous[:, :-1]], axis=1)
            continues = fired & (first <= previous)
            yield fired, np.where(continues, index - previous, new)


def count_signals(zones, sides, counted):
    """Signals per simulated series, by the rules of :func:`western_electric`.

    ``zones`` and ``sides`` are integer arrays (simulations × points, gaps left out), ``counted`` a boolean
    array (points): a signal counts when it fires at least once at a counted point. Returns an integer array
    (simulations). Vectorised over both axes: a firing starts a new signal when its window's first
    qualifying point comes after the previous firing of the same rule and side."""
    import numpy as np

    simulations, length = zones.shape
    total = np.zeros(simulations, dtype=np.int64)
    if length == 0:
        return total
    counted = np.asarray(counted, dtype=bool)
    for fired, lag in _firings(zones, sides):
        if lag is None:
            total += (fired & counted).sum(axis=1)
            continue
        signal_id = np.cumsum(fired & (lag > LOOKBACK), axis=1)
        shown_ids = np.where(fired & counted, signal_id, 0)
        before = np.maximum.accumulate(shown_ids, axis=1)
        before = np.concatenate([np.zeros((simulations, 1), dtype=before.dtype), before[:, :-1]], axis=1)
        total += (shown_ids > before).sum(axis=1)
    return total


def period_signal_counts(zones, sides):
    """What :func:`count_signals` adds up, per point, summed over the simulations: an integer array
    points × (LOOKBACK + 1) whose ``[t, m]`` counts the firings at point t that are the first of their signal
    in a range of points starting m points before t (m = LOOKBACK: any earlier start, i.e. the firings that
    start a new signal).

    A firing at t is the first of its signal in the range [a, b] when its signal fired last before a — or
    never: its lag exceeds t − a. So the signals counted over [a, b], summed over the simulations, are
    Σ_{t=a..b} counts[t, min(t − a, LOOKBACK)] (:func:`signals_in_range`), whatever the range: a sum."""
    import numpy as np

    simulations, length = zones.shape
    counts = np.zeros((length, LOOKBACK + 1), dtype=np.int64)
    if length == 0:
        return counts
    by_lag = np.zeros(length * (LOOKBACK + 2), dtype=np.int64)  # [t, lag]: firings at t whose signal fired lag back
    for fired, lag in _firings(zones, sides):
        if lag is None:  # rule 1: every firing is a signal of its own
            lag = np.full(fired.shape, LOOKBACK + 1)
        at, back = np.nonzero(fired)[1], lag[fired]
        by_lag += np.bincount(at * (LOOKBACK + 2) + back, minlength=by_lag.size)
    by_lag = by_lag.reshape(length, LOOKBACK + 2)
    # counts[t, m] = firings at t with lag > m: the sum of the columns after m
    counts[:, :] = np.cumsum(by_lag[:, ::-1], axis=1)[:, ::-1][:, 1:]
    return counts


def signals_in_range(counts, first: int, last: int) -> int:
    """Σ_{t=first..last} counts[t, min(t − first, LOOKBACK)]: the signals of :func:`period_signal_counts`
    that fire in the points first..last (inclusive), summed over the simulations."""
    import numpy as np

    if last < first:
        return 0
    offsets = np.minimum(np.arange(last - first + 1), LOOKBACK)
    return int(counts[np.arange(first, last + 1), offsets].sum())

"""Western Electric rules on a p-chart's zᵢ = (pᵢ − p̄)/σᵢ.

1. one point beyond 3σ;
2. two of three consecutive points beyond 2σ on the same side;
3. four of five consecutive points beyond 1σ on the same side;
4. eight consecutive points on the same side of the centre.

Decisions (tested in tests/unit/test_quality_signals.py):

* "Beyond kσ" is strict: z > k above, z < −k below. A point exactly on a
  limit (z = 3.0) does not fire rule 1. For rule 4 a point with z = 0 is on the
  centre line, on neither side, and breaks the run.
* "Consecutive" counts non-gap points only: periods with n = 0 (z is None)
  are skipped, so a run continues across an empty week.
* Windows slide over the non-gap points. A series shorter than a rule's window
  is one (shorter) window, so "two of three" fires on a two-point series with
  both points beyond 2σ.
* Each qualifying window is trimmed to the span from its first to its last
  qualifying point. Spans of the same rule and side that share a point are
  merged into one :class:`Signal`, whose ``periods`` are every non-gap period
  from the first to the last qualifying point (points in between that did not
  qualify themselves are included: they are part of the pattern). Rule 1 thus
  gives one signal per point.
* Signals are ordered by their first period's position, then by rule.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Protocol

__all__ = ["RULE_NAMES", "Signal", "western_electric"]

ABOVE = "above"
BELOW = "below"

RULE_NAMES = {
    1: "one point beyond 3σ",
    2: "two of three consecutive points beyond 2σ on the same side",
    3: "four of five consecutive points beyond 1σ on the same side",
    4: "eight consecutive points on the same side of the centre",
}

# rule -> (window length, points needed in the window, |z| must exceed)
_RULES = {
    1: (1, 1, 3.0),
    2: (3, 2, 2.0),
    3: (5, 4, 1.0),
    4: (8, 8, 0.0),
}


class ChartPoint(Protocol):
    period: Hashable
    z: float | None


@dataclass(frozen=True)
class Signal:
    rule: int
    rule_name: str
    periods: tuple[Hashable, ...]
    side: str  # "above" | "below"


def _beyond(z: float, side: str, threshold: float) -> bool:
    return z > threshold if side == ABOVE else z < -threshold


def _spans(zs: Sequence[float], rule: int, side: str) -> list[tuple[int, int]]:
    """Merged (first, last) index spans of qualifying points for one rule/side."""
    window, needed, threshold = _RULES[rule]
    merged: list[tuple[int, int]] = []
    for start in range(max(1, len(zs) - window + 1)):
        hits = [
            i
            for i in range(start, min(start + window, len(zs)))
            if _beyond(zs[i], side, threshold)
        ]
        if len(hits) < needed:
            continue
        first, last = hits[0], hits[-1]
        if merged and first <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def western_electric(points: Sequence[ChartPoint]) -> list[Signal]:
    """Signals in ``points`` (e.g. ``p_chart(...).points``); gaps are skipped."""
    present = [point for point in points if point.z is not None]
    zs = [point.z for point in present]
    found: list[tuple[int, int, Signal]] = []
    for rule in _RULES:
        for side in (ABOVE, BELOW):
            for first, last in _spans(zs, rule, side):
                periods = tuple(point.period for point in present[first : last + 1])
                found.append((first, rule, Signal(rule, RULE_NAMES[rule], periods, side)))
    found.sort(key=lambda item: (item[0], item[1]))
    return [signal for _, _, signal in found]

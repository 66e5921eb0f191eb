"""Pareto analysis: nonconformities per step, largest first."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from fractions import Fraction

__all__ = ["ParetoBar", "pareto"]


@dataclass(frozen=True)
class ParetoBar:
    """``percent`` and ``cumulative_percent`` are 0-100 of all counts."""

    key: Hashable
    count: int
    percent: float
    cumulative_percent: float


def pareto(counts: Mapping[Hashable, int]) -> list[ParetoBar]:
    """Bars in descending count order (ties by key, for a stable chart), with
    zero counts left out. The last bar's cumulative percentage is exactly 100."""
    for key, count in counts.items():
        if count < 0:
            raise ValueError(f"count for {key!r} is negative ({count})")
    total = sum(counts.values())
    bars: list[ParetoBar] = []
    running = 0
    for key, count in sorted(
        ((k, c) for k, c in counts.items() if c > 0), key=lambda kc: (-kc[1], kc[0])
    ):
        running += count
        bars.append(
            ParetoBar(
                key=key,
                count=count,
                percent=float(Fraction(100 * count, total)),
                cumulative_percent=float(Fraction(100 * running, total)),
            )
        )
    return bars

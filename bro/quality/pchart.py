"""p-chart (proportion nonconforming) with per-period control limits.

DESIGN.md, "Statistics (exact)": for period i, nᵢ audits rated the step other
than ``na`` and pᵢ = nonconforming / nᵢ. Centre p̄ = Σ nonconforming / Σ nᵢ over
the periods given; σᵢ = √(p̄(1−p̄)/nᵢ); UCLᵢ = min(1, p̄ + 3σᵢ);
LCLᵢ = max(0, p̄ − 3σᵢ). Periods with nᵢ = 0 are gaps: p, σ, limits and z are
``None`` there, never zero.

zᵢ = (pᵢ − p̄)/σᵢ is computed from the exact rational z² and rounded once, so a
point that sits exactly on a limit gets z = ±3.0 exactly (signal rules compare
strictly, see :mod:`bro.quality.signals`).

When p̄ is 0 or 1 the process shows no variation: σᵢ = 0, both limits equal p̄,
and every non-gap pᵢ necessarily equals p̄, so zᵢ = 0.0 — the point lies on the
centre line, which no signal rule counts as "beyond" or "on a side".
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

__all__ = ["PChart", "PChartPoint", "PeriodCount", "p_chart"]


@dataclass(frozen=True)
class PeriodCount:
    """Audits in one period: ``n`` rated the step (not ``na``), of which
    ``nonconforming`` were ``partial`` or ``not_met``."""

    period: Hashable
    n: int
    nonconforming: int

    def __post_init__(self) -> None:
        if self.n < 0 or not 0 <= self.nonconforming <= self.n:
            raise ValueError(
                f"period {self.period!r}: need 0 <= nonconforming <= n, "
                f"got nonconforming={self.nonconforming}, n={self.n}"
            )


@dataclass(frozen=True)
class PChartPoint:
    period: Hashable
    n: int
    nonconforming: int
    p: float | None
    sigma: float | None
    ucl: float | None
    lcl: float | None
    z: float | None

    @property
    def is_gap(self) -> bool:
        return self.n == 0


@dataclass(frozen=True)
class PChart:
    """``centre`` is p̄, ``None`` when no period has any audits."""

    centre: float | None
    points: tuple[PChartPoint, ...]


def p_chart(counts: Sequence[PeriodCount]) -> PChart:
    """Build the p-chart for ``counts`` (in display order, gaps included)."""
    total_n = sum(c.n for c in counts)
    if total_n == 0:
        gaps = tuple(
            PChartPoint(c.period, c.n, c.nonconforming, None, None, None, None, None)
            for c in counts
        )
        return PChart(centre=None, points=gaps)

    # Exact rational arithmetic on integers (no Fraction objects): with C = Σ nonconforming and T = Σ n,
    # p̄ = C/T, σᵢ² = C(T−C)/(T²nᵢ) and zᵢ² = Dᵢ²/(nᵢC(T−C)) with Dᵢ = ncᵢ·T − C·nᵢ. Python's int / int is
    # correctly rounded, so every float is the one float(Fraction(...)) would give.
    total_nc = sum(c.nonconforming for c in counts)
    spread = total_nc * (total_n - total_nc)  # p̄(1−p̄)·T²
    centre = total_nc / total_n
    t_squared = total_n * total_n
    points = []
    for c in counts:
        n = c.n
        if n == 0:
            points.append(PChartPoint(c.period, 0, 0, None, None, None, None, None))
            continue
        sigma = math.sqrt(spread / (t_squared * n))
        if spread:
            deviation = c.nonconforming * total_n - total_nc * n
            z = math.copysign(math.sqrt(deviation * deviation / (n * spread)), 1 if deviation >= 0 else -1) \
                if deviation else 0.0
        else:
            z = 0.0
        points.append(
            PChartPoint(
                period=c.period,
                n=n,
                nonconforming=c.nonconforming,
                p=c.nonconforming / n,
                sigma=sigma,
                ucl=min(1.0, centre + 3 * sigma),
                lcl=max(0.0, centre - 3 * sigma),
                z=z,
            )
        )
    return PChart(centre=centre, points=tuple(points))

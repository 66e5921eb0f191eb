"""p-chart (proportion nonconforming) judged with exact binomial zones.

DESIGN.md, "Statistics": for period i, nᵢ audits rated the step other than ``na``, xᵢ of them were
nonconforming and pᵢ = xᵢ / nᵢ. Periods with nᵢ = 0 are gaps: p, limits, zone and z are ``None`` there,
never zero.

The centre p̄ is given by the caller — the baseline of Phase I (:mod:`bro.quality.baseline`), never the
range shown. Without one, :func:`p_chart` uses Σx / Σn over the periods given (Phase I itself does that).

Zones are exact for small samples. With X ~ Binomial(nᵢ, p̄), a point is "beyond kσ above" when
P(X ≥ xᵢ) ≤ 1 − Φ(k) and "beyond kσ below" when P(X ≤ xᵢ) ≤ 1 − Φ(k), for k = 3, 2, 1
(0.00135, 0.02275, 0.1587). The drawn limits are the matching counts divided by nᵢ: UCLᵢ = uᵢ / nᵢ with
uᵢ the smallest count whose upper tail is ≤ 0.00135, LCLᵢ = lᵢ / nᵢ with lᵢ the largest count whose lower
tail is. A point *on* a drawn limit is beyond it. When no count is rare enough (a small nᵢ below a
small p̄: P(X = 0) > 0.00135), there is no lower limit and ``lcl`` is ``None``. For large nᵢ the counts
approach p̄ ± kσᵢ, the classic chart.

The binomial tails come from ``scipy.special.bdtr``/``bdtrc`` and 1 − Φ(k) from ``scipy.special.ndtr``
— the kernels behind ``scipy.stats.binom`` and ``scipy.stats.norm``, without loading the whole of
``scipy.stats`` (about 45 MB more per web worker). They are imported lazily, through
:mod:`bro.quality.kernels` (the compiled kernels without the rest of ``scipy.special``).

zᵢ = (pᵢ − p̄)/σᵢ with σᵢ = √(p̄(1−p̄)/nᵢ) is kept for the numbers table only: the signal rules use the
exact zones.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["ExactLimits", "PChart", "PChartPoint", "PeriodCount", "exact_limits", "p_chart", "tail_probability",
           "zone_alpha"]

SIGMAS = (1, 2, 3)
SIDE_TOLERANCE = 1e-9  # |x − n·p̄| below this is "on the centre" (p̄ is a ratio of integers, so exact ties are real)


@lru_cache(maxsize=None)
def zone_alpha(k: int) -> float:
    """1 − Φ(k): the one-sided probability of "beyond kσ" (k = 1, 2, 3 → 0.1587, 0.02275, 0.00135)."""
    from bro.quality.kernels import kernels

    return float(kernels().ndtr(-float(k)))


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


@dataclass(frozen=True, slots=True)
class ExactLimits:
    """Counts that reach each zone for one (n, p̄): ``upper[k]`` is the smallest count x with
    P(X ≥ x) ≤ 1 − Φ(k), ``lower[k]`` the largest with P(X ≤ x) ≤ 1 − Φ(k); ``None`` when no count is.
    Indexed by k = 1, 2, 3 (tuples, item 0 unused, and slots: thousands are cached per worker, and dicts
    took ~6 MB of its memory)."""

    n: int
    centre: float
    upper: tuple[int | None, ...]
    lower: tuple[int | None, ...]

    def zone(self, count: int) -> int:
        """+k when ``count`` is beyond kσ above (largest k), −k below, 0 inside ±1σ."""
        for k in (3, 2, 1):
            if self.upper[k] is not None and count >= self.upper[k]:
                return k
            if self.lower[k] is not None and count <= self.lower[k]:
                return -k
        return 0


@lru_cache(maxsize=8192)
def exact_limits(n: int, centre: float) -> ExactLimits:
    """The zone counts of X ~ Binomial(n, centre) (cached: a dashboard asks for the same few n over and over)."""
    import numpy as np

    from bro.quality.kernels import kernels

    special = kernels()
    bdtr, bdtrc = special.bdtr, special.bdtrc

    counts = np.arange(n + 1)
    at_least = bdtrc(counts - 1, n, centre)  # P(X ≥ x); bdtrc(k) = P(X > k)
    at_most = bdtr(counts, n, centre)        # P(X ≤ x)
    upper: list[int | None] = [None] * (max(SIGMAS) + 1)
    lower: list[int | None] = [None] * (max(SIGMAS) + 1)
    for k in SIGMAS:
        alpha = zone_alpha(k)
        rare_high = np.flatnonzero(at_least <= alpha)
        rare_low = np.flatnonzero(at_most <= alpha)
        upper[k] = int(rare_high[0]) if rare_high.size else None
        lower[k] = int(rare_low[-1]) if rare_low.size else None
    return ExactLimits(n, centre, tuple(upper), tuple(lower))


def tail_probability(count: int, n: int, centre: float, side: int) -> float:
    """P(X ≥ count) for side > 0, P(X ≤ count) for side < 0, with X ~ Binomial(n, centre); 1 for side 0."""
    from bro.quality.kernels import kernels

    special = kernels()
    bdtr, bdtrc = special.bdtr, special.bdtrc
    if side > 0:
        return float(bdtrc(count - 1, n, centre))
    if side < 0:
        return float(bdtr(count, n, centre))
    return 1.0


@dataclass(frozen=True)
class PChartPoint:
    period: Hashable
    n: int
    nonconforming: int
    p: float | None
    sigma: float | None
    ucl: float | None   # exact 3σ limits (count / n); None: no count is that rare
    lcl: float | None
    z: float | None     # normal-approximation z, for the numbers table
    zone: int | None = None   # +k beyond kσ above (exact), −k below, 0 inside ±1σ; None for a gap
    side: int | None = None   # +1 above the centre, −1 below, 0 on it; None for a gap
    centre: float | None = None

    @property
    def is_gap(self) -> bool:
        return self.n == 0


@dataclass(frozen=True)
class PChart:
    """``centre`` is p̄, ``None`` when no period has any audits (and none was given)."""

    centre: float | None
    points: tuple[PChartPoint, ...]


def _gap(count: PeriodCount, centre: float | None = None) -> PChartPoint:
    return PChartPoint(count.period, count.n, count.nonconforming, None, None, None, None, None, None, None, centre)


def chart_point(count: PeriodCount, centre: float) -> PChartPoint:
    """One period judged against ``centre``."""
    n, x = count.n, count.nonconforming
    if n == 0:
        return _gap(count, centre)
    limits = exact_limits(n, centre)
    sigma = math.sqrt(centre * (1 - centre) / n)
    expected = n * centre
    # Side from the exact comparison x = n·p̄ (rounding must not put a point that sits on p̄ on one side).
    side = 0 if abs(x - expected) <= SIDE_TOLERANCE else (1 if x > expected else -1)
    z = (x / n - centre) / sigma if sigma else 0.0
    return PChartPoint(
        period=count.period, n=n, nonconforming=x, p=x / n, sigma=sigma,
        ucl=limits.upper[3] / n if limits.upper[3] is not None else None,
        lcl=limits.lower[3] / n if limits.lower[3] is not None else None,
        z=z if side else 0.0, zone=limits.zone(x), side=side, centre=centre)


def p_chart(counts: Sequence[PeriodCount], centre: float | None = None) -> PChart:
    """The p-chart of ``counts`` (in display order, gaps included) around ``centre`` (default Σx / Σn)."""
    if centre is None:
        total_n = sum(c.n for c in counts)
        if total_n == 0:
            return PChart(centre=None, points=tuple(_gap(c) for c in counts))
        centre = sum(c.nonconforming for c in counts) / total_n
    return PChart(centre=centre, points=tuple(chart_point(c, centre) for c in counts))

"""Did retraining work? A difference in differences, pooled per module with a 95 % interval.

DESIGN.md "Retraining effect": for each completed retraining assignment, *before* is the person's last N
audits rating the step before the audit that triggered it (that audit excluded, so the window is not
chosen for being bad), *after* is the first N from completion. The person's change is compared with
the change of the same team's other staff who were not in retraining on that step, over the same
calendar windows: whatever moved everybody (a drifting step, a new product) cancels out. The case
effects are pooled per module as their mean, with a percentile bootstrap interval (fixed seed, so a
page shows the same interval on every load). "Improved" only when the whole interval is below zero.

numpy does the resampling; it is imported inside the function, so a worker that never shows the
evidence page never loads it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

__all__ = [
    "BOOTSTRAP_RESAMPLES",
    "BOOTSTRAP_SEED",
    "IMPROVED",
    "MIN_CASES",
    "NO_CLEAR_CHANGE",
    "TOO_FEW",
    "WORSE",
    "BeforeAfter",
    "ControlDay",
    "ModuleEffect",
    "RetrainingCase",
    "before_after_rate",
    "comparison_case",
    "pooled_interval",
    "retraining_effect",
]

MIN_CASES = 10
BOOTSTRAP_SEED = 20261202
BOOTSTRAP_RESAMPLES = 2000
IMPROVED, WORSE, NO_CLEAR_CHANGE, TOO_FEW = "improved", "worse", "no_clear_change", "too_few"


@dataclass(frozen=True)
class RetrainingCase:
    """One completed retraining with its comparison group.

    ``before``/``after``: the person's nonconforming flags (True = nonconforming), oldest first, already
    cut to N. ``control_*``: (rated, nonconforming) of the comparison staff over the same calendar windows.
    """

    module: Hashable
    staff: Hashable
    before: tuple[bool, ...]
    after: tuple[bool, ...]
    control_before: tuple[int, int] = (0, 0)
    control_after: tuple[int, int] = (0, 0)
    control_staff: frozenset = frozenset()
    windows: tuple[date, date, date, date] | None = None  # before first/last day, after first/last day

    @property
    def person_change(self) -> float | None:
        if not self.before or not self.after:
            return None
        return sum(self.after) / len(self.after) - sum(self.before) / len(self.before)

    @property
    def control_change(self) -> float | None:
        (bn, bnc), (an, anc) = self.control_before, self.control_after
        if not bn or not an:
            return None
        return anc / an - bnc / bn

    @property
    def effect(self) -> float | None:
        """Difference in differences: the person's change minus the comparison group's change."""
        person, control = self.person_change, self.control_change
        return None if person is None or control is None else person - control


@dataclass(frozen=True)
class ControlDay:
    """One colleague's audits of the step on one day (same team, same standard)."""

    staff: Hashable
    day: date
    rated: int
    nonconforming: int


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def comparison_case(
    module: Hashable,
    staff: Hashable,
    before: Sequence[tuple[date, datetime, bool]],
    after: Sequence[tuple[date, bool]],
    assigned_at: datetime,
    completed_at: datetime,
    colleagues: Iterable[ControlDay],
    n: int = 5,
) -> RetrainingCase:
    """Build a case from the person's ratings and their colleagues' days.

    ``before``: the person's (interaction day, recorded at, nonconforming) ratings of the step, oldest
    first. Only audits recorded after the retraining was assigned (so the triggering audit is left out)
    and interacted before the day it was completed count, the last ``n`` of them: while it is open, a
    miss assigns nothing, so these audits are not selected by their result. The audits just before the
    trigger are: any miss among them would itself have assigned the module, so they are conforming
    *because* the trigger came next, and counting them would make "before" look better than it was
    (measured in docs/statistics.md). ``after``: (day, nonconforming) oldest first; the first ``n``
    interacted after the day of completion count (on that day itself the audit may precede the training).

    The before window runs from the first to the last day used; the after window from the day after
    completion to the last day used. ``colleagues``: the team's other staff's ratings of the step by day,
    all of them. Leaving out colleagues "in retraining" would select them by their own results — every
    miss assigns retraining, so a colleague missing the step inside the before window would be dropped
    from the after window — and that bias is measured in docs/statistics.md. The price: colleagues
    retrained (successfully) between the windows pull the comparison's change down too, so the effect
    is, if anything, underestimated.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    completed_day = _day(completed_at)
    candidates = [(day, nc) for day, recorded_at, nc in before
                  if assigned_at < recorded_at < completed_at and _day(day) < completed_day]
    used_before, used_after = candidates[-n:], [(d, nc) for d, nc in after if _day(d) > completed_day][:n]
    case = RetrainingCase(module, staff, tuple(bool(nc) for _d, nc in used_before),
                          tuple(bool(nc) for _d, nc in used_after))
    if not used_before or not used_after:
        return case
    before_first, before_last = _day(used_before[0][0]), _day(used_before[-1][0])
    after_first, after_last = completed_day + timedelta(days=1), _day(used_after[-1][0])
    counts = {"before": [0, 0], "after": [0, 0]}
    included: set = set()
    for row in colleagues:
        if row.staff == staff:
            continue
        day = _day(row.day)
        window = ("before" if before_first <= day <= before_last
                  else "after" if after_first <= day <= after_last else None)
        if window is None:
            continue
        counts[window][0] += row.rated
        counts[window][1] += row.nonconforming
        included.add(row.staff)
    return RetrainingCase(module, staff, case.before, case.after, tuple(counts["before"]),
                          tuple(counts["after"]), frozenset(included),
                          (before_first, before_last, after_first, after_last))


@dataclass(frozen=True, kw_only=True)
class RatesBeforeAfter:
    """Nonconforming audits before and after: counts, rates (None for no audits) and the change of rate."""

    before_n: int
    before_nc: int
    before_rate: float | None
    after_n: int
    after_nc: int
    after_rate: float | None
    change: float | None

    @staticmethod
    def counted(before_n: int, before_nc: int, after_n: int, after_nc: int) -> dict[str, int | float | None]:
        """The fields of the class for these counts."""
        before_rate, after_rate = _rate(before_nc, before_n), _rate(after_nc, after_n)
        return {"before_n": before_n, "before_nc": before_nc, "before_rate": before_rate,
                "after_n": after_n, "after_nc": after_nc, "after_rate": after_rate,
                "change": after_rate - before_rate if before_rate is not None and after_rate is not None else None}


@dataclass(frozen=True, kw_only=True)
class ModuleEffect(RatesBeforeAfter):
    """Pooled result for one module.

    ``cases``: completed retrainings; ``compared``: those with before, after and a comparison group (the
    ones the effect and its interval use). Rates pool the retrained people's audits (shown as counts).
    ``effect``: mean difference in differences (negative: nonconformity fell more than the comparison
    group's), with a 95 % bootstrap interval; ``verdict`` is one of IMPROVED, WORSE, NO_CLEAR_CHANGE,
    TOO_FEW (fewer than MIN_CASES compared cases: no interval is claimed).
    """

    module: Hashable
    cases: int
    compared: int
    staff: int
    control_change: float | None
    effect: float | None
    ci_low: float | None
    ci_high: float | None
    verdict: str

    @property
    def audits(self) -> int:
        return self.before_n + self.after_n


def _rate(nonconforming: int, n: int) -> float | None:
    return nonconforming / n if n else None


def pooled_interval(effects: Sequence[float], clusters: Sequence[Hashable] | None = None,
                    confidence: float = 0.95, seed: int = BOOTSTRAP_SEED,
                    resamples: int = BOOTSTRAP_RESAMPLES) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of ``effects``, with a fixed seed (the same cases always
    give the same interval).

    ``clusters`` (the staff member of each case) makes it a cluster bootstrap: people are resampled
    with all their cases, because one person's cases share audits and are not independent.
    """
    import numpy as np

    values = np.asarray(effects, dtype=float)
    if values.size == 0:
        raise ValueError("no effects to pool")
    labels = np.arange(values.size) if clusters is None else np.unique(
        np.asarray([str(c) for c in clusters]), return_inverse=True)[1]
    sums = np.bincount(labels, weights=values)
    counts = np.bincount(labels).astype(float)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, sums.size, size=(resamples, sums.size))
    means = sums[picks].sum(axis=1) / counts[picks].sum(axis=1)
    tail = (1 - confidence) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return float(low), float(high)


def retraining_effect(cases: Iterable[RetrainingCase], min_cases: int = MIN_CASES,
                      seed: int = BOOTSTRAP_SEED) -> list[ModuleEffect]:
    """Pool cases per module (modules in order of first appearance)."""
    grouped: dict[Hashable, list[RetrainingCase]] = {}
    for case in cases:
        grouped.setdefault(case.module, []).append(case)
    results = []
    for module, group in grouped.items():
        rates = RatesBeforeAfter.counted(sum(len(c.before) for c in group), sum(sum(c.before) for c in group),
                                         sum(len(c.after) for c in group), sum(sum(c.after) for c in group))
        compared = [c for c in group if c.effect is not None]
        effect = control = low = high = None
        verdict = TOO_FEW
        if compared:
            effect = sum(c.effect for c in compared) / len(compared)
            control = sum(c.control_change for c in compared) / len(compared)
        if len(compared) >= min_cases:
            low, high = pooled_interval([c.effect for c in compared], seed=seed)
            verdict = IMPROVED if high < 0 else WORSE if low > 0 else NO_CLEAR_CHANGE
        results.append(ModuleEffect(
            module=module, cases=len(group), compared=len(compared), staff=len({c.staff for c in group}), **rates,
            control_change=control, effect=effect, ci_low=low, ci_high=high, verdict=verdict))
    return results


@dataclass(frozen=True, kw_only=True)
class BeforeAfter(RatesBeforeAfter):
    """Nonconformity before vs from a date (a corrective action's check stage).
    ``p_value`` is Fisher's exact test on the counts (None if a side is empty)."""

    p_value: float | None
    test: str | None


FISHER = "fisher_exact"


def before_after_rate(
    observations: Iterable[tuple[date, bool]], pivot: date
) -> BeforeAfter:
    """Split ``(date, nonconforming)`` observations at ``pivot``: dates before
    it count as before, the pivot day itself and later as after."""
    before_n = before_nc = after_n = after_nc = 0
    for day, nonconforming in observations:
        if isinstance(day, datetime) and not isinstance(pivot, datetime):
            day = day.date()  # a timestamp belongs to its calendar day
        if day < pivot:
            before_n += 1
            before_nc += bool(nonconforming)
        else:
            after_n += 1
            after_nc += bool(nonconforming)
    p_value = test = None
    if before_n and after_n:
        from bro.quality.outcomes import fisher_exact

        p_value = fisher_exact([[before_nc, before_n - before_nc], [after_nc, after_n - after_nc]])
        test = FISHER
    return BeforeAfter(**RatesBeforeAfter.counted(before_n, before_nc, after_n, after_nc), p_value=p_value, test=test)

"""Did retraining or a corrective action work? Nonconformity rates before vs after.

DESIGN.md: for assignments created by an audit and completed, the staff
member's nonconformity rate on the triggering step over their last N audits
before the assignment vs the first N after completion (N = 5 by default),
pooled per module, with the counts shown.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bro.quality.outcomes import FISHER, fisher_exact

__all__ = [
    "BeforeAfter",
    "EffectCase",
    "ModuleEffect",
    "before_after_rate",
    "retraining_effect",
]


@dataclass(frozen=True)
class EffectCase:
    """One completed retraining assignment.

    ``before`` and ``after`` are the staff member's audits of the triggering
    step in chronological order (oldest first), True where nonconforming:
    ``before`` up to the assignment, ``after`` from its completion on. The
    caller passes all it has; :func:`retraining_effect` takes the last N
    before and the first N after.
    """

    module: Hashable
    before: Sequence[bool]
    after: Sequence[bool]


@dataclass(frozen=True)
class ModuleEffect:
    """Pooled counts for one module; ``change`` = after_rate − before_rate
    (negative is an improvement). Rates are None when there is nothing to count."""

    module: Hashable
    cases: int
    before_n: int
    before_nc: int
    before_rate: float | None
    after_n: int
    after_nc: int
    after_rate: float | None
    change: float | None


def _rate(nonconforming: int, n: int) -> float | None:
    return nonconforming / n if n else None


def _change(before: float | None, after: float | None) -> float | None:
    return after - before if before is not None and after is not None else None


def retraining_effect(cases: Iterable[EffectCase], n: int = 5) -> list[ModuleEffect]:
    """Nonconformity before vs after retraining, pooled per module, modules in
    order of first appearance."""
    if n < 1:
        raise ValueError("n must be at least 1")
    pooled: dict[Hashable, list[int]] = {}
    for case in cases:
        before = list(case.before)[-n:]
        after = list(case.after)[:n]
        totals = pooled.setdefault(case.module, [0, 0, 0, 0, 0])
        totals[0] += 1
        totals[1] += len(before)
        totals[2] += sum(1 for nc in before if nc)
        totals[3] += len(after)
        totals[4] += sum(1 for nc in after if nc)
    effects = []
    for module, (count, before_n, before_nc, after_n, after_nc) in pooled.items():
        before_rate, after_rate = _rate(before_nc, before_n), _rate(after_nc, after_n)
        effects.append(
            ModuleEffect(
                module=module,
                cases=count,
                before_n=before_n,
                before_nc=before_nc,
                before_rate=before_rate,
                after_n=after_n,
                after_nc=after_nc,
                after_rate=after_rate,
                change=_change(before_rate, after_rate),
            )
        )
    return effects


@dataclass(frozen=True)
class BeforeAfter:
    """Nonconformity before vs from a date (a corrective action's check stage).
    ``p_value`` is Fisher's exact test on the counts (None if a side is empty)."""

    before_n: int
    before_nc: int
    before_rate: float | None
    after_n: int
    after_nc: int
    after_rate: float | None
    change: float | None
    p_value: float | None
    test: str | None


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
    before_rate, after_rate = _rate(before_nc, before_n), _rate(after_nc, after_n)
    p_value = test = None
    if before_n and after_n:
        p_value = fisher_exact([[before_nc, before_n - before_nc], [after_nc, after_n - after_nc]])
        test = FISHER
    return BeforeAfter(
        before_n=before_n,
        before_nc=before_nc,
        before_rate=before_rate,
        after_n=after_n,
        after_nc=after_nc,
        after_rate=after_rate,
        change=_change(before_rate, after_rate),
        p_value=p_value,
        test=test,
    )

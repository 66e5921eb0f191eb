"""Quiz item analysis (classical test theory) for trainers.

For each question:

* ``difficulty`` — share of attempts answering it correctly (higher = easier).
* ``discrimination`` — point-biserial correlation between answering this item
  correctly (1/0) and the *rest score*: the number of the attempt's other
  questions answered correctly. Leaving the item out of the total (the
  "corrected" item-total correlation) stops an item from correlating with
  itself, which inflates the plain item-total correlation on short quizzes.
  None when either side has no variance.
* ``upper_lower_index`` — Kelley's D: share correct in the upper 27% of
  attempts by ``total_score`` minus share correct in the lower 27%. The group
  size is 27% of the attempts answering the item, rounded half up, at least 1
  and at most half; ties in ``total_score`` keep input order. None with fewer
  than two attempts.
* ``option_counts`` — how often each option was chosen (multi-select answers
  count every option chosen).
* ``flags`` — ``too_easy`` (difficulty > 0.9), ``too_hard`` (< 0.2),
  ``negative_discrimination`` (discrimination < 0).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

__all__ = [
    "NEGATIVE_DISCRIMINATION",
    "TOO_EASY",
    "TOO_HARD",
    "AttemptItems",
    "ItemStats",
    "item_analysis",
]

TOO_EASY = "too_easy"
TOO_HARD = "too_hard"
NEGATIVE_DISCRIMINATION = "negative_discrimination"

_GROUP_SHARE = Fraction(27, 100)


@dataclass(frozen=True)
class AttemptItems:
    """One submitted attempt: its total score, whether each question was
    answered correctly, and the option ids chosen per choice question."""

    total_score: float
    items: Mapping[Hashable, bool]
    chosen: Mapping[Hashable, Sequence[Hashable]] = field(default_factory=dict)


@dataclass(frozen=True)
class ItemStats:
    question: Hashable
    n: int
    difficulty: float
    discrimination: float | None
    upper_lower_index: float | None
    option_counts: Mapping[Hashable, int]
    flags: tuple[str, ...]


def _correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mean_x, mean_y = math.fsum(xs) / n, math.fsum(ys) / n
    sxx = math.fsum((x - mean_x) ** 2 for x in xs)
    syy = math.fsum((y - mean_y) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    sxy = math.fsum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys))
    return sxy / math.sqrt(sxx * syy)


def _upper_lower_index(scored: Sequence[tuple[float, bool]]) -> float | None:
    n = len(scored)
    if n < 2:
        return None
    group = min(n // 2, max(1, math.floor(_GROUP_SHARE * n + Fraction(1, 2))))
    ranked = sorted(scored, key=lambda pair: pair[0])  # stable: ties keep input order
    lower = sum(correct for _, correct in ranked[:group])
    upper = sum(correct for _, correct in ranked[-group:])
    return (upper - lower) / group


def _flags(difficulty: float, discrimination: float | None) -> tuple[str, ...]:
    flags = []
    if difficulty > 0.9:
        flags.append(TOO_EASY)
    if difficulty < 0.2:
        flags.append(TOO_HARD)
    if discrimination is not None and discrimination < 0:
        flags.append(NEGATIVE_DISCRIMINATION)
    return tuple(flags)


def _sorted_counts(counter: Counter) -> dict[Hashable, int]:
    try:
        return dict(sorted(counter.items()))
    except TypeError:  # option ids of mixed types: keep first-seen order
        return dict(counter)


def item_analysis(responses: Sequence[AttemptItems]) -> list[ItemStats]:
    """Statistics per question, in order of first appearance."""
    questions: dict[Hashable, None] = {}
    for attempt in responses:
        questions.update(dict.fromkeys(attempt.items))

    stats = []
    for question in questions:
        answered = [a for a in responses if question in a.items]
        correct = [1.0 if a.items[question] else 0.0 for a in answered]
        rest = [
            float(sum(1 for q, ok in a.items.items() if ok and q != question))
            for a in answered
        ]
        difficulty = math.fsum(correct) / len(answered)
        discrimination = _correlation(correct, rest)
        options: Counter = Counter()
        for attempt in answered:
            options.update(attempt.chosen.get(question, ()))
        stats.append(
            ItemStats(
                question=question,
                n=len(answered),
                difficulty=difficulty,
                discrimination=discrimination,
                upper_lower_index=_upper_lower_index(
                    [(a.total_score, bool(a.items[question])) for a in answered]
                ),
                option_counts=_sorted_counts(options),
                flags=_flags(difficulty, discrimination),
            )
        )
    return stats

"""Quiz item analysis (classical test theory) for trainers.

For each question:

* ``difficulty`` — share of attempts answering it correctly (higher = easier).
* ``discrimination`` — item–rest point-biserial correlation: the Pearson
  correlation (numpy) between answering this item correctly (1/0) and the
  *rest score*, the points the attempt earned on its other questions.
  Leaving the item out of the total (the "corrected" item-total correlation)
  stops an item from correlating with itself; counting points rather than
  questions weighs a 3-point question as the quiz does. None when either side
  has no variance.
* ``upper_lower_index`` — Kelley's D: share correct in the upper 27 % of
  attempts by total score minus share correct in the lower 27 %. The group
  size g is 27 % of the attempts answering the item, rounded half up, at
  least 1 and at most half. Attempts tied at a cut-off score share the
  remaining places by fractional weight: if 3 attempts tie for the last 2
  places, each counts 2/3. So D never depends on the order of the attempts.
  None with fewer than two attempts.
* ``option_counts`` — how often each option was chosen (multi-select answers
  count every option chosen); more generally, how often each of the question
  type's tallies occurred (for ``ordering``: each (option, place) pair).
* ``flags`` — ``too_easy``, ``too_hard``, ``negative_discrimination`` by the
  thresholds in :data:`FLAG_THRESHOLDS` (the page draws the same numbers), and
  only with at least ``FLAG_THRESHOLDS.min_attempts`` attempts: below that the
  figures are shown without flags (``judged`` is False), because with n = 9 a
  negative correlation is as likely noise as a broken question.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

__all__ = [
    "FLAG_THRESHOLDS",
    "NEGATIVE_DISCRIMINATION",
    "TOO_EASY",
    "TOO_HARD",
    "AttemptItems",
    "FlagThresholds",
    "ItemStats",
    "ItemSums",
    "WrongAnswer",
    "common_wrong_answers",
    "item_analysis",
    "item_stats_from_sums",
    "upper_lower_index",
]

TOO_EASY = "too_easy"
TOO_HARD = "too_hard"
NEGATIVE_DISCRIMINATION = "negative_discrimination"

_GROUP_SHARE = Fraction(27, 100)


@dataclass(frozen=True)
class FlagThresholds:
    """When a question is flagged. The one place these numbers live: the
    statistics use them and the item analysis page draws and explains them."""

    #: fewer attempts than this: figures only, no flags ("too few attempts to judge")
    min_attempts: int = 30
    #: difficulty strictly above this is "too easy"
    too_easy_above: float = 0.9
    #: difficulty strictly below this is "too hard"
    too_hard_below: float = 0.2
    #: item–rest correlation strictly below this is "negative discrimination"
    discrimination_below: float = 0.0


FLAG_THRESHOLDS = FlagThresholds()

#: how many wrong answers per text or number question the page lists
WRONG_ANSWERS_SHOWN = 5


@dataclass(frozen=True)
class AttemptItems:
    """One submitted attempt: its total score, whether each question was
    answered correctly, the option ids chosen per choice question, and the
    points earned per question (default: 1 for a correct answer, 0 otherwise)."""

    total_score: float
    items: Mapping[Hashable, bool]
    chosen: Mapping[Hashable, Sequence[Hashable]] = field(default_factory=dict)
    points: Mapping[Hashable, float] | None = None


@dataclass(frozen=True)
class ItemStats:
    question: Hashable
    n: int
    difficulty: float
    discrimination: float | None
    upper_lower_index: float | None
    option_counts: Mapping[Hashable, int]
    flags: tuple[str, ...]
    #: False below FLAG_THRESHOLDS.min_attempts: the figures are not evidence enough to flag
    judged: bool = True


@dataclass(frozen=True)
class WrongAnswer:
    """A wrong answer as the scorer compared it (``normalized``), shown as its
    most common spelling (``shown``), with how many gave it."""

    normalized: str
    shown: str
    count: int


def _correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson correlation by numpy (with a 1/0 variable: the point-biserial)."""
    if len(xs) < 2 or min(xs) == max(xs) or min(ys) == max(ys):  # no variance: undefined
        return None
    import numpy as np

    x = np.asarray(xs, dtype=float)
    y = np.asarray(ys, dtype=float)
    x = x - x.mean()
    y = y - y.mean()
    return float(x @ y) / math.sqrt(float(x @ x) * float(y @ y))


def _group_size(n: int) -> int:
    return min(n // 2, max(1, math.floor(_GROUP_SHARE * n + Fraction(1, 2))))


def _group_correct(scored: Sequence[tuple[float, bool]], size: int, *, top: bool) -> Fraction:
    """Correct answers in the ``size`` lowest (or highest) scores, attempts tied
    at the cut-off weighted by the share of places left for them."""
    by_score: dict[float, list[int]] = {}
    for score, correct in scored:
        counts = by_score.setdefault(score, [0, 0])
        counts[0] += 1
        counts[1] += bool(correct)
    return _group_correct_counts(by_score, size, top=top)


def _group_correct_counts(by_score: Mapping[float, Sequence[int]], size: int, *, top: bool) -> Fraction:
    """As `_group_correct`, from (attempts, correct) per total score."""
    remaining, total = size, Fraction(0)
    for score in sorted(by_score, reverse=top):
        attempts, correct = by_score[score]
        if attempts <= 0:
            continue
        if attempts <= remaining:
            total += correct
            remaining -= attempts
        else:
            total += Fraction(correct * remaining, attempts)
            remaining = 0
        if remaining == 0:
            break
    return total


def upper_lower_index(scored: Sequence[tuple[float, bool]]) -> float | None:
    """Kelley's D from (total score, correct) pairs; order-independent (ties
    at a cut-off share its places by fractional weight)."""
    n = len(scored)
    if n < 2:
        return None
    size = _group_size(n)
    upper = _group_correct(scored, size, top=True)
    lower = _group_correct(scored, size, top=False)
    return float((upper - lower) / size)


def _flags(n: int, difficulty: float, discrimination: float | None,
           thresholds: FlagThresholds) -> tuple[str, ...]:
    if n < thresholds.min_attempts:
        return ()
    flags = []
    if difficulty > thresholds.too_easy_above:
        flags.append(TOO_EASY)
    if difficulty < thresholds.too_hard_below:
        flags.append(TOO_HARD)
    if discrimination is not None and discrimination < thresholds.discrimination_below:
        flags.append(NEGATIVE_DISCRIMINATION)
    return tuple(flags)


def _sorted_counts(counter: Counter) -> dict[Hashable, int]:
    try:
        return dict(sorted(counter.items()))
    except TypeError:  # option ids of mixed types: keep first-seen order
        return dict(counter)


def item_analysis(responses: Sequence[AttemptItems],
                  thresholds: FlagThresholds = FLAG_THRESHOLDS) -> list[ItemStats]:
    """Statistics per question, in order of first appearance."""
    # One pass over the attempts, collecting each question's columns.
    correct_of: dict[Hashable, list[float]] = {}
    rest_of: dict[Hashable, list[float]] = {}
    total_of: dict[Hashable, list[float]] = {}
    options_of: dict[Hashable, Counter] = {}
    for attempt in responses:
        earned = attempt.points
        if earned is None:
            earned = {q: (1.0 if ok else 0.0) for q, ok in attempt.items.items()}
        attempt_points = math.fsum(earned.values())
        chosen = attempt.chosen
        for question, ok in attempt.items.items():
            if question not in correct_of:
                correct_of[question], rest_of[question], total_of[question] = [], [], []
                options_of[question] = Counter()
            correct_of[question].append(1.0 if ok else 0.0)
            rest_of[question].append(attempt_points - float(earned.get(question) or 0))
            total_of[question].append(attempt.total_score)
            if question in chosen:
                options_of[question].update(chosen[question])

    stats = []
    for question, correct in correct_of.items():
        n = len(correct)
        difficulty = math.fsum(correct) / n
        discrimination = _correlation(correct, rest_of[question])
        stats.append(
            ItemStats(
                question=question,
                n=n,
                difficulty=difficulty,
                discrimination=discrimination,
                upper_lower_index=upper_lower_index(list(zip(total_of[question], map(bool, correct)))),
                option_counts=_sorted_counts(options_of[question]),
                flags=_flags(n, difficulty, discrimination, thresholds),
                judged=n >= thresholds.min_attempts,
            )
        )
    return stats


@dataclass(frozen=True)
class ItemSums:
    """Running sums of one question over the attempts counted, kept as each attempt is submitted, so the
    statistics cost the same at 50 attempts and at 500,000. x is 1 for a correct answer, else 0; y is the rest
    score (the attempt's points on its other questions), in any fixed unit (the correlation does not depend on
    it: bro stores thousandths of a point, as integers, so the sums are exact).

    ``by_score`` maps each total score to (attempts at that score, correct among them): Kelley's D needs the
    ranking, and the number of distinct total scores is bounded by the quiz, not by the attempts."""

    question: Hashable
    n: int
    correct: int  # Σx (= Σx², x being 0 or 1)
    rest_sum: int | float  # Σy
    rest_squares: int | float  # Σy²
    correct_rest: int | float  # Σxy
    by_score: Mapping[float, tuple[int, int]] = field(default_factory=dict)
    option_counts: Mapping[Hashable, int] = field(default_factory=dict)


def _correlation_from_sums(n: int, sx, sy, sxx, syy, sxy) -> float | None:
    """Pearson correlation from sums (exact when the sums are integers); None without variance on a side."""
    if n < 2:
        return None
    var_x = n * sxx - sx * sx
    var_y = n * syy - sy * sy
    if var_x <= 0 or var_y <= 0:
        return None
    covariance = n * sxy - sx * sy
    return covariance / math.sqrt(var_x * var_y)


def item_stats_from_sums(sums: ItemSums, thresholds: FlagThresholds = FLAG_THRESHOLDS) -> ItemStats:
    """The figures of `item_analysis` for one question, from its running sums (see `ItemSums`)."""
    n = sums.n
    difficulty = sums.correct / n if n else 0.0
    discrimination = _correlation_from_sums(n, sums.correct, sums.rest_sum, sums.correct, sums.rest_squares,
                                            sums.correct_rest)
    upper_lower = None
    if n >= 2:
        size = _group_size(n)
        upper = _group_correct_counts(sums.by_score, size, top=True)
        lower = _group_correct_counts(sums.by_score, size, top=False)
        upper_lower = float((upper - lower) / size)
    return ItemStats(
        question=sums.question,
        n=n,
        difficulty=difficulty,
        discrimination=discrimination,
        upper_lower_index=upper_lower,
        option_counts=_sorted_counts(Counter({key: count for key, count in sums.option_counts.items() if count})),
        flags=_flags(n, difficulty, discrimination, thresholds),
        judged=n >= thresholds.min_attempts,
    )


def common_wrong_answers(answers: Iterable[tuple[str, str, int]],
                         limit: int = WRONG_ANSWERS_SHOWN) -> list[WrongAnswer]:
    """The ``limit`` most common wrong answers from (normalized, as typed,
    count) triples: answers the scorer treats alike are counted together and
    shown by their most common spelling. Ties: the lower normalized text first."""
    totals: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for normalized, shown, count in answers:
        if not normalized:
            continue
        totals[normalized] += count
        spellings.setdefault(normalized, Counter())[shown] += count
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [
        WrongAnswer(normalized, min(spellings[normalized].items(), key=lambda s: (-s[1], s[0]))[0], count)
        for normalized, count in ranked
    ]

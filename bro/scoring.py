"""Audit and quiz scoring rules of DESIGN.md ("Scoring rules (exact)").

Pure functions over plain values: no Flask, no database. Arithmetic is exact
(``fractions.Fraction``) so that a score exactly equal to the pass mark passes;
floats are produced only for the returned ``score`` fields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction
from numbers import Rational

from bro.curricula.messages import Message, msg

__all__ = [
    "CREDIT",
    "CRITICAL_ALLOWED",
    "NONCONFORMING",
    "AuditScore",
    "InvalidAudit",
    "InvalidQuiz",
    "QuizScore",
    "Rating",
    "StepSpec",
    "display_score",
    "exact",
    "exact_score",
    "score_key",
    "is_nonconforming",
    "parse_rating",
    "score_audit",
    "score_quiz",
]


class Rating(StrEnum):
    """How well one step of the service standard was performed."""

    MET = "met"
    PARTIAL = "partial"
    NOT_MET = "not_met"
    NA = "na"


#: Credit each applicable rating earns; ``na`` earns none and is not counted.
CREDIT: Mapping[Rating, Fraction] = {
    Rating.MET: Fraction(1),
    Rating.PARTIAL: Fraction(1, 2),
    Rating.NOT_MET: Fraction(0),
}

#: Critical steps are all-or-nothing: half credit makes no sense for them.
CRITICAL_ALLOWED: frozenset[Rating] = frozenset({Rating.MET, Rating.NOT_MET, Rating.NA})

#: Ratings that make a step nonconforming in an audit.
NONCONFORMING: frozenset[Rating] = frozenset({Rating.PARTIAL, Rating.NOT_MET})


class InvalidAudit(ValueError):
    """The ratings cannot be scored; ``problems`` lists every reason found."""

    def __init__(self, problems: Sequence[str]):
        self.problems = tuple(problems)
        super().__init__("Invalid audit: " + "; ".join(self.problems))


class InvalidQuiz(ValueError):
    """The quiz items cannot be scored (no points possible, negative points)."""


@dataclass(frozen=True)
class StepSpec:
    """One step of a standard version as the scorer needs it."""

    key: str
    weight: float | int | Fraction | Decimal = 1
    critical: bool = False


@dataclass(frozen=True)
class AuditScore:
    """Result of scoring one audit.

    ``earned`` (sum of weight x credit) and ``possible`` (sum of the weights of
    the steps not rated ``na``) are exact; ``exact`` is the score as a fraction,
    ``score`` the same as a float for arithmetic that tolerates it. Show it with
    :func:`display_score` (or ``.display``), which rounds once from ``exact``.
    ``nonconforming`` and ``critical_failed`` keep the order of the standard's
    steps.
    """

    score: float
    passed: bool
    nonconforming: tuple[str, ...]
    critical_failed: tuple[str, ...]
    earned: Fraction = Fraction(0)
    possible: Fraction = Fraction(0)

    @property
    def exact(self) -> Fraction:
        if self.possible == 0:  # built by hand from a float only
            return exact(self.score)
        return 100 * self.earned / self.possible

    @property
    def display(self) -> str:
        return display_score(self.exact)


@dataclass(frozen=True)
class QuizScore:
    """Result of scoring one quiz attempt; ``score`` is 0-100, unrounded."""

    earned: int | float
    possible: int | float
    score: float
    passed: bool

    @property
    def display(self) -> str:
        return display_score(self.score)


def exact(value: float | int | Fraction | Decimal | str) -> Fraction:
    """Convert a number to an exact fraction, reading floats by their decimal
    text (so ``0.1`` is one tenth, as the author of a YAML file meant it)."""
    if isinstance(value, bool):
        raise TypeError("expected a number, got a bool")
    if isinstance(value, Rational):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(Decimal(repr(value)))
    if isinstance(value, Decimal | str):
        return Fraction(Decimal(value))
    raise TypeError(f"expected a number, got {value!r}")


def _plain(value: Fraction) -> int | float:
    return value.numerator if value.denominator == 1 else float(value)


def parse_rating(value: Rating | str) -> Rating:
    """Return the :class:`Rating` for ``value``; raise ``ValueError`` if unknown."""
    try:
        return Rating(value)
    except ValueError:
        allowed = ", ".join(r.value for r in Rating)
        raise ValueError(msg("unknown rating %(rating)s (use one of: %(allowed)s)", rating=repr(value), allowed=allowed)) from None


def is_nonconforming(rating: Rating | str) -> bool:
    return parse_rating(rating) in NONCONFORMING


def score_audit(
    steps: Sequence[StepSpec],
    ratings: Mapping[str, Rating | str],
    pass_score: float | int | Fraction | Decimal,
) -> AuditScore:
    """Score an audit: 100 x sum(weight x credit) / sum(weight of non-na steps).

    Passes when the score is >= ``pass_score`` and no critical step is
    ``not_met``. Raises :class:`InvalidAudit` listing every problem when a step
    has no rating, a rating is unknown or names a step outside the standard, a
    critical step is rated ``partial``, a weight is negative, or no step is
    applicable (all ``na`` or only zero weights).
    """
    problems: list[Message] = []
    parsed: dict[str, Rating] = {}
    step_keys = {step.key for step in steps}

    for step in steps:
        if step.key not in ratings:
            problems.append(msg("step '%(step)s' has no rating", step=step.key))
            continue
        try:
            rating = parse_rating(ratings[step.key])
        except ValueError as error:
            problems.append(msg("step '%(step)s': %(problem)s", step=step.key, problem=error.args[0]))
            continue
        if step.critical and rating not in CRITICAL_ALLOWED:
            problems.append(msg("step '%(step)s' is critical and cannot be rated '%(rating)s' (use met, not_met or na)",
                                step=step.key, rating=rating.value))
            continue
        if exact(step.weight) < 0:
            problems.append(msg("step '%(step)s' has a negative weight", step=step.key))
            continue
        parsed[step.key] = rating

    for key in ratings:
        if key not in step_keys:
            problems.append(msg("rating given for '%(step)s', which is not a step of this standard", step=key))

    earned = Fraction(0)
    applicable = Fraction(0)
    for step in steps:
        rating = parsed.get(step.key)
        if rating is None or rating is Rating.NA:
            continue
        weight = exact(step.weight)
        earned += weight * CREDIT[rating]
        applicable += weight

    if not problems and applicable == 0:
        problems.append(msg(
            "no step is applicable (every step is rated na or has zero weight); "
            "rate at least one step met, partial or not_met"
        ))
    if problems:
        raise InvalidAudit(problems)

    score = 100 * earned / applicable
    nonconforming = tuple(s.key for s in steps if parsed[s.key] in NONCONFORMING)
    critical_failed = tuple(
        s.key for s in steps if s.critical and parsed[s.key] is Rating.NOT_MET
    )
    passed = score >= exact(pass_score) and not critical_failed
    return AuditScore(
        score=float(score),
        passed=passed,
        nonconforming=nonconforming,
        critical_failed=critical_failed,
        earned=earned,
        possible=applicable,
    )


def score_quiz(
    items: Sequence[tuple[float | int | Fraction | Decimal, bool | Fraction]],
    pass_mark: float | int | Fraction | Decimal,
) -> QuizScore:
    """Score a quiz attempt from ``(points, correct)`` pairs, one per question.

    ``correct`` is True/False, or the share of the points earned (a Fraction from 0 to 1) for
    questions with partial credit (``multiple`` with ``scoring: partial``).

    Score = 100 x earned / possible; passed when score >= ``pass_mark``
    (compared exactly). Raises :class:`InvalidQuiz` when no points are possible
    or a question carries negative points.
    """
    earned = Fraction(0)
    possible = Fraction(0)
    for index, (points, correct) in enumerate(items, start=1):
        value = exact(points)
        if value < 0:
            raise InvalidQuiz(f"question {index} has negative points ({points})")
        possible += value
        if isinstance(correct, bool):
            earned += value if correct else 0
        else:
            share = exact(correct)
            if not 0 <= share <= 1:
                raise InvalidQuiz(f"question {index} earns {correct} of its points; a share is between 0 and 1")
            earned += value * share
    if possible == 0:
        raise InvalidQuiz("the quiz has no points to earn; give its questions points > 0")
    score = 100 * earned / possible
    return QuizScore(
        earned=_plain(earned),
        possible=_plain(possible),
        score=float(score),
        passed=score >= exact(pass_mark),
    )


_ONE_DECIMAL = Decimal("0.1")


def exact_score(earned: Decimal | int | Fraction, possible: Decimal | int | Fraction) -> Fraction | None:
    """The exact audit score 100 x earned / possible from stored sums (None when
    nothing was applicable, which a valid audit never is)."""
    if earned is None or possible is None or Fraction(possible) == 0:
        return None
    return 100 * Fraction(earned) / Fraction(possible)


_KEY_PLACES = Decimal("0.001")


def score_key(score: Fraction | AuditScore) -> Decimal:
    """The score as a 3-decimal ``Decimal`` for sorting, filtering and sums in SQL.

    Truncated (rounded toward zero), never rounded up: every half-up breakpoint
    of the display (x.x5) has two decimals, so a value truncated at three or more
    decimals stays on the same side of each breakpoint as the exact value, and
    ``display_score(score_key(s)) == display_score(s)`` always holds. (Rounding
    half-up at 3 decimals did not: 95.0495... became 95.050 and showed 95.1.)
    """
    value = score.exact if isinstance(score, AuditScore) else Fraction(score)
    if value < 0:
        raise ValueError("an audit score is never negative")
    numerator = value.numerator * 1000 // value.denominator  # floor; the score is >= 0
    return Decimal(numerator).scaleb(-3).quantize(_KEY_PLACES)


def display_score(score: float | int | Fraction | Decimal) -> str:
    """Round half-up to one decimal for display, once: 84.95 -> "85.0", 84.94 -> "84.9".

    Give it the exact value (a ``Fraction`` from :func:`exact_score` or
    ``AuditScore.exact``): 100 x 100.5 / 101 = 95.0495... shows "95.0". Floats
    are read by their shortest decimal text, which is what the number was meant
    to be (``84.95`` rather than its binary neighbour 84.9499...).
    """
    if isinstance(score, Rational):  # exact: integer arithmetic, no intermediate rounding
        value = Fraction(score)
        tenths = (abs(value) * 10 + Fraction(1, 2)).__floor__()  # half-up = half away from zero
        rounded = Decimal(-tenths if value < 0 else tenths).scaleb(-1).quantize(_ONE_DECIMAL)
    else:
        value = Decimal(repr(score)) if isinstance(score, float) else Decimal(score)
        rounded = value.quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # never show "-0.0"
    return str(rounded)

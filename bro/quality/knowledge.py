"""Knowledge vs behaviour: per person (or team) and standard step, do they know it and do they do it?

*Knowledge* is the share of points earned on the questions of the modules that teach the step, counting each
person's latest answer to each question within a window (180 days by default). *Conformance* is the share of
audits rating the step (``na`` left out) that rated it ``met``, within a window (90 days by default).

Both carry a 95 % Wilson score interval. The Wilson interval needs a number of trials: for knowledge it is the
number of questions, and the "successes" are the points share times that number (a question worth 5 points is
one observation of what the person knows, not five). For conformance it is the number of audits, and the
successes the audits rating the step ``met``.

A quadrant is assigned only when both intervals lie wholly on one side of their thresholds (at or above
counts as "knows" / "does"); when an interval straddles a threshold the cell is "uncertain"; with fewer than
the minimum questions or audits it is "not enough evidence".

The interval is the closed form (Wilson 1927); the tests check it against
``statsmodels.stats.proportion.proportion_confint(method="wilson")``, which is not imported at run time
because statsmodels brings pandas (~75 MB per web worker).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from math import sqrt
from statistics import NormalDist

__all__ = [
    "DOES_NOT_KNOWING",
    "KNOWS_DOES",
    "KNOWS_NOT_DOING",
    "NEITHER",
    "NOT_ENOUGH",
    "QUADRANTS",
    "UNCERTAIN",
    "Answer",
    "KnowledgeSettings",
    "Rate",
    "Standing",
    "Transitions",
    "conformance_rate",
    "knowledge_as_of",
    "knowledge_rate",
    "standing",
    "transitions",
    "wilson_interval",
]

KNOWS_DOES = "knows_does"
KNOWS_NOT_DOING = "knows_not_doing"
NEITHER = "neither"  # doesn't know, doesn't do
DOES_NOT_KNOWING = "does_not_knowing"  # doesn't know (on the quizzes), does
UNCERTAIN = "uncertain"
NOT_ENOUGH = "not_enough"
QUADRANTS = (KNOWS_DOES, KNOWS_NOT_DOING, NEITHER, DOES_NOT_KNOWING)
CELLS = QUADRANTS + (UNCERTAIN, NOT_ENOUGH)

_Z95 = NormalDist().inv_cdf(0.975)


@dataclass(frozen=True)
class KnowledgeSettings:
    """Windows (days), the knowledge threshold (share, 0-1) and the minimum evidence for a quadrant.

    The conformance threshold is the standard's ``pass_score`` / 100, given per call."""

    knowledge_days: int = 180
    conformance_days: int = 90
    knowledge_threshold: float = 0.8
    min_questions: int = 5
    min_audits: int = 5


@dataclass(frozen=True)
class Rate:
    """A share with its 95 % Wilson interval: ``successes`` (may be fractional for points) out of ``n``."""

    successes: float
    n: int
    low: float
    high: float

    @property
    def rate(self) -> float:
        return self.successes / self.n if self.n else 0.0

    @property
    def width(self) -> float:
        return self.high - self.low


def wilson_interval(successes: float, n: int, z: float = _Z95) -> tuple[float, float]:
    """The Wilson score interval of successes / n (the whole 0-1 range when n = 0)."""
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def _rate(successes: float, n: int) -> Rate:
    low, high = wilson_interval(successes, n)
    return Rate(float(successes), int(n), low, high)


def knowledge_rate(points_share_sum: float, questions: int) -> Rate:
    """Knowledge from the sum over questions of (points earned / points possible) of the latest answers."""
    return _rate(points_share_sum, questions)


def conformance_rate(met: int, rated: int) -> Rate:
    """Conformance from the audits rating the step ``met`` out of those rating it other than ``na``."""
    return _rate(met, rated)


@dataclass(frozen=True)
class Answer:
    """One answer to one question: ``question`` is any stable identity (course, module key, question key).
    ``answered_on`` is a date or a datetime (the same kind as the ``day`` it is compared with)."""

    question: object
    answered_on: date | datetime
    earned: float
    possible: float


def knowledge_as_of(answers: Iterable[Answer], day: date | datetime, days: int = 180) -> Rate:
    """Knowledge on ``day``: the latest answer to each question answered within ``days`` before it (inclusive)."""
    since = day - timedelta(days=days)
    latest: dict[object, Answer] = {}
    for answer in answers:
        if since <= answer.answered_on <= day and answer.possible > 0:
            seen = latest.get(answer.question)
            if seen is None or answer.answered_on >= seen.answered_on:
                latest[answer.question] = answer
    return knowledge_rate(sum(a.earned / a.possible for a in latest.values()), len(latest))


def _side(rate: Rate, threshold: float) -> bool | None:
    """True when the whole interval is at or above the threshold, False when wholly below, else None."""
    if rate.low >= threshold:
        return True
    if rate.high < threshold:
        return False
    return None


@dataclass(frozen=True)
class Standing:
    """Where a person (or a team) stands on one step."""

    knowledge: Rate
    conformance: Rate
    knowledge_threshold: float
    conformance_threshold: float
    knows: bool | None  # None: not decided (uncertain or not enough evidence)
    does: bool | None
    cell: str  # one of QUADRANTS, UNCERTAIN or NOT_ENOUGH

    @property
    def decided(self) -> bool:
        return self.cell in QUADRANTS


def standing(knowledge: Rate, conformance: Rate, conformance_threshold: float,
             settings: KnowledgeSettings = KnowledgeSettings()) -> Standing:
    """The quadrant of one person (or team) on one step, or "uncertain", or "not enough evidence"."""
    enough = knowledge.n >= settings.min_questions and conformance.n >= settings.min_audits
    knows = _side(knowledge, settings.knowledge_threshold) if knowledge.n >= settings.min_questions else None
    does = _side(conformance, conformance_threshold) if conformance.n >= settings.min_audits else None
    if not enough:
        cell = NOT_ENOUGH
    elif knows is None or does is None:
        cell = UNCERTAIN
    else:
        cell = {(True, True): KNOWS_DOES, (True, False): KNOWS_NOT_DOING,
                (False, False): NEITHER, (False, True): DOES_NOT_KNOWING}[(knows, does)]
    return Standing(knowledge, conformance, settings.knowledge_threshold, conformance_threshold, knows, does, cell)


class Transitions(Rate):
    """How many of ``cases`` (people and steps in the starting state) ``moved``: reached the target state
    afterwards. A rate with its Wilson interval, in the words of the evidence table."""

    @property
    def cases(self) -> int:
        return self.n

    @property
    def moved(self) -> int:
        return round(self.successes)

    @property
    def share(self) -> float | None:
        return self.rate if self.n else None


def transitions(pairs: Sequence[tuple[bool | None, bool | None]]) -> Transitions:
    """Count moves from a starting state to a target one.

    Each pair is (was in the starting state, is in the target state afterwards), as decided by ``standing``
    (None: undecided). Cases are the pairs decidedly in the starting state and decided afterwards; the
    interval is Wilson's on moved / cases. Counts only: who moved says nothing about why.
    """
    decided = [after for before, after in pairs if before is True and after is not None]
    moved = sum(1 for after in decided if after)
    return Transitions(float(moved), len(decided), *wilson_interval(moved, len(decided)))

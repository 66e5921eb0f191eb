"""Calibration sessions: several supervisors rate the same interaction blind.

Reports per-step agreement, each rater's score, the score spread and Fleiss'
kappa over the step ratings (subjects = steps, categories = the four ratings,
``na`` included: agreeing that a step does not apply is agreement too).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from bro.scoring import InvalidAudit, Rating, StepSpec, parse_rating, score_audit

__all__ = [
    "CalibrationReport",
    "StepAgreement",
    "calibration_report",
    "fleiss_kappa",
    "rater_deviation",
]

# Order used to break ties for the modal (consensus) rating: the stricter
# rating wins, so a split panel never rounds an interaction up.
_STRICTNESS = (Rating.NOT_MET, Rating.PARTIAL, Rating.MET, Rating.NA)


@dataclass(frozen=True)
class StepAgreement:
    """``agreement`` is the share of rater pairs giving the same rating
    (None with fewer than two raters); ``modal_rating`` the most common
    rating, ties going to the stricter one (not_met > partial > met > na)."""

    step: str
    agreement: float | None
    modal_rating: Rating
    counts: Mapping[Rating, int]


@dataclass(frozen=True)
class CalibrationReport:
    per_step_agreement: Mapping[str, StepAgreement]
    scores: Mapping[Hashable, float]
    spread: float
    fleiss_kappa: float | None
    consensus: Mapping[str, Rating]
    #: score of the consensus ratings; None when they cannot be scored (all na)
    consensus_score: float | None


def fleiss_kappa(table: Sequence[Sequence[int]]) -> float | None:
    """Fleiss' kappa for a subjects x categories table of rating counts.

    Every subject must be rated by the same number of raters n >= 2. Returns
    None when there is no subject, or when chance agreement P̄e is 1 (every
    rating in one category: kappa is 0/0, undefined).
    """
    if not table:
        return None
    raters = sum(table[0])
    for index, row in enumerate(table):
        if sum(row) != raters:
            raise ValueError(
                f"subject {index} has {sum(row)} ratings, subject 0 has {raters}; "
                "every subject needs the same number of raters"
            )
        if any(count < 0 for count in row):
            raise ValueError(f"subject {index} has a negative count")
    if raters < 2:
        return None
    subjects = len(table)
    categories = max(len(row) for row in table)
    observed = sum(
        Fraction(sum(c * c for c in row) - raters, raters * (raters - 1)) for row in table
    ) / subjects
    chance = sum(
        Fraction(sum(row[j] for row in table if j < len(row)), subjects * raters) ** 2
        for j in range(categories)
    )
    if chance == 1:
        return None
    return float((observed - chance) / (1 - chance))


def _agreement(counts: Counter[Rating], raters: int) -> float | None:
    if raters < 2:
        return None
    agreeing = sum(c * (c - 1) for c in counts.values())
    return float(Fraction(agreeing, raters * (raters - 1)))


def _modal(counts: Counter[Rating]) -> Rating:
    return max(_STRICTNESS, key=lambda r: (counts[r], -_STRICTNESS.index(r)))


def calibration_report(
    ratings: Mapping[Hashable, Mapping[str, Rating | str]],
    steps: Sequence[StepSpec],
    pass_score: float,
) -> CalibrationReport:
    """Compare raters' ratings of one interaction. Each rater's ratings must
    form a valid audit (:class:`InvalidAudit` names the rater otherwise)."""
    if not ratings:
        raise ValueError("a calibration report needs at least one rater")

    scores: dict[Hashable, float] = {}
    for rater, rater_ratings in ratings.items():
        try:
            scores[rater] = score_audit(steps, rater_ratings, pass_score).score
        except InvalidAudit as error:
            raise InvalidAudit([f"rater {rater!r}: {p}" for p in error.problems]) from None

    per_step: dict[str, StepAgreement] = {}
    table: list[list[int]] = []
    for step in steps:
        counts = Counter(parse_rating(r[step.key]) for r in ratings.values())
        per_step[step.key] = StepAgreement(
            step=step.key,
            agreement=_agreement(counts, len(ratings)),
            modal_rating=_modal(counts),
            counts={rating: counts[rating] for rating in Rating},
        )
        table.append([counts[rating] for rating in Rating])

    consensus = {key: agreement.modal_rating for key, agreement in per_step.items()}
    try:
        consensus_score: float | None = score_audit(steps, consensus, pass_score).score
    except InvalidAudit:
        consensus_score = None

    return CalibrationReport(
        per_step_agreement=per_step,
        scores=scores,
        spread=max(scores.values()) - min(scores.values()),
        fleiss_kappa=fleiss_kappa(table),
        consensus=consensus,
        consensus_score=consensus_score,
    )


def rater_deviation(reports: Iterable[CalibrationReport], rater: Hashable) -> float | None:
    """Mean absolute difference between ``rater``'s score and the consensus
    score over the sessions they rated (None if there is none to compare)."""
    deviations = [
        abs(report.scores[rater] - report.consensus_score)
        for report in reports
        if rater in report.scores and report.consensus_score is not None
    ]
    if not deviations:
        return None
    return sum(deviations) / len(deviations)

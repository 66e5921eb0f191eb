"""Calibration sessions: several supervisors rate the same interaction blind.

Reports per-step agreement, each rater's exact score, the score spread,
pass/fail agreement, and three chance-corrected coefficients over the step
ratings (subjects = steps):

* Fleiss' kappa, categories = the four ratings, ``na`` included:
  agreeing that a step does not apply is agreement too;
* Gwet's AC1 over the same table (no well-known Python library: written out
  below from Gwet 2008, tested against Gwet's published worked example);
* Krippendorff's alpha (the ``krippendorff`` package), ordinal with
  not met < partial < met; ``na`` is a missing value, not a point on the scale.

Kappa collapses when almost every rating falls in one category (the "kappa
paradox": seven steps met by everyone plus one 2–1 split gives kappa −0.04 at
92 % pairwise agreement); AC1 does not, which is why both are shown.

Each rater is compared with a *reference*: the session's benchmark rater when
there is one (for everyone but the benchmark), otherwise the panel consensus
(the modal rating of each step, ties to the stricter rating).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from bro.curricula.messages import msg
from bro.scoring import InvalidAudit, Rating, StepSpec, parse_rating, score_audit

__all__ = [
    "BENCHMARK",
    "CONSENSUS",
    "CalibrationReport",
    "RaterComparison",
    "RaterRecord",
    "StepAgreement",
    "calibration_report",
    "fleiss_kappa",
    "gwet_ac1",
    "krippendorff_alpha",
    "pairwise_agreement",
    "rater_deviation",
    "rater_record",
]

# Order used to break ties for the modal (consensus) rating: the stricter
# rating wins, so a split panel never rounds an interaction up.
_STRICTNESS = (Rating.NOT_MET, Rating.PARTIAL, Rating.MET, Rating.NA)

#: Ordinal values for Krippendorff's alpha (na is missing).
ORDINAL = {Rating.NOT_MET: 0, Rating.PARTIAL: 1, Rating.MET: 2}

BENCHMARK = "benchmark"
CONSENSUS = "consensus"


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
class RaterComparison:
    """One rater against the reference (``BENCHMARK`` or ``CONSENSUS``).

    ``per_step`` says for each step whether the rater gave the reference's
    rating; ``score_difference`` is the rater's exact score minus the
    reference's (None when the reference cannot be scored); ``pass_agrees``
    whether both reach the same pass/fail verdict."""

    rater: Hashable
    reference: str
    per_step: Mapping[str, bool]
    steps_agreeing: int
    score_difference: Fraction | None
    pass_agrees: bool | None

    @property
    def agreement(self) -> float | None:
        return self.steps_agreeing / len(self.per_step) if self.per_step else None


@dataclass(frozen=True)
class CalibrationReport:
    per_step_agreement: Mapping[str, StepAgreement]
    #: exact scores (0-100) by rater
    scores: Mapping[Hashable, Fraction]
    spread: Fraction
    fleiss_kappa: float | None
    gwet_ac1: float | None
    krippendorff_alpha: float | None
    #: share of steps x rater pairs agreeing, over all steps (what kappa and AC1 correct for chance)
    observed_agreement: float | None
    passed: Mapping[Hashable, bool]
    #: share of rater pairs reaching the same pass/fail verdict (None with one rater)
    pass_fail_agreement: float | None
    consensus: Mapping[str, Rating]
    #: score of the consensus ratings; None when they cannot be scored (all na)
    consensus_score: Fraction | None
    consensus_passed: bool | None
    benchmark: Hashable | None
    comparisons: Mapping[Hashable, RaterComparison]


def _check_table(table: Sequence[Sequence[int]], *, same_raters: bool) -> None:
    first = sum(table[0])
    for index, row in enumerate(table):
        if any(count < 0 for count in row):
            raise ValueError(f"subject {index} has a negative count")
        if same_raters and sum(row) != first:
            raise ValueError(
                f"subject {index} has {sum(row)} ratings, subject 0 has {first}; "
                "every subject needs the same number of raters"
            )


def fleiss_kappa(table: Sequence[Sequence[int]]) -> float | None:
    """Fleiss' kappa for a subjects x categories table of rating counts (Fleiss 1971)::

        P_i = (Σ_j n_ij² − n) / (n (n − 1)),  P̄ = mean P_i,  p_j = Σ_i n_ij / (N n),  P̄e = Σ_j p_j²
        κ = (P̄ − P̄e) / (1 − P̄e)

    Computed exactly with fractions here rather than by
    ``statsmodels.stats.inter_rater.fleiss_kappa``: importing statsmodels costs
    a web worker ~115 MB, past its 150 MB budget, for four lines of arithmetic.
    The tests check this function against statsmodels (the Wikipedia worked
    example, 0.2099, and random tables).

    Every subject must be rated by the same number of raters n >= 2. Returns
    None when there is no subject, or when chance agreement P̄e is 1 (every
    rating in one category: kappa is 0/0, undefined).
    """
    if not table:
        return None
    _check_table(table, same_raters=True)
    raters = sum(table[0])
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


def gwet_ac1(table: Sequence[Sequence[int]], categories: int | None = None) -> float | None:
    r"""Gwet's first-order agreement coefficient AC1 for a subjects x categories
    table of rating counts; subjects may have different numbers of raters.

    Gwet, K. L. (2008). Computing inter-rater reliability and its variance in
    the presence of high agreement. British Journal of Mathematical and
    Statistical Psychology 61, 29-48 (equations 14-15 for r raters); the same
    with missing ratings in Gwet (2014), Handbook of Inter-Rater Reliability,
    4th ed., ch. 4::

        p_a = 1/n' Σ_{i: r_i ≥ 2} Σ_k r_ik (r_ik − 1) / (r_i (r_i − 1))
        π_k = 1/n  Σ_i r_ik / r_i                 (subjects with r_i ≥ 1)
        p_e = 1/(q − 1) Σ_k π_k (1 − π_k)
        AC1 = (p_a − p_e) / (1 − p_e)

    where r_ik is the number of raters putting subject i in category k, r_i the
    raters of subject i, n' the subjects with two or more ratings and q the
    number of categories of the scale (``categories``; default the table's
    width). Returns None without a subject rated twice or with q < 2.
    """
    if not table:
        return None
    _check_table(table, same_raters=False)
    q = categories if categories is not None else max(len(row) for row in table)
    if q < 2:
        return None
    rated = [row for row in table if sum(row) >= 1]
    paired = [row for row in rated if sum(row) >= 2]
    if not paired:
        return None
    observed = sum(
        Fraction(sum(c * (c - 1) for c in row), sum(row) * (sum(row) - 1)) for row in paired
    ) / len(paired)
    shares = [
        sum(Fraction(row[k], sum(row)) for row in rated if k < len(row)) / len(rated) for k in range(q)
    ]
    chance = sum(share * (1 - share) for share in shares) / (q - 1)
    return float((observed - chance) / (1 - chance))


def krippendorff_alpha(units: Sequence[Sequence[int | None]], value_domain: Sequence[int]) -> float | None:
    """Krippendorff's alpha, ordinal, from a raters x units matrix of ordinal
    values (None = missing), by the ``krippendorff`` package (Krippendorff 2011,
    "Computing Krippendorff's alpha-reliability").

    None when fewer than two values are pairable in any unit, or when every
    pairable value is the same (expected disagreement 0: alpha is 0/0).
    """
    pairable = [
        [value for value in unit if value is not None]
        for unit in zip(*units)
    ]
    values = {value for unit in pairable if len(unit) >= 2 for value in unit}
    if len(values) < 2:
        return None
    import numpy as np
    import krippendorff

    data = np.array([[np.nan if v is None else float(v) for v in rater] for rater in units], dtype=float)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal",
                                    value_domain=list(value_domain)))


def pairwise_agreement(labels: Sequence[Hashable]) -> float | None:
    """Share of pairs among ``labels`` that are equal (None with fewer than two)."""
    n = len(labels)
    if n < 2:
        return None
    counts = Counter(labels)
    return float(Fraction(sum(c * (c - 1) for c in counts.values()), n * (n - 1)))


def _modal(counts: Counter[Rating]) -> Rating:
    return max(_STRICTNESS, key=lambda r: (counts[r], -_STRICTNESS.index(r)))


def calibration_report(
    ratings: Mapping[Hashable, Mapping[str, Rating | str]],
    steps: Sequence[StepSpec],
    pass_score: float,
    benchmark: Hashable | None = None,
) -> CalibrationReport:
    """Compare raters' ratings of one interaction. Each rater's ratings must
    form a valid audit (:class:`InvalidAudit` names the rater otherwise).

    ``benchmark`` names the rater everyone else is compared with; without one
    (or when the benchmark did not rate) raters are compared with the consensus.
    """
    if not ratings:
        raise ValueError("a calibration report needs at least one rater")

    scores: dict[Hashable, Fraction] = {}
    passed: dict[Hashable, bool] = {}
    for rater, rater_ratings in ratings.items():
        try:
            result = score_audit(steps, rater_ratings, pass_score)
        except InvalidAudit as error:
            raise InvalidAudit([msg("rater %(rater)s: %(problem)s", rater=repr(rater), problem=p)
                               for p in error.problems]) from None
        scores[rater], passed[rater] = result.exact, result.passed

    parsed = {rater: {step.key: parse_rating(r[step.key]) for step in steps} for rater, r in ratings.items()}
    per_step: dict[str, StepAgreement] = {}
    table: list[list[int]] = []
    for step in steps:
        counts = Counter(rater_ratings[step.key] for rater_ratings in parsed.values())
        per_step[step.key] = StepAgreement(
            step=step.key,
            agreement=pairwise_agreement([r[step.key] for r in parsed.values()]),
            modal_rating=_modal(counts),
            counts={rating: counts[rating] for rating in Rating},
        )
        table.append([counts[rating] for rating in Rating])

    consensus = {key: agreement.modal_rating for key, agreement in per_step.items()}
    try:
        consensus_result = score_audit(steps, consensus, pass_score)
        consensus_score: Fraction | None = consensus_result.exact
        consensus_passed: bool | None = consensus_result.passed
    except InvalidAudit:
        consensus_score = consensus_passed = None

    step_agreements = [a.agreement for a in per_step.values() if a.agreement is not None]
    if benchmark is not None and benchmark not in parsed:
        benchmark = None
    comparisons = {}
    for rater in parsed:
        if benchmark is not None and rater != benchmark:
            reference, reference_ratings = BENCHMARK, parsed[benchmark]
            reference_score, reference_passed = scores[benchmark], passed[benchmark]
        else:
            reference, reference_ratings = CONSENSUS, consensus
            reference_score, reference_passed = consensus_score, consensus_passed
        per_step_match = {step.key: parsed[rater][step.key] is reference_ratings[step.key] for step in steps}
        comparisons[rater] = RaterComparison(
            rater=rater,
            reference=reference,
            per_step=per_step_match,
            steps_agreeing=sum(per_step_match.values()),
            score_difference=None if reference_score is None else scores[rater] - reference_score,
            pass_agrees=None if reference_passed is None else passed[rater] == reference_passed,
        )

    return CalibrationReport(
        per_step_agreement=per_step,
        scores=scores,
        spread=max(scores.values()) - min(scores.values()),
        fleiss_kappa=fleiss_kappa(table),
        gwet_ac1=gwet_ac1(table, categories=len(Rating)) if len(ratings) >= 2 else None,
        krippendorff_alpha=krippendorff_alpha(
            [[ORDINAL.get(r[step.key]) for step in steps] for r in parsed.values()],
            value_domain=sorted(ORDINAL.values()),
        ),
        observed_agreement=sum(step_agreements) / len(step_agreements) if step_agreements else None,
        passed=passed,
        pass_fail_agreement=pairwise_agreement(list(passed.values())),
        consensus=consensus,
        consensus_score=consensus_score,
        consensus_passed=consensus_passed,
        benchmark=benchmark,
        comparisons=comparisons,
    )


def rater_deviation(reports: Iterable[CalibrationReport], rater: Hashable) -> Fraction | None:
    """Mean absolute difference between ``rater``'s score and the consensus
    score over the sessions they rated (None if there is none to compare)."""
    deviations = [
        abs(report.scores[rater] - report.consensus_score)
        for report in reports
        if rater in report.scores and report.consensus_score is not None
    ]
    if not deviations:
        return None
    return sum(deviations, Fraction(0)) / len(deviations)


@dataclass(frozen=True)
class RaterRecord:
    """A supervisor's calibration record across sessions ("grade the grader").

    ``step_agreement``: share of all their step ratings that matched the
    reference (benchmark where there was one, else consensus);
    ``mean_difference``: mean of (own score − reference score), signed, so a
    lenient rater shows a positive bias; ``mean_absolute_difference`` its
    size regardless of sign; ``pass_fail_agreement``: share of sessions with
    the reference's pass/fail verdict."""

    sessions: int
    benchmark_sessions: int
    steps_compared: int
    step_agreement: float | None
    mean_difference: Fraction | None
    mean_absolute_difference: Fraction | None
    pass_fail_agreement: float | None


def rater_record(comparisons: Iterable[RaterComparison]) -> RaterRecord:
    """Pool one rater's comparisons over the sessions they rated."""
    comparisons = list(comparisons)
    steps = sum(len(c.per_step) for c in comparisons)
    agreeing = sum(c.steps_agreeing for c in comparisons)
    differences = [c.score_difference for c in comparisons if c.score_difference is not None]
    verdicts = [c.pass_agrees for c in comparisons if c.pass_agrees is not None]
    return RaterRecord(
        sessions=len(comparisons),
        benchmark_sessions=sum(1 for c in comparisons if c.reference == BENCHMARK),
        steps_compared=steps,
        step_agreement=agreeing / steps if steps else None,
        mean_difference=sum(differences, Fraction(0)) / len(differences) if differences else None,
        mean_absolute_difference=(
            sum((abs(d) for d in differences), Fraction(0)) / len(differences) if differences else None
        ),
        pass_fail_agreement=sum(verdicts) / len(verdicts) if verdicts else None,
    )

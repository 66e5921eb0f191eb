"""Calibration: per-step agreement, score spread, Fleiss' kappa, rater deviation."""

import pytest

from bro.quality import calibration_report, fleiss_kappa, rater_deviation
from bro.scoring import InvalidAudit, Rating, StepSpec

# Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories.
WIKIPEDIA_TABLE = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]

STEPS = [StepSpec("greet", 1), StepSpec("needs", 3), StepSpec("id_check", 1, critical=True)]
SESSION = {
    "ann": {"greet": "met", "needs": "met", "id_check": "met"},  # 5/5 = 100
    "bob": {"greet": "met", "needs": "partial", "id_check": "met"},  # 3.5/5 = 70
    "cy": {"greet": "not_met", "needs": "partial", "id_check": "met"},  # 2.5/5 = 50
}


def test_fleiss_kappa_matches_the_wikipedia_worked_example():
    # P̄ = 0.378, P̄e = 0.213, κ = (0.378 − 0.213)/(1 − 0.213) ≈ 0.210
    assert fleiss_kappa(WIKIPEDIA_TABLE) == pytest.approx(0.20993, abs=5e-5)


def test_fleiss_kappa_is_one_for_perfect_agreement_across_categories():
    assert fleiss_kappa([[3, 0], [0, 3]]) == 1.0


def test_fleiss_kappa_is_undefined_when_every_rating_is_in_one_category():
    assert fleiss_kappa([[3, 0], [3, 0]]) is None


def test_fleiss_kappa_needs_the_same_number_of_raters_per_subject():
    with pytest.raises(ValueError, match="same number of raters"):
        fleiss_kappa([[3, 0], [1, 1]])


def test_report_gives_each_raters_score_and_the_spread():
    report = calibration_report(SESSION, STEPS, pass_score=80)
    assert report.scores == {"ann": 100.0, "bob": 70.0, "cy": 50.0}
    assert report.spread == 50.0


def test_step_agreement_is_the_share_of_rater_pairs_agreeing():
    report = calibration_report(SESSION, STEPS, pass_score=80)
    agreement = report.per_step_agreement
    # greet: met, met, not_met -> 1 agreeing pair of 3
    assert agreement["greet"].agreement == pytest.approx(1 / 3)
    assert agreement["greet"].modal_rating is Rating.MET
    assert agreement["needs"].modal_rating is Rating.PARTIAL
    assert agreement["id_check"].agreement == 1.0
    assert agreement["needs"].counts == {
        Rating.MET: 1,
        Rating.PARTIAL: 2,
        Rating.NOT_MET: 0,
        Rating.NA: 0,
    }


def test_report_kappa_over_step_ratings():
    # rows (met, partial, not_met, na): greet [2,0,1,0], needs [1,2,0,0], id [3,0,0,0]
    # Pᵢ = (Σn² − 3)/6 -> 1/3, 1/3, 1; P̄ = 5/9
    # pⱼ = 6/9, 2/9, 1/9, 0 -> P̄e = 41/81; κ = (45/81 − 41/81)/(40/81) = 0.1
    assert calibration_report(SESSION, STEPS, 80).fleiss_kappa == pytest.approx(0.1)


def test_consensus_is_the_modal_rating_and_its_score():
    report = calibration_report(SESSION, STEPS, 80)
    assert report.consensus == {"greet": "met", "needs": "partial", "id_check": "met"}
    assert report.consensus_score == 70.0


def test_tied_ratings_resolve_to_the_stricter_one():
    report = calibration_report(
        {"ann": {"greet": "met"}, "bob": {"greet": "not_met"}}, [StepSpec("greet")], 80
    )
    assert report.per_step_agreement["greet"].modal_rating is Rating.NOT_MET
    assert report.per_step_agreement["greet"].agreement == 0.0


def test_single_rater_has_no_agreement_or_kappa():
    report = calibration_report({"ann": SESSION["ann"]}, STEPS, 80)
    assert report.per_step_agreement["greet"].agreement is None
    assert report.fleiss_kappa is None
    assert report.spread == 0.0


def test_invalid_ratings_name_the_rater():
    with pytest.raises(InvalidAudit, match="rater 'bob'"):
        calibration_report(
            {**SESSION, "bob": {"greet": "met", "needs": "met", "id_check": "partial"}},
            STEPS,
            80,
        )


def test_rater_deviation_averages_distance_from_consensus_score():
    first = calibration_report(SESSION, STEPS, 80)  # consensus 70: ann 30, cy 20 off
    all_met = {"greet": "met", "needs": "met", "id_check": "met"}
    second = calibration_report({"ann": all_met, "bob": all_met}, STEPS, 80)  # ann 0 off
    assert rater_deviation([first, second], "ann") == 15.0
    assert rater_deviation([first, second], "cy") == 20.0
    assert rater_deviation([first, second], "dee") is None


# --- beyond kappa: AC1, Krippendorff's alpha, pass/fail, benchmark, grade the grader ---------------------------

from fractions import Fraction  # noqa: E402

from bro.quality import gwet_ac1, krippendorff_alpha, rater_record  # noqa: E402

# Gwet (2014), Handbook of Inter-Rater Reliability, 4th ed., p. 120 (also Krippendorff 2011's reliability
# example): 4 raters, 12 units, values 1-5, missing ratings as None.
GWET_RAW_4RATERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, None],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 3],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def _count_table(raters, categories):
    return [[[r[i] for r in raters].count(k) for k in categories] for i in range(len(raters[0]))]


def test_gwet_ac1_matches_gwets_published_worked_example():
    # Gwet (2014) and irrCAC's gwet.ac1.raw: pa = 0.8182, pe = 0.1903, AC1 = 0.7754
    assert gwet_ac1(_count_table(GWET_RAW_4RATERS, range(1, 6)), categories=5) == pytest.approx(0.77544, abs=5e-5)


def test_krippendorff_alpha_ordinal_matches_krippendorffs_example():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability": ordinal alpha = 0.815
    assert krippendorff_alpha(GWET_RAW_4RATERS, value_domain=[1, 2, 3, 4, 5]) == pytest.approx(0.815, abs=5e-4)


def test_krippendorff_alpha_is_undefined_when_every_rating_is_the_same():
    assert krippendorff_alpha([[2, 2], [2, 2]], value_domain=[0, 1, 2]) is None


EIGHT_STEPS = [StepSpec(f"s{i}", 1) for i in range(8)]
ALL_MET = {step.key: "met" for step in EIGHT_STEPS}
KAPPA_PARADOX = {"ann": ALL_MET, "bob": ALL_MET, "cy": {**ALL_MET, "s7": "partial"}}


def test_kappa_paradox_ac1_stays_high_while_kappa_goes_negative():
    report = calibration_report(KAPPA_PARADOX, EIGHT_STEPS, 80)
    assert report.observed_agreement == pytest.approx(11 / 12)  # 92 % of rater pairs agree
    assert report.fleiss_kappa == pytest.approx(-0.0435, abs=5e-4)
    assert report.gwet_ac1 == pytest.approx(0.9144, abs=5e-4)
    assert report.gwet_ac1 > 0.9 and report.fleiss_kappa < 0


def test_pass_fail_agreement_is_the_share_of_rater_pairs_with_the_same_verdict():
    report = calibration_report(SESSION, STEPS, pass_score=80)  # ann passes, bob and cy fail
    assert report.passed == {"ann": True, "bob": False, "cy": False}
    assert report.pass_fail_agreement == pytest.approx(1 / 3)


def test_scores_are_exact_fractions():
    steps = [StepSpec("big", 91), StepSpec("small", 10)]
    report = calibration_report({"ann": {"big": "met", "small": "partial"}}, steps, 80)
    assert report.scores["ann"] == Fraction(9600, 101)


def test_raters_are_compared_with_the_benchmark_step_by_step_with_the_score_difference():
    report = calibration_report(SESSION, STEPS, 80, benchmark="bob")
    cy = report.comparisons["cy"]
    assert cy.reference == "benchmark"
    assert cy.per_step == {"greet": False, "needs": True, "id_check": True}
    assert cy.score_difference == -20  # 50 - 70
    assert cy.pass_agrees is True  # both fail
    ann = report.comparisons["ann"]
    assert (ann.steps_agreeing, ann.score_difference, ann.pass_agrees) == (2, 30, False)
    assert report.comparisons["bob"].reference == "consensus"  # the benchmark against the panel


def test_without_a_benchmark_raters_are_compared_with_the_consensus():
    report = calibration_report(SESSION, STEPS, 80)
    assert {c.reference for c in report.comparisons.values()} == {"consensus"}
    assert report.comparisons["ann"].score_difference == 30  # 100 - consensus 70


def test_rater_record_pools_agreement_and_signed_score_differences_over_sessions():
    first = calibration_report(SESSION, STEPS, 80, benchmark="bob")
    second = calibration_report({"ann": ALL_MET, "bob": {**ALL_MET, "s7": "not_met"}}, EIGHT_STEPS, 80,
                                benchmark="bob")
    record = rater_record([first.comparisons["ann"], second.comparisons["ann"]])
    assert (record.sessions, record.benchmark_sessions, record.steps_compared) == (2, 2, 11)
    assert record.step_agreement == pytest.approx(9 / 11)  # 2 of 3, then 7 of 8
    assert record.mean_difference == Fraction(30 + Fraction(25, 2), 2)  # +30, then 100 - 87.5
    assert record.mean_absolute_difference == record.mean_difference
    assert record.pass_fail_agreement == 0.5  # ann passes both; bob fails the first, passes the second


def test_fleiss_kappa_agrees_with_statsmodels():
    # bro computes kappa itself (statsmodels would cost a web worker ~115 MB); statsmodels is the reference.
    import random

    import numpy as np
    from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss_kappa

    assert fleiss_kappa(WIKIPEDIA_TABLE) == pytest.approx(statsmodels_fleiss_kappa(np.array(WIKIPEDIA_TABLE)))
    rng = random.Random(11)
    for _ in range(50):
        raters, categories = rng.randint(2, 6), rng.randint(2, 4)
        table = []
        for _subject in range(rng.randint(2, 12)):
            row = [0] * categories
            for _rater in range(raters):
                row[rng.randrange(categories)] += 1
            table.append(row)
        ours = fleiss_kappa(table)
        if ours is not None:
            assert ours == pytest.approx(statsmodels_fleiss_kappa(np.array(table), method="fleiss"))

"""Scoring rules of DESIGN.md, "Scoring rules (exact)"."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bro.scoring import (
    CRITICAL_ALLOWED,
    InvalidAudit,
    InvalidQuiz,
    Rating,
    StepSpec,
    display_score,
    score_audit,
    score_quiz,
)

GREET = StepSpec("greet", weight=1)
NEEDS = StepSpec("needs", weight=3)
OFFER = StepSpec("offer", weight=2)
ID_CHECK = StepSpec("id_check", weight=1, critical=True)
STANDARD = [GREET, NEEDS, OFFER, ID_CHECK]


def ratings(greet="met", needs="met", offer="met", id_check="met"):
    return {"greet": greet, "needs": needs, "offer": offer, "id_check": id_check}


@pytest.mark.parametrize(
    ("given", "expected_score"),
    [
        # all met: 7/7
        (ratings(), 100.0),
        # weights: needs (3) not met -> 4/7
        (ratings(needs="not_met"), 100 * 4 / 7),
        # partial earns half the weight: offer partial -> (1 + 3 + 1 + 1)/7
        (ratings(offer="partial"), 100 * 6 / 7),
        # na leaves numerator and denominator: offer na, needs not_met -> 2/5
        (ratings(offer="na", needs="not_met"), 40.0),
        # everything but one step na -> that step alone decides
        (ratings(greet="partial", needs="na", offer="na", id_check="na"), 50.0),
        (ratings(greet="not_met", needs="not_met", offer="not_met", id_check="not_met"), 0.0),
    ],
)
def test_audit_score_is_weighted_credit_over_applicable_weight(given, expected_score):
    assert score_audit(STANDARD, given, pass_score=80).score == pytest.approx(expected_score)


def test_score_is_unrounded():
    result = score_audit(STANDARD, ratings(needs="not_met"), pass_score=50)
    assert result.score == float(Fraction(400, 7))


def test_critical_step_not_met_fails_audit_even_at_full_score():
    # id_check weighs nothing, so the score is 100 with the critical step failed.
    steps = [GREET, StepSpec("id_check", weight=0, critical=True)]
    result = score_audit(steps, {"greet": "met", "id_check": "not_met"}, pass_score=80)
    assert result.score == 100.0
    assert result.passed is False
    assert result.critical_failed == ("id_check",)


def test_critical_step_not_met_fails_audit_above_pass_score():
    result = score_audit(STANDARD, ratings(id_check="not_met"), pass_score=80)
    assert result.score == pytest.approx(100 * 6 / 7)
    assert result.passed is False


def test_critical_step_na_does_not_fail_audit():
    result = score_audit(STANDARD, ratings(id_check="na"), pass_score=80)
    assert result.passed is True
    assert result.critical_failed == ()


def test_score_exactly_at_pass_score_passes():
    # 100 x 6/7 is a repeating fraction: only exact arithmetic makes it equal.
    result = score_audit(STANDARD, ratings(offer="partial"), pass_score=Fraction(600, 7))
    assert result.passed is True


def test_score_exactly_at_decimal_pass_score_passes():
    # 20 steps weighing 0.1, 17 met: exactly 85%, although 0.1 is inexact in
    # binary and a float sum would land a hair off.
    steps = [StepSpec(f"s{i}", weight=0.1) for i in range(20)]
    given = {f"s{i}": "met" if i < 17 else "not_met" for i in range(20)}
    result = score_audit(steps, given, pass_score=85)
    assert result.score == 85.0
    assert result.passed is True


def test_score_just_below_pass_score_fails():
    result = score_audit(STANDARD, ratings(offer="partial"), pass_score=Decimal("85.8"))
    assert result.score == pytest.approx(85.714, abs=1e-3)
    assert result.passed is False


def test_partial_and_not_met_steps_are_nonconforming_in_standard_order():
    result = score_audit(STANDARD, ratings(offer="not_met", greet="partial", needs="na"), 0)
    assert result.nonconforming == ("greet", "offer")


def test_all_na_audit_is_rejected():
    with pytest.raises(InvalidAudit, match="no step is applicable"):
        score_audit(STANDARD, ratings("na", "na", "na", "na"), pass_score=80)


def test_partial_on_critical_step_is_rejected():
    with pytest.raises(InvalidAudit, match="'id_check' is critical"):
        score_audit(STANDARD, ratings(id_check="partial"), pass_score=80)


def test_missing_rating_is_rejected():
    given = ratings()
    del given["offer"]
    with pytest.raises(InvalidAudit, match="'offer' has no rating"):
        score_audit(STANDARD, given, pass_score=80)


def test_unknown_rating_is_rejected_with_the_allowed_values():
    with pytest.raises(InvalidAudit, match="unknown rating 'good'.*met, partial, not_met, na"):
        score_audit(STANDARD, ratings(greet="good"), pass_score=80)


def test_rating_for_a_step_outside_the_standard_is_rejected():
    with pytest.raises(InvalidAudit, match="'smile', which is not a step"):
        score_audit(STANDARD, {**ratings(), "smile": "met"}, pass_score=80)


def test_invalid_audit_lists_every_problem():
    given = {"greet": "good", "needs": "met", "id_check": "partial"}
    with pytest.raises(InvalidAudit) as raised:
        score_audit(STANDARD, given, pass_score=80)
    assert len(raised.value.problems) == 3


def test_rating_enum_values_are_accepted_like_strings():
    given = {key: Rating(value) for key, value in ratings(offer="partial").items()}
    assert score_audit(STANDARD, given, 80).score == pytest.approx(100 * 6 / 7)


def test_critical_steps_allow_only_met_not_met_na():
    assert CRITICAL_ALLOWED == {Rating.MET, Rating.NOT_MET, Rating.NA}


@pytest.mark.parametrize(
    ("score", "shown"),
    [
        (84.95, "85.0"),
        (84.94, "84.9"),
        (84.05, "84.1"),  # binary 84.05 is 84.0499...: read as the decimal it was meant
        (100, "100.0"),
        (0, "0.0"),
        (Fraction(400, 7), "57.1"),
        (Fraction(1699, 20), "85.0"),
        (Decimal("66.65"), "66.7"),
    ],
)
def test_display_score_rounds_half_up_to_one_decimal(score, shown):
    assert display_score(score) == shown


def test_audit_score_display_property():
    assert score_audit(STANDARD, ratings(needs="not_met"), 50).display == "57.1"


def test_quiz_score_is_points_earned_over_possible():
    result = score_quiz([(2, True), (1, False), (1, True)], pass_mark=75)
    assert (result.earned, result.possible, result.score, result.passed) == (3, 4, 75.0, True)


def test_quiz_exactly_at_pass_mark_passes():
    # 2 of 3 = 66.666...%: equal to the mark only in exact arithmetic
    result = score_quiz([(1, True), (1, True), (1, False)], pass_mark=Fraction(200, 3))
    assert result.passed is True


def test_quiz_below_pass_mark_fails():
    assert score_quiz([(1, True), (1, False)], pass_mark=50.1).passed is False


def test_quiz_with_fractional_points_reports_float_totals():
    result = score_quiz([(0.5, True), (1.5, False)], pass_mark=20)
    assert (result.earned, result.possible, result.score) == (0.5, 2, 25.0)


def test_quiz_without_points_is_rejected():
    with pytest.raises(InvalidQuiz, match="no points"):
        score_quiz([], pass_mark=50)


# Properties over any valid audit -------------------------------------------

_step_and_rating = st.tuples(
    st.integers(min_value=1, max_value=5),
    st.booleans(),
    st.sampled_from(["met", "partial", "not_met", "na"]),
)


@given(st.lists(_step_and_rating, min_size=1, max_size=8), st.integers(0, 100))
def test_any_valid_audit_scores_between_0_and_100_and_passes_by_the_rules(rows, pass_score):
    steps = [StepSpec(f"s{i}", weight, critical) for i, (weight, critical, _) in enumerate(rows)]
    given_ratings = {
        f"s{i}": ("not_met" if critical and rating == "partial" else rating)
        for i, (_, critical, rating) in enumerate(rows)
    }
    if all(rating == "na" for rating in given_ratings.values()):
        with pytest.raises(InvalidAudit):
            score_audit(steps, given_ratings, pass_score)
        return
    result = score_audit(steps, given_ratings, pass_score)
    assert 0.0 <= result.score <= 100.0
    assert result.passed == (result.score >= pass_score and not result.critical_failed)
    assert set(result.critical_failed) <= set(result.nonconforming)


# --- one rounding: exact scores, the truncated SQL key ----------------------------------------------------------

from fractions import Fraction as _Fraction  # noqa: E402

from bro.scoring import exact_score, score_key  # noqa: E402


def test_ninety_one_and_ten_show_95_0_from_the_exact_score():
    result = score_audit([StepSpec("big", 91), StepSpec("small", 10)], {"big": "met", "small": "partial"}, 80)
    assert (result.earned, result.possible, result.exact) == (96, 101, _Fraction(9600, 101))
    assert result.display == display_score(result.exact) == "95.0"


@pytest.mark.parametrize("value, shown", [
    (_Fraction(1901, 20), "95.1"),  # exactly 95.05: half-up
    (_Fraction(9600, 101), "95.0"),  # 95.0495...
    (_Fraction(-1, 20), "-0.1"),  # half away from zero
    (_Fraction(-1, 100), "0.0"),  # never "-0.0"
])
def test_display_of_an_exact_fraction_rounds_half_up_once(value, shown):
    assert display_score(value) == shown


@pytest.mark.parametrize("value", [_Fraction(9600, 101), _Fraction(1901, 20), _Fraction(200, 3), _Fraction(1, 7),
                                   _Fraction(100), _Fraction(0), _Fraction(189999, 2000)])
def test_the_truncated_score_key_rounds_for_display_like_the_exact_score(value):
    assert display_score(score_key(value)) == display_score(value)
    assert _Fraction(score_key(value)) <= value < _Fraction(score_key(value)) + _Fraction(1, 1000)


def test_exact_score_from_stored_sums():
    from decimal import Decimal

    assert exact_score(Decimal("96.0000"), Decimal("101.0000")) == _Fraction(9600, 101)
    assert exact_score(Decimal("0"), Decimal("0")) is None

"""Quiz item analysis against a small hand-computed example."""

import math
from fractions import Fraction

import pytest

from bro.quality import AttemptItems, item_analysis
from bro.quality.items import FLAG_THRESHOLDS, FlagThresholds, common_wrong_answers, upper_lower_index

# The flag rules alone, without the minimum number of attempts (tested on its own below).
ANY_N = FlagThresholds(min_attempts=0)

#            q1 q2 q3   total (points, 1 per question)
#   A         1  0  1   2
#   B         1  0  1   2
#   C         1  1  1   3
#   D         0  1  0   1
#   E         0  1  0   1
ATTEMPTS = [
    AttemptItems(2, {"q1": True, "q2": False, "q3": True}, {"q2": ("a",)}),
    AttemptItems(2, {"q1": True, "q2": False, "q3": True}, {"q2": ("a",)}),
    AttemptItems(3, {"q1": True, "q2": True, "q3": True}, {"q2": ("b",)}),
    AttemptItems(1, {"q1": False, "q2": True, "q3": False}, {"q2": ("b",)}),
    AttemptItems(1, {"q1": False, "q2": True, "q3": False}, {"q2": ("b", "c")}),
]


def stats_by_question(responses, thresholds=FLAG_THRESHOLDS):
    return {stats.question: stats for stats in item_analysis(responses, thresholds)}


def test_difficulty_is_the_share_answering_correctly():
    stats = stats_by_question(ATTEMPTS)
    assert [stats[q].difficulty for q in ("q1", "q2", "q3")] == [0.6, 0.6, 0.6]
    assert stats["q1"].n == 5


def test_discrimination_is_point_biserial_with_the_rest_score():
    # q1: x = 1 1 1 0 0, rest = q2 + q3 = 1 1 2 1 1; means 0.6 and 1.2
    #     Sxy = 0.4·(−0.2 − 0.2 + 0.8) + (−0.6)·(−0.2 − 0.2) = 0.16 + 0.24 = 0.4
    #     Sxx = 3·0.16 + 2·0.36 = 1.2; Syy = 4·0.04 + 0.64 = 0.8
    #     r = 0.4/√(1.2 × 0.8) = 1/√6 ≈ 0.408
    # q2: x = 0 0 1 1 1, rest = q1 + q3 = 2 2 2 0 0; means 0.6 and 1.2
    #     Sxy = −0.48 − 0.48 + 0.32 − 0.48 − 0.48 = −1.6; Sxx = 1.2; Syy = 4.8
    #     r = −1.6/√5.76 = −2/3
    stats = stats_by_question(ATTEMPTS)
    assert stats["q1"].discrimination == pytest.approx(1 / math.sqrt(6))
    assert stats["q2"].discrimination == pytest.approx(-2 / 3)


def test_upper_lower_index_compares_top_and_bottom_27_percent():
    # 27% of 5 = 1.35 -> groups of 1. Ascending by total: D(1) E(1) A(2) B(2) C(3);
    # lower = D and E tied for one place (1/2 each), upper = C.
    # q1: C right, D and E wrong -> 1.0; q2: all three right -> 0.0
    stats = stats_by_question(ATTEMPTS)
    assert stats["q1"].upper_lower_index == 1.0
    assert stats["q2"].upper_lower_index == 0.0


def test_upper_lower_groups_round_27_percent_half_up():
    # 27% of 6 = 1.62 -> groups of 2: lowest two both wrong, highest two both right
    attempts = [AttemptItems(score, {"q": score >= 50}) for score in (10, 20, 40, 60, 80, 90)]
    assert stats_by_question(attempts)["q"].upper_lower_index == 1.0


def test_option_counts_count_every_option_chosen():
    assert stats_by_question(ATTEMPTS)["q2"].option_counts == {"a": 2, "b": 3, "c": 1}
    assert stats_by_question(ATTEMPTS)["q1"].option_counts == {}


def test_negative_discrimination_is_flagged():
    stats = stats_by_question(ATTEMPTS, ANY_N)
    assert stats["q2"].flags == ("negative_discrimination",)
    assert stats["q1"].flags == ()


def test_item_everyone_gets_right_is_too_easy_without_discrimination():
    attempts = [AttemptItems(100, {"easy": True, "other": ok}) for ok in (True, False, True)]
    easy = stats_by_question(attempts, ANY_N)["easy"]
    assert easy.flags == ("too_easy",)
    assert easy.discrimination is None


@pytest.mark.parametrize(
    ("correct", "of", "flags"),
    [
        (9, 10, ()),  # difficulty 0.9 is not above 0.9
        (10, 10, ("too_easy",)),
        (2, 10, ()),  # 0.2 is not below 0.2
        (1, 10, ("too_hard",)),
    ],
)
def test_difficulty_flags_are_strict_at_their_boundaries(correct, of, flags):
    attempts = [AttemptItems(50, {"q": i < correct}) for i in range(of)]
    assert stats_by_question(attempts, ANY_N)["q"].flags == flags


def test_questions_keep_their_first_appearance_order_and_own_n():
    attempts = [AttemptItems(1, {"b": True}), AttemptItems(2, {"a": True, "b": False})]
    stats = item_analysis(attempts)
    assert [(s.question, s.n) for s in stats] == [("b", 2), ("a", 1)]
    assert stats[1].upper_lower_index is None


# --- evidence before flags, points, ties, wrong answers ------------------------------------------------------


def test_nine_attempts_show_figures_but_no_flag():
    # The example: with n = 9 a negative correlation is no evidence of a broken question.
    attempts = [AttemptItems(score, {"q": score < 50, "r": score >= 50}) for score in range(10, 100, 10)]
    stats = stats_by_question(attempts)["q"]
    assert stats.n == 9 and stats.discrimination < 0
    assert stats.flags == () and stats.judged is False


def test_thirty_attempts_are_enough_to_flag():
    attempts = [AttemptItems(score, {"q": score < 50, "r": score >= 50}) for score in range(0, 100, 10)] * 3
    stats = stats_by_question(attempts)["q"]
    assert (stats.n, stats.judged) == (30, True)
    assert "negative_discrimination" in stats.flags


def test_flag_thresholds_live_in_one_place():
    assert (FLAG_THRESHOLDS.min_attempts, FLAG_THRESHOLDS.too_easy_above, FLAG_THRESHOLDS.too_hard_below,
            FLAG_THRESHOLDS.discrimination_below) == (30, 0.9, 0.2, 0.0)


def test_the_rest_score_counts_points_not_questions():
    # q is right exactly when the 3-point question is right; the two 1-point questions go the other way.
    # Counting questions, rest is 2 when q is wrong and 1 when right: r < 0. Counting points, 2 vs 3: r > 0.
    right = AttemptItems(80, {"q": True, "big": True, "a": False, "b": False}, points={"q": 1, "big": 3})
    wrong = AttemptItems(40, {"q": False, "big": False, "a": True, "b": True}, points={"a": 1, "b": 1})
    stats = stats_by_question([right, wrong, right, wrong])["q"]
    assert stats.discrimination == pytest.approx(1.0)


def test_ties_at_the_cut_off_share_the_places_whatever_the_order():
    # 8 attempts: group of 2 (27% of 8 = 2.16). Three tie at the lowest score 10 for the two lower places,
    # one of them right: the lower group holds 2/3 of a correct answer, in every order.
    scored = [(10, True), (10, False), (10, False), (50, True), (60, False), (70, True), (90, True), (90, True)]
    expected = (2 - Fraction(2, 3)) / 2
    assert upper_lower_index(scored) == pytest.approx(float(expected))
    assert upper_lower_index(list(reversed(scored))) == upper_lower_index(scored)
    assert upper_lower_index(sorted(scored, key=lambda pair: (pair[0], not pair[1]))) == upper_lower_index(scored)


def test_common_wrong_answers_merge_what_the_scorer_treats_alike():
    answers = [("3,000", "3,000", 4), ("3000", "3000", 1), ("rumour", "Rumour", 2), ("rumour", "rumour ", 3),
               ("a", "a", 1), ("b", "b", 1), ("c", "c", 1), ("d", "d", 1), ("", "", 7)]
    top = common_wrong_answers(answers)
    assert [(w.normalized, w.shown, w.count) for w in top] == [
        ("rumour", "rumour ", 5), ("3,000", "3,000", 4), ("3000", "3000", 1), ("a", "a", 1), ("b", "b", 1)]

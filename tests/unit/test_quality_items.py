"""Quiz item analysis against a small hand-computed example."""

import math

import pytest

from bro.quality import AttemptItems, item_analysis

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


def stats_by_question(responses):
    return {stats.question: stats for stats in item_analysis(responses)}


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
    # 27% of 5 = 1.35 -> groups of 1. Ascending by total (ties keep input
    # order): D(1) E(1) A(2) B(2) C(3); lower = D, upper = C.
    # q1: C right, D wrong -> 1.0; q2: both right -> 0.0
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
    stats = stats_by_question(ATTEMPTS)
    assert stats["q2"].flags == ("negative_discrimination",)
    assert stats["q1"].flags == ()


def test_item_everyone_gets_right_is_too_easy_without_discrimination():
    attempts = [AttemptItems(100, {"easy": True, "other": ok}) for ok in (True, False, True)]
    easy = stats_by_question(attempts)["easy"]
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
    assert stats_by_question(attempts)["q"].flags == flags


def test_questions_keep_their_first_appearance_order_and_own_n():
    attempts = [AttemptItems(1, {"b": True}), AttemptItems(2, {"a": True, "b": False})]
    stats = item_analysis(attempts)
    assert [(s.question, s.n) for s in stats] == [("b", 2), ("a", 1)]
    assert stats[1].upper_lower_index is None

"""Outcome comparisons: Fisher's exact, two-proportion z and Welch's t-test."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bro.quality import compare_means, compare_rates, fisher_exact, two_proportion_z_test
from bro.quality.outcomes import regularized_incomplete_beta, student_t_two_sided_p


def test_fisher_exact_reference_value():
    # margins: rows 10 and 6, first column 9, N = 16; P(a = x) ∝ C(10, x)·C(6, 9 − x)
    # x = 3..9 -> 120, 1260, 3780, 4200, 1800, 270, 10 (sum 11440 = C(16, 9))
    # observed x = 8 (270); tables no more likely: 120 + 270 + 10 = 400
    # p = 400/11440 = 0.034965 (scipy.stats.fisher_exact: 0.03496503...)
    assert fisher_exact([[8, 2], [1, 5]]) == pytest.approx(400 / 11440, rel=1e-12)


def test_fisher_exact_symmetric_table():
    # rows 4 and 4, column 4: weights C(4,x)·C(4,4−x) = 1, 16, 36, 16, 1 (sum 70)
    # observed x = 3 (16): 1 + 16 + 16 + 1 = 34 -> p = 34/70
    assert fisher_exact([[3, 1], [1, 3]]) == pytest.approx(34 / 70, rel=1e-12)


def test_fisher_exact_lady_tasting_tea_style_table():
    # scipy.stats.fisher_exact([[1, 9], [11, 3]]).pvalue == 0.0027594561852200836
    assert fisher_exact([[1, 9], [11, 3]]) == pytest.approx(0.0027594561852200836, rel=1e-12)


def test_two_proportion_z_test_reference_value():
    # 30/50 vs 20/50: pooled 0.5, se = √(0.25 × (1/50 + 1/50)) = 0.1, z = 0.2/0.1 = 2
    # two-sided p = erfc(2/√2) = 0.0455003
    assert two_proportion_z_test(30, 50, 20, 50) == pytest.approx(math.erfc(math.sqrt(2)))
    assert two_proportion_z_test(30, 50, 20, 50) == pytest.approx(0.0455003, abs=1e-7)


def test_two_proportion_z_test_with_no_variation_gives_p_one():
    assert two_proportion_z_test(0, 10, 0, 20) == 1.0


def test_compare_rates_uses_fisher_for_small_expected_counts():
    result = compare_rates(8, 10, 1, 6)
    assert result.test == "fisher_exact"
    assert result.p_value == pytest.approx(400 / 11440)
    assert result.diff == pytest.approx(0.8 - 1 / 6)


def test_compare_rates_uses_z_test_for_large_counts():
    result = compare_rates(30, 50, 20, 50)
    assert (result.rate_a, result.rate_b, result.test) == (0.6, 0.4, "two_proportion_z")
    assert result.diff == pytest.approx(0.2)
    assert result.p_value == pytest.approx(0.0455003, abs=1e-7)


def test_compare_rates_with_an_empty_group_has_no_p_value():
    result = compare_rates(3, 5, 0, 0)
    assert (result.rate_a, result.rate_b, result.diff, result.p_value) == (0.6, None, None, None)


def test_compare_rates_rejects_more_successes_than_observations():
    with pytest.raises(ValueError, match="0 <= successes <= n"):
        compare_rates(6, 5, 1, 5)


@pytest.mark.parametrize("t", [0.0, 0.5, 1.0, 2.0, 6.3, 40.0])
def test_t_p_value_matches_closed_forms_for_one_and_two_degrees_of_freedom(t):
    # df = 1 is the Cauchy distribution: p = 1 − 2·atan(t)/π
    assert student_t_two_sided_p(t, 1) == pytest.approx(1 - 2 * math.atan(t) / math.pi, abs=1e-12)
    # df = 2: p = 1 − t/√(2 + t²)
    assert student_t_two_sided_p(t, 2) == pytest.approx(1 - t / math.sqrt(2 + t * t), abs=1e-12)


def test_t_p_value_matches_the_textbook_critical_value():
    # t(0.975; 10) = 2.228 in printed tables
    assert student_t_two_sided_p(2.228, 10) == pytest.approx(0.05, abs=1e-4)


def test_incomplete_beta_is_symmetric():
    x, a, b = 0.3, 2.5, 4.0
    assert regularized_incomplete_beta(x, a, b) == pytest.approx(
        1 - regularized_incomplete_beta(1 - x, b, a), abs=1e-14
    )


def test_welch_t_test_hand_computed():
    # means 2 and 4, variances 1 and 1, n = 3 each: se² = 2/3, t = −2/√(2/3) = −√6
    # df = (2/3)² / ((1/3)²/2 · 2) = 4; for df = 4, with sin²θ = t²/(4 + t²) = 0.6:
    # p = 1 − sinθ·(1 + cos²θ/2) = 1 − √0.6 × 1.2 = 0.0704840
    result = compare_means([1, 2, 3], [3, 4, 5])
    assert result.diff == -2.0
    assert result.t == pytest.approx(-math.sqrt(6))
    assert result.df == pytest.approx(4.0)
    assert result.p_value == pytest.approx(1 - math.sqrt(0.6) * 1.2, abs=1e-12)


def test_welch_t_test_unequal_sizes_matches_scipy():
    # scipy 1.17.1 ttest_ind(a, b, equal_var=False): t = −3.4225309841120377,
    # df = 8.894318296432717, p = 0.007730750568055419
    result = compare_means([3.1, 2.4, 5.6, 4.4, 3.3, 2.9], [5.2, 6.1, 4.8, 7.0, 5.5])
    assert result.t == pytest.approx(-3.4225309841120377, rel=1e-12)
    assert result.df == pytest.approx(8.894318296432717, rel=1e-12)
    assert result.p_value == pytest.approx(0.007730750568055419, rel=1e-9)


def test_welch_t_test_without_variance_has_no_p_value():
    result = compare_means([5, 5, 5], [5, 5])
    assert (result.diff, result.t, result.p_value) == (0.0, None, None)


def test_welch_t_test_needs_two_values_per_group():
    result = compare_means([4], [3, 5])
    assert (result.mean_a, result.mean_b, result.p_value) == (4.0, 4.0, None)


@given(st.lists(st.integers(0, 12), min_size=4, max_size=4))
def test_fisher_p_value_is_a_probability_and_symmetric_in_rows(cells):
    a, b, c, d = cells
    p = fisher_exact([[a, b], [c, d]])
    assert 0.0 < p <= 1.0
    assert fisher_exact([[c, d], [a, b]]) == pytest.approx(p)

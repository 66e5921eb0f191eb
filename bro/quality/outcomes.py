"""Do the steps of the standard move outcomes? Rate and mean comparisons.

Standard library only: the two-proportion z-test uses the normal tail
(``math.erfc``), Fisher's exact test sums hypergeometric probabilities with
exact integers (``math.comb``), and Welch's t-test takes its p-value from the
t distribution through a regularized incomplete beta function (continued
fraction, Numerical Recipes §6.4), so no normal approximation is needed at
any degrees of freedom.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

__all__ = [
    "FISHER",
    "WELCH",
    "Z_TEST",
    "MeanComparison",
    "RateComparison",
    "compare_means",
    "compare_rates",
    "fisher_exact",
    "regularized_incomplete_beta",
    "student_t_two_sided_p",
    "two_proportion_z_test",
]

Z_TEST = "two_proportion_z"
FISHER = "fisher_exact"
WELCH = "welch_t"


@dataclass(frozen=True)
class RateComparison:
    """Group a vs group b; ``diff`` = rate_a − rate_b. Rates are None for an
    empty group, and then ``diff``, ``p_value`` and ``test`` are None too."""

    success_a: int
    n_a: int
    rate_a: float | None
    success_b: int
    n_b: int
    rate_b: float | None
    diff: float | None
    p_value: float | None
    test: str | None


@dataclass(frozen=True)
class MeanComparison:
    """Welch's t-test of mean_a vs mean_b; ``diff`` = mean_a − mean_b.
    ``t``, ``df`` and ``p_value`` are None when not computable (a group with
    fewer than two values, or no variance in either group)."""

    n_a: int
    mean_a: float | None
    n_b: int
    mean_b: float | None
    diff: float | None
    t: float | None
    df: float | None
    p_value: float | None
    test: str = WELCH


def _check_counts(success: int, n: int, name: str) -> None:
    if n < 0 or not 0 <= success <= n:
        raise ValueError(f"group {name}: need 0 <= successes <= n, got {success} of {n}")


def two_proportion_z_test(success_a: int, n_a: int, success_b: int, n_b: int) -> float:
    """Two-sided p-value of the pooled two-proportion z-test.

    When the pooled rate is 0 or 1 both rates are equal and the p-value is 1.
    """
    _check_counts(success_a, n_a, "a")
    _check_counts(success_b, n_b, "b")
    if n_a == 0 or n_b == 0:
        raise ValueError("both groups need at least one observation")
    pooled = Fraction(success_a + success_b, n_a + n_b)
    variance = pooled * (1 - pooled) * (Fraction(1, n_a) + Fraction(1, n_b))
    if variance == 0:
        return 1.0
    diff = Fraction(success_a, n_a) - Fraction(success_b, n_b)
    z = math.sqrt(diff * diff / variance)
    return math.erfc(z / math.sqrt(2))


def fisher_exact(table: Sequence[Sequence[int]]) -> float:
    """Two-sided p-value of Fisher's exact test for a 2x2 table
    ``[[a, b], [c, d]]``: the total probability (margins fixed) of every table
    no more likely than the one observed. Computed with exact integers."""
    (a, b), (c, d) = table
    if min(a, b, c, d) < 0:
        raise ValueError("table counts must not be negative")
    row1, row2, col1 = a + b, c + d, a + c
    low, high = max(0, col1 - row2), min(row1, col1)

    def weight(x: int) -> int:  # proportional to P(a = x); common denominator C(N, col1)
        return math.comb(row1, x) * math.comb(row2, col1 - x)

    observed = weight(a)
    total = sum(weight(x) for x in range(low, high + 1))
    extreme = sum(w for x in range(low, high + 1) if (w := weight(x)) <= observed)
    return min(1.0, float(Fraction(extreme, total)))


def compare_rates(
    success_a: int, n_a: int, success_b: int, n_b: int, test: str = "auto"
) -> RateComparison:
    """Compare two rates (e.g. retained at 90 days for passed vs failed audits).

    ``test="auto"`` uses Fisher's exact test when any expected cell count of
    the 2x2 table is below 5, the two-proportion z-test otherwise; pass
    ``FISHER`` or ``Z_TEST`` to choose.
    """
    _check_counts(success_a, n_a, "a")
    _check_counts(success_b, n_b, "b")
    rate_a = success_a / n_a if n_a else None
    rate_b = success_b / n_b if n_b else None
    if rate_a is None or rate_b is None:
        return RateComparison(success_a, n_a, rate_a, success_b, n_b, rate_b, None, None, None)

    if test == "auto":
        total, successes = n_a + n_b, success_a + success_b
        expected = [
            Fraction(n * column, total)
            for n in (n_a, n_b)
            for column in (successes, total - successes)
        ]
        test = FISHER if min(expected) < 5 else Z_TEST
    if test == FISHER:
        p_value = fisher_exact([[success_a, n_a - success_a], [success_b, n_b - success_b]])
    elif test == Z_TEST:
        p_value = two_proportion_z_test(success_a, n_a, success_b, n_b)
    else:
        raise ValueError(f"unknown test {test!r} (use 'auto', {FISHER!r} or {Z_TEST!r})")
    return RateComparison(
        success_a, n_a, rate_a, success_b, n_b, rate_b, rate_a - rate_b, p_value, test
    )


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 1000):
        m2 = 2 * m
        for numerator in (
            m * (b - m) * x / ((a - 1.0 + m2) * (a + m2)),
            -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1.0 + m2)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            step = c * d
            result *= step
        if abs(step - 1.0) < 1e-15:
            break
    return result


def regularized_incomplete_beta(x: float, a: float, b: float) -> float:
    """I_x(a, b) for a, b > 0 and 0 <= x <= 1."""
    if not 0.0 <= x <= 1.0:
        raise ValueError(f"x must lie in [0, 1], got {x}")
    if x in (0.0, 1.0):
        return x
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
        + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_continued_fraction(a, b, x) / a
    return 1.0 - front * _beta_continued_fraction(b, a, 1.0 - x) / b


def student_t_two_sided_p(t: float, df: float) -> float:
    """P(|T| >= |t|) for Student's t with ``df`` degrees of freedom."""
    if df <= 0:
        raise ValueError("degrees of freedom must be positive")
    if math.isinf(t):
        return 0.0
    return regularized_incomplete_beta(df / (df + t * t), df / 2.0, 0.5)


def _mean_and_variance(values: Sequence[float]) -> tuple[float | None, float | None]:
    n = len(values)
    if n == 0:
        return None, None
    mean = math.fsum(values) / n
    if n < 2:
        return mean, None
    return mean, math.fsum((v - mean) ** 2 for v in values) / (n - 1)


def compare_means(a: Sequence[float], b: Sequence[float]) -> MeanComparison:
    """Welch's unequal-variances t-test (two-sided), e.g. CSAT or order value
    for passed vs failed audits."""
    mean_a, var_a = _mean_and_variance(a)
    mean_b, var_b = _mean_and_variance(b)
    diff = mean_a - mean_b if mean_a is not None and mean_b is not None else None
    t = df = p_value = None
    if var_a is not None and var_b is not None:
        share_a, share_b = var_a / len(a), var_b / len(b)
        se_squared = share_a + share_b
        if se_squared > 0:
            t = diff / math.sqrt(se_squared)
            df = se_squared**2 / (share_a**2 / (len(a) - 1) + share_b**2 / (len(b) - 1))
            p_value = student_t_two_sided_p(t, df)
    return MeanComparison(len(a), mean_a, len(b), mean_b, diff, t, df, p_value)

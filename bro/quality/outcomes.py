"""Outcomes and steps: adjusted differences with 95 % intervals, and p-values corrected over the page.

For each outcome (CSAT, order value, and the yes/no outcomes as 0/1) one least-squares regression is fitted
on every audit whose outcome is known:

    outcome ~ 1 + passed + team indicators + for every step: nonconforming + not applicable

so a step's coefficient is the difference between audits that missed it and audits that met it *among
audits with the same overall pass, team and other steps*. For yes/no outcomes this is the linear
probability model: the coefficient is a difference in rates (in points), for CSAT and order value a
difference in means, in the outcome's own units. Passed vs failed is the same model with ``passed`` and
the teams only. Standard errors are heteroskedasticity-consistent (HC3, MacKinnon & White 1985), which
a 0/1 outcome needs; intervals and p-values use Student's t with the residual degrees of freedom.

Every test on the page is one family: Holm's step-down correction by default, Benjamini–Hochberg (false
discovery rate) as the exploratory choice. Only an adjusted p below 0.05 counts as a finding, and a
comparison with fewer than ``MIN_EVENTS`` events in a group is not tested at all ("too few").

numpy does the linear algebra and scipy's t kernels (``bro.quality.kernels``) the t distribution, imported
inside the functions; the results equal statsmodels' ``OLS(...).fit(cov_type="HC3", use_t=True)`` and
``multipletests`` (the tests check this), which are not imported at run time because statsmodels brings pandas
and ~75 MB per worker.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace

__all__ = [
    "BH",
    "HOLM",
    "MEAN",
    "MIN_EVENTS",
    "RATE",
    "OutcomeAudit",
    "OutcomeEstimate",
    "OutcomeEvidence",
    "StepEstimates",
    "adjust_p_values",
    "fisher_exact",
    "outcome_evidence",
]

HOLM, BH = "holm", "fdr_bh"
RATE, MEAN = "rate", "mean"
MIN_EVENTS = 10
ALPHA = 0.05


@dataclass(frozen=True)
class OutcomeAudit:
    """One audit with outcomes. ``steps``: step key -> True (nonconforming), False (met), None (n.a.).
    ``outcomes``: name -> value (yes/no as bool), None when unknown."""

    team: Hashable
    staff: Hashable
    passed: bool
    steps: Mapping[str, bool | None]
    outcomes: Mapping[str, float | bool | None]


@dataclass(frozen=True)
class OutcomeEstimate:
    """Group a (passed / step met) vs group b (failed / step nonconforming) on one outcome.

    ``value_a``/``value_b``: the raw rate or mean of each group; ``events_*``: for a rate the rarer of
    yes and no, for a mean the number of values. ``diff``: the adjusted difference a − b with its 95 %
    interval; ``p_value`` raw, ``p_adjusted`` over the page. ``too_few``: a group had fewer than
    MIN_EVENTS events, so nothing was estimated or tested.
    """

    outcome: str
    kind: str
    n_a: int
    n_b: int
    value_a: float | None
    value_b: float | None
    events_a: int
    events_b: int
    staff_a: int
    staff_b: int
    diff: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    p_adjusted: float | None = None

    @property
    def too_few(self) -> bool:
        return min(self.events_a, self.events_b) < MIN_EVENTS or self.p_value is None

    @property
    def finding(self) -> bool:
        return self.p_adjusted is not None and self.p_adjusted < ALPHA


@dataclass(frozen=True)
class StepEstimates:
    step_key: str
    rows: list[OutcomeEstimate]

    @property
    def finding(self) -> bool:
        return any(row.finding for row in self.rows)


@dataclass(frozen=True)
class OutcomeEvidence:
    passed: list[OutcomeEstimate]
    steps: list[StepEstimates]
    correction: str
    tests: int
    audits: int
    staff: int
    excluded: list[str] = field(default_factory=list)

    @property
    def findings(self) -> int:
        return sum(row.finding for row in self.passed) + sum(
            row.finding for step in self.steps for row in step.rows)


def adjust_p_values(p_values: Sequence[float], method: str = HOLM) -> list[float]:
    """Holm's step-down (family-wise error) or Benjamini–Hochberg (false discovery rate) adjusted
    p-values, in the input order (equal to statsmodels ``multipletests(...)[1]``)."""
    import numpy as np

    p = np.asarray(p_values, dtype=float)
    m = p.size
    if m == 0:
        return []
    order = np.argsort(p, kind="stable")
    ranked = p[order]
    if method == HOLM:
        adjusted = np.maximum.accumulate((m - np.arange(m)) * ranked)
    elif method == BH:
        adjusted = np.minimum.accumulate(m / np.arange(m, 0, -1) * ranked[::-1])[::-1]
    else:
        raise ValueError(f"unknown correction {method!r} (use {HOLM!r} or {BH!r})")
    result = np.empty(m)
    result[order] = np.minimum(adjusted, 1.0)
    return [float(value) for value in result]


def _ols_hc3(design, y, columns: Sequence[int]):
    """Coefficients, HC3 standard errors and residual degrees of freedom for the chosen columns."""
    import numpy as np

    x = np.asarray(design, dtype=float)
    n, k = x.shape
    xtx_inv = np.linalg.inv(x.T @ x)
    beta = xtx_inv @ x.T @ y
    residuals = y - x @ beta
    leverage = np.einsum("ij,jk,ik->i", x, xtx_inv, x)
    weights = residuals**2 / np.clip(1.0 - leverage, 1e-12, None) ** 2
    meat = x.T @ (x * weights[:, None])
    covariance = xtx_inv @ meat @ xtx_inv
    columns = list(columns)
    return beta[columns], np.sqrt(np.clip(np.diag(covariance)[columns], 0.0, None)), n - k


def _full_rank(matrix, protected: int):
    """Drop columns (from the last, never the first ``protected``) until the design has full rank:
    a step never skipped, or two steps always missed together, cannot both be estimated."""
    import numpy as np

    keep = list(range(matrix.shape[1]))
    variable = [j for j in keep if j == 0 or np.ptp(matrix[:, j]) > 0]
    keep = variable
    while np.linalg.matrix_rank(matrix[:, keep]) < len(keep):
        droppable = [j for j in keep if j >= protected]
        if not droppable:
            break
        keep.remove(droppable[-1])
    return keep


def _group_summary(values, kind: str) -> tuple[int, float | None, int]:
    n = len(values)
    if not n:
        return 0, None, 0
    mean = sum(values) / n
    if kind == RATE:
        yes = sum(1 for v in values if v)
        return n, mean, min(yes, n - yes)
    return n, mean, n


def _estimate(name, kind, rows_a, rows_b, value_of) -> OutcomeEstimate:
    values_a = [value_of(a) for a in rows_a]
    values_b = [value_of(a) for a in rows_b]
    n_a, mean_a, events_a = _group_summary(values_a, kind)
    n_b, mean_b, events_b = _group_summary(values_b, kind)
    return OutcomeEstimate(name, kind, n_a, n_b, mean_a, mean_b, events_a, events_b,
                           len({a.staff for a in rows_a}), len({a.staff for a in rows_b}))


def _tested(estimate: OutcomeEstimate, coefficient, se, df, sign: float) -> OutcomeEstimate:
    from bro.quality.kernels import kernels

    special = kernels()
    stdtr, stdtrit = special.stdtr, special.stdtrit
    if se is None or not se > 0 or df < 1:
        return estimate
    t = coefficient / se
    p = float(2 * stdtr(df, -abs(t)))
    half = float(stdtrit(df, 0.975)) * se
    diff = sign * coefficient
    return replace(estimate, diff=float(diff), ci_low=float(diff - half), ci_high=float(diff + half), p_value=p)


def outcome_evidence(audits: Sequence[OutcomeAudit], step_keys: Sequence[str],
                     outcomes: Sequence[tuple[str, str]], correction: str = HOLM,
                     min_events: int = MIN_EVENTS) -> OutcomeEvidence:
    """Passed vs failed and, per step, met vs nonconforming, for each (outcome name, RATE or MEAN)."""
    import numpy as np

    audits = list(audits)
    teams = sorted({a.team for a in audits}, key=str)
    passed_rows: list[OutcomeEstimate] = []
    step_rows: dict[str, list[OutcomeEstimate]] = {key: [] for key in step_keys}
    for name, kind in outcomes:
        known = [a for a in audits if a.outcomes.get(name) is not None]

        def value_of(audit, name=name):
            return float(audit.outcomes[name])

        y = np.asarray([value_of(a) for a in known], dtype=float)
        team_columns = [[1.0 if a.team == team else 0.0 for a in known] for team in teams[1:]]
        intercept = [1.0] * len(known)
        passed = [1.0 if a.passed else 0.0 for a in known]

        # Passed vs failed, adjusted for team.
        estimate = _estimate(name, kind, [a for a in known if a.passed], [a for a in known if not a.passed],
                             value_of)
        if min(estimate.events_a, estimate.events_b) >= min_events:
            design = np.column_stack([intercept, passed, *team_columns])
            keep = _full_rank(design, protected=2)
            if 1 in keep:
                (coef,), (se,), df = _ols_hc3(design[:, keep], y, [keep.index(1)])
                estimate = _tested(estimate, coef, se, df, sign=1.0)
        passed_rows.append(estimate)

        # Every step at once, adjusted for pass, team and the other steps.
        step_columns, labels = [], []
        for key in step_keys:
            step_columns.append([1.0 if a.steps.get(key) else 0.0 for a in known])
            step_columns.append([1.0 if a.steps.get(key) is None else 0.0 for a in known])
            labels += [("nc", key), ("na", key)]
        design = np.column_stack([intercept, passed, *team_columns, *step_columns]) if known else None
        fitted: dict[str, tuple[float, float, int]] = {}
        if design is not None and len(known) > design.shape[1]:
            offset = 2 + len(team_columns)
            keep = _full_rank(design, protected=offset)
            wanted = [j for j in keep if j >= offset and labels[j - offset][0] == "nc"]
            if wanted and len(known) > len(keep):
                coefs, ses, df = _ols_hc3(design[:, keep], y, [keep.index(j) for j in wanted])
                for j, coef, se in zip(wanted, coefs, ses):
                    fitted[labels[j - offset][1]] = (coef, se, df)
        for key in step_keys:
            met = [a for a in known if a.steps.get(key) is False]
            missed = [a for a in known if a.steps.get(key) is True]
            estimate = _estimate(name, kind, met, missed, value_of)
            if min(estimate.events_a, estimate.events_b) >= min_events and key in fitted:
                coef, se, df = fitted[key]
                estimate = _tested(estimate, coef, se, df, sign=-1.0)  # met minus nonconforming
            step_rows[key].append(estimate)

    # One family: every test run on the page.
    tested = [row for row in passed_rows if row.p_value is not None] + [
        row for rows in step_rows.values() for row in rows if row.p_value is not None]
    adjusted = dict(zip(map(id, tested), adjust_p_values([row.p_value for row in tested], correction)))

    def with_adjusted(row: OutcomeEstimate) -> OutcomeEstimate:
        return replace(row, p_adjusted=adjusted[id(row)]) if id(row) in adjusted else row

    return OutcomeEvidence(
        passed=[with_adjusted(row) for row in passed_rows],
        steps=[StepEstimates(key, [with_adjusted(row) for row in step_rows[key]]) for key in step_keys
               if any(row.n_a or row.n_b for row in step_rows[key])],
        correction=correction, tests=len(tested), audits=len(audits), staff=len({a.staff for a in audits}))


def fisher_exact(table: Sequence[Sequence[int]]) -> float:
    """Two-sided p-value of Fisher's exact test for a 2x2 table ``[[a, b], [c, d]]`` (the total
    probability, margins fixed, of every table no more likely than the one observed), in exact integers.
    Kept in the standard library for the corrective-action page, which should not load scipy; it equals
    ``scipy.stats.fisher_exact`` (tests/unit/test_quality_outcomes.py)."""
    import math
    from fractions import Fraction

    (a, b), (c, d) = table
    if min(a, b, c, d) < 0:
        raise ValueError("table counts must not be negative")
    row1, row2, col1 = a + b, c + d, a + c
    low, high = max(0, col1 - row2), min(row1, col1)

    def weight(x: int) -> int:
        return math.comb(row1, x) * math.comb(row2, col1 - x)

    observed = weight(a)
    total = sum(weight(x) for x in range(low, high + 1))
    extreme = sum(w for x in range(low, high + 1) if (w := weight(x)) <= observed)
    return min(1.0, float(Fraction(extreme, total)))

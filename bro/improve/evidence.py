"""Evidence that the standard and the training work: retraining effect per module, and customer outcomes
for passed vs failed audits and per step for met vs nonconforming (bro.quality does the statistics)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from bro.improve import queries as q
from bro.improve.dashboard import text
from bro.quality import MeanComparison, ModuleEffect, RateComparison, compare_means, compare_rates, retraining_effect

OUTCOME_LABELS = {
    "csat": _l("Satisfaction (CSAT 1–5, mean)"),
    "repeat_purchase": _l("Repeat purchase"),
    "referral_made": _l("Referral made"),
    "retained_90d": _l("Retained at 90 days"),
    "order_value": _l("Order value (mean)"),
}


@dataclass(frozen=True)
class ModuleEffectRow:
    title: str
    course_title: str
    effect: ModuleEffect


def retraining_rows(team_ids: frozenset[int] | None, n: int) -> list[ModuleEffectRow]:
    effects = retraining_effect(q.retraining_cases(team_ids, n), n=n)
    titles = q.module_titles(effect.module for effect in effects)
    rows = []
    for effect in effects:
        course_key, course_title, module_title = titles.get(effect.module, ("", {}, None))
        course = text(course_title) or course_key
        rows.append(ModuleEffectRow(text(module_title) if module_title else course, course, effect))
    return sorted(rows, key=lambda row: (row.course_title, row.title))


@dataclass(frozen=True)
class OutcomeRow:
    outcome: str
    label: object
    comparison: RateComparison | MeanComparison

    @property
    def is_rate(self) -> bool:
        return isinstance(self.comparison, RateComparison)


def _rows(a: q.OutcomeGroup, b: q.OutcomeGroup, with_order_value: bool) -> list[OutcomeRow]:
    rows = [OutcomeRow("csat", OUTCOME_LABELS["csat"], compare_means(a.csat, b.csat))]
    for name in q.BOOLEAN_OUTCOMES:
        first, second = a.rates.get(name, q.Counts(0, 0)), b.rates.get(name, q.Counts(0, 0))
        rows.append(OutcomeRow(name, OUTCOME_LABELS[name],
                               compare_rates(first.nonconforming, first.n, second.nonconforming, second.n)))
    if with_order_value:
        rows.append(OutcomeRow("order_value", OUTCOME_LABELS["order_value"],
                               compare_means(a.order_values, b.order_values)))
    return rows


def passed_vs_failed(standard_id: int, team_ids, first: date, last: date) -> list[OutcomeRow]:
    groups = q.outcomes_by_pass(standard_id, team_ids, first, last)
    return _rows(groups[True], groups[False], with_order_value=True)


@dataclass(frozen=True)
class StepOutcomes:
    step_key: str
    title: str
    rows: list[OutcomeRow]

    @property
    def strongest_p(self) -> float:
        values = [row.comparison.p_value for row in self.rows if row.comparison.p_value is not None]
        return min(values) if values else 1.0


def met_vs_nonconforming(standard: q.StandardInfo, team_ids, first: date, last: date) -> list[StepOutcomes]:
    """Per step: outcomes when the step was met (group a) vs nonconforming (group b)."""
    groups = q.outcomes_by_step(standard.id, team_ids, first, last)
    result = []
    for step in standard.steps:
        met = groups.get((step.key, False))
        missed = groups.get((step.key, True))
        if met is None and missed is None:
            continue
        result.append(StepOutcomes(step.key, text(step.title, standard.language) or step.key,
                                   _rows(met or q.OutcomeGroup(), missed or q.OutcomeGroup(), with_order_value=False)))
    return result

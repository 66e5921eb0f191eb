"""Evidence that the standard and the training work: the retraining effect per module (difference in
differences against the same team's colleagues), and customer outcomes for passed vs failed audits and
per step, adjusted and corrected for the number of tests. bro.quality does the statistics; this module
fetches the rows, assembles the cases and applies the privacy rule for viewers who may not see audits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from bro.improve import queries as q
from bro.improve.dashboard import text
from bro.quality import (
    ControlDay,
    ModuleEffect,
    OutcomeEstimate,
    OutcomeEvidence,
    RetrainingCase,
    comparison_case,
    outcome_evidence,
    retraining_effect,
)
from bro.quality.outcomes import BH, HOLM, MEAN, RATE
from bro.quality.privacy import too_few_to_show

OUTCOME_LABELS = {
    "csat": _l("Satisfaction (CSAT 1–5, mean)"),
    "repeat_purchase": _l("Repeat purchase"),
    "referral_made": _l("Referral made"),
    "retained_90d": _l("Retained at 90 days"),
    "order_value": _l("Order value (mean)"),
}
OUTCOME_KINDS = (("csat", MEAN), ("repeat_purchase", RATE), ("referral_made", RATE), ("retained_90d", RATE),
                 ("order_value", MEAN))
CORRECTIONS = {"holm": HOLM, "bh": BH}


# -- retraining effect ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ModuleEffectRow:
    title: str
    course_title: str
    effect: ModuleEffect
    hidden: bool = False  # too few people to show to this viewer


def retraining_cases(team_ids: frozenset[int] | None, n: int) -> list[RetrainingCase]:
    """One case per completed retraining that an audit created (see bro.quality.effects): the person's
    ratings of the triggering step while it was open and after it, and their team's ratings of the step
    over the same windows (four queries)."""
    data = q.retraining_data(team_ids)
    drafts = []
    for record in data.records:
        ratings = data.ratings.get((record.staff_id, record.standard_id, record.step_key), [])
        before = [(day, recorded_at, nc) for day, _id, recorded_at, nc in ratings]
        after = [(day, nc) for day, _id, _at, nc in ratings]
        drafts.append((record, before, after))
    # The windows first (without colleagues), then the colleagues' days of those windows in one query.
    first = last = None
    for record, before, after in drafts:
        draft = comparison_case(record.module, record.staff_id, before, after, record.assigned_at,
                                record.completed_at, (), n=n)
        if draft.windows is not None:
            first = min(first or draft.windows[0], draft.windows[0])
            last = max(last or draft.windows[3], draft.windows[3])
    colleagues = q.colleague_days({(r.team_id, r.standard_id, r.step_key) for r, *_ in drafts}, first, last) \
        if first is not None else {}
    cases = []
    for record, before, after in drafts:
        days = [ControlDay(staff, day, rated, nc) for staff, day, rated, nc in
                colleagues.get((record.team_id, record.standard_id, record.step_key), [])]
        cases.append(comparison_case(record.module, record.staff_id, before, after, record.assigned_at,
                                     record.completed_at, days, n=n))
    return cases


def retraining_rows(team_ids: frozenset[int] | None, n: int, restricted: bool = False) -> list[ModuleEffectRow]:
    effects = retraining_effect(retraining_cases(team_ids, n))
    titles = q.module_titles(effect.module for effect in effects)
    rows = []
    for effect in effects:
        course_key, course_title, module_title = titles.get(effect.module, ("", {}, None))
        course = text(course_title) or course_key
        rows.append(ModuleEffectRow(text(module_title) if module_title else course, course, effect,
                                    hidden=too_few_to_show(effect.staff, effect.audits, restricted)))
    return sorted(rows, key=lambda row: (row.course_title, row.title))


# -- outcomes ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OutcomeRow:
    estimate: OutcomeEstimate
    hidden: bool = False

    @property
    def outcome(self) -> str:
        return self.estimate.outcome

    @property
    def label(self) -> object:
        return OUTCOME_LABELS[self.estimate.outcome]

    @property
    def is_rate(self) -> bool:
        return self.estimate.kind == RATE


@dataclass(frozen=True)
class StepOutcomes:
    step_key: str
    title: str
    rows: list[OutcomeRow]

    @property
    def finding(self) -> bool:
        return any(row.estimate.finding and not row.hidden for row in self.rows)


@dataclass(frozen=True)
class OutcomeSection:
    evidence: OutcomeEvidence | None
    passed: list[OutcomeRow]
    steps: list[StepOutcomes]
    hidden: bool  # the whole range is too small to show to this viewer


def _row(estimate: OutcomeEstimate, restricted: bool) -> OutcomeRow:
    hidden = (too_few_to_show(estimate.staff_a, estimate.n_a, restricted)
              or too_few_to_show(estimate.staff_b, estimate.n_b, restricted))
    return OutcomeRow(estimate, hidden)


def outcome_section(standard: q.StandardInfo, team_ids, first: date, last: date, correction: str = HOLM,
                    restricted: bool = False) -> OutcomeSection:
    audits = q.outcome_audits(standard.id, team_ids, first, last)
    if not audits:
        return OutcomeSection(None, [], [], False)
    if too_few_to_show(len({a.staff for a in audits}), len(audits), restricted):
        return OutcomeSection(None, [], [], True)
    step_keys = [step.key for step in standard.steps]
    evidence = outcome_evidence(audits, step_keys, OUTCOME_KINDS, correction=correction)
    titles = {step.key: text(step.title, standard.language) or step.key for step in standard.steps}
    return OutcomeSection(
        evidence, [_row(e, restricted) for e in evidence.passed],
        [StepOutcomes(step.step_key, titles.get(step.step_key, step.step_key),
                      [_row(e, restricted) for e in step.rows]) for step in evidence.steps],
        False)

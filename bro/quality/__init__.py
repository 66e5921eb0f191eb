"""Quality statistics of DESIGN.md "Statistics (exact)": pure functions over
plain values (no Flask, no database), returning frozen dataclasses."""

from bro.quality.calibration import (
    CalibrationReport,
    RaterComparison,
    RaterRecord,
    StepAgreement,
    calibration_report,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    rater_deviation,
    rater_record,
)
from bro.quality.effects import (
    BeforeAfter,
    ControlDay,
    ModuleEffect,
    RetrainingCase,
    before_after_rate,
    comparison_case,
    retraining_effect,
)
from bro.quality.items import AttemptItems, ItemStats, item_analysis
from bro.quality.outcomes import (
    OutcomeAudit,
    OutcomeEstimate,
    OutcomeEvidence,
    StepEstimates,
    adjust_p_values,
    fisher_exact,
    outcome_evidence,
)
from bro.quality.pareto import ParetoBar, pareto
from bro.quality.baseline import BASELINE_PERIODS, Baseline, Phase, PhasedChart, PhaseResult, phase_one, phased_p_chart
from bro.quality.chance import ChanceSeries, expected_signals, period_signals, series_digest
from bro.quality.pchart import PChart, PChartPoint, PeriodCount, exact_limits, p_chart, zone_alpha
from bro.quality.periods import DAY, MONTH, PERIOD_UNITS, WEEK, period_key, period_range, period_start
from bro.quality.signals import RULE_NAMES, Signal, western_electric

__all__ = [
    "BASELINE_PERIODS",
    "Baseline",
    "ChanceSeries",
    "Phase",
    "PhaseResult",
    "PhasedChart",
    "exact_limits",
    "expected_signals",
    "period_signals",
    "series_digest",
    "phase_one",
    "phased_p_chart",
    "zone_alpha",
    "DAY",
    "MONTH",
    "PERIOD_UNITS",
    "RULE_NAMES",
    "WEEK",
    "AttemptItems",
    "BeforeAfter",
    "CalibrationReport",
    "ControlDay",
    "RetrainingCase",
    "ItemStats",
    "ModuleEffect",
    "OutcomeAudit",
    "OutcomeEstimate",
    "OutcomeEvidence",
    "StepEstimates",
    "PChart",
    "PChartPoint",
    "ParetoBar",
    "PeriodCount",
    "RaterComparison",
    "RaterRecord",
    "Signal",
    "StepAgreement",
    "adjust_p_values",
    "before_after_rate",
    "calibration_report",
    "comparison_case",
    "fisher_exact",
    "fleiss_kappa",
    "gwet_ac1",
    "item_analysis",
    "krippendorff_alpha",
    "outcome_evidence",
    "p_chart",
    "pareto",
    "period_key",
    "period_range",
    "period_start",
    "rater_deviation",
    "rater_record",
    "retraining_effect",
    "western_electric",
]

"""Quality statistics of DESIGN.md "Statistics (exact)": pure functions over
plain values (no Flask, no database), returning frozen dataclasses."""

from bro.quality.calibration import (
    CalibrationReport,
    StepAgreement,
    calibration_report,
    fleiss_kappa,
    rater_deviation,
)
from bro.quality.effects import (
    BeforeAfter,
    EffectCase,
    ModuleEffect,
    before_after_rate,
    retraining_effect,
)
from bro.quality.items import AttemptItems, ItemStats, item_analysis
from bro.quality.outcomes import (
    MeanComparison,
    RateComparison,
    compare_means,
    compare_rates,
    fisher_exact,
    student_t_two_sided_p,
    two_proportion_z_test,
)
from bro.quality.pareto import ParetoBar, pareto
from bro.quality.baseline import BASELINE_PERIODS, Baseline, Phase, PhasedChart, PhaseResult, phase_one, phased_p_chart
from bro.quality.chance import ChanceSeries, expected_signals
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
    "EffectCase",
    "ItemStats",
    "MeanComparison",
    "ModuleEffect",
    "PChart",
    "PChartPoint",
    "ParetoBar",
    "PeriodCount",
    "RateComparison",
    "Signal",
    "StepAgreement",
    "before_after_rate",
    "calibration_report",
    "compare_means",
    "compare_rates",
    "fisher_exact",
    "fleiss_kappa",
    "item_analysis",
    "p_chart",
    "pareto",
    "period_key",
    "period_range",
    "period_start",
    "rater_deviation",
    "retraining_effect",
    "student_t_two_sided_p",
    "two_proportion_z_test",
    "western_electric",
]

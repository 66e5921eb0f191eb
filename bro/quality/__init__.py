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
from bro.quality.pchart import PChart, PChartPoint, PeriodCount, p_chart
from bro.quality.periods import DAY, MONTH, PERIOD_UNITS, WEEK, period_key, period_range, period_start
from bro.quality.signals import RULE_NAMES, Signal, western_electric

__all__ = [
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
    "RaterComparison",
    "RaterRecord",
    "Signal",
    "StepAgreement",
    "before_after_rate",
    "calibration_report",
    "compare_means",
    "compare_rates",
    "fisher_exact",
    "fleiss_kappa",
    "gwet_ac1",
    "item_analysis",
    "krippendorff_alpha",
    "p_chart",
    "pareto",
    "period_key",
    "period_range",
    "period_start",
    "rater_deviation",
    "rater_record",
    "retraining_effect",
    "student_t_two_sided_p",
    "two_proportion_z_test",
    "western_electric",
]

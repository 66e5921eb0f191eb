"""The quality dashboard's data: its charts as plain values, the statistics behind them and what they share.

``Context`` holds what several charts read (the scope, the phases, the counts over the history the control
charts are judged on, the step titles), each computed at most once and only when a chart asks for it.
bro.improve.registry builds each chart from it; bro.improve.filters reads the filters from the URL;
bro.improve.queries runs the aggregations; bro.quality does the statistics; bro.improve.charts lays the
figures out. Views stay thin.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from bro import clock
from bro.authoring.text import localized
from bro.improve import charts
from bro.improve import queries as q
from bro.improve.formatting import formats
from bro.models.improvement import baseline_scope
from bro.quality import (
    DAY,
    MONTH,
    WEEK,
    ChanceSeries,
    PChart,
    PeriodCount,
    Phase,
    PhasedChart,
    PhaseResult,
    Signal,
    period_key,
    period_range,
    period_start,
    phased_p_chart,
)

if TYPE_CHECKING:
    from bro.improve.filters import DashboardFilters

PERIOD_LABELS = {DAY: _l("Day"), WEEK: _l("ISO week"), MONTH: _l("Month")}
RULE_LABELS = {
    1: _l("One point beyond 3σ"),
    2: _l("Two of three consecutive points beyond 2σ on the same side"),
    3: _l("Four of five consecutive points beyond 1σ on the same side"),
    4: _l("Eight consecutive points on the same side of the centre"),
}
SIDE_LABELS = {"above": _l("worse (above the centre)"), "below": _l("better (below the centre)")}
FAILURE = "__audit__"  # chart key of "audit failed"


def text(mapping, default_language: str = "en") -> str:
    """Curriculum text (a {language: text} mapping) in the reader's language."""
    found = localized(mapping, str(get_locale()), default_language)
    return found.text if found else ""


# -- the dashboard ----------------------------------------------------------------------------------

@dataclass(kw_only=True)
class ControlChart:
    key: str              # step key, or FAILURE
    title: str
    chart: PChart         # the periods shown, each judged against its phase's baseline
    signals: list[Signal]  # signals that fire in a period shown
    figure: charts.PChartFigure | None  # None: statistics only (a step chart drawn on demand)
    n: int
    nonconforming: int
    critical: bool = False
    phases: list[PhaseResult] = field(default_factory=list)  # phases with a period shown, oldest first
    chance: list[ChanceSeries] = field(default_factory=list)
    verdicts: dict = field(default_factory=dict)  # period -> ((rule, side), ...) fired there

    @property
    def rate(self) -> float | None:
        return self.nonconforming / self.n if self.n else None

    @property
    def current(self) -> PhaseResult | None:
        """The phase of the last period shown (its baseline is the one the latest periods are judged by)."""
        return self.phases[-1] if self.phases else None

    @property
    def worse(self) -> list[Signal]:
        return [signal for signal in self.signals if signal.side == "above"]

    @property
    def better(self) -> list[Signal]:
        return [signal for signal in self.signals if signal.side == "below"]


@dataclass(kw_only=True)
class StaffRow:
    staff_id: int
    name: str
    trend: charts.TrendFigure
    missed: list[tuple[str, str, q.Counts]]  # (step key, title, counts), most nonconforming first
    rated: int
    nonconforming: int


@dataclass(kw_only=True)
class Dashboard:
    """Every chart of the dashboard; a chart not built (one chart's CSV builds only that one) keeps its empty
    default."""

    filters: DashboardFilters
    periods: list[str]
    failure: ControlChart | None = None
    steps: list[ControlChart] = field(default_factory=list)
    step_titles: dict[str, str] = field(default_factory=dict)
    pareto: list = field(default_factory=list)
    pareto_figure: charts.ParetoFigure | None = None
    heat_by: str = "team"         # "team" | "staff"
    heat_rows: list[tuple[str, str]] = field(default_factory=list)
    heat_columns: list[tuple[int, str]] = field(default_factory=list)
    heat_counts: dict = field(default_factory=dict)
    heat_figure: charts.HeatMapFigure | None = None
    heat_drawn: int = 0           # columns drawn: fewer than heat_columns when teams are many (registry)
    staff_rows: list[StaffRow] = field(default_factory=list)
    staff_shown: bool = False     # staff sections need a team or a staff member chosen
    expected: float | None = None  # signals chance alone would give over every chart and period shown
    breaks: list = field(default_factory=list)  # (period, kind, label) phase starts within the range shown

    @property
    def charts(self) -> list[ControlChart]:
        return ([self.failure] if self.failure else []) + self.steps

    @property
    def charted(self) -> list[ControlChart]:
        """Charts with audits in the range (the ones the chance figure covers)."""
        return [chart for chart in self.charts if chart.n]

    @property
    def signals(self) -> list[tuple[ControlChart, Signal]]:
        """Every signal shown, least likely by chance first."""
        found = [(chart, signal) for chart in self.charts for signal in chart.signals]
        return sorted(found, key=lambda item: (item[1].probability if item[1].probability is not None else 1.0,
                                               item[0].title, item[1].rule))

    @property
    def worse(self) -> list[tuple[ControlChart, Signal]]:
        return [(chart, signal) for chart, signal in self.signals if signal.side == "above"]

    @property
    def better(self) -> list[tuple[ControlChart, Signal]]:
        return [(chart, signal) for chart, signal in self.signals if signal.side == "below"]

    @property
    def has_data(self) -> bool:
        return bool(self.failure and self.failure.n)


class Labels:
    """Chart labels in the reader's language: each message translated once, numbers formatted cheaply."""

    def __init__(self) -> None:
        self.fmt = formats()
        self.of = _("%(nc)d of %(n)d")
        self.signal = _("signal, rule %(rules)s")
        self.no_audits = _("no audits")
        self.gap = _("%(period)s: no audits")
        self._audits: dict[int, str] = {}

    def count_of(self, nonconforming: int, n: int) -> str:
        return self.of % {"nc": nonconforming, "n": n}

    def point(self, point, rules: tuple[int, ...]) -> str:
        title = f"{point.period}: {self.fmt.percent(point.p)} ({self.count_of(point.nonconforming, point.n)})"
        return title + " — " + self.signal % {"rules": ", ".join(map(str, rules))} if rules else title

    def gap_title(self, period: str) -> str:
        return self.gap % {"period": period}

    def audits(self, count: int) -> str:
        if count not in self._audits:
            self._audits[count] = ngettext("%(num)d audit", "%(num)d audits", count)
        return self._audits[count]

    def dot(self, period: str, mean: float, audits: int) -> str:
        return f"{period}: {self.fmt.number(mean)} ({self.audits(audits)})"

    def cell_text(self, rate: float | None) -> str:
        return "–" if rate is None else self.fmt.percent(rate, 0)

    def cell(self, row: str, column: str, n: int, nonconforming: int) -> str:
        detail = self.no_audits if not n else \
            f"{self.fmt.percent(nonconforming / n, 0)} ({self.count_of(nonconforming, n)})"
        return f"{row} · {column}: {detail}"


def chart_phases(standard: q.StandardInfo, filters: DashboardFilters) -> tuple[list[Phase], list]:
    """The phases of every chart of the dashboard: one per standard version audited against (a new version
    starts a new Phase I) and one per baseline set by hand for this standard and scope of teams. Also the
    breaks to draw: (period, kind, label), the first version's start left out (nothing comes before it)."""
    unit = filters.unit
    by_start: dict[str, Phase] = {}
    breaks = []
    for index, (number, first_day) in enumerate(q.version_starts(standard.id)):
        start = period_key(first_day, unit)
        by_start[start] = Phase(start, "version", number)
        if index:
            breaks.append((start, "version", _("version %(number)d", number=number)))
    if filters.staff_id is None:
        for record in q.control_baselines(standard.id, baseline_scope(filters.scope_teams)):
            start = period_key(record.first_day, unit)
            last = period_key(record.last_day, unit) if record.last_day else None
            by_start[start] = Phase(start, "baseline", record.id, last, note=record)
            breaks = [item for item in breaks if item[0] != start or item[1] != "baseline"]
            breaks.append((start, "baseline", _("new baseline")))
    return sorted(by_start.values(), key=lambda phase: phase.start), breaks


def history_start(phases: list[Phase], first_shown: str) -> str:
    """Where the counts must start for the range shown to be judged as it would be in any other range: the
    start of the phase the first period shown belongs to."""
    starts = [phase.start for phase in phases if phase.start <= first_shown]
    return starts[-1] if starts else first_shown


def control_chart(key: str, title: str, periods: list[str], counts: Mapping[str, q.Counts],
                  phases: list[Phase], shown: tuple[int, int], critical: bool = False, labels: Labels | None = None,
                  compact: bool = False, draw: bool = True, breaks=()) -> ControlChart:
    """A p-chart over ``periods[shown[0]:shown[1]]``, judged phase by phase over all of ``periods`` (from the
    start of the phase the range begins in, see history_start, to the newest audits), its signals and the
    chance figure's inputs; with ``draw`` also its figure (laying out an SVG costs far more than the
    statistics, so step charts without a signal are drawn only when their step is chosen)."""
    history = phased_p_chart([PeriodCount(period, *counts.get(period, (0, 0))) for period in periods], phases)
    first, end = shown
    shown_periods = set(periods[first:end])
    points = history.points[first:end]
    signals = [signal for signal in history.signals if shown_periods.intersection(signal.alarms)]
    phase_results = [result for result in history.phases
                     if result.last >= periods[first] and result.first <= periods[end - 1]] if end > first else []
    centre = phase_results[-1].baseline.centre if phase_results else None
    chart = PChart(centre, points)
    verdicts: dict[str, list] = {}
    for signal in history.signals:
        for period in signal.alarms:
            verdicts.setdefault(period, []).append((signal.rule, signal.side))
    total = sum(point.n for point in points)
    nonconforming = sum(point.nonconforming for point in points)
    result = ControlChart(key=key, title=title, chart=chart, signals=signals, figure=None, n=total,
                          nonconforming=nonconforming, critical=critical, phases=phase_results,
                          chance=_chance_series(key, history, phase_results, shown_periods),
                          verdicts={period: tuple(sorted(found)) for period, found in verdicts.items()})
    if draw:
        draw_chart(result, labels, compact, breaks)
    return result


def _chance_series(key: str, history: PhasedChart, phases: list[PhaseResult], shown: set[str]) -> list[ChanceSeries]:
    """The chance figure's input: each phase shown, whole (its simulation does not depend on the range)."""
    series = []
    for result in phases:
        if result.baseline.centre is None:
            continue
        rated = [point for point in history.points if result.first <= point.period <= result.last and point.n]
        candidates = set(result.baseline.candidates)
        series.append(ChanceSeries(result.baseline.centre, tuple(point.n for point in rated),
                                   tuple(point.period in candidates for point in rated),
                                   tuple(point.period in shown for point in rated),
                                   stream=f"{key}/{result.phase.start}"))
    return series


def draw_chart(chart: ControlChart, labels: Labels | None, compact: bool, breaks=()) -> None:
    roles: dict[str, str] = {}
    for result in chart.phases:
        roles.update({period: "baseline" for period in result.baseline.periods})
        roles.update({period: "dropped" for period in result.baseline.dropped})
    options = dict(compact=compact, breaks=breaks, baseline=roles, band_title=_("baseline period"))
    if labels:
        options["point_title"] = labels.point
        options["gap_title"] = labels.gap_title
    chart.figure = charts.pchart_figure(chart.chart, chart.signals, **options)


# -- what the charts share ---------------------------------------------------------------------------

class Context:
    """The inputs of one dashboard's charts, each computed at most once and only when a chart reads it.

    ``parts`` are the parts being built (bro.improve.registry.PARTS): some shared figures depend on them so
    that one chart's CSV costs only that chart's queries."""

    def __init__(self, filters: DashboardFilters, team_names: dict[int, str], parts: frozenset[str]) -> None:
        self.filters = filters
        self.team_names = team_names
        self.parts = parts
        self.standard = filters.standard
        self.scope = filters.scope()
        self.periods = period_range(self.scope.first_day, self.scope.last_day, filters.unit)
        self.labels = Labels()
        language = self.standard.language if self.standard else "en"
        self.step_titles = {step.key: text(step.title, language) or step.key
                            for step in (self.standard.steps if self.standard else ())}

    # Control charts read from the start of the phase the range begins in, so a period's verdict is the same
    # whatever range is shown; the Pareto, heat map and staff sections read the range shown only.
    @cached_property
    def phases(self) -> tuple[list[Phase], list]:
        """(phases, breaks within the range shown)."""
        phases, breaks = chart_phases(self.standard, self.filters)
        return phases, [item for item in breaks if item[0] in set(self.periods)]

    @cached_property
    def history_scope(self) -> q.Scope:
        phases, _breaks = self.phases
        first = history_start(phases, self.periods[0]) if self.periods else None
        # ... and on to the newest audits: a phase's baseline may be completed by periods after the range shown.
        return self.filters.scope(first_day=period_start(first, self.filters.unit),
                                  last_day=max(self.scope.last_day, clock.today())) if first else self.scope

    @cached_property
    def failure_counts(self) -> dict[str, q.Counts]:
        return q.failure_period_counts(self.history_scope)

    @cached_property
    def history_counts(self) -> dict[str, dict[str, q.Counts]]:
        return q.step_period_counts(self.history_scope)

    @cached_property
    def history(self) -> tuple[list[str], tuple[int, int]]:
        """The periods the control charts are judged over, and the slice of them shown: the periods before the
        range that hold audits (the empty ones change nothing: gaps are skipped), then every period of the
        range, then the later ones with audits. Never a list of every period back to the phase's start, which a
        range far from the data would make enormous."""
        with_data = set(self.failure_counts) if "failure" in self.parts else set()
        if "steps" in self.parts:
            with_data |= {period for by_period in self.history_counts.values() for period in by_period}
        periods = self.periods
        earlier = sorted(period for period in with_data if period < periods[0]) if periods else []
        later = sorted(period for period in with_data if period > periods[-1]) if periods else []
        return earlier + periods + later, (len(earlier), len(earlier) + len(periods))

    @cached_property
    def step_counts(self) -> dict[str, dict[str, q.Counts]]:
        """{step key: {period: counts}} of the range shown (steps rated in it only)."""
        periods = self.periods
        if "steps" in self.parts:
            found = {key: {period: counts for period, counts in by_period.items()
                           if periods[0] <= period <= periods[-1]}
                     for key, by_period in self.history_counts.items()} if periods else {}
            return {key: value for key, value in found.items() if value}
        if "pareto" in self.parts:
            return q.step_period_counts(self.scope)
        return {}

    @cached_property
    def ordered_keys(self) -> list[str]:
        """The standard's steps in order, then steps of older versions rated in the range."""
        standard_keys = [step.key for step in self.standard.steps]
        for key in self.step_counts:
            self.step_titles.setdefault(key, key)
        return standard_keys + sorted(set(self.step_counts) - set(standard_keys))

    @cached_property
    def shown_keys(self) -> list[str]:
        return [self.filters.step_key] if self.filters.step_key else self.ordered_keys

    @property
    def staff_shown(self) -> bool:
        """Staff sections need a team or a staff member chosen."""
        return self.filters.team_id is not None or self.filters.staff_id is not None

    @cached_property
    def staff_step(self) -> dict[tuple[str, int], q.Counts]:
        return q.step_staff_counts(self.filters.scope())

    @cached_property
    def staff_trend(self) -> dict[int, dict[str, q.ScoreSum]]:
        return q.staff_score_trend(self.scope) if "staff" in self.parts else {}

    @cached_property
    def staff_columns(self) -> list[tuple[int, str]]:
        """(staff id, name) of everyone audited in the range, by name."""
        staff_ids = {staff_id for _key, staff_id in self.staff_step} | set(self.staff_trend)
        names = q.people_names(staff_ids)
        return sorted(((sid, names.get(sid, str(sid))) for sid in staff_ids), key=lambda item: item[1])


# -- staff: score trends and most-missed steps (the dashboard's staff section and "My quality") ----------

def trend_values(trend: Mapping[str, q.ScoreSum]) -> dict[str, tuple[int, float]]:
    """{period: (audits, mean score)} of one person's staff_score_trend."""
    return {period: (s.audits, s.score_sum / s.audits) for period, s in trend.items() if s.audits}


def most_missed(counts: Mapping[str, q.Counts], titles: Mapping[str, str]) -> list[tuple[str, str, q.Counts]]:
    """(step key, title, counts) of the steps missed at least once: most nonconforming first, then highest rate."""
    return sorted(((key, titles.get(key, key), c) for key, c in counts.items() if c.nonconforming),
                  key=lambda item: (-item[2].nonconforming, -item[2].nonconforming / item[2].n, item[1]))


def my_quality(user, weeks: int = 12) -> list[dict]:
    """Per standard the user was audited on in the last ``weeks`` weeks: score trend and most-missed steps, with
    the modules that teach each step."""
    end = clock.today()
    first, last = q.period_bounds(end - timedelta(weeks=weeks - 1), end, WEEK)
    periods = period_range(first, last, WEEK)
    standards = {standard.id: standard for standard in q.standards_with_steps()}
    results = []
    for standard_id in q.standard_ids_for_staff(user.id, first, last):
        standard = standards.get(standard_id)
        if standard is None:
            continue
        scope = q.Scope(standard_id, first, last, WEEK, None, user.id)
        trend = q.staff_score_trend(scope).get(user.id, {})
        counts = {key: c for (key, _staff), c in q.step_staff_counts(scope).items()}
        titles = {step.key: text(step.title, standard.language) or step.key for step in standard.steps}
        teaching = q.modules_teaching([standard_id])
        results.append({"standard": standard, "title": text(standard.title, standard.language) or standard.key,
                        "trend": charts.trend_figure(periods, trend_values(trend), reference=standard.pass_score,
                                                     width=560, height=160),
                        "missed": [(key, title, c, teaching.get((standard_id, key), []))
                                   for key, title, c in most_missed(counts, titles)]})
    return results

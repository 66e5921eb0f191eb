"""The quality dashboard: filters from the URL, the access scope they imply, and the charts they show.

``read_filters`` turns query parameters into DashboardFilters, refusing (404) a team or staff member the
viewer may not see; ``build_dashboard`` runs the aggregations of bro.improve.queries and the statistics of
bro.quality and lays the figures out with bro.improve.charts. Views stay thin.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from flask import abort
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select

from bro import clock
from bro.access import visible_team_ids
from bro.authoring.text import localized
from bro.extensions import db
from bro.improve import charts
from bro.improve import queries as q
from bro.improve.formatting import formats
from bro.inputs import query_date, query_int
from bro.models.audits import AuditWeek
from bro.models.improvement import baseline_scope
from bro.models.people import User
from bro.quality import (
    DAY, MONTH, PERIOD_UNITS, WEEK, ChanceSeries, PChart, PeriodCount, Phase, PhasedChart, PhaseResult, Signal,
    expected_signals, pareto, period_key, period_range, period_start, phased_p_chart,
)

PERIOD_LABELS = {DAY: _l("Day"), WEEK: _l("ISO week"), MONTH: _l("Month")}
RULE_LABELS = {
    1: _l("One point beyond 3σ"),
    2: _l("Two of three consecutive points beyond 2σ on the same side"),
    3: _l("Four of five consecutive points beyond 1σ on the same side"),
    4: _l("Eight consecutive points on the same side of the centre"),
}
SIDE_LABELS = {"above": _l("worse (above the centre)"), "below": _l("better (below the centre)")}
DEFAULT_SPAN = {DAY: timedelta(days=41), WEEK: timedelta(weeks=25), MONTH: timedelta(days=365)}
# Longest chart per unit; a longer range is cut to its most recent periods (and the page says so).
MAX_PERIODS = {DAY: 186, WEEK: 262, MONTH: 120}
FAILURE = "__audit__"  # chart key of "audit failed"


def text(mapping, default_language: str = "en") -> str:
    """Curriculum text (a {language: text} mapping) in the reader's language."""
    found = localized(mapping, str(get_locale()), default_language)
    return found.text if found else ""


_int = query_int  # bounded: an id beyond any column reads as unreadable, not an OverflowError
_date = query_date  # clamped to bro.inputs.MIN_DATE..MAX_DATE, so range arithmetic cannot overflow


@dataclass(frozen=True)
class DashboardFilters:
    standard: q.StandardInfo | None
    team_id: int | None
    staff_id: int | None
    step_key: str | None
    start: date
    end: date
    unit: str
    visible_teams: frozenset[int] | None  # None: every team
    start_given: bool = False
    shortened: bool = False  # the range asked for was longer than MAX_PERIODS[unit]
    sampled_only: bool = False  # ?sampled=1: only audits a sampling plan drew at random (Scope.sampled_only)

    @property
    def scope_teams(self) -> frozenset[int] | None:
        return frozenset({self.team_id}) if self.team_id is not None else self.visible_teams

    def scope(self, **changes) -> q.Scope:
        first, last = q.period_bounds(self.start, self.end, self.unit)
        values = dict(standard_id=self.standard.id if self.standard else 0, first_day=first, last_day=last,
                      unit=self.unit, team_ids=self.scope_teams, staff_id=self.staff_id,
                      sampled_only=self.sampled_only)
        values.update(changes)
        return q.Scope(**values)

    def args(self, **changes) -> dict[str, str]:
        """The query parameters that reproduce this view (for links and CSV downloads)."""
        values = {"standard": self.standard.id if self.standard else None, "team": self.team_id,
                  "staff": self.staff_id, "step": self.step_key, "from": self.start.isoformat(),
                  "to": self.end.isoformat(), "period": self.unit, "sampled": "1" if self.sampled_only else None}
        values.update(changes)
        return {key: str(value) for key, value in values.items() if value not in (None, "")}

    def query_string(self, **changes) -> str:
        return urlencode(self.args(**changes))


def read_filters(user: User, args: Mapping[str, str], standards: list[q.StandardInfo]) -> DashboardFilters:
    """Filters from query parameters. A team or staff member outside the viewer's reach is a 404, so a
    shared link never widens what someone sees; other unreadable values fall back to defaults."""
    teams = visible_team_ids(user)
    visible = None if teams is None else frozenset(teams)
    team_id = _int(args.get("team"))
    if team_id is not None and visible is not None and team_id not in visible:
        abort(404)
    staff_id = _int(args.get("staff"))
    if staff_id is not None:
        staff = db.session.get(User, staff_id)
        if staff is None or (visible is not None and staff.team_id not in visible):
            abort(404)
        if team_id is not None and staff.team_id != team_id:
            staff_id = None  # a staff member of another team than the one chosen: show the team
    unit = args.get("period") if args.get("period") in PERIOD_UNITS else WEEK

    standard_id = _int(args.get("standard"))
    by_id = {standard.id: standard for standard in standards}
    standard = by_id.get(standard_id) if standard_id is not None else None
    if standard is None and standards:
        audited = q.standard_ids_with_audits(frozenset({team_id}) if team_id else visible)
        standard = next((by_id[i] for i in audited if i in by_id), standards[0])
    step_key = args.get("step") or None
    if standard is None or step_key not in {step.key for step in standard.steps}:
        step_key = None

    today = clock.today()
    end = _clamp(_date(args.get("to")) or today)
    start = _date(args.get("from"))
    start_given = start is not None
    if start is None:
        start = _clamp(end - DEFAULT_SPAN[unit]) if end - EARLIEST > DEFAULT_SPAN[unit] else EARLIEST
        first_audit = _first_audit_day(standard, frozenset({team_id}) if team_id else visible)
        if first_audit is not None and start < first_audit <= end:
            start = first_audit
    start = _clamp(start)
    if start > end:
        start, end = end, start
    # Cap before building anything: count the periods by arithmetic, never by listing them.
    shortened = period_count(start, end, unit) > MAX_PERIODS[unit]
    if shortened:
        start = periods_back(end, unit, MAX_PERIODS[unit] - 1)
    return DashboardFilters(standard, team_id, staff_id, step_key, start, end, unit, visible, start_given,
                            shortened, sampled_only=args.get("sampled") == "1")


# Dates outside these make no sense for audits and would overflow period arithmetic (date.max is 9999-12-31).
EARLIEST = date(1900, 1, 1)
LATEST = date(9999, 11, 30)


def _clamp(day: date) -> date:
    return min(max(day, EARLIEST), LATEST)


def period_count(start: date, end: date, unit: str) -> int:
    """How many periods from ``start``'s to ``end``'s, both included (0 when end's comes first)."""
    first, last = period_start(period_key(start, unit), unit), period_start(period_key(end, unit), unit)
    if unit == DAY:
        count = (last - first).days + 1
    elif unit == WEEK:
        count = (last - first).days // 7 + 1
    else:
        count = (last.year - first.year) * 12 + last.month - first.month + 1
    return max(0, count)


def periods_back(end: date, unit: str, count: int) -> date:
    """The first day of the period ``count`` periods before ``end``'s."""
    last = period_start(period_key(end, unit), unit)
    if unit == DAY:
        return last - timedelta(days=count)
    if unit == WEEK:
        return last - timedelta(weeks=count)
    months = last.year * 12 + (last.month - 1) - count
    return date(months // 12, months % 12 + 1, 1)


def _first_audit_day(standard: q.StandardInfo | None, teams: frozenset[int] | None) -> date | None:
    if standard is None:
        return None
    query = select(func.min(AuditWeek.week_start)).where(AuditWeek.standard_id == standard.id)
    if teams is not None:
        query = query.where(AuditWeek.team_id.in_(sorted(teams)))
    return db.session.execute(query).scalar()


# -- the dashboard ----------------------------------------------------------------------------------

@dataclass
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


@dataclass
class StaffRow:
    staff_id: int
    name: str
    trend: charts.TrendFigure
    missed: list[tuple[str, str, q.Counts]]  # (step key, title, counts), most nonconforming first
    rated: int
    nonconforming: int


@dataclass
class Dashboard:
    filters: DashboardFilters
    periods: list[str]
    failure: ControlChart | None
    steps: list[ControlChart]
    step_titles: dict[str, str]
    pareto: list
    pareto_figure: charts.ParetoFigure | None
    heat_by: str                  # "team" | "staff"
    heat_rows: list[tuple[str, str]]
    heat_columns: list[tuple[int, str]]
    heat_counts: dict
    heat_figure: charts.HeatMapFigure | None
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
        self._audits: dict[int, str] = {}

    def count_of(self, nonconforming: int, n: int) -> str:
        return self.of % {"nc": nonconforming, "n": n}

    def point(self, point, rules: tuple[int, ...]) -> str:
        title = f"{point.period}: {self.fmt.percent(point.p)} ({self.count_of(point.nonconforming, point.n)})"
        return title + " — " + self.signal % {"rules": ", ".join(map(str, rules))} if rules else title

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
    result = ControlChart(key, title, chart, signals, None, total, nonconforming, critical, phase_results,
                          _chance_series(history, phase_results, shown_periods),
                          {period: tuple(sorted(found)) for period, found in verdicts.items()})
    if draw:
        draw_chart(result, labels, compact, breaks)
    return result


def _chance_series(history: PhasedChart, phases: list[PhaseResult], shown: set[str]) -> list[ChanceSeries]:
    series = []
    for result in phases:
        if result.baseline.centre is None:
            continue
        rated = [point for point in history.points if result.first <= point.period <= result.last and point.n]
        candidates = set(result.baseline.candidates)
        series.append(ChanceSeries(result.baseline.centre, tuple(point.n for point in rated),
                                   tuple(point.period in candidates for point in rated),
                                   tuple(point.period in shown for point in rated)))
    return series


def draw_chart(chart: ControlChart, labels: Labels | None, compact: bool, breaks=()) -> None:
    roles: dict[str, str] = {}
    for result in chart.phases:
        roles.update({period: "baseline" for period in result.baseline.periods})
        roles.update({period: "dropped" for period in result.baseline.dropped})
    options = dict(compact=compact, breaks=breaks, baseline=roles, band_title=_("baseline period"))
    if labels:
        options["point_title"] = labels.point
    chart.figure = charts.pchart_figure(chart.chart, chart.signals, **options)


ALL_PARTS = frozenset({"failure", "steps", "pareto", "heat", "staff"})


def build_dashboard(filters: DashboardFilters, team_names: dict[int, str],
                    parts: frozenset[str] = ALL_PARTS) -> Dashboard:
    """The dashboard's charts; ``parts`` limits the work to some of them (one chart's CSV or table)."""
    standard = filters.standard
    scope = filters.scope()
    periods = period_range(scope.first_day, scope.last_day, filters.unit)
    if standard is None:
        return Dashboard(filters, periods, None, [], {}, [], None, "team", [], [], {}, None)
    language = standard.language
    step_titles = {step.key: text(step.title, language) or step.key for step in standard.steps}

    # Control charts read from the start of the phase the range begins in, so a period's verdict is the same
    # whatever range is shown; the Pareto, heat map and staff sections read the range shown only.
    phases, breaks = chart_phases(standard, filters) if parts & {"failure", "steps"} else ([], [])
    first = history_start(phases, periods[0]) if periods else None
    # ... and on to the newest audits: a phase's baseline may be completed by periods after the range shown.
    history_scope = filters.scope(first_day=period_start(first, filters.unit),
                                  last_day=max(scope.last_day, clock.today())) if first else scope
    breaks = [item for item in breaks if item[0] in set(periods)]

    failure_counts = q.failure_period_counts(history_scope) if "failure" in parts else {}
    history_counts = q.step_period_counts(history_scope) if "steps" in parts else {}
    # The periods before the range that hold audits (the empty ones change nothing: gaps are skipped), then
    # every period of the range. Never a list of every period back to the phase's start, which a range far
    # from the data would make enormous.
    with_data = set(failure_counts) | {period for by_period in history_counts.values() for period in by_period}
    earlier = sorted(period for period in with_data if period < periods[0]) if periods else []
    later = sorted(period for period in with_data if period > periods[-1]) if periods else []
    history = earlier + periods + later
    shown = (len(earlier), len(earlier) + len(periods))
    step_counts = {key: {period: counts for period, counts in by_period.items()
                         if periods[0] <= period <= periods[-1]}
                   for key, by_period in history_counts.items()} if periods else {}
    step_counts = {key: value for key, value in step_counts.items() if value}
    if "pareto" in parts and "steps" not in parts:
        step_counts = q.step_period_counts(scope)
    for key in step_counts:
        step_titles.setdefault(key, key)  # a step of an older version of the standard
    ordered_keys = [step.key for step in standard.steps] + sorted(set(step_counts) - {s.key for s in standard.steps})
    critical = {step.key for step in standard.steps if step.critical}

    labels = Labels()
    failure = control_chart(FAILURE, _("Audits failed"), history, failure_counts, phases, shown,
                            labels=labels, breaks=breaks) if "failure" in parts else None
    shown_keys = [filters.step_key] if filters.step_key else ordered_keys
    steps = []
    for key in shown_keys if "steps" in parts else ():
        step = control_chart(key, step_titles[key], history, history_counts.get(key, {}), phases, shown,
                             key in critical, labels, compact=len(shown_keys) > 1, draw=False)
        if step.n and (filters.step_key or step.signals):
            # Drawn: the chosen step, and every step with a signal (its points are the evidence).
            draw_chart(step, labels, len(shown_keys) > 1, breaks)
        steps.append(step)
    expected = None
    if "failure" in parts and "steps" in parts:
        expected = expected_signals([series for chart in [failure, *steps] if chart.n for series in chart.chance])

    totals = q.step_totals(step_counts)
    bars = pareto({key: counts.nonconforming for key, counts in totals.items()})
    pareto_fig = charts.pareto_figure(bars, step_titles) if bars else None

    heat_scope = scope if not filters.step_key else filters.scope(step_keys=(filters.step_key,))
    heat_rows = [(key, step_titles[key]) for key in shown_keys]
    staff_shown = filters.team_id is not None or filters.staff_id is not None
    staff_rows: list[StaffRow] = []
    heat_by, heat_columns, heat_counts = "team", [], {}
    if staff_shown and parts & {"heat", "staff"}:
        staff_step = q.step_staff_counts(filters.scope())
        trend = q.staff_score_trend(scope) if "staff" in parts else {}
        staff_ids = {staff_id for _key, staff_id in staff_step} | set(trend)
        names = q.people_names(staff_ids)
        heat_by = "staff"
        heat_columns = sorted(((sid, names.get(sid, str(sid))) for sid in staff_ids), key=lambda item: item[1])
        heat_counts = {key: value for key, value in staff_step.items() if key[0] in shown_keys}
        for staff_id, name in heat_columns if "staff" in parts else ():
            values = {period: (s.audits, s.score_sum / s.audits) for period, s in trend.get(staff_id, {}).items()
                      if s.audits}
            missed = sorted(((key, step_titles.get(key, key), counts) for (key, sid), counts in staff_step.items()
                             if sid == staff_id and counts.nonconforming),
                            key=lambda item: (-item[2].nonconforming, -item[2].nonconforming / item[2].n, item[1]))
            rated = sum(c.n for (key, sid), c in staff_step.items() if sid == staff_id)
            nonconforming = sum(c.nonconforming for (key, sid), c in staff_step.items() if sid == staff_id)
            staff_rows.append(StaffRow(staff_id, name, charts.trend_figure(periods, values, dot_title=labels.dot),
                                       missed[:3], rated, nonconforming))
    elif not staff_shown and "heat" in parts:
        heat_counts = q.step_team_counts(heat_scope)
        heat_columns = sorted(((tid, team_names.get(tid, str(tid))) for _key, tid in heat_counts),
                              key=lambda item: item[1])
        heat_columns = list(dict.fromkeys(heat_columns))
    heat_fig = charts.heat_map_figure(heat_rows, heat_columns, heat_counts, cell_text=labels.cell_text,
                                      cell_title=labels.cell) if heat_columns else None
    return Dashboard(filters, periods, failure, steps, step_titles, bars, pareto_fig, heat_by, heat_rows,
                     heat_columns, heat_counts, heat_fig, staff_rows, staff_shown, expected, breaks)

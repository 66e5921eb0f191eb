"""The dashboard's charts, in one registry: the page, the CSV downloads and the "numbers behind the chart"
tables are all derived from it.

A *part* is a piece of the dashboard that is built together (``build(context, board)`` fills its fields of the
Dashboard from the shared bro.improve.dashboard.Context). A *chart* is what a reader can download or open as a
table: ``?chart=<name>`` names it; it needs one part; its rows (bro.improve.exports) are the CSV and, with
numbers in the reader's language, the table.

Adding a chart: its part (a build function here) and its Chart entry below, its query in bro.improve.queries,
and its section in improve/_dashboard_body.html.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from bro.improve import charts, exports
from bro.improve.chance import period_counts
from bro.improve import queries as q
from bro.improve.dashboard import (
    FAILURE,
    Context,
    Dashboard,
    StaffRow,
    control_chart,
    draw_chart,
    most_missed,
    trend_values,
)
from bro.improve.filters import DashboardFilters, UnknownChart
from bro.quality import expected_signals, pareto

Rows = list[list]


# -- parts ---------------------------------------------------------------------------------------------

def _failure(ctx: Context, board: Dashboard) -> None:
    history, shown = ctx.history
    board.failure = control_chart(FAILURE, _("Audits failed"), history, ctx.failure_counts, ctx.phases[0], shown,
                                  labels=ctx.labels, breaks=ctx.phases[1])


def _steps(ctx: Context, board: Dashboard) -> None:
    history, shown = ctx.history
    phases, breaks = ctx.phases
    critical = {step.key for step in ctx.standard.steps if step.critical}
    compact = len(ctx.shown_keys) > 1
    for key in ctx.shown_keys:
        step = control_chart(key, ctx.step_titles[key], history, ctx.history_counts.get(key, {}), phases, shown,
                             key in critical, ctx.labels, compact=compact, draw=False)
        if step.n and (ctx.filters.step_key or step.signals):
            # Drawn: the chosen step, and every step with a signal (its points are the evidence).
            draw_chart(step, ctx.labels, compact, breaks)
        board.steps.append(step)
    if board.failure is not None:
        # Signals chance alone would give over every chart and period shown: per chart and phase, a sum over
        # the periods shown of counts simulated once per content (bro.improve.chance).
        board.expected = expected_signals([series for chart in [board.failure, *board.steps] if chart.n
                                           for series in chart.chance], counts=period_counts)


def _pareto(ctx: Context, board: Dashboard) -> None:
    totals = q.step_totals(ctx.step_counts)
    board.pareto = pareto({key: counts.nonconforming for key, counts in totals.items()})
    board.pareto_figure = charts.pareto_figure(board.pareto, ctx.step_titles) if board.pareto else None


def _heat(ctx: Context, board: Dashboard) -> None:
    """Step × staff member inside a team (or for one person), step × team otherwise."""
    board.heat_rows = [(key, ctx.step_titles[key]) for key in ctx.shown_keys]
    if ctx.staff_shown:
        board.heat_by = "staff"
        board.heat_columns = ctx.staff_columns
        board.heat_counts = {key: value for key, value in ctx.staff_step.items() if key[0] in ctx.shown_keys}
    else:
        scope = ctx.scope if not ctx.filters.step_key else ctx.filters.scope(step_keys=(ctx.filters.step_key,))
        board.heat_counts = q.step_team_counts(scope)
        columns = sorted(((tid, ctx.team_names.get(tid, str(tid))) for _key, tid in board.heat_counts),
                         key=lambda item: item[1])
        board.heat_columns = list(dict.fromkeys(columns))
    drawn = board.heat_columns
    if board.heat_by == "team" and len(drawn) > HEAT_MAP_TEAMS:
        drawn = worst_columns(drawn, board.heat_counts, {key for key, _title in board.heat_rows}, HEAT_MAP_TEAMS)
    board.heat_drawn = len(drawn)
    if drawn:
        board.heat_figure = charts.heat_map_figure(board.heat_rows, drawn, board.heat_counts,
                                                   cell_text=ctx.labels.cell_text, cell_title=ctx.labels.cell)


HEAT_MAP_TEAMS = 30  # team columns drawn at most; the numbers behind the chart (table, CSV) keep every team


def worst_columns(columns: list[tuple[int, str]], counts: dict, row_keys: set[str],
                  limit: int) -> list[tuple[int, str]]:
    """The ``limit`` columns with the highest nonconformity rate over ``row_keys`` (ties: more ratings, then
    the order given), kept in the order given."""
    totals: dict[int, list[int]] = {}
    for (row_key, column_key), (n, nonconforming) in counts.items():
        if row_key in row_keys:
            total = totals.setdefault(column_key, [0, 0])
            total[0] += n
            total[1] += nonconforming
    position = {key: index for index, (key, _name) in enumerate(columns)}

    def badness(column: tuple[int, str]) -> tuple:
        n, nonconforming = totals.get(column[0], (0, 0))
        return (-(nonconforming / n) if n else 1.0, -n, position[column[0]])

    chosen = {key for key, _name in sorted(columns, key=badness)[:limit]}
    return [column for column in columns if column[0] in chosen]


def _staff(ctx: Context, board: Dashboard) -> None:
    """Each person's score trend and most-missed steps (a team or a staff member chosen)."""
    if not ctx.staff_shown:
        return
    by_staff: dict[int, dict[str, q.Counts]] = {}
    for (key, staff_id), counts in ctx.staff_step.items():
        by_staff.setdefault(staff_id, {})[key] = counts
    for staff_id, name in ctx.staff_columns:
        counts = by_staff.get(staff_id, {})
        trend = charts.trend_figure(ctx.periods, trend_values(ctx.staff_trend.get(staff_id, {})),
                                    dot_title=ctx.labels.dot)
        board.staff_rows.append(StaffRow(staff_id=staff_id, name=name, trend=trend,
                                         missed=most_missed(counts, ctx.step_titles)[:3],
                                         rated=sum(c.n for c in counts.values()),
                                         nonconforming=sum(c.nonconforming for c in counts.values())))


@dataclass(frozen=True)
class Part:
    name: str
    build: Callable[[Context, Dashboard], None]


# Built in this order (the chance figure of "steps" needs "failure" when both are built).
PARTS = (Part("failure", _failure), Part("steps", _steps), Part("pareto", _pareto), Part("heat", _heat),
         Part("staff", _staff))
ALL_PARTS = frozenset(part.name for part in PARTS)


def build_dashboard(filters: DashboardFilters, team_names: dict[int, str],
                    parts: frozenset[str] = ALL_PARTS) -> Dashboard:
    """The dashboard's charts; ``parts`` limits the work to some of them (one chart's CSV or table)."""
    ctx = Context(filters, team_names, parts)
    board = Dashboard(filters=filters, periods=ctx.periods, staff_shown=ctx.staff_shown)
    if filters.standard is None:
        board.staff_shown = False
        return board
    ctx.ordered_keys  # noqa: B018  (names the steps of older versions rated in the range)
    for part in PARTS:
        if part.name in parts:
            part.build(ctx, board)
    if "failure" in parts or "steps" in parts:
        board.breaks = ctx.phases[1]
    board.step_titles = ctx.step_titles
    return board


# -- charts: what can be downloaded or shown as a table -------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class Chart:
    name: str            # ?chart=
    part: str            # the part it needs
    caption: object      # the table page's title (lazy text)
    rows: Callable[[Dashboard, str | None, exports.PlainNumbers], Rows | None]  # None: not on this dashboard
    keyed: bool = False  # one per step: ?key= names it

    def csv_rows(self, board: Dashboard, key: str | None = None) -> Rows | None:
        return self.rows(board, key, exports.PLAIN)

    def table_rows(self, board: Dashboard, key: str | None = None) -> Rows | None:
        """The rows with numbers in the reader's language (the HTML tables)."""
        return self.rows(board, key, exports.ReaderNumbers())

    def title(self, board: Dashboard, key: str | None) -> str:
        return board.step_titles.get(key, key) if self.keyed else str(self.caption)

    def file_name(self, filters: DashboardFilters, key: str | None) -> str:
        return f"quality-{self.name}{'-' + key if self.keyed else ''}-{filters.start}-{filters.end}.csv"


def _failure_rows(board: Dashboard, _key, numbers) -> Rows | None:
    return exports.control_chart_rows(board.failure, numbers) if board.failure is not None else None


def _step_rows(board: Dashboard, key, numbers) -> Rows | None:
    found = next((c for c in board.steps if c.key == key and key != FAILURE), None)
    return exports.control_chart_rows(found, numbers) if found else None


def _staff_rows(board: Dashboard, _key, numbers) -> Rows | None:
    return exports.staff_rows(board, numbers) if board.staff_shown else None


CHARTS = {chart.name: chart for chart in (
    Chart(name="failure", part="failure", caption=_l("Audits failed per period"), rows=_failure_rows),
    Chart(name="step", part="steps", caption=_l("Nonconformity of one step per period"), rows=_step_rows,
          keyed=True),
    Chart(name="pareto", part="pareto", caption=_l("Nonconformities by step"),
          rows=lambda board, _key, numbers: exports.pareto_rows(board, numbers)),
    Chart(name="heatmap", part="heat", caption=_l("Nonconformity by step and team or staff member"),
          rows=lambda board, _key, numbers: exports.heat_map_rows(board, numbers)),
    Chart(name="staff", part="staff", caption=_l("Mean audit score per staff member and period"), rows=_staff_rows),
)}


def chart_named(name: str | None) -> Chart:
    try:
        return CHARTS[name or ""]
    except KeyError:
        raise UnknownChart(name) from None


def table_rows(board: Dashboard, name: str, key: str | None = None) -> Rows | None:
    """For templates: the rows of the chart ``name`` of ``board``, numbers in the reader's language."""
    return CHARTS[name].table_rows(board, key)

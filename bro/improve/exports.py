"""The numbers behind each dashboard chart, as rows for its table and its CSV download (bro.improve.registry
names which rows belong to which chart)."""
from __future__ import annotations

from flask_babel import gettext as _

from bro.csvout import to_csv  # noqa: F401  (re-exported: the dashboard CSVs use bro's one CSV writer)
from bro.improve.dashboard import ControlChart, Dashboard


class PlainNumbers:
    """Numbers for CSV: machine-readable, full precision, rates as 0–1."""

    def rate(self, value: float | None) -> str:
        return "" if value is None else f"{value:.4f}"

    def percent(self, value: float) -> str:  # value already 0–100
        return f"{value:.2f}"

    def number(self, value: float | None, digits: int) -> object:
        return "" if value is None else round(value, digits)


class ReaderNumbers(PlainNumbers):
    """Numbers for the HTML tables: percentages and decimals in the reader's language."""

    def __init__(self) -> None:
        from bro.improve.formatting import formats

        self.fmt = formats()

    def rate(self, value: float | None) -> str:
        return "–" if value is None else self.fmt.percent(value)

    def percent(self, value: float) -> str:
        return self.fmt.percent(value / 100)

    def number(self, value: float | None, digits: int) -> object:
        return "–" if value is None else self.fmt.number(value, digits)


PLAIN = PlainNumbers()


def control_chart_rows(chart: ControlChart, numbers: PlainNumbers = PLAIN) -> list[list]:
    """One row per period shown: its counts, the centre and exact 3σ limits it is judged by (its phase's
    baseline), the rules that fired at it, and whether it is one of its phase's baseline periods."""
    roles = {}
    for result in chart.phases:
        roles.update({period: _("baseline") for period in result.baseline.periods})
        roles.update({period: _("left out of the baseline") for period in result.baseline.dropped})
    rows = [[_("period"), _("audits"), _("nonconforming"), _("rate"), _("centre"), _("lower limit"),
             _("upper limit"), _("z"), _("signal rules"), _("baseline")]]
    for point in chart.chart.points:
        fired = chart.verdicts.get(point.period, ())
        rows.append([point.period, point.n, point.nonconforming, numbers.rate(point.p),
                     numbers.rate(point.centre) if not point.is_gap else "", numbers.rate(point.lcl),
                     numbers.rate(point.ucl), numbers.number(point.z, 3),
                     " ".join(str(rule) for rule, _side in fired), roles.get(point.period, "")])
    return rows


def pareto_rows(board: Dashboard, numbers: PlainNumbers = PLAIN) -> list[list]:
    rows = [[_("step key"), _("step"), _("nonconforming"), _("percent"), _("cumulative percent")]]
    for bar in board.pareto:
        rows.append([bar.key, board.step_titles.get(bar.key, bar.key), bar.count, numbers.percent(bar.percent),
                     numbers.percent(bar.cumulative_percent)])
    return rows


def heat_map_rows(board: Dashboard, numbers: PlainNumbers = PLAIN) -> list[list]:
    column = _("staff member") if board.heat_by == "staff" else _("team")
    rows = [[_("step key"), _("step"), column, _("audits"), _("nonconforming"), _("rate")]]
    for key, title in board.heat_rows:
        for column_id, name in board.heat_columns:
            n, nonconforming = board.heat_counts.get((key, column_id), (0, 0))
            rows.append([key, title, name, n, nonconforming, numbers.rate(nonconforming / n if n else None)])
    return rows


def staff_rows(board: Dashboard, numbers: PlainNumbers = PLAIN) -> list[list]:
    rows = [[_("staff member"), _("period"), _("audits"), _("mean score")]]
    for row in board.staff_rows:
        for _x, _y, period, mean, audits in row.trend.dots:
            rows.append([row.name, period, audits, numbers.number(mean, 2)])
    return rows

"""Chart geometry: the coordinates the SVG macros in templates/improve/_charts.html draw.

Plain Python over the results of bro.quality (PChart, Signal, ParetoBar) and plain numbers; no Flask.
Every figure keeps its data next to its shapes so the template can give each mark a <title>, and the
same rows feed the table and the CSV behind the chart.

Colours are chosen for contrast on white (WCAG 2.1: ≥ 3:1 for graphics, ≥ 4.5:1 for text); heat-map
cells pick black or white text by whichever contrasts more with the cell.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from numbers import Number
from dataclasses import dataclass, field
from functools import lru_cache

from markupsafe import Markup, escape

from bro.quality import PChart, ParetoBar, Signal
from bro.text import isolate_invisible

INK = "#1b2430"          # 15.6:1 on white
SERIES = "#1f5f8b"       # 6.6:1
LIMIT = "#5b6472"        # 5.9:1
SIGNAL = "#a11d2c"       # 7.6:1
BETTER = "#1d6b3f"       # 6.6:1: signals below the centre ("better than usual")
CUMULATIVE = "#8a5200"   # 6.0:1
GRID = "#d9dee5"         # decoration only


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def _out(value) -> str:
    """``value`` as a template's ``{{ value }}`` writes it (the app's finalize, then escaped). The marks a figure
    repeats hundreds of times are written here in one pass instead of one template expression each: the
    markup is the same, at a fraction of the cost."""
    return escape(isolate_invisible(value))


def table_body_rows(rows: Sequence[Sequence]) -> Markup:
    """The body rows of a chart's "numbers behind the chart" table (templates/improve/_charts.html,
    ``data_table``): the first cell a row header, numbers marked ``num``. A two-year table has hundreds of
    cells; written here in one pass, as the template would write them."""
    return Markup("".join(
        f'        <tr><th scope="row">{_out(row[0])}</th>'
        + "".join(f'<td{NUMBER_CELL if isinstance(cell, Number) else ""}>{_out(cell)}</td>' for cell in row[1:])
        + "</tr>\n" for row in rows))


NUMBER_CELL = ' class="num"'


def _nice_ceiling(value: float) -> float:
    """Top of a 0–1 rate axis: the next tenth above ``value`` (at least 0.1, at most 1)."""
    return min(1.0, max(0.1, math.ceil(value * 10 - 1e-9) / 10))


def _label_step(count: int, room: int) -> int:
    return max(1, math.ceil(count / max(1, room)))


@dataclass(frozen=True, slots=True)
class Box:
    width: int
    height: int
    left: int
    top: int
    right: int
    bottom: int

    @property
    def plot_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> float:
        return self.height - self.top - self.bottom

    @property
    def x0(self) -> float:
        return self.left

    @property
    def x1(self) -> float:
        return self.width - self.right

    @property
    def y0(self) -> float:  # bottom of the plot (value 0)
        return self.height - self.bottom

    @property
    def y1(self) -> float:
        return self.top


@dataclass(frozen=True, slots=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True, slots=True)
class PointMark:
    x: float
    y: float
    period: Hashable
    n: int
    nonconforming: int
    p: float
    ucl: float | None
    lcl: float | None
    rules: tuple[int, ...]  # Western Electric rules this point takes part in
    title: str = ""
    isolated: bool = False  # no neighbour to draw a line to: must be drawn as a marker
    drawn: bool = True      # drawn as a marker (a compact chart draws only signals and isolated points)
    better: bool = False    # every signal it takes part in is below the centre ("better than usual")
    role: str = ""          # "baseline" (p̄ is computed from it), "dropped" (left out by cleaning) or ""

    @property
    def signalled(self) -> bool:
        return bool(self.rules)


@dataclass(frozen=True, slots=True)
class Break:
    """A vertical line where a new phase starts: a standard version ("version") or a baseline set by hand."""

    x: float
    period: Hashable
    kind: str
    label: str
    anchor: str = "start"  # the label reads to the right of the line, or to its left near the right edge


@dataclass(frozen=True, slots=True)
class Gap(Tick):
    """A period without audits: a tick at its x, with its mark's title."""

    title: str


@dataclass(frozen=True, slots=True)
class Band:
    """Shading behind the baseline periods of a phase."""

    x: float
    width: float
    title: str


@dataclass(frozen=True, slots=True)
class PChartFigure:
    """A p-chart laid out in its box: axes, baseline bands, centre and limit paths per phase, phase breaks,
    the rate line and the point marks (gaps and points are written by ``gap_marks``/``point_marks``)."""

    box: Box
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    centre: float | None          # p̄ of the last phase shown
    centre_y: float | None
    line_paths: tuple[str, ...]   # the p series, one path per run of periods without a gap
    ucl_paths: tuple[str, ...]
    lcl_paths: tuple[str, ...]
    points: tuple[PointMark, ...]
    gaps: tuple[Gap, ...]         # periods without audits, at their x
    y_max: float
    centre_paths: tuple[str, ...] = ()  # the centre of each phase, as steps
    breaks: tuple[Break, ...] = ()
    bands: tuple[Band, ...] = ()

    def gap_marks(self) -> Markup:
        """The marks of the periods without audits (templates/improve/_charts.html, ``pchart``)."""
        y = self.box.y0 - 6
        return Markup("".join(
            f'  <g class="gap"><title>{_out(gap.title)}</title>\n    <rect x="{_out(_fmt(gap.position - 3))}" '
            f'y="{y}" width="6" height="6" fill="none" stroke="#5b6472" stroke-width="1"/>\n  </g>\n'
            for gap in self.gaps))

    def point_marks(self, dropped_note: str) -> Markup:
        """The marks of the points drawn: a diamond for a signal, a hollow circle for a period left out of the
        baseline (its title ends with ``dropped_note``), else a dot."""
        marks = []
        for point in self.points:
            if not point.drawn:
                continue
            if point.signalled:
                mark = (f'<rect class="point-signal{" point-better" if point.better else ""}" '
                        f'x="{_out(point.x - 5.5)}" y="{_out(point.y - 5.5)}" width="11" height="11" '
                        f'transform="rotate(45 {_out(point.x)} {_out(point.y)})" '
                        f'fill="{BETTER if point.better else SIGNAL}" stroke="#fff" stroke-width="1">'
                        f'<title>{_out(point.title)}</title></rect>')
            elif point.role == "dropped":
                mark = (f'<circle class="point-dropped" cx="{_out(point.x)}" cy="{_out(point.y)}" r="4" fill="#fff" '
                        f'stroke="#1f5f8b" stroke-width="1.5"><title>{_out(point.title)} — {_out(dropped_note)}'
                        f'</title></circle>')
            else:
                mark = (f'<circle cx="{_out(point.x)}" cy="{_out(point.y)}" r="3.5" fill="#1f5f8b" stroke="#fff" '
                        f'stroke-width="1"><title>{_out(point.title)}</title></circle>')
            marks.append(f"  {mark}\n")
        return Markup("".join(marks))


def _rate_y(box: Box, value: float, y_max: float) -> float:
    return box.y0 - value / y_max * box.plot_height


def _runs(indexes: Sequence[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for index in indexes:
        if runs and index == runs[-1][-1] + 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return runs


def _plain_point_title(point, rules: tuple[int, ...]) -> str:
    return f"{point.period}: {point.p:.3f} ({point.nonconforming}/{point.n})" + (f" R{rules}" if rules else "")


def pchart_figure(chart: PChart, signals: Sequence[Signal], *, width: int = 640, height: int = 236,
                  max_x_labels: int = 10,
                  point_title: Callable[[object, tuple[int, ...]], str] = _plain_point_title,
                  compact: bool = False, breaks: Sequence[tuple[Hashable, str, str]] = (),
                  baseline: Mapping[Hashable, str] | None = None, band_title: str = "",
                  gap_title: Callable[[str], str] = "{}: no audits".format) -> PChartFigure:
    """``point_title(point, rules)`` labels each point (the caller formats it for the reader). A compact chart
    (small multiples) is drawn as a line with markers only where a point signals or has no neighbour.

    Each point carries its own centre and exact limits (Phase II against its phase's baseline), so the
    centre and limits are drawn as steps. ``breaks`` are (period, kind, label) where a phase starts;
    ``baseline`` maps baseline periods to their role ("baseline" or "dropped"), shaded behind the series."""
    box = Box(width, height, left=46, top=22, right=14, bottom=44)
    points = chart.points
    baseline = baseline or {}
    count = max(1, len(points))
    slot = box.plot_width / count
    present = [i for i, point in enumerate(points) if not point.is_gap]
    highest = max([point.ucl for point in points if point.ucl is not None]
                  + [point.p for point in points if point.p is not None]
                  + [point.centre for point in points if point.centre is not None] + [0.0])
    y_max = _nice_ceiling(highest)

    x0, y0, half = box.x0, box.y0, slot / 2
    xs = [x0 + slot * (i + 0.5) for i in range(len(points))]

    def x(i: int) -> float:
        return xs[i]

    def y(value: float) -> float:
        return y0 - value / y_max * box.plot_height

    rules_by_period: dict[Hashable, set[int]] = {}
    worse_periods: set[Hashable] = set()
    for signal in signals:
        for period in signal.periods:
            rules_by_period.setdefault(period, set()).add(signal.rule)
            if signal.side == "above":
                worse_periods.add(period)

    levels: dict[float, str] = {}  # y of a centre or limit, formatted: a phase repeats the same few values

    def level_of(value: float) -> str:
        found = levels.get(value)
        if found is None:
            found = levels[value] = _fmt(y(value))
        return found

    def steps(attribute: str, indexes: Sequence[int]) -> list[str]:
        values = [getattr(points[i], attribute) for i in range(len(points))]
        paths = []
        for run in _runs([i for i in indexes if values[i] is not None]):
            first = run[0]
            parts = [f"M{_fmt(xs[first] - half)},{level_of(values[first])} H{_fmt(xs[first] + half)}"]
            parts += [f"V{level_of(values[i])} H{_fmt(xs[i] + half)}" for i in run[1:]]
            paths.append(" ".join(parts))
        return paths

    starts = {period for period, _kind, _label in breaks}
    pieces = []  # runs without a gap, cut again where a new phase starts (its points are judged afresh)
    for run in _runs(present):
        piece: list[int] = []
        for i in run:
            if piece and points[i].period in starts:
                pieces.append(piece)
                piece = []
            piece.append(i)
        pieces.append(piece)
    line_paths = [" ".join(f"{'M' if k == 0 else 'L'}{_fmt(x(i))},{_fmt(y(points[i].p))}" for k, i in enumerate(run))
                  for run in pieces]
    ucl_paths = [path for run in _runs(present) for path in steps("ucl", run)]
    lcl_paths = [path for run in _runs(present) for path in steps("lcl", run)]
    centre_paths = steps("centre", range(len(points)))

    isolated = {run[0] for run in _runs(present) if len(run) == 1}
    marks = []
    for i in present:
        point = points[i]
        rules = tuple(sorted(rules_by_period.get(point.period, ())))
        drawn = not compact or bool(rules) or i in isolated
        marks.append(PointMark(round(x(i), 1), round(y(point.p), 1), point.period, point.n, point.nonconforming,
                               point.p, point.ucl, point.lcl, rules, point_title(point, rules) if drawn else "",
                               i in isolated, drawn, bool(rules) and point.period not in worse_periods,
                               baseline.get(point.period, "")))
    bands = []
    in_baseline = [i for i, point in enumerate(points) if baseline.get(point.period)]
    for run in _runs(in_baseline):
        bands.append(Band(round(x(run[0]) - slot / 2, 1), round(slot * len(run), 1), band_title))
    index_of = {point.period: i for i, point in enumerate(points)}
    figure_breaks = tuple(Break(round(x(index_of[period]) - slot / 2, 1), period, kind, label,
                                "end" if x(index_of[period]) - slot / 2 > box.x1 - 90 else "start")
                          for period, kind, label in breaks if period in index_of)
    step = _label_step(len(points), max_x_labels)
    x_ticks = tuple(Tick(x(i), str(point.period)) for i, point in enumerate(points) if i % step == 0)
    y_ticks = tuple(Tick(y(value), f"{round(value * 100):d}%")
                    for value in (y_max * k / 4 for k in range(5)))
    # Titled here, not in the template: a range reaching far before the first audit has many gaps, and a
    # translation looked up per gap cost more than the rest of the mark.
    gaps = tuple(Gap(x(i), str(point.period), gap_title(str(point.period)))
                 for i, point in enumerate(points) if point.is_gap)
    return PChartFigure(
        box=box, y_ticks=y_ticks, x_ticks=x_ticks, centre=chart.centre,
        centre_y=y(chart.centre) if chart.centre is not None else None,
        line_paths=tuple(line_paths), ucl_paths=tuple(ucl_paths), lcl_paths=tuple(lcl_paths),
        points=tuple(marks), gaps=gaps, y_max=y_max, centre_paths=tuple(centre_paths), breaks=figure_breaks,
        bands=tuple(bands))


@dataclass(frozen=True, slots=True)
class BarMark:
    x: float
    y: float
    width: float
    height: float
    label: str       # shown (shortened)
    full_label: str
    key: Hashable
    count: int
    percent: float
    cumulative_percent: float
    cumulative_x: float
    cumulative_y: float


@dataclass(frozen=True, slots=True)
class ParetoFigure:
    """A Pareto chart laid out: bars largest first on the count axis, the cumulative percentage on the right."""

    box: Box
    bars: tuple[BarMark, ...]
    count_ticks: tuple[Tick, ...]
    percent_ticks: tuple[Tick, ...]
    cumulative_path: str


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _count_axis(highest: int) -> tuple[int, list[int]]:
    """A 0..top axis with about four integer steps."""
    step = max(1, math.ceil(highest / 4))
    top = step * math.ceil(max(1, highest) / step)
    return top, list(range(0, top + 1, step))


def pareto_figure(bars: Sequence[ParetoBar], labels: Mapping[Hashable, str], *, width: int = 720,
                  height: int = 320, label_length: int = 24) -> ParetoFigure:
    box = Box(width, height, left=120, top=14, right=46, bottom=120)
    top, count_values = _count_axis(max((bar.count for bar in bars), default=0))
    slot = box.plot_width / max(1, len(bars))
    marks = []
    for i, bar in enumerate(bars):
        bar_height = bar.count / top * box.plot_height
        centre = box.x0 + slot * (i + 0.5)
        full = labels.get(bar.key, str(bar.key))
        marks.append(BarMark(
            x=centre - slot * 0.35, y=box.y0 - bar_height, width=slot * 0.7, height=bar_height,
            label=shorten(full, label_length), full_label=full, key=bar.key, count=bar.count,
            percent=bar.percent, cumulative_percent=bar.cumulative_percent,
            cumulative_x=centre, cumulative_y=box.y0 - bar.cumulative_percent / 100 * box.plot_height))
    path = " ".join(f"{'M' if i == 0 else 'L'}{_fmt(m.cumulative_x)},{_fmt(m.cumulative_y)}"
                    for i, m in enumerate(marks))
    return ParetoFigure(
        box=box, bars=tuple(marks),
        count_ticks=tuple(Tick(box.y0 - value / top * box.plot_height, str(value)) for value in count_values),
        percent_ticks=tuple(Tick(box.y0 - value / 100 * box.plot_height, f"{value}%") for value in range(0, 101, 25)),
        cumulative_path=path)


# -- heat map ----------------------------------------------------------------------------------------

_LIGHT = (0xfb, 0xf5, 0xf2)
_DARK = (0x7a, 0x0b, 0x1c)


def _mix(rate: float) -> tuple[int, int, int]:
    return tuple(round(a + (b - a) * rate) for a, b in zip(_LIGHT, _DARK))


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    def rgb(colour: str) -> tuple[int, int, int]:
        return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    a, b = sorted((_luminance(rgb(first)), _luminance(rgb(second))), reverse=True)
    return (a + 0.05) / (b + 0.05)


def heat_colour(rate: float) -> tuple[str, str]:
    """(fill, text colour) for a nonconformity rate 0–1: light to dark red, text black or white."""
    fill = "#{:02x}{:02x}{:02x}".format(*_mix(max(0.0, min(1.0, rate))))
    return fill, _text_on(fill)


@lru_cache(maxsize=1024)
def _text_on(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill`` (a few hundred fills at most: cached)."""
    return max(("#000000", "#ffffff"), key=lambda colour: contrast_ratio(fill, colour))


@dataclass(frozen=True, slots=True)
class HeatCell:
    x: float
    y: float
    row: Hashable
    column: Hashable
    row_label: str
    column_label: str
    n: int
    nonconforming: int
    rate: float | None
    fill: str
    text_colour: str
    label: str = ""
    title: str = ""


@dataclass(frozen=True, slots=True)
class HeatMapFigure:
    width: int
    height: int
    cell_width: int
    cell_height: int
    row_labels: tuple[Tick, ...]
    column_labels: tuple[Tick, ...]
    cells: tuple[HeatCell, ...]
    row_keys: tuple[Hashable, ...]
    column_keys: tuple[Hashable, ...]
    label_width: int
    header_height: int
    scale_max: float = 1.0

    def cell_marks(self) -> Markup:
        """Every cell: its rectangle, its rate and its title (templates/improve/_charts.html, ``heat_map``)."""
        width, height = self.cell_width - 2, self.cell_height - 2
        return Markup("".join(
            f'  <g><title>{_out(cell.title)}</title><rect x="{_out(cell.x)}" y="{_out(cell.y)}" width="{width}" '
            f'height="{height}" fill="{_out(cell.fill)}" rx="2"/><text x="{_out(cell.x + width / 2)}" '
            f'y="{_out(cell.y + self.cell_height / 2 + 3)}" text-anchor="middle" class="cell-label" '
            f'fill="{_out(cell.text_colour)}">{_out(cell.label)}</text></g>\n'
            for cell in self.cells))


def heat_map_figure(rows: Sequence[tuple[Hashable, str]], columns: Sequence[tuple[Hashable, str]],
                    counts: Mapping[tuple[Hashable, Hashable], tuple[int, int]], *,
                    cell_width: int = 64, cell_height: int = 28, label_width: int = 270,
                    header_height: int = 100,
                    cell_text: Callable[[float | None], str] = lambda rate: "–" if rate is None else f"{rate:.0%}",
                    cell_title: Callable[[str, str, int, int], str] = lambda row, column, n, nc: f"{row} · {column}: "
                    f"{nc}/{n}") -> HeatMapFigure:
    """``counts[(row key, column key)] = (n, nonconforming)``; missing cells have no audits. The colour runs from
    0 to the highest rate shown (``scale_max``), so differences among low rates stay visible."""
    rates = [nc / n for n, nc in counts.values() if n]
    scale_max = max(max(rates, default=0.0), 0.05)
    cells = []
    for r, (row_key, row_label) in enumerate(rows):
        for c, (column_key, column_label) in enumerate(columns):
            n, nonconforming = counts.get((row_key, column_key), (0, 0))
            rate = nonconforming / n if n else None
            fill, text = heat_colour(rate / scale_max) if rate is not None else ("#eef0f3", INK)
            cells.append(HeatCell(label_width + c * cell_width, header_height + r * cell_height, row_key,
                                  column_key, row_label, column_label, n, nonconforming, rate, fill, text,
                                  cell_text(rate), cell_title(row_label, column_label, n, nonconforming)))
    return HeatMapFigure(
        width=label_width + max(1, len(columns)) * cell_width + header_height,
        height=header_height + max(1, len(rows)) * cell_height + 4,
        cell_width=cell_width, cell_height=cell_height,
        row_labels=tuple(Tick(header_height + r * cell_height + cell_height / 2, shorten(label, 42))
                         for r, (_key, label) in enumerate(rows)),
        column_labels=tuple(Tick(label_width + c * cell_width + cell_width / 2, shorten(label, 18))
                            for c, (_key, label) in enumerate(columns)),
        cells=tuple(cells), row_keys=tuple(key for key, _ in rows), column_keys=tuple(key for key, _ in columns),
        label_width=label_width, header_height=header_height, scale_max=scale_max)


# -- small multiples of a 0–100 score -------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TrendFigure:
    box: Box
    paths: tuple[str, ...]
    dots: tuple[tuple[float, float, str, float, int], ...]  # x, y, period, mean score, audits
    reference_y: float | None
    y_ticks: tuple[Tick, ...]
    first_label: str
    last_label: str
    mean: float | None = None
    audits: int = 0
    periods: tuple[str, ...] = field(default=())
    markers: tuple = field(default=())  # dots drawn, with a title: all on short ranges, else those without neighbours


def trend_figure(periods: Sequence[str], values: Mapping[str, tuple[int, float]], *, reference: float | None = None,
                 width: int = 240, height: int = 96,
                 dot_title: Callable[[str, float, int], str] = lambda period, mean, audits: f"{period}: {mean:.1f}"
                 ) -> TrendFigure:
    """``values[period] = (audits, mean score)``; periods without audits are gaps in the line."""
    box = Box(width, height, left=30, top=8, right=8, bottom=20)
    slot = box.plot_width / max(1, len(periods))

    def x(i: int) -> float:
        return box.x0 + slot * (i + 0.5)

    def y(score: float) -> float:
        return box.y0 - score / 100 * box.plot_height

    present = [i for i, period in enumerate(periods) if period in values]
    paths = tuple(" ".join(f"{'M' if k == 0 else 'L'}{_fmt(x(i))},{_fmt(y(values[periods[i]][1]))}"
                           for k, i in enumerate(run)) for run in _runs(present))
    dots = tuple((round(x(i), 1), round(y(values[periods[i]][1]), 1), periods[i], values[periods[i]][1],
                  values[periods[i]][0]) for i in present)
    lone = {run[0] for run in _runs(present) if len(run) == 1}
    markers = tuple((*dot, dot_title(dot[2], dot[3], dot[4])) for i, dot in zip(present, dots)
                    if len(periods) <= 30 or i in lone)
    audits = sum(values[periods[i]][0] for i in present)
    mean = (sum(values[periods[i]][0] * values[periods[i]][1] for i in present) / audits) if audits else None
    return TrendFigure(
        box=box, paths=paths, dots=dots, reference_y=y(reference) if reference is not None else None,
        y_ticks=(Tick(y(0), "0"), Tick(y(50), "50"), Tick(y(100), "100")),
        first_label=periods[0] if periods else "", last_label=periods[-1] if periods else "",
        mean=mean, audits=audits, periods=tuple(periods), markers=markers)

"""Chart geometry: gaps stay gaps, signals are marked, colours keep their contrast."""
import pytest

from bro.improve import charts
from bro.quality import PeriodCount, p_chart, pareto, western_electric


def _chart(counts):
    chart = p_chart([PeriodCount(f"2026-W{i + 1:02d}", n, nc) for i, (n, nc) in enumerate(counts)])
    return chart, western_electric(chart.points)


def test_a_period_without_audits_breaks_the_line_and_the_limits():
    chart, signals = _chart([(100, 30), (100, 32), (0, 0), (100, 31), (100, 29)])
    figure = charts.pchart_figure(chart, signals)
    assert len(figure.line_paths) == 2 and len(figure.ucl_paths) == 2 and len(figure.lcl_paths) == 2
    assert len(figure.centre_paths) == 1  # the centre (the baseline) runs on across the gap
    assert [gap.label for gap in figure.gaps] == ["2026-W03"]
    assert len(figure.points) == 4


def test_points_in_a_signal_are_marked_with_their_rules():
    chart, signals = _chart([(20, 2)] * 7 + [(20, 19)])
    figure = charts.pchart_figure(chart, signals)
    assert signals and 1 in figure.points[-1].rules
    marked = {point.period for point in figure.points if point.signalled}
    assert marked == {period for signal in signals for period in signal.periods}


def test_rate_axis_covers_the_highest_limit_and_point():
    chart, signals = _chart([(5, 0), (5, 4)])
    figure = charts.pchart_figure(chart, signals)
    highest = max(max(p.ucl or 0, p.p) for p in figure.points)
    assert figure.y_max >= highest and figure.y_max <= 1.0
    assert all(figure.box.y1 - 0.01 <= point.y <= figure.box.y0 + 0.01 for point in figure.points)


def test_a_lower_limit_no_count_can_reach_is_not_drawn():
    # p̄ = 0.1, n = 10: P(X = 0) = 0.35, so there is no exact lower 3σ limit
    chart, signals = _chart([(10, 1), (10, 1)])
    figure = charts.pchart_figure(chart, signals)
    assert figure.lcl_paths == () and len(figure.ucl_paths) == 1


def test_phase_breaks_and_baseline_periods_are_placed_on_their_periods():
    chart, signals = _chart([(20, 2)] * 6)
    figure = charts.pchart_figure(chart, signals, breaks=[("2026-W04", "version", "version 2"), ("2027-W01", "version", "x")],
                                  baseline={"2026-W01": "baseline", "2026-W02": "baseline", "2026-W03": "dropped"})
    [version] = figure.breaks
    slot = figure.box.plot_width / 6
    assert version.label == "version 2" and version.x == pytest.approx(figure.box.x0 + 3 * slot, abs=0.1)
    [band] = figure.bands
    assert band.width == pytest.approx(3 * slot, abs=0.1)
    assert [point.role for point in figure.points[:4]] == ["baseline", "baseline", "dropped", ""]


def test_signals_below_the_centre_are_marked_better():
    chart = p_chart([PeriodCount(f"W{i}", 100, 2) for i in range(3)], centre=0.3)
    figure = charts.pchart_figure(chart, western_electric(chart.points))
    assert all(point.signalled and point.better for point in figure.points)
    assert charts.contrast_ratio(charts.BETTER, "#ffffff") >= 4.5


def test_x_labels_are_thinned_on_long_ranges():
    chart, signals = _chart([(3, 1)] * 104)
    figure = charts.pchart_figure(chart, signals, max_x_labels=10)
    assert len(figure.x_ticks) <= 11


def test_pareto_cumulative_line_ends_at_the_top_of_the_percent_axis():
    bars = pareto({"needs": 30, "greet": 10, "close": 10})
    figure = charts.pareto_figure(bars, {"needs": "Ask about needs"})
    assert figure.bars[0].full_label == "Ask about needs" and figure.bars[1].full_label == "close"
    assert figure.bars[-1].cumulative_y == pytest.approx(figure.box.y1)
    assert figure.bars[0].height > figure.bars[1].height


@pytest.mark.parametrize("colour", [charts.INK, charts.SERIES, charts.LIMIT, charts.SIGNAL, charts.CUMULATIVE])
def test_chart_colours_contrast_with_white_like_text(colour):
    assert charts.contrast_ratio(colour, "#ffffff") >= 4.5


@pytest.mark.parametrize("rate", [i / 20 for i in range(21)])
def test_heat_map_cell_text_is_readable_at_every_rate(rate):
    fill, text = charts.heat_colour(rate)
    assert charts.contrast_ratio(fill, text) >= 4.5


def test_heat_map_scales_colour_to_the_highest_rate_and_leaves_empty_cells_grey():
    figure = charts.heat_map_figure([("a", "A"), ("b", "B")], [(1, "One")], {("a", 1): (10, 2), ("b", 1): (10, 1)})
    cells = {cell.row: cell for cell in figure.cells}
    assert figure.scale_max == pytest.approx(0.2)
    assert cells["a"].fill == charts.heat_colour(1.0)[0]
    empty = charts.heat_map_figure([("a", "A")], [(1, "One"), (2, "Two")], {("a", 1): (4, 1)})
    assert [cell.rate for cell in empty.cells] == [0.25, None]


def test_trend_breaks_at_periods_without_audits():
    figure = charts.trend_figure(["p1", "p2", "p3", "p4"], {"p1": (2, 80.0), "p2": (1, 90.0), "p4": (1, 70.0)},
                                 reference=80)
    assert len(figure.paths) == 2 and figure.audits == 4
    assert figure.mean == pytest.approx((160 + 90 + 70) / 4)
    assert figure.reference_y is not None

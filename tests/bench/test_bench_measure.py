"""The benchmark's arithmetic and reporting on fixed numbers, and its reading of HTML forms."""
from __future__ import annotations

import math

import pytest

from bench.measure import Client, Figure, Target, Timing, parse_forms, percentile, ratio, render_markdown, render_table

pytestmark = pytest.mark.no_db


def test_percentiles_interpolate_between_ranks():
    values = [float(v) for v in range(1, 11)]
    assert percentile(values, 50) == 5.5
    assert percentile(values, 95) == pytest.approx(9.55)
    assert percentile(values, 0) == 1 and percentile(values, 100) == 10
    assert percentile([7.0], 95) == 7.0
    assert math.isnan(percentile([], 50))


def test_percentile_ignores_input_order():
    assert percentile([10.0, 1.0, 5.0], 50) == 5.0


def test_timing_reports_median_p95_and_throughput():
    timing = Timing([0.1, 0.2, 0.3, 0.4], wall=2.0, errors=1, statuses={200: 3, 500: 1})
    assert timing.median == pytest.approx(0.25)
    assert timing.p95 == pytest.approx(0.385)
    assert timing.per_second == 2.0
    assert timing.accepted_per_second == 1.5
    assert timing.status_note() == "1 errors; statuses 200×3, 500×1"


def test_ratio_is_none_when_either_side_is_unknown():
    assert ratio(30.0, 3.0) == 10.0
    assert ratio(None, 3.0) is None and ratio(3.0, 0) is None and ratio(math.nan, 1.0) is None


@pytest.mark.parametrize("value, target, met", [
    (10.0, Target(10), True), (10.01, Target(10), False), (0.4, Target(0.4, at_least=True), True),
    (0.39, Target(0.4, at_least=True), False), (None, Target(10), None),
])
def test_targets_are_inclusive_limits(value, target, met):
    assert target.met(value) is met


def test_table_shows_each_figure_against_its_target():
    baseline = Figure.from_timing("baseline", Timing([0.010] * 20, wall=0.2))
    team = Figure.from_timing("team dashboard", Timing([0.050] * 19 + [0.120], wall=1.0)).judge(
        ratio(0.0865, 0.010), Target(10), "p95 / baseline p95")
    slow = Figure("all teams", p95_ms=300.0).judge(30.0, Target(25), "p95 / baseline p95")
    missing = Figure("pareto", note="not measured: route missing")
    table = render_table([baseline, team, slow, missing])
    lines = table.splitlines()
    assert lines[0].split()[:4] == ["figure", "n", "median", "ms"]
    assert "8.65" in lines[3] and lines[3].rstrip().endswith("yes")
    assert lines[4].rstrip().endswith("NO")
    assert "not measured: route missing" in lines[5]
    markdown = render_markdown([baseline, team])
    assert markdown.count("\n") == 3 and "| baseline |" in markdown and "≤ 10" in markdown


def test_forms_are_read_with_their_defaults_and_choices():
    html = """
    <form method="post" action="/audits/new?relationship=b2c">
      <input type="hidden" name="csrf_token" value="tok">
      <select name="staff_id"><option value="0">—</option><option value="7" selected>Ada</option></select>
      <input type="radio" name="rating-greet" value="met"><input type="radio" name="rating-greet" value="na">
      <input type="checkbox" name="q-q2" value="a"><input type="checkbox" name="q-q2" value="c" checked>
      <textarea name="note"></textarea><input type="text" name="customer_ref" value="">
      <input type="submit" name="submit" value="Record">
    </form>"""
    form = parse_forms(html)[0]
    assert form.action == "/audits/new?relationship=b2c" and form.method == "post"
    assert form.value("csrf_token") == "tok" and form.value("staff_id") == "7"
    assert form.selects["staff_id"] == ["0", "7"]
    assert form.radios["rating-greet"] == ["met", "na"]
    assert form.checkboxes["q-q2"] == ["a", "c"] and ("q-q2", "c") in form.fields
    assert form.submits == [("submit", "Record")] and "note" in form.textareas


def test_the_client_talks_only_to_loopback():
    with pytest.raises(ValueError):
        Client("http://10.0.0.1:8000")
    Client("http://127.0.0.1:8000").close()

"""The quality dashboard: filters in the URL, access by team, charts with their numbers, CSV, bounded queries."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest

from tests.conftest import count_queries
from tests.web.frozen_clock import TODAY, fixed_today  # noqa: F401  (fixed_today: autouse fixture)


@pytest.fixture
def org(factory):
    """Two teams audited against one standard over eight weeks; `needs` gets worse in team A's last weeks."""
    from types import SimpleNamespace

    team_a, team_b = factory.team("Alpha"), factory.team("Beta")
    sup_a, sup_b = factory.supervisor(team_a, name="Sue A"), factory.supervisor(team_b, name="Sam B")
    staff_a = [factory.staff(team=team_a, name=f"Ann {i}") for i in range(2)]
    staff_b = factory.staff(team=team_b, name="Bob B")
    version = factory.audit_standard(key="dash-standard")
    start = TODAY - timedelta(weeks=8)
    for week in range(8):
        for i, person in enumerate(staff_a):
            for k in range(3):
                bad = week >= 6 or (k == 0 and i == 0 and week % 3 == 0)
                factory.audit(person, sup_a, version, interacted_on=start + timedelta(weeks=week, days=k),
                              ratings={"greet": "met", "needs": "not_met" if bad else "met",
                                       "close": "partial" if k == 2 else "met"})
        factory.audit(staff_b, sup_b, version, interacted_on=start + timedelta(weeks=week),
                      ratings={"greet": "not_met", "needs": "met", "close": "na"})
    return SimpleNamespace(team_a=team_a, team_b=team_b, sup_a=sup_a, sup_b=sup_b, staff_a=staff_a,
                           staff_b=staff_b, version=version, standard_id=version.standard_id)


def test_supervisor_sees_own_team_charts_and_the_signal(client, login, org):
    login(org.sup_a)
    response = client.get(f"/quality/?standard={org.standard_id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="pchart-failure"' in page and 'id="pchart-needs"' in page
    assert "Alpha" in page and "Beta" not in page
    assert "signal-row" in page and 'data-step="needs"' in page
    assert "<title" in page and "<desc" in page


def test_supervisor_cannot_reach_another_team_through_the_url(client, login, org):
    login(org.sup_a)
    assert client.get(f"/quality/?team={org.team_b.id}").status_code == 404
    assert client.get(f"/quality/?staff={org.staff_b.id}").status_code == 404
    assert client.get(f"/quality/data.csv?chart=pareto&team={org.team_b.id}").status_code == 404


def test_staff_member_is_refused_the_dashboard(client, login, org):
    login(org.staff_a[0])
    assert client.get("/quality/").status_code == 403
    assert client.get("/quality/data.csv?chart=pareto").status_code == 403


def test_team_filter_shows_staff_heat_map_trends_and_most_missed_steps(client, login, org):
    login(org.sup_a)
    page = client.get(f"/quality/?team={org.team_a.id}").get_data(as_text=True)
    assert "Heat map: step × staff member" in page
    assert 'id="trend-' in page
    assert "Ann 0" in page and "Ann 1" in page


def test_csv_of_pareto_matches_the_counts(client, login, org):
    login(org.sup_a)
    response = client.get(f"/quality/data.csv?chart=pareto&team={org.team_a.id}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    counts = {row[0]: int(row[2]) for row in rows[1:]}
    # needs: 2 staff × 3 audits × 2 bad weeks, plus Ann 0's first audit in weeks 0 and 3
    assert counts == {"needs": 14, "close": 16}
    assert rows[-1][4] == "100.00"


@pytest.mark.parametrize("chart", ["failure", "pareto", "heatmap", "staff"])
def test_every_chart_has_a_csv(client, login, org, chart):
    login(org.sup_a)
    response = client.get(f"/quality/data.csv?chart={chart}&team={org.team_a.id}")
    assert response.status_code == 200
    assert len(response.get_data(as_text=True).splitlines()) > 1


def test_step_csv_lists_every_period_with_limits_and_gaps(client, login, org):
    login(org.sup_a)
    frm = (TODAY - timedelta(weeks=10)).isoformat()
    response = client.get(f"/quality/data.csv?chart=step&key=needs&from={frm}&to={TODAY.isoformat()}")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1 + 11
    gaps = [row for row in rows[1:] if row[1] == "0"]
    assert gaps and all(row[3] == "" and row[6] == "" for row in gaps)


def test_unknown_chart_csv_is_not_found(client, login, org):
    login(org.sup_a)
    assert client.get("/quality/data.csv?chart=nope").status_code == 404


def _filters(page: str) -> str:
    """The filter form as the page fills it in: the values the dashboard was drawn with."""
    found = re.search(r'<form[^>]*class="[^"]*quality-filters[^"]*".*?</form>', page, re.S)
    assert found, "the dashboard has no filter form"
    return found.group(0)


def _axis_periods(page: str) -> list[str]:
    """The periods along the x axis of the failure p-chart."""
    chart = re.search(r'<svg[^>]*id="pchart-failure".*?</svg>', page, re.S)
    assert chart, "the dashboard has no failure p-chart"
    return [label for label in re.findall(r'class="axis-label">([^<]*)<', chart.group(0)) if not label.endswith("%")]


@pytest.mark.parametrize("period, label", [("day", r"\d{4}-\d{2}-\d{2}"), ("week", r"\d{4}-W\d{2}"),
                                           ("month", r"\d{4}-\d{2}")])
def test_each_period_unit_renders(client, login, org, period, label):
    login(org.sup_a)
    response = client.get(f"/quality/?period={period}&step=needs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'<option value="{period}" selected>' in _filters(page)
    assert '<option value="needs" selected>' in _filters(page)
    periods = _axis_periods(page)
    assert periods and all(re.fullmatch(label, shown) for shown in periods), periods
    # The chart's periods are those of its CSV: one row per period of the chosen unit.
    rows = list(csv.reader(io.StringIO(client.get(f"/quality/data.csv?chart=step&key=needs&period={period}")
                                       .get_data(as_text=True))))
    assert all(re.fullmatch(label, row[0]) for row in rows[1:])
    assert len(rows) - 1 == {"day": 42, "week": 9, "month": 3}[period]


def test_bad_filter_values_fall_back_to_defaults(client, login, org):
    login(org.sup_a)
    default = client.get("/quality/").get_data(as_text=True)
    response = client.get("/quality/?from=yesterday&to=2026-13-45&period=fortnight&step=nope&standard=x")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert _filters(page) == _filters(default)
    assert '<option value="week" selected>' in _filters(page) and "selected>Step" not in _filters(page)
    assert f'value="{TODAY.isoformat()}"' in _filters(page)
    assert _axis_periods(page) == _axis_periods(default)


def test_admin_sees_every_team(client, login, factory, org):
    login(factory.admin())
    page = client.get("/quality/").get_data(as_text=True)
    assert "Alpha" in page and "Beta" in page


def test_dashboard_queries_do_not_grow_with_audits_or_teams(client, login, factory, org):
    admin = factory.admin()
    login(admin)
    with count_queries() as small:
        assert client.get("/quality/").status_code == 200
        assert client.get(f"/quality/?team={org.team_a.id}").status_code == 200
    for n in range(3):
        team = factory.team(f"Extra {n}")
        sup = factory.supervisor(team)
        person = factory.staff(team=team)
        for week in range(4):
            factory.audit(person, sup, org.version, interacted_on=TODAY - timedelta(weeks=week),
                          ratings={"greet": "met", "needs": "not_met", "close": "partial"})
    with count_queries() as large:
        assert client.get("/quality/").status_code == 200
        assert client.get(f"/quality/?team={org.team_a.id}").status_code == 200
    assert large.count <= small.count
    assert small.count <= 40


def test_numbers_behind_a_step_chart_are_a_table_with_every_period(client, login, org):
    login(org.sup_a)
    frm = (TODAY - timedelta(weeks=7)).isoformat()
    page = client.get(f"/quality/table?chart=step&key=needs&from={frm}&to={TODAY.isoformat()}").get_data(as_text=True)
    assert page.count('<th scope="row">2026-W') == 8
    assert "Step needs" in page
    assert client.get(f"/quality/table?chart=heatmap&team={org.team_b.id}").status_code == 404
    assert client.get("/quality/table?chart=step&key=nope").status_code == 404


def test_dashboard_links_each_chart_to_its_table_and_csv(client, login, org):
    login(org.sup_a)
    page = client.get(f"/quality/?team={org.team_a.id}").get_data(as_text=True)
    for chart in ("step", "heatmap", "staff"):
        assert f"/quality/table?chart={chart}" in page
    for chart in ("failure", "step", "pareto", "heatmap", "staff"):
        assert f"/quality/data.csv?chart={chart}" in page


@pytest.fixture
def dashboard_cache(app, monkeypatch):
    from bro.improve.cache import dashboard_bodies

    monkeypatch.setitem(app.config, "BRO_QUALITY_CACHE_SECONDS", 60)
    dashboard_bodies.clear()
    yield dashboard_bodies
    dashboard_bodies.clear()


def test_cached_charts_are_reused_until_an_audit_changes_the_data(client, login, factory, org, dashboard_cache):
    login(org.sup_a)
    url = f"/quality/?team={org.team_a.id}"
    with count_queries() as first:
        page = client.get(url).get_data(as_text=True)
    with count_queries() as second:
        assert client.get(url).get_data(as_text=True) == page
    assert second.count < first.count
    factory.audit(org.staff_a[0], org.sup_a, org.version, interacted_on=TODAY,
                  ratings={"greet": "not_met", "needs": "met", "close": "met"})
    assert client.get(url).get_data(as_text=True) != page


def test_cached_charts_are_not_shared_across_teams_or_languages(client, login, factory, org, dashboard_cache):
    login(org.sup_a)
    assert "Alpha" in client.get("/quality/").get_data(as_text=True)
    client.get("/logout")
    client.post("/logout")
    login(org.sup_b)
    page = client.get("/quality/").get_data(as_text=True)
    assert "Beta" in page and "Alpha" not in page


def test_dashboard_without_any_standard_or_audit_says_so(client, login, factory):
    login(factory.admin())
    response = client.get("/quality/")
    assert response.status_code == 200
    assert "No audits match these filters yet" in response.get_data(as_text=True)
    assert client.get("/quality/evidence").status_code == 200
    assert client.get("/quality/actions/new").status_code == 200


def test_supervisor_without_teams_sees_nothing_of_others(client, login, factory, org):
    lonely = factory.user("supervisor", name="No Teams")
    login(lonely)
    page = client.get("/quality/").get_data(as_text=True)
    assert "No audits match these filters yet" in page
    assert "Alpha" not in page and "Beta" not in page


def test_csv_cells_that_look_like_formulas_are_quoted():
    from bro.improve.exports import to_csv

    assert to_csv([["=HYPERLINK(1)", "+1", "plain", 3, -0.5]]) == "'=HYPERLINK(1),'+1,plain,3,-0.5\r\n"


def test_a_very_long_day_range_is_cut_to_recent_days_and_says_so(client, login, org):
    login(org.sup_a)
    page = client.get("/quality/?period=day&from=2024-01-01&to=2026-11-26").get_data(as_text=True)
    assert "too long to chart by day" in page
    assert 'name="from" value="2026-05-25"' in page


def test_many_teams_draw_the_worst_in_the_heat_map_and_list_every_team_behind_it(client, login, factory, org,
                                                                                  monkeypatch):
    """Past HEAT_MAP_TEAMS teams the chart draws those with the highest nonconformity rate (Beta: 8 of 16 rated
    steps nonconforming, Alpha 30 of 144); its table still lists every team."""
    from bro.improve import registry

    login(factory.admin())
    page = client.get(f"/quality/?standard={org.standard_id}").get_data(as_text=True)
    heat = page[page.index('id="heat-map"'):page.index('id="staff"')]
    assert 'id="heat-limit"' not in heat and "Alpha" in heat and "Beta" in heat

    monkeypatch.setattr(registry, "HEAT_MAP_TEAMS", 1)
    page = client.get(f"/quality/?standard={org.standard_id}&from={(TODAY - timedelta(weeks=9)).isoformat()}"
                      ).get_data(as_text=True)
    heat = page[page.index('id="heat-map"'):page.index('id="staff"')]
    assert 'id="heat-limit"' in heat and "draws the 1 teams" in heat and "of the 2 teams" in heat
    chart = heat[heat.index('id="heat-chart"'):]
    assert "Beta" in chart and "Alpha" not in chart
    table = client.get(f"/quality/table?chart=heatmap&standard={org.standard_id}").get_data(as_text=True)
    assert "Alpha" in table and "Beta" in table


def test_worst_columns_rank_by_rate_then_ratings_and_keep_the_order_given():
    from bro.improve.registry import worst_columns

    columns = [(1, "A"), (2, "B"), (3, "C"), (4, "D")]
    counts = {("s", 1): (10, 1), ("s", 2): (10, 5), ("t", 2): (10, 0), ("s", 3): (4, 2), ("x", 4): (10, 10)}
    # rates over steps s and t: A 1/10, B 5/20, C 2/4; D has none of those steps rated (ranked last)
    assert worst_columns(columns, counts, {"s", "t"}, 2) == [(2, "B"), (3, "C")]
    assert worst_columns(columns, counts, {"s", "t"}, 3) == [(1, "A"), (2, "B"), (3, "C")]

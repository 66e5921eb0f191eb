"""One chart registry: every chart's CSV, table and page section come from it; filters raise, views answer."""
from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.web.frozen_clock import TODAY, fixed_today  # noqa: F401  (fixed_today: autouse fixture)


@pytest.fixture
def org(factory):
    from types import SimpleNamespace

    team_a, team_b = factory.team("Alpha"), factory.team("Beta")
    sup_a = factory.supervisor(team_a, name="Sue A")
    staff_a, staff_b = factory.staff(team=team_a, name="Ann"), factory.staff(team=team_b, name="Bob")
    version = factory.audit_standard(key="registry-standard")
    for week in range(4):
        factory.audit(staff_a, sup_a, version, interacted_on=TODAY - timedelta(weeks=week),
                      ratings={"greet": "met", "needs": "not_met" if week % 2 else "met", "close": "met"})
    return SimpleNamespace(team_a=team_a, team_b=team_b, sup_a=sup_a, staff_a=staff_a, staff_b=staff_b,
                           standard_id=version.standard_id)


def test_every_chart_needs_a_part_that_is_built():
    from bro.improve.registry import ALL_PARTS, CHARTS

    assert {chart.part for chart in CHARTS.values()} <= ALL_PARTS
    assert all(name == chart.name for name, chart in CHARTS.items())


def test_every_chart_link_on_the_page_names_a_registered_chart():
    from bro.improve.registry import CHARTS

    template = Path(__file__).parents[2] / "bro/improve/templates/improve/_dashboard_body.html"
    named = set(re.findall(r"chart='(\w+)'", template.read_text()))
    assert named and named <= set(CHARTS)


def test_each_registered_chart_downloads_and_shows_the_same_rows(client, login, org):
    from bro.improve.registry import CHARTS

    login(org.sup_a)
    for name, chart in CHARTS.items():
        args = f"chart={name}&team={org.team_a.id}&standard={org.standard_id}" + ("&key=needs" if chart.keyed else "")
        download = client.get(f"/quality/data.csv?{args}")
        table = client.get(f"/quality/table?{args}")
        assert download.status_code == 200 and table.status_code == 200, name
        assert f'filename="quality-{name}' in download.headers["Content-Disposition"]
        header = download.get_data(as_text=True).splitlines()[0].split(",")
        page = table.get_data(as_text=True)
        assert all(f"<th scope=\"col\">{cell}</th>" in page for cell in header), name


def test_an_unknown_chart_is_not_found(client, login, org):
    login(org.sup_a)
    assert client.get("/quality/data.csv?chart=nope").status_code == 404
    assert client.get("/quality/table").status_code == 404


def test_filters_raise_rather_than_abort_for_a_team_or_person_out_of_reach(app, org):
    from bro.improve import queries as q
    from bro.improve.filters import NotVisible, read_filters

    standards = q.standards_with_steps()
    with app.test_request_context():
        with pytest.raises(NotVisible) as team:
            read_filters(org.sup_a, {"team": str(org.team_b.id)}, standards)
        with pytest.raises(NotVisible):
            read_filters(org.sup_a, {"staff": str(org.staff_b.id)}, standards)
        chosen = read_filters(org.sup_a, {"team": str(org.team_a.id), "period": "month", "from": "2026-01-03"},
                              standards)
    assert team.value.status == 404
    assert chosen.team_id == org.team_a.id and chosen.unit == "month" and chosen.start == date(2026, 1, 3)
    assert chosen.args()["from"] == "2026-01-03" and chosen.args()["team"] == str(org.team_a.id)


def test_the_evidence_page_refuses_a_team_out_of_reach_and_reads_bounded_numbers(client, login, org):
    login(org.sup_a)
    assert client.get(f"/quality/evidence?team={org.team_b.id}").status_code == 404
    assert client.get(f"/quality/evidence?team={2**70}&n={2**70}&from=zz").status_code == 200


def test_my_quality_shares_the_dashboards_trend_and_most_missed_steps(client, login, org):
    login(org.staff_a)
    page = client.get("/quality/me").get_data(as_text=True)
    assert 'id="my-trend-' in page
    assert "Step needs" in page and "missed in 2 of 4 audits" in page
    assert "Step greet" not in page  # never missed

"""Bidi controls and zero-width characters are refused in identifiers, and text already stored with them
cannot reorder the page around it (isolated with <bdi> or FSI…PDI, in <title> too)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bro.extensions import db
from bro.models.audits import Audit
from tests.web.forms import MET, WEIGHTED, audit_form

RLO, FSI, PDI = "\u202e", "\u2068", "\u2069"


@pytest.mark.parametrize("character", ["\u202e", "\u200b"])
def test_customer_reference_refuses_invisible_characters(client, login, factory, character):
    team = factory.team()
    staff, supervisor = factory.staff(team=team), factory.supervisor(team)
    version = factory.audit_standard(WEIGHTED, key="invisible-ref")
    login(supervisor)
    response = client.post("/audits/new", data=audit_form(version, staff, MET, customer_ref=f"C-{character}100"))
    assert response.status_code == 400
    assert f"U+{ord(character):04X}" in response.get_data(as_text=True)
    assert db.session.execute(select(func.count(Audit.id))).scalar_one() == 0


def test_calibration_reference_refuses_invisible_characters(client, login, factory):
    team = factory.team()
    raters = [factory.supervisor(team) for _ in range(2)]
    version = factory.audit_standard(WEIGHTED, key="invisible-calibration")
    login(raters[0])
    response = client.post("/calibration/new", data={
        "standard_version_id": str(version.id), "reference": f"CAL{RLO}-1", "description": "A call.",
        "participant_ids": [str(u.id) for u in raters]})
    assert response.status_code == 400 and "U+202E" in response.get_data(as_text=True)


def test_curriculum_ids_refuse_invisible_characters(factory):
    from bro.curricula import check_text
    from tests.factories import SAMPLE_CURRICULUM

    result = check_text(SAMPLE_CURRICULUM.replace("sample-service", "sample\u200b-service", 1), "bad.yaml")
    assert result.errors


def test_a_stored_name_with_an_override_is_isolated_in_title_and_body(client, login, factory):
    admin = login(factory.admin(name="Ada"))
    victim = factory.staff(name=f"Bob{RLO}evil")
    page = client.get(f"/admin/users/{victim.id}").get_data(as_text=True)
    title = page.split("<title>")[1].split("</title>")[0]
    assert title == f"{FSI}Bob{RLO}evil{PDI} · bro"
    assert f"<h1><bdi>{FSI}Bob{RLO}evil{PDI}</bdi></h1>" in page
    assert admin.name in page


def test_the_account_name_in_the_top_bar_is_isolated(client, login, factory):
    login(factory.staff(name="Rina"))
    assert '<a href="/account" class="account-name"><bdi>Rina</bdi></a>' in client.get("/").get_data(as_text=True)

"""Sampling plans draw imported interactions at random into review queues; leave and audits are respected."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from bro import clock
from bro.extensions import db
from bro.interactions import sampling
from bro.interactions.operations import import_interactions
from bro.interactions.parsing import read_interactions
from bro.models.interactions import Interaction, Message, ReviewItem, transcript_json
from tests.web.test_interactions import transcript_parts


@pytest.fixture
def team_world(factory, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 11, 20))
    team = factory.team("Front desk")
    dewi, eko = factory.staff(team=team, name="Dewi"), factory.staff(team=team, name="Eko")
    sue, sam = factory.supervisor(team, name="Sue"), factory.supervisor(team, name="Sam")
    version = factory.audit_standard()
    lines = ["external_id,staff_email,channel,started_at,customer_ref"]
    for person in (dewi, eko):
        for day in range(1, 21):
            channel = "chat" if day % 2 else "phone"
            lines.append(f"{person.name}-{day},{person.email},{channel},2026-11-{day:02d}T10:00:00Z,C-{day}")
    import_interactions(read_interactions("\n".join(lines) + "\n", "csv"), by=None, team_ids=None)
    return team, dewi, eko, sue, sam, version


def drawn(draw) -> list[ReviewItem]:
    return db.session.execute(select(ReviewItem).where(ReviewItem.draw_id == draw.id)).scalars().all()


def test_a_draw_gives_each_staff_member_the_planned_number_split_over_the_supervisors(team_world):
    team, dewi, eko, sue, sam, version = team_world
    plan = sampling.set_plan(team=team, standard_id=version.standard_id, per_staff=4, period="month",
                             by_channel=True, by=sue)
    draw = sampling.draw_period(plan, date(2026, 11, 20), by=sue, seed=42)
    items = drawn(draw)
    per_staff = {person.id: [i for i in items if i.staff_id == person.id] for person in (dewi, eko)}
    assert all(len(rows) == 4 for rows in per_staff.values())
    assert {i.assignee_id for i in items} == {sue.id, sam.id}
    channels = {i.interaction.channel for i in per_staff[dewi.id]}
    assert channels == {"chat", "phone"}  # stratified: both channels drawn
    assert sampling.draw_period(plan, date(2026, 11, 3), by=sue).id == draw.id  # once per period
    assert {staff: sorted(ids) for staff, ids in sampling.redraw_ids(draw).items()} != {}


def test_the_stored_seed_reproduces_the_draw(team_world):
    team, dewi, eko, sue, _sam, version = team_world
    plan = sampling.set_plan(team=team, standard_id=version.standard_id, per_staff=3, period="month",
                             by_channel=False, by=sue)
    draw = sampling.draw_period(plan, date(2026, 11, 20), by=sue, seed=7)
    picked = sorted(i.interaction_id for i in drawn(draw))
    db.session.execute(ReviewItem.__table__.delete().where(ReviewItem.draw_id == draw.id))
    redone = sorted(i for ids in sampling.redraw_ids(draw).values() for i in ids)
    assert redone == picked


def test_audited_interactions_staff_on_leave_and_inactive_staff_are_not_drawn(team_world, factory):
    team, dewi, eko, sue, _sam, version = team_world
    audit = factory.audit(dewi, sue, version, interacted_on=date(2026, 11, 1))
    audited = db.session.execute(select(Interaction).where(Interaction.external_id == "Dewi-1")).scalar_one()
    audited.audit_id = audit.id
    sampling.record_leave(dewi, date(2026, 11, 3), date(2026, 11, 20), by=sue)
    eko.active = False
    db.session.flush()
    plan = sampling.set_plan(team=team, standard_id=version.standard_id, per_staff=10, period="month",
                             by_channel=False, by=sue)
    items = drawn(sampling.draw_period(plan, date(2026, 11, 20), by=sue, seed=1))
    # Dewi: 1 November is audited and 3-20 November on leave, so only 2 November may be drawn; Eko left.
    assert [item.interaction.external_id for item in items] == ["Dewi-2"]


def test_an_interaction_is_never_drawn_twice_across_plans(team_world):
    team, _dewi, _eko, sue, _sam, version = team_world
    first = sampling.set_plan(team=team, standard_id=version.standard_id, per_staff=15, period="month",
                              by_channel=False, by=sue)
    sampling.draw_period(first, date(2026, 11, 20), by=sue, seed=3)
    second = sampling.set_plan(team=team, standard_id=version.standard_id, per_staff=15, period="month",
                               by_channel=False, by=sue)
    assert first.retired_at is not None
    sampling.draw_period(second, date(2026, 11, 20), by=sue, seed=3)
    ids = db.session.execute(select(ReviewItem.interaction_id)).scalars().all()
    assert len(ids) == len(set(ids)) == 40


def test_supervisor_sets_a_plan_draws_and_sees_progress_in_the_queue(client, login, team_world):
    team, dewi, _eko, sue, sam, version = team_world
    login(sue)
    response = client.post("/interactions/plans", data={"team": team.id, "standard": version.standard_id,
                                                        "per_staff": "2", "period": "month"})
    assert response.status_code == 302
    plan_url = response.headers["Location"]
    page = client.get(plan_url).get_data(as_text=True)
    assert "audits a week for each of the team's step control charts: about 0.9" in page  # 2 staff × 2 a month / 4.35 weeks
    assert client.post(plan_url + "/draw").status_code == 302
    queue = client.get("/interactions/queue").get_data(as_text=True)
    assert "<bdi>Dewi</bdi>: 0 of 2 this month" in queue
    items = db.session.execute(select(ReviewItem).where(ReviewItem.assignee_id == sue.id)).scalars().all()
    assert items and all(f"/interactions/{i.interaction_id}" in queue for i in items)
    item = items[0]
    assert client.post(f"/interactions/queue/{item.id}/reassign",
                       data={f"item-{item.id}-assignee": sam.id}).status_code == 302
    db.session.refresh(item)
    assert item.assignee_id == sam.id


def test_a_plan_for_a_team_the_supervisor_does_not_supervise_is_refused(client, login, team_world, factory):
    _team, _dewi, _eko, sue, _sam, version = team_world
    other = factory.team("Elsewhere")
    login(sue)
    response = client.post("/interactions/plans", data={"team": other.id, "standard": version.standard_id,
                                                        "per_staff": "2", "period": "month"})
    assert response.status_code == 400
    assert db.session.execute(select(func.count()).select_from(ReviewItem)).scalar() == 0


def test_leave_is_recorded_on_the_plan_page_and_refused_backwards(client, login, team_world):
    team, dewi, _eko, sue, _sam, version = team_world
    plan = sampling.set_plan(team=team, standard_id=version.standard_id, per_staff=2, period="week",
                             by_channel=False, by=sue)
    login(sue)
    bad = client.post(f"/interactions/plans/{plan.id}", data={
        "leave-staff": dewi.id, "leave-starts_on": "2026-11-20", "leave-ends_on": "2026-11-10"})
    assert bad.status_code == 400 and "comes before the first" in bad.get_data(as_text=True)
    good = client.post(f"/interactions/plans/{plan.id}", data={
        "leave-staff": dewi.id, "leave-starts_on": "2026-11-16", "leave-ends_on": "2026-11-22"})
    assert good.status_code == 302
    assert "on leave" in client.get(f"/interactions/plans/{plan.id}").get_data(as_text=True)




def test_auditing_a_drawn_interaction_shows_its_transcript_and_closes_the_queue_item(client, login, team_world):
    team, dewi, _eko, sue, _sam, version = team_world
    plan = sampling.set_plan(team=team, standard_id=version.standard_id, per_staff=1, period="month",
                             by_channel=False, by=sue)
    sampling.draw_period(plan, date(2026, 11, 20), by=sue, seed=5)
    item = db.session.execute(select(ReviewItem).where(ReviewItem.staff_id == dewi.id)).scalar_one()
    interaction = item.interaction
    interaction.transcript = transcript_json([
        Message("customer", datetime(2026, 11, 20, 9, 1), "Where is my parcel?"),
        Message("staff", None, "<b>On its way</b>")])
    db.session.flush()
    login(sue)
    page = client.get(f"/audits/new?interaction={interaction.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "audit-with-transcript" in text
    assert transcript_parts(text) == [("Customer", "2026-11-20T09:01:00Z", "Where is my parcel?"),
                                      ("Staff", None, "&lt;b&gt;On its way&lt;/b&gt;")]
    assert f'value="{interaction.customer_ref}"' in text
    data = {"staff_id": dewi.id, "interacted_on": interaction.started_at.date().isoformat(),
            "channel": interaction.channel, "customer_ref": interaction.customer_ref, "relationship": "b2c",
            "standard_version_id": version.id, "interaction": interaction.id,
            **{f"rating-{step.key}": "met" for step in version.steps}}
    wrong = client.post("/audits/new", data={**data, "staff_id": sue.id})
    assert wrong.status_code in (400, 403)
    response = client.post("/audits/new", data=data)
    assert response.status_code == 302
    db.session.refresh(item)
    db.session.refresh(interaction)
    assert item.done_at is not None and item.audit_id == interaction.audit_id is not None
    again = client.get(f"/audits/new?interaction={interaction.id}")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/audits/{interaction.audit_id}")


def test_an_interaction_of_another_team_cannot_be_audited(client, login, team_world, factory):
    *_rest, version = team_world
    outsider = factory.supervisor(factory.team("Elsewhere"))
    interaction = db.session.execute(select(Interaction).limit(1)).scalar_one()
    login(outsider)
    assert client.get(f"/audits/new?interaction={interaction.id}").status_code == 404

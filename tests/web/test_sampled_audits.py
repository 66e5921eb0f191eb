"""Audits made from a sampling plan's draw are "sampled"; audits of hand-picked interactions and observation
audits are not. Both count toward the plan; the control charts can keep to sampled audits only."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from bro import clock
from bro.audits.operations import correct_audit
from bro.extensions import db
from bro.interactions import sampling
from bro.interactions.operations import import_interactions
from bro.interactions.parsing import read_interactions
from bro.models.audits import Audit, AuditStepResult, AuditStepWeek, AuditWeek
from bro.models.interactions import Interaction, ReviewItem

MONDAY = date(2026, 11, 16)


@pytest.fixture
def world(factory, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 11, 20))
    team = factory.team("Front desk")
    dewi = factory.staff(team=team, name="Dewi")
    sue = factory.supervisor(team, name="Sue")
    version = factory.audit_standard()
    lines = ["external_id,staff_email,channel,started_at,customer_ref"]
    lines += [f"D-{day},{dewi.email},chat,2026-11-{day:02d}T10:00:00Z,C-{day}" for day in range(16, 21)]
    import_interactions(read_interactions("\n".join(lines) + "\n", "csv"), by=None, team_ids=None)
    plan = sampling.set_plan(team=team, standard_id=version.standard_id, per_staff=1, period="month",
                             by_channel=False, by=sue)
    sampling.draw_period(plan, date(2026, 11, 20), by=sue, seed=3)
    drawn = db.session.execute(select(ReviewItem)).scalar_one().interaction
    picked = db.session.execute(select(Interaction).where(Interaction.id != drawn.id).limit(1)).scalar_one()
    return team, dewi, sue, version, plan, drawn, picked


def audit_through_the_form(client, interaction, staff, version, rating="met"):
    data = {"staff_id": staff.id, "interacted_on": interaction.started_at.date().isoformat(),
            "channel": interaction.channel, "customer_ref": interaction.customer_ref, "relationship": "b2c",
            "standard_version_id": version.id, "interaction": interaction.id,
            **{f"rating-{step.key}": rating for step in version.steps}}
    response = client.post("/audits/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    return db.session.get(Audit, int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1]))


def test_an_audit_of_a_drawn_interaction_is_sampled_and_a_hand_picked_one_is_marked_not_sampled(
        client, login, world, factory):
    team, dewi, sue, version, plan, drawn, picked = world
    login(sue)
    from_draw = audit_through_the_form(client, drawn, dewi, version)
    by_hand = audit_through_the_form(client, picked, dewi, version)
    observation = factory.audit(dewi, sue, version, interacted_on=date(2026, 11, 18))
    assert (from_draw.sampled, by_hand.sampled, observation.sampled) == (True, False, False)
    assert "not sampled" not in client.get(f"/audits/{from_draw.id}").get_data(as_text=True)
    assert "not sampled" in client.get(f"/audits/{by_hand.id}").get_data(as_text=True)
    listing = client.get("/audits/").get_data(as_text=True)
    assert listing.count(">not sampled</span>") == 2
    rows = {row["audit_id"]: row["sampled"] for row in
            csv.DictReader(io.StringIO(client.get("/audits/export.csv").get_data(as_text=True)))}
    assert rows == {str(from_draw.id): "yes", str(by_hand.id): "no", str(observation.id): "no"}


def test_both_count_toward_the_plan_and_the_plan_page_shows_the_split(client, login, world):
    team, dewi, sue, version, plan, drawn, picked = world
    login(sue)
    audit_through_the_form(client, drawn, dewi, version)
    audit_through_the_form(client, picked, dewi, version)
    [row] = sampling.plan_progress(plan, date(2026, 11, 20))
    assert (row.audited, row.sampled, row.not_sampled, row.done) == (2, 1, 1, True)
    page = client.get(f"/interactions/plans/{plan.id}").get_data(as_text=True)
    assert "2 of 1" in page and "Not sampled" in page


def test_the_weekly_summaries_count_sampled_audits_apart_and_follow_corrections(world, factory):
    team, dewi, sue, version, *_ = world
    failing = {step.key: "not_met" for step in version.steps}
    sampled = factory.audit(dewi, sue, version, interacted_on=MONDAY, ratings=failing, sampled=True)
    factory.audit(dewi, sue, version, interacted_on=MONDAY, ratings=failing)
    week = db.session.get(AuditWeek, (team.id, version.standard_id, MONDAY))
    assert (week.audits, week.failed, week.sampled_audits, week.sampled_failed) == (2, 2, 1, 1)
    assert week.sampled_score_sum == sampled.score
    step = version.steps[0].key
    step_week = db.session.get(AuditStepWeek, (team.id, version.standard_id, step, MONDAY))
    assert (step_week.rated, step_week.nonconforming, step_week.sampled_rated, step_week.sampled_nonconforming) \
        == (2, 2, 1, 1)
    assert db.session.execute(select(AuditStepResult.sampled).where(
        AuditStepResult.audit_id == sampled.id)).scalars().all() == [True] * len(version.steps)
    correct_audit(sampled, by=sue, ratings={key: "met" for key in failing}, reason="misheard the call")
    db.session.expire_all()
    week = db.session.get(AuditWeek, (team.id, version.standard_id, MONDAY))
    step_week = db.session.get(AuditStepWeek, (team.id, version.standard_id, step, MONDAY))
    assert (week.failed, week.sampled_audits, week.sampled_failed) == (1, 1, 0)
    assert (step_week.nonconforming, step_week.sampled_rated, step_week.sampled_nonconforming) == (1, 1, 0)
    assert db.session.execute(select(AuditStepResult.sampled).where(
        AuditStepResult.audit_id == sampled.id)).scalars().all() == [True] * len(version.steps)


@pytest.mark.parametrize("period", ["week", "day"])  # weekly summaries, and the per-audit rows
def test_the_dashboard_filter_sampled_audits_only_leaves_hand_picked_audits_out_of_the_charts(
        client, login, world, factory, period):
    team, dewi, sue, version, *_ = world
    failing = {step.key: "not_met" for step in version.steps}
    factory.audit(dewi, sue, version, interacted_on=MONDAY, sampled=True)
    for _ in range(3):
        factory.audit(dewi, sue, version, interacted_on=MONDAY, ratings=failing)
    login(sue)
    query = (f"/quality/data.csv?chart=failure&team={team.id}&standard={version.standard_id}"
             f"&from=2026-11-16&to=2026-11-16&period={period}")
    every = list(csv.DictReader(io.StringIO(client.get(query).get_data(as_text=True))))
    only = list(csv.DictReader(io.StringIO(client.get(query + "&sampled=1").get_data(as_text=True))))
    assert [(row["audits"], row["nonconforming"]) for row in every] == [("4", "3")]
    assert [(row["audits"], row["nonconforming"]) for row in only] == [("1", "0")]
    page = client.get(f"/quality/?team={team.id}&standard={version.standard_id}&sampled=1").get_data(as_text=True)
    assert 'name="sampled" value="1" checked' in page and "Sampled audits only:" in page

"""Audits through the database and the pages: scoring, refusals, version pinning, access, the list."""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from bro.audits.operations import AuditRefused, NotAllowed, record_audit
from bro.extensions import db
from bro.models.audits import Audit, AuditStepResult, AuditStepWeek, AuditWeek
from bro.scoring import display_score
from tests.web.forms import MET, WEIGHTED, audit_form
from tests.conftest import count_queries

# a w1, b w2, c w3 (critical), d w1, e w3: Σ weights = 10, pass mark 80

SCORING_CASES = [
    # (changes from all met, displayed score, passed)
    ({}, "100.0", True),
    ({"a": "partial"}, "95.0", True),
    ({"b": "not_met"}, "80.0", True),  # exactly the pass mark passes
    ({"d": "na", "b": "not_met"}, "77.8", False),  # 7/9: na leaves the denominator
    ({"e": "partial", "a": "not_met"}, "75.0", False),
    ({"a": "na", "b": "na", "d": "na", "e": "not_met"}, "50.0", False),
    ({"c": "not_met"}, "70.0", False),
    ({"c": "na"}, "100.0", True),  # a critical step that does not apply is left out
    ({"a": "partial", "b": "partial", "d": "partial"}, "80.0", True),
    ({"a": "partial", "b": "partial", "d": "partial", "e": "partial"}, "65.0", False),
]


@pytest.fixture
def team_setup(factory):
    team = factory.team()
    staff = factory.staff(team=team)
    supervisor = factory.supervisor(team)
    return team, staff, supervisor


@pytest.mark.parametrize("changes, shown, passed", SCORING_CASES)
def test_audit_score_and_result_follow_the_design_rules(factory, team_setup, changes, shown, passed):
    _team, staff, supervisor = team_setup
    version = factory.audit_standard(WEIGHTED, pass_score=80)
    audit = factory.audit(staff, supervisor, version, ratings={**MET, **changes})
    assert display_score(audit.score) == shown
    assert audit.passed is passed
    assert audit.current_revision.passed is passed
    nonconforming = {k for k, v in {**MET, **changes}.items() if v in ("partial", "not_met")}
    rows = db.session.execute(select(AuditStepResult).where(AuditStepResult.audit_id == audit.id)).scalars().all()
    assert {r.step_key for r in rows if r.nonconforming} == nonconforming
    assert {r.step_key for r in rows if not r.rated} == {k for k, v in changes.items() if v == "na"}


def test_critical_step_not_met_fails_audit_even_at_high_score(factory, team_setup):
    _team, staff, supervisor = team_setup
    version = factory.audit_standard((("x", 1, True), ("y", 9, False)), pass_score=60)
    audit = factory.audit(staff, supervisor, version, ratings={"x": "not_met", "y": "met"})
    assert display_score(audit.score) == "90.0"
    assert audit.passed is False


def test_partial_on_a_critical_step_is_refused(factory, team_setup):
    _team, staff, supervisor = team_setup
    version = factory.audit_standard(WEIGHTED)
    with pytest.raises(AuditRefused):
        factory.audit(staff, supervisor, version, ratings={**MET, "c": "partial"})


def test_weekly_summaries_count_audits_and_nonconformities(factory, team_setup):
    team, staff, supervisor = team_setup
    version = factory.audit_standard(WEIGHTED)
    monday = date.today() - timedelta(days=date.today().weekday() + 7)
    factory.audit(staff, supervisor, version, ratings={**MET, "b": "partial"}, interacted_on=monday)
    factory.audit(staff, supervisor, version, ratings={**MET, "b": "na", "c": "not_met"},
                  interacted_on=monday + timedelta(days=2))
    week = db.session.get(AuditWeek, (team.id, version.standard_id, monday))
    assert (week.audits, week.failed) == (2, 1)
    b = db.session.get(AuditStepWeek, (team.id, version.standard_id, "b", monday))
    assert (b.rated, b.nonconforming) == (1, 1)
    c = db.session.get(AuditStepWeek, (team.id, version.standard_id, "c", monday))
    assert (c.rated, c.nonconforming) == (2, 1)


# --- the form ------------------------------------------------------------------------------------------------


def test_supervisor_records_an_audit_through_the_form(client, login, factory, team_setup):
    _team, staff, supervisor = team_setup
    version = factory.audit_standard(WEIGHTED, key="form-standard")
    login(supervisor)
    page = client.get(f"/audits/new?standard_version_id={version.id}")
    assert page.status_code == 200
    assert b'data-pass-score="80' in page.data and b"How to do a well." in page.data
    # no partial on the critical step
    assert re.search(rb'name="rating-b"[^>]*value="partial"', page.data)
    assert not re.search(rb'name="rating-c"[^>]*value="partial"', page.data)
    response = client.post("/audits/new", data=audit_form(version, staff, {**MET, "b": "not_met"}, **{"note-b": "Slow"}))
    assert response.status_code == 302
    audit = db.session.execute(select(Audit).where(Audit.customer_ref == "C-100")).scalar_one()
    assert (display_score(audit.score), audit.passed, audit.standard_version_id) == ("80.0", True, version.id)
    assert audit.current_revision.ratings_by_step["b"].note == "Slow"


def test_all_na_audit_is_refused_with_a_form_error(client, login, factory, team_setup):
    _team, staff, supervisor = team_setup
    version = factory.audit_standard(WEIGHTED, key="na-standard")
    login(supervisor)
    response = client.post("/audits/new", data=audit_form(version, staff, {k: "na" for k in MET}))
    assert response.status_code == 400
    assert "at least one step rated met, partial or not met" in response.get_data(as_text=True)
    assert db.session.execute(select(func.count(Audit.id))).scalar_one() == 0


def test_missing_rating_is_a_form_error_not_a_crash(client, login, factory, team_setup):
    _team, staff, supervisor = team_setup
    version = factory.audit_standard(WEIGHTED, key="missing-standard")
    login(supervisor)
    ratings = dict(MET)
    del ratings["d"]
    response = client.post("/audits/new", data=audit_form(version, staff, ratings))
    assert response.status_code == 400
    assert "Rate this step" in response.get_data(as_text=True)


def test_audits_keep_their_standard_version_when_a_changed_standard_is_imported(factory, team_setup):
    _team, staff, supervisor = team_setup
    old = factory.audit_standard(WEIGHTED, pass_score=80, key="pinned")
    audit = factory.audit(staff, supervisor, old, ratings={**MET, "b": "not_met"})
    new = factory.audit_standard((("a", 5, False), *WEIGHTED[1:]), pass_score=90, key="pinned")
    assert new.id != old.id and new.number == old.number + 1
    db.session.expire_all()
    audit = db.session.get(Audit, audit.id)
    assert audit.standard_version_id == old.id
    assert (display_score(audit.score), audit.passed) == ("80.0", True)
    later = factory.audit(staff, supervisor, new, ratings={**MET, "b": "not_met"})
    assert (display_score(later.score), later.passed) == ("85.7", False)
    with pytest.raises(AuditRefused):  # the old version is no longer in force
        factory.audit(staff, supervisor, old)


# --- access ----------------------------------------------------------------------------------------------------


@pytest.fixture
def two_teams(factory):
    version = factory.audit_standard(WEIGHTED, key="access-standard")
    team_a, team_b = factory.team(), factory.team()
    staff_a, staff_b = factory.staff(team=team_a), factory.staff(team=team_b)
    sup_a, sup_b = factory.supervisor(team_a), factory.supervisor(team_b)
    audit_b = factory.audit(staff_b, sup_b, version)
    return version, staff_a, staff_b, sup_a, sup_b, audit_b


def test_supervisor_cannot_see_another_teams_audit(client, login, two_teams):
    _v, _sa, _sb, sup_a, _sup_b, audit_b = two_teams
    login(sup_a)
    assert client.get(f"/audits/{audit_b.id}").status_code == 404
    assert client.get(f"/audits/{audit_b.id}/correct").status_code == 404
    listing = client.get("/audits/").get_data(as_text=True)
    assert audit_b.customer_ref not in listing
    assert audit_b.customer_ref not in client.get("/audits/export.csv").get_data(as_text=True)


def test_supervisor_cannot_audit_another_teams_staff(client, login, two_teams):
    version, _sa, staff_b, sup_a, _sup_b, _audit = two_teams
    login(sup_a)
    response = client.post("/audits/new", data=audit_form(version, staff_b, MET))
    assert response.status_code == 403
    with pytest.raises(NotAllowed):
        record_audit(auditor=sup_a, staff=staff_b, version=version, relationship="b2c", channel="phone",
                     interacted_on=date.today(), customer_ref="X", ratings=MET)


def test_staff_see_only_their_own_audits(client, login, factory, two_teams):
    version, staff_a, staff_b, sup_a, _sup_b, audit_b = two_teams
    own = factory.audit(staff_a, sup_a, version, customer_ref="OWN-1")
    colleague = factory.staff(team=staff_a.team)
    other = factory.audit(colleague, sup_a, version, customer_ref="COLLEAGUE-1")
    login(staff_a)
    assert client.get(f"/audits/{own.id}").status_code == 200
    assert client.get(f"/audits/{other.id}").status_code == 404
    assert client.get(f"/audits/{audit_b.id}").status_code == 404
    listing = client.get("/audits/").get_data(as_text=True)
    assert "OWN-1" in listing and "COLLEAGUE-1" not in listing
    assert client.get("/audits/new").status_code == 403


def test_trainers_are_refused_audits(client, login, factory, two_teams):
    *_rest, audit_b = two_teams
    login(factory.trainer())
    assert client.get("/audits/").status_code == 403
    assert client.get(f"/audits/{audit_b.id}").status_code == 403
    assert client.get("/calibration/").status_code == 403


def test_audit_list_filters_by_result_and_date(client, login, factory, team_setup):
    _team, staff, supervisor = team_setup
    version = factory.audit_standard(WEIGHTED)
    factory.audit(staff, supervisor, version, customer_ref="PASS-1", interacted_on=date.today() - timedelta(days=3))
    factory.audit(staff, supervisor, version, ratings={**MET, "c": "not_met"}, customer_ref="FAIL-1")
    login(supervisor)
    failed = client.get("/audits/?result=failed").get_data(as_text=True)
    assert "FAIL-1" in failed and "PASS-1" not in failed
    recent = client.get(f"/audits/?from={date.today().isoformat()}").get_data(as_text=True)
    assert "FAIL-1" in recent and "PASS-1" not in recent
    csv = client.get("/audits/export.csv?result=passed").get_data(as_text=True)
    assert csv.startswith("audit_id,") and "PASS-1" in csv and "FAIL-1" not in csv


def test_audit_list_queries_stay_bounded(client, login, factory, team_setup):
    _team, staff, supervisor = team_setup
    version = factory.audit_standard(WEIGHTED)
    others = [factory.staff(team=staff.team) for _ in range(3)]
    for person in [staff, *others]:
        for _ in range(8):
            factory.audit(person, supervisor, version, ratings={**MET, "a": "partial"})
    login(supervisor)
    client.get("/audits/")  # warm up (loads the user)
    with count_queries() as few:
        assert client.get("/audits/?page=1").status_code == 200
    with count_queries() as many:
        assert client.get("/audits/?result=passed&page=2").status_code == 200
    assert few.count <= 12, few.statements
    assert many.count <= 12, many.statements


def test_audit_page_queries_stay_bounded_with_history(client, login, factory, team_setup):
    from bro.audits.operations import correct_audit

    _team, staff, supervisor = team_setup
    version = factory.audit_standard(WEIGHTED)
    audit = factory.audit(staff, supervisor, version)
    for n in range(4):
        correct_audit(audit, by=supervisor, ratings={**MET, "a": "partial" if n % 2 == 0 else "met"},
                      reason=f"fix {n}")
    login(supervisor)
    with count_queries() as queries:
        response = client.get(f"/audits/{audit.id}")
    assert response.status_code == 200 and b"fix 3" in response.data
    assert queries.count <= 16, queries.statements


def test_home_shows_real_audit_figures(client, login, factory, team_setup):
    _team, staff, supervisor = team_setup
    version = factory.audit_standard(WEIGHTED)
    factory.audit(staff, supervisor, version)
    factory.audit(staff, supervisor, version, ratings={**MET, "c": "not_met"})
    login(supervisor)
    home = client.get("/").get_data(as_text=True)
    assert "Audits of the teams I supervise" in home and "50%" in home
    client.post("/logout")
    login(staff)
    home = client.get("/").get_data(as_text=True)
    assert "My audits" in home and "2 audits wait for your acknowledgement" in home


def test_outcomes_recorded_on_the_audit_page(client, login, factory, team_setup):
    _team, staff, supervisor = team_setup
    audit = factory.audit(staff, supervisor)
    login(supervisor)
    bad = client.post(f"/audits/{audit.id}/outcomes", data={"csat": "9"})
    assert bad.status_code == 400
    response = client.post(f"/audits/{audit.id}/outcomes",
                           data={"csat": "4", "repeat_purchase": "yes", "referral_made": "no",
                                 "order_value": "120.50"})
    assert response.status_code == 302
    db.session.refresh(audit)
    assert (audit.csat, audit.repeat_purchase, audit.referral_made, audit.retained_90d, audit.order_value) == \
        (4, True, False, None, Decimal("120.50"))


def test_an_interaction_in_the_future_is_refused(factory, team_setup):
    _team, staff, supervisor = team_setup
    with pytest.raises(AuditRefused) as refused:
        factory.audit(staff, supervisor, interacted_on=date.today() + timedelta(days=3))
    assert "interacted_on" in refused.value.field_problems


def test_admin_may_audit_any_staff_member(client, login, factory):
    version = factory.audit_standard(WEIGHTED, key="admin-standard")
    staff = factory.staff(team=factory.team())
    admin = factory.admin()
    login(admin)
    response = client.post("/audits/new", data=audit_form(version, staff, MET, customer_ref="ADMIN-1"))
    assert response.status_code == 302
    audit = db.session.execute(select(Audit).where(Audit.customer_ref == "ADMIN-1")).scalar_one()
    assert (audit.auditor_id, audit.team_id) == (admin.id, staff.team_id)


def test_supervisors_cannot_audit_themselves_or_non_staff(factory, team_setup):
    team, _staff, supervisor = team_setup
    with pytest.raises(NotAllowed):
        factory.audit(supervisor, supervisor)
    with pytest.raises(NotAllowed):
        factory.audit(factory.trainer(), supervisor)


def test_recording_an_audit_writes_one_statement_per_table_and_reads_nothing_after(client, login, factory,
                                                                                   team_setup):
    _team, staff, supervisor = team_setup
    version = factory.audit_standard(WEIGHTED, key="lean-standard")
    login(supervisor)
    client.get(f"/audits/new?standard_version_id={version.id}")
    with count_queries() as queries:
        response = client.post("/audits/new", data=audit_form(version, staff, {**MET, "b": "not_met"}))
    assert response.status_code == 302
    inserts = [re.match(r"\s*INSERT INTO (\w+)", s).group(1) for s in queries.statements
               if re.match(r"\s*INSERT", s)]
    for table in ("audits", "audit_revisions", "audit_ratings", "audit_events", "audit_step_results", "audit_weeks",
                  "audit_step_weeks", "audit_data_versions"):
        assert inserts.count(table) == 1, (table, inserts)
    assert len(inserts) == len(set(inserts)), inserts  # retraining decisions and assignments too, when any
    first_write = next(i for i, s in enumerate(queries.statements) if re.match(r"\s*(INSERT|UPDATE|DELETE)", s))
    # The user, the standard and the staff member are read before the writes, never again after them.
    assert not any(re.search(r"FROM (users|standard_versions|standard_steps)\b", s)
                   for s in queries.statements[first_write:]), queries.statements[first_write:]
    assert queries.count <= 20, "\n".join(q[:150] for q in queries.statements)

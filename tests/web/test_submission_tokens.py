"""A form that creates a record makes it once: sending it again (a double click, a reload, the back button)
answers with the record the first submission made."""
from __future__ import annotations

import io
import re

import pytest
from flask import g
from sqlalchemy import func, select

from bro.extensions import db
from bro.models.audits import Audit, CalibrationSession
from bro.models.improvement import CorrectiveAction
from bro.models.submissions import FormSubmission
from bro.models.training import Assignment
from tests.web.test_audit_outcomes import TODAY, audits  # noqa: F401  (fixture)
from tests.web.forms import MET, WEIGHTED, action_form, audit_form
from tests.web.test_improve_actions import now, setup  # noqa: F401  (fixtures)
from tests.web.world_training import import_training_course

ALREADY = "This form was sent already"


def token_in(page: str, prefix: str = "") -> str:
    match = re.search(rf'name="{prefix}submission_token" type="hidden" value="([^"]+)"', page)
    assert match, "the form carries no submission token"
    return match.group(1)


def _count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def _twice(client, url, data, **kw):
    first = client.post(url, data=data, **kw)
    g.pop("_login_user", None)
    second = client.post(url, data=data, **kw)
    return first, second


def test_audit_sent_twice_is_recorded_once(client, login, factory):
    team = factory.team()
    staff, supervisor = factory.staff(team=team), factory.supervisor(team)
    version = factory.audit_standard(WEIGHTED, key="twice-standard")
    login(supervisor)
    token = token_in(client.get(f"/audits/new?relationship={version.relationship_kind}").get_data(as_text=True))
    first, second = _twice(client, "/audits/new", audit_form(version, staff, MET, submission_token=token))
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert _count(Audit) == 1
    g.pop("_login_user", None)
    assert ALREADY in client.get(second.headers["Location"]).get_data(as_text=True)


def test_each_new_form_gets_a_new_token(client, login, factory):
    team = factory.team()
    factory.staff(team=team)
    login(factory.supervisor(team))
    factory.audit_standard(WEIGHTED, key="fresh-standard")
    pages = [client.get("/audits/new").get_data(as_text=True) for _ in range(2)]
    assert token_in(pages[0]) != token_in(pages[1])


def test_a_refused_submission_can_be_corrected_and_sent_with_the_same_token(client, login, factory):
    team = factory.team()
    staff, supervisor = factory.staff(team=team), factory.supervisor(team)
    version = factory.audit_standard(WEIGHTED, key="retry-standard")
    login(supervisor)
    token = token_in(client.get("/audits/new").get_data(as_text=True))
    refused = client.post("/audits/new", data=audit_form(version, staff, MET, submission_token=token, customer_ref=""))
    assert refused.status_code == 400 and token_in(refused.get_data(as_text=True)) == token
    g.pop("_login_user", None)
    assert client.post("/audits/new", data=audit_form(version, staff, MET, submission_token=token)).status_code == 302
    assert _count(Audit) == 1


def test_a_token_of_another_user_is_refused(client, login, factory):
    team = factory.team()
    staff, supervisor, colleague = factory.staff(team=team), factory.supervisor(team), factory.supervisor(team)
    version = factory.audit_standard(WEIGHTED, key="foreign-standard")
    login(supervisor)
    token = token_in(client.get("/audits/new").get_data(as_text=True))
    assert client.post("/audits/new", data=audit_form(version, staff, MET, submission_token=token)).status_code == 302
    client.post("/logout")
    login(colleague)
    assert client.post("/audits/new", data=audit_form(version, staff, MET, submission_token=token)).status_code == 400
    assert _count(Audit) == 1


def test_a_malformed_token_is_a_form_error_not_a_crash(client, login, factory):
    team = factory.team()
    staff, supervisor = factory.staff(team=team), factory.supervisor(team)
    version = factory.audit_standard(WEIGHTED, key="malformed-standard")
    login(supervisor)
    response = client.post("/audits/new", data=audit_form(version, staff, MET, submission_token="<x>" * 30))
    assert response.status_code == 400 and _count(Audit) == 0


def test_outcomes_sent_twice_are_saved_once(client, login, audits):  # noqa: F811
    supervisor, first_audit, _second, _foreign = audits
    login(supervisor)
    token = token_in(client.get(f"/audits/{first_audit.id}").get_data(as_text=True))
    first, second = _twice(client, f"/audits/{first_audit.id}/outcomes",
                           {"csat": "5", "repeat_purchase": "yes", "submission_token": token})
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert _count(FormSubmission) == 1


def test_outcomes_import_applied_twice_applies_once(client, login, audits):  # noqa: F811
    supervisor, *_ = audits
    login(supervisor)
    text = f"customer_ref,interacted_on,csat\nC-2,{TODAY.isoformat()},4\n"
    preview = client.post("/audits/outcomes/import", content_type="multipart/form-data", data={
        "file": (io.BytesIO(text.encode()), "outcomes.csv")}).get_data(as_text=True)
    token = token_in(preview)
    signed = re.search(r'name="token" type="hidden" value="([^"]+)"', preview).group(1)
    responses = []
    for _ in range(2):
        g.pop("_login_user", None)
        responses.append(client.post("/audits/outcomes/import/apply",
                                     data={"token": signed, "submission_token": token}))
    assert [r.status_code for r in responses] == [302, 302]
    assert _count(FormSubmission) == 1
    g.pop("_login_user", None)
    assert ALREADY in client.get(responses[1].headers["Location"]).get_data(as_text=True)


def test_corrective_action_sent_twice_opens_one_action(client, login, setup):  # noqa: F811
    login(setup.sup)
    token = token_in(client.get("/quality/actions/new").get_data(as_text=True))
    first, second = _twice(client, "/quality/actions/new", action_form(setup, submission_token=token))
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert _count(CorrectiveAction) == 1


def test_assignment_sent_twice_assigns_once(client, login, factory):
    team = factory.team()
    factory.staff(team=team)
    course = import_training_course()
    login(factory.supervisor(team))
    token = token_in(client.get("/learning/assign").get_data(as_text=True))
    first, second = _twice(client, "/learning/assign", {"course_id": course.id, "who": f"team-{team.id}",
                                                        "submission_token": token})
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert _count(Assignment) == 1 and _count(FormSubmission) == 1


def test_calibration_session_sent_twice_opens_one_session(client, login, factory):
    team = factory.team()
    raters = [factory.supervisor(team) for _ in range(2)]
    version = factory.audit_standard(WEIGHTED, key="calibration-twice")
    login(raters[0])
    token = token_in(client.get("/calibration/new").get_data(as_text=True))
    first, second = _twice(client, "/calibration/new", {
        "standard_version_id": str(version.id), "reference": "CAL-2X", "description": "A call.",
        "participant_ids": [str(u.id) for u in raters], "submission_token": token})
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert _count(CalibrationSession) == 1


@pytest.mark.parametrize("path", ["/audits/new", "/quality/actions/new", "/learning/assign", "/calibration/new",
                                  "/coaching/new", "/interactions/plans"])
def test_every_creating_form_carries_a_token(client, login, factory, path):
    team = factory.team()
    factory.staff(team=team)
    factory.audit_standard(WEIGHTED, key="carry-standard")
    import_training_course()
    login(factory.supervisor(team))
    assert token_in(client.get(path).get_data(as_text=True))


def test_old_tokens_are_forgotten(client, login, factory, monkeypatch):
    from datetime import timedelta

    from bro import clock
    from bro.submissions import KEEP

    team = factory.team()
    staff, supervisor = factory.staff(team=team), factory.supervisor(team)
    version = factory.audit_standard(WEIGHTED, key="old-tokens")
    login(supervisor)
    old = token_in(client.get("/audits/new").get_data(as_text=True))
    client.post("/audits/new", data=audit_form(version, staff, MET, submission_token=old))
    later = clock.utcnow() + KEEP + timedelta(days=1)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    g.pop("_login_user", None)
    new = token_in(client.get("/audits/new").get_data(as_text=True))
    client.post("/audits/new", data=audit_form(version, staff, MET, submission_token=new, customer_ref="C-200"))
    assert db.session.execute(select(FormSubmission.token)).scalars().all() == [new]


def test_new_user_form_sent_twice_creates_one_user_without_an_error(client, login, factory):
    from bro.models.people import User

    login(factory.admin())
    token = token_in(client.get("/admin/users/new").get_data(as_text=True))
    data = {"name": "Nina New", "email": "nina@example.com", "language": "en", "roles": ["trainer"],
            "team_id": "0", "active": "y", "password": "a-long-password", "submission_token": token}
    first, second = _twice(client, "/admin/users/new", data)
    assert first.status_code == second.status_code == 302
    assert db.session.execute(select(func.count()).select_from(User)
                              .where(User.email == "nina@example.com")).scalar_one() == 1


def test_new_team_form_sent_twice_creates_one_team(client, login, factory):
    from bro.models.people import Team

    login(factory.admin())
    token = token_in(client.get("/admin/teams/new").get_data(as_text=True))
    first, second = _twice(client, "/admin/teams/new", {"name": "Night shift", "submission_token": token})
    assert first.status_code == second.status_code == 302
    assert db.session.execute(select(func.count()).select_from(Team).where(Team.name == "Night shift")).scalar_one() == 1

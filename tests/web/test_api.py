"""The JSON API with real tokens: one test (at least) per resource, and the rules every endpoint shares —
401 without a token, problems for bad input, scopes as a cap, cursors, idempotent writes, rate limits."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from bro import clock
from bro.extensions import db
from bro.models.api import ApiToken
from bro.models.audits import Audit
from bro.models.interactions import Interaction


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def as_(client, factory):
    """`as_(user, *scopes).get(url)` — the test client with a fresh token of `user`."""

    class Caller:
        def __init__(self, user, scopes):
            self.headers = bearer(factory.api_token(user, *scopes))

        def open(self, method, url, headers=None, **kw):
            return client.open(url, method=method, headers={**self.headers, **(headers or {})}, **kw)

        def get(self, url, **kw):
            return self.open("GET", url, **kw)

        def post(self, url, **kw):
            return self.open("POST", url, **kw)

        def put(self, url, **kw):
            return self.open("PUT", url, **kw)

        def patch(self, url, **kw):
            return self.open("PATCH", url, **kw)

    return lambda user, *scopes: Caller(user, scopes)


# -- authentication -------------------------------------------------------------------------------------

def test_a_call_without_a_token_gets_401_problem_not_a_login_redirect(client):
    response = client.get("/api/v1/audits")
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["field"] == "Authorization"


def test_a_session_cookie_does_not_authenticate_the_api(client, login, world):
    login(world.supervisor)
    assert client.get("/api/v1/audits").status_code == 401
    response = client.post("/api/v1/outcomes", json={"outcomes": [
        {"customer_ref": "WORLD-1", "interacted_on": date.today().isoformat(), "csat": 5}]})
    assert response.status_code == 401
    assert db.session.get(Audit, world.audit.id).csat is None


def test_revoked_and_expired_tokens_are_refused(client, factory, world, monkeypatch):
    secret = factory.api_token(world.supervisor, "read")
    token = db.session.execute(select(ApiToken).where(ApiToken.user_id == world.supervisor.id)).scalar_one()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    later = clock.utcnow() + timedelta(days=31)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401
    monkeypatch.undo()
    token.revoked_at = clock.utcnow()
    db.session.flush()
    response = client.get("/api/v1/me", headers=bearer(secret))
    assert response.status_code == 401 and "revoked" in response.get_json()["detail"]


def test_a_deactivated_users_token_stops_working(client, factory, world):
    secret = factory.api_token(world.staff, "read")
    world.staff.active = False
    db.session.flush()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_tokens_are_stored_hashed_and_record_their_last_use(client, factory, world):
    secret = factory.api_token(world.staff, "read")
    token = db.session.execute(select(ApiToken).where(ApiToken.user_id == world.staff.id)).scalar_one()
    assert secret not in (token.token_hash, token.prefix) and len(token.token_hash) == 64
    assert token.last_used_at is None
    client.get("/api/v1/me", headers=bearer(secret))
    db.session.refresh(token)
    assert token.last_used_at is not None


def test_scopes_cap_what_a_token_may_do(as_, world):
    reader = as_(world.supervisor, "read")
    response = reader.put(f"/api/v1/audits/{world.audit.id}/outcomes", json={"csat": 4})
    assert response.status_code == 403 and "write" in response.get_json()["detail"]
    assert as_(world.supervisor, "write").get("/api/v1/audits").status_code == 200  # write includes read


def test_roles_apply_as_on_the_pages(as_, world):
    """A trainer may not list audits (the audit pages are for staff and supervisors)."""
    assert as_(world.trainer).get("/api/v1/audits").status_code == 403
    assert as_(world.staff).post("/api/v1/audits", json={}).status_code == 403


# -- users and teams ------------------------------------------------------------------------------------

def test_users_admin_creates_deactivates_and_moves_a_user(as_, world):
    admin = as_(world.admin)
    response = admin.post("/api/v1/users", json={"name": "Hana HR", "email": "hana@example.com",
                                                 "roles": ["staff"], "team_id": world.team.id})
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["roles"] == ["staff"] and created["team_id"] == world.team.id and created["active"]
    moved = admin.patch(f"/api/v1/users/{created['id']}", json={"team_id": world.other_team.id}).get_json()
    assert moved["team_id"] == world.other_team.id
    assert admin.patch(f"/api/v1/users/{created['id']}", json={"active": False}).get_json()["active"] is False
    duplicate = admin.post("/api/v1/users", json={"name": "Again", "email": "HANA@example.com", "roles": ["trainer"]})
    assert duplicate.status_code == 409 and duplicate.get_json()["field"] == "email"


def test_users_a_staff_member_needs_a_team(as_, world):
    response = as_(world.admin).post("/api/v1/users", json={"name": "No Team", "email": "nt@example.com",
                                                            "roles": ["staff"]})
    assert response.status_code == 422 and response.get_json()["field"] == "team_id"


def test_users_supervisors_see_their_teams_members_only(as_, world):
    page = as_(world.supervisor).get("/api/v1/users?limit=200").get_json()
    names = {user["name"] for user in page["items"]}
    assert {"Sam Staff", "Sue Supervisor"} <= names and "Olga Other" not in names
    assert as_(world.supervisor).get(f"/api/v1/users/{world.other_staff.id}").status_code == 404


def test_teams_admin_creates_a_team_and_staff_see_their_own(as_, world):
    response = as_(world.admin).post("/api/v1/teams", json={"name": "Night shift"})
    assert response.status_code == 201
    assert as_(world.admin).post("/api/v1/teams", json={"name": "night SHIFT"}).status_code == 409
    mine = as_(world.staff).get("/api/v1/teams").get_json()["items"]
    assert [team["name"] for team in mine] == ["Access team"]


def test_admin_writes_need_the_admin_scope_and_role(as_, world):
    assert as_(world.admin, "write").post("/api/v1/teams", json={"name": "X"}).status_code == 403
    assert as_(world.supervisor).post("/api/v1/teams", json={"name": "X"}).status_code == 403


# -- standards and courses ------------------------------------------------------------------------------

def test_standards_with_versions_and_courses(as_, world):
    caller = as_(world.staff, "read")
    standards = caller.get("/api/v1/standards?limit=200").get_json()["items"]
    world_standard = next(s for s in standards if s["key"] == "world-audit-standard")
    assert [step["key"] for step in world_standard["current_version"]["steps"]] == ["greet", "needs", "close"]
    versions = caller.get(f"/api/v1/standards/{world_standard['id']}/versions").get_json()
    assert [v["number"] for v in versions] == [1]
    course = caller.get(f"/api/v1/courses/{world.course.id}").get_json()
    assert course["key"] == "world-course" and course["current_version"]["modules"][0]["key"] == "basics"
    assert caller.get("/api/v1/courses/999999").status_code == 404


# -- audits ---------------------------------------------------------------------------------------------

def test_audits_list_is_filtered_like_the_page_and_paged_by_cursor(as_, factory, world):
    for number in range(3):
        factory.audit(world.staff, world.supervisor, world.audit_version, customer_ref=f"PAGE-{number}",
                      interacted_on=date.today() - timedelta(days=number + 1),
                      ratings={"greet": "met", "needs": "not_met" if number == 0 else "met", "close": "met"})
    caller = as_(world.supervisor)
    seen, cursor = [], None
    while True:
        page = caller.get("/api/v1/audits?limit=2" + (f"&cursor={cursor}" if cursor else "")).get_json()
        seen += [audit["id"] for audit in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 6
    failed = caller.get("/api/v1/audits?result=failed").get_json()["items"]
    assert [a["customer_ref"] for a in failed] == ["PAGE-0"] and failed[0]["passed"] is False
    passed = caller.get(f"/api/v1/audits?result=passed&staff={world.staff.id}").get_json()["items"]
    assert len(passed) == 6 - len(failed) and all(a["passed"] for a in passed)
    assert as_(world.other_staff).get("/api/v1/audits").get_json()["items"] == []
    bad = caller.get("/api/v1/audits?cursor=not-a-cursor")
    assert bad.status_code == 400 and bad.get_json()["field"] == "cursor"
    assert caller.get("/api/v1/audits?limit=5000").get_json()["field"] == "limit"


def test_audits_a_supervisor_records_one_scored_by_the_same_rules(as_, world):
    body = {"staff_id": world.staff.id, "standard_id": world.audit_version.standard_id, "channel": "phone",
            "interacted_on": date.today().isoformat(), "customer_ref": "API-1",
            "ratings": {"greet": "partial", "needs": "met", "close": "met"}}
    response = as_(world.supervisor).post("/api/v1/audits", json=body)
    assert response.status_code == 201, response.get_json()
    audit = response.get_json()
    assert audit["score"] == "87.5" and audit["passed"] is True and audit["revision"] == 1
    assert {r["step_key"]: r["rating"] for r in audit["ratings"]}["greet"] == "partial"
    critical = dict(body, ratings={"greet": "met", "needs": "partial", "close": "met"})
    refused = as_(world.supervisor).post("/api/v1/audits", json=critical)
    assert refused.status_code == 422 and refused.get_json()["field"] == "ratings.needs"
    foreign = as_(world.supervisor).post("/api/v1/audits", json=dict(body, staff_id=world.other_staff.id))
    assert foreign.status_code == 422 and foreign.get_json()["field"] == "staff_id"


def test_audits_bad_input_is_a_problem_naming_the_field(as_, world):
    response = as_(world.supervisor).post("/api/v1/audits", json={"staff_id": "x"})
    assert response.status_code == 422
    problem = response.get_json()
    assert response.content_type == "application/problem+json"
    assert {e["field"] for e in problem["errors"]} >= {"staff_id", "channel", "ratings"}
    broken = as_(world.supervisor).post("/api/v1/audits", data="{not json", content_type="application/json")
    assert broken.status_code == 400 and broken.get_json()["field"] == "body"


# -- outcomes -------------------------------------------------------------------------------------------

def test_outcomes_per_audit(as_, world):
    response = as_(world.supervisor).put(f"/api/v1/audits/{world.audit.id}/outcomes",
                                         json={"csat": 4, "order_value": "12.50"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["csat"] == 4 and response.get_json()["order_value"] == "12.50"
    bad = as_(world.supervisor).put(f"/api/v1/audits/{world.audit.id}/outcomes", json={"order_value": "1.234"})
    assert bad.status_code == 422 and bad.get_json()["field"] == "order_value"
    assert as_(world.staff).put(f"/api/v1/audits/{world.audit.id}/outcomes", json={"csat": 1}).status_code == 403


def test_outcomes_by_customer_reference_all_or_nothing(as_, world):
    today = date.today().isoformat()
    caller = as_(world.supervisor)
    wrong = caller.post("/api/v1/outcomes", json={"outcomes": [
        {"customer_ref": "WORLD-1", "interacted_on": today, "retained_90d": True},
        {"customer_ref": "NO-SUCH", "interacted_on": today, "csat": 3}]})
    assert wrong.status_code == 422 and wrong.get_json()["field"] == "outcomes.1"
    assert db.session.get(Audit, world.audit.id).retained_90d is None
    right = caller.post("/api/v1/outcomes", json={"outcomes": [
        {"customer_ref": "WORLD-1", "interacted_on": today, "retained_90d": True, "repeat_purchase": False}]})
    assert right.status_code == 200 and right.get_json() == {"changed": 1, "unchanged": 0}
    audit = db.session.get(Audit, world.audit.id)
    assert audit.retained_90d is True and audit.repeat_purchase is False


def test_writes_with_an_idempotency_key_happen_once(as_, world):
    caller = as_(world.supervisor)
    body = {"outcomes": [{"customer_ref": "WORLD-1", "interacted_on": date.today().isoformat(), "csat": 5}]}
    first = caller.post("/api/v1/outcomes", json=body, headers={"Idempotency-Key": "push-1"})
    audit = db.session.get(Audit, world.audit.id)
    recorded_at = audit.outcomes_recorded_at
    again = caller.post("/api/v1/outcomes", json=body, headers={"Idempotency-Key": "push-1"})
    assert again.status_code == first.status_code == 200
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    db.session.refresh(audit)
    assert audit.outcomes_recorded_at == recorded_at
    other = caller.post("/api/v1/outcomes", json={"outcomes": [dict(body["outcomes"][0], csat=1)]},
                        headers={"Idempotency-Key": "push-1"})
    assert other.status_code == 422 and other.get_json()["field"] == "Idempotency-Key"


# -- interactions ---------------------------------------------------------------------------------------

def test_interactions_one_and_many_as_json_lines(as_, world):
    caller = as_(world.supervisor)
    one = caller.post("/api/v1/interactions", json={
        "external_id": "API-I-1", "staff_email": world.staff.email, "channel": "chat",
        "started_at": "2026-11-20T10:00:00Z", "customer_ref": "C-API-1",
        "messages": [{"speaker": "customer", "text": "Hi"}, {"speaker": "staff", "text": "Hello!"}]})
    assert one.status_code == 201 and one.get_json() == {"created": 1, "already_imported": 0, "messages": 2}
    lines = "\n".join(json.dumps({"external_id": f"API-B-{n}", "staff_email": world.staff.email, "channel": "phone",
                                  "started_at": "2026-11-21T09:00:00", "customer_ref": f"C-B-{n}"})
                      for n in range(3))
    many = caller.post("/api/v1/interactions/bulk", data=lines, content_type="application/x-ndjson")
    assert many.status_code == 201 and many.get_json()["created"] == 3
    count = db.session.execute(select(func.count(Interaction.id))).scalar_one()
    bad = caller.post("/api/v1/interactions/bulk", content_type="application/x-ndjson",
                      data=lines.replace("API-B", "API-C") + "\n{\"staff_email\": \"x\"}")
    assert bad.status_code == 422 and bad.get_json()["line"] == 4
    assert db.session.execute(select(func.count(Interaction.id))).scalar_one() == count  # all or nothing
    foreign = caller.post("/api/v1/interactions", json={
        "staff_email": world.other_staff.email, "channel": "chat", "started_at": "2026-11-20T10:00:00Z",
        "customer_ref": "C-X"})
    assert foreign.status_code == 422


# -- assignments and certificates -----------------------------------------------------------------------

def test_assignments_and_certificates_of_people_you_may_see(as_, world):
    mine = as_(world.staff).get("/api/v1/certificates").get_json()["items"]
    assert [c["id"] for c in mine] == [world.certificate.id]
    assert as_(world.supervisor).get(f"/api/v1/certificates?user={world.staff.id}").get_json()["items"]
    assert as_(world.supervisor).get(f"/api/v1/assignments?user={world.other_staff.id}").status_code == 404
    assignments = as_(world.staff).get("/api/v1/assignments").get_json()["items"]
    assert all(a["user_id"] == world.staff.id for a in assignments)


# -- charts ---------------------------------------------------------------------------------------------

def test_chart_numbers_are_the_csv_figures(as_, client, login, world):
    numbers = as_(world.supervisor).get(f"/api/v1/charts/pareto?standard={world.audit_version.standard_id}")
    assert numbers.status_code == 200, numbers.get_json()
    body = numbers.get_json()
    assert body["columns"] == ["step key", "step", "nonconforming", "percent", "cumulative percent"]
    login(world.supervisor)
    csv_text = client.get(f"/quality/data.csv?chart=pareto&standard={world.audit_version.standard_id}").get_data(
        as_text=True)
    csv_rows = [line.split(",") for line in csv_text.strip().splitlines()[1:]]
    assert [[str(cell) for cell in row] for row in body["rows"]] == csv_rows
    assert as_(world.supervisor).get("/api/v1/charts/step?key=nope").status_code == 404
    assert as_(world.supervisor).get(f"/api/v1/charts/failure?team={world.other_team.id}").status_code == 404


# -- limits ---------------------------------------------------------------------------------------------

def test_rate_limit_answers_429_problem(app, as_, world):
    caller = as_(world.staff, "read")
    app.config["BRO_API_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [caller.get("/api/v1/me").status_code for _ in range(4)]
        last = caller.get("/api/v1/me")
    finally:
        app.config["BRO_API_RATE_LIMIT"] = "600 per minute"
    assert codes[:3] == [200, 200, 200] and last.status_code == 429
    assert last.content_type == "application/problem+json" and 0 < int(last.headers["Retry-After"]) <= 60
    assert "Retry-After" not in caller.get("/api/v1/courses/999999").headers  # only a 429 asks to wait


def test_openapi_document_and_reference_page_are_served_without_a_token(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    for path in spec["paths"]:
        assert path in page.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/api/v1/audits?limit={n}", "/api/v1/users?limit={n}", "/api/v1/standards?limit={n}",
                                 "/api/v1/certificates?limit={n}", "/api/v1/assignments?limit={n}"])
def test_a_longer_page_runs_no_more_queries(as_, factory, world, url):
    from tests.conftest import count_queries

    for number in range(6):
        factory.audit(world.staff, world.supervisor, world.audit_version, customer_ref=f"Q-{number}")
    caller = as_(world.admin)
    caller.get(url.format(n=1))  # the token's first use is recorded once (a write); measure after it
    with count_queries() as one:
        assert caller.get(url.format(n=1)).status_code == 200
    with count_queries() as many:
        assert caller.get(url.format(n=200)).status_code == 200
    assert many.count == one.count, many.statements


def test_chart_numbers_are_bounded_like_the_dashboard(app, as_, world):
    """One person's concurrent heavy reads are capped as on the pages (bro.limits): the next is a 429."""
    from bro.limits import user_slot

    caller = as_(world.supervisor, "read")
    app.config["BRO_HEAVY_VIEWS_PER_USER"] = 1
    try:
        with user_slot(world.supervisor.id, 1):
            busy = caller.get("/api/v1/charts/pareto")
    finally:
        app.config["BRO_HEAVY_VIEWS_PER_USER"] = 2
    assert busy.status_code == 429 and busy.content_type == "application/problem+json"
    assert busy.headers["Retry-After"] == "5"
    assert caller.get("/api/v1/charts/pareto").status_code == 200


def test_outcomes_match_references_that_look_like_formulas_or_hold_quotes(as_, factory, world):
    for reference in ('=SUM(A1)', 'C "7", east'):
        factory.audit(world.staff, world.supervisor, world.audit_version, customer_ref=reference)
    response = as_(world.supervisor).post("/api/v1/outcomes", json={"outcomes": [
        {"customer_ref": reference, "interacted_on": date.today().isoformat(), "csat": 2}
        for reference in ('=SUM(A1)', 'C "7", east')]})
    assert response.status_code == 200 and response.get_json()["changed"] == 2


def test_a_path_that_exists_for_no_method_is_404_not_405(as_, world):
    response = as_(world.admin).patch(f"/api/v1/users/{2**40}", json={"active": True})
    assert response.status_code == 404 and response.content_type == "application/problem+json"
    assert as_(world.admin).open("DELETE", f"/api/v1/users/{world.staff.id}").status_code == 405

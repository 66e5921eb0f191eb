"""docs/examples/crm_push_outcomes.py, the CRM example of the README, run as written (urllib and all, its
requests answered by the test app): 1,000 outcomes pushed with a token, then seen on the evidence page."""
from __future__ import annotations

import importlib.util
import io
import re
import urllib.error
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "crm_push_outcomes.py"
OUTCOMES = 1000


@pytest.fixture
def crm_example(client, monkeypatch):
    """The example module, its urlopen answered by the test client (as a live server would answer)."""
    spec = importlib.util.spec_from_file_location("crm_push_outcomes", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sent = []

    class Answer(io.BytesIO):
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def urlopen(request, timeout=None):
        parts = urlsplit(request.full_url)
        response = client.open(parts.path, method=request.get_method(), data=request.data,
                               headers=dict(request.header_items()))
        sent.append((request.get_method(), parts.path, response.status_code))
        if response.status_code >= 400:
            raise urllib.error.HTTPError(request.full_url, response.status_code, response.status,
                                         response.headers, io.BytesIO(response.data))
        return Answer(response.data)

    monkeypatch.setattr(module.urllib.request, "urlopen", urlopen)
    module.sent = sent
    return module


def _audits_in_bulk(version, staff, auditor, first_day: date) -> list[tuple[str, date]]:
    """OUTCOMES audits scored by bro.scoring, written in a few statements (recording 1,000 audits one by one
    would take most of a minute): the audit rows and the step results the evidence page reads."""
    from sqlalchemy import insert

    from bro.audits.operations import _score_columns, step_specs
    from bro.extensions import db
    from bro.models.audits import Audit, AuditStepResult
    from bro.scoring import NONCONFORMING, score_audit

    audits, ratings_of = [], []
    for number in range(OUTCOMES):
        ratings = {"greet": "met" if number % 5 else "not_met", "needs": "met",
                   "close": "met" if number % 3 else "partial"}
        result = score_audit(step_specs(version), ratings, version.pass_score)
        person = staff[number % len(staff)]
        audits.append({"staff_id": person.id, "team_id": person.team_id, "auditor_id": auditor.id,
                       "standard_id": version.standard_id, "standard_version_id": version.id,
                       "relationship_kind": "b2c", "channel": "phone", "customer_ref": f"CRM-{number}",
                       "interacted_on": first_day + timedelta(days=number // 8), "revision_number": 1,
                       "passed": result.passed, "status": "recorded", **_score_columns(result)})
        ratings_of.append(ratings)
    ids = db.session.execute(insert(Audit).returning(Audit.id, sort_by_parameter_order=True), audits).scalars().all()
    db.session.execute(insert(AuditStepResult), [
        {"audit_id": audit_id, "step_key": key, "standard_id": row["standard_id"], "team_id": row["team_id"],
         "staff_id": row["staff_id"], "interacted_on": row["interacted_on"], "rating": rating, "rated": True,
         "nonconforming": rating in {r.value for r in NONCONFORMING}}
        for audit_id, row, ratings in zip(ids, audits, ratings_of) for key, rating in ratings.items()])
    return [(row["customer_ref"], row["interacted_on"]) for row in audits]


def test_a_crm_pushes_1000_outcomes_that_appear_on_the_evidence_page(crm_example, factory, world, client, login):
    version = world.audit_version
    staff = [world.staff] + [factory.staff(team=world.team) for _ in range(3)]
    first_day = date.today() - timedelta(days=OUTCOMES // 8)
    rows = []
    for number, (reference, day) in enumerate(_audits_in_bulk(version, staff, world.supervisor, first_day)):
        rows.append({"customer_ref": reference, "interacted_on": day.isoformat(),
                     "retained_90d": "yes" if (number % 5 and number % 7) else "no", "csat": str(3 + number % 3)})
    token = factory.api_token(world.supervisor, "write")

    outcomes = [crm_example.outcome_from_row(row) for row in rows]
    totals = crm_example.push_outcomes("http://bro.test", token, outcomes)

    assert totals == {"changed": OUTCOMES, "unchanged": 0, "batches": 4}
    assert [status for _method, _path, status in crm_example.sent] == [200] * 4
    # A retry of everything (a lost answer) records nothing twice: the same keys replay the first answers.
    assert crm_example.push_outcomes("http://bro.test", token, outcomes)["changed"] == OUTCOMES
    login(world.supervisor)
    page = client.get(f"/quality/evidence?standard={version.standard_id}&team={world.team.id}"
                      f"&from={first_day.isoformat()}").get_data(as_text=True)
    assert "No audits with recorded outcomes" not in page
    first_row = page.split("outcomes-table")[1].split("</tr>")[1]
    counts = [int(n) for n in re.findall(r"n = (\d+)", first_row)]
    assert sum(counts) == OUTCOMES  # passed + failed audits with outcomes: every one pushed


def test_the_crm_example_reports_a_refused_batch(crm_example, factory, world):
    token = factory.api_token(world.supervisor, "write")
    with pytest.raises(crm_example.PushRefused) as refused:
        crm_example.push_outcomes("http://bro.test", token, [
            {"customer_ref": "NOBODY", "interacted_on": date.today().isoformat(), "csat": 4}])
    assert refused.value.status == 422 and refused.value.problem["field"] == "outcomes.0"

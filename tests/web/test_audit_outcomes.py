"""Customer outcomes by CSV: matched on customer reference + date, all or nothing, row-numbered errors."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from bro.extensions import db
from bro.models.audits import Audit

TODAY = date.today()
YESTERDAY = TODAY - timedelta(days=1)


@pytest.fixture
def audits(factory):
    team = factory.team()
    staff, supervisor = factory.staff(team=team), factory.supervisor(team)
    version = factory.audit_standard()
    first = factory.audit(staff, supervisor, version, customer_ref="C-1", interacted_on=YESTERDAY)
    second = factory.audit(staff, supervisor, version, customer_ref="C-2", interacted_on=TODAY)
    other_team = factory.team()
    foreign = factory.audit(factory.staff(team=other_team), factory.supervisor(other_team), version,
                            customer_ref="C-9", interacted_on=TODAY)
    return supervisor, first, second, foreign


def _upload(client, text: str, **fields):
    """Step 1: the preview (nothing written)."""
    return client.post("/audits/outcomes/import", data={"file": (io.BytesIO(text.encode()), "outcomes.csv"),
                                                        **fields}, content_type="multipart/form-data")


def _token(page: str) -> str:
    return re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)


def _import(client, text: str, **fields):
    """Preview, then apply what the preview showed."""
    preview = _upload(client, text, **fields)
    assert preview.status_code == 200, preview.get_data(as_text=True)[:2000]
    return client.post("/audits/outcomes/import/apply", data={"token": _token(preview.get_data(as_text=True))})


def _recorded() -> int:
    return db.session.execute(select(func.count(Audit.id)).where(Audit.outcomes_recorded_at.is_not(None))).scalar_one()


def test_outcomes_csv_with_bad_rows_imports_nothing_and_names_every_row(client, login, audits):
    supervisor, *_ = audits
    login(supervisor)
    text = ("customer_ref,interacted_on,csat,repeat_purchase,referral_made,retained_90d,order_value\n"
            f"C-1,{YESTERDAY},5,yes,no,,120.00\n"          # row 2: fine
            f"C-2,{TODAY},7,maybe,,,\n"                     # row 3: csat and repeat_purchase wrong
            f"C-404,{TODAY},4,,,,\n"                        # row 4: no such audit
            f"C-2,31/12/2026,4,,,,\n"                       # row 5: bad date
            f"C-9,{TODAY},4,,,,\n"                          # row 6: another team's audit is not visible
            f"C-1,{YESTERDAY},3,,,,-5\n")                   # row 7: negative order value
    response = _upload(client, text)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for row in (3, 4, 5, 6, 7):
        assert f"Row {row}:" in page
    assert "Row 2:" not in page
    assert "csat must be a whole number from 1 to 5" in page and "repeat_purchase must be yes or no" in page
    assert _recorded() == 0


def test_outcomes_csv_records_every_row_when_all_are_good(client, login, audits):
    supervisor, first, second, _foreign = audits
    login(supervisor)
    text = ("customer_ref,interacted_on,csat,repeat_purchase,order_value\n"
            f"C-1,{YESTERDAY},5,yes,120.50\n"
            f"C-2,{TODAY},2,no,\n")
    assert _import(client, text).status_code == 302
    db.session.expire_all()
    assert (db.session.get(Audit, first.id).csat, db.session.get(Audit, first.id).repeat_purchase) == (5, True)
    assert (db.session.get(Audit, second.id).csat, db.session.get(Audit, second.id).repeat_purchase) == (2, False)
    assert _recorded() == 2


def test_outcomes_csv_with_a_wrong_header_explains_the_columns(client, login, audits):
    supervisor, *_ = audits
    login(supervisor)
    response = _upload(client, "reference,date,csat\nC-1,2026-01-01,5\n")
    assert response.status_code == 400
    assert "Row 1:" in response.get_data(as_text=True) and "customer_ref" in response.get_data(as_text=True)

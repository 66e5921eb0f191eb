"""Customer outcomes by CSV: matched on customer reference + date, all or nothing, row-numbered errors."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

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


# Numbers: finite and within Numeric(12, 2), on the page and in the file -------------------------------------------

BAD_ORDER_VALUES = ["Infinity", "-Infinity", "1e30", "sNaN", "NaN", "12345678901234.99", "1.005", "-5"]


@pytest.mark.parametrize("value", BAD_ORDER_VALUES)
def test_an_order_value_that_is_not_finite_or_too_large_is_a_form_error(client, login, audits, value):
    supervisor, first, *_ = audits
    login(supervisor)
    response = client.post(f"/audits/{first.id}/outcomes", data={"csat": "4", "order_value": value})
    assert response.status_code == 400
    assert 'id="order_value-errors"' in response.get_data(as_text=True)
    assert _recorded() == 0
    assert client.get(f"/audits/{first.id}").status_code == 200


def test_the_largest_order_value_the_column_holds_is_accepted(client, login, audits):
    supervisor, first, *_ = audits
    login(supervisor)
    response = client.post(f"/audits/{first.id}/outcomes", data={"order_value": "9999999999.99"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Audit, first.id).order_value == Decimal("9999999999.99")


def test_the_audit_page_survives_a_stored_value_that_is_not_finite(app, client, login, audits):
    """SQLite kept Infinity before the form refused it; the page shows a dash instead of a 500."""
    supervisor, first, *_ = audits
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's numeric(12, 2) never held such a value")
    db.session.execute(text("UPDATE audits SET order_value = 9e999 WHERE id = :id"), {"id": first.id})
    db.session.execute(text("UPDATE audits SET outcomes_recorded_at = CURRENT_TIMESTAMP WHERE id = :id"),
                       {"id": first.id})
    db.session.commit()
    login(supervisor)
    response = client.get(f"/audits/{first.id}")
    assert response.status_code == 200 and "∞" not in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ["1e30", "Infinity", "NaN", "sNaN", "12345678901234.99", "1" * 200])
def test_outcomes_csv_refuses_order_values_outside_the_column(client, login, audits, value):
    supervisor, *_ = audits
    login(supervisor)
    response = _upload(client, f"customer_ref,interacted_on,order_value\nC-1,{YESTERDAY},{value}\n")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Row 2:" in page and "order_value" in page
    assert _recorded() == 0


# Only what the file says changes, and only after the preview ------------------------------------------------------

FULL = {"csat": 2, "repeat_purchase": True, "referral_made": False, "retained_90d": True,
        "order_value": Decimal("80.00")}


def _with_outcomes(audit):
    for name, value in FULL.items():
        setattr(audit, name, value)
    audit.outcomes_recorded_at = date.today()
    db.session.commit()


def test_a_file_with_some_columns_leaves_the_other_outcomes_alone(client, login, audits):
    supervisor, first, *_ = audits
    _with_outcomes(first)
    login(supervisor)
    assert _import(client, f"customer_ref,interacted_on,csat\nC-1,{YESTERDAY},5\n").status_code == 302
    db.session.expire_all()
    audit = db.session.get(Audit, first.id)
    assert {name: getattr(audit, name) for name in FULL} == {**FULL, "csat": 5}


def test_empty_cells_leave_values_alone_unless_clearing_is_chosen(client, login, audits):
    supervisor, first, *_ = audits
    _with_outcomes(first)
    login(supervisor)
    text = f"customer_ref,interacted_on,csat,repeat_purchase,order_value\nC-1,{YESTERDAY},4,,\n"
    assert _import(client, text).status_code == 302
    db.session.expire_all()
    assert {name: getattr(db.session.get(Audit, first.id), name) for name in FULL} == {**FULL, "csat": 4}

    assert _import(client, text, clear_empty="y").status_code == 302
    db.session.expire_all()
    audit = db.session.get(Audit, first.id)
    # the empty cells cleared their values; referral_made and retained_90d are not in the file
    assert {name: getattr(audit, name) for name in FULL} == \
        {**FULL, "csat": 4, "repeat_purchase": None, "order_value": None}


def test_the_preview_shows_old_and_new_values_and_writes_nothing(client, login, audits):
    supervisor, first, second, _foreign = audits
    _with_outcomes(first)
    login(supervisor)
    response = _upload(client, f"customer_ref,interacted_on,csat,order_value\nC-1,{YESTERDAY},5,80\n"
                               f"C-2,{TODAY},,\n")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<del>2</del>" in page and "<ins>5</ins>" in page  # csat 2 → 5
    assert "Order value" not in page.split("<tbody>")[1]  # 80.00 → 80 is no change
    assert "1 audit changes." in page and "1 row changes nothing." in page
    db.session.expire_all()
    assert db.session.get(Audit, first.id).csat == 2 and db.session.get(Audit, second.id).csat is None


def test_apply_refuses_a_token_that_is_forged_or_someone_elses(client, login, factory, audits):
    supervisor, first, *_ = audits
    colleague = factory.supervisor(first.team)
    db.session.commit()
    login(supervisor)
    page = _upload(client, f"customer_ref,interacted_on,csat\nC-1,{YESTERDAY},5\n").get_data(as_text=True)
    token = _token(page)
    forged = client.post("/audits/outcomes/import/apply", data={"token": token[:-3] + "abc"})
    assert forged.status_code == 302 and forged.headers["Location"].endswith("/audits/outcomes/import")
    client.post("/logout")
    login(colleague)
    assert client.post("/audits/outcomes/import/apply", data={"token": token}).status_code == 302
    assert _recorded() == 0


def test_apply_shows_the_preview_again_when_the_outcomes_changed_meanwhile(client, login, audits):
    supervisor, first, *_ = audits
    login(supervisor)
    page = _upload(client, f"customer_ref,interacted_on,csat\nC-1,{YESTERDAY},5\n").get_data(as_text=True)
    first.csat = 3  # someone recorded an outcome on the audit page after the preview
    db.session.commit()
    again = client.post("/audits/outcomes/import/apply", data={"token": _token(page)})
    assert again.status_code == 409 and "<del>3</del>" in again.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Audit, first.id).csat == 3


# Files spreadsheets really write, and broken ones ------------------------------------------------------------------


def test_cr_only_line_endings_import(client, login, audits):
    supervisor, first, second, _foreign = audits
    login(supervisor)
    text = f"customer_ref,interacted_on,csat\rC-1,{YESTERDAY},5\rC-2,{TODAY},\"4\"\r"
    assert _import(client, text).status_code == 302
    db.session.expire_all()
    assert (db.session.get(Audit, first.id).csat, db.session.get(Audit, second.id).csat) == (5, 4)


@pytest.mark.parametrize("text, message", [
    (f"customer_ref,interacted_on,csat\nC-1,{YESTERDAY},\"5\nC-2,{TODAY},4\n", "never closed"),
    (f"customer_ref,interacted_on,csat\nC-1,{YESTERDAY},\"{'x' * (130 * 1024)}\"\n", "longer than"),
    (f"customer_ref,interacted_on,csat\nC-1,{YESTERDAY},{'x' * (130 * 1024)}\n", "longer than"),
    ("\"customer_ref,interacted_on,csat\n", "never closed"),
    (f"customer_ref,interacted_on,csat\nC-1,{YESTERDAY},²\n", "csat must be a whole number from 1 to 5"),
])
def test_unreadable_csv_is_a_row_error_not_a_crash(client, login, audits, text, message):
    supervisor, *_ = audits
    login(supervisor)
    response = _upload(client, text)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Row " in page and message in page, page[:3000]
    assert _recorded() == 0

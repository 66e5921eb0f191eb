"""One rounding: audit scores are stored exactly and rounded once, half-up, for every place that shows them.

Weights 91 (met) and 10 (partial) score 100 x 96/101 = 95.0495...: the old 3-decimal store rounded it to 95.050
and every page showed 95.1. It must show 95.0 everywhere.
"""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy import select

from bro.audits.operations import correct_audit, dispute_audit
from bro.extensions import db
from bro.models.audits import AuditWeek
from bro.scoring import display_score

NINETY_ONE_TEN = (("big", 91, False), ("small", 10, False))
RATINGS = {"big": "met", "small": "partial"}


@pytest.fixture
def awkward_audit(factory):
    team = factory.team()
    staff = factory.staff(team=team)
    supervisor = factory.supervisor(team)
    version = factory.audit_standard(NINETY_ONE_TEN, pass_score=80)
    audit = factory.audit(staff, supervisor, version, ratings=RATINGS)
    db.session.commit()
    return audit, staff, supervisor


def test_the_score_is_stored_exactly_as_earned_over_possible(awkward_audit):
    audit, _staff, _supervisor = awkward_audit
    assert (audit.score_earned, audit.score_possible) == (Decimal("96.0000"), Decimal("101.0000"))
    assert audit.exact_score == Fraction(9600, 101)
    revision = audit.current_revision
    assert (revision.score_earned, revision.score_possible, revision.score) == \
        (audit.score_earned, audit.score_possible, audit.score)


def test_the_sql_score_key_is_truncated_so_it_rounds_like_the_exact_score(awkward_audit):
    audit, _staff, _supervisor = awkward_audit
    assert audit.score == Decimal("95.049")
    assert display_score(audit.score) == display_score(audit.exact_score) == "95.0"


def test_the_weekly_summary_sums_the_same_stored_scores(awkward_audit):
    audit, _staff, _supervisor = awkward_audit
    week = db.session.execute(select(AuditWeek).where(AuditWeek.team_id == audit.team_id)).scalar_one()
    assert week.score_sum == audit.score == Decimal("95.049")


def test_ninety_one_ten_shows_95_0_on_the_audit_page_list_and_csv(client, login, awkward_audit):
    audit, _staff, supervisor = awkward_audit
    login(supervisor)
    page = client.get(f"/audits/{audit.id}").get_data(as_text=True)
    assert "95.0" in page and "95.1" not in page
    listing = client.get("/audits/").get_data(as_text=True)
    assert "95.0" in listing and "95.1" not in listing
    csv = client.get("/audits/export.csv").get_data(as_text=True)
    assert ",95.0," in csv and "95.1" not in csv


def test_ninety_one_ten_shows_95_0_on_the_dispute_pages(client, login, factory, awkward_audit):
    audit, staff, supervisor = awkward_audit
    login(staff)
    form = client.get(f"/audits/{audit.id}/dispute").get_data(as_text=True)
    assert "95.0" in form and "95.1" not in form
    dispute_audit(audit, staff, "The partial was a met.")
    db.session.commit()
    other = factory.supervisor(audit.team)
    db.session.commit()
    client.post("/logout")
    login(other)
    for url in ("/audits/disputes", f"/audits/{audit.id}/resolve"):
        page = client.get(url).get_data(as_text=True)
        assert "95.0" in page and "95.1" not in page, url


def test_a_correction_moves_the_exact_score_and_the_weekly_sum_together(awkward_audit):
    audit, _staff, supervisor = awkward_audit
    correct_audit(audit, by=supervisor, ratings={"big": "met", "small": "met"}, reason="Misheard the close.")
    db.session.flush()
    assert (audit.exact_score, audit.score) == (Fraction(100), Decimal("100.000"))
    assert display_score(audit.revisions[0].exact_score) == "95.0"
    week = db.session.execute(select(AuditWeek).where(AuditWeek.team_id == audit.team_id)).scalar_one()
    assert week.score_sum == Decimal("100.000")

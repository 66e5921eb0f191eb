"""Every CSV bro writes neutralises cells a spreadsheet would run as formulas (one helper: bro.csvout)."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from bro.csvout import safe_cell, stream_csv, to_csv

FORMULAS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "=HYPERLINK(\"http://evil.example\",\"x\")"]


@pytest.mark.parametrize("value", FORMULAS + ["\t=1+1", "\r=1+1"])
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["C-100", "plain", "", "1=1", 5, -5, 1.5])
def test_other_cells_are_written_as_they_are(value):
    assert safe_cell(value) == value


def test_streamed_and_whole_csv_agree():
    rows = [["ref", "value"], *[[f"=R{n}", n] for n in range(3000)]]
    assert "".join(stream_csv(rows, chunk_size=1000)) == to_csv(rows)


def test_every_csv_writer_in_bro_is_the_safe_one():
    root = Path(__file__).parents[2] / "bro"
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if path.name != "csvout.py" and re.search(r"csv\.(writer|DictWriter)\(", path.read_text())]
    assert offenders == [], "write CSV with bro.csvout (it neutralises formulas)"


def test_audit_export_neutralises_formula_customer_references(client, login, factory):
    team = factory.team()
    staff, supervisor = factory.staff(team=team), factory.supervisor(team)
    version = factory.audit_standard()
    for reference in FORMULAS + ["\t=1+1", "C-7"]:
        factory.audit(staff, supervisor, version, customer_ref=reference)
    login(supervisor)
    response = client.get("/audits/export.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    exported = sorted(row["customer_ref"] for row in rows)
    assert exported == sorted(["'" + f for f in FORMULAS] + ["'=1+1", "C-7"])
    assert not any(cell[:1] in "=+-@" for row in rows for cell in row.values() if cell)

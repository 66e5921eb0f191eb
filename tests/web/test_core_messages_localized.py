"""Messages of the pure cores (checker, diff, scoring) reach a Polish reader in Polish; positions stay exact."""
from __future__ import annotations

import html
import io
import re

import pytest
from flask_babel import force_locale

from bro.audits.operations import AuditRefused, _score
from bro.curricula import check_text
from bro.curricula.diff import diff_standards
from bro.i18n import translate_message
from bro.scoring import InvalidAudit, StepSpec, score_audit
from tests.factories import SAMPLE_CURRICULUM

BAD_UPLOAD = b"""\
kind: standard
id: tiny
title: Tiny
relationship: b2c
pass_score: 80
steps:
  - id: greet
    title: Greet
    weight: 0
  - id: listen
    title: Listen
    wieght: 2
"""


def page_text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def test_checker_errors_are_polish_with_the_position_and_field_path_unchanged(client, factory, login):
    login(factory.trainer(language="pl"))
    response = client.post("/curricula/upload", data={"file": (io.BytesIO(BAD_UPLOAD), "mine.yaml"), "submit": "1"},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    page = page_text(response)
    assert "wiersz 9, kolumna 13</a>: <code>steps[0].weight</code>: musi być większe od 0" in page
    assert "<code>steps[1].wieght</code>: nieznane pole 'wieght'; czy chodziło o 'weight'?" in page
    assert "must be greater than 0" not in page and "unknown field" not in page


def test_compare_summaries_are_polish_with_polish_numbers(client, factory, login):
    login(factory.trainer(language="pl"))
    factory.curricula()
    factory.curricula(SAMPLE_CURRICULUM.replace("    weight: 2\n    critical: true", "    weight: 2.5\n"))
    page = page_text(client.get("/curricula/standards/sample-service/compare"))
    assert "Zmieniono wagę kroku 'confirm' z 2 na 2,5" in page
    assert "Krok 'confirm' nie jest już krytyczny" in page
    assert "Step 'confirm' reweighted" not in page and "no longer critical" not in page


def test_scoring_problems_are_polish_in_a_polish_request(app):
    steps = [StepSpec(key="greet", weight=1, critical=True), StepSpec(key="listen", weight=1, critical=False)]
    with pytest.raises(InvalidAudit) as caught:
        score_audit(steps, {"greet": "partial"}, 80)
    english = [str(problem) for problem in caught.value.problems]
    assert "step 'greet' is critical and cannot be rated 'partial' (use met, not_met or na)" in english
    with app.test_request_context("/"), force_locale("pl"):
        polish = [translate_message(problem) for problem in caught.value.problems]
    assert "krok 'greet' jest krytyczny i nie może mieć oceny 'partial' (użyj met, not_met lub na)" in polish
    assert "krok 'listen' nie ma oceny" in polish


def test_an_audit_refusal_names_the_scoring_problem_in_the_readers_language(app, factory):
    version = factory.standard_version()
    first = version.steps[0].key
    with app.test_request_context("/"), force_locale("id"):
        with pytest.raises(AuditRefused) as caught:
            _score(version, {first: "met"})
    assert any("belum dinilai" in problem for problem in caught.value.problems), caught.value.problems


def test_the_cli_and_logs_keep_the_english_sentence():
    result = check_text(BAD_UPLOAD.decode(), "mine.yaml")
    assert [str(error) for error in result.errors] == [
        "mine.yaml:9:13: steps[0].weight: must be greater than 0",
        "mine.yaml:12:5: steps[1].wieght: unknown field 'wieght'; did you mean 'weight'?",
    ]


def test_a_diff_summary_keeps_its_template_and_parameters(app):
    standard = check_text(SAMPLE_CURRICULUM, "a.yaml").standards[0]
    changed = check_text(SAMPLE_CURRICULUM.replace("    weight: 2\n    critical: true", "    weight: 3\n"),
                         "b.yaml").standards[0]
    summary = next(change.summary for change in diff_standards(standard, changed) if change.kind == "reweighted")
    assert summary == "Step 'confirm' reweighted from 2 to 3"
    assert (summary.template, summary.params) == ("Step '%(id)s' reweighted from %(old)s to %(new)s",
                                                  {"id": "confirm", "old": 2, "new": 3})
    with app.test_request_context("/"), force_locale("id"):
        assert translate_message(summary) == "Bobot langkah 'confirm' diubah dari 2 menjadi 3"


def test_the_check_command_speaks_the_language_of_lang(app, tmp_path, monkeypatch):
    (tmp_path / "mine.yaml").write_bytes(BAD_UPLOAD)
    runner = app.test_cli_runner()
    monkeypatch.setenv("LANG", "pl_PL.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    polish = runner.invoke(args=["bro", "curricula", "check", str(tmp_path / "mine.yaml")]).output
    assert f"{tmp_path / 'mine.yaml'}:9:13: steps[0].weight: musi być większe od 0" in polish
    monkeypatch.setenv("LANG", "C.UTF-8")
    english = runner.invoke(args=["bro", "curricula", "check", str(tmp_path / "mine.yaml")]).output
    assert f"{tmp_path / 'mine.yaml'}:9:13: steps[0].weight: must be greater than 0" in english

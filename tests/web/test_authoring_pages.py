"""The curricula pages trainers use: versions, steps, courses with answers, compare, upload."""
from __future__ import annotations

import html
import io
import re

import pytest
from sqlalchemy import func, select

from bro.authoring.text import localized
from bro.curricula import LocalizedText
from bro.extensions import db
from bro.models.curricula import CourseVersion, ModuleStep, Standard, StandardVersion
from tests.conftest import count_queries
from tests.factories import SAMPLE_CURRICULUM
from tests.fixtures import fixture_text

BAD_UPLOAD = fixture_text("curricula/misspelt_weight.yaml").encode()


@pytest.fixture
def trainer(factory, login):
    return login(factory.trainer(name="Tia Trainer"))


@pytest.fixture
def imported(factory):
    return factory.curricula(imported_by=factory.trainer(name="Ivo Importer"))


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def plain_text_of(response) -> str:
    return html.unescape(text_of(response))


def upload(client, data: bytes, filename: str = "mine.yaml", **fields):
    return client.post("/curricula/upload", data={"file": (io.BytesIO(data), filename), "submit": "1", **fields},
                       content_type="multipart/form-data")


# --- localized text -------------------------------------------------------------------------

def test_localized_picks_the_language_or_falls_back_to_the_document_language():
    title = {"en": "Greet", "pl": "Przywitaj"}
    assert localized(title, "pl", "en").text == "Przywitaj"
    assert not localized(title, "pl", "en").is_fallback
    fallback = localized(title, "id", "en")
    assert (fallback.text, fallback.language, fallback.is_fallback) == ("Greet", "en", True)
    assert localized("Plain", "pl", "en").is_fallback
    assert not localized(LocalizedText({"pl": "Tylko"}, "pl"), "pl", "en").is_fallback
    assert localized(None, "pl", "en") is None


# --- list and versions ----------------------------------------------------------------------

def test_list_shows_standards_and_courses_with_versions_importer_and_the_one_in_force(client, trainer, factory, imported):
    factory.curricula(SAMPLE_CURRICULUM.replace("pass_score: 80", "pass_score: 90"))
    response = client.get("/curricula/")
    assert response.status_code == 200
    page = text_of(response)
    assert "Sample service standard" in page and "Sample course" in page
    assert page.count('class="current-version"') == 2
    assert "Ivo Importer" in page and "command line" in page
    assert "/curricula/standards/sample-service/versions/2" in page
    assert "/curricula/standards/sample-service/compare" in page
    assert "/curricula/courses/sample-course/compare" not in page  # one course version: nothing to compare


def test_list_page_queries_are_bounded(client, trainer, factory, imported):
    factory.curricula(SAMPLE_CURRICULUM.replace("pass_score: 80", "pass_score: 90"))
    client.get("/curricula/")
    with count_queries() as queries:
        assert client.get("/curricula/").status_code == 200
    assert queries.count <= 13, "\n".join(s[:100] for s in queries.statements)  # 1: the header's unread count


def test_standard_version_shows_steps_with_weights_critical_flags_and_guidance(client, trainer, imported):
    response = client.get("/curricula/standards/sample-service/versions/1")
    assert response.status_code == 200
    page = text_of(response)
    assert "Greet the customer" in page and "Ask about needs" in page
    assert "Say <strong>hello</strong> within 30 seconds." in page
    assert "weight 2 · 40%" in page
    assert page.count('badge badge-bad">critical') == 1
    assert "in force" in page


def test_texts_without_a_translation_are_shown_in_the_document_language_and_marked(client, factory, login, imported):
    login(factory.trainer(language="pl"))
    page = text_of(client.get("/curricula/standards/sample-service/versions/1"))
    assert "Przywitaj klienta" in page and "Greet the customer" not in page
    assert '<span lang="en">Ask about needs</span> <span class="badge badge-warn untranslated">' in page
    assert 'class="untranslated-note"' in page  # the guidance of 'greet' exists in English only
    assert page.count("badge-warn untranslated") == 2  # the title of 'needs' and the guidance of 'greet'


def test_course_version_shows_outline_lessons_and_quiz_answers(client, trainer, imported):
    response = client.get("/curricula/courses/sample-course/versions/1")
    assert response.status_code == 200
    page = text_of(response)
    assert 'href="#module-basics"' in page and 'href="#module-closing"' in page
    assert "Greet <strong>every</strong> customer." in page
    assert "Teaches:" in page and "Greet the customer" in page and "Ask about needs" in page
    assert '<li class="option-correct"> <span class="badge badge-ok">✓ correct</span> At once' in page
    assert "Too late." in page  # feedback of a wrong option
    assert '<code class="accepted">referrals</code>, <code class="accepted">repeat business</code>' in page
    assert "30 ± 5" in page
    assert "Customers trust other customers." in page  # explanation
    assert "Sample certificate" in page and "valid 365 days" in page
    assert "optional" in page


def test_course_version_queries_are_bounded(client, trainer, imported):
    client.get("/curricula/courses/sample-course/versions/1")
    with count_queries() as queries:
        client.get("/curricula/courses/sample-course/versions/1")
    assert queries.count <= 10, queries.statements


def test_unknown_version_is_404(client, trainer, imported):
    assert client.get("/curricula/standards/sample-service/versions/7").status_code == 404
    assert client.get("/curricula/courses/nope/versions/1").status_code == 404
    assert client.get("/curricula/standards/nope/compare").status_code == 404


@pytest.mark.parametrize("role", ["staff", "supervisor"])
def test_staff_and_supervisors_are_refused(client, factory, login, imported, role):
    login(factory.staff() if role == "staff" else factory.supervisor())
    for url in ("/curricula/", "/curricula/courses/sample-course/versions/1", "/curricula/upload"):
        assert client.get(url).status_code == 403


def test_admin_may_see_the_course_answers(client, factory, login, imported):
    login(factory.admin())
    assert "30 ± 5" in text_of(client.get("/curricula/courses/sample-course/versions/1"))


# --- compare --------------------------------------------------------------------------------

def test_compare_shows_what_changed_between_two_versions(client, trainer, factory, imported):
    factory.curricula(SAMPLE_CURRICULUM.replace("    weight: 2\n    critical: true", "    weight: 3\n")
                      .replace("  - id: greet\n", "  - id: thank\n    title: Thank\n  - id: greet\n", 1))
    response = client.get("/curricula/standards/sample-service/compare")
    assert response.status_code == 200
    page = plain_text_of(response)
    assert "From version 1 to version 2" in page
    assert "Step 'thank' added: Thank" in page
    assert "Step 'confirm' reweighted from 2 to 3" in page
    assert "Step 'confirm' is no longer critical" in page
    assert '<span class="badge badge-ok">added</span>' in page


def test_compare_of_courses_names_changed_questions(client, trainer, factory, imported):
    factory.curricula(SAMPLE_CURRICULUM.replace("value: 30", "value: 20"))
    page = plain_text_of(client.get("/curricula/courses/sample-course/compare?old=1&new=2"))
    assert "Question 'basics/q5' changed: value" in page


def test_compare_the_same_version_twice_asks_for_two_different_ones(client, trainer, factory, imported):
    factory.curricula(SAMPLE_CURRICULUM.replace("value: 30", "value: 20"))
    response = client.get("/curricula/courses/sample-course/compare?old=2&new=2")
    assert response.status_code == 400
    assert "Pick two different versions." in text_of(response)


def test_compare_with_a_version_that_does_not_exist_is_a_form_error_not_a_crash(client, trainer, factory, imported):
    factory.curricula(SAMPLE_CURRICULUM.replace("value: 30", "value: 20"))
    for query in ("old=1&new=9", "old=x&new=2", "new=2"):
        assert client.get(f"/curricula/courses/sample-course/compare?{query}").status_code == 400


def test_compare_with_one_version_says_so(client, trainer, imported):
    response = client.get("/curricula/courses/sample-course/compare")
    assert response.status_code == 200
    assert "There is only one version so far" in text_of(response)


# --- upload ---------------------------------------------------------------------------------

def test_upload_lists_errors_with_line_numbers_next_to_the_lines(client, trainer):
    response = upload(client, BAD_UPLOAD)
    assert response.status_code == 400
    page = text_of(response)
    assert "3 errors in mine.yaml: nothing was imported" in page
    assert '<a href="#line-9">line 9, column 13</a>: <code>steps[0].weight</code>: must be greater than 0' in page
    assert '<tr id="line-9" class="source-line source-line-error"> <td class="line-number">9</td><td><pre> weight: 0</pre></td>' in page
    assert "unknown field &#39;wieght&#39;; did you mean &#39;weight&#39;?" in page
    assert '<tr id="line-8" class="source-line">' in page  # the lines around are shown too
    assert db.session.execute(select(func.count(Standard.id))).scalar_one() == 0


def test_upload_of_a_long_file_shows_only_the_lines_around_errors(client, trainer):
    long_file = BAD_UPLOAD + b"".join(b"  - id: step-%d\n    title: Step %d\n" % (n, n) for n in range(60))
    page = text_of(upload(client, long_file))
    assert 'id="line-9"' in page and 'id="line-50"' not in page
    assert "lines without errors" in page


@pytest.mark.parametrize("data, filename, message", [
    (b"kind: standard\n", "notes.pdf", "Only .yaml or .yml curriculum files, or Moodle quizzes (.gift or .txt), can be uploaded."),
    (b"\xff\xfe bad", "latin.yaml", "the file is not UTF-8 text; save it with UTF-8 encoding"),
    (b"kind: [unclosed\n", "broken.yaml", "YAML syntax error"),
    (b"a: &a [1]\nb: !!python/object:os.system [*a]\n", "tags.yaml", "is not allowed; use plain values without tags"),
    (b"", "empty.yaml", "the file is empty; it needs at least one document with a &#39;kind&#39;"),
])
def test_bad_uploads_are_explained_never_a_crash(client, trainer, data, filename, message):
    response = upload(client, data, filename)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_upload_without_a_file_asks_for_one(client, trainer):
    response = client.post("/curricula/upload", data={"submit": "1"}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose a YAML file to upload." in response.get_data(as_text=True)


def test_upload_of_a_valid_file_imports_it(client, trainer):
    response = upload(client, SAMPLE_CURRICULUM.encode(), "sample.yml")
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    assert "sample.yml imported. Created: 2; new versions: 0; unchanged: 0." in page
    version = db.session.execute(select(StandardVersion)).scalar_one()
    assert (version.source_file, version.imported_by_id) == ("sample.yml", trainer.id)


def test_upload_check_only_writes_nothing(client, trainer):
    response = client.post("/curricula/upload", data={"file": (io.BytesIO(SAMPLE_CURRICULUM.encode()), "s.yaml"),
                                                      "check": "1"}, content_type="multipart/form-data")
    assert response.status_code == 200
    assert "s.yaml has no errors. Standards: 1; courses: 1." in text_of(response)
    assert db.session.execute(select(func.count(Standard.id))).scalar_one() == 0


def test_uploaded_course_may_name_a_standard_imported_before(client, trainer, factory):
    factory.curricula(SAMPLE_CURRICULUM.split("\n---\n")[0])
    standard_version = db.session.execute(select(StandardVersion)).scalar_one()
    response = upload(client, SAMPLE_CURRICULUM.split("\n---\n")[1].encode(), "course.yaml")
    assert response.status_code == 302
    assert "course.yaml imported. Created: 1; new versions: 0; unchanged: 0." in text_of(client.get(response.headers["Location"]))
    course = db.session.execute(select(CourseVersion)).scalar_one()
    assert (course.source_file, course.standard_version_id) == ("course.yaml", standard_version.id)
    taught = db.session.execute(select(ModuleStep.step_key, ModuleStep.standard_id)).all()
    assert taught and {standard_id for _key, standard_id in taught} == {standard_version.standard_id}
    assert {"greet", "needs"} <= {key for key, _standard_id in taught}


# --- home -----------------------------------------------------------------------------------

def test_trainer_home_summarises_the_curricula_in_force(client, trainer, imported):
    page = text_of(client.get("/"))
    assert 'id="section-curricula"' in page
    assert '<span class="kpi-value">3</span><span class="kpi-label">steps (1 critical)</span>' in page
    assert '<span class="kpi-value">5</span><span class="kpi-label">quiz questions</span>' in page
    assert '<span class="kpi-value">2</span><span class="kpi-label">modules (1 required)</span>' in page


def test_staff_home_has_no_curricula_section(client, factory, login, imported):
    login(factory.staff())
    assert 'id="section-curricula"' not in client.get("/").get_data(as_text=True)


def test_course_page_says_when_a_newer_standard_version_is_in_force(client, trainer, factory, imported):
    course_page = "/curricula/courses/sample-course/versions/1"
    assert "a newer version of this standard is in force" not in text_of(client.get(course_page))
    factory.curricula(SAMPLE_CURRICULUM.split("\n---\n")[0].replace("pass_score: 80", "pass_score: 90"))
    assert "a newer version of this standard is in force" in text_of(client.get(course_page))


# --- input limits: documents per file, errors listed -------------------------------------------------

def test_upload_of_thirty_thousand_empty_documents_answers_a_short_page_at_once(client, trainer):
    response = upload(client, b"kind: standard\n---\n" * 30_000)  # 570 KB: was a 73 MB page after 15 s
    assert response.status_code == 400
    assert len(response.data) < 200_000
    assert "more than 200 documents" in plain_text_of(response)


def test_upload_lists_at_most_the_error_cap_and_counts_the_rest(client, trainer, app, monkeypatch):
    monkeypatch.setitem(app.config, "BRO_CURRICULUM_MAX_ERRORS", 3)
    response = upload(client, b"kind: standard\n---\n" * 10)
    page = plain_text_of(response)
    assert response.status_code == 400
    assert "errors in mine.yaml: nothing was imported" in page and page.count("required field is missing") == 6
    assert "… and 47 more errors." in page  # 10 documents x 5 missing fields, 3 listed


def test_upload_document_cap_is_a_setting(client, trainer, app, monkeypatch):
    monkeypatch.setitem(app.config, "BRO_CURRICULUM_MAX_DOCUMENTS", 1)
    response = upload(client, SAMPLE_CURRICULUM.encode())
    assert response.status_code == 400 and "more than 1 documents" in plain_text_of(response)


def test_cli_check_lists_at_most_the_error_cap_and_counts_the_rest(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "BRO_CURRICULUM_MAX_ERRORS", 2)
    (tmp_path / "many.yaml").write_text("kind: standard\n---\n" * 5)
    result = app.test_cli_runner().invoke(args=["bro", "curricula", "check", str(tmp_path)])
    lines = result.output.strip().splitlines()
    assert result.exit_code == 1
    assert lines[-2:] == ["... and 23 more errors", "25 errors in 1 file."], lines
    assert len(lines) == 4

"""Importing curricula: versions by content, all or nothing, and the `flask bro curricula` commands."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bro.authoring.operations import (
    CREATED, NEW_VERSION, UNCHANGED, document_sources, import_documents, known_standards,
)
from bro.curricula import CurriculumCheckError, check_paths, check_text
from bro.extensions import db
from bro.models.curricula import (
    Course, CourseModule, CourseVersion, ModuleStep, Standard, StandardStep, StandardVersion,
)
from tests.factories import SAMPLE_CURRICULUM
from tests.fixtures import fixture_text

SHIPPED = Path(__file__).parents[2] / "curricula"

STANDARD_ONLY = SAMPLE_CURRICULUM.split("\n---\n")[0] + "\n"
COURSE_ONLY = SAMPLE_CURRICULUM.split("\n---\n")[1]

BAD_STANDARD = fixture_text("curricula/misspelt_weight.yaml")


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def standard_versions(key: str) -> list[StandardVersion]:
    return list(db.session.execute(
        select(StandardVersion).join(StandardVersion.standard).where(Standard.key == key)
        .order_by(StandardVersion.number)).scalars())


# --- versions -------------------------------------------------------------------------------

def test_first_import_creates_version_1_of_each_document_in_force(factory):
    report = factory.curricula()
    assert [(d.kind, d.key, d.outcome, d.number) for d in report.documents] == [
        ("standard", "sample-service", CREATED, 1), ("course", "sample-course", CREATED, 1)]
    standard = db.session.execute(select(Standard).where(Standard.key == "sample-service")).scalar_one()
    assert standard.current_version.number == 1
    assert [step.key for step in standard.current_version.steps] == ["greet", "needs", "confirm"]
    confirm = standard.current_version.steps[2]
    assert (confirm.weight, confirm.critical, confirm.position) == (Decimal("2"), True, 3)
    assert standard.current_version.pass_score == Decimal("80")


def test_reimporting_unchanged_content_changes_nothing(factory):
    factory.curricula()
    before = (count(StandardVersion), count(StandardStep), count(CourseVersion), count(CourseModule))
    report = factory.curricula()
    assert {d.outcome for d in report.documents} == {UNCHANGED}
    assert not report.changed_anything
    assert (count(StandardVersion), count(StandardStep), count(CourseVersion), count(CourseModule)) == before


def test_reformatted_file_with_the_same_content_is_unchanged(factory):
    factory.curricula()
    reformatted = "# comments and spelled-out defaults do not change content\n" + SAMPLE_CURRICULUM.replace(
        "    weight: 1\n", "    weight: 1.0\n    critical: false\n")
    report = factory.curricula(reformatted)
    assert report.unchanged == 2


def test_changed_standard_becomes_version_2_and_keeps_version_1_with_its_steps(factory):
    factory.curricula()
    changed = STANDARD_ONLY.replace("    weight: 2\n    critical: true", "    weight: 3\n    critical: true") + """\
  - id: thank
    title: Thank the customer
"""
    report = factory.curricula(changed)
    assert [(d.key, d.outcome, d.number) for d in report.documents] == [("sample-service", NEW_VERSION, 2)]
    first, second = standard_versions("sample-service")
    assert second.standard.current_version_id == second.id
    assert [(s.key, s.weight) for s in first.steps] == [("greet", 1), ("needs", 2), ("confirm", 2)]
    assert [(s.key, s.weight) for s in second.steps] == [("greet", 1), ("needs", 2), ("confirm", 3), ("thank", 1)]
    assert first.content_hash != second.content_hash


def test_course_version_records_the_standard_version_in_force(factory):
    report = factory.curricula()
    course_version = report.version_of("course", "sample-course")
    standard_version = report.version_of("standard", "sample-service")
    assert course_version.standard_id == standard_version.standard_id
    assert course_version.standard_version_id == standard_version.id
    assert course_version.certification_valid_days == 365
    basics = course_version.modules[0]
    assert (basics.key, basics.required, basics.step_keys) == ("basics", True, ["greet", "needs"])
    assert len(basics.quiz["questions"]) == 5
    assert course_version.modules[1].required is False
    assert {row.standard_id for row in db.session.execute(select(ModuleStep)).scalars()} == {standard_version.standard_id}


def test_changed_course_gets_version_2_pointing_at_the_newer_standard_version(factory):
    factory.curricula()
    report = factory.curricula(SAMPLE_CURRICULUM.replace("pass_score: 80", "pass_score: 90")
                               .replace("pass_mark: 75", "pass_mark: 80"))
    standard_v2 = report.version_of("standard", "sample-service")
    course_v2 = report.version_of("course", "sample-course")
    assert (standard_v2.number, course_v2.number) == (2, 2)
    assert course_v2.standard_version_id == standard_v2.id
    course_v1 = db.session.execute(select(CourseVersion).where(CourseVersion.number == 1)).scalar_one()
    assert course_v1.standard_version.number == 1
    assert course_v1.modules[0].quiz["pass_mark"] == 75


def test_known_standards_lists_step_keys_of_the_version_in_force(factory):
    factory.curricula()
    factory.curricula(STANDARD_ONLY.replace("  - id: needs\n    title: {en: Ask about needs}\n    weight: 2\n", ""))
    assert known_standards() == {"sample-service": ["greet", "confirm"]}


def test_course_can_name_a_standard_imported_before(factory):
    factory.curricula(STANDARD_ONLY)
    result = check_text(COURSE_ONLY, "course.yaml", known_standards=known_standards())
    assert result.ok, result.errors
    report = import_documents(result)
    course_version = report.version_of("course", "sample-course")
    assert course_version.standard.key == "sample-service"
    assert course_version.standard_version.number == 1


def test_course_naming_a_standard_never_imported_is_refused():
    result = check_text(COURSE_ONLY, "course.yaml", known_standards=known_standards())
    assert [str(error) for error in result.errors] == [
        "course.yaml:6:11: standard: standard 'sample-service' is not in this import and has not been imported "
        "before; import the standard first or together with this course"]


def test_import_refuses_a_course_checked_against_standards_that_are_not_in_the_database():
    stale = {"sample-service": ["greet", "needs", "confirm"]}
    result = check_text(COURSE_ONLY, "course.yaml", known_standards=stale)
    assert result.ok
    with pytest.raises(CurriculumCheckError, match="standard 'sample-service' is neither in this import"):
        import_documents(result, sources="course.yaml")
    assert count(Course) == 0


def test_import_of_a_result_with_errors_writes_nothing(tmp_path):
    (tmp_path / "good.yaml").write_text(STANDARD_ONLY)
    (tmp_path / "bad.yaml").write_text(BAD_STANDARD)
    result = check_paths([tmp_path])
    assert result.standards and not result.ok
    with pytest.raises(CurriculumCheckError):
        import_documents(result)
    assert count(Standard) == count(StandardVersion) == 0


def test_document_sources_name_the_file_of_each_document(tmp_path):
    (tmp_path / "standard.yaml").write_text(STANDARD_ONLY)
    (tmp_path / "course.yml").write_text(COURSE_ONLY)
    result = check_paths([tmp_path])
    sources = document_sources(result, relative_to=str(tmp_path))
    assert sources == {("standard", "sample-service"): "standard.yaml", ("course", "sample-course"): "course.yml"}
    report = import_documents(result, sources=sources)
    assert report.version_of("course", "sample-course").source_file == "course.yml"


def test_importer_is_recorded(factory):
    trainer = factory.trainer()
    report = factory.curricula(imported_by=trainer)
    assert report.version_of("standard", "sample-service").imported_by == trainer


# --- command line ---------------------------------------------------------------------------

@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args):
        return runner.invoke(args=["bro", "curricula", *args])

    return invoke


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "standard.yaml").write_text(STANDARD_ONLY)
    (tmp_path / "course.yaml").write_text(COURSE_ONLY)
    return tmp_path


def test_cli_check_of_good_files_says_ok_and_exits_0(cli, folder):
    result = cli("check", str(folder))
    assert result.exit_code == 0, result.output
    assert result.output == "OK: 1 standard and 1 course in 2 files, no errors.\n"
    assert count(Standard) == 0


def test_cli_check_prints_every_error_with_position_then_a_count_and_exits_1(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_STANDARD)
    result = cli("check", str(bad))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{bad}:5:13: pass_score: must be at most 100",
        f"{bad}:9:13: steps[0].weight: must be greater than 0",
        f"{bad}:12:5: steps[1].wieght: unknown field 'wieght'; did you mean 'weight'?",
        "3 errors in 1 file.",
    ]


def test_cli_check_of_a_missing_path_fails(cli, tmp_path):
    result = cli("check", str(tmp_path / "nowhere"))
    assert result.exit_code == 1
    assert result.output.splitlines() == [f"{tmp_path / 'nowhere'}: no such file or folder", "1 error."]


def test_cli_import_reports_each_document_and_a_summary(cli, folder):
    result = cli("import", str(folder))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "standard sample-service: created (version 1)",
        "course sample-course: created (version 1)",
        "Imported 1 standard and 1 course in 2 files: 2 created, 0 new versions, 0 unchanged.",
    ]
    assert count(StandardVersion) == count(CourseVersion) == 1
    assert db.session.execute(select(CourseVersion.source_file)).scalar_one() == str(folder / "course.yaml")


def test_cli_import_twice_is_unchanged_and_a_change_is_a_new_version(cli, folder):
    cli("import", str(folder))
    again = cli("import", str(folder))
    assert again.output.splitlines()[:2] == ["standard sample-service: unchanged (version 1)",
                                             "course sample-course: unchanged (version 1)"]
    (folder / "standard.yaml").write_text(STANDARD_ONLY.replace("pass_score: 80", "pass_score: 85"))
    changed = cli("import", str(folder))
    assert changed.exit_code == 0
    assert "standard sample-service: new version 2" in changed.output.splitlines()
    assert "1 new version, 1 unchanged." in changed.output


def test_cli_import_is_all_or_nothing_when_one_of_two_files_is_bad(cli, tmp_path):
    (tmp_path / "a-good.yaml").write_text(STANDARD_ONLY)
    (tmp_path / "b-bad.yaml").write_text(BAD_STANDARD)
    result = cli("import", str(tmp_path))
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "3 errors in 2 files; nothing imported."
    assert f"{tmp_path / 'b-bad.yaml'}:9:13: steps[0].weight: must be greater than 0" in result.output
    assert count(Standard) == count(StandardVersion) == 0


def test_cli_import_lets_a_course_name_a_standard_imported_earlier(cli, folder):
    assert cli("import", str(folder / "standard.yaml")).exit_code == 0
    result = cli("import", str(folder / "course.yaml"))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "course sample-course: created (version 1)"


def test_cli_defaults_to_the_configured_curricula_folder(cli, app, folder, monkeypatch):
    monkeypatch.setitem(app.config, "BRO_CURRICULA_DIR", str(folder))
    result = cli("check")
    assert result.output == "OK: 1 standard and 1 course in 2 files, no errors.\n"


def test_cli_import_of_the_configured_folder_records_file_names_relative_to_its_parent(cli, app, folder, monkeypatch):
    monkeypatch.setitem(app.config, "BRO_CURRICULA_DIR", str(folder))
    assert cli("import").exit_code == 0
    assert db.session.execute(select(CourseVersion.source_file)).scalar_one() == f"{folder.name}/course.yaml"


def test_cli_shows_a_progress_bar_only_for_many_files(cli, tmp_path):
    for number in range(6):
        (tmp_path / f"standard-{number}.yaml").write_text(STANDARD_ONLY.replace("sample-service", f"s{number}"))
    result = cli("check", str(tmp_path))
    assert result.exit_code == 0
    assert "Checking" in result.stderr
    assert result.stdout == "OK: 6 standards and 0 courses in 6 files, no errors.\n"


def test_cli_schema_prints_the_json_schema(cli):
    result = cli("schema")
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["$schema"].startswith("https://json-schema.org/")


def test_cli_schema_writes_to_a_file(cli, tmp_path):
    target = tmp_path / "curriculum.schema.json"
    result = cli("schema", "--output", str(target))
    assert result.exit_code == 0
    assert json.loads(target.read_text())["$schema"].startswith("https://json-schema.org/")


def test_shipped_curricula_pass_check(cli):
    result = cli("check", str(SHIPPED))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: 2 standards and 2 courses")


# --- demo -----------------------------------------------------------------------------------

def test_demo_imports_the_shipped_curricula(app, monkeypatch):
    from bro.authoring.demo import import_shipped_curricula
    from bro.demo import demo_steps, seed_people

    assert (10, "curricula", import_shipped_curricula) in demo_steps(app)
    monkeypatch.setitem(app.config, "BRO_CURRICULA_DIR", str(SHIPPED))
    import_shipped_curricula(seed_people(lambda _key: "demo-password-123"))
    assert count(Standard) == 2 and count(Course) == 2
    trainer_versions = db.session.execute(select(StandardVersion)).scalars().all()
    assert {version.imported_by.email for version in trainer_versions} == {"trainer@example.com"}
    assert {version.source_file for version in trainer_versions} == {"curricula/standards.yaml"}


def test_demo_skips_curricula_quietly_when_the_folder_is_missing(app, monkeypatch, tmp_path):
    from bro.authoring.demo import import_shipped_curricula
    from bro.demo import seed_people

    monkeypatch.setitem(app.config, "BRO_CURRICULA_DIR", str(tmp_path / "missing"))
    import_shipped_curricula(seed_people(lambda _key: "demo-password-123"))
    assert count(Standard) == 0

"""Curricula stay where trainers put them: imports never go back silently; versions download; retire/restore."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from bro.audits.operations import standards_in_force
from bro.authoring.operations import SKIPPED_OLDER
from bro.extensions import db
from bro.models.curricula import Course, Standard, StandardVersion
from bro.models.training import Assignment
from bro.training.operations import assign_retraining
from tests.factories import SAMPLE_CURRICULUM

CHANGED = SAMPLE_CURRICULUM.replace("pass_score: 80", "pass_score: 85")


@pytest.fixture
def folder(tmp_path):
    """A curricula/ folder holding the sample file, as `make run` imports it."""
    path = tmp_path / "curricula"
    path.mkdir()
    (path / "sample.yaml").write_text(SAMPLE_CURRICULUM, encoding="utf-8")
    return path


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["bro", "curricula", "import", *args])


def upload(client, text: str, filename: str = "sample.yaml"):
    return client.post("/curricula/upload", data={"file": (io.BytesIO(text.encode()), filename), "submit": "1"},
                       content_type="multipart/form-data")


def versions(key: str) -> list[StandardVersion]:
    return list(db.session.execute(select(StandardVersion).join(StandardVersion.standard)
                                   .where(Standard.key == key).order_by(StandardVersion.number)).scalars())


def current(key: str) -> StandardVersion:
    return db.session.execute(select(Standard).where(Standard.key == key)).scalar_one().current_version


def test_a_browser_upload_survives_the_next_start(cli, folder, client, login, factory):
    assert cli(str(folder)).exit_code == 0  # first start: version 1 from the folder
    login(factory.trainer(name="Grace Miller"))
    assert upload(client, CHANGED).status_code == 302  # the trainer's change: version 2
    result = cli(str(folder))  # the next `make run`
    assert result.exit_code == 0, result.output
    assert "older than the version in force (v2, uploaded in the browser by Grace Miller on" in result.output
    assert "not imported; use --force to make it current" in result.output
    assert [v.number for v in versions("sample-service")] == [1, 2]
    assert current("sample-service").pass_score == 85


def test_force_makes_the_older_content_a_new_current_version(cli, folder, client, login, factory):
    cli(str(folder))
    login(factory.trainer())
    upload(client, CHANGED)
    result = cli("--force", str(folder))
    assert result.exit_code == 0, result.output
    assert [v.number for v in versions("sample-service")] == [1, 2, 3]
    version = current("sample-service")
    assert (version.number, version.pass_score, version.restored_from) == (3, 80, 1)
    assert versions("sample-service")[1].pass_score == 85  # history is not rewritten


def test_changed_files_are_still_imported_and_unchanged_ones_change_nothing(cli, folder):
    cli(str(folder))
    assert "unchanged (version 1)" in cli(str(folder)).output
    (folder / "sample.yaml").write_text(CHANGED.replace("pass_score: 85", "pass_score: 90"), encoding="utf-8")
    result = cli(str(folder))
    assert "new version 2" in result.output and current("sample-service").pass_score == 90


def test_uploading_an_older_content_in_the_browser_is_skipped_with_a_hint(client, login, factory):
    login(factory.trainer())
    upload(client, SAMPLE_CURRICULUM)
    upload(client, CHANGED)
    assert upload(client, SAMPLE_CURRICULUM).status_code == 302
    page = client.get("/curricula/").get_data(as_text=True)
    assert "not imported" in page and "Make this version current" in page
    assert current("sample-service").number == 2


def test_every_version_downloads_the_exact_uploaded_text(client, login, factory):
    login(factory.trainer())
    text = "# our comment stays\n" + SAMPLE_CURRICULUM
    upload(client, text)
    response = client.get("/curricula/standards/sample-service/versions/1.yaml")
    assert response.status_code == 200 and response.get_data(as_text=True) == text
    assert "attachment" in response.headers["Content-Disposition"]
    page = client.get("/curricula/standards/sample-service/versions/1").get_data(as_text=True)
    assert "Download YAML" in page


def test_a_version_imported_before_source_text_was_kept_downloads_as_checked_yaml(client, login, factory):
    factory.curricula()  # imported without text
    login(factory.trainer())
    text = client.get("/curricula/courses/sample-course/versions/1.yaml").get_data(as_text=True)
    assert text.startswith("# Written out again") and "kind: course" in text


def test_make_this_version_current_adds_a_new_version(client, login, factory):
    trainer = factory.trainer(name="Grace Miller")
    login(trainer)
    upload(client, SAMPLE_CURRICULUM)
    upload(client, CHANGED)
    page = client.get("/curricula/standards/sample-service/versions/1").get_data(as_text=True)
    assert "Make this version current" in page
    response = client.post("/curricula/standards/sample-service/versions/1/make-current")
    assert response.status_code == 302 and response.headers["Location"].endswith("/versions/3")
    version = current("sample-service")
    assert (version.number, version.pass_score, version.restored_from, version.imported_by_id) == (3, 80, 1, trainer.id)
    assert version.source_text == SAMPLE_CURRICULUM


def test_a_retired_course_is_not_assigned_and_a_restored_one_is(client, login, factory):
    factory.curricula(SAMPLE_CURRICULUM)
    course = db.session.execute(select(Course).where(Course.key == "sample-course")).scalar_one()
    login(factory.trainer())
    assert client.post("/curricula/courses/sample-course/retire").status_code == 302
    assert course.retired_at is not None
    team = factory.team()
    staff = factory.staff(team=team)
    module = course.current_version.modules[0]
    assert assign_retraining(staff, module, audit_id=None, step_key=None) is None
    client.post("/logout")
    login(factory.supervisor(team))
    assert "No course has been imported yet." in client.get("/learning/assign").get_data(as_text=True)
    client.post("/logout")
    login(factory.trainer())
    client.post("/curricula/courses/sample-course/restore")
    assert course.retired_at is None
    assert assign_retraining(staff, module, audit_id=None, step_key=None) is not None


def test_a_retired_standard_is_not_offered_for_new_audits(client, login, factory):
    factory.curricula(SAMPLE_CURRICULUM)
    relationship = current("sample-service").relationship_kind
    assert any(v.standard.key == "sample-service" for v in standards_in_force(relationship))
    login(factory.trainer())
    client.post("/curricula/standards/sample-service/retire")
    assert not any(v.standard.key == "sample-service" for v in standards_in_force(relationship))
    assert "retired" in client.get("/curricula/").get_data(as_text=True)


def test_a_retired_course_is_not_reassigned_when_a_certificate_expires(factory):
    from bro import clock
    from bro.models.training import Certificate
    from bro.training.operations import expire_certificates

    factory.curricula(SAMPLE_CURRICULUM)
    course = db.session.execute(select(Course).where(Course.key == "sample-course")).scalar_one()
    staff = factory.staff()
    db.session.add(Certificate(user_id=staff.id, course_id=course.id, course_version_id=course.current_version_id,
                               issued_at=clock.utcnow() - timedelta(days=400),
                               expires_on=clock.today() - timedelta(days=1)))
    course.retired_at = clock.utcnow()
    db.session.flush()
    assert expire_certificates(clock.today(), user_id=staff.id) == []
    course.retired_at = None
    assert len(expire_certificates(clock.today(), user_id=staff.id)) == 1

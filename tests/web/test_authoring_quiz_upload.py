"""Moodle quizzes (GIFT, Aiken) on the curricula upload page: converted to a course YAML that the trainer
downloads, or checks and imports through the normal checker; refused questions are named with file:line."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bro.curricula import check_text
from bro.extensions import db
from bro.models.curricula import Course

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "moodle"
GIFT = """// two questions bro can hold
::Capital:: What is the capital of Poland? {=Warsaw ~Krakow ~Gdansk}

::Pi:: Pi to two decimals? {#3.14:0.005}
"""


@pytest.fixture
def trainer(factory, login):
    return login(factory.trainer(name="Tia Trainer"))


def post(client, data: bytes, filename: str, button: str = "submit", **fields):
    return client.post("/curricula/upload", data={"file": (io.BytesIO(data), filename), button: "1", **fields},
                       content_type="multipart/form-data")


def courses() -> int:
    return db.session.execute(select(func.count()).select_from(Course)).scalar()


def test_a_gift_quiz_is_converted_checked_and_imported(client, trainer):
    response = post(client, GIFT.encode(), "moodle-quiz.gift")
    assert response.status_code == 302, response.get_data(as_text=True)
    course = db.session.execute(select(Course)).scalar_one()
    assert course.key == "moodle-quiz"


def test_check_only_shows_the_converted_course_and_imports_nothing(client, trainer):
    response = post(client, GIFT.encode(), "moodle-quiz.gift", button="check")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "converted from GIFT: 2 questions, as course moodle-quiz" in page
    assert "has no errors" in page and "kind: course" in page
    assert courses() == 0


def test_convert_downloads_a_course_yaml_the_checker_accepts(client, trainer):
    response = post(client, (FIXTURES / "aiken_docs.txt").read_bytes(), "moodle quiz.txt", button="convert",
                    language="pl")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=moodle-quiz.yaml"
    text = response.get_data(as_text=True)
    assert "language: pl" in text and check_text(text, "moodle-quiz.yaml").ok
    assert courses() == 0


def test_a_matching_question_is_refused_with_its_file_and_line(client, trainer):
    response = post(client, (FIXTURES / "gift_docs.txt").read_bytes(), "docs.gift")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<code>docs.gift:13</code>: matching questions are not supported" in page
    assert "nothing was converted" in page and courses() == 0


@pytest.mark.parametrize("data, filename, fields, message", [
    (b"\xff\xfe bad", "latin.gift", {}, "the file is not UTF-8 text"),
    (b"", "empty.gift", {}, "empty.gift:1"),
    (b"What is 2+2?\nA. 3\nB. 4\n", "no-answer.txt", {"source_format": "aiken"}, "has no ANSWER: line"),
    (b"::Q:: Broken {=a ~b\n", "broken.gift", {}, "has no closing }"),
    (b"kind: standard\n", "mine.yaml", {"convert": "1"}, "Only Moodle GIFT or Aiken quizzes can be converted"),
    (GIFT.encode(), "quiz.gift", {"source_format": "nonsense"}, "Not a valid choice"),
])
def test_bad_quiz_uploads_are_explained_never_a_crash(client, trainer, data, filename, fields, message):
    response = post(client, data, filename, **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert courses() == 0

"""Every question type owns its whole story, and a new type needs no change outside its module and partial."""
from __future__ import annotations

import random
import re
from fractions import Fraction
from pathlib import Path
from typing import Any, Mapping

import pytest

from bro.curricula import LocalizedText, Option, Question, Quiz, check_text
from bro.curricula.fields import FieldReader
from bro.curricula.loader import join_path
from bro.curricula.messages import Message, msg
from bro.curricula.model import Course
from bro.curricula.questions import QUESTION_TYPES, QuestionType, clean_response, credit, example_response, is_blank

PARTIALS = Path(__file__).resolve().parents[2] / "bro" / "training" / "templates" / "training" / "questions"
TEXT = LocalizedText({"en": "x"}, "en")
OPTIONS = tuple(Option(id=i, text=TEXT, correct=i == "b") for i in "abc")
SAMPLES = {
    "single": Question(id="q", type="single", prompt=TEXT, options=OPTIONS),
    "multiple": Question(id="q", type="multiple", prompt=TEXT, options=OPTIONS, scoring="partial"),
    "true_false": Question(id="q", type="true_false", prompt=TEXT, answer=False),
    "short_text": Question(id="q", type="short_text", prompt=TEXT, accept=("word of mouth",)),
    "numeric": Question(id="q", type="numeric", prompt=TEXT, value=4, tolerance=0.5),
    "ordering": Question(id="q", type="ordering", prompt=TEXT, options=OPTIONS, scoring="partial"),
}


def test_every_registered_type_has_a_sample_here():
    assert set(SAMPLES) == set(QUESTION_TYPES)


@pytest.mark.parametrize("name", sorted(QUESTION_TYPES))
def test_a_type_has_a_translatable_label_and_one_partial_with_every_view(name):
    kind = QUESTION_TYPES[name]
    assert isinstance(kind.label, Message) and kind.label
    partial = (PARTIALS / f"{kind.partial}.html").read_text(encoding="utf-8")
    for macro in ("answer", "review", "preview", "items"):
        assert re.search(rf"{{% macro {macro}\(", partial), f"{kind.partial}.html has no {macro} macro"


@pytest.mark.parametrize("name", sorted(QUESTION_TYPES))
def test_a_types_example_responses_are_right_or_wrong_as_asked_once_cleaned(name):
    question = SAMPLES[name]
    right = clean_response(question, example_response(question, True, random.Random(2)))
    wrong = clean_response(question, example_response(question, False, random.Random(2)))
    assert credit(question, right, "en") == 1
    assert credit(question, wrong, "en") < 1
    assert not is_blank(question, right) and not is_blank(question, wrong)
    assert is_blank(question, clean_response(question, None))


class Rating(QuestionType):
    """A type written for this test: its field `scale` is no field of Question."""

    name = "rating"
    label = msg("rating")
    description = "Rate from 1 to scale; right when at least `pass`."
    fields = ("scale", "pass")
    required = ("scale",)

    def validate(self, reader: FieldReader, raw: Mapping[str, Any], path: str) -> dict[str, Any]:
        scale = reader.read_number(raw["scale"], join_path(path, "scale")) if "scale" in raw else None
        return {"scale": scale, "pass": raw.get("pass", scale)}

    def clean(self, question: Question, raw: Any) -> Any:
        return int(raw) if isinstance(raw, str) and raw.isdigit() else None

    def credit(self, question: Question, response: Any, locale: str | None = None) -> Fraction:
        return Fraction(int(isinstance(response, int) and response >= question.extra_field("pass")))

    def example_response(self, question, right, rng=None):
        return str(question.extra_field("scale") if right else 0)

    def schema_properties(self) -> dict[str, Any]:
        return {"scale": {"type": "integer"}, "pass": {"type": "integer"}}


def test_a_new_type_keeps_its_own_fields_without_changing_question(monkeypatch):
    monkeypatch.setitem(QUESTION_TYPES, "rating", Rating())
    text = """\
kind: course
id: c
title: C
modules:
  - id: m
    title: M
    lessons: [{id: l, title: L, body: B}]
    quiz:
      pass_mark: 50
      questions:
        - {id: q, type: rating, prompt: How sure are you, scale: 5, pass: 4}
"""
    result = check_text(text, "c.yaml")
    assert result.errors == []
    question = result.courses[0].modules[0].quiz.questions[0]
    assert (question.extra_field("scale"), question.extra_field("pass")) == (5, 4)
    assert credit(question, clean_response(question, "4")) == 1 and credit(question, clean_response(question, "3")) == 0
    stored = result.courses[0].to_dict()
    assert stored["modules"][0]["quiz"]["questions"][0]["scale"] == 5
    again = Course.from_dict(stored)
    assert again == result.courses[0] and again.content_hash == result.courses[0].content_hash
    assert Quiz.from_dict(stored["modules"][0]["quiz"], "en").questions[0].extra == (("pass", 4), ("scale", 5))


def test_questions_without_extra_fields_store_exactly_what_they_stored_before():
    stored = SAMPLES["single"].to_dict()
    assert set(stored) == {"id", "type", "points", "prompt", "options", "answer", "accept", "value", "tolerance",
                           "explanation"}

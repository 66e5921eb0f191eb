"""Documents round-trip through dicts and hash by content, not formatting."""
from __future__ import annotations

import json

import pytest

from bro.curricula import LocalizedText, check_text, document_from_dict
from tests.fixtures import fixture_text

STANDARD = fixture_text("curricula/brm_standard.yaml")

REFORMATTED = """\
# The same standard, written differently.
steps:
  - {title: Welcome the inquiry, id: greet, weight: 1.0, critical: false}
  - title:   "Discover needs"
    id: needs
    weight: 2
pass_score: 85.0
relationship: b2c
language: en
title: {en: Service standard}
id: brm-service
kind: standard
"""

COURSE = """\
kind: course
id: brm-foundations
title: {en: Foundations, pl: Podstawy}
summary: Why relationships matter.
standard: brm-service
modules:
  - id: trust
    title: Building trust
    teaches: [greet]
    lessons:
      - {id: why, title: Why, body: "Customers are the **lifeblood**."}
    quiz:
      pass_mark: 80
      max_attempts: 3
      shuffle: true
      questions:
        - {id: q1, type: single, prompt: 'First?', options: [{id: a, text: Greet, correct: true, feedback: Right}, {id: b, text: Offer}]}
        - {id: q2, type: multiple, prompt: 'Which?', options: [{id: a, text: A, correct: true}, {id: b, text: B, correct: true}, {id: c, text: C}]}
        - {id: q3, type: true_false, prompt: 'True?', answer: false, explanation: Because.}
        - {id: q4, type: short_text, prompt: 'Channel?', accept: [word of mouth]}
        - {id: q5, type: numeric, prompt: 'How many?', value: 4.5, tolerance: 0.5, points: 2}
certification:
  title: Certified associate
  valid_days: 365
"""

KNOWN = {"brm-service": ["greet", "needs"]}


def only_document(text: str):
    result = check_text(text, "x.yaml", known_standards=KNOWN)
    assert result.errors == []
    return result.documents[0]


def test_content_hash_ignores_formatting_key_order_comments_and_spelt_out_defaults():
    assert only_document(STANDARD).content_hash == only_document(REFORMATTED).content_hash


@pytest.mark.parametrize("text", [STANDARD, COURSE])
def test_the_stored_form_is_the_dict_and_the_hash_of_the_same_content(text):
    fresh, used_first = only_document(text), only_document(text)
    data, content_hash = fresh.stored_form()  # the hash made from the stored dict
    assert data == used_first.to_dict() and content_hash == used_first.content_hash  # ... as when made apart
    assert used_first.stored_form() == (data, content_hash)  # a hash read before is kept


def test_content_hash_changes_when_content_changes():
    changed = STANDARD.replace("weight: 2", "weight: 3")
    assert only_document(STANDARD).content_hash != only_document(changed).content_hash


def test_content_hash_changes_when_a_translation_is_added():
    translated = STANDARD.replace("title: Service standard", "title: {en: Service standard, pl: Standard obsługi}")
    assert only_document(STANDARD).content_hash != only_document(translated).content_hash


@pytest.mark.parametrize("text", [STANDARD, COURSE], ids=["standard", "course"])
def test_to_dict_from_dict_round_trip_through_json(text):
    document = only_document(text)
    stored = json.loads(json.dumps(document.to_dict()))
    rebuilt = document_from_dict(stored)
    assert rebuilt == document
    assert rebuilt.content_hash == document.content_hash


def test_documents_are_hashable_and_frozen():
    document = only_document(COURSE)
    assert hash(document) == hash(document_from_dict(document.to_dict()))
    with pytest.raises(AttributeError):
        document.id = "other"  # type: ignore[misc]


def test_course_model_fields():
    course = only_document(COURSE)
    module = course.modules[0]
    assert (course.standard, module.teaches, module.required) == ("brm-service", ("greet",), True)
    assert (module.quiz.pass_mark, module.quiz.max_attempts, module.quiz.shuffle) == (80, 3, True)
    assert module.quiz.points_possible == 6
    assert module.quiz.questions[0].correct_option_ids == {"a"}
    assert module.quiz.questions[4].value == 4.5
    assert course.certification.valid_days == 365


def test_localized_text_falls_back_to_default_language():
    text = LocalizedText({"en": "Welcome", "id": "Selamat datang"}, "en")
    assert text.get("id").text == "Selamat datang"
    assert text.get("id").is_fallback is False
    polish = text.get("pl")
    assert (polish.text, polish.language, polish.is_fallback) == ("Welcome", "en", True)
    assert text.get("en").is_fallback is False
    assert str(text) == "Welcome"


def test_localized_text_requires_its_default_language():
    with pytest.raises(ValueError):
        LocalizedText({"pl": "Witaj"}, "en")

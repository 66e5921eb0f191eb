"""Pure training rules: cleaning form responses, and which modules count as completed."""
from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

import pytest

from bro.curricula import LocalizedText, Option, Question
from bro.training.operations import Progress, clean_response

TEXT = LocalizedText({"en": "x"}, "en")
CHOICE = (Option(id="a", text=TEXT, correct=True), Option(id="b", text=TEXT, correct=False))


def question(kind: str) -> Question:
    return Question(id="q", type=kind, prompt=TEXT, options=CHOICE if kind in ("single", "multiple") else ())


@pytest.mark.parametrize("kind, raw, cleaned", [
    ("single", "a", "a"),
    ("single", "z", None),
    ("single", ["a"], None),
    ("multiple", ["b", "a", "a", "z"], ["a", "b"]),
    ("multiple", "a", ["a"]),
    ("multiple", None, []),
    ("true_false", "True", True),
    ("true_false", "maybe", None),
    ("short_text", "  hi  ", "hi"),
    ("short_text", "   ", None),
    ("short_text", "x" * 900, "x" * 500),
    ("numeric", " 4,5 ", "4,5"),
    ("numeric", 5, None),
])
def test_form_responses_are_cleaned_before_judging_and_storing(kind, raw, cleaned):
    assert clean_response(question(kind), raw) == cleaned


def module(key, quiz=True, lessons=("l1",)):
    return SimpleNamespace(key=key, quiz={"questions": []} if quiz else None, lessons=[{"id": k} for k in lessons])


def test_module_is_completed_by_a_pass_after_the_moment_asked():
    at = datetime(2026, 1, 5, 9)
    progress = Progress(passes=(("m", at),), reads=frozenset())
    assert progress.completed_modules([module("m")]) == {"m"}
    assert progress.completed_modules([module("m")], since=at) == {"m"}
    assert progress.completed_modules([module("m")], since=at, strictly_after=True) == set()
    assert progress.completed_modules([module("m")], since=datetime(2026, 1, 6)) == set()


def test_module_without_quiz_is_completed_by_reading_every_lesson():
    reading = module("r", quiz=False, lessons=("l1", "l2"))
    assert Progress((), frozenset({("r", "l1")})).completed_modules([reading]) == set()
    assert Progress((), frozenset({("r", "l1"), ("r", "l2")})).completed_modules([reading]) == {"r"}

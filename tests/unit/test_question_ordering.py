"""The `ordering` question type: its checks (exact file:line:column), cleaning, scoring and item tallies."""
from __future__ import annotations

import random
from fractions import Fraction

import pytest

from bro.curricula import LocalizedText, Option, Question, check_text
from bro.curricula.questions import (
    QUESTION_TYPES, clean_response, credit, example_response, is_blank, is_correct, problem, tallies,
)
from bro.curricula.questions.ordering import discordant_pairs
from bro.curricula.schema import json_schema
from bro.scoring import score_quiz

FILE = "curricula/order.yaml"
TEXT = LocalizedText({"en": "x"}, "en")

COURSE = """\
kind: course
id: calls
title: Calls
modules:
  - id: complaints
    title: Complaints
    lessons:
      - id: why
        title: Why
        body: Because.
    quiz:
      pass_mark: 80
      questions:
        - id: steps
          type: ordering
          prompt: Put the steps in order.
"""

OPTIONS = """\
          options:
            - {id: listen, text: Listen}
            - {id: apologise, text: Apologise}
            - {id: fix, text: Fix}
            - {id: check, text: Check back}
"""


def ordering(*ids: str, scoring: str = "all", points: int = 1) -> Question:
    return Question(id="q", type="ordering", prompt=TEXT, points=points, scoring=scoring,
                    options=tuple(Option(id=option_id, text=TEXT) for option_id in ids))


def errors_of(text: str) -> list[str]:
    return [str(error) for error in check_text(text, FILE).errors]


# --- the file ----------------------------------------------------------------------------------------------


def test_an_ordering_question_keeps_its_options_in_the_right_order():
    result = check_text(COURSE + "          scoring: partial\n" + OPTIONS, FILE)
    assert result.errors == []
    question = result.courses[0].modules[0].quiz.questions[0]
    assert (question.type, question.scoring) == ("ordering", "partial")
    assert [option.id for option in question.options] == ["listen", "apologise", "fix", "check"]


@pytest.mark.parametrize("addition, expected", [
    ("          options:\n            - {id: listen, text: Listen}\n",
     f"{FILE}:18:13: modules[0].quiz.questions[0].options: needs at least 2 options"),
    (OPTIONS.replace("{id: fix, text: Fix}", "{id: fix, text: Fix, correct: true}"),
     f"{FILE}:20:36: modules[0].quiz.questions[0].options[2].correct: an ordering question has no correct options: "
     "list the options in the right order; remove 'correct'"),
    (OPTIONS.replace("{id: fix, text: Fix}", "{id: listen, text: Fix}"),
     f"{FILE}:20:20: modules[0].quiz.questions[0].options[2].id: option id 'listen' is used twice in this question; "
     "the first is modules[0].quiz.questions[0].options[0]"),
    ("          scoring: some\n" + OPTIONS,
     f"{FILE}:17:20: modules[0].quiz.questions[0].scoring: 'some' is not allowed; use all or partial"),
    ("          answer: true\n" + OPTIONS,
     f"{FILE}:17:11: modules[0].quiz.questions[0].answer: field 'answer' does not apply to ordering questions; remove it"),
])
def test_the_checker_points_at_the_exact_place(addition, expected):
    assert errors_of(COURSE + addition) == [expected]


def test_the_schema_describes_ordering_and_accepts_only_id_and_text_per_option():
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json_schema())
    question = {"id": "steps", "type": "ordering", "prompt": "P", "scoring": "partial",
                "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]}
    course = {"kind": "course", "id": "c", "title": "C", "modules": [
        {"id": "m", "title": "M", "lessons": [{"id": "l", "title": "L", "body": "B"}],
         "quiz": {"pass_mark": 80, "questions": [question]}}]}
    assert validator.is_valid(course)
    question["options"][0]["correct"] = True
    assert not validator.is_valid(course)
    assert "Kendall" in json_schema()["$defs"]["question_ordering"]["properties"]["scoring"]["description"]


# --- answers -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, cleaned", [
    (["fix:3", "listen:1", "check:4", "apologise:2"], ["listen", "apologise", "fix", "check"]),  # rank selects
    (["listen", "apologise", "fix", "check"], ["listen", "apologise", "fix", "check"]),  # ids in order
    (["", "", "", ""], None),  # nothing placed: blank
    (None, None),
    (["listen:1", "apologise:1", "fix:3", "check:4"], {"places": {"listen": 1, "apologise": 1, "fix": 3, "check": 4}}),
    (["listen:1", "", "fix:3", "check:4"], {"places": {"listen": 1, "fix": 3, "check": 4}}),
    (["listen:9", "nope:2", "fix:x"], None),  # nothing valid
])
def test_form_places_are_cleaned_to_the_learners_order(raw, cleaned):
    assert clean_response(ordering("listen", "apologise", "fix", "check"), raw) == cleaned


def test_shared_or_missing_places_are_fixed_before_anything_is_scored():
    question = ordering("a", "b", "c")
    incomplete = clean_response(question, ["a:1", "b:1", "c:3"])
    assert not is_blank(question, incomplete)
    assert problem(question, incomplete, "en") == "give each option its own place, from 1 to 3"
    assert problem(question, ["a", "b", "c"], "en") is None
    assert credit(question, incomplete) == 0


# --- scoring -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("given, share", [
    (["a", "b", "c", "d"], Fraction(1)),
    (["b", "a", "c", "d"], Fraction(5, 6)),  # one pair of neighbours swapped: 1 of 6 pairs discordant
    (["b", "a", "d", "c"], Fraction(4, 6)),
    (["a", "d", "c", "b"], Fraction(3, 6)),  # (b,c), (b,d), (c,d) the other way round
    (["d", "c", "b", "a"], Fraction(0)),  # reversed: every pair discordant
    (["a", "b", "c"], Fraction(0)),  # not every option
    (["a", "a", "c", "d"], Fraction(0)),
    ("a", Fraction(0)),
    (None, Fraction(0)),
])
def test_partial_credit_is_one_minus_the_normalized_kendall_tau_distance(given, share):
    assert credit(ordering("a", "b", "c", "d", scoring="partial"), given) == share


def test_all_or_nothing_by_default():
    question = ordering("a", "b", "c", "d")
    assert credit(question, ["a", "b", "c", "d"]) == 1 and is_correct(question, ["a", "b", "c", "d"])
    assert credit(question, ["b", "a", "c", "d"]) == 0


def test_discordant_pairs_count_every_pair_the_other_way_round():
    assert discordant_pairs(["c", "b", "a"], ["a", "b", "c"]) == 3
    assert discordant_pairs(["a", "c", "b"], ["a", "b", "c"]) == 1


def test_the_quiz_score_uses_the_types_credit():
    partial = ordering("a", "b", "c", "d", scoring="partial", points=3)
    result = score_quiz([(partial.points, credit(partial, ["b", "a", "c", "d"]))], pass_mark=80)
    assert (result.earned, result.possible, result.passed) == (2.5, 3, True)


def test_example_responses_are_right_or_wrong_as_asked():
    question = ordering("a", "b", "c", scoring="partial")
    right = example_response(question, True, random.Random(1))
    wrong = example_response(question, False, random.Random(1))
    assert is_correct(question, clean_response(question, right))
    assert not is_correct(question, clean_response(question, wrong))


def test_item_analysis_counts_where_each_option_was_put():
    question = ordering("a", "b", "c")
    assert tallies(question, ["b", "a", "c"]) == [("b", 1), ("a", 2), ("c", 3)]
    assert tallies(question, {"places": {"a": 1}}) == []
    assert QUESTION_TYPES["ordering"].shuffles_options and not QUESTION_TYPES["single"].shuffles_options


def test_reordering_the_options_is_a_change_of_the_question():
    from bro.curricula import diff_courses

    before = check_text(COURSE + OPTIONS, FILE).courses[0]
    reordered = OPTIONS.replace("            - {id: listen, text: Listen}\n", "") + "            - {id: listen, text: Listen}\n"
    after = check_text(COURSE + "          scoring: partial\n" + reordered, FILE).courses[0]
    assert [change.summary for change in diff_courses(before, after)] == \
        ["Question 'complaints/steps' changed: options, scoring"]

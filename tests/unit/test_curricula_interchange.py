"""Moodle GIFT and Aiken quizzes become course YAML that passes the checker; what bro cannot hold is refused
with its line."""
from __future__ import annotations

from pathlib import Path

import pytest

from bro.curricula import check_text
from bro.curricula.interchange import convert_aiken, convert_gift, course_yaml

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "moodle"


def gift_docs() -> str:
    return (FIXTURES / "gift_docs.txt").read_text(encoding="utf-8")


def test_gift_documentation_examples_convert_except_matching_and_essay_with_their_lines():
    conversion = convert_gift(gift_docs(), "gift_docs.txt")
    assert [str(e) for e in conversion.errors] == [
        "gift_docs.txt:13: matching questions are not supported",
        "gift_docs.txt:29: essay questions are not supported"]
    by_id = {q["id"]: q for q in conversion.questions}
    assert by_id["q1"] == {"id": "q1", "type": "true_false", "prompt": "1+1=2", "answer": True}
    assert by_id["q2"]["type"] == "single" and by_id["q2"]["options"][0] == {
        "id": "a", "text": "yellow", "correct": True, "feedback": "right; good!"}
    assert by_id["q3"] == {"id": "q3", "type": "short_text", "prompt": "Two plus ____ equals four.",
                           "accept": ["two", "2"]}
    assert (by_id["q5"]["value"], by_id["q5"]["tolerance"]) == (3, 2)
    assert (by_id["q6"]["value"], by_id["q6"]["tolerance"]) == (3, 2)  # {#1..5} is the same question
    assert (by_id["q7"]["value"], by_id["q7"]["tolerance"]) == (1822, 0)  # the full-credit answer
    multiple = by_id["what-two-people-are-entombed-in-grant-s"]
    assert multiple["type"] == "multiple"
    assert [o["text"] for o in multiple["options"] if o.get("correct")] == ["Grant", "Grant's wife"]
    assert by_id["which-answer-equals-5"]["options"][1] == {"id": "b", "text": "= 2 + 3", "correct": True}


def test_the_convertible_gift_questions_make_a_course_the_checker_accepts():
    without_refused = "\n\n".join(block for block in gift_docs().split("\n\n")
                                  if "->" not in block and "{}" not in block)
    conversion = convert_gift(without_refused, "quiz.gift")
    assert conversion.ok and len(conversion.questions) == 14
    result = check_text(course_yaml(conversion, course_id="grant-quiz", title="Grant"), "grant.yaml")
    assert result.ok, [str(e) for e in result.errors]
    quiz = result.documents[0].modules[0].quiz
    assert [q.type for q in quiz.questions].count("numeric") == 4


def test_thirty_gift_questions_become_one_importable_course():
    lines = []
    for n in range(1, 31):
        kind = n % 3
        if kind == 0:
            lines.append(f"::Q{n}:: Is {n} even? {{{'T' if n % 2 == 0 else 'F'}}}")
        elif kind == 1:
            lines.append(f"::Q{n}:: What is {n} + 1? {{#{n + 1}}}")
        else:
            lines.append(f"::Q{n}:: Which is {n}? {{={n} ~{n + 1} ~{n - 1}}}")
    conversion = convert_gift("\n\n".join(lines), "thirty.gift")
    assert conversion.ok and len(conversion.questions) == 30
    assert check_text(course_yaml(conversion, course_id="thirty", title="Thirty"), "thirty.yaml").ok


def test_aiken_documentation_examples_convert_and_check():
    conversion = convert_aiken((FIXTURES / "aiken_docs.txt").read_text(encoding="utf-8"), "aiken.txt")
    assert conversion.ok
    assert [[o["id"] for o in q["options"] if o.get("correct")] for q in conversion.questions] == [["d"], ["a"]]
    assert check_text(course_yaml(conversion, course_id="aiken", title="Aiken"), "aiken.yaml").ok


@pytest.mark.parametrize("text, expected", [
    ("Question?\nA. one\nB. two\nANSWER: C\n", "aiken.txt:4: ANSWER: C names no option of the question"),
    ("Question?\nA. one\nB. two\n", "aiken.txt:1: the question has no ANSWER: line"),
    ("Question?\nA. only\nANSWER: A\n", "aiken.txt:1: a question needs at least two options"),
])
def test_aiken_problems_name_their_line(text, expected):
    assert [str(e) for e in convert_aiken(text, "aiken.txt").errors] == [expected]


@pytest.mark.parametrize("text, expected", [
    ("Just a description.", "descriptions (text without answers) are not questions"),
    ("Pick {~a ~b}", "needs a right answer"),
    ("How much? {#abc}", "a number cannot be read"),
    ("Broken {=a ~b", "has no closing }"),
    ("", "the file holds no questions"),
])
def test_gift_problems_are_refused_with_a_reason(text, expected):
    errors = convert_gift(text, "x.gift").errors
    assert errors and expected in str(errors[0]) and str(errors[0]).startswith("x.gift:1: ")

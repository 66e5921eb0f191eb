"""Question scoring follows DESIGN.md exactly; bad responses are wrong, never errors."""
from __future__ import annotations

import pytest

from bro.curricula import QUESTION_TYPES, LocalizedText, Option, Question, is_correct
from bro.curricula.questions import credit
from bro.scoring import score_quiz

PROMPT = LocalizedText({"en": "?"}, "en")


def options(*correct: bool) -> tuple[Option, ...]:
    return tuple(Option(id=chr(ord("a") + index), text=LocalizedText({"en": "x"}, "en"), correct=flag) for index, flag in enumerate(correct))


SINGLE = Question(id="q", type="single", prompt=PROMPT, options=options(False, True, False))
MULTIPLE = Question(id="q", type="multiple", prompt=PROMPT, options=options(True, False, True))
TRUE_FALSE = Question(id="q", type="true_false", prompt=PROMPT, answer=False)
SHORT_TEXT = Question(id="q", type="short_text", prompt=PROMPT, accept=("word of mouth", "Word-of-mouth"))
NUMERIC = Question(id="q", type="numeric", prompt=PROMPT, value=4, tolerance=0.1)
EXACT = Question(id="q", type="numeric", prompt=PROMPT, value=0.3)


@pytest.mark.parametrize(
    "question, response, expected",
    [
        (SINGLE, "b", True),
        (SINGLE, "a", False),
        (SINGLE, "z", False),
        (SINGLE, ["b"], False),
        (SINGLE, None, False),
        (MULTIPLE, ["a", "c"], True),
        (MULTIPLE, {"c", "a"}, True),
        (MULTIPLE, ["a"], False),  # a partial set earns nothing
        (MULTIPLE, ["a", "b", "c"], False),  # so does an extra option
        (MULTIPLE, [], False),
        (MULTIPLE, "a", False),
        (MULTIPLE, [1, 2], False),
        (TRUE_FALSE, False, True),
        (TRUE_FALSE, True, False),
        (TRUE_FALSE, "false", True),
        (TRUE_FALSE, " False ", True),
        (TRUE_FALSE, "no", False),
        (TRUE_FALSE, 0, False),
        (SHORT_TEXT, "word of mouth", True),
        (SHORT_TEXT, "  Word   OF\tmouth \n", True),
        (SHORT_TEXT, "WORD-OF-MOUTH", True),
        (SHORT_TEXT, "word of mouths", False),
        (SHORT_TEXT, "", False),
        (SHORT_TEXT, 42, False),
        (NUMERIC, "4", True),
        (NUMERIC, 4.1, True),  # tolerance edge, despite float rounding
        (NUMERIC, "3.9", True),
        (NUMERIC, "3,9", True),  # decimal comma as written in id and pl
        (NUMERIC, " 4.05 ", True),
        (NUMERIC, "4.11", False),
        (NUMERIC, 3.89, False),
        (NUMERIC, "four", False),
        (NUMERIC, "", False),
        (NUMERIC, "nan", False),
        (NUMERIC, "inf", False),
        (NUMERIC, "1e999999999", False),
        (NUMERIC, "9" * 500, False),
        (NUMERIC, True, False),
        (NUMERIC, None, False),
        (EXACT, "0.3", True),
        (EXACT, 0.1 + 0.2, False),  # 0.30000000000000004 is not within a tolerance of 0
        (EXACT, "0.30", True),
    ],
)
def test_is_correct(question, response, expected):
    assert is_correct(question, response) is expected


def test_a_question_earns_all_points_or_none_unless_its_type_gives_partial_credit():
    question = Question(id="q", type="true_false", prompt=PROMPT, answer=True, points=3)
    assert score_quiz([(question.points, credit(question, True))], 50).earned == 3
    assert score_quiz([(question.points, credit(question, "false"))], 50).earned == 0
    assert QUESTION_TYPES["true_false"].credit(question, "true") == 1


def test_unknown_type_is_never_correct():
    assert is_correct(Question(id="q", type="essay", prompt=PROMPT), "anything") is False


def test_registry_names_the_documented_types():
    assert list(QUESTION_TYPES) == ["single", "multiple", "true_false", "short_text", "numeric", "ordering"]
    for name, question_type in QUESTION_TYPES.items():
        assert question_type.name == name

"""Quiz fields for fair, dead-end-free learning: retry_after, restudy, scoring: partial, accept per language,
and numbers read in the learner's locale. Pure: no app, no database."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from bro.curricula import check_text, credit, json_schema, read_number
from bro.curricula.model import Quiz, duration_seconds
from bro.scoring import score_quiz
from tests.unit.test_curricula_validation import COURSE, FILE, KNOWN, SINGLE, errors_of

MULTIPLE = """\
        - id: q2
          type: multiple
          scoring: partial
          prompt: Pick the listening habits.
          options:
            - {id: a, text: Paraphrase, correct: true}
            - {id: b, text: Take notes, correct: true}
            - {id: c, text: Summarize, correct: true}
            - {id: d, text: Interrupt}
"""


def quiz_with(fields: str, question: str = SINGLE) -> str:
    return COURSE.replace("      pass_mark: 80\n", "      pass_mark: 80\n" + fields) + question


def checked_quiz(text: str) -> Quiz:
    result = check_text(text, FILE, known_standards=KNOWN)
    assert result.errors == [], [str(e) for e in result.errors]
    return result.documents[0].modules[0].quiz


# --- retry_after and restudy -------------------------------------------------------------------------------


def test_retry_after_and_restudy_are_read_and_kept():
    quiz = checked_quiz(quiz_with("      retry_after: 1d12h\n      restudy: true\n"))
    assert (quiz.retry_after, quiz.retry_after_seconds, quiz.restudy) == ("1d12h", 129600, True)
    assert Quiz.from_dict(quiz.to_dict(), "en") == quiz


@pytest.mark.parametrize("value, shown", [("30", "a number"), ("soon", "'soon'"), ("30 minutes", "'30 minutes'"),
                                          ("1w", "'1w'"), ("-5m", "'-5m'")])
def test_a_retry_after_that_is_not_a_duration_is_refused_at_its_position(value, shown):
    assert errors_of(quiz_with(f"      retry_after: {value}\n")) == [
        f"curricula/brm.yaml:15:20: modules[0].quiz.retry_after: {shown} is not a duration; write a number and a "
        "unit: 30m (minutes), 2h (hours), 1d (days), or 1d12h"]


def test_retry_after_zero_and_too_long_are_refused():
    assert errors_of(quiz_with("      retry_after: 0m\n")) == [
        "curricula/brm.yaml:15:20: modules[0].quiz.retry_after: must be longer than 0; leave retry_after out for no wait"]
    assert errors_of(quiz_with("      retry_after: 400d\n")) == [
        "curricula/brm.yaml:15:20: modules[0].quiz.retry_after: must be at most 365d"]


def test_restudy_must_be_true_or_false():
    assert errors_of(quiz_with("      restudy: sometimes\n")) == [
        "curricula/brm.yaml:15:16: modules[0].quiz.restudy: must be true or false, not text"]


def test_a_misspelt_quiz_field_gets_a_hint():
    assert errors_of(quiz_with("      retry_afer: 30m\n")) == [
        "curricula/brm.yaml:15:7: modules[0].quiz.retry_afer: unknown field 'retry_afer'; did you mean 'retry_after'?"]


def test_durations():
    assert [duration_seconds(t) for t in ("30m", "2h", "1d", "1d2h30m", "x", "")] == [1800, 7200, 86400, 95400,
                                                                                     None, None]


def test_content_without_the_new_fields_hashes_as_before():
    """Existing curricula must not become new versions just because the format grew."""
    quiz = checked_quiz(quiz_with(""))
    assert set(quiz.to_dict()) == {"pass_mark", "max_attempts", "shuffle", "questions"}
    assert "scoring" not in quiz.questions[0].to_dict()


# --- scoring: partial --------------------------------------------------------------------------------------


def test_partial_scoring_is_read_only_for_multiple_questions():
    quiz = checked_quiz(quiz_with("", SINGLE + MULTIPLE))
    assert quiz.questions[1].scoring == "partial"
    single = SINGLE.replace("type: single\n", "type: single\n          scoring: partial\n")
    assert errors_of(quiz_with("", single)) == [
        "curricula/brm.yaml:18:11: modules[0].quiz.questions[0].scoring: field 'scoring' does not apply to single "
        "questions; remove it"]
    wrong = MULTIPLE.replace("scoring: partial", "scoring: some")
    assert errors_of(quiz_with("", SINGLE + wrong))[0].endswith("scoring: 'some' is not allowed; use all or partial")


@pytest.mark.parametrize("chosen, expected", [
    (["a", "b", "c"], Fraction(1)),
    (["a", "b"], Fraction(2, 3)),
    (["a"], Fraction(1, 3)),
    (["a", "b", "d"], Fraction(1, 3)),  # two right, one wrong
    (["a", "d"], Fraction(0)),
    (["d"], Fraction(0)),  # floor at 0
    (["a", "b", "c", "d"], Fraction(2, 3)),
    ([], Fraction(0)),
])
def test_partial_credit_as_moodle(chosen, expected):
    question = checked_quiz(quiz_with("", SINGLE + MULTIPLE)).questions[1]
    assert credit(question, chosen) == expected


def test_all_or_nothing_stays_the_default_for_multiple():
    question = checked_quiz(quiz_with("", SINGLE + MULTIPLE.replace("          scoring: partial\n", ""))).questions[1]
    assert credit(question, ["a", "b"]) == 0 and credit(question, ["a", "b", "c"]) == 1


def test_quiz_score_adds_partial_credit_exactly():
    result = score_quiz([(1, True), (3, Fraction(2, 3)), (1, False)], 60)
    assert (result.earned, result.possible, result.score, result.passed) == (3, 5, 60.0, True)


# --- accepted answers per language -------------------------------------------------------------------------


TEXT = """\
        - id: q3
          type: short_text
          prompt: What spreads news between customers?
          accept:
            en: [word of mouth]
            pl: [poczta pantoflowa]
"""


def test_accepted_answers_per_language_are_all_accepted_and_shown_per_language():
    question = checked_quiz(quiz_with("", SINGLE + TEXT)).questions[1]
    assert credit(question, "Poczta  pantoflowa") == 1 and credit(question, "word of mouth") == 1
    assert question.accepted_in("pl") == ("poczta pantoflowa",)
    assert question.accepted_in("en") == ("word of mouth",)
    assert question.accepted_in("id") == ("word of mouth",)  # falls back to the document's language


def test_accepted_answers_need_the_documents_language():
    text = TEXT.replace("            en: [word of mouth]\n", "")
    assert errors_of(quiz_with("", SINGLE + text)) == [
        "curricula/brm.yaml:26:13: modules[0].quiz.questions[1].accept: has no answers in the document's language "
        "'en'; add 'en: [...]'"]


def test_schema_describes_the_new_fields():
    schema = json_schema()["$defs"]
    assert {"retry_after", "restudy"} <= set(schema["quiz"]["properties"])
    assert schema["question_multiple"]["properties"]["scoring"]["enum"] == ["all", "partial"]
    assert "oneOf" in schema["question_short_text"]["properties"]["accept"]


# --- numbers in the learner's locale -------------------------------------------------------------------------


@pytest.mark.parametrize("locale, text, value", [
    ("en", "3,000", Decimal(3000)), ("en", "3.5", Decimal("3.5")), ("en", "1,234.5", Decimal("1234.5")),
    ("id", "3,5", Decimal("3.5")), ("id", "3.000", Decimal(3000)), ("id", "1.234,5", Decimal("1234.5")),
    ("pl", "3,5", Decimal("3.5")), ("pl", "3 000", Decimal(3000)), ("pl", "3.5", Decimal("3.5")),
    ("en", " -2 ", Decimal(-2)),
])
def test_numbers_are_read_in_the_learners_locale(locale, text, value):
    assert read_number(text, locale).value == value


@pytest.mark.parametrize("locale, text", [("en", "3,5"), ("en", "31,5"), ("id", "3.5"), ("pl", "3.000"),
                                          ("id", "1,234.5")])
def test_ambiguous_numbers_are_refused_not_guessed(locale, text):
    reading = read_number(text, locale)
    assert reading.value is None and reading.ambiguous


@pytest.mark.parametrize("text", ["", "abc", "1e3", "3 kg", "NaN"])
def test_things_that_are_not_numbers_are_not_read(text):
    assert read_number(text, "en").value is None


# --- a question's lesson (what restudy reopens) ------------------------------------------------------------


def test_a_question_may_name_the_lesson_that_explains_it():
    quiz = checked_quiz(quiz_with("      restudy: true\n", SINGLE.replace("type: single\n", "type: single\n          lesson: why\n")))
    assert quiz.questions[0].lesson == "why"


def test_a_question_naming_a_lesson_of_another_module_is_refused_at_its_position():
    text = quiz_with("", SINGLE.replace("type: single\n", "type: single\n          lesson: wyh\n"))
    assert errors_of(text) == [
        "curricula/brm.yaml:18:19: modules[0].quiz.questions[0].lesson: lesson 'wyh' is not a lesson of this module; "
        "did you mean 'why'?"]


def test_restudy_reopens_the_lessons_of_the_missed_questions_or_all():
    from bro.training.operations import lessons_to_restudy

    quiz = checked_quiz(quiz_with("      restudy: true\n", SINGLE.replace("type: single\n", "type: single\n          lesson: why\n")
                                  + MULTIPLE))
    assert lessons_to_restudy(quiz, ["intro", "why"], {"q1"}) == ["why"]
    assert lessons_to_restudy(quiz, ["intro", "why"], {"q2"}) == ["intro", "why"]  # q2 names no lesson

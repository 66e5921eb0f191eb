"""Question types: one small class per type, registered in ``QUESTION_TYPES``.

Each type knows its own fields (``validate``, ``schema_properties``) and how
to judge a response (``is_correct``). Adding a type means adding one class
here and registering it; validation, the JSON Schema and scoring pick it up.
"""
from __future__ import annotations

from decimal import Decimal, DecimalException
from typing import Any, ClassVar, Mapping

from .fields import FieldReader
from .loader import index_path, join_path
from .model import Number, Option, Question

MAX_NUMERIC_RESPONSE_LENGTH = 100


def normalize_text_answer(text: str) -> str:
    """Trim, collapse internal whitespace and case-fold, as DESIGN.md says."""
    return " ".join(text.split()).casefold()


def parse_number(response: Any) -> Decimal | None:
    """A finite number from a form value ("4", " 4.5 ", "4,5") or None."""
    if isinstance(response, bool):
        return None
    if isinstance(response, (int, float)):
        text = repr(response)
    elif isinstance(response, str) and len(response) <= MAX_NUMERIC_RESPONSE_LENGTH:
        text = response.strip().replace(" ", "")
        if "," in text and "." not in text and text.count(",") == 1:
            text = text.replace(",", ".")  # decimal comma, as written in id and pl
    else:
        return None
    try:
        number = Decimal(text)
    except (DecimalException, ValueError):
        return None
    return number if number.is_finite() else None


def _decimal(number: Number) -> Decimal:
    return Decimal(repr(number)) if isinstance(number, float) else Decimal(number)


class QuestionType:
    """Base of the question types; subclasses set ``name`` and the fields."""

    name: ClassVar[str]
    description: ClassVar[str]
    fields: ClassVar[tuple[str, ...]] = ()
    required: ClassVar[tuple[str, ...]] = ()

    def validate(self, reader: FieldReader, raw: Mapping[str, Any], path: str) -> dict[str, Any]:
        """Check the type-specific fields; return keyword arguments for Question."""
        raise NotImplementedError

    def is_correct(self, question: Question, response: Any) -> bool:
        raise NotImplementedError

    def score(self, question: Question, response: Any) -> Number:
        """Points earned: all of the question's points or none."""
        return question.points if self.is_correct(question, response) else 0

    def schema_properties(self) -> dict[str, Any]:
        raise NotImplementedError


class _ChoiceType(QuestionType):
    fields = ("options",)
    required = ("options",)
    option_fields = ("id", "text", "correct", "feedback")

    def validate(self, reader: FieldReader, raw: Mapping[str, Any], path: str) -> dict[str, Any]:
        options_path = join_path(path, "options")
        items = reader.read_list(raw.get("options"), options_path, minimum=2, what="option") if "options" in raw else None
        if items is None:
            return {}
        reader.read_unique_ids(items, options_path, "option", "in this question")
        options: list[Option] = []
        for index, item in enumerate(items):
            option = self.read_option(reader, item, index_path(options_path, index))
            if option is not None:
                options.append(option)
        if len(options) == len(items):
            self.check_correct_count(reader, sum(option.correct for option in options), options_path)
        return {"options": tuple(options)}

    def read_option(self, reader: FieldReader, item: Any, path: str) -> Option | None:
        mapping = reader.read_mapping(item, path, "id, text, correct, feedback")
        if mapping is None:
            return None
        before = reader.error_count
        reader.check_fields(mapping, path, self.option_fields, ("id", "text"), "option")
        option_id = reader.read_id(mapping["id"], join_path(path, "id")) if "id" in mapping else None
        text = reader.read_text(mapping["text"], join_path(path, "text")) if "text" in mapping else None
        correct = reader.read_bool(mapping["correct"], join_path(path, "correct")) if "correct" in mapping else False
        feedback = reader.read_text(mapping["feedback"], join_path(path, "feedback")) if "feedback" in mapping else None
        if reader.error_count > before or option_id is None or text is None or correct is None:
            return None
        return Option(id=option_id, text=text, correct=correct, feedback=feedback)

    def check_correct_count(self, reader: FieldReader, correct: int, path: str) -> None:
        raise NotImplementedError

    def schema_properties(self) -> dict[str, Any]:
        return {"options": {"type": "array", "minItems": 2, "items": {"$ref": "#/$defs/option"}, "description": "The choices; mark correct ones with correct: true."}}


class SingleChoice(_ChoiceType):
    name = "single"
    description = "Pick the one correct option."

    def check_correct_count(self, reader: FieldReader, correct: int, path: str) -> None:
        if correct != 1:
            reader.error(path, f"a single-choice question needs exactly one correct option (correct: true); it has {correct}")

    def is_correct(self, question: Question, response: Any) -> bool:
        return isinstance(response, str) and response in question.correct_option_ids and len(question.correct_option_ids) == 1


class MultipleChoice(_ChoiceType):
    name = "multiple"
    description = "Pick every correct option; credit only for the exact set."

    def check_correct_count(self, reader: FieldReader, correct: int, path: str) -> None:
        if correct < 1:
            reader.error(path, "a multiple-choice question needs at least one correct option (correct: true)")

    def is_correct(self, question: Question, response: Any) -> bool:
        if isinstance(response, str):
            chosen = {response}
        elif isinstance(response, (list, tuple, set, frozenset)) and all(isinstance(item, str) for item in response):
            chosen = set(response)
        else:
            return False
        return chosen == question.correct_option_ids


class TrueFalse(QuestionType):
    name = "true_false"
    description = "A statement that is true or false."
    fields = ("answer",)
    required = ("answer",)

    def validate(self, reader: FieldReader, raw: Mapping[str, Any], path: str) -> dict[str, Any]:
        if "answer" not in raw:
            return {}
        return {"answer": reader.read_bool(raw["answer"], join_path(path, "answer"))}

    def is_correct(self, question: Question, response: Any) -> bool:
        if isinstance(response, str):
            response = {"true": True, "false": False}.get(response.strip().casefold())
        return isinstance(response, bool) and response is question.answer

    def schema_properties(self) -> dict[str, Any]:
        return {"answer": {"type": "boolean", "description": "Whether the statement is true."}}


class ShortText(QuestionType):
    name = "short_text"
    description = "A typed answer compared, ignoring case and extra spaces, with the accepted answers."
    fields = ("accept",)
    required = ("accept",)

    def validate(self, reader: FieldReader, raw: Mapping[str, Any], path: str) -> dict[str, Any]:
        accept_path = join_path(path, "accept")
        items = reader.read_list(raw.get("accept"), accept_path, minimum=1, what="accepted answer") if "accept" in raw else None
        if items is None:
            return {}
        accepted = [reader.read_string(item, index_path(accept_path, index)) for index, item in enumerate(items)]
        return {"accept": tuple(" ".join(answer.split()) for answer in accepted if answer is not None)}

    def is_correct(self, question: Question, response: Any) -> bool:
        if not isinstance(response, str):
            return False
        given = normalize_text_answer(response)
        return any(given == normalize_text_answer(answer) for answer in question.accept)

    def schema_properties(self) -> dict[str, Any]:
        return {
            "accept": {
                "type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1},
                "description": "Accepted answers; case and extra spaces are ignored.",
            }
        }


class NumericAnswer(QuestionType):
    name = "numeric"
    description = "A number, correct when within tolerance of the value."
    fields = ("value", "tolerance")
    required = ("value",)

    def validate(self, reader: FieldReader, raw: Mapping[str, Any], path: str) -> dict[str, Any]:
        result: dict[str, Any] = {}
        if "value" in raw:
            result["value"] = reader.read_number(raw["value"], join_path(path, "value"))
        if "tolerance" in raw:
            tolerance = reader.read_number(raw["tolerance"], join_path(path, "tolerance"))
            if tolerance is not None and tolerance < 0:
                reader.error(join_path(path, "tolerance"), "must not be negative")
            result["tolerance"] = tolerance
        return result

    def is_correct(self, question: Question, response: Any) -> bool:
        given = parse_number(response)
        if given is None or question.value is None:
            return False
        try:
            return abs(given - _decimal(question.value)) <= _decimal(question.tolerance)
        except DecimalException:
            return False

    def schema_properties(self) -> dict[str, Any]:
        return {
            "value": {"type": "number", "description": "The correct number."},
            "tolerance": {"type": "number", "minimum": 0, "default": 0, "description": "Accepted distance from value."},
        }


QUESTION_TYPES: dict[str, QuestionType] = {
    question_type.name: question_type
    for question_type in (SingleChoice(), MultipleChoice(), TrueFalse(), ShortText(), NumericAnswer())
}


def is_correct(question: Question, response: Any) -> bool:
    """Whether ``response`` answers ``question`` correctly; never raises for bad input."""
    question_type = QUESTION_TYPES.get(question.type)
    return question_type is not None and question_type.is_correct(question, response)


def score(question: Question, response: Any) -> Number:
    """Points earned for ``response``: all of the question's points or none."""
    return question.points if is_correct(question, response) else 0

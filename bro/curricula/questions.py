"""Question types: one small class per type, registered in ``QUESTION_TYPES``.

Each type knows its own fields (``validate``, ``schema_properties``) and how
to judge a response (``is_correct``). Adding a type means adding one class
here and registering it; validation, the JSON Schema and scoring pick it up.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, DecimalException
from fractions import Fraction
from typing import Any, ClassVar, Mapping

from .fields import LANGUAGE_PATTERN, FieldReader, not_a_language
from .loader import index_path, join_path
from .messages import msg
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


# Digits, signs, the separators people type, and spaces: anything else ("1e3", "3 kg") is not a number answer.
_NUMBER_CHARACTERS = re.compile(r"[+\-\u2212]?[0-9][0-9.,'\u00a0\u202f ]*")


@dataclass(frozen=True)
class NumberReading:
    """A typed number read in the learner's locale: ``value``, or why it could not be read (``ambiguous``:
    a well-formed number that reads differently in other languages, like "3.000" in Polish)."""

    text: str
    value: Decimal | None
    ambiguous: bool = False
    suggestions: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.value is not None


def read_number(text: str, locale: str) -> NumberReading:
    """Read ``text`` as a number written in ``locale`` (Babel's strict ``parse_decimal``).

    "3,000" is 3000 in English; "3,5" is 3.5 in Indonesian and Polish. An entry Babel refuses, or one
    with a point followed by exactly three digits where the point is neither the locale's decimal nor
    its grouping sign ("3.000" in Polish: three, or three thousand?), is refused, not judged.
    """
    from babel.numbers import NumberFormatError, get_decimal_symbol, get_group_symbol, parse_decimal

    given = (text or "").strip()[:MAX_NUMERIC_RESPONSE_LENGTH]
    if not given or not _NUMBER_CHARACTERS.fullmatch(given):
        return NumberReading(given, None)
    decimal_symbol, group_symbol = get_decimal_symbol(locale), get_group_symbol(locale)
    normalized = given.replace("\u2212", "-")
    if group_symbol.isspace():
        # Polish groups with a no-break space; people type an ordinary one.
        normalized = re.sub(r"(?<=[0-9])[ \u202f\u00a0](?=[0-9]{3})", group_symbol, normalized)
    for foreign in {".", ","} - {decimal_symbol, group_symbol}:
        if re.search(rf"[0-9]\{foreign}[0-9]{{3}}(?![0-9])", normalized) and decimal_symbol not in normalized:
            return NumberReading(given, None, ambiguous=True)
    try:
        value = parse_decimal(normalized, locale=locale, strict=True)
    except NumberFormatError as error:
        return NumberReading(given, None, ambiguous=bool(getattr(error, "suggestions", None)),
                             suggestions=tuple(getattr(error, "suggestions", None) or ()))
    return NumberReading(given, value) if value.is_finite() else NumberReading(given, None)


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

    def is_correct(self, question: Question, response: Any, locale: str | None = None) -> bool:
        raise NotImplementedError

    def credit(self, question: Question, response: Any, locale: str | None = None) -> Fraction:
        """Share of the question's points earned, 0 to 1: all or nothing unless the type says otherwise."""
        return Fraction(1) if self.is_correct(question, response, locale) else Fraction(0)

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
            reader.error(path, msg("a single-choice question needs exactly one correct option (correct: true); it has %(found)s",
                                   found=correct))

    def is_correct(self, question: Question, response: Any, locale: str | None = None) -> bool:
        return isinstance(response, str) and response in question.correct_option_ids and len(question.correct_option_ids) == 1


SCORING_CHOICES = ("all", "partial")


class MultipleChoice(_ChoiceType):
    name = "multiple"
    description = "Pick every correct option; credit only for the exact set, or per option with scoring: partial."
    fields = ("options", "scoring")

    def validate(self, reader: FieldReader, raw: Mapping[str, Any], path: str) -> dict[str, Any]:
        result = super().validate(reader, raw, path)
        if "scoring" in raw:
            scoring = reader.read_choice(raw["scoring"], join_path(path, "scoring"), SCORING_CHOICES)
            if scoring is not None:
                result["scoring"] = scoring
        return result

    def check_correct_count(self, reader: FieldReader, correct: int, path: str) -> None:
        if correct < 1:
            reader.error(path, msg("a multiple-choice question needs at least one correct option (correct: true)"))

    @staticmethod
    def chosen(response: Any) -> set[str] | None:
        if isinstance(response, str):
            return {response}
        if isinstance(response, (list, tuple, set, frozenset)) and all(isinstance(item, str) for item in response):
            return set(response)
        return None

    def is_correct(self, question: Question, response: Any, locale: str | None = None) -> bool:
        chosen = self.chosen(response)
        return chosen is not None and chosen == question.correct_option_ids

    def credit(self, question: Question, response: Any, locale: str | None = None) -> Fraction:
        """`scoring: partial`, as Moodle: each correct option chosen earns 1/k (k correct options), each wrong
        option chosen costs 1/k, never below 0. Otherwise the exact set or nothing."""
        if question.scoring != "partial":
            return super().credit(question, response, locale)
        chosen = self.chosen(response)
        if not chosen:
            return Fraction(0)
        correct = question.correct_option_ids
        k = len(correct)
        valid = {option.id for option in question.options}
        right = len(chosen & correct)
        wrong = len((chosen & valid) - correct)
        return max(Fraction(0), Fraction(right - wrong, k))

    def schema_properties(self) -> dict[str, Any]:
        return {**super().schema_properties(), "scoring": {
            "enum": list(SCORING_CHOICES), "default": "all",
            "description": "all: credit only for the exact set; partial: each correct option chosen earns 1/k of the "
                           "points, each wrong one costs 1/k, never below 0 (k = number of correct options)."}}


class TrueFalse(QuestionType):
    name = "true_false"
    description = "A statement that is true or false."
    fields = ("answer",)
    required = ("answer",)

    def validate(self, reader: FieldReader, raw: Mapping[str, Any], path: str) -> dict[str, Any]:
        if "answer" not in raw:
            return {}
        return {"answer": reader.read_bool(raw["answer"], join_path(path, "answer"))}

    def is_correct(self, question: Question, response: Any, locale: str | None = None) -> bool:
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
        if "accept" not in raw:
            return {}
        if isinstance(raw["accept"], dict):
            # Accepted answers per language: all are accepted from anyone; the review shows the reader's own.
            by_language = []
            for language, answers in raw["accept"].items():
                language_path = join_path(accept_path, str(language))
                if not isinstance(language, str) or not LANGUAGE_PATTERN.fullmatch(language):
                    at = reader.document.key_positions.get(language_path)
                    reader.error(language_path, not_a_language(language), at)
                    continue
                read = self._read_answers(reader, answers, language_path)
                if read:
                    by_language.append((language, read))
            if not raw["accept"]:
                reader.error(accept_path, msg("needs accepted answers in at least one language"))
            elif reader.language not in dict(by_language) and len(by_language) == len(raw["accept"]):
                reader.error(accept_path, msg("has no answers in the document's language '%(language)s'; add '%(language)s: [...]'",
                                                 language=reader.language))
            return {"accept": tuple(answer for _language, answers in by_language for answer in answers),
                    "accept_by_language": tuple(by_language)}
        return {"accept": self._read_answers(reader, raw["accept"], accept_path)}

    @staticmethod
    def _read_answers(reader: FieldReader, value: Any, path: str) -> tuple[str, ...]:
        items = reader.read_list(value, path, minimum=1, what="accepted answer")
        if items is None:
            return ()
        accepted = [reader.read_string(item, index_path(path, index)) for index, item in enumerate(items)]
        return tuple(" ".join(answer.split()) for answer in accepted if answer is not None)

    def is_correct(self, question: Question, response: Any, locale: str | None = None) -> bool:
        if not isinstance(response, str):
            return False
        given = normalize_text_answer(response)
        return any(given == normalize_text_answer(answer) for answer in question.accept)

    def schema_properties(self) -> dict[str, Any]:
        return {
            "accept": {
                "description": "Accepted answers (case and extra spaces are ignored): a list, or a mapping of "
                               "language code to a list; every language's answers are accepted, the review shows "
                               "the reader's own.",
                "oneOf": [
                    {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
                    {"type": "object", "minProperties": 1, "propertyNames": {"pattern": "^[a-z]{2}$"},
                     "additionalProperties": {"type": "array", "minItems": 1,
                                              "items": {"type": "string", "minLength": 1}}},
                ],
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
                reader.error(join_path(path, "tolerance"), msg("must not be negative"))
            result["tolerance"] = tolerance
        return result

    def is_correct(self, question: Question, response: Any, locale: str | None = None) -> bool:
        if locale is not None and isinstance(response, str):
            given = read_number(response, locale).value
        else:
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


def is_correct(question: Question, response: Any, locale: str | None = None) -> bool:
    """Whether ``response`` answers ``question`` correctly; never raises for bad input.

    With ``locale``, a numeric answer is read as written in that locale (`read_number`)."""
    question_type = QUESTION_TYPES.get(question.type)
    return question_type is not None and question_type.is_correct(question, response, locale)


def credit(question: Question, response: Any, locale: str | None = None) -> Fraction:
    """Share (0 to 1) of the question's points ``response`` earns; never raises for bad input."""
    question_type = QUESTION_TYPES.get(question.type)
    return question_type.credit(question, response, locale) if question_type is not None else Fraction(0)


def score(question: Question, response: Any) -> Number:
    """Points earned for ``response``: all of the question's points or none."""
    return question.points if is_correct(question, response) else 0

"""``numeric``: a number, read as written in the learner's language, within tolerance of the value."""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from decimal import Decimal, DecimalException
from typing import Any, Mapping

from ..fields import FieldReader
from ..loader import join_path
from ..messages import Message, msg
from ..model import Question, written_decimal
from .base import QuestionType

MAX_NUMERIC_RESPONSE_LENGTH = 100


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


class NumericAnswer(QuestionType):
    name = "numeric"
    label = msg("number")
    description = "A number, correct when within tolerance of the value."
    fields = ("value", "tolerance")
    optional = ("tolerance",)
    typed_answers = True

    def validate(self, reader: FieldReader, raw: Mapping[str, Any], path: str) -> dict[str, Any]:
        result = reader.read_fields(raw, path, {"value": reader.read_number, "tolerance": reader.read_number})
        if result.get("tolerance") is not None and result["tolerance"] < 0:
            reader.error(join_path(path, "tolerance"), msg("must not be negative"))
        return result

    def clean(self, question: Question, raw: Any) -> Any:
        return raw.strip()[:MAX_NUMERIC_RESPONSE_LENGTH] if isinstance(raw, str) and raw.strip() else None

    def problem(self, question: Question, response: Any, locale: str) -> Message | None:
        if isinstance(response, str) and not read_number(response, locale).ok:
            return msg("“%(typed)s” cannot be read as a number", typed=response)
        return None

    def is_correct(self, question: Question, response: Any, locale: str | None = None) -> bool:
        if locale is not None and isinstance(response, str):
            given = read_number(response, locale).value
        else:
            given = parse_number(response)
        if given is None or question.value is None:
            return False
        try:
            return abs(given - written_decimal(question.value)) <= written_decimal(question.tolerance)
        except DecimalException:
            return False

    def schema_properties(self) -> dict[str, Any]:
        return {
            "value": {"type": "number", "description": "The correct number."},
            "tolerance": {"type": "number", "minimum": 0, "default": 0, "description": "Accepted distance from value."},
        }

    def example_response(self, question: Question, right: bool, rng: random.Random | None = None) -> Any:
        return str(question.value) if right else str(question.value + question.tolerance + 7)

    def wrong_answer_key(self, text: str) -> str:
        """Spaces removed, so "3 000" and "3000" count together, while "3,000" stays visible as typed."""
        return "".join(text.split())

"""``true_false``: a statement that is true or false."""
from __future__ import annotations

import random
from typing import Any, Hashable, Mapping

from ..fields import FieldReader
from ..messages import msg
from ..model import Question
from .base import QuestionType

_WORDS = {"true": True, "false": False}


class TrueFalse(QuestionType):
    name = "true_false"
    label = msg("true or false")
    description = "A statement that is true or false."
    fields = ("answer",)

    def validate(self, reader: FieldReader, raw: Mapping[str, Any], path: str) -> dict[str, Any]:
        return reader.read_fields(raw, path, {"answer": reader.read_bool})

    def clean(self, question: Question, raw: Any) -> Any:
        if isinstance(raw, bool):
            return raw
        return _WORDS.get(raw.strip().casefold()) if isinstance(raw, str) else None

    def is_correct(self, question: Question, response: Any, locale: str | None = None) -> bool:
        if isinstance(response, str):
            response = _WORDS.get(response.strip().casefold())
        return isinstance(response, bool) and response is question.answer

    def example_response(self, question: Question, right: bool, rng: random.Random | None = None) -> Any:
        return "true" if bool(question.answer) == right else "false"

    def tallies(self, question: Question, response: Any) -> list[Hashable]:
        """The answer given, so the item analysis shows how many said true and how many false."""
        return [response] if isinstance(response, bool) else []

    def schema_properties(self) -> dict[str, Any]:
        return {"answer": {"type": "boolean", "description": "Whether the statement is true."}}

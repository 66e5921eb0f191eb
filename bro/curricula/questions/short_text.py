"""``short_text``: a typed answer compared with the accepted answers."""
from __future__ import annotations

import random
from typing import Any, Mapping

from ..fields import LANGUAGE_PATTERN, FieldReader
from ..loader import index_path, join_path
from ..messages import msg
from ..model import Question
from .base import QuestionType

MAX_TEXT_RESPONSE = 500


def normalize_text_answer(text: str) -> str:
    """Trim, collapse internal whitespace and case-fold, as DESIGN.md says."""
    return " ".join(text.split()).casefold()


class ShortText(QuestionType):
    name = "short_text"
    label = msg("short answer")
    description = "A typed answer compared, ignoring case and extra spaces, with the accepted answers."
    fields = ("accept",)
    typed_answers = True

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
                    reader.error(language_path, msg("'%(language)s' is not a language code; use a two-letter "
                                                    "lowercase code such as en, id or pl", language=language), at)
                    continue
                read = self._read_answers(reader, answers, language_path)
                if read:
                    by_language.append((language, read))
            if not raw["accept"]:
                reader.error(accept_path, msg("needs accepted answers in at least one language"))
            elif reader.language not in dict(by_language) and len(by_language) == len(raw["accept"]):
                reader.error(accept_path, msg("has no answers in the document's language '%(language)s'; add "
                                              "'%(language)s: [...]'", language=reader.language))
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

    def clean(self, question: Question, raw: Any) -> Any:
        return raw.strip()[:MAX_TEXT_RESPONSE] if isinstance(raw, str) and raw.strip() else None

    def is_correct(self, question: Question, response: Any, locale: str | None = None) -> bool:
        if not isinstance(response, str):
            return False
        given = normalize_text_answer(response)
        return any(given == normalize_text_answer(answer) for answer in question.accept)

    def example_response(self, question: Question, right: bool, rng: random.Random | None = None) -> Any:
        return question.accept[0] if right else "not sure"

    def wrong_answer_key(self, text: str) -> str:
        return normalize_text_answer(text)

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

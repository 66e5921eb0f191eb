"""``single`` and ``multiple``: pick the correct option, or every correct option."""
from __future__ import annotations

import random
from fractions import Fraction
from typing import Any, Hashable, Mapping

from ..fields import FieldReader
from ..loader import index_path, join_path
from ..messages import msg
from ..model import Option, Question
from .base import SCORING_CHOICES, QuestionType


def option_ids(raw: Any) -> list[str]:
    """The strings a form sent under one name: one value or several."""
    items = [raw] if isinstance(raw, str) else raw if isinstance(raw, (list, tuple)) else []
    return [item for item in items if isinstance(item, str)]


class ChoiceType(QuestionType):
    """Options with ``correct`` flags; the learner picks."""

    fields = ("options",)
    optional = ("scoring",)  # in the types that offer partial credit
    option_fields = ("id", "text", "correct", "feedback")

    @staticmethod
    def read_scoring(reader: FieldReader, raw: Mapping[str, Any], path: str, result: dict[str, Any]) -> dict[str, Any]:
        """``result`` with the optional ``scoring`` field (all or partial) read into it."""
        if "scoring" in raw:
            scoring = reader.read_choice(raw["scoring"], join_path(path, "scoring"), SCORING_CHOICES)
            if scoring is not None:
                result["scoring"] = scoring
        return result

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
            self.check_options(reader, options, options_path)
        return {"options": tuple(options)}

    def read_option(self, reader: FieldReader, item: Any, path: str) -> Option | None:
        before = reader.error_count
        mapping = reader.read_record(item, path, self.option_fields, ("id", "text"), "option")
        if mapping is None:
            return None
        values = reader.read_fields(mapping, path, {"id": reader.read_id, "text": reader.read_text,
                                                    "correct": reader.read_bool, "feedback": reader.read_text})
        # A wrong or missing field is an error: without one, id and text are read.
        return Option(**values) if reader.error_count == before else None

    def check_options(self, reader: FieldReader, options: list[Option], path: str) -> None:
        """Rules over all the options once each one is valid (how many are correct)."""
        raise NotImplementedError

    def schema_properties(self) -> dict[str, Any]:
        return {"options": {"type": "array", "minItems": 2, "items": {"$ref": "#/$defs/option"}, "description": "The choices; mark correct ones with correct: true."}}

    def tallies(self, question: Question, response: Any) -> list[Hashable]:
        return option_ids(response)


class SingleChoice(ChoiceType):
    name = "single"
    partial = "choice"  # shared with multiple: radio buttons here, check boxes there
    label = msg("single choice")
    description = "Pick the one correct option."

    def check_options(self, reader: FieldReader, options: list[Option], path: str) -> None:
        correct = sum(option.correct for option in options)
        if correct != 1:
            reader.error(path, msg("a single-choice question needs exactly one correct option (correct: true); "
                                   "it has %(count)s", count=correct))

    def clean(self, question: Question, raw: Any) -> Any:
        return raw if isinstance(raw, str) and raw in {option.id for option in question.options} else None

    def is_correct(self, question: Question, response: Any, locale: str | None = None) -> bool:
        return isinstance(response, str) and response in question.correct_option_ids and len(question.correct_option_ids) == 1

    def example_response(self, question: Question, right: bool, rng: random.Random | None = None) -> Any:
        correct = sorted(question.correct_option_ids)
        wrong = sorted(option.id for option in question.options if not option.correct)
        return correct[0] if right or not wrong else (rng or random.Random(0)).choice(wrong)


class MultipleChoice(ChoiceType):
    name = "multiple"
    partial = "choice"
    label = msg("multiple choice")
    description = "Pick every correct option; credit only for the exact set, or per option with scoring: partial."
    fields = ("options", "scoring")

    def validate(self, reader: FieldReader, raw: Mapping[str, Any], path: str) -> dict[str, Any]:
        return self.read_scoring(reader, raw, path, super().validate(reader, raw, path))

    def check_options(self, reader: FieldReader, options: list[Option], path: str) -> None:
        if not any(option.correct for option in options):
            reader.error(path, msg("a multiple-choice question needs at least one correct option (correct: true)"))

    def clean(self, question: Question, raw: Any) -> Any:
        valid = {option.id for option in question.options}
        return sorted({item for item in option_ids(raw) if item in valid})

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

    def example_response(self, question: Question, right: bool, rng: random.Random | None = None) -> Any:
        correct = sorted(question.correct_option_ids)
        wrong = sorted(option.id for option in question.options if not option.correct)
        if right:
            return correct
        return correct[1:] + wrong[:1] if wrong else correct[:-1]

    def schema_properties(self) -> dict[str, Any]:
        return {**super().schema_properties(), "scoring": {
            "enum": list(SCORING_CHOICES), "default": "all",
            "description": "all: credit only for the exact set; partial: each correct option chosen earns 1/k of the "
                           "points, each wrong one costs 1/k, never below 0 (k = number of correct options)."}}

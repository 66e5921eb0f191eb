"""Question types: one module per type, registered in ``QUESTION_TYPES``.

A type (``base.QuestionType``) owns its fields and their checks, its JSON Schema, cleaning a submitted
answer, why an answer cannot be judged yet, correctness and credit (which ``bro.scoring.score_quiz``
adds up), its label, an example response, and what item analysis counts. Its template partial
``training/questions/<name>.html`` shows it in the quiz, the review, the authoring preview and the item
analysis. Adding a type: one module here, registered below, plus its partial and its translations.
"""
from __future__ import annotations

import random
from fractions import Fraction
from typing import Any, Hashable

from ..messages import Message
from ..model import Question
from .base import SCORING_CHOICES, QuestionType
from .choice import MultipleChoice, SingleChoice
from .numeric import MAX_NUMERIC_RESPONSE_LENGTH, NumberReading, NumericAnswer, parse_number, read_number
from .ordering import Ordering
from .short_text import ShortText, normalize_text_answer
from .true_false import TrueFalse

__all__ = [
    "MAX_NUMERIC_RESPONSE_LENGTH", "QUESTION_TYPES", "SCORING_CHOICES", "NumberReading", "QuestionType",
    "clean_response", "credit", "example_response", "is_blank", "is_correct", "normalize_text_answer",
    "parse_number", "problem", "question_type", "read_number", "tallies",
]

QUESTION_TYPES: dict[str, QuestionType] = {
    kind.name: kind
    for kind in (SingleChoice(), MultipleChoice(), TrueFalse(), ShortText(), NumericAnswer(), Ordering())
}


def question_type(question: Question) -> QuestionType | None:
    return QUESTION_TYPES.get(question.type)


def clean_response(question: Question, raw: Any) -> Any:
    """What a form sent, reduced to what the question's type can judge and store (never raises)."""
    kind = question_type(question)
    return kind.clean(question, raw) if kind is not None else None


def is_blank(question: Question, response: Any) -> bool:
    """Whether a cleaned response leaves the question unanswered."""
    kind = question_type(question)
    return kind is None or kind.is_blank(response)


def problem(question: Question, response: Any, locale: str) -> Message | None:
    """Why a cleaned answer cannot be judged yet (fixed before anything is scored), or None."""
    kind = question_type(question)
    return kind.problem(question, response, locale) if kind is not None and not kind.is_blank(response) else None


def is_correct(question: Question, response: Any, locale: str | None = None) -> bool:
    """Whether ``response`` earns all of the question's points; never raises for bad input.

    With ``locale``, a numeric answer is read as written in that locale (`read_number`)."""
    return credit(question, response, locale) == 1


def credit(question: Question, response: Any, locale: str | None = None) -> Fraction:
    """Share (0 to 1) of the question's points ``response`` earns; never raises for bad input."""
    kind = question_type(question)
    return kind.credit(question, response, locale) if kind is not None else Fraction(0)


def example_response(question: Question, right: bool, rng: random.Random | None = None) -> Any:
    """A form response that is right or wrong on purpose (demo data, tests)."""
    kind = question_type(question)
    return kind.example_response(question, right, rng) if kind is not None else None


def tallies(question: Question, response: Any) -> list[Hashable]:
    """What the item analysis counts for one stored response (options chosen, places given)."""
    kind = question_type(question)
    return kind.tallies(question, response) if kind is not None else []

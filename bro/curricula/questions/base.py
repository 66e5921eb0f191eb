"""What every question type owns, and the defaults most types keep.

A type is one module of this package with one ``QuestionType`` subclass, registered in
``bro.curricula.questions.QUESTION_TYPES``, plus one template partial
``bro/training/templates/training/questions/<name>.html`` (quiz input, review, authoring preview and item
analysis). Everything else — the checker, the JSON Schema, the quiz pages, scoring, the demo data and the
item analysis — asks the type.
"""
from __future__ import annotations

import random
from fractions import Fraction
from typing import Any, ClassVar, Hashable, Mapping

from ..fields import FieldReader
from ..messages import Message
from ..model import Question

#: ``scoring`` values of the types that offer partial credit (multiple, ordering).
SCORING_CHOICES = ("all", "partial")


class QuestionType:
    """Base of the question types; subclasses set ``name``, ``label``, ``description`` and the fields."""

    #: the value of ``type:`` in a curriculum file
    name: ClassVar[str]
    #: what trainers call the type (translated where shown: ``bro.i18n.translate_message``)
    label: ClassVar[Message]
    #: one sentence for the JSON Schema
    description: ClassVar[str]
    #: the question fields this type adds to the common ones (id, type, points, prompt, explanation, lesson)
    fields: ClassVar[tuple[str, ...]] = ()
    #: the template partial ``training/questions/<partial>.html`` with the type's views (its name unless shared)
    partial: ClassVar[str] = ""
    #: those of ``fields`` a question may leave out
    optional: ClassVar[tuple[str, ...]] = ()
    #: the others, which every question of the type has (set for each subclass from the two above)
    required: ClassVar[tuple[str, ...]] = ()
    #: the quiz shows this type's options in a fresh random order for every attempt, even without ``shuffle``
    shuffles_options: ClassVar[bool] = False
    #: learners type the answer (the item analysis lists the most common wrong ones, by ``wrong_answer_key``)
    typed_answers: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "partial" not in cls.__dict__ and "name" in cls.__dict__:
            cls.partial = cls.name
        cls.required = tuple(field for field in cls.fields if field not in cls.optional)

    # --- the curriculum file ------------------------------------------------------------------------------

    def validate(self, reader: FieldReader, raw: Mapping[str, Any], path: str) -> dict[str, Any]:
        """Check the type's fields in ``raw`` (errors go to ``reader``); return keyword arguments for Question."""
        raise NotImplementedError

    def schema_properties(self) -> dict[str, Any]:
        """JSON Schema of the type's fields."""
        raise NotImplementedError

    # --- a learner's answer ------------------------------------------------------------------------------

    def clean(self, question: Question, raw: Any) -> Any:
        """What a form sent (a string, or a list of strings), reduced to what the type judges and stores;
        None when nothing was answered. Never raises."""
        raise NotImplementedError

    def is_blank(self, response: Any) -> bool:
        """Whether a cleaned response leaves the question unanswered."""
        return response is None or response == []

    def problem(self, question: Question, response: Any, locale: str) -> Message | None:
        """Why a cleaned, non-blank response cannot be judged yet (the learner fixes it before anything is
        scored), or None. Numbers that cannot be read, items sharing a place."""
        return None

    def is_correct(self, question: Question, response: Any, locale: str | None = None) -> bool:
        """Whether ``response`` earns all of the question's points."""
        return self.credit(question, response, locale) == 1

    def credit(self, question: Question, response: Any, locale: str | None = None) -> Fraction:
        """Share of the question's points earned, 0 to 1 (``bro.scoring.score_quiz`` takes it as is).
        All or nothing unless the type overrides it; never raises for bad input."""
        return Fraction(1) if self.is_correct(question, response, locale) else Fraction(0)

    def example_response(self, question: Question, right: bool, rng: random.Random | None = None) -> Any:
        """A form response that is right (or wrong) on purpose: demo data and tests submit it."""
        raise NotImplementedError

    # --- item analysis ------------------------------------------------------------------------------------

    def tallies(self, question: Question, response: Any) -> list[Hashable]:
        """What item analysis counts for a stored response: the options chosen, the (option, place) pairs...
        A type that counts nothing keeps this default."""
        return []

    @property
    def tallied(self) -> bool:
        """Whether the item analysis reads stored responses to count ``tallies``: the type says what to count."""
        return type(self).tallies is not QuestionType.tallies

    def wrong_answer_key(self, text: str) -> str:
        """For types with ``typed_answers``: a wrong answer as the scorer compares it (the item analysis groups
        wrong answers by it)."""
        return " ".join(text.split())

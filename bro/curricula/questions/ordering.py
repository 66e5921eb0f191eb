"""``ordering``: the learner puts the options in the right order.

The file lists the options in the right order; the quiz shows them shuffled (always, whatever the quiz's
``shuffle``) and the learner gives each one its place, 1 to n. Scoring is all or nothing by default; with
``scoring: partial`` the credit is one minus the normalized Kendall tau distance between the learner's
order and the right one:

    credit = 1 − D / (n(n−1)/2),

where D is the number of discordant pairs (pairs of options the learner put the other way round) and
n(n−1)/2 the number of pairs. The right order earns 1, the reversed order 0, one swap of neighbours
1 − 2/(n(n−1)); a random order earns 1/2 on average.
"""
from __future__ import annotations

import random
from fractions import Fraction
from itertools import combinations
from typing import Any, Hashable, Mapping

from ..fields import FieldReader
from ..loader import join_path
from ..messages import Message, msg
from ..model import Option, Question
from .base import SCORING_CHOICES
from .choice import ChoiceType, option_ids


def discordant_pairs(given: list[str], right: list[str]) -> int:
    """Pairs of ``right`` that ``given`` (the same ids in another order) puts the other way round."""
    place = {option_id: index for index, option_id in enumerate(given)}
    return sum(1 for first, second in combinations(right, 2) if place[first] > place[second])


class Ordering(ChoiceType):
    name = "ordering"
    label = msg("ordering")
    description = ("Put the options in the right order (the order they are listed in); all or nothing, or with "
                   "scoring: partial, credit 1 − (pairs out of order) / (all pairs), the normalized Kendall tau "
                   "distance.")
    fields = ("options", "scoring")
    option_fields = ("id", "text")
    shuffles_options = True

    def validate(self, reader: FieldReader, raw: Mapping[str, Any], path: str) -> dict[str, Any]:
        return self.read_scoring(reader, raw, path, super().validate(reader, raw, path))

    def read_option(self, reader: FieldReader, item: Any, path: str) -> Option | None:
        if isinstance(item, dict) and "correct" in item:
            at = reader.document.key_positions.get(join_path(path, "correct"))
            reader.error(join_path(path, "correct"), msg("an ordering question has no correct options: list the "
                                                         "options in the right order; remove 'correct'"), at)
            item = {key: value for key, value in item.items() if key != "correct"}
        return super().read_option(reader, item, path)

    def check_options(self, reader: FieldReader, options: list[Option], path: str) -> None:
        """Any two or more options have an order."""

    def schema_properties(self) -> dict[str, Any]:
        return {
            "options": {
                "type": "array", "minItems": 2, "description": "The options in the right order.",
                "items": {"type": "object", "title": "ordering option", "required": ["id", "text"],
                          "additionalProperties": False,
                          "properties": {"id": {"$ref": "#/$defs/id", "description": "Unique within the question."},
                                         "text": {"$ref": "#/$defs/text"}}},
            },
            "scoring": {
                "enum": list(SCORING_CHOICES), "default": "all",
                "description": "all: credit only for the right order; partial: 1 − D / (n(n−1)/2) of the points, "
                               "D = pairs of options in the wrong order, n = number of options (Kendall tau "
                               "distance)."},
        }

    # --- answers: a list of option ids in the learner's order -------------------------------------------

    def clean(self, question: Question, raw: Any) -> Any:
        """The form sends one ``<option id>:<place>`` per option (a rank select each; "" when not placed yet);
        a plain list of option ids in order is accepted too. Returns the ids in the learner's order, None when
        nothing is placed, or ``{"places": {...}}`` when the places are incomplete or shared (never scored:
        the learner fixes it first, see ``problem``)."""
        valid = [option.id for option in question.options]
        values = option_ids(raw)
        if values and all(":" not in value for value in values):
            values = [f"{value}:{place}" for place, value in enumerate(values, start=1)]
        places: dict[str, int] = {}
        for value in values:
            option_id, _colon, place = value.rpartition(":")
            if option_id in valid and option_id not in places and place.isdigit() and 1 <= int(place) <= len(valid):
                places[option_id] = int(place)
        if not places:
            return None
        if sorted(places.values()) == list(range(1, len(valid) + 1)) and len(places) == len(valid):
            return sorted(places, key=places.__getitem__)
        return {"places": places}

    def problem(self, question: Question, response: Any, locale: str) -> Message | None:
        if isinstance(response, dict):
            return msg("give each option its own place, from 1 to %(count)s", count=len(question.options))
        return None

    def credit(self, question: Question, response: Any, locale: str | None = None) -> Fraction:
        right = [option.id for option in question.options]
        if not isinstance(response, list) or len(response) != len(right) or set(response) != set(right):
            return Fraction(0)
        if response == right:
            return Fraction(1)
        if question.scoring != "partial":
            return Fraction(0)
        pairs = len(right) * (len(right) - 1) // 2
        return Fraction(pairs - discordant_pairs(response, right), pairs)

    def example_response(self, question: Question, right: bool, rng: random.Random | None = None) -> Any:
        order = [option.id for option in question.options]
        return order if right else [order[1], order[0], *order[2:]]

    def tallies(self, question: Question, response: Any) -> list[Hashable]:
        """(option id, place given) for each option: the item analysis counts where each option was put."""
        if not isinstance(response, list):
            return []
        return [(option_id, place) for place, option_id in enumerate(response, start=1) if isinstance(option_id, str)]

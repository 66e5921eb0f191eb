"""Reading fields of a loaded document while collecting positioned errors.

A ``FieldReader`` belongs to one document. Each ``read_*`` method checks one
value, records an error if it is wrong, and returns the value (or ``None``).
Callers build a dataclass only when the document produced no errors.
"""
from __future__ import annotations

import difflib
import math
import re
from decimal import Decimal
from typing import Any, Iterable, Mapping, Sequence

from .errors import CurriculumError
from .loader import LoadedDocument, Position, index_path, join_path
from .model import LocalizedText, Number, plain_number

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")
MAX_ID_LENGTH = 80  # the database stores ids in 80 characters
MAX_WEIGHT = 1000  # weights and points: stored with 3 decimals
MAX_VALID_DAYS = 36500  # 100 years
LANGUAGE_PATTERN = re.compile(r"[a-z]{2}")
DEFAULT_LANGUAGE = "en"

ID_RULE = "use lowercase letters, digits and hyphens, starting with a letter or digit"


def describe(value: Any) -> str:
    """A short, trainer-friendly name for the kind of ``value``."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__  # pragma: no cover


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class FieldReader:
    """Checks the values of one document and records errors with positions."""

    def __init__(self, filename: str, document: LoadedDocument, errors: list[CurriculumError]) -> None:
        self.filename = filename
        self.document = document
        self.errors = errors
        self.language = DEFAULT_LANGUAGE

    # --- reporting -----------------------------------------------------------

    def position(self, path: str) -> Position:
        """Position of ``path``'s value, else of its nearest present ancestor."""
        positions = self.document.value_positions
        while path not in positions and path:
            cut = max(path.rfind("."), path.rfind("["))
            path = path[: max(cut, 0)]
        return positions.get(path, (1, 1))

    def error(self, path: str, message: str, at: Position | None = None) -> None:
        line, column = at if at is not None else self.position(path)
        self.errors.append(CurriculumError(self.filename, line, column, path, message))

    @property
    def error_count(self) -> int:
        return len(self.errors)

    # --- structure -------------------------------------------------------------

    def read_mapping(self, value: Any, path: str, what: str) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.error(path, f"must be a mapping of fields ({what}), not {describe(value)}")
        return None

    def read_list(self, value: Any, path: str, minimum: int = 0, what: str = "item") -> list[Any] | None:
        if not isinstance(value, list):
            self.error(path, f"must be a list, not {describe(value)}")
            return None
        if len(value) < minimum:
            needed = f"at least one {what}" if minimum == 1 else f"at least {minimum} {what}s"
            self.error(path, f"needs {needed}")
        return value

    def check_fields(self, mapping: Mapping[str, Any], path: str, allowed: Sequence[str], required: Sequence[str], owner: str) -> None:
        """Refuse unknown fields (with a did-you-mean hint) and report missing ones."""
        for key in mapping:
            if key in allowed:
                continue
            key_path = join_path(path, key)
            at = self.document.key_positions.get(key_path)
            hint = did_you_mean(key, allowed)
            if hint:
                self.error(key_path, f"unknown field '{key}'; did you mean '{hint}'?", at)
            else:
                self.error(key_path, f"unknown field '{key}'; {owner} fields are: {', '.join(allowed)}", at)
        for key in required:
            if key not in mapping:
                self.error(join_path(path, key), "required field is missing", self.position(path))

    # --- values ----------------------------------------------------------------

    def read_id(self, value: Any, path: str) -> str | None:
        if is_number(value):
            self.error(path, f"must be an id ({ID_RULE}), not a number; put it in quotes, e.g. '{value}'")
            return None
        if not isinstance(value, str):
            self.error(path, f"must be an id ({ID_RULE}), not {describe(value)}")
            return None
        if not ID_PATTERN.fullmatch(value):
            self.error(path, f"'{value}' is not a valid id; {ID_RULE}")
            return None
        if len(value) > MAX_ID_LENGTH:
            self.error(path, f"is longer than {MAX_ID_LENGTH} characters")
            return None
        return value

    def read_unique_ids(self, items: Sequence[Any], path: str, what: str, scope: str) -> None:
        """Report items of ``items`` (mappings) whose ``id`` repeats an earlier one."""
        first: dict[str, int] = {}
        for index, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                continue
            item_id = item["id"]
            if item_id in first:
                self.error(
                    join_path(index_path(path, index), "id"),
                    f"{what} id '{item_id}' is used twice {scope}; the first is {path}[{first[item_id]}]",
                )
            else:
                first[item_id] = index

    def read_bool(self, value: Any, path: str) -> bool | None:
        if isinstance(value, bool):
            return value
        self.error(path, f"must be true or false, not {describe(value)}")
        return None

    def read_number(self, value: Any, path: str) -> Number | None:
        if not is_number(value):
            self.error(path, f"must be a number, not {describe(value)}")
            return None
        if not math.isfinite(value):
            self.error(path, "must be a finite number")
            return None
        return plain_number(value)

    def read_positive(self, value: Any, path: str, maximum: Number | None = None, decimals: int | None = None) -> Number | None:
        """A number above 0, optionally bounded and with limited decimal places."""
        number = self.read_number(value, path)
        if number is None:
            return None
        if number <= 0:
            self.error(path, "must be greater than 0")
            return None
        if maximum is not None and number > maximum:
            self.error(path, f"must be at most {maximum}")
            return None
        if decimals is not None and Decimal(repr(number)).as_tuple().exponent < -decimals:
            self.error(path, f"use at most {decimals} decimal places")
            return None
        return number

    def read_percent(self, value: Any, path: str) -> Number | None:
        """A number with 0 < value <= 100 and at most two decimal places."""
        return self.read_positive(value, path, maximum=100, decimals=2)

    def read_weight(self, value: Any, path: str) -> Number | None:
        return self.read_positive(value, path, maximum=MAX_WEIGHT, decimals=3)

    def read_positive_int(self, value: Any, path: str, maximum: int | None = None) -> int | None:
        if isinstance(value, float) and math.isfinite(value):
            self.error(path, f"must be a whole number, not {value:g}")
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self.error(path, f"must be a whole number, not {describe(value)}")
            return None
        if value <= 0:
            self.error(path, "must be greater than 0")
            return None
        if maximum is not None and value > maximum:
            self.error(path, f"must be at most {maximum}")
            return None
        return value

    def read_valid_days(self, value: Any, path: str) -> int | None:
        return self.read_positive_int(value, path, maximum=MAX_VALID_DAYS)

    def read_choice(self, value: Any, path: str, choices: Sequence[str]) -> str | None:
        if isinstance(value, str) and value in choices:
            return value
        listed = " or ".join(", ".join(choices).rsplit(", ", 1))
        if isinstance(value, str):
            hint = did_you_mean(value, choices)
            if hint:
                self.error(path, f"'{value}' is not allowed; did you mean '{hint}'? Use {listed}")
                return None
            self.error(path, f"'{value}' is not allowed; use {listed}")
            return None
        self.error(path, f"must be one of {listed}, not {describe(value)}")
        return None

    def read_language(self, value: Any, path: str) -> str | None:
        if isinstance(value, str) and LANGUAGE_PATTERN.fullmatch(value):
            return value
        shown = f"'{value}'" if isinstance(value, str) else describe(value)
        self.error(path, f"{shown} is not a language code; use a two-letter lowercase code such as en, id or pl")
        return None

    def read_string(self, value: Any, path: str) -> str | None:
        """Non-empty plain text (not localized)."""
        if isinstance(value, str) and value.strip():
            return value
        if value is None or isinstance(value, str):
            self.error(path, "must not be empty")
        elif is_number(value) or isinstance(value, bool):
            self.error(path, f"must be text, not {describe(value)}; put it in quotes, e.g. '{_yaml_word(value)}'")
        else:
            self.error(path, f"must be text, not {describe(value)}")
        return None

    def read_text(self, value: Any, path: str) -> LocalizedText | None:
        """Localized text: a string in the document's language or a mapping of language codes."""
        if isinstance(value, str) or is_number(value) or isinstance(value, bool) or value is None:
            text = self.read_string(value, path)
            return None if text is None else LocalizedText({self.language: text.strip()}, self.language)
        if not isinstance(value, dict):
            self.error(path, f"must be text or a mapping of language codes to text, not {describe(value)}")
            return None
        if not value:
            self.error(path, "needs text in at least one language")
            return None
        before = self.error_count
        translations: dict[str, str] = {}
        for language, text in value.items():
            language_path = join_path(path, language)
            if not LANGUAGE_PATTERN.fullmatch(language):
                at = self.document.key_positions.get(language_path)
                self.error(language_path, f"'{language}' is not a language code; use a two-letter lowercase code such as en, id or pl", at)
                continue
            checked = self.read_string(text, language_path)
            if checked is not None:
                translations[language] = checked.strip()
        if self.error_count > before:
            return None
        if self.language not in translations:
            self.error(path, f"has no text in the document's language '{self.language}'; add '{self.language}: ...'")
            return None
        return LocalizedText(translations, self.language)


def _yaml_word(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)

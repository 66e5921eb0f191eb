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
from typing import Any, Callable, Iterable, Mapping, Sequence

from .errors import CurriculumError
from .messages import Message, msg, msg_plural
from .loader import LoadedDocument, Position, index_path, join_path
from .model import LocalizedText, Number, plain_number

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")
MAX_ID_LENGTH = 80  # the database stores ids in 80 characters
MAX_WEIGHT = 1000  # weights and points: stored with 3 decimals
MAX_VALID_DAYS = 36500  # 100 years
LANGUAGE_PATTERN = re.compile(r"[a-z]{2}")
DEFAULT_LANGUAGE = "en"

ID_RULE = "use lowercase letters, digits and hyphens, starting with a letter or digit"
LANGUAGE_RULE = "use a two-letter lowercase code such as en, id or pl"

# Whole sentences for each kind of list item, so a translator never sees a glued fragment.
NEEDS_ONE = {
    "step": msg("needs at least one step"),
    "module": msg("needs at least one module"),
    "lesson": msg("needs at least one lesson"),
    "question": msg("needs at least one question"),
    "option": msg("needs at least one option"),
    "accepted answer": msg("needs at least one accepted answer"),
}
# Templates only (no parameters yet): callers fill them with msg(TEMPLATE.template, ...).
USED_TWICE = {
    "step": msg("step id '%(id)s' is used twice in this standard; the first is %(first)s"),
    "module": msg("module id '%(id)s' is used twice in this course; the first is %(first)s"),
    "lesson": msg("lesson id '%(id)s' is used twice in this module; the first is %(first)s"),
    "question": msg("question id '%(id)s' is used twice in this quiz; the first is %(first)s"),
    "option": msg("option id '%(id)s' is used twice in this question; the first is %(first)s"),
}
UNKNOWN_FIELD = {
    "standard": msg("unknown field '%(field)s'; standard fields are: %(fields)s"),
    "step": msg("unknown field '%(field)s'; step fields are: %(fields)s"),
    "course": msg("unknown field '%(field)s'; course fields are: %(fields)s"),
    "module": msg("unknown field '%(field)s'; module fields are: %(fields)s"),
    "lesson": msg("unknown field '%(field)s'; lesson fields are: %(fields)s"),
    "quiz": msg("unknown field '%(field)s'; quiz fields are: %(fields)s"),
    "question": msg("unknown field '%(field)s'; question fields are: %(fields)s"),
    "option": msg("unknown field '%(field)s'; option fields are: %(fields)s"),
    "certification": msg("unknown field '%(field)s'; certification fields are: %(fields)s"),
}


def describe(value: Any) -> Message | str:
    """A short, trainer-friendly name for the kind of ``value`` (a message, translated where it is shown)."""
    if value is None:
        return msg("empty")
    if isinstance(value, bool):
        return msg("true/false")
    if isinstance(value, (int, float)):
        return msg("a number")
    if isinstance(value, str):
        return msg("text")
    if isinstance(value, list):
        return msg("a list")
    if isinstance(value, dict):
        return msg("a mapping")
    return type(value).__name__  # pragma: no cover


def listed_or(choices: Sequence[str]) -> Message | str:
    """``a, b or c`` with the last separator in the reader's language."""
    choices = list(choices)
    if len(choices) < 2:
        return ", ".join(choices)
    return msg("%(choices)s or %(last)s", choices=", ".join(choices[:-1]), last=choices[-1])


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

    def error(self, path: str, message: Message | str, at: Position | None = None) -> None:
        line, column = at if at is not None else self.position(path)
        self.errors.append(CurriculumError(self.filename, line, column, path, message))

    @property
    def error_count(self) -> int:
        return len(self.errors)

    # --- structure -------------------------------------------------------------

    def read_mapping(self, value: Any, path: str, what: str) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.error(path, msg("must be a mapping of fields (%(fields)s), not %(kind)s", fields=what, kind=describe(value)))
        return None

    def read_list(self, value: Any, path: str, minimum: int = 0, what: str = "item") -> list[Any] | None:
        if not isinstance(value, list):
            self.error(path, msg("must be a list, not %(kind)s", kind=describe(value)))
            return None
        if len(value) < minimum:
            if minimum == 1:
                self.error(path, NEEDS_ONE.get(what) or msg("needs at least one item"))
            elif what == "option":
                self.error(path, msg_plural("needs at least %(count)s option", "needs at least %(count)s options", minimum))
            else:
                self.error(path, msg_plural("needs at least %(count)s item", "needs at least %(count)s items", minimum))
        return value

    def read_record(self, value: Any, path: str, allowed: Sequence[str], required: Sequence[str], owner: str) -> dict[str, Any] | None:
        """``value`` as a mapping of ``owner``'s fields, unknown and missing ones reported; None if not a mapping."""
        data = self.read_mapping(value, path, ", ".join(allowed))
        if data is not None:
            self.check_fields(data, path, allowed, required, owner)
        return data

    def read_fields(self, data: Mapping[str, Any], path: str, reads: Mapping[str, Callable[[Any, str], Any]]) -> dict[str, Any]:
        """The fields of ``reads`` that ``data`` has, each read by its reader in that order (None where it is
        wrong); those it leaves out are left out, so the dataclass they fill keeps its defaults."""
        return {key: read(data[key], join_path(path, key)) for key, read in reads.items() if key in data}

    def check_fields(self, mapping: Mapping[str, Any], path: str, allowed: Sequence[str], required: Sequence[str], owner: str) -> None:
        """Refuse unknown fields (with a did-you-mean hint) and report missing ones."""
        for key in mapping:
            if key in allowed:
                continue
            key_path = join_path(path, key)
            at = self.document.key_positions.get(key_path)
            hint = did_you_mean(key, allowed)
            if hint:
                self.error(key_path, msg("unknown field '%(field)s'; did you mean '%(hint)s'?", field=key, hint=hint), at)
            else:
                template = UNKNOWN_FIELD[owner].template if owner in UNKNOWN_FIELD else "unknown field '%(field)s'; allowed fields are: %(fields)s"
                self.error(key_path, msg(template, field=key, fields=", ".join(allowed)), at)
        for key in required:
            if key not in mapping:
                self.error(join_path(path, key), msg("required field is missing"), self.position(path))

    # --- values ----------------------------------------------------------------

    def read_id(self, value: Any, path: str) -> str | None:
        if is_number(value):
            self.error(path, msg("must be an id (use lowercase letters, digits and hyphens, starting with a letter or "
                                 "digit), not a number; put it in quotes, e.g. '%(value)s'", value=str(value)))
            return None
        if not isinstance(value, str):
            self.error(path, msg("must be an id (use lowercase letters, digits and hyphens, starting with a letter or "
                                 "digit), not %(kind)s", kind=describe(value)))
            return None
        if not ID_PATTERN.fullmatch(value):
            self.error(path, msg("'%(value)s' is not a valid id; use lowercase letters, digits and hyphens, starting "
                                 "with a letter or digit", value=value))
            return None
        if len(value) > MAX_ID_LENGTH:
            self.error(path, msg_plural("is longer than %(count)s character", "is longer than %(count)s characters",
                                        MAX_ID_LENGTH))
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
                    msg(USED_TWICE[what].template if what in USED_TWICE else "id '%(id)s' is used twice; the first is %(first)s",
                        id=item_id, first=f"{path}[{first[item_id]}]"),
                )
            else:
                first[item_id] = index

    def read_bool(self, value: Any, path: str) -> bool | None:
        if isinstance(value, bool):
            return value
        self.error(path, msg("must be true or false, not %(kind)s", kind=describe(value)))
        return None

    def read_number(self, value: Any, path: str) -> Number | None:
        if not is_number(value):
            self.error(path, msg("must be a number, not %(kind)s", kind=describe(value)))
            return None
        if not math.isfinite(value):
            self.error(path, msg("must be a finite number"))
            return None
        return plain_number(value)

    def read_positive(self, value: Any, path: str, maximum: Number | None = None, decimals: int | None = None) -> Number | None:
        """A number above 0, optionally bounded and with limited decimal places."""
        number = self.read_number(value, path)
        if number is None or not self._within(number, path, maximum):
            return None
        if decimals is not None and Decimal(repr(number)).as_tuple().exponent < -decimals:
            self.error(path, msg_plural("use at most %(count)s decimal place", "use at most %(count)s decimal places",
                                        decimals))
            return None
        return number

    def read_percent(self, value: Any, path: str) -> Number | None:
        """A number with 0 < value <= 100 and at most two decimal places."""
        return self.read_positive(value, path, maximum=100, decimals=2)

    def read_weight(self, value: Any, path: str) -> Number | None:
        return self.read_positive(value, path, maximum=MAX_WEIGHT, decimals=3)

    def read_positive_int(self, value: Any, path: str, maximum: int | None = None) -> int | None:
        if isinstance(value, float) and math.isfinite(value):
            self.error(path, msg("must be a whole number, not %(value)s", value=f"{value:g}"))
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self.error(path, msg("must be a whole number, not %(kind)s", kind=describe(value)))
            return None
        return value if self._within(value, path, maximum) else None

    def _within(self, number: Number, path: str, maximum: Number | None) -> bool:
        """Whether ``number`` is above 0 and at most ``maximum``; if not, the error is reported."""
        if number <= 0:
            self.error(path, msg("must be greater than 0"))
            return False
        if maximum is not None and number > maximum:
            self.error(path, msg("must be at most %(maximum)s", maximum=maximum))
            return False
        return True

    def read_valid_days(self, value: Any, path: str) -> int | None:
        return self.read_positive_int(value, path, maximum=MAX_VALID_DAYS)

    def read_choice(self, value: Any, path: str, choices: Sequence[str]) -> str | None:
        if isinstance(value, str) and value in choices:
            return value
        listed = listed_or(choices)
        if isinstance(value, str):
            hint = did_you_mean(value, choices)
            if hint:
                self.error(path, msg("'%(value)s' is not allowed; did you mean '%(hint)s'? Use %(choices)s",
                                     value=value, hint=hint, choices=listed))
                return None
            self.error(path, msg("'%(value)s' is not allowed; use %(choices)s", value=value, choices=listed))
            return None
        self.error(path, msg("must be one of %(choices)s, not %(kind)s", choices=listed, kind=describe(value)))
        return None

    def read_language(self, value: Any, path: str) -> str | None:
        if isinstance(value, str) and LANGUAGE_PATTERN.fullmatch(value):
            return value
        self.error(path, not_a_language(value))
        return None

    def read_string(self, value: Any, path: str) -> str | None:
        """Non-empty plain text (not localized)."""
        if isinstance(value, str) and value.strip():
            return value
        if value is None or isinstance(value, str):
            self.error(path, msg("must not be empty"))
        elif is_number(value) or isinstance(value, bool):
            self.error(path, msg("must be text, not %(kind)s; put it in quotes, e.g. '%(value)s'",
                                 kind=describe(value), value=_yaml_word(value)))
        else:
            self.error(path, msg("must be text, not %(kind)s", kind=describe(value)))
        return None

    def read_text(self, value: Any, path: str) -> LocalizedText | None:
        """Localized text: a string in the document's language or a mapping of language codes."""
        if isinstance(value, str) or is_number(value) or isinstance(value, bool) or value is None:
            text = self.read_string(value, path)
            return None if text is None else LocalizedText({self.language: text.strip()}, self.language)
        if not isinstance(value, dict):
            self.error(path, msg("must be text or a mapping of language codes to text, not %(kind)s", kind=describe(value)))
            return None
        if not value:
            self.error(path, msg("needs text in at least one language"))
            return None
        before = self.error_count
        translations: dict[str, str] = {}
        for language, text in value.items():
            language_path = join_path(path, language)
            if not LANGUAGE_PATTERN.fullmatch(language):
                at = self.document.key_positions.get(language_path)
                self.error(language_path, not_a_language(language), at)
                continue
            checked = self.read_string(text, language_path)
            if checked is not None:
                translations[language] = checked.strip()
        if self.error_count > before:
            return None
        if self.language not in translations:
            self.error(path, msg("has no text in the document's language '%(language)s'; add '%(language)s: ...'",
                                 language=self.language))
            return None
        return LocalizedText(translations, self.language)


def not_a_language(value: Any) -> Message:
    """The error for a language code that is not two lowercase letters."""
    if isinstance(value, str):
        return msg("'%(value)s' is not a language code; use a two-letter lowercase code such as en, id or pl", value=value)
    return msg("%(kind)s is not a language code; use a two-letter lowercase code such as en, id or pl",
               kind=describe(value))


def _yaml_word(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)

"""Invisible characters: bidi controls, zero-width and other format characters.

Identifiers (names, team names, emails, customer refs) refuse them: U+202E turns "Ali" into a name that
reads backwards and drags the words after it along, U+200B makes two names look the same. Text already
stored is isolated where it is shown: `|bdi` wraps it in <bdi>, and every {{ value }} in a template that
holds such characters is wrapped in FSI…PDI (U+2068…U+2069), the plain-text isolate that also works in
<title> and attributes, so it cannot reorder what comes after it.
"""
from __future__ import annotations

import re
import unicodedata

from markupsafe import Markup, escape

# Cc (controls), Cf (format: bidi embeddings, overrides, isolates and marks, zero-width space/joiners,
# word joiner, BOM, soft hyphen, ...), Zl and Zp (line and paragraph separators).
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
_BIDI_OR_INVISIBLE = re.compile(
    "[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]"
)
FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"


def invisible_characters(text: str) -> list[str]:
    """The characters of `text` that an identifier may not hold, as U+XXXX names (in order, once each)."""
    found = dict.fromkeys(f"U+{ord(ch):04X}" for ch in text if unicodedata.category(ch) in _REFUSED_CATEGORIES)
    return list(found)


def bdi(value) -> Markup:
    """User text isolated from the words around it: <bdi>text</bdi>."""
    return Markup("<bdi>%s</bdi>") % escape(value)


def isolate_invisible(value):
    """Jinja `finalize`: a plain string holding bidi or invisible characters comes out inside FSI…PDI.
    Everything else (numbers, Markup, ordinary text) is left exactly as it is."""
    if type(value) is str and _BIDI_OR_INVISIBLE.search(value):
        return FIRST_STRONG_ISOLATE + value + POP_DIRECTIONAL_ISOLATE
    return value

"""Curriculum text in the reader's language: the shared `bro.authoring.text.localized` helper.

Templates use the `localized_text` macro of "authoring/_text.html" (marks untranslated text).
"""
from __future__ import annotations

from bro.authoring.text import localized


def text(value, language: str | None, default_language: str = "en") -> str:
    """Plain text of a stored `{lang: text}` mapping in `language`, falling back to the default language."""
    found = localized(value, language, default_language)
    return found.text if found else ""


__all__ = ["localized", "text"]

"""Curriculum text in the reader's language, falling back to the document's language.

Every area that shows curriculum text (authoring, training, audits) uses
`localized` (the text and whether it is a fallback) or `curriculum_text` (just the text) in Python, the
`localized` template filter or the `curriculum_text` template global, and the
`localized_text` macro of "authoring/_text.html" to mark untranslated text:

    {% from "authoring/_text.html" import localized_text %}
    {{ localized_text(step.title, version.language) }}
    {{ localized_text(lesson.body, version.language, markdown=True) }}
"""
from __future__ import annotations

from typing import Mapping, Union

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from bro.curricula import LocalizedText, TextInLanguage

CurriculumText = Union[LocalizedText, Mapping[str, str], str, None]

# Names of the curriculum languages, in the reader's language (for "shown in English").
LANGUAGE_LABELS = {"en": _l("English"), "id": _l("Indonesian"), "pl": _l("Polish")}


def localized(text: CurriculumText, language: str | None, default_language: str) -> TextInLanguage | None:
    """``text`` in ``language``, else in ``default_language`` with ``is_fallback`` set.

    ``text`` is a stored mapping {language: text}, a plain string (in the default
    language) or a `LocalizedText`; None stays None.
    """
    if text is None:
        return None
    if not isinstance(text, LocalizedText):
        if isinstance(text, Mapping) and default_language not in text:
            # Stored text always holds the default language; be lenient with hand-made data.
            if not text:
                return None
            default_language = next(iter(text))
        text = LocalizedText.from_dict(text, default_language)
    return text.get(language)


def reader_language() -> str:
    """The language the current request is shown in."""
    return str(get_locale() or "en")


def localized_filter(text: CurriculumText, default_language: str, language: str | None = None) -> TextInLanguage | None:
    """Template filter: ``{{ (step.title|localized(version.language)).text }}``; language defaults to the reader's."""
    return localized(text, language or reader_language(), default_language)


def curriculum_text(text: CurriculumText, default_language: str = "en", language: str | None = None) -> str:
    """The plain text of ``text`` in ``language`` (the reader's by default), falling back to the default
    language; "" for no text. Template global: ``{{ curriculum_text(step.title, version.language) }}``."""
    found = localized(text, language or reader_language(), default_language)
    return found.text if found else ""


def language_label(code: str) -> str:
    return str(LANGUAGE_LABELS.get(code, code))

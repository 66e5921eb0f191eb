"""Language choice: the user's preference, else the session's pick, else Accept-Language."""
from flask import current_app, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from bro.models.people import Role

LANGUAGE_NAMES = {"en": "English", "id": "Bahasa Indonesia", "pl": "Polski"}

ROLE_LABELS = {
    Role.staff: _l("Staff"),
    Role.supervisor: _l("Supervisor"),
    Role.trainer: _l("Trainer"),
    Role.admin: _l("Admin"),
}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    if session.get("language") in languages:
        return session["language"]
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def translate_message(message: object) -> str:
    """A core message (``bro.curricula.messages.Message``) in the reader's language; other text as it is.

    Parameters that are themselves messages are translated too; numbers are written the locale's way.
    """
    from flask_babel import format_decimal, gettext, ngettext

    return _render(message, gettext, ngettext, lambda number: format_decimal(number, format="#,##0.###"))


def _render(message: object, gettext, ngettext, number_format) -> str:
    from decimal import Decimal
    from fractions import Fraction

    from bro.curricula.messages import Message

    if not isinstance(message, Message):
        return str(message) if message is not None else ""

    def local(value: object) -> object:
        if isinstance(value, Message):
            return _render(value, gettext, ngettext, number_format)
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, Fraction)):
            return value
        return number_format(float(value) if isinstance(value, Fraction) else value)

    params = {name: local(value) for name, value in message.params.items()}
    if message.plural is not None:
        count = message.params.get("count", 0)
        return ngettext(message.template, message.plural, count, **params)
    return gettext(message.template, **params) if params else gettext(message.template)


def cli_language(environ=None) -> str:
    """The interface language of a command: LC_ALL, LC_MESSAGES or LANG (``pl_PL.UTF-8`` → ``pl``), else English."""
    import os

    from bro.config import LANGUAGES

    environ = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        code = (environ.get(name) or "").split(".")[0].split("_")[0].lower()
        if code:
            return code if code in LANGUAGES else "en"
    return "en"


def cli_text(message: object, language: str | None = None) -> str:
    """A core message for the terminal, in the language of ``LANG`` (English when it is not one of bro's)."""
    from pathlib import Path

    from babel.numbers import format_decimal
    from babel.support import Translations

    language = language or cli_language()
    if language == "en":
        return str(message)
    translations = Translations.load(str(Path(__file__).parent / "translations"), [language])

    def gettext(text, **params):
        translated = translations.ugettext(text)
        return translated % params if params else translated

    def ngettext(singular, plural, count, **params):
        params.setdefault("num", count)
        return translations.ungettext(singular, plural, count) % params

    return _render(message, gettext, ngettext,
                   lambda number: format_decimal(number, format="#,##0.###", locale=language))


def cli_error(error, language: str | None = None) -> str:
    """A checker error for the terminal: the position and field path exactly as in English, the sentence in the
    language of ``LANG``."""
    text = cli_text(error.message, language)
    location = error.file if error.line <= 0 else f"{error.file}:{error.line}:{error.column}"
    path = getattr(error, "path", "")
    return f"{location}: {path}: {text}" if path else f"{location}: {text}"

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
    from decimal import Decimal
    from fractions import Fraction

    from flask_babel import format_decimal, gettext, ngettext

    from bro.curricula.messages import Message

    if not isinstance(message, Message):
        return str(message) if message is not None else ""

    def local(value: object) -> object:
        if isinstance(value, Message):
            return translate_message(value)
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, Fraction)):
            return value
        return format_decimal(float(value) if isinstance(value, Fraction) else value, format="#,##0.###")

    params = {name: local(value) for name, value in message.params.items()}
    if message.plural is not None:
        count = message.params.get("count", 0)
        return ngettext(message.template, message.plural, count, **params)
    return gettext(message.template, **params) if params else gettext(message.template)

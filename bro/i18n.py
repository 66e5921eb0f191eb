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

"""Template globals: navigation for the user's roles, language names, Markdown, formatting."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import get_decimal_symbol
from flask import Flask, request, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from bro.access import may_enter
from bro.i18n import LANGUAGE_NAMES, ROLE_LABELS, translate_message
from bro.markdown import render_markdown
from bro.models.people import Role
from bro.scoring import display_score


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    roles: frozenset[Role]


# Later areas append their entries with `register_nav`; the layout shows those the user may enter.
NAV_ITEMS: list[NavItem] = [
    NavItem("home.index", _l("Home"), frozenset(Role)),
]


def register_nav(endpoint: str, label, *roles: Role) -> None:
    if all(item.endpoint != endpoint for item in NAV_ITEMS):
        NAV_ITEMS.append(NavItem(endpoint, label, frozenset(roles)))


def _navigation() -> list[dict]:
    """The entries the user may enter; only the one whose address is the longest prefix of this page is
    active, so /quality/actions highlights "Actions" and not "Quality" as well."""
    if not current_user.is_authenticated:
        return []
    items = []
    for item in NAV_ITEMS:
        if may_enter(current_user, set(item.roles)):
            items.append({"url": url_for(item.endpoint), "label": item.label, "active": False})
    matches = [entry for entry in items if request.path == entry["url"]
               or (entry["url"] != "/" and request.path.startswith(entry["url"].rstrip("/") + "/"))]
    if matches:
        max(matches, key=lambda entry: len(entry["url"]))["active"] = True
    return items


def format_score(value) -> str:
    """A score as DESIGN.md displays it (half-up, one decimal), with the reader's decimal sign."""
    if value is None or value == "":
        return "—"
    rounded = Decimal(value) if isinstance(value, str) else Decimal(display_score(value))
    return format_decimal(rounded, format="#,##0.0")


def decimal_sign() -> str:
    """The reader's decimal sign ("." in en, "," in id and pl), for numbers that JavaScript writes."""
    return get_decimal_symbol(get_locale())


def init_templating(app: Flask) -> None:
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["tr"] = translate_message  # a core message (bro.curricula.messages) in the reader's language
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["format_score"] = format_score
    app.jinja_env.globals["decimal_sign"] = decimal_sign
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def inject_layout():
        return {"navigation": _navigation(), "language_names": LANGUAGE_NAMES, "Role": Role, "role_labels": ROLE_LABELS}

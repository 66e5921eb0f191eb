"""Template globals: navigation for the user's roles, language names, Markdown, formatting."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import get_decimal_symbol
from flask import Flask, current_app, request, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from bro.access import may_enter
from bro.authoring.text import curriculum_text
from bro.curricula.questions import QUESTION_TYPES
from bro.i18n import LANGUAGE_NAMES, ROLE_LABELS, translate_message
from bro.markdown import render_markdown
from bro.models.people import Role
from bro.scoring import display_score


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    roles: frozenset[Role]


def register_nav(app: Flask, endpoint: str, label, *roles: Role) -> None:
    """Add an entry to `app`'s navigation (each area's `init_app` does, in the order the factory calls them);
    registering an endpoint again changes nothing."""
    items = app.extensions.setdefault("bro.nav", [])
    if all(item.endpoint != endpoint for item in items):
        items.append(NavItem(endpoint, label, frozenset(roles)))


def nav_items(app: Flask) -> list[NavItem]:
    return list(app.extensions.get("bro.nav", []))


# Areas of the wide navigation. A person with more entries than fit one row at 1280 px (a supervisor who is also
# a trainer, an admin) sees each area with two or more entries as one menu button; the others stay links.
NAV_GROUPS = {
    "audits": _l("Audits"), "quality": _l("Quality"), "learning": _l("Learning"), "admin": _l("Administration"),
}
NAV_GROUP_OF = {
    "audits.index": "audits", "calibration.index": "audits",
    "improve.dashboard": "quality", "improve.actions": "quality", "improve.evidence": "quality", "improve.mine": "quality",
    "knowledge.team": "quality",
    "training.my_learning": "learning", "training.teams": "learning", "training.items": "learning",
    "authoring.index": "learning",
    "admin.users": "admin", "admin.teams": "admin",
}
NAV_ROW_LIMIT = 7  # entries that fit one row at 1280 px in every language


def _navigation() -> list[dict]:
    """The entries the user may enter; only the one whose address is the longest prefix of this page is
    active, so /quality/actions highlights "Actions" and not "Quality" as well."""
    if not current_user.is_authenticated:
        return []
    items = []
    for item in nav_items(current_app):
        if may_enter(current_user, set(item.roles)):
            items.append({"url": url_for(item.endpoint), "label": item.label, "active": False,
                          "group": NAV_GROUP_OF.get(item.endpoint)})
    matches = [entry for entry in items if request.path == entry["url"]
               or (entry["url"] != "/" and request.path.startswith(entry["url"].rstrip("/") + "/"))]
    if matches:
        max(matches, key=lambda entry: len(entry["url"]))["active"] = True
    return items


def _navigation_rows(items: list[dict]) -> list[dict]:
    """The wide navigation: the entries as links, or, when there are too many for one row, the areas with two or
    more entries as groups ({"label", "entries", "active"}) in the place of their first entry."""
    if len(items) <= NAV_ROW_LIMIT:
        return items
    sizes: dict[str, int] = {}
    for entry in items:
        if entry["group"]:
            sizes[entry["group"]] = sizes.get(entry["group"], 0) + 1
    rows: list[dict] = []
    groups: dict[str, dict] = {}
    for entry in items:
        key = entry["group"]
        if not key or sizes[key] < 2:
            rows.append(entry)
            continue
        if key not in groups:
            groups[key] = {"label": NAV_GROUPS[key], "entries": [], "active": False, "key": key}
            rows.append(groups[key])
        groups[key]["entries"].append(entry)
        groups[key]["active"] = groups[key]["active"] or entry["active"]
    order = {"audits": 1, "quality": 2, "learning": 3, "admin": 4}
    return sorted(rows, key=lambda row: 0 if row.get("url") == "/" else order.get(row.get("key") or row.get("group"), 5))


def format_score(value) -> str:
    """A score as DESIGN.md displays it (half-up, one decimal), with the reader's decimal sign."""
    if value is None or value == "":
        return "—"
    rounded = Decimal(value) if isinstance(value, str) else Decimal(display_score(value))
    return format_decimal(rounded, format="#,##0.0")


def format_number(value) -> str:
    """A weight, pass mark or points as people write them, in the reader's number format: no trailing zeros
    (3.000 -> 3, 1.50 -> 1.5)."""
    if value is None:
        return "—"
    return format_decimal(Decimal(str(value)).normalize(), format="#,##0.###")


def decimal_sign() -> str:
    """The reader's decimal sign ("." in en, "," in id and pl), for numbers that JavaScript writes."""
    return get_decimal_symbol(get_locale())


def question_type_label(name: str) -> str:
    """What trainers call a question type, in the reader's language."""
    kind = QUESTION_TYPES.get(name)
    return translate_message(kind.label) if kind is not None else name


def question_partial(question) -> str:
    """The template partial of a question's type: its quiz input, review, preview and item-analysis macros."""
    kind = QUESTION_TYPES.get(question.type)
    return f"training/questions/{kind.partial if kind is not None else '_unknown'}.html"


def init_templating(app: Flask) -> None:
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["tr"] = translate_message  # a core message (bro.curricula.messages) in the reader's language
    app.jinja_env.globals["question_type_label"] = question_type_label
    app.jinja_env.globals["question_partial"] = question_partial
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["format_score"] = format_score
    app.jinja_env.globals["decimal_sign"] = decimal_sign
    app.jinja_env.globals["format_number"] = format_number
    app.jinja_env.globals["curriculum_text"] = curriculum_text
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def inject_layout():
        navigation = _navigation()
        return {"navigation": navigation, "navigation_rows": _navigation_rows(navigation), "language_names": LANGUAGE_NAMES, "Role": Role, "role_labels": ROLE_LABELS}

"""The message catalogue: counts go through ngettext, and the id and pl catalogues are complete.

Rules (each test names one):

1. A count needs ngettext. A message given to plain gettext (``_``, ``gettext``, ``lazy_gettext``, ``pgettext``,
   ``msg``) fails when
   - it has a placeholder named ``count``, ``n``, ``num``, ``total`` or ``more`` (these names mean "how many") that is
     followed, within two words of the same clause, by an English plural noun (a word ending in -s, or staff/people) — "at least
     %(n)d characters", "%(count)d periods"; or
   - any integer placeholder ``%(name)d`` is followed, within two words, by a plural noun — "%(new)d new versions" —
     unless an ordinal word stands just before it ("revision %(n)d stays", "row %(row)d").
   A number shown as "label: number" ("Signals: %(n)d") or "x of y" needs no plural form.
2. A template must not show a number and then a translated plural noun next to it:
   ``{{ teams|length }} … {{ _("teams") }}`` (only tags or spaces between) needs ``ngettext("team", "teams", n)``.
   Percentages, decimals and scores (``percentformat``, ``decimalformat``, ``format_score``, ``score_of``) are not
   counts.
3. The id and pl catalogues hold every message the code uses; no entry is fuzzy or empty (every plural form
   filled); placeholders are the same in the translation as in the English; Polish declares its three plural forms.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "bro" / "translations"
KEYWORDS = {
    "_": None, "gettext": None, "lazy_gettext": None, "_l": None, "msg": None,
    "ngettext": (1, 2), "lazy_ngettext": (1, 2), "n_": (1, 2), "msg_plural": (1, 2),
    "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3),
}
METHOD_MAP = [("bro/**.py", "python"), ("bro/**/templates/**.html", "jinja2"), ("bro/**/templates/**.txt", "jinja2")]
POLISH_PLURALS = "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"

COUNT_NAMES = {"count", "n", "num", "total", "more"}
ORDINAL_WORDS = {"revision", "version", "row", "line", "message", "attempt", "question", "lesson", "module", "page",
                 "step", "audit", "action", "#", "v", "q", "rule"}
NOT_PLURAL = {"this", "does", "always", "less", "unless", "across", "plus", "minus", "status", "bonus", "focus", "thus",
              "analysis", "basis", "axis", "stays", "gets", "means", "lets", "has", "was", "its"}
IRREGULAR_PLURALS = {"staff", "people", "children"}
STOP_WORDS = {"of", "to", "at", "on", "in", "and", "or", "than", "from", "by", "per"}
PLACEHOLDER = re.compile(r"%\((\w+)\)([ds])")


def _is_plural_noun(word: str) -> bool:
    word = word.lower()
    return word in IRREGULAR_PLURALS or (
        len(word) > 3 and word.endswith("s") and not word.endswith("ss") and word not in NOT_PLURAL)


def counted_noun(text: str) -> str | None:
    """The "number + plural noun" a message shows, e.g. '%(n)d characters', or None (rule 1)."""
    for match in PLACEHOLDER.finditer(text):
        name, conversion = match.groups()
        if conversion == "s" and name not in COUNT_NAMES:
            continue  # a text parameter (a name, a date, a formatted score)
        before = re.findall(r"[\w#]+", text[:match.start()].lower())
        if name not in COUNT_NAMES and before and before[-1] in ORDINAL_WORDS:
            continue  # "revision %(number)d": a position, not a count
        if text[:match.start()].endswith(("#", "v", "Q")):
            continue
        clause = re.split(r"[;:,.()!?“”\"]", text[match.end():])[0]  # "Signals: %(n)d; audits shown" is two clauses
        words = re.findall(r"[A-Za-z][\w-]*", clause)[:2]
        for index, word in enumerate(words):
            if word.lower() in STOP_WORDS:
                break
            if _is_plural_noun(word):
                return f"%({name}){conversion} " + " ".join(words[:index + 1])
    return None


def _extracted():
    """(msgid, is_plural, location) for every message the code and templates give to a gettext function."""
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHOD_MAP, keywords=KEYWORDS, comment_tags=(), strip_comment_tags=True
    ):
        yield message, isinstance(message, tuple), f"{filename}:{lineno}"


@pytest.fixture(scope="module")
def extracted():
    return list(_extracted())


def test_counts_in_messages_use_ngettext(extracted):
    offenders = sorted({
        f"{where}: {message!r} shows {counted_noun(message)!r}"
        for message, plural, where in extracted if not plural and counted_noun(message)
    })
    assert not offenders, "use ngettext (msg_plural in the cores) for these counts:\n" + "\n".join(offenders)


@pytest.mark.parametrize("text, noun", [
    ("Use at least %(n)d characters.", "%(n)d characters"),
    ("%(file)s imported: %(created)d created, %(new)d new versions.", "%(new)d new versions"),
    ("Fewer than %(count)d periods with audits", "%(count)d periods"),
    ("about %(n)s audits a week", "%(n)s audits"),
    ("%(course)s assigned to %(count)d staff.", "%(count)d staff"),
])
def test_the_count_rule_catches_numbers_before_plural_nouns(text, noun):
    assert counted_noun(text) == noun


@pytest.mark.parametrize("text", [
    "Revision %(n)d", "A correction becomes a new revision; revision %(n)d stays in the history as it is.",
    "Page %(page)d of %(pages)d", "%(done)d of %(target)d this week", "Signals: %(n)d; audits shown: %(audits)d.",
    "Audit score of %(name)s per week", "Pass mark %(score)s", "row %(row)d",
])
def test_the_count_rule_leaves_ordinals_labels_and_names_alone(text):
    assert counted_noun(text) is None


NUMBER_THEN_LABEL = re.compile(
    r"\{\{(?P<expr>[^{}]*)\}\}(?:\s|<[^>]*>)*\{\{\s*_\(\s*(?P<q>[\"'])(?P<label>[^\"']*)(?P=q)\s*\)\s*\}\}")
NUMERIC = re.compile(r"\|length|numberformat|\|int\b|\bcount\b|\.n\b|\btotal\b|\bnum\b|\.used\b|\.allowed\b")
NOT_COUNTS = ("percentformat", "decimalformat", "format_score", "score_of", "dateformat", "datetimeformat", "|e", "_(", "gettext(")


def number_label_offences(template: str) -> list[str]:
    """Rule 2: '{{ n }} {{ _("audits") }}' (a number shown next to a translated plural noun)."""
    found = []
    for match in NUMBER_THEN_LABEL.finditer(template):
        expr, label = match.group("expr"), match.group("label")
        if not NUMERIC.search(expr) or any(word in expr for word in NOT_COUNTS):
            continue
        if any(_is_plural_noun(word) for word in re.findall(r"[A-Za-z]+", label)[:2]):
            found.append(f"{{{{{expr}}}}} … _({label!r})")
    return found


def test_templates_do_not_put_a_translated_plural_noun_after_a_number():
    offenders = []
    for path in sorted((ROOT / "bro").rglob("templates/**/*.html")):
        for offence in number_label_offences(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(ROOT)}: {offence}")
    assert not offenders, "use ngettext for these labels:\n" + "\n".join(offenders)


def test_the_template_rule_catches_a_count_label_and_spares_a_percentage():
    assert number_label_offences('<span>{{ ctx.teams|numberformat }}</span><span>{{ _("teams") }}</span>')
    assert not number_label_offences('<span>{{ rate|percentformat }}</span><span>{{ _("audits failed") }}</span>')
    assert not number_label_offences('<span>{{ n }}</span><span>{{ ngettext("team", "teams", n) }}</span>')


def _catalogue(language: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=language)


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)[sdif]", text))


@pytest.mark.parametrize("language", ["id", "pl"])
def test_catalogue_entries_are_translated_and_not_fuzzy(language):
    catalogue = _catalogue(language)
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        label = message.id if isinstance(message.id, str) else message.id[0]
        if message.fuzzy:
            problems.append(f"fuzzy: {label!r}")
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
        if not all(ids) or not all(strings) or not strings:
            problems.append(f"empty: {label!r}")
            continue
        english = set().union(*(_placeholders(text) for text in ids))
        for text in strings:
            extra = _placeholders(text) - english
            if extra:
                problems.append(f"placeholders {sorted(extra)} not in the English: {label!r}")
        if not isinstance(message.id, (tuple, list)) and _placeholders(message.string) != english:
            problems.append(f"placeholders differ: {label!r}")
    assert not problems, f"{language}: {len(problems)} catalogue problems:\n" + "\n".join(problems[:60])


def test_polish_has_three_plural_forms_and_every_plural_entry_fills_them():
    catalogue = _catalogue("pl")
    assert catalogue.plural_forms == POLISH_PLURALS
    short = [message.id[0] for message in catalogue
             if isinstance(message.id, (tuple, list)) and len([s for s in message.string if s]) != 3]
    assert not short, "Polish plural entries without three forms:\n" + "\n".join(short)


@pytest.mark.parametrize("language", ["id", "pl"])
def test_catalogue_holds_every_message_of_the_code(extracted, language):
    catalogue = _catalogue(language)
    known = {(message.context, message.id if isinstance(message.id, str) else message.id[0])
             for message in catalogue if message.id}
    plain_ids = {key[1] for key in known}
    missing = sorted({(message if isinstance(message, str) else message[0]) for message, _plural, _where in extracted
                      if (message if isinstance(message, str) else message[0]) not in plain_ids})
    assert not missing, (f"{language}: {len(missing)} messages are not in the catalogue; run the pybabel extract and "
                         "update commands of the README, then translate them:\n" + "\n".join(missing[:40]))

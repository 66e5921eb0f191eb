"""A Polish and an Indonesian reader see no English of the app's own: journeys through the main pages as staff,
supervisor, trainer and admin, and no page shows a phrase of the catalogue's English messages verbatim.

The phrases are the English msgids of bro/translations/pl (and id): each msgid is cut at its placeholders and
every piece of at least two words and ten letters is a phrase to look for, unless the translation of some message
contains that piece too (technical words such as "kind: standard" are kept on purpose) — then it proves nothing.
What is searched is what a reader sees: the page's visible text plus its title, aria-label, placeholder and alt
attributes, without <code>, <pre>, scripts, and without elements whose lang says they are in another language
(the curricula's own untranslated fields, marked "not translated", and language names in the switcher).
Proper names are not msgids, so they never match.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.browser.test_a11y import ADMIN_PAGES, STAFF_PAGES, SUPERVISOR_PAGES, TRAINER_PAGES, log_in_as, open_page
from tests.browser.a11y import DESKTOP
from tests.browser.conftest import choose_language

TRANSLATIONS = Path(__file__).resolve().parents[2] / "bro" / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%%|%[sd]|\{\w*\}")

# (who, language to read in, pages, the person's own language to restore afterwards)
JOURNEYS = [
    ("anna@example.com", "pl", STAFF_PAGES, None),
    ("piotr@example.com", "pl", SUPERVISOR_PAGES, None),
    ("trainer@example.com", "pl", TRAINER_PAGES, None),
    ("admin@example.com", "pl", ADMIN_PAGES, "en"),
    ("budi@example.com", "id", STAFF_PAGES, None),
    ("siti@example.com", "id", SUPERVISOR_PAGES, None),
    ("trainer@example.com", "id", TRAINER_PAGES, "pl"),
]

VISIBLE_TEXT = """() => {
  const lang = document.documentElement.lang;
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll("script, style, code, pre, template, [hidden], [aria-hidden=true]").forEach(e => e.remove());
  copy.querySelectorAll("[lang]").forEach(e => { if (e.getAttribute("lang") !== lang) e.remove(); });
  const attributes = [];
  copy.querySelectorAll("[title], [aria-label], [placeholder], [alt]").forEach(e => {
    for (const name of ["title", "aria-label", "placeholder", "alt"]) {
      if (e.hasAttribute(name)) attributes.push(e.getAttribute(name));
    }
  });
  document.body.append(copy);  // innerText needs the layout of an attached element
  copy.style.position = "absolute"; copy.style.left = "-99999px";
  const text = copy.innerText;
  copy.remove();
  return [document.title, text, ...attributes].join("\\n");
}"""


def english_pieces(language: str) -> list[str]:
    """Patterns for the pieces of the catalogue's English that a translated page must not show."""
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalogue = read_po(handle, locale=language)
    translated, english = [], set()
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        translated += [text for text in strings if text]
        for text in ids:
            for piece in PLACEHOLDER.split(text):
                piece = piece.strip(" .,:;·—–-()“”\"'?!…\n")
                if len(piece.split()) >= 2 and sum(c.isalpha() for c in piece) >= 10:
                    english.add(piece)
    everything_translated = "\n".join(translated)
    return sorted(piece for piece in english if piece not in everything_translated)


def english_phrases(language: str) -> list[re.Pattern]:
    return [re.compile(r"(?<![\w-])" + re.escape(piece) + r"(?![\w-])") for piece in english_pieces(language)]


def english_on(page, patterns: list[re.Pattern]) -> list[str]:
    text = page.evaluate(VISIBLE_TEXT)
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    return sorted({match.group(0) for pattern in patterns for match in [pattern.search(text)] if match})


def test_the_phrase_list_holds_the_apps_english_and_not_the_shared_technical_words():
    pieces = english_pieces("pl")
    assert "Audit recorded" in pieces
    assert "Nonconformity rate by step and team" in pieces
    assert "kind: standard" not in pieces  # the Polish checker messages quote it too
    assert len(pieces) > 500


def test_the_check_finds_the_english_on_an_english_page(browser, live_server):
    """The detector itself works: an English reader's home page is full of the phrases."""
    context = browser.new_context(base_url=live_server, locale="en-US", viewport=DESKTOP)
    page = context.new_page()
    try:
        log_in_as(page, "james@example.com", "en")
        page.goto("/learning/")
        assert len(english_on(page, english_phrases("pl"))) >= 3
    finally:
        context.close()


@pytest.mark.parametrize(("email", "language", "pages", "restore"), JOURNEYS,
                         ids=[f"{e.split('@')[0]}-{lang}" for e, lang, _p, _r in JOURNEYS])
def test_a_translated_journey_shows_no_english_of_the_app(browser, live_server, email, language, pages, restore):
    patterns = english_phrases(language)
    context = browser.new_context(base_url=live_server, locale="en-US", viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(10_000)
    found = {}
    try:
        log_in_as(page, email, language)
        assert page.locator("html").get_attribute("lang") == language
        for spec in pages:
            url = open_page(page, spec)
            if url is None:
                continue
            english = english_on(page, patterns)
            if english:
                found[url] = english
            if url == "/audits/new":  # the live score's words once a step is rated
                page.locator("[data-step] input[type=radio][value=met]").first.check()
                english = english_on(page, patterns)
                if english:
                    found[url + " (rated)"] = english
    finally:
        if restore:
            choose_language(page, restore)
        context.close()
    assert not found, f"English on {language} pages for {email}:\n" + "\n".join(
        f"  {url}: {phrases}" for url, phrases in found.items())

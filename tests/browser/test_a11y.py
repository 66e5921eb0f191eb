"""Accessibility and phones, on the pages the browser journeys visit, in English and Polish, at 1280 px and
at 390 px: axe-core finds no serious or critical violation, chart labels keep 4.5:1 contrast, and no page
scrolls sideways on a phone (screenshots of the four busiest pages are saved for people to look at).

One login per person and language; each page is loaded once and checked at both widths (the viewport is
resized in place, so the media queries apply without a reload). BRO_A11Y_REPORT=file.jsonl also writes
every page's violation counts (all impacts) and sideways overflow, for before/after comparisons.
"""
from __future__ import annotations

import json
import os

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import DESKTOP, PHONE, axe_violations, describe, low_contrast_chart_text, scroll_overflow
from tests.browser.conftest import DEMO_PASSWORD, choose_language, screenshot

# A page is a path, or (path of a list, CSS selector of the first link to follow from it).
STAFF_PAGES = [
    "/", "/audits/", ("/audits/", "table.audit-list tbody a"), "/learning/",
    ("/learning/", "main a[href^='/learning/courses/']"),
    ("/learning/courses/2", "a[href*='/lessons/']"), "/quality/me", "/notifications/", "/account",
]
SUPERVISOR_PAGES = [
    "/", "/audits/", "/audits/new", ("/audits/", "table.audit-list tbody a"), "/audits/disputes",
    "/audits/outcomes/import", "/calibration/", ("/calibration/", "main a[href^='/calibration/'][href$='1']"),
    "/calibration/history", "/quality/", "/quality/actions?show=all", "/quality/evidence",
    "/learning/teams", ("/learning/teams", "main a[href$='/review']"), "/interactions/queue", "/interactions/plans",
    "/interactions/import", "/coaching/",
]
TRAINER_PAGES = [
    "/learning/items", "/learning/items/1", "/curricula/", "/curricula/upload",
    "/curricula/standards/b2c-service/versions/1", "/curricula/courses/customer-service-essentials/versions/1",
]
ADMIN_PAGES = ["/", "/admin/users", "/admin/teams"]

# (who, language, pages): each demo person keeps their own language, so other tests are undisturbed.
PEOPLE = [
    ("james@example.com", "en", STAFF_PAGES),
    ("anna@example.com", "pl", STAFF_PAGES),
    ("grace@example.com", "en", SUPERVISOR_PAGES + TRAINER_PAGES),
    ("piotr@example.com", "pl", SUPERVISOR_PAGES),
    ("trainer@example.com", "pl", TRAINER_PAGES),
    ("admin@example.com", "en", ADMIN_PAGES),
]
# The four busiest pages: their phone screenshots are saved (the overflow check covers every page).
BUSIEST = {"/audits/new": "audit-form", "/audits/": "audit-list", "/quality/": "quality-dashboard",
           "/learning/": "my-learning"}
REPORT = os.environ.get("BRO_A11Y_REPORT")


def log_in_as(page, email: str, language: str) -> None:
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_url("**/")
    if page.locator("html").get_attribute("lang") != language:
        choose_language(page, language)


def open_page(page, spec) -> str | None:
    if isinstance(spec, tuple):
        list_path, selector = spec
        page.goto(list_path)
        if not page.locator(selector).count():
            return None  # nothing of that kind in this person's view of the demo
        spec = page.locator(selector).first.get_attribute("href")
    response = page.goto(spec)
    assert response.status == 200, f"{spec} answered {response.status}"
    return spec


def check_page(page, url: str, name: str) -> list[str]:
    """axe at both widths, chart text contrast, and sideways overflow on a phone; the problems as text."""
    problems, report = [], {"person": name, "url": url}
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        width = viewport["width"]
        everything = axe_violations(page, impacts=("minor", "moderate", "serious", "critical"))
        report[f"axe_{width}"] = {v["id"]: [v["impact"], len(v["nodes"])] for v in everything}
        blocking = [v for v in everything if v["impact"] in ("serious", "critical")]
        if blocking:
            problems.append(f"{url} at {width} px:\n{describe(blocking)}")
        if viewport is PHONE:
            report["overflow_390"] = overflow = scroll_overflow(page)
            if overflow:
                problems.append(f"{url} scrolls sideways by {overflow} px at 390 px")
            if url in BUSIEST:
                screenshot(page, f"phone-{BUSIEST[url]}-{name}")
    labels, low = low_contrast_chart_text(page)
    if low:
        problems.append(f"{url}: chart text under 4.5:1: {low[:6]}")
    report["chart_labels"] = labels
    page.set_viewport_size(DESKTOP)
    if REPORT:
        with open(REPORT, "a", encoding="utf-8") as out:
            out.write(json.dumps(report) + "\n")
    return problems


@pytest.mark.parametrize(("email", "language", "pages"), PEOPLE, ids=[f"{e.split('@')[0]}-{lang}" for e, lang, _ in PEOPLE])
def test_axe_finds_no_serious_violation_and_nothing_scrolls_sideways(browser, live_server, email, language, pages):
    context = browser.new_context(base_url=live_server, locale="en-US", viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(10_000)
    name = f"{email.split('@')[0]}-{language}"
    problems = []
    if email == "admin@example.com":
        page.goto("/login")
        problems += check_page(page, "/login", name)
    log_in_as(page, email, language)
    for spec in pages:
        url = open_page(page, spec)
        if url is None:
            continue
        problems += check_page(page, url, name)
        if url == "/audits/new":  # the live score's words once a step is rated
            page.locator("[data-step] input[type=radio][value=met]").first.check()
            problems += check_page(page, url + "#rated", name)
    context.close()
    assert not problems, "accessibility or phone layout problems:\n" + "\n".join(problems)


OBSCURED = """() => {
  const e = document.activeElement, bar = document.querySelector('[data-live-score]');
  if (!e || e === document.body || !bar || bar.hidden || !e.closest('form[data-audit-form]')) return null;
  const r = e.getBoundingClientRect(), b = bar.getBoundingClientRect();
  return {what: e.tagName + ' ' + (e.name || e.textContent.trim().slice(0, 30)), obscured: r.bottom > b.top + 1 && r.top < b.bottom};
}"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_keyboard_skips_to_content_and_focus_stays_clear_of_the_score_bar(browser, live_server, viewport):
    """WCAG 2.4.1 and 2.4.11: a skip link first; tabbing through a whole audit form, no focused field (a
    "Note on this step" included) is ever under the sticky live-score bar."""
    context = browser.new_context(base_url=live_server, locale="en-US", viewport=viewport)
    page = context.new_page()
    log_in_as(page, "grace@example.com", "en")
    page.goto("/audits/new")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    expect(page.locator(".skip-link")).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    checked, obscured, notes = 0, [], 0
    for _ in range(200):
        page.keyboard.press("Tab")
        info = page.evaluate(OBSCURED)
        if info is None:
            if checked:
                break  # left the form
            continue
        checked += 1
        notes += info["what"].startswith("SUMMARY Note on this step")
        if info["obscured"]:
            obscured.append(info["what"])
    context.close()
    assert notes == 9, f"expected to tab onto the 9 step notes, saw {notes} ({checked} focus stops)"
    assert obscured == [], f"focus hidden under the live-score bar: {obscured}"


def test_live_score_says_how_far_the_rating_is_and_names_a_failed_critical_step(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="en-US", viewport=PHONE)
    page = context.new_page()
    log_in_as(page, "grace@example.com", "en")
    page.goto("/audits/new")
    live, result, detail = page.locator("[data-live-score]"), page.locator("[data-live-result]"), page.locator("[data-live-detail]")
    expect(detail).to_have_text("0 of 9 steps rated")
    page.locator('input[name="rating-greet"][value="met"]').check()
    expect(page.locator("[data-live-value]")).to_have_text("100.0")  # no unexplained "*"
    expect(result).to_have_text("not finished")
    expect(detail).to_have_text("1 of 9 steps rated")  # no "passes" yet
    critical = page.locator("[data-step][data-critical=true]").first
    title = critical.locator(".audit-step-title").inner_text()
    critical.locator("input[value=not_met]").check()
    expect(result).to_have_text("fails")
    expect(detail).to_have_text(f"critical step “{title}” not met · 2 of 9 steps rated")
    assert live.bounding_box()["height"] < 70  # one line (two at most for a long step name) on a phone
    screenshot(page, "audit-live-score-phone")
    context.close()

    context = browser.new_context(base_url=live_server, locale="en-US", viewport=DESKTOP)
    page = context.new_page()
    log_in_as(page, "piotr@example.com", "pl")
    page.goto("/audits/new")
    page.locator("[data-step] input[value=met]").first.check()
    page.locator("[data-step] input[value=partial]").nth(1).check()
    expect(page.locator("[data-live-value]")).to_have_text("66,7")  # the Polish decimal comma
    context.close()

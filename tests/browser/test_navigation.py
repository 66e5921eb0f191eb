"""The navigation at 1280 px stays one row for the people with the most entries (an admin sees every area; a
supervisor who is also a trainer sees nine), in English and Polish, and highlights one place only."""
from __future__ import annotations

import pytest

from tests.browser.a11y import DESKTOP
from tests.browser.conftest import choose_language, nav_link, screenshot
from tests.browser.test_a11y import log_in_as


@pytest.mark.parametrize(("email", "language", "own_language"), [
    ("admin@example.com", "pl", "en"), ("grace@example.com", "pl", "en"), ("grace@example.com", "en", "en"),
])
def test_a_busy_navigation_is_one_row_with_one_highlight(browser, live_server, email, language, own_language):
    context = browser.new_context(base_url=live_server, locale="en-US", viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in_as(page, email, language)
        page.goto("/quality/actions")
        assert page.locator(".topbar").bounding_box()["height"] < 70, "the navigation wraps to a second row"
        wide = page.locator("nav.nav-menu .nav-wide")
        highlighted = wide.locator("> li > a[aria-current=page], > li > details.nav-group-active")
        assert highlighted.count() == 1
        actions = {"en": "Actions", "pl": "Działania"}[language]
        link = nav_link(page, actions)
        assert link.get_attribute("aria-current") == "page"
        screenshot(page, f"nav-1280-{email.split('@')[0]}-{language}")
        quality = {"en": "Quality", "pl": "Jakość"}[language]
        nav_link(page, quality).click()
        page.wait_for_url("**/quality/")
        assert wide.locator("a[aria-current=page]").count() == 1
    finally:
        if language != own_language:
            choose_language(page, own_language)
        context.close()

"""A person uses bro in Chromium: logging in per role, languages, errors, keyboard."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import choose_language, log_in_on_a_phone, nav_link, screenshot

DEMO_ROLES = [
    ("admin@example.com", "admin", "Organisation"),
    ("siti@example.com", "supervisor", "My teams"),
    ("trainer@example.com", "trainer", None),
    ("budi@example.com", "staff", None),
]


@pytest.mark.parametrize("email, role, section", DEMO_ROLES)
def test_each_demo_role_logs_in_and_sees_its_home(page, log_in, email, role, section):
    log_in(email)
    # The demo users have their own preferred languages; look at the home in English first.
    choose_language(page, "en")
    expect(page.locator("h1")).to_have_text(re.compile(r"^Hello"))
    if section:
        expect(page.get_by_role("heading", name=section)).to_be_visible()
    screenshot(page, f"home-{role}-en")
    for language in ("id", "pl"):
        choose_language(page, language)
        expect(page.locator("html")).to_have_attribute("lang", language)
        screenshot(page, f"home-{role}-{language}")


def test_switching_to_polish_shows_polish_text(page, log_in):
    log_in("admin@example.com")
    choose_language(page, "pl")
    expect(nav_link(page, "Użytkownicy")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("Witaj")


def test_wrong_password_shows_an_error_not_a_crash(page):
    page.goto("/login")
    page.get_by_label("Email").fill("admin@example.com")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong email or password.")
    expect(page.get_by_label("Email")).to_have_value("admin@example.com")
    screenshot(page, "login-wrong-password")


def test_login_works_with_the_keyboard_alone(page):
    page.goto("/login")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # brand link
    page.keyboard.press("Tab")
    expect(page.locator("#email")).to_be_focused()
    page.keyboard.type("piotr@example.com")
    page.keyboard.press("Tab")
    page.keyboard.type("demo-password-123")
    page.keyboard.press("Enter")
    page.wait_for_url("**/")
    expect(page.get_by_role("heading", name="My teams").or_(page.get_by_role("heading", name="Moje zespoły"))).to_be_visible()


def test_mobile_layout_keeps_navigation_usable(browser, live_server):
    context, page = log_in_on_a_phone(browser, live_server, "admin@example.com", locale="en-US")
    choose_language(page, "en")
    # The links sit behind a menu button (a <details>, no JavaScript needed); the topbar stays one row.
    expect(page.get_by_role("link", name="Users", exact=True)).not_to_be_visible()
    assert page.locator(".topbar").bounding_box()["height"] < 70
    page.locator(".nav-compact summary").click()
    expect(page.get_by_role("link", name="Users", exact=True)).to_be_visible()
    screenshot(page, "home-admin-mobile-menu")
    page.get_by_role("link", name="Users", exact=True).click()
    page.wait_for_url("**/admin/users")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways on a phone ({width}px)"
    screenshot(page, "home-admin-mobile")
    context.close()

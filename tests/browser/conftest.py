"""Playwright against a live server per test module, each on its own copy of the demo database (seeded once).

Chromium is Debian's (/usr/bin/chromium, or BRO_CHROMIUM). Without it the browser tests
skip locally, but fail under CI=true: CI must never pass without having driven a browser.
"""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url
from werkzeug.serving import make_server

from bro import create_app
from bro.extensions import db
from tests.conftest import app_config

CHROMIUM = os.environ.get("BRO_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
DEMO_PASSWORD = "demo-password-123"
SCREENSHOTS = Path(os.environ.get("BRO_SCREENSHOTS", "test-artifacts/screenshots"))
LIVE: dict = {}  # "app": the module's live server app, for tests that act on its database directly (a restart's import)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def _require_chromium():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}: install Debian's chromium (make test does as root)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


def _live_config(url: str) -> dict:
    return app_config(url, WTF_CSRF_ENABLED=True, TESTING=False,
                      BRO_CURRICULA_DIR=str(Path(__file__).parents[2] / "curricula"))


@pytest.fixture(scope="session")
def pristine_demo(tmp_path_factory):
    """The demo organisation, seeded once per session and never served: each test module gets a copy
    (`live_server`), so what one module changes (an audit disputed, a quiz failed) never reaches another.
    A SQLite file, or the PostgreSQL database BROWSER_DATABASE_URL (copied as a template)."""
    _require_chromium()
    url = os.environ.get("BROWSER_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('live') / 'demo.sqlite3'}"
    app = create_app(_live_config(url))
    with app.app_context():
        db.drop_all()
        db.create_all()
        from bro.demo import seed_demo

        seed_demo(lambda _key: DEMO_PASSWORD)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()  # a PostgreSQL template must have no connections while it is copied
    yield url
    with app.app_context():
        db.drop_all()
        db.session.remove()
        db.engine.dispose()


def _copy_database(url: str, name: str) -> str:
    """A copy of the database at `url` named after `name`; returns its URL."""
    database = make_url(url)
    if database.get_backend_name() == "sqlite":
        copy = Path(database.database).with_name(f"{name}.sqlite3")
        with sqlite3.connect(database.database) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        return database.set(database=str(copy)).render_as_string(hide_password=False)
    copy = f"{database.database}_{name}"[:63]
    with _maintenance(database) as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{copy}"')
        connection.exec_driver_sql(f'CREATE DATABASE "{copy}" TEMPLATE "{database.database}"')
    return database.set(database=copy).render_as_string(hide_password=False)


def _drop_copy(url: str) -> None:
    database = make_url(url)
    if database.get_backend_name() == "sqlite":
        Path(database.database).unlink(missing_ok=True)
        return
    with _maintenance(database) as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database.database}" WITH (FORCE)')


@contextmanager
def _maintenance(database):
    """A connection to PostgreSQL's `postgres` database, outside transactions (CREATE/DROP DATABASE)."""
    engine = create_engine(database.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def live_server(pristine_demo, request):
    """Base URL of a running bro with the demo organisation, on this test module's own copy of the demo
    database; every demo password is DEMO_PASSWORD."""
    url = _copy_database(pristine_demo, re.sub(r"\W", "_", request.module.__name__.rsplit(".", 1)[-1]))
    app = create_app(_live_config(url))
    LIVE["app"] = app
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    LIVE.pop("app", None)
    _drop_copy(url)


@pytest.fixture(scope="session")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="en-US", viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def log_in(page):
    """Log in through the form as a demo user (by email)."""

    def _log_in(email: str, password: str = DEMO_PASSWORD):
        page.goto("/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/")
        return page

    return _log_in


def log_in_on_a_phone(browser, live_server, email: str, password: str = DEMO_PASSWORD, **options):
    """A new phone-sized (390 × 844) browser context, logged in as ``email`` through the form submitted with
    Enter: (context, page). ``options`` go to browser.new_context (e.g. locale)."""
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844}, **options)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url("**/")
    return context, page


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def choose_language(page, language: str) -> None:
    """Pick a language in the footer switcher (it submits itself) and wait for the new page."""
    with page.expect_navigation():
        page.locator("#switch-language").select_option(language)
    page.wait_for_load_state()


def nav_link(page, name: str):
    """The main navigation's link called ``name``, its area's menu opened first when the link sits in one
    (people with many entries see areas as <details> menus at desktop widths)."""
    wide = page.locator("nav.nav-menu .nav-wide")
    group = wide.locator("details.nav-group").filter(has=page.locator(f"a:text-is({name!r})"))
    if group.count() and not group.first.evaluate("details => details.open"):
        group.first.locator("summary").click()
    return wide.get_by_role("link", name=name, exact=True)

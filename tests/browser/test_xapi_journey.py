"""A staff member takes a module quiz in Chromium; `flask bro xapi sync` then sends the statements to the LRS
stand-in (tests/lrs_standin.py), which checks them against the xAPI 1.0.3 rules and holds them.

Runs after the other browser tests (file order): it adds an attempt to the shared demo database.
"""
from __future__ import annotations

from datetime import datetime, timezone

from playwright.sync_api import expect

from tests.browser.conftest import LIVE, screenshot
from tests.lrs_standin import LrsStandIn, statement_problems

EMAIL = "budi@example.com"  # has open assignments in the demo


def test_the_lrs_holds_the_statements_of_a_quiz_taken_in_the_browser(page, log_in):
    started = datetime.now(timezone.utc).replace(microsecond=0)
    log_in(EMAIL)
    page.goto("/learning/")
    page.locator(".assignment h3 a").first.click()
    page.locator(".module form[action$='/quiz'] button").first.click()
    page.wait_for_url("**/learning/attempts/*")
    # Answer the first question wherever the shuffle put it, leave the rest blank, and submit anyway.
    page.locator("fieldset.question input[type=radio], fieldset.question input[type=checkbox]").first.check()
    page.locator("form.quiz > button[type=submit]").last.click()
    confirm = page.locator('#check button[name="confirm_blank"]')
    expect(confirm).to_be_visible()
    confirm.click()
    page.wait_for_url("**/review")
    screenshot(page, "xapi-journey-quiz-review")

    app = LIVE["app"]
    settings = ("BRO_LRS_URL", "BRO_LRS_USER", "BRO_LRS_PASSWORD", "BRO_XAPI_BASE")
    saved = {key: app.config.get(key) for key in settings}
    with LrsStandIn() as lrs:
        app.config.update(BRO_LRS_URL=lrs.url, BRO_LRS_USER=lrs.user, BRO_LRS_PASSWORD=lrs.password,
                          BRO_XAPI_BASE="https://bro.example.com")
        try:
            result = app.test_cli_runner().invoke(args=["bro", "xapi", "sync"])
        finally:
            app.config.update(saved)
        held = list(lrs.statements.values())
    assert result.exit_code == 0, result.output
    assert held and all(statement_problems(statement) == [] for statement in held)
    # This journey's statements, not the demo's earlier attempts of the same person.
    mine = [s for s in held if s["actor"].get("mbox") == f"mailto:{EMAIL}"
            and datetime.fromisoformat(s["timestamp"]) >= started]
    verbs = sorted(s["verb"]["id"].rsplit("/", 1)[1] for s in mine)
    assert "attempted" in verbs and ("passed" in verbs or "failed" in verbs), verbs
    judged = [s for s in mine if s["verb"]["id"].endswith(("/passed", "/failed"))]
    assert all(s["result"]["score"]["max"] > 0 and "success" in s["result"] for s in judged)
    assert all(s["object"]["id"].startswith("https://bro.example.com/") for s in mine)

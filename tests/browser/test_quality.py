"""A supervisor finds the drifting step on the quality dashboard and opens a corrective action from its signal."""
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, choose_language, nav_link, screenshot


def _open_b2c_dashboard(page):
    nav_link(page, "Quality").click()
    page.wait_for_load_state()
    standard = page.locator("#f-standard")
    b2c = standard.locator("option", has_text="B2C").or_(standard.locator("option[value]")).first
    if "b2c" not in (b2c.inner_text() or "").lower():
        for option in standard.locator("option").all():
            if "customer" in option.inner_text().lower() or "b2c" in option.inner_text().lower():
                b2c = option
                break
    standard.select_option(b2c.get_attribute("value"))
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()


def test_dashboard_shows_the_drifting_step_signal_and_opens_an_action(page, log_in):
    log_in("grace@example.com")
    choose_language(page, "en")
    _open_b2c_dashboard(page)
    signal = page.locator('tr.signal-row[data-step="needs"]').first
    expect(signal, "the drifting `needs` step should raise a signal").to_be_visible()
    expect(page.locator("#pchart-needs .point-signal").nth(0)).to_be_attached()
    screenshot(page, "quality-dashboard-en")
    for selector, name in (("#chart-needs", "needs"), ("#pareto", "pareto"), ("#chart-__audit__", "failure")):
        page.locator(selector).screenshot(path=str(SCREENSHOTS / f"quality-{name}-en.png"))

    signal.get_by_role("link", name="Open corrective action").click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("New corrective action")
    expect(page.locator(".lead")).to_contain_text("Opened from a control-chart signal")
    page.get_by_label("Problem").fill("Needs are not explored in recent weeks.")
    page.get_by_label("Root cause").fill("New product range; scripts not updated.")
    page.get_by_label("Action", exact=True).fill("Refresh the needs-questions coaching for the team.")
    page.get_by_role("button", name="Open action").click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("Corrective action")
    expect(page.locator(".pdca-current")).to_have_text("Plan")
    page.get_by_role("button", name="Start: move to Do").click()
    page.wait_for_load_state()
    expect(page.locator(".pdca-current")).to_have_text("Do")
    expect(page.locator("table.before-after")).to_be_visible()
    screenshot(page, "quality-action-en")


def test_dashboard_reads_in_polish_and_indonesian(page, log_in):
    log_in("siti@example.com")
    choose_language(page, "en")
    _open_b2c_dashboard(page)
    url = page.url
    for language in ("pl", "id"):
        choose_language(page, language)
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("#pchart-failure")).to_be_visible()
        screenshot(page, f"quality-dashboard-{language}")
    choose_language(page, "en")
    page.goto(url)
    team = page.locator("#f-team option[value]:not([value=''])").first
    page.locator("#f-team").select_option(team.get_attribute("value"))
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="Heat map: step × staff member")).to_be_visible()
    expect(page.locator(".small-multiple").nth(1)).to_be_attached()
    page.locator("#heat-map").screenshot(path=str(SCREENSHOTS / "quality-heat-staff-en.png"))
    page.locator("#staff").screenshot(path=str(SCREENSHOTS / "quality-staff-en.png"))


def test_staff_member_sees_own_quality_with_modules_to_learn(page, log_in):
    log_in("budi@example.com")
    choose_language(page, "en")
    expect(page.get_by_role("heading", name="My quality")).to_be_visible()
    page.get_by_role("link", name="All my quality results").click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("My quality")
    expect(page.locator("svg.chart-trend").nth(0)).to_be_attached()
    screenshot(page, "quality-mine-en")


def test_evidence_page_shows_retraining_and_outcomes(page, log_in):
    log_in("grace@example.com")
    choose_language(page, "en")
    nav_link(page, "Evidence").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Retraining effect per module")).to_be_visible()
    expect(page.get_by_role("heading", name="Customer outcomes and the steps of the standard")).to_be_visible()
    expect(page.get_by_role("heading", name="Passed vs failed audits")).to_be_visible()
    expect(page.get_by_text("These are associations, not proof of cause")).to_be_visible()
    screenshot(page, "quality-evidence-en")

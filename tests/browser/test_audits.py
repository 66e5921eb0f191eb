"""A supervisor audits with the live score, the staff member disputes, a second supervisor upholds."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import choose_language, nav_link, screenshot

B2C_STEPS = ["greet", "listen", "needs", "recommend", "explain", "close", "support", "follow-up", "inform"]


def _rate(page, step: str, rating: str) -> None:
    page.locator(f'input[name="rating-{step}"][value="{rating}"]').check()


def _live_score(page):
    return page.locator("[data-live-value]")


def _log_out(page) -> None:
    page.locator("form[action='/logout'] button").click()
    page.wait_for_url(re.compile(r".*/login.*"))


def test_audit_dispute_and_upheld_revision_journey(page, log_in):
    # 1. Siti (supervises Front desk) records an audit of Budi, watching the live score.
    log_in("siti@example.com")
    choose_language(page, "en")
    expect(page.get_by_role("heading", name="Audits of the teams I supervise")).to_be_visible()
    screenshot(page, "audits-home-supervisor-en")
    nav_link(page, "Audits").click()
    page.get_by_role("link", name="New audit").click()
    expect(page.get_by_role("heading", name="Customer service standard (B2C)")).to_be_visible()
    page.get_by_label("Staff member").select_option(label="Budi Santoso · Front desk")
    page.get_by_label("Customer or account reference").fill("C-JOURNEY-1")
    page.get_by_label("Channel").select_option("phone")
    live = page.locator("[data-live-score]")
    expect(live).to_be_visible()
    expect(_live_score(page)).to_have_text("—")
    _rate(page, "greet", "met")
    expect(_live_score(page)).to_have_text(re.compile(r"^100\.0"))
    _rate(page, "listen", "partial")  # (1 + 1) / 3 = 66.7
    expect(_live_score(page)).to_have_text(re.compile(r"^66\.7"))
    for step in B2C_STEPS[2:]:
        _rate(page, step, "met")
    _rate(page, "recommend", "not_met")
    _rate(page, "inform", "na")
    # weights: greet 1, listen 2 (partial), needs 3, recommend 3 (not met), explain 2, close 1, support 2,
    # follow-up 2; inform n.a. -> (1 + 1 + 3 + 0 + 2 + 1 + 2 + 2) / 16 = 75.0, below the pass mark of 85
    expect(_live_score(page)).to_have_text("75.0")
    expect(page.locator("[data-live-result]")).to_have_text("fails")
    page.locator('textarea[name="note-recommend"]').evaluate("el => el.closest('details').open = true")
    page.locator('textarea[name="note-recommend"]').fill("Offered the premium plan without asking about budget.")
    screenshot(page, "audit-new-live-score-en")
    page.get_by_role("button", name="Record audit").click()
    page.wait_for_url(re.compile(r".*/audits/\d+$"))
    audit_url = page.url
    expect(page.locator("[data-audit-score]")).to_have_text("75.0")
    expect(page.get_by_text("Audit recorded: 75.0")).to_be_visible()
    screenshot(page, "audit-recorded-en")
    _log_out(page)

    # 2. Budi sees it on his home page and disputes it.
    log_in("budi@example.com")
    choose_language(page, "en")
    expect(page.get_by_role("heading", name="My audits")).to_be_visible()
    screenshot(page, "audits-home-staff-en")
    page.goto(audit_url)
    expect(page.get_by_role("button", name="Acknowledge")).to_be_visible()
    page.get_by_role("link", name="Dispute").click()
    page.get_by_label("What is wrong in this audit?").fill(
        "I asked about the budget before recommending; the customer chose premium.")
    screenshot(page, "audit-dispute-form-en")
    page.get_by_role("button", name="Dispute audit").click()
    page.wait_for_url(audit_url)
    expect(page.locator("[data-audit-status]")).to_have_text("Disputed")
    screenshot(page, "audit-disputed-en")
    _log_out(page)

    # 3. Siti audited it, so Grace (the team's other supervisor) resolves: upheld, with a correction.
    log_in("grace@example.com")
    choose_language(page, "en")
    page.goto(audit_url)
    page.get_by_role("link", name="Resolve dispute").click()
    expect(page.get_by_text("I asked about the budget before recommending")).to_be_visible()
    page.get_by_label("Uphold: correct the ratings below").check()
    _rate(page, "recommend", "met")
    expect(_live_score(page)).to_have_text("93.8")  # (12 + 3) / 16 = 93.75 -> 93.8
    page.get_by_label("Reason for the decision").fill("The recording confirms the budget question.")
    screenshot(page, "audit-resolve-en")
    page.get_by_role("button", name="Resolve dispute").click()
    page.wait_for_url(audit_url)

    # 4. The revision shows, and the first revision's ratings are still there.
    expect(page.locator("[data-audit-score]")).to_have_text("93.8")
    expect(page.locator("[data-audit-status]")).to_have_text("Dispute upheld")
    history = page.locator("#history")
    expect(history.get_by_text("Revision 2", exact=True)).to_be_visible()
    expect(history.get_by_text("Revision 1", exact=True)).to_be_visible()
    expect(history.get_by_text("The recording confirms the budget question.")).to_be_visible()
    history.get_by_text("Ratings of revision 1").click()
    expect(history.get_by_text("Offered the premium plan without asking about budget.")).to_be_visible()
    screenshot(page, "audit-revised-en")


def test_calibration_results_and_history_pages(page, log_in):
    log_in("grace@example.com")
    choose_language(page, "en")
    nav_link(page, "Calibration").click()
    expect(page.get_by_text("Your rating is due")).to_be_visible()
    screenshot(page, "calibration-sessions-en")
    page.get_by_role("link", name="CAL-B2C-01").click()
    expect(page.locator("[data-kappa]")).to_be_visible()
    expect(page.locator("[data-ac1]")).to_be_visible()
    expect(page.locator("[data-alpha]")).to_be_visible()
    expect(page.locator("[data-off-benchmark]").first).to_be_attached()  # Siti Rahma is the benchmark rater
    screenshot(page, "calibration-results-en")
    nav_link(page, "Calibration").click()
    page.get_by_role("link", name="CAL-B2C-00").click()
    expect(page.locator("[data-kappa-paradox]")).to_be_visible()  # all "met" but one: AC1 high, kappa below 0
    screenshot(page, "calibration-kappa-paradox-en")
    page.goto("/calibration/history")
    expect(page.get_by_role("link", name="Siti Rahma")).to_be_visible()
    expect(page.locator("[data-mean-difference]")).to_have_count(3)
    screenshot(page, "calibration-history-en")


def test_audit_list_in_polish(page, log_in):
    log_in("piotr@example.com")
    choose_language(page, "pl")
    page.goto("/audits/?result=failed")
    expect(page.locator("table tbody tr").first).to_be_attached()
    screenshot(page, "audit-list-failed-pl")



def test_all_na_audit_is_refused_with_a_clear_message(page, log_in):
    log_in("piotr@example.com")
    choose_language(page, "en")
    page.goto("/audits/new?relationship=b2b")
    page.get_by_label("Staff member").select_option(label="Emily Brooks · Key accounts")
    page.get_by_label("Customer or account reference").fill("ACC-NA-1")
    for radio in page.locator('input[type=radio][value="na"]').all():
        radio.check()
    expect(page.locator("[data-live-result]")).to_have_text("rate a step")
    page.get_by_role("button", name="Record audit").click()
    expect(page.get_by_role("alert").filter(has_text="at least one step rated met, partial or not met")).to_be_visible()
    screenshot(page, "audit-all-na-refused-en")


def test_outcomes_import_lists_bad_rows(page, log_in):
    log_in("siti@example.com")
    choose_language(page, "id")
    page.goto("/audits/outcomes/import")
    page.locator('input[type=file]').set_input_files(files=[{
        "name": "outcomes.csv", "mimeType": "text/csv",
        "buffer": b"customer_ref,interacted_on,csat,repeat_purchase\nC-NOPE,2026-01-05,4,yes\nC-1,2026-13-01,9,maybe\n"}])
    page.locator("main form button[type=submit]").click()
    errors = page.locator(".import-errors li")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_contain_text("2")
    expect(errors.nth(1)).to_contain_text("3")
    screenshot(page, "audit-outcomes-import-errors-id")

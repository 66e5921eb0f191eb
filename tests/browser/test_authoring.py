"""A trainer looks at the shipped curricula and uploads a YAML file with mistakes."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import choose_language, screenshot
from tests.fixtures import fixture_text

BAD_FILE = fixture_text("curricula/misspelt_weight.yaml")


def test_trainer_uploads_a_bad_file_and_sees_errors_next_to_the_lines(page, log_in, tmp_path):
    log_in("trainer@example.com")
    choose_language(page, "en")
    page.get_by_role("link", name="Curricula", exact=True).click()
    page.get_by_role("link", name="Upload a file").click()
    bad = tmp_path / "walk-in.yaml"
    bad.write_text(BAD_FILE)
    page.get_by_label("Curriculum file").set_input_files(str(bad))
    page.get_by_role("button", name="Check and import").click()

    expect(page.get_by_role("heading", name="3 errors in walk-in.yaml: nothing was imported")).to_be_visible()
    line_9 = page.locator("#line-9")
    expect(line_9).to_be_visible()
    expect(line_9).to_contain_text("weight: 0")
    message_under_9 = page.locator("#line-9 + tr.source-error")
    expect(message_under_9).to_contain_text("steps[0].weight: must be greater than 0")
    expect(page.locator("#line-12 + tr.source-error")).to_contain_text("unknown field 'wieght'")
    expect(page.locator("#line-5 + tr.source-error")).to_contain_text("pass_score")
    screenshot(page, "curricula-upload-errors")

    page.get_by_role("link", name="line 12, column 5").click()
    expect(page).to_have_url(re.compile(r"#line-12$"))


def test_trainer_browses_the_shipped_curricula(page, log_in):
    log_in("trainer@example.com")
    choose_language(page, "en")
    page.goto("/curricula/")
    expect(page.get_by_role("heading", name="Standards")).to_be_visible()
    expect(page.locator(".current-version")).to_have_count(5)  # 2 standards, 2 courses, the demo's Front desk practice
    screenshot(page, "curricula-list")

    page.get_by_role("link", name="version 1").first.click()
    expect(page.locator(".curriculum-step").nth(5)).to_be_attached()
    screenshot(page, "curricula-standard")

    page.goto("/curricula/")
    page.locator("#course-customer-service-essentials").locator("xpath=ancestor::section").get_by_role(
        "link", name="version 1").click()
    expect(page.locator(".option-correct").first).to_be_attached()
    page.locator("details.curriculum-lesson").first.locator("summary").click()
    screenshot(page, "curricula-course")


def test_polish_trainer_sees_polish_curriculum_text(page, log_in):
    log_in("trainer@example.com")
    choose_language(page, "pl")
    page.goto("/curricula/")
    expect(page.get_by_text("Standard obsługi klienta (B2C)").first).to_be_visible()
    screenshot(page, "curricula-list-pl")

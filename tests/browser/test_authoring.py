"""A trainer looks at the shipped curricula and uploads a YAML file with mistakes."""
from tests.browser.conftest import choose_language, screenshot

BAD_FILE = """\
kind: standard
id: walk-in
title: Walk-in service
relationship: b2c
pass_score: 120
steps:
  - id: greet
    title: Greet
    weight: 0
  - id: listen
    title: Listen
    wieght: 2
"""


def test_trainer_uploads_a_bad_file_and_sees_errors_next_to_the_lines(page, log_in, tmp_path):
    log_in("trainer@example.com")
    choose_language(page, "en")
    page.get_by_role("link", name="Curricula", exact=True).click()
    page.get_by_role("link", name="Upload a file").click()
    bad = tmp_path / "walk-in.yaml"
    bad.write_text(BAD_FILE)
    page.get_by_label("Curriculum file").set_input_files(str(bad))
    page.get_by_role("button", name="Check and import").click()

    assert page.get_by_role("heading", name="3 errors in walk-in.yaml: nothing was imported").is_visible()
    line_9 = page.locator("#line-9")
    assert line_9.is_visible()
    assert "weight: 0" in line_9.inner_text()
    message_under_9 = page.locator("#line-9 + tr.source-error")
    assert "steps[0].weight: must be greater than 0" in message_under_9.inner_text()
    assert "unknown field 'wieght'" in page.locator("#line-12 + tr.source-error").inner_text()
    assert "pass_score" in page.locator("#line-5 + tr.source-error").inner_text()
    screenshot(page, "curricula-upload-errors")

    page.get_by_role("link", name="line 12, column 5").click()
    assert page.evaluate("location.hash") == "#line-12"


def test_trainer_browses_the_shipped_curricula(page, log_in):
    log_in("trainer@example.com")
    choose_language(page, "en")
    page.goto("/curricula/")
    assert page.get_by_role("heading", name="Standards").is_visible()
    assert page.locator(".current-version").count() == 5  # 2 standards, 2 courses, the demo's Front desk practice
    screenshot(page, "curricula-list")

    page.get_by_role("link", name="version 1").first.click()
    assert page.locator(".curriculum-step").count() >= 6
    screenshot(page, "curricula-standard")

    page.goto("/curricula/")
    page.locator("#course-customer-service-essentials").locator("xpath=ancestor::section").get_by_role(
        "link", name="version 1").click()
    assert page.locator(".option-correct").count() > 0
    page.locator("details.curriculum-lesson").first.locator("summary").click()
    screenshot(page, "curricula-course")


def test_polish_trainer_sees_polish_curriculum_text(page, log_in):
    log_in("trainer@example.com")
    choose_language(page, "pl")
    page.goto("/curricula/")
    assert page.get_by_text("Standard obsługi klienta (B2C)").first.is_visible()
    screenshot(page, "curricula-list-pl")

"""A staff member learns in Chromium: course, lesson, a failed quiz, a retake, the certificate; a trainer
reads the item analysis."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bro.curricula import check_paths
from bro.training.demo import demo_response
from tests.browser.conftest import choose_language, log_in_on_a_phone, nav_link, screenshot

CURRICULA = Path(__file__).parents[2] / "curricula"


@pytest.fixture(scope="module")
def first_contact_quiz():
    result = check_paths([CURRICULA])
    course = next(c for c in result.courses if c.id == "customer-service-essentials")
    return course.module("first-contact").quiz


def answer(page, quiz, right: bool) -> None:
    rng = random.Random(7)
    for question in quiz.questions:
        box = page.locator(f'fieldset[data-question="{question.id}"]')
        response = demo_response(question, right, rng)
        if question.type in ("single", "true_false"):
            box.locator(f'input[value="{response}"]').check()
        elif question.type == "multiple":
            for option in response:
                box.locator(f'input[value="{option}"]').check()
        elif question.type == "ordering":
            for place, option in enumerate(response, start=1):
                box.locator(f"#q-{question.id}-{option}").select_option(f"{option}:{place}")
        else:
            box.get_by_role("textbox").fill(response)


def test_staff_reads_fails_retakes_passes_and_gets_the_certificate(page, log_in, first_contact_quiz):
    log_in("james@example.com")
    choose_language(page, "en")
    expect(page.get_by_role("heading", name="My learning")).to_be_visible()
    screenshot(page, "training-home-staff")

    page.get_by_role("link", name="My learning", exact=True).first.click()
    expect(page.locator("progress").first).to_be_visible()
    expect(page.get_by_text("Assigned by Grace Miller").first).to_be_visible()
    screenshot(page, "training-my-learning")

    page.get_by_role("link", name="Customer service essentials").first.click()
    page.get_by_role("link", name="Why relationships are the lifeblood of the business").click()
    expect(page.get_by_text("Counted as read")).to_be_visible()
    expect(page.get_by_role("heading", name="Why relationships are the lifeblood of the business")).to_be_visible()
    screenshot(page, "training-lesson")

    page.get_by_role("link", name="Customer service essentials").click()
    module = page.locator("#module-first-contact")
    expect(module.get_by_text("Read", exact=True).first).to_be_visible()
    module.get_by_role("button", name="Take the quiz").click()
    page.wait_for_url("**/learning/attempts/*")
    assert "correct" not in page.content().lower()
    answer(page, first_contact_quiz, right=False)
    screenshot(page, "training-quiz")
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_url("**/review")
    expect(page.get_by_text("Not passed").first).to_be_visible()
    expect(page.get_by_role("heading", name="Explanation").first).to_be_visible()
    screenshot(page, "training-review-failed")

    page.get_by_role("link", name="Back to the course").first.click()
    page.locator("#module-first-contact").get_by_role("button", name="Retake the quiz").click()
    page.wait_for_url("**/learning/attempts/*")
    answer(page, first_contact_quiz, right=True)
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_url("**/review")
    expect(page.get_by_text("Passed with 100.0%.")).to_be_visible()
    screenshot(page, "training-review-passed")

    page.get_by_role("link", name="Back to the course").first.click()
    expect(page.locator("#module-first-contact").get_by_text("Passed", exact=True).first).to_be_visible()
    screenshot(page, "training-course")
    page.get_by_role("link", name="View certificate").click()
    expect(page.locator(".certificate-name")).to_have_text("James Carter")
    expect(page.get_by_text("Certificate of completion")).to_be_visible()
    screenshot(page, "training-certificate")
    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    screenshot(page, "training-certificate-print")


def test_supervisor_sees_the_team_completion_matrix(page, log_in):
    log_in("grace@example.com")
    choose_language(page, "en")
    nav_link(page, "Team learning").click()
    expect(page.locator("table.matrix")).to_be_visible()
    expect(page.locator(".matrix-legend")).to_be_visible()
    screenshot(page, "training-team-matrix")
    page.get_by_role("link", name="Assign a course").click()
    screenshot(page, "training-assign")


def test_trainer_opens_the_item_analysis(page, log_in):
    log_in("trainer@example.com")
    choose_language(page, "en")
    page.get_by_role("link", name="Quiz analysis", exact=True).click()
    screenshot(page, "training-quiz-analysis")
    page.get_by_role("link", name="Relationships and the first contact").first.click()
    expect(page.locator("svg#difficulty-chart")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Discrimination")).to_be_visible()
    screenshot(page, "training-item-analysis")


def test_polish_staff_sees_the_course_in_polish(page, log_in):
    log_in("anna@example.com")
    choose_language(page, "pl")
    page.get_by_role("link", name="Moja nauka", exact=True).click()
    page.get_by_role("link", name="Podstawy obsługi klienta").first.click()
    expect(page.locator("h1")).to_have_text("Podstawy obsługi klienta")
    page.locator(".lesson-list a").first.click()
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    screenshot(page, "training-lesson-pl")


def test_quiz_fits_a_phone(browser, live_server):
    context, page = log_in_on_a_phone(browser, live_server, "emily@example.com", locale="en-US")
    choose_language(page, "en")
    page.goto("/learning/")
    page.get_by_role("link", name="Partner relationships").first.click()
    page.locator(".module").first.get_by_role("button").click()
    page.wait_for_url("**/learning/attempts/*")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the quiz scrolls sideways on a phone ({width}px)"
    screenshot(page, "training-quiz-mobile")
    context.close()

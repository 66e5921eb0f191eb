"""Learning without dead ends, walked in Chromium in Indonesian and Polish: a browser upload survives a
restart, a learner who used every attempt completes a retraining, and a blank quiz asks before scoring.

Runs after the other browser tests (file order): it adds curriculum versions and attempts to the shared
demo database.
"""
from __future__ import annotations

import random
import re
from datetime import timedelta
from pathlib import Path

from babel.numbers import format_decimal
from playwright.sync_api import expect
from sqlalchemy import select

from bro import clock
from bro.curricula import check_paths
from bro.extensions import db
from bro.models.audits import Audit
from bro.models.curricula import Course, Standard
from bro.models.people import User
from bro.models.training import Assignment
from bro.training.demo import demo_response
from bro.training.operations import assign_retraining, mark_lesson_read, start_attempt, submit_attempt
from tests.browser.conftest import DEMO_PASSWORD, LIVE, choose_language, log_in_on_a_phone, screenshot

CURRICULA = Path(__file__).parents[2] / "curricula"


def answer_right(page, quiz, locale: str) -> None:
    rng = random.Random(3)
    for question in quiz.questions:
        box = page.locator(f'fieldset[data-question="{question.id}"]')
        response = demo_response(question, True, rng)
        if question.type in ("single", "true_false"):
            box.locator(f'input[value="{response}"]').check()
        elif question.type == "multiple":
            for option in response:
                box.locator(f'input[value="{option}"]').check()
        elif question.type == "numeric":
            box.get_by_role("textbox").fill(format_decimal(question.value, locale=locale))
        elif question.type == "ordering":
            for place, option in enumerate(response, start=1):
                box.locator(f"#q-{question.id}-{option}").select_option(f"{option}:{place}")
        else:
            box.get_by_role("textbox").fill(question.accepted_in(locale)[0])


def test_a_browser_upload_survives_a_restart(page, log_in, tmp_path):
    log_in("trainer@example.com")
    choose_language(page, "pl")
    changed = (CURRICULA / "standards.yaml").read_text(encoding="utf-8").replace("pass_score: 85", "pass_score: 80", 1)
    upload = tmp_path / "standards.yaml"
    upload.write_text(changed, encoding="utf-8")
    page.goto("/curricula/upload")
    page.locator('input[type="file"]').set_input_files(str(upload))
    page.locator('form[enctype] input[name="submit"]').click()
    page.wait_for_url("**/curricula/")

    app = LIVE["app"]
    with app.app_context():  # the next start: `make run` imports curricula/ again
        result = app.test_cli_runner().invoke(args=["bro", "curricula", "import", str(CURRICULA)])
        assert result.exit_code == 0, result.output
        assert "older than the version in force (v2, uploaded in the browser by Tomasz Trener on" in result.output
        standard = db.session.execute(select(Standard).where(Standard.key == "b2c-service")).scalar_one()
        assert (standard.current_version.number, standard.current_version.pass_score) == (2, 80)

    page.goto("/curricula/standards/b2c-service/versions/2")
    expect(page.locator(".version-nav .badge-ok")).to_be_visible()  # version 2 is still in force
    download = page.locator(".version-actions a[download]")
    expect(download).to_have_attribute("href", "/curricula/standards/b2c-service/versions/2.yaml")
    assert page.request.get("/curricula/standards/b2c-service/versions/2.yaml").text() == changed
    screenshot(page, "curricula-upload-survives-restart-pl")
    page.goto("/curricula/standards/b2c-service/versions/1")
    expect(page.locator(".version-actions form button")).to_be_visible()  # "make this version current"
    screenshot(page, "curricula-older-version-pl")


def test_a_learner_who_used_every_attempt_completes_a_retraining(page, log_in):
    app = LIVE["app"]
    with app.app_context():
        dewi = db.session.execute(select(User).where(User.email == "dewi@example.com")).scalar_one()
        course = db.session.execute(select(Course).where(Course.key == "customer-service-essentials")).scalar_one()
        module = next(m for m in course.current_version.modules if m.key == "explain-and-close")
        start = clock.utcnow() - timedelta(days=3)
        for number in range(3):  # three failed attempts, lessons reopened in between (restudy), hours apart
            when = start + timedelta(hours=2 * number)
            with clock.moved_to(when - timedelta(minutes=20)):
                for lesson in module.lessons:
                    mark_lesson_read(dewi, module, lesson["id"])
            with clock.moved_to(when):
                try:
                    attempt = start_attempt(dewi, module)
                except Exception:  # the demo left fewer attempts: enough are used already
                    break
                submit_attempt(attempt, {})
        db.session.commit()
        # An audit of hers that assigned nothing yet, so the card found below is this retraining's alone.
        assigned = select(Assignment.id).where(Assignment.audit_id == Audit.id).exists()
        audit_id = db.session.execute(select(Audit.id).where(Audit.staff_id == dewi.id, ~assigned)
                                      .order_by(Audit.id).limit(1)).scalar()
        course_id = course.id
    log_in("dewi@example.com")
    choose_language(page, "id")
    page.goto(f"/learning/courses/{course_id}")
    box = page.locator("#module-explain-and-close")
    expect(box.locator(".flash-error")).to_contain_text("Siti Rahma")  # who can grant another attempt
    expect(box.get_by_role("button")).to_have_count(0)
    screenshot(page, "training-attempts-used-id")

    with app.app_context():  # a later audit rates a step this module teaches "not met": retraining
        dewi = db.session.get(User, dewi.id)
        module = db.session.merge(module)
        assert assign_retraining(dewi, module, audit_id=audit_id, step_key="explain") is not None
        db.session.commit()

    page.goto("/learning/")
    card = page.locator(".assignment", has=page.locator(f'a[href="/audits/{audit_id}"]')).first
    expect(card).to_be_visible()  # the retraining card links to the audit that triggered it
    page.goto(f"/learning/courses/{course_id}")
    box = page.locator("#module-explain-and-close")
    # restudy: true — the lessons must be reopened since the last failed attempt
    expect(box.locator(".flash-warning")).to_be_visible()
    screenshot(page, "training-restudy-id")
    for index in range(box.locator(".flash-warning + ul a").count()):
        page.goto(f"/learning/courses/{course_id}")
        page.locator("#module-explain-and-close .flash-warning + ul a").first.click()
    page.goto(f"/learning/courses/{course_id}")
    box = page.locator("#module-explain-and-close")
    box.locator('form button[type="submit"]').click()
    page.wait_for_url("**/learning/attempts/*")
    quiz = next(c for c in check_paths([CURRICULA]).courses if c.id == "customer-service-essentials") \
        .module("explain-and-close").quiz
    answer_right(page, quiz, "id")
    page.locator("form.quiz button[type=submit]:not(.visually-hidden)").last.click()
    page.wait_for_url("**/review")
    expect(page.locator(".result-passed")).to_be_visible()
    screenshot(page, "training-retraining-passed-id")
    page.goto("/learning/")
    expect(page.locator(f'.assignment a[href="/audits/{audit_id}"]')).to_have_count(0)  # no longer open


def test_a_blank_quiz_asks_before_scoring_on_a_phone(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844}, locale="pl-PL")
    page = context.new_page()
    page.goto("/login")
    page.locator('input[type="email"], input[name="email"]').first.fill("kamil@example.com")
    page.locator('input[type="password"]').first.fill(DEMO_PASSWORD)
    page.locator('input[type="password"]').first.press("Enter")
    page.wait_for_url("**/")
    choose_language(page, "pl")
    page.goto("/learning/")
    page.locator(".assignment h3 a").first.click()
    start = page.locator(".module form[action$='/quiz'] button").first
    start.click()
    page.wait_for_url("**/learning/attempts/*")
    attempt_url = page.url
    page.locator("form.quiz > button[type=submit]").last.click()  # nothing answered
    check = page.locator("#check")
    expect(check).to_be_visible()
    expect(check.locator("li")).to_have_count(page.locator("fieldset.question").count())
    expect(check.locator('button[name="confirm_blank"]')).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the confirmation scrolls sideways on a phone ({width}px)"
    screenshot(page, "training-blank-quiz-confirm-pl-mobile")
    check.locator("a.button").click()  # go back: the first unanswered question
    expect(page).to_have_url(re.compile(r"#question-"))
    expect(page).not_to_have_url(re.compile(r"/review"))
    # answer one question (the order is shuffled, so pick a choice wherever it is), leave the rest blank
    page.locator("fieldset.question input[type=radio], fieldset.question input[type=checkbox]").first.check()
    check.locator('button[name="confirm_blank"]').click()  # submit anyway
    page.wait_for_url("**/review")
    expect(page).to_have_url(re.compile("^" + re.escape(attempt_url)))
    screenshot(page, "training-blank-quiz-scored-pl-mobile")
    context.close()


def test_a_learner_orders_options_by_keyboard_on_a_phone(browser, live_server):
    """An ordering question on a 390 px screen: a place drop-down per option, used with the keyboard only."""
    app = LIVE["app"]
    with app.app_context():
        from bro.people import create_user

        create_user("Olek Order", "olek@example.com", DEMO_PASSWORD, ["staff"], language="en")
        course_id = db.session.execute(select(Course.id).where(Course.key == "customer-service-essentials")).scalar()
        db.session.commit()
    quiz = next(c for c in check_paths([CURRICULA]).courses if c.id == "customer-service-essentials") \
        .module("after-the-sale").quiz
    ordering = next(q for q in quiz.questions if q.type == "ordering")
    right = [option.id for option in ordering.options]
    context, page = log_in_on_a_phone(browser, live_server, "olek@example.com")
    page.goto(f"/learning/courses/{course_id}")
    page.locator("#module-after-the-sale form button[type=submit]").first.click()
    page.wait_for_url("**/learning/attempts/*")
    answer_right(page, quiz, "en")
    box = page.locator(f'fieldset[data-question="{ordering.id}"]')
    selects = box.locator("select")
    expect(selects).to_have_count(len(right))
    # Keyboard only: focus each drop-down and type its place (a select jumps to the option starting so).
    shown = [dropdown.get_attribute("id").removeprefix(f"q-{ordering.id}-") for dropdown in selects.all()]
    swapped = [right[1], right[0], *right[2:]]  # the first two the other way round: 1 of 6 pairs wrong
    for dropdown, option in zip(selects.all(), shown):
        dropdown.focus()
        page.keyboard.type(str(swapped.index(option) + 1))
        expect(dropdown).to_have_value(f"{option}:{swapped.index(option) + 1}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the ordering question scrolls sideways on a phone ({width}px)"
    screenshot(page, "training-ordering-question-mobile")
    page.locator("form.quiz button[type=submit]:not(.visually-hidden)").last.click()
    page.wait_for_url("**/review")
    item = page.locator(".review-item", has=page.locator(".ordering-review"))
    expect(item.locator(".badge-warn")).to_contain_text("Partly right")
    expect(item.locator("tr.is-wrong")).to_have_count(2)
    screenshot(page, "training-ordering-review-mobile")
    context.close()


"""Taking, reviewing, analysing and previewing an `ordering` question through the pages."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bro.extensions import db
from bro.models.training import AttemptAnswer, QuizAttempt
from tests.web.world_training import import_training_course, module_of

ORDERING_YAML = """
kind: course
id: calls-course
language: en
title: Calls
modules:
  - id: complaints
    title: Complaints
    lessons:
      - id: why
        title: Why
        body: Because.
    quiz:
      pass_mark: 80
      questions:
        - id: steps
          type: ordering
          points: 6
          scoring: partial
          prompt: Put the steps of a complaint call in order.
          options:
            - {id: listen, text: Listenfirst}
            - {id: apologise, text: Apologisesecond}
            - {id: fix, text: Fixthird}
            - {id: check, text: Checkfourth}
        - id: tf
          type: true_false
          prompt: Complaints are gifts.
          answer: true
"""
RIGHT = ["listen", "apologise", "fix", "check"]


@pytest.fixture
def course(factory):
    return import_training_course(ORDERING_YAML)


@pytest.fixture
def staff(factory):
    return factory.staff(team=factory.team("Counter"), name="Sam Learner")


def html(response) -> str:
    return response.get_data(as_text=True)


def places(order: list[str]) -> list[str]:
    return [f"{option}:{place}" for place, option in enumerate(order, start=1)]


def test_staff_orders_options_with_a_place_select_each_and_earns_kendall_partial_credit(client, login, staff, course):
    login(staff)
    response = client.post(f"/learning/courses/{course.id}/modules/complaints/quiz")
    attempt_id = int(re.search(r"/attempts/(\d+)", response.headers["Location"]).group(1))
    attempt = db.session.get(QuizAttempt, attempt_id)
    assert attempt.option_order["steps"] != RIGHT  # always shuffled, never shown in the right order

    page = html(client.get(f"/learning/attempts/{attempt_id}"))
    shown = re.findall(r'<select name="q-steps" id="q-steps-([\w-]+)"', page)
    assert shown == attempt.option_order["steps"]
    for option in shown:  # a labelled drop-down per option, places 1 to 4: keyboard and no JavaScript
        assert f'<label for="q-steps-{option}">' in page
        assert all(f'value="{option}:{place}"' in page for place in range(1, 5))

    # Two options on the same place: nothing is scored; the form comes back with the places given.
    shared = places(RIGHT)[:3] + ["check:3"]
    response = client.post(f"/learning/attempts/{attempt_id}/submit", data={"q-steps": shared, "q-tf": "true"})
    assert response.status_code == 400
    assert "give each option its own place, from 1 to 4" in html(response)
    assert 'value="check:3" selected' in html(response)
    assert db.session.get(QuizAttempt, attempt_id).submitted_at is None

    # One pair of neighbours swapped: 1 of 6 pairs out of order, 5 of the 6 points.
    swapped = ["apologise", "listen", "fix", "check"]
    response = client.post(f"/learning/attempts/{attempt_id}/submit", data={"q-steps": places(swapped), "q-tf": "true"})
    assert response.headers["Location"].endswith(f"/learning/attempts/{attempt_id}/review")
    answer = db.session.execute(select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt_id,
                                                            AttemptAnswer.question_key == "steps")).scalar_one()
    assert (answer.response, float(answer.points), answer.correct) == (swapped, 5.0, False)
    attempt = db.session.get(QuizAttempt, attempt_id)
    assert (float(attempt.earned), float(attempt.possible), attempt.passed) == (6.0, 7.0, True)

    review = html(client.get(f"/learning/attempts/{attempt_id}/review"))
    assert "Partly right" in review and "5 of 6 points" in review
    table = review[review.index('class="ordering-review"'):]
    right_column = re.findall(r"<td>(\w+)</td>\s*</tr>", table)
    assert right_column == ["Listenfirst", "Apologisesecond", "Fixthird", "Checkfourth"]


def test_item_analysis_shows_where_each_option_was_put_and_the_preview_the_right_order(client, login, staff, course,
                                                                                       factory):
    from bro.training.operations import start_attempt, submit_attempt

    module = module_of(course, "complaints")
    submit_attempt(start_attempt(staff, module), {"steps": ["apologise", "listen", "fix", "check"], "tf": "true"})
    login(factory.trainer())
    page = html(client.get(f"/learning/items/{module.id}"))
    assert "ordering" in page
    counts = page[page.index('data-place-counts="steps"'):]
    counts = counts[:counts.index("</table>")]
    rows = re.findall(r'<tr><th scope="row">(\w+)</th>(.*?)</tr>', counts, re.S)
    assert [name for name, _cells in rows] == ["Listenfirst", "Apologisesecond", "Fixthird", "Checkfourth"]
    first_row = re.findall(r'<td class="num( is-right)?">(\d+)', rows[0][1])
    assert first_row == [(" is-right", "0"), ("", "1"), ("", "0"), ("", "0")]  # Listen was put second

    true_false = page[page.index('id="item-tf"'):]
    assert re.search(r"1</span> · 100%\s*— True <span class=\"badge badge-ok\">right answer", true_false)

    preview = html(client.get("/curricula/courses/calls-course/versions/1"))
    assert "Right order:" in preview
    assert [preview.index(text) for text in ("Listenfirst", "Apologisesecond", "Fixthird", "Checkfourth")] == \
        sorted(preview.index(text) for text in ("Listenfirst", "Apologisesecond", "Fixthird", "Checkfourth"))

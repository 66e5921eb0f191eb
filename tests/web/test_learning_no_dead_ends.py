"""Retraining can always be finished, and nothing is scored by accident (issue: no dead ends in learning)."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from bro import clock
from bro.extensions import db
from bro.models.training import Assignment, AttemptGrant, Certificate, QuizAttempt
from bro.training.operations import (
    AttemptLimitReached, assign_course, assign_retraining, assign_retraining_batch, attempt_allowance,
    expire_certificates, grant_attempts, module_quiz, start_attempt, submit_attempt,
)
from tests.web.world_training import correct_responses, import_training_course, module_of


@pytest.fixture
def course(factory):
    return import_training_course()


@pytest.fixture
def team(factory):
    return factory.team("Counter")


@pytest.fixture
def staff(factory, team):
    return factory.staff(team=team, name="Sam Learner")


@pytest.fixture
def supervisor(factory, team):
    return factory.supervisor(team, name="Sue Boss")


def html(response) -> str:
    return response.get_data(as_text=True)


def use_every_attempt(staff, module) -> None:
    for _ in range(module_quiz(module).max_attempts):
        assert submit_attempt(start_attempt(staff, module), {}).passed is False
    with pytest.raises(AttemptLimitReached):
        start_attempt(staff, module)


# --- every way an assignment is made gives a fresh allowance -----------------------------------------------


def _manual_course(staff, course, module, supervisor, client, login):
    return assign_course(staff, course, None, supervisor)


def _manual_module(staff, course, module, supervisor, client, login):
    return assign_course(staff, course, None, supervisor, module_key=module.key)


def _assign_page(staff, course, module, supervisor, client, login):
    login(supervisor)
    response = client.post("/learning/assign", data={"course_id": course.id, "who": f"user-{staff.id}"})
    assert response.status_code == 302
    client.post("/logout")
    return db.session.execute(select(Assignment).where(Assignment.user_id == staff.id)
                              .order_by(Assignment.id.desc()).limit(1)).scalar_one()


def _retraining(staff, course, module, supervisor, client, login):
    return assign_retraining(staff, module, audit_id=None, step_key="greet")


def _retraining_after_audit(staff, course, module, supervisor, client, login):
    (assignment,) = assign_retraining_batch(staff, [(module, "greet")], audit_id=None, assigned_by=supervisor)
    return assignment


def _recertification(staff, course, module, supervisor, client, login):
    db.session.add(Certificate(user_id=staff.id, course_id=course.id, course_version_id=course.current_version_id,
                               issued_at=clock.utcnow() - timedelta(days=400),
                               expires_on=clock.today() - timedelta(days=1)))
    db.session.flush()
    (assignment,) = expire_certificates(clock.today(), user_id=staff.id)
    assert assignment.reason == "recertification"
    return assignment


@pytest.mark.parametrize("assign", [_manual_course, _manual_module, _assign_page, _retraining,
                                    _retraining_after_audit, _recertification])
def test_every_new_assignment_can_be_passed_after_every_attempt_was_used(assign, staff, course, supervisor,
                                                                          client, login):
    basics = module_of(course, "basics")
    use_every_attempt(staff, basics)

    assignment = assign(staff, course, basics, supervisor, client, login)

    allowance = attempt_allowance(staff.id, course.id, "basics", module_quiz(basics))
    assert (allowance.used, allowance.left) == (0, 3)
    # The learner can fail again, and still pass within the new allowance.
    submit_attempt(start_attempt(staff, basics), {})
    assert submit_attempt(start_attempt(staff, basics), correct_responses(basics)).passed
    if assignment.module_key == "basics":
        db.session.refresh(assignment)
        assert assignment.completed_at is not None


def test_a_new_audit_while_a_used_up_retraining_is_open_assigns_a_fresh_one(staff, course):
    basics = module_of(course, "basics")
    first = assign_retraining(staff, basics, audit_id=None, step_key="greet")
    assert assign_retraining(staff, basics, audit_id=None, step_key="greet") is None  # open, attempts left
    use_every_attempt(staff, basics)
    (second,) = assign_retraining_batch(staff, [(basics, "greet")], audit_id=None)
    assert second.id != first.id
    assert submit_attempt(start_attempt(staff, basics), correct_responses(basics)).passed
    db.session.refresh(first)
    db.session.refresh(second)
    assert first.completed_at is not None and second.completed_at is not None


def test_retraining_through_the_pages_after_every_attempt_was_used(client, login, staff, course):
    basics = module_of(course, "basics")
    use_every_attempt(staff, basics)
    login(staff)
    page = html(client.get(f"/learning/courses/{course.id}"))
    assert "used every attempt" in page and "Take the quiz" not in page.split('id="module-basics"')[1].split("</li>")[0]

    assign_retraining(staff, basics, audit_id=None, step_key="greet")
    page = html(client.get(f"/learning/courses/{course.id}"))
    assert "3 attempts left" in page
    response = client.post(f"/learning/courses/{course.id}/modules/basics/quiz")
    assert "/learning/attempts/" in response.headers["Location"]


# --- grants ----------------------------------------------------------------------------------------------


def test_supervisor_of_the_team_grants_an_attempt_with_a_reason_and_it_is_logged(client, login, staff, course,
                                                                                  supervisor):
    basics = module_of(course, "basics")
    assign_course(staff, course, None, supervisor, module_key="basics")
    use_every_attempt(staff, basics)
    url = f"/learning/people/{staff.id}/courses/{course.id}/modules/basics/attempts"
    login(supervisor)
    listing = html(client.get("/learning/attempts-used-up"))
    assert "Sam Learner" in listing and url in listing
    assert client.post(url, data={"extra_attempts": "1", "reason": ""}).status_code == 400  # a reason is required
    response = client.post(url, data={"extra_attempts": "1", "reason": "Went through the lessons together"})
    assert response.status_code == 302
    grant = db.session.execute(select(AttemptGrant)).scalar_one()
    assert (grant.user_id, grant.granted_by_id, grant.extra_attempts) == (staff.id, supervisor.id, 1)
    assert "Went through the lessons together" in html(client.get(url))
    assert attempt_allowance(staff.id, course.id, "basics", module_quiz(basics)).left == 1
    start_attempt(staff, basics)  # no longer refused


def test_trainer_may_grant_but_a_supervisor_of_another_team_or_the_learner_may_not(client, login, factory, staff,
                                                                                    course):
    url = f"/learning/people/{staff.id}/courses/{course.id}/modules/basics/attempts"
    login(factory.supervisor(factory.team("Elsewhere")))
    assert client.get(url).status_code == 404
    assert client.post(url, data={"extra_attempts": "1", "reason": "x"}).status_code == 404
    client.post("/logout")
    login(factory.trainer())
    assert client.post(url, data={"extra_attempts": "2", "reason": "Trainer's call"}).status_code == 302
    client.post("/logout")
    login(staff)
    assert client.get(url).status_code == 403
    assert db.session.execute(select(func.sum(AttemptGrant.extra_attempts))).scalar_one() == 2


def test_a_new_assignment_starts_a_fresh_allowance_and_old_grants_stay_with_the_old_one(staff, course, supervisor):
    basics = module_of(course, "basics")
    quiz = module_quiz(basics)
    use_every_attempt(staff, basics)
    grant_attempts(staff, course.id, "basics", 2, "extra help", supervisor)
    assert attempt_allowance(staff.id, course.id, "basics", quiz).left == 2
    assign_course(staff, course, None, supervisor, module_key="basics")
    allowance = attempt_allowance(staff.id, course.id, "basics", quiz)
    assert (allowance.allowed, allowance.used, allowance.left) == (3, 0, 3)


# --- no accidental submissions -----------------------------------------------------------------------------


def test_blank_quiz_is_not_scored_without_confirmation(client, login, staff, course):
    attempt = start_attempt(staff, module_of(course, "basics"))
    login(staff)
    response = client.post(f"/learning/attempts/{attempt.id}/submit", data={})
    page = html(response)
    assert response.status_code == 200
    assert "5 questions are unanswered" in page and "Submit anyway" in page and "Go back and answer" in page
    db.session.expire_all()
    assert db.session.get(QuizAttempt, attempt.id).submitted_at is None

    response = client.post(f"/learning/attempts/{attempt.id}/submit", data={"confirm_blank": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(QuizAttempt, attempt.id).score == 0


def test_partly_blank_quiz_keeps_the_given_answers_on_the_confirmation(client, login, staff, course):
    attempt = start_attempt(staff, module_of(course, "basics"))
    login(staff)
    page = html(client.post(f"/learning/attempts/{attempt.id}/submit",
                            data={"q-q-single": "a", "q-q-text": "hello there"}))
    assert "3 questions are unanswered" in page
    assert re.search(r'id="q-q-single-a" value="a" checked', page)
    assert 'value="hello there"' in page
    # Enter in a text field presses the first submit button: the plain one, not "submit anyway".
    assert page.index('class="visually-hidden" tabindex="-1"') < page.index('name="confirm_blank"')


def test_after_the_last_attempt_the_banner_says_so_and_who_can_grant(client, login, staff, course, supervisor):
    basics = module_of(course, "basics")
    for _ in range(2):
        submit_attempt(start_attempt(staff, basics), {})
    attempt = start_attempt(staff, basics)
    login(staff)
    page = html(client.get(f"/learning/attempts/{attempt.id}"))
    assert "This is your last attempt." in page
    response = client.post(f"/learning/attempts/{attempt.id}/submit", data={"confirm_blank": "1"},
                           follow_redirects=True)
    page = html(response)
    assert "That was your last attempt" in page and "Sue Boss" in page
    assert "try again" not in page.lower()
    course_page = html(client.get(f"/learning/courses/{course.id}"))
    assert "Sue Boss" in course_page and "grant you another attempt" in course_page


def _answers(module) -> dict:
    return {f"q-{key}": value for key, value in correct_responses(module).items()}


def test_a_decimal_comma_is_refused_with_a_hint_in_english_not_scored_wrong(client, login, staff, course):
    basics = module_of(course, "basics")
    login(staff)
    attempt = start_attempt(staff, basics)
    response = client.post(f"/learning/attempts/{attempt.id}/submit", data={**_answers(basics), "q-q-num": "31,5"})
    assert response.status_code == 400 and "cannot be read" in html(response)
    assert "1,234.5" in html(response)  # how to write it
    db.session.expire_all()
    assert db.session.get(QuizAttempt, attempt.id).submitted_at is None


def test_a_decimal_comma_is_right_in_polish(client, login, factory, team, course):
    basics = module_of(course, "basics")
    answers = _answers(basics)
    polish = factory.staff(team=team, language="pl")
    login(polish)
    attempt = start_attempt(polish, basics)
    response = client.post(f"/learning/attempts/{attempt.id}/submit", data={**answers, "q-q-num": "31,5"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(QuizAttempt, attempt.id).passed is True


def test_practice_re_asks_missed_questions_without_recording_anything(client, login, staff, course):
    basics = module_of(course, "basics")
    attempt = submit_attempt(start_attempt(staff, basics), {"q-tf": "true"})
    login(staff)
    page = html(client.get(f"/learning/attempts/{attempt.id}/practice"))
    assert page.count('class="card question"') == 4  # every question but the one answered right
    before = db.session.execute(select(func.count()).select_from(QuizAttempt)).scalar_one()
    page = html(client.post(f"/learning/attempts/{attempt.id}/practice", data={"q-q-single": "a"}))
    assert page.count('badge-ok">Right<') == 1 and page.count(">No answer<") == 3
    assert db.session.execute(select(func.count()).select_from(QuizAttempt)).scalar_one() == before


# --- cooldown and restudy ----------------------------------------------------------------------------------

WAITING = """
    quiz:
      pass_mark: 100
      retry_after: 30m
      restudy: true
      questions:"""


def test_cooldown_and_restudy_say_why_and_until_when(client, login, staff, monkeypatch):
    from datetime import datetime

    from bro.training.operations import QuizNotYetAvailable
    from tests.web.world_training import TRAINING_YAML

    course = import_training_course(TRAINING_YAML.replace("""
    quiz:
      pass_mark: 100
      questions:""", WAITING))
    needs = module_of(course, "needs")
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2026, 5, 10, 9, 0))
    submit_attempt(start_attempt(staff, needs), {"q1": "false"})
    login(staff)
    page = html(client.get(f"/learning/courses/{course.id}"))
    box = page.split('id="module-needs"')[1].split("</li>\n{% endfor %}")[0]
    assert "The quiz is not open yet." in box and "You can retake this quiz from 5/10/26, 9:30" in box
    assert "open the lesson again" in box
    with pytest.raises(QuizNotYetAvailable):
        start_attempt(staff, needs)
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2026, 5, 10, 9, 45))
    with pytest.raises(QuizNotYetAvailable) as waiting:
        start_attempt(staff, needs)  # the cooldown is over, the lesson not reopened yet
    assert waiting.value.wait.until is None and waiting.value.wait.lessons == ("ask",)
    client.get(f"/learning/courses/{course.id}/modules/needs/lessons/ask")
    assert client.post(f"/learning/courses/{course.id}/modules/needs/quiz").headers["Location"].startswith(
        "/learning/attempts/")


def test_a_real_audit_after_every_attempt_was_used_leads_to_a_pass(factory):
    """The issue's story end to end: attempts used up, an audit rates a taught step not met, the learner passes."""
    from bro.models.curricula import Course as CourseModel

    team = factory.team()
    staff, supervisor = factory.staff(team=team), factory.supervisor(team)
    version = factory.standard_version()
    course = db.session.execute(select(CourseModel).where(CourseModel.key == "sample-course")).scalar_one()
    basics = module_of(course, "basics")
    use_every_attempt(staff, basics)
    audit = factory.audit(staff, supervisor, version, ratings={"greet": "not_met", "needs": "met", "confirm": "met"})
    (assignment,) = db.session.execute(select(Assignment).where(Assignment.audit_id == audit.id)).scalars()
    assert submit_attempt(start_attempt(staff, basics), correct_responses(basics)).passed
    db.session.refresh(assignment)
    assert assignment.completed_at is not None


def test_the_review_shows_accepted_answers_in_the_learners_language_only(client, login, factory, team):
    from tests.web.world_training import TRAINING_YAML

    course = import_training_course(TRAINING_YAML.replace(
        "accept: [Wordofmouthzulu, word-of-mouth-zulu]",
        "accept: {en: [Wordofmouthzulu], pl: [Pocztapantoflowazulu]}"))
    polish = factory.staff(team=team, language="pl")
    basics = module_of(course, "basics")
    attempt = submit_attempt(start_attempt(polish, basics), {"q-text": "Wordofmouthzulu"})
    login(polish)
    page = html(client.get(f"/learning/attempts/{attempt.id}/review"))
    assert "Pocztapantoflowazulu" in page and "Wordofmouthzulu" in page  # the accepted one, and the answer given
    assert page.count("Wordofmouthzulu") == 1  # only as the answer given, not among the accepted answers
    answer = next(a for a in db.session.get(QuizAttempt, attempt.id).answers if a.question_key == "q-text")
    assert answer.correct  # every language's answers are accepted


def test_trainers_find_the_people_out_of_attempts_from_quiz_analysis(client, login, factory):
    login(factory.trainer())
    assert 'href="/learning/attempts-used-up"' in html(client.get("/learning/items"))

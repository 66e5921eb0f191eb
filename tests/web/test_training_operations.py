"""Training operations on the database: scoring per question type and quiz, limits, double submission,
version pinning, certificates, expiry and recertification, retraining assignments."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from bro import clock
from bro.extensions import db
from bro.models.training import AttemptAnswer, Assignment, Certificate, LessonRead, QuizAttempt
from bro.training.operations import (
    AttemptLimitReached, assign_course, assign_retraining, attempt_score_display, complete_backdated_assignments,
    expire_certificates,
    mark_lesson_read, start_attempt, submit_attempt,
)
from tests.web.world_training import TRAINING_YAML, correct_responses, import_training_course, module_of

T0 = datetime(2026, 3, 2, 9, 0, 0)


@pytest.fixture
def course(factory):
    return import_training_course()


@pytest.fixture
def basics(course):
    return module_of(course, "basics")


@pytest.fixture
def staff(factory):
    return factory.staff(name="Quinn Quiz")


@pytest.fixture
def at(monkeypatch):
    """Move the clock: `at(datetime)`."""

    def move(when: datetime):
        monkeypatch.setattr(clock, "utcnow", lambda: when)
        return when

    return move


def answer_for(staff, module, question_id, response):
    attempt = submit_attempt(start_attempt(staff, module), {question_id: response})
    return db.session.execute(select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id,
                                                          AttemptAnswer.question_key == question_id)).scalar_one()


@pytest.mark.parametrize("question_id, response, correct", [
    ("q-single", "a", True),
    ("q-single", "b", False),
    ("q-single", None, False),
    ("q-single", "no-such-option", False),
    ("q-single", ["a", "b"], False),
    ("q-multi", ["a", "b"], True),
    ("q-multi", ["b", "a"], True),
    ("q-multi", ["a"], False),                 # a partial set earns nothing
    ("q-multi", ["a", "b", "c"], False),       # nor does a superset
    ("q-multi", [], False),
    ("q-multi", "a", False),
    ("q-tf", "true", True),
    ("q-tf", "TRUE", True),
    ("q-tf", "false", False),
    ("q-tf", "", False),
    ("q-text", "Wordofmouthzulu", True),
    ("q-text", "   wordofmouthzulu  ", True),  # whitespace and case are ignored
    ("q-text", "WORD-OF-MOUTH-ZULU", True),    # any accepted answer
    ("q-text", "word of mouth zulu", False),
    ("q-text", "", False),
    ("q-num", "31.5", True),
    ("q-num", "31", True),                     # value - tolerance is inside
    ("q-num", "32", True),                     # value + tolerance is inside
    ("q-num", "30.99", False),
    ("q-num", "32.01", False),
    ("q-num", "31,2", True),                   # decimal comma
    ("q-num", "thirty", False),
    ("q-num", None, False),
])
def test_each_question_type_is_judged_on_the_server(staff, basics, question_id, response, correct):
    answer = answer_for(staff, basics, question_id, response)
    assert answer.correct is correct
    assert answer.points == (Decimal(1) if correct else Decimal(0))


@pytest.mark.parametrize("right, earned, score, passed, shown", [
    ({"q-single", "q-multi", "q-tf", "q-text", "q-num"}, 5, Decimal("100"), True, "100.0"),
    ({"q-single", "q-multi", "q-tf"}, 3, Decimal("60"), True, "60.0"),    # exactly the pass mark passes
    ({"q-single", "q-multi"}, 2, Decimal("40"), False, "40.0"),
    (set(), 0, Decimal("0"), False, "0.0"),
])
def test_quiz_score_is_points_earned_over_possible(staff, basics, right, earned, score, passed, shown):
    good = correct_responses(basics)
    responses = {qid: value for qid, value in good.items() if qid in right}
    attempt = submit_attempt(start_attempt(staff, basics), responses)
    assert (attempt.earned, attempt.possible, attempt.score, attempt.passed) == (earned, 5, score, passed)
    assert attempt_score_display(attempt) == shown


def test_starting_twice_reuses_the_open_attempt(staff, basics):
    first = start_attempt(staff, basics)
    assert start_attempt(staff, basics).id == first.id
    assert first.number == 1


def test_attempt_fixes_every_question_and_option_once(staff, basics):
    attempt = start_attempt(staff, basics)
    assert sorted(attempt.question_order) == ["q-multi", "q-num", "q-single", "q-text", "q-tf"]
    assert sorted(attempt.option_order["q-single"]) == ["a", "b", "c"]
    assert set(attempt.option_order) == {"q-single", "q-multi"}


def test_max_attempts_counts_submitted_attempts(staff, basics):
    for _ in range(3):
        submit_attempt(start_attempt(staff, basics), {})
    with pytest.raises(AttemptLimitReached):
        start_attempt(staff, basics)


def test_submitting_twice_records_one_result(staff, basics):
    attempt = start_attempt(staff, basics)
    first = submit_attempt(attempt, {"q-single": "b"})
    submitted_at, score = first.submitted_at, first.score
    again = submit_attempt(attempt, correct_responses(basics))
    assert again.id == first.id and again.score == score and again.submitted_at == submitted_at
    assert db.session.execute(select(func.count()).select_from(AttemptAnswer)
                              .where(AttemptAnswer.attempt_id == attempt.id)).scalar() == 5


def test_a_submission_racing_another_tab_changes_nothing(staff, basics, at):
    attempt = start_attempt(staff, basics)
    at(T0)
    # Another request submitted this attempt a moment ago; this request still holds the stale object.
    db.session.execute(update(QuizAttempt).where(QuizAttempt.id == attempt.id)
                       .values(submitted_at=T0, earned=0, possible=5, score=0, passed=False)
                       .execution_options(synchronize_session=False))
    assert attempt.submitted_at is None
    result = submit_attempt(attempt, correct_responses(basics))
    assert result.passed is False and result.submitted_at == T0
    assert db.session.execute(select(func.count()).select_from(AttemptAnswer)
                              .where(AttemptAnswer.attempt_id == attempt.id)).scalar() == 0


def test_attempt_keeps_its_version_after_a_reimport(staff, course, basics):
    attempt = start_attempt(staff, basics)
    old_module_id = attempt.module_id
    # The trainer raises the pass mark and re-imports: a new version is in force.
    changed = import_training_course(TRAINING_YAML.replace("pass_mark: 60", "pass_mark: 90"))
    assert changed.current_version.number == 2
    good = correct_responses(basics)
    result = submit_attempt(attempt, {k: good[k] for k in ("q-single", "q-multi", "q-tf")})
    assert result.module_id == old_module_id
    assert result.passed is True  # scored against the version it was started on (pass mark 60)
    fresh = start_attempt(staff, module_of(changed, "basics"))
    assert fresh.module_id != old_module_id
    assert fresh.module.course_version.number == 2
    assert submit_attempt(fresh, {k: good[k] for k in ("q-single", "q-multi", "q-tf")}).passed is False


def pass_course(staff, course):
    for key in ("basics", "needs"):
        module = module_of(course, key)
        submit_attempt(start_attempt(staff, module), correct_responses(module))


def test_passing_every_required_module_issues_a_certificate(staff, course, at):
    at(T0)
    assignment = assign_course(staff, course, None, None)
    at(T0 + timedelta(hours=1))
    submit_attempt(start_attempt(staff, module_of(course, "basics")), correct_responses(module_of(course, "basics")))
    assert db.session.execute(select(Certificate)).first() is None
    at(T0 + timedelta(hours=2))
    submit_attempt(start_attempt(staff, module_of(course, "needs")), {"q1": "true"})
    certificate = db.session.execute(select(Certificate)).scalar_one()
    assert certificate.issued_at == T0 + timedelta(hours=2)
    assert certificate.expires_on == (T0 + timedelta(hours=2)).date() + timedelta(days=365)
    assert certificate.course_version_id == course.current_version_id
    assert assignment.completed_at == T0 + timedelta(hours=2)


def test_passing_a_quiz_marks_its_lessons_read(staff, course, basics):
    submit_attempt(start_attempt(staff, basics), correct_responses(basics))
    reads = db.session.execute(select(LessonRead.lesson_key).where(LessonRead.user_id == staff.id)).scalars()
    assert sorted(reads) == ["hello", "names"]


def test_expired_certificate_reassigns_the_course_once_and_recertification_renews_it(staff, course, at):
    at(T0)
    pass_course(staff, course)
    old = db.session.execute(select(Certificate)).scalar_one()
    at(datetime.combine(old.expires_on, datetime.min.time()) - timedelta(hours=1))
    assert expire_certificates(old.expires_on - timedelta(days=1)) == []
    at(datetime.combine(old.expires_on, datetime.min.time()) + timedelta(hours=1))
    created = expire_certificates(old.expires_on)
    assert [(a.user_id, a.reason, a.module_key) for a in created] == [(staff.id, "recertification", None)]
    assert expire_certificates(old.expires_on + timedelta(days=3)) == []
    later = at(datetime.combine(old.expires_on, datetime.min.time()) + timedelta(days=2))
    pass_course(staff, course)
    certificates = db.session.execute(select(Certificate).order_by(Certificate.id)).scalars().all()
    assert len(certificates) == 2
    assert certificates[0].superseded_at == later
    assert certificates[1].expires_on == later.date() + timedelta(days=365)
    assert created[0].completed_at == later
    assert expire_certificates(later.date() + timedelta(days=100)) == []


def test_certificate_is_not_issued_again_for_an_unrelated_retake(staff, course, at):
    at(T0)
    pass_course(staff, course)
    at(T0 + timedelta(days=1))
    basics = module_of(course, "basics")
    submit_attempt(start_attempt(staff, basics), correct_responses(basics))
    assert db.session.execute(select(func.count()).select_from(Certificate)).scalar() == 1


def test_retraining_is_assigned_once_while_open_and_completed_by_a_later_pass(staff, course, basics, at):
    at(T0)
    submit_attempt(start_attempt(staff, basics), correct_responses(basics))  # passed before: does not count
    at(T0 + timedelta(days=1))
    retraining = assign_retraining(staff, basics, audit_id=41, step_key="greet")
    assert (retraining.reason, retraining.audit_id, retraining.step_key, retraining.module_key) == (
        "retraining", 41, "greet", "basics")
    assert retraining.due_date == (T0 + timedelta(days=15)).date()
    assert assign_retraining(staff, basics, audit_id=42, step_key="greet") is None
    assert retraining.completed_at is None
    at(T0 + timedelta(days=2))
    submit_attempt(start_attempt(staff, basics), {"q-single": "b"})
    assert retraining.completed_at is None  # a failed attempt does not complete it
    submit_attempt(start_attempt(staff, basics), correct_responses(basics))
    assert retraining.completed_at == T0 + timedelta(days=2)
    assert assign_retraining(staff, basics, audit_id=43, step_key="greet") is not None


def test_reading_every_lesson_completes_a_module_without_a_quiz(staff, course):
    extra = module_of(course, "extra")
    assignment = assign_course(staff, course, None, None, module_key="extra")
    assert mark_lesson_read(staff, extra, "more") is True
    assert mark_lesson_read(staff, extra, "more") is False
    assert assignment.completed_at is not None


def test_expire_skips_deactivated_staff(staff, course, at):
    at(T0)
    pass_course(staff, course)
    staff.active = False
    certificate = db.session.execute(select(Certificate)).scalar_one()
    assert expire_certificates(certificate.expires_on) == []


def test_unknown_reason_is_refused(staff, course):
    with pytest.raises(ValueError):
        assign_course(staff, course, None, None, reason="whim")


def test_cli_expire_creates_recertifications(app, staff, course, at):
    at(T0)
    pass_course(staff, course)
    at(T0 + timedelta(days=400))
    result = app.test_cli_runner().invoke(args=["bro", "training", "expire"])
    assert result.exit_code == 0, result.output
    assert "1 recertification" in result.output
    assert db.session.execute(select(Assignment.reason).where(Assignment.user_id == staff.id)).scalar_one() == (
        "recertification")


def test_an_assignment_dated_before_a_pass_is_completed_by_it(staff, course, basics, at):
    at(T0 + timedelta(days=3))
    submit_attempt(start_attempt(staff, basics), correct_responses(basics))
    at(T0)  # e.g. demo history: an audit recorded about an interaction before the pass
    assignment = assign_retraining(staff, basics, audit_id=5, step_key="greet")
    other = assign_course(staff, course, None, None)  # the whole course: "needs" is not passed
    assert complete_backdated_assignments() == 1
    assert assignment.completed_at == T0 + timedelta(days=3)
    assert other.completed_at is None

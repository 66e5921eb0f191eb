"""The demo's training step: every page has real content, made through the real scoring path."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from bro import clock
from bro.extensions import db
from bro.models.curricula import Course
from bro.models.people import User
from bro.models.training import AttemptAnswer, Assignment, Certificate, QuizAttempt
from bro.training.demo import demo_response

SHIPPED = Path(__file__).parents[2] / "curricula"


def test_demo_adds_assignments_attempts_and_certificates(app, monkeypatch):
    from bro.demo import seed_demo

    monkeypatch.setitem(app.config, "BRO_CURRICULA_DIR", str(SHIPPED))
    seed_demo(lambda _key: "demo-password-123")
    today = clock.today()
    staff_without = db.session.execute(
        select(User.email).where(User.team_id.is_not(None), ~User.id.in_(select(Assignment.user_id)))).all()
    assert staff_without == []
    attempts = db.session.execute(select(QuizAttempt).where(QuizAttempt.submitted_at.is_not(None))).scalars().all()
    assert any(a.passed for a in attempts) and any(not a.passed for a in attempts)
    assert any(a.number > 1 for a in attempts)  # retakes
    recent = [a for a in attempts if a.submitted_at.date() >= today - timedelta(weeks=12)]
    assert len(recent) >= 20
    # Every attempt was scored by the app: earned equals the points of its right answers.
    for attempt in attempts:
        earned = db.session.execute(select(func.sum(AttemptAnswer.points))
                                    .where(AttemptAnswer.attempt_id == attempt.id)).scalar()
        assert earned == attempt.earned
    expiring = db.session.execute(select(Certificate).where(
        Certificate.expires_on > today, Certificate.expires_on <= today + timedelta(days=30))).scalars().all()
    assert len(expiring) == 1
    overdue = db.session.execute(select(Assignment).where(Assignment.completed_at.is_(None),
                                                          Assignment.due_date < today)).scalars().all()
    assert len(overdue) >= 1
    james = db.session.execute(select(User).where(User.email == "james@example.com")).scalar_one()
    first = db.session.execute(select(QuizAttempt).where(QuizAttempt.user_id == james.id,
                                                         QuizAttempt.module_key == "first-contact")).first()
    assert first is None  # left for the browser journey


def test_demo_skips_training_without_courses(app, monkeypatch, tmp_path):
    from bro.demo import seed_demo

    monkeypatch.setitem(app.config, "BRO_CURRICULA_DIR", str(tmp_path / "missing"))
    seed_demo(lambda _key: "demo-password-123")
    assert db.session.execute(select(func.count()).select_from(Course)).scalar() == 0
    assert db.session.execute(select(func.count()).select_from(Assignment)).scalar() == 0


def test_demo_responses_are_right_or_wrong_as_asked():
    from bro.curricula import check_paths, is_correct

    result = check_paths([SHIPPED])
    assert result.ok
    for course in result.courses:
        for module in course.modules:
            for question in module.quiz.questions if module.quiz else ():
                assert is_correct(question, demo_response(question, True, None))
                import random
                assert not is_correct(question, demo_response(question, False, random.Random(1)))

"""Demo data: assignments for every staff member and twelve weeks of lesson reads and quiz attempts.

Attempts go through the real path (`start_attempt`, `submit_attempt`) with the clock moved to the
moment each happened, so scores, certificates and assignment completion are what the app computes.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from bro import clock
from bro.curricula import Question
from bro.curricula.questions import example_response
from bro.demo import DemoContext
from bro.extensions import db
from bro.models.curricula import Course, CourseModule
from bro.models.people import User
from bro.models.training import REASON_RETRAINING, Assignment
from bro.training.operations import (
    AttemptLimitReached, QuizNotYetAvailable, assign_course, complete_backdated_assignments, current_module, mark_lesson_read,
    module_quiz, start_attempt, submit_attempt,
)

# Which course each demo team takes (the first course in force is used when a key is missing).
TEAM_COURSES = {"Front desk": "customer-service-essentials", "Key accounts": "partner-relationships"}
JOURNEY_STAFF = "staff_3"    # James: everything passed but the first module, for the browser journey
EXPIRING_STAFF = "staff_7"   # Emily: certified long ago, certificate expires within 30 days
OVERDUE_STAFF = "staff_4"    # Dewi: behind, assignment overdue


def demo_response(question: Question, right: bool, rng: random.Random):
    """A form response that is right or wrong on purpose: the question type's example response."""
    return example_response(question, right, rng)


def take_quiz(user: User, module: CourseModule, skill: float, rng: random.Random, when: datetime):
    with clock.moved_to(when):
        try:
            attempt = start_attempt(user, module)
        except AttemptLimitReached:
            return None
        except QuizNotYetAvailable as error:
            if error.wait.until is not None:
                return None
            attempt = None
    if attempt is None:  # `restudy: true`: reopen the lessons first, as the module page asks
        read_lessons(user, module, when - timedelta(minutes=12 * len(module.lessons) + 1))
        with clock.moved_to(when):
            try:
                attempt = start_attempt(user, module)
            except (AttemptLimitReached, QuizNotYetAvailable):
                return None
    with clock.moved_to(when):
        quiz = module_quiz(module)
        responses = {q.id: demo_response(q, rng.random() < skill, rng) for q in quiz.questions}
    with clock.moved_to(when + timedelta(minutes=rng.randint(4, 25))):
        return submit_attempt(attempt, responses)


def read_lessons(user: User, module: CourseModule, when: datetime) -> None:
    for number, lesson in enumerate(module.lessons):
        with clock.moved_to(when + timedelta(minutes=12 * number)):
            mark_lesson_read(user, module, lesson["id"])


def work_through(user: User, modules: list[CourseModule], skill: float, rng: random.Random, start: datetime,
                 end: datetime, stop_after: int | None = None) -> datetime:
    """Read and take modules in order until `stop_after` modules or `end`; retakes after a fail."""
    when = start
    for index, module in enumerate(modules):
        if stop_after is not None and index >= stop_after or when >= end:
            break
        read_lessons(user, module, when)
        if module.quiz is None:
            continue
        tries = 4 if skill >= 1 else rng.choice([1, 2, 4, 4])
        for retake in range(tries):
            when += timedelta(hours=rng.randint(1, 30))
            if when >= end:
                return when
            attempt = take_quiz(user, module, min(0.97, skill + 0.12 * retake), rng, when)
            if attempt is None or attempt.passed:
                break
            when += timedelta(days=rng.randint(1, 4))
        else:
            return when  # gave up for now after failing: the matrix shows "failed"
        when += timedelta(days=rng.randint(2, 7))
    return when


def seed_training(ctx: DemoContext) -> None:
    courses = db.session.execute(select(Course).where(Course.current_version_id.is_not(None))
                                 .order_by(Course.key)).scalars().all()
    if not courses:
        return
    by_key = {course.key: course for course in courses}
    rng = ctx.rng
    now = clock.utcnow().replace(microsecond=0)
    start = now - timedelta(weeks=12)
    staff_keys = sorted(key for key in ctx.users if key.startswith("staff_"))
    for key in staff_keys:
        user = ctx.users[key]
        course = by_key.get(TEAM_COURSES.get(user.team.name if user.team else "", ""), courses[0])
        modules = list(course.current_version.modules)
        supervisor = next(iter(user.team.supervisors), None) if user.team else None
        skill = rng.uniform(0.6, 0.92)
        if key == EXPIRING_STAFF and course.current_version.certification_valid_days:
            _certified_long_ago(user, course, modules, supervisor, now, rng)
            continue
        assigned_at = start + timedelta(days=rng.randint(0, 6), hours=rng.randint(8, 10))
        if key == OVERDUE_STAFF:
            due = (now - timedelta(days=9)).date()
        else:
            due = (now + timedelta(days=rng.randint(10, 40))).date()
        with clock.moved_to(assigned_at):
            assign_course(user, course, due, supervisor)
        begin = assigned_at + timedelta(days=rng.randint(1, 3))
        if key == JOURNEY_STAFF:
            # Leave the first module for the journey test; pass the rest with certainty.
            work_through(user, modules[1:], 1.0, rng, begin, now - timedelta(days=2))
        elif key == OVERDUE_STAFF:
            work_through(user, modules, 0.45, rng, begin, now, stop_after=1)
        else:
            stop = None if rng.random() < 0.6 else rng.randint(1, len(modules))
            work_through(user, modules, skill, rng, begin, now - timedelta(hours=3), stop_after=stop)
    # A second course, optional, for two people who asked for it (shows several assignments).
    if len(courses) > 1:
        for key in ("staff_1", "staff_6"):
            user = ctx.users.get(key)
            if user is None:
                continue
            other = next(c for c in courses if c.key != TEAM_COURSES.get(user.team.name if user.team else "", ""))
            with clock.moved_to(now - timedelta(days=rng.randint(3, 12))):
                assign_course(user, other, (now + timedelta(days=45)).date(), ctx.users.get("sup_both"))


def _certified_long_ago(user: User, course: Course, modules: list[CourseModule], supervisor: User | None,
                        now: datetime, rng: random.Random) -> None:
    """Pass the whole course so long ago that the certificate expires in about three weeks."""
    valid_days = course.current_version.certification_valid_days
    begin = now - timedelta(days=valid_days - 21)
    with clock.moved_to(begin - timedelta(days=2)):
        assign_course(user, course, (begin + timedelta(days=30)).date(), supervisor)
    for number, module in enumerate(modules):
        when = begin + timedelta(hours=2 * number)
        read_lessons(user, module, when)
        if module.quiz is not None:
            take_quiz(user, module, 1.0, rng, when + timedelta(hours=1))

def seed_retraining_work(ctx: DemoContext) -> None:
    """After the audits' demo step: most staff take their retraining a few days after it was assigned."""
    rng = ctx.rng
    now = clock.utcnow()
    journey = ctx.users.get(JOURNEY_STAFF)
    behind = ctx.users.get(OVERDUE_STAFF)
    # Audits were recorded (back-dated) after this demo's attempts: passes made after an audit's retraining
    # assignment complete it, as they would have at the time.
    complete_backdated_assignments()
    retraining = db.session.execute(
        select(Assignment).where(Assignment.reason == REASON_RETRAINING, Assignment.completed_at.is_(None),
                                 Assignment.module_key.is_not(None))
        .order_by(Assignment.created_at, Assignment.id)).scalars().all()
    for assignment in retraining:
        if assignment.completed_at is not None or rng.random() > 0.7:
            continue
        if journey is not None and assignment.user_id == journey.id and assignment.module_key == "first-contact":
            continue  # the browser journey takes this quiz itself
        if behind is not None and assignment.user_id == behind.id:
            continue  # Dewi stays behind: her assignments are overdue
        when = assignment.created_at + timedelta(days=rng.randint(1, 9), hours=rng.randint(0, 8))
        module = current_module(assignment.course_id, assignment.module_key)
        if module is None or module.quiz is None:
            continue
        read_lessons(assignment.user, module, when)
        for retake in range(3):
            if when >= now - timedelta(hours=1):
                break
            attempt = take_quiz(assignment.user, module, min(0.97, 0.8 + 0.1 * retake), rng, when)
            if attempt is None or attempt.passed:
                break
            when += timedelta(days=rng.randint(1, 3))


"""Training objects for the access matrix: a small course, an assignment, attempts and a certificate."""
from __future__ import annotations

from bro.authoring.operations import import_documents, known_standards
from bro.curricula import check_text
from bro.extensions import db
from bro.models.curricula import Course
from tests.web.conftest import WORLD_EXTENSIONS

# One standard and a two-module course using every question type. Texts of the secret parts
# (feedback, explanations, accepted answers) are unique words a test can look for in the HTML.
TRAINING_YAML = """
kind: standard
id: world-service
language: en
title: World service standard
relationship: b2c
pass_score: 80
steps:
  - id: greet
    title: Greet the customer
  - id: needs
    title: Find the needs
---
kind: course
id: world-course
language: en
title: {en: World course, pl: Kurs świata}
summary: A small course for tests.
standard: world-service
modules:
  - id: basics
    title: {en: Basics, pl: Podstawy}
    teaches: [greet]
    lessons:
      - id: hello
        title: {en: Saying hello, pl: Powitanie}
        body:
          en: "Say **hello** first.<script>alert('x')</script>"
          pl: "Najpierw powiedz **dzień dobry**."
      - id: names
        title: Using names
        body: Use the customer's name.
    quiz:
      pass_mark: 60
      max_attempts: 3
      shuffle: true
      questions:
        - id: q-single
          type: single
          prompt: Which greeting fits?
          options:
            - {id: a, text: Good morning, correct: true, feedback: Feedbackalpha}
            - {id: b, text: Yo, feedback: Feedbackbravo}
            - {id: c, text: Nothing}
          explanation: Explanationcharlie
        - id: q-multi
          type: multiple
          prompt: Pick the listening habits.
          options:
            - {id: a, text: Paraphrase, correct: true}
            - {id: b, text: Take notes, correct: true}
            - {id: c, text: Interrupt}
        - id: q-tf
          type: true_false
          prompt: Names matter.
          answer: true
        - id: q-text
          type: short_text
          prompt: What spreads news between customers?
          accept: [Wordofmouthzulu, word-of-mouth-zulu]
        - id: q-num
          type: numeric
          prompt: How many seconds may a caller wait?
          value: 31.5
          tolerance: 0.5
  - id: needs
    title: Needs
    teaches: [needs]
    lessons:
      - id: ask
        title: Asking
        body: Ask open questions.
    quiz:
      pass_mark: 100
      questions:
        - id: q1
          type: true_false
          prompt: Open questions help.
          answer: true
  - id: extra
    title: Extra reading
    required: false
    lessons:
      - id: more
        title: More
        body: Optional reading.
certification:
  title: World certified
  valid_days: 365
"""


def import_training_course(text: str = TRAINING_YAML, imported_by=None) -> Course:
    """Check and import curriculum YAML; return the last course it declares."""
    result = check_text(text, "world.yaml", known_standards=known_standards())
    assert result.ok, [str(error) for error in result.errors]
    import_documents(result, imported_by=imported_by, sources="world.yaml")
    course_id = result.courses[-1].id
    return db.session.execute(db.select(Course).where(Course.key == course_id)).scalar_one()


def module_of(course: Course, key: str):
    return next(m for m in course.current_version.modules if m.key == key)


def correct_responses(module) -> dict:
    from bro.training.demo import demo_response
    from bro.training.operations import module_quiz

    return {q.id: demo_response(q, True, None) for q in module_quiz(module).questions}


def extend_world(w, factory) -> None:
    from bro.training.operations import assign_course, start_attempt, submit_attempt

    w.course = import_training_course(imported_by=w.trainer)
    w.module = module_of(w.course, "basics")
    w.assignment = assign_course(w.staff, w.course, None, w.supervisor)
    # A submitted attempt (reviewable) and an open one (takeable) on different modules.
    w.submitted_attempt = submit_attempt(start_attempt(w.staff, module_of(w.course, "needs")), {"q1": "true"})
    w.open_attempt = start_attempt(w.staff, w.module)
    w.certificate = _certificate(w)


def _certificate(w):
    from bro import clock
    from bro.models.training import Certificate

    certificate = Certificate(user_id=w.staff.id, course_id=w.course.id, course_version_id=w.course.current_version_id,
                              issued_at=clock.utcnow())
    db.session.add(certificate)
    db.session.flush()
    return certificate


WORLD_EXTENSIONS.append(extend_world)

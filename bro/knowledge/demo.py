"""Demo data for knowledge vs behaviour: a practice course with enough questions to show what people know.

A step's knowledge rests on the questions of the modules teaching it; the shipped modules have 5 each, and
with 5 questions all right a 95 % interval reaches down to 57 %: nobody can be shown to know a step at 80 %
(that takes 16 questions all right). So the demo adds "Front desk practice", 30 true/false questions on
greeting and closing (the steps `greet` and `close` of the B2C standard), taken by the Front desk in the
last weeks:

* Budi, Anna and James answer them all right (and retake the shipped modules teaching the steps, when the
  quiz allows): they *know* `greet` and `close`;
* Dewi answers fewer than half right: she does not know them.

The audits' demo (bro/audits/demo.py) gives the behaviour: `greet` is easy (done nearly always), while the
Front desk misses `close` about a third of the time. So the Front desk shows all four quadrants, with `close`
a step people know but do not do. Finally one fresh audit per person who knows `close` misses it: bro proposes
coaching to Siti instead of retraining.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from bro import clock
from bro.demo import DemoContext
from bro.extensions import db
from bro.models.curricula import Course

SEED = 19
PRACTICE_KEY = "front-desk-practice"
KNOWERS = ("staff_1", "staff_2", "staff_3")  # Budi, Anna, James
NOT_KNOWING = ("staff_4",)  # Dewi
JOURNEY_MODULE = ("staff_3", "first-contact")  # the browser journey takes this quiz itself: leave it alone

GREETING = [
    ("A customer waiting in line should be acknowledged with eye contact or a word, even when you are busy.", True),
    ("It is fine to finish your own paperwork before greeting a customer who walked in.", False),
    ("On the phone, you say your name and the company's name in the greeting.", True),
    ("A greeting can wait until the customer speaks first.", False),
    ("In a chat, the first reply should come within the time the standard sets.", True),
    ("Greeting regular customers by name is never appropriate.", False),
    ("A warm greeting includes an offer to help.", True),
    ("When a customer arrives during a phone call, you ignore them until the call ends.", False),
    ("A short smile and 'I'll be right with you' counts as acknowledging a waiting customer.", True),
    ("An e-mail reply may start without any greeting if the answer is short.", False),
    ("You greet a customer even when they came back to complain.", True),
    ("Looking at your screen while greeting is as good as looking at the customer.", False),
    ("The greeting sets the tone for the whole conversation.", True),
    ("A greeting in the customer's language, when you speak it, is welcome.", True),
    ("Greeting is optional when the shop is very busy.", False),
]
CLOSING = [
    ("Before the customer leaves, you summarise what was agreed.", True),
    ("Asking 'Is there anything else I can help with?' is part of closing.", True),
    ("Once the sale is made, closing the conversation is not needed.", False),
    ("You tell the customer what happens next and when.", True),
    ("It is fine to end a phone call without checking the customer's question was answered.", False),
    ("A good close confirms the order details back to the customer.", True),
    ("Thanking the customer at the end is only for large orders.", False),
    ("When a follow-up is promised, you say who will make it.", True),
    ("Ending a chat abruptly is fine if the customer stopped writing for a minute.", False),
    ("The close is a chance to check the customer is satisfied.", True),
    ("You may skip the summary when the customer seems in a hurry, without asking.", False),
    ("Giving the customer a reference number helps them come back.", True),
    ("The close should leave the customer knowing how to reach us.", True),
    ("Closing means pushing for one more sale, whatever the customer needs.", False),
    ("A friendly goodbye is part of the standard's close.", True),
]


def practice_yaml() -> str:
    lines = [
        "kind: course", f"id: {PRACTICE_KEY}", "language: en",
        "title: {en: Front desk practice, id: Latihan meja depan, pl: Ćwiczenia recepcji}",
        "summary: {en: Thirty quick questions on greeting and closing., "
        "id: Tiga puluh pertanyaan singkat tentang menyapa dan menutup., "
        "pl: Trzydzieści krótkich pytań o powitanie i zakończenie rozmowy.}",
        "standard: b2c-service", "modules:", "  - id: greet-and-close",
        "    title: {en: Greeting and closing, id: Menyapa dan menutup, pl: Powitanie i zakończenie}",
        "    teaches: [greet, close]", "    required: false", "    lessons:", "      - id: practice",
        "        title: {en: How to practise, id: Cara berlatih, pl: Jak ćwiczyć}",
        "        body: {en: Answer each statement true or false., id: Jawab setiap pernyataan benar atau salah., "
        "pl: Oceń każde zdanie jako prawdziwe lub fałszywe.}",
        "    quiz:", "      pass_mark: 80", "      questions:",
    ]
    for number, (statement, answer) in enumerate(GREETING + CLOSING, start=1):
        lines += [f"        - id: p{number}", "          type: true_false",
                  f"          prompt: \"{statement}\"", f"          answer: {'true' if answer else 'false'}"]
    return "\n".join(lines) + "\n"


def _import_practice(ctx: DemoContext):
    from bro.authoring.operations import import_documents, known_standards
    from bro.curricula import check_text

    result = check_text(practice_yaml(), "front-desk-practice.yaml", known_standards=known_standards())
    if not result.ok:
        return None
    import_documents(result, imported_by=ctx.users.get("trainer"))
    return db.session.execute(select(Course).where(Course.key == PRACTICE_KEY)).scalar_one_or_none()


def seed_knowledge(ctx: DemoContext) -> None:
    from bro.training.demo import read_lessons, take_quiz

    if "staff_1" not in ctx.users or db.session.execute(select(Course.id).where(Course.key == PRACTICE_KEY)).first():
        return
    if db.session.execute(select(Course.id).where(Course.key == "customer-service-essentials")).first() is None:
        return  # the shipped curricula were not imported
    practice = _import_practice(ctx)
    if practice is None:
        return
    rng = random.Random(SEED)
    now = clock.utcnow().replace(microsecond=0)
    shipped = db.session.execute(select(Course).where(Course.key == "customer-service-essentials")).scalar_one()
    teaching = [m for m in shipped.current_version.modules if {"greet", "close"} & set(m.step_keys)]
    module = practice.current_version.modules[0]
    for number, key in enumerate(KNOWERS + NOT_KNOWING):
        user = ctx.users[key]
        when = now - timedelta(days=20 - 3 * number, hours=rng.randint(1, 6))
        read_lessons(user, module, when - timedelta(minutes=30))
        skill = 1.0 if key in KNOWERS else 0.35
        take_quiz(user, module, skill, rng, when)
        if key in KNOWERS:  # a fresh, perfect answer to the shipped questions on the same steps, where allowed
            for other in teaching:
                if (key, other.key) != JOURNEY_MODULE and other.quiz is not None:
                    take_quiz(user, other, 1.0, rng, when + timedelta(hours=2))
    db.session.flush()
    _missed_close_yesterday(ctx, rng, now)


def _missed_close_yesterday(ctx: DemoContext, rng: random.Random, now: datetime) -> None:
    """One audit per person who knows `close`, missing it: the audit page shows coaching instead of retraining."""
    from bro.audits.operations import record_audit, standards_in_force
    from bro.clock import moved_to

    version = next(iter(standards_in_force("b2c")), None)
    auditor = ctx.users.get("sup_front")
    if version is None or auditor is None:
        return
    day: date = (now - timedelta(days=1)).date()
    for number, key in enumerate(KNOWERS):
        ratings = {step.key: "met" for step in version.steps}
        ratings["close"] = next("not_met" if step.critical else "partial" for step in version.steps
                                if step.key == "close")
        at = datetime.combine(day, time(10 + number, 15))
        with moved_to(at + timedelta(hours=1)):
            record_audit(auditor=auditor, staff=ctx.users[key], version=version, relationship="b2c", channel="phone",
                         interacted_on=day, interacted_at=at, customer_ref=f"C-K{19000 + number}", ratings=ratings,
                         note=None, created_at=at + timedelta(hours=1))
    db.session.flush()


"""Item analysis from running sums (bro.training.itemsums) equals the computation over every attempt."""
from __future__ import annotations

import math
import random

import pytest
from sqlalchemy import select

from bro.extensions import db
from bro.models.training import QuizFirstAttempt, QuizItemSum, QuizItemTally, QuizModuleSum
from bro.training import itemsums
from bro.training.operations import QuizNotYetAvailable, start_attempt, submit_attempt
from bro.training.queries import item_report, item_report_from_attempts
from tests.web.world_training import correct_responses, import_training_course, module_of

# Responses drawn per question: right, wrong, partly right (multiple choice), typed variants, blank.
POOL = {
    "q-single": ["a", "a", "b", "c", None],
    "q-multi": [["a", "b"], ["a"], ["b", "c"], ["c"], ["a", "b", "c"], None],
    "q-tf": ["true", "true", "false", None],
    "q-text": ["Wordofmouthzulu", "word-of-mouth-zulu", "Rumour", "rumour ", "gossip", "", None],
    "q-num": ["31.5", "31", "3,000", "3000", "30", None],
}


@pytest.fixture
def seeded_module(factory):
    """60 people, seeded; each takes the basics quiz one to three times (retakes change the "all" figures)."""
    course = import_training_course()
    basics = module_of(course, "basics")
    good = correct_responses(basics)
    rng = random.Random(16)
    team = factory.team("Sums")
    for number in range(60):
        person = factory.staff(team=team, name=f"Person {number:02d}")
        skill = rng.random()
        for _take in range(rng.choice([1, 1, 2, 3])):
            try:
                attempt = start_attempt(person, basics)
            except QuizNotYetAvailable:
                break
            responses = {question: (good[question] if rng.random() < skill else rng.choice(choices))
                         for question, choices in POOL.items()}
            submit_attempt(attempt, {key: value for key, value in responses.items() if value is not None})
            skill = min(1.0, skill + 0.2)
    db.session.flush()
    return basics


def _same_report(fast, slow):
    assert (fast.attempts, fast.passed) == (slow.attempts, slow.passed)
    assert fast.attempts > 0
    for (question, mine), (_same, theirs) in zip(fast.items, slow.items):
        assert (mine is None) == (theirs is None), question.id
        if mine is None:
            continue
        assert (mine.n, mine.difficulty, dict(mine.option_counts), mine.flags, mine.judged) == \
            (theirs.n, theirs.difficulty, dict(theirs.option_counts), theirs.flags, theirs.judged), question.id
        for figure in ("discrimination", "upper_lower_index"):
            a, b = getattr(mine, figure), getattr(theirs, figure)
            assert (a is None) == (b is None), (question.id, figure)
            if a is not None:
                assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), (question.id, figure, a, b)
    assert fast.wrong_answers == slow.wrong_answers


@pytest.mark.parametrize("all_attempts", [False, True], ids=["first attempts", "all attempts"])
def test_running_sums_give_the_figures_of_the_direct_computation(seeded_module, all_attempts):
    fast = item_report(seeded_module, all_attempts)
    slow = item_report_from_attempts(seeded_module, all_attempts)
    _same_report(fast, slow)
    assert any(stats and stats.discrimination is not None for _q, stats in fast.items)
    assert fast.wrong_answers  # typed questions have wrong answers to list


def test_retakes_count_only_in_all_attempts(seeded_module):
    first, every = item_report(seeded_module, False), item_report(seeded_module, True)
    assert first.attempts == 60 and every.attempts > first.attempts


def _tables():
    return {model.__tablename__: sorted(tuple(getattr(row, c.key) for c in model.__table__.columns)
                                        for row in db.session.execute(select(model)).scalars())
            for model in (QuizFirstAttempt, QuizModuleSum, QuizItemSum, QuizItemTally)}


def test_rebuilding_from_the_attempts_gives_the_sums_kept_on_submit(seeded_module):
    kept = _tables()
    itemsums.rebuild(db.session.connection())
    db.session.expire_all()
    assert _tables() == kept
    _same_report(item_report(seeded_module, False), item_report_from_attempts(seeded_module, False))


def test_the_page_reads_a_few_rows_per_question_whatever_the_attempts(seeded_module, client, login, factory):
    from tests.conftest import count_queries

    login(factory.trainer())
    client.get(f"/learning/items/{seeded_module.id}")
    with count_queries() as queries:
        assert client.get(f"/learning/items/{seeded_module.id}").status_code == 200
    assert not any("attempt_answers" in statement for statement in queries.statements)

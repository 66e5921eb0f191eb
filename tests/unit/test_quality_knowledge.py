"""Knowledge vs behaviour: Wilson intervals, quadrants only when both intervals clear their thresholds, and
seeded simulations with known truth per person and step."""

import random
from datetime import date, timedelta

import pytest

from bro.quality.knowledge import (
    DOES_NOT_KNOWING, KNOWS_DOES, KNOWS_NOT_DOING, NEITHER, NOT_ENOUGH, UNCERTAIN, Answer, KnowledgeSettings,
    conformance_rate, knowledge_as_of, knowledge_rate, standing, transitions, wilson_interval,
)

SETTINGS = KnowledgeSettings()
PASS = 0.8  # the standard's pass_score, as a share


@pytest.mark.parametrize("successes,n", [(0, 5), (5, 5), (3, 7), (17.5, 20), (80, 100), (1, 1)])
def test_wilson_interval_equals_statsmodels(successes, n):
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(successes, n, alpha=0.05, method="wilson")
    assert wilson_interval(successes, n) == pytest.approx((low, high), abs=1e-12)


def test_knowledge_counts_the_latest_answer_to_each_question_inside_the_window():
    day = date(2026, 6, 1)
    answers = [Answer("q1", day - timedelta(days=10), 0, 1), Answer("q1", day - timedelta(days=2), 1, 1),
               Answer("q2", day - timedelta(days=5), 1, 2),  # half of its points
               Answer("q3", day - timedelta(days=181), 1, 1),  # too old
               Answer("q4", day + timedelta(days=1), 1, 1)]  # after the day
    rate = knowledge_as_of(answers, day, days=180)
    assert (rate.n, rate.successes) == (2, 1.5)


def test_a_quadrant_needs_both_intervals_clear_of_their_thresholds():
    knows = knowledge_rate(30, 30)
    does_not = conformance_rate(2, 20)
    assert standing(knows, does_not, PASS).cell == KNOWS_NOT_DOING
    assert standing(knows, conformance_rate(20, 20), PASS).cell == KNOWS_DOES
    assert standing(knowledge_rate(5, 30), does_not, PASS).cell == NEITHER
    assert standing(knowledge_rate(5, 30), conformance_rate(20, 20), PASS).cell == DOES_NOT_KNOWING


def test_an_interval_straddling_a_threshold_is_uncertain_and_keeps_its_interval():
    result = standing(knowledge_rate(8, 10), conformance_rate(2, 20), PASS)
    assert result.cell == UNCERTAIN and result.knows is None and result.does is False
    assert result.knowledge.low < 0.8 < result.knowledge.high


def test_too_few_questions_or_audits_is_not_enough_evidence():
    assert standing(knowledge_rate(4, 4), conformance_rate(20, 20), PASS).cell == NOT_ENOUGH
    assert standing(knowledge_rate(30, 30), conformance_rate(4, 4), PASS).cell == NOT_ENOUGH
    lenient = KnowledgeSettings(min_questions=4, min_audits=4)
    assert standing(knowledge_rate(4, 4), conformance_rate(0, 4), PASS, lenient).cell != NOT_ENOUGH


def test_transitions_count_only_cases_in_the_starting_state_decided_afterwards():
    result = transitions([(True, True), (True, False), (True, None), (False, True), (None, True), (True, True)])
    assert (result.cases, result.moved) == (3, 2)
    assert result.low < 2 / 3 < result.high


def simulate(seed, people=150, steps=6):
    """People x steps with a known true knowledge and conformance; realistic counts: 8-24 questions behind
    a step in 180 days, 4-30 audits in 90 days. Answers and ratings are all-or-nothing draws."""
    rng = random.Random(seed)
    cells = []
    for _person in range(people):
        for _step in range(steps):
            true_knowledge = rng.choice([rng.uniform(0.3, 0.7), rng.uniform(0.9, 1.0), rng.uniform(0.6, 1.0)])
            true_conformance = rng.choice([rng.uniform(0.2, 0.65), rng.uniform(0.92, 1.0), rng.uniform(0.6, 1.0)])
            questions, audits = rng.randint(8, 24), rng.randint(4, 30)
            knowledge = knowledge_rate(sum(rng.random() < true_knowledge for _ in range(questions)), questions)
            conformance = conformance_rate(sum(rng.random() < true_conformance for _ in range(audits)), audits)
            cells.append((true_knowledge, true_conformance, standing(knowledge, conformance, PASS)))
    return cells


def truth_of(true_knowledge, true_conformance):
    return {(True, True): KNOWS_DOES, (True, False): KNOWS_NOT_DOING, (False, False): NEITHER,
            (False, True): DOES_NOT_KNOWING}[(true_knowledge >= 0.8, true_conformance >= PASS)]


def near_a_threshold(true_knowledge, true_conformance, result):
    return (abs(true_knowledge - 0.8) <= result.knowledge.width
            or abs(true_conformance - PASS) <= result.conformance.width)


@pytest.mark.parametrize("seed", [19, 2026])
def test_simulation_at_least_90_percent_of_assigned_quadrants_are_right(seed):
    cells = simulate(seed)
    assigned = [(tk, tc, r) for tk, tc, r in cells if r.decided]
    right = sum(r.cell == truth_of(tk, tc) for tk, tc, r in assigned)
    assert len(assigned) >= 50  # enough decided cells for the share to mean something
    assert right / len(assigned) >= 0.90
    assert {r.cell for _tk, _tc, r in assigned} == {KNOWS_DOES, KNOWS_NOT_DOING, NEITHER, DOES_NOT_KNOWING}


@pytest.mark.parametrize("seed", [19, 2026])
def test_simulation_uncertain_appears_where_the_truth_is_within_one_interval_width_of_a_threshold(seed):
    cells = [(tk, tc, r) for tk, tc, r in simulate(seed) if r.cell != NOT_ENOUGH]
    near = [r for tk, tc, r in cells if near_a_threshold(tk, tc, r)]
    uncertain = [(tk, tc, r) for tk, tc, r in cells if r.cell == UNCERTAIN]
    # Most cells whose truth is that close to a threshold are left undecided ...
    assert sum(r.cell == UNCERTAIN for r in near) / len(near) >= 0.8
    # ... and "uncertain" is said where the truth is close, not at random.
    assert sum(near_a_threshold(tk, tc, r) for tk, tc, r in uncertain) / len(uncertain) >= 0.95

"""Random draws for sampling plans: uniform, reproducible from the seed, never repeating an item."""
from __future__ import annotations

from collections import Counter

import pytest
from scipy.stats import chisquare

from bro.quality.sampling import allocate, draw

ITEMS = [(item_id, "chat" if item_id % 3 else "phone") for item_id in range(1, 31)]


def test_every_candidate_is_drawn_equally_often_over_many_seeds():
    counts = Counter()
    draws = 3000
    for seed in range(draws):
        counts.update(draw(ITEMS, 4, seed))
    observed = [counts[item_id] for item_id, _ in ITEMS]
    assert sum(observed) == draws * 4
    # Chi-square goodness of fit against equal frequencies: a biased sampler fails this at these counts.
    assert chisquare(observed).pvalue > 0.001


def test_stratified_draws_are_uniform_within_each_channel():
    counts = Counter()
    for seed in range(3000):
        counts.update(draw(ITEMS, 6, seed, stratified=True))
    for channel in ("chat", "phone"):
        observed = [counts[item_id] for item_id, stratum in ITEMS if stratum == channel]
        assert chisquare(observed).pvalue > 0.001


def test_the_same_seed_gives_the_same_draw_whatever_the_order_of_the_candidates():
    assert draw(ITEMS, 5, "seed-1") == draw(list(reversed(ITEMS)), 5, "seed-1")
    assert draw(ITEMS, 5, 1, stratified=True) == draw(ITEMS[::-1], 5, 1, stratified=True)
    assert any(draw(ITEMS, 5, seed) != draw(ITEMS, 5, 0) for seed in range(1, 5))


@pytest.mark.parametrize("stratified", [False, True])
def test_a_draw_never_holds_an_item_twice_and_takes_everything_when_there_are_few(stratified):
    for seed in range(200):
        chosen = draw(ITEMS, 7, seed, stratified)
        assert len(chosen) == len(set(chosen)) == 7
    assert draw(ITEMS[:3], 7, 1, stratified) == [1, 2, 3]
    assert draw([], 3, 1, stratified) == []


def test_allocation_follows_the_strata_sizes_and_never_exceeds_them():
    assert allocate({"chat": 10, "phone": 5, "email": 1}, 4) == {"chat": 3, "phone": 1, "email": 0}
    assert allocate({"chat": 1, "phone": 9}, 5) == {"chat": 0, "phone": 5}  # a tie goes to the larger stratum
    assert allocate({"chat": 2, "phone": 2}, 10) == {"chat": 2, "phone": 2}
    assert sum(allocate({"a": 7, "b": 7, "c": 7}, 10).values()) == 10

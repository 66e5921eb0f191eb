"""Retraining effect (last N before vs first N after) and before/after a date."""

from datetime import date, datetime

import pytest

from bro.quality import EffectCase, ModuleEffect, before_after_rate, retraining_effect

T, F = True, False


def test_effect_uses_last_n_before_and_first_n_after_pooled_per_module():
    cases = [
        # last 5 before: F T T T F -> 3 of 5; first 5 after: F F T F F -> 1 of 5
        EffectCase("greeting", before=[T, T, F, T, T, T, F], after=[F, F, T, F, F, F, T]),
        # fewer audits than N: all of them count -> 1 of 1 before, none after
        EffectCase("greeting", before=[T], after=[]),
    ]
    assert retraining_effect(cases) == [
        ModuleEffect(
            module="greeting",
            cases=2,
            before_n=6,
            before_nc=4,
            before_rate=4 / 6,
            after_n=5,
            after_nc=1,
            after_rate=1 / 5,
            change=1 / 5 - 4 / 6,
        )
    ]


def test_effect_window_follows_n():
    case = EffectCase("greeting", before=[T, T, F, T], after=[F, T, T, T])
    (effect,) = retraining_effect([case], n=2)
    assert (effect.before_n, effect.before_nc, effect.after_n, effect.after_nc) == (2, 1, 2, 1)


def test_modules_keep_their_order_of_first_appearance():
    cases = [EffectCase("b", [T], [F]), EffectCase("a", [T], [F]), EffectCase("b", [F], [F])]
    assert [effect.module for effect in retraining_effect(cases)] == ["b", "a"]


def test_module_without_audits_after_has_no_rate_or_change():
    (effect,) = retraining_effect([EffectCase("greeting", before=[T, F], after=[])])
    assert (effect.after_n, effect.after_rate, effect.change) == (0, None, None)
    assert effect.before_rate == 0.5


def test_n_below_one_is_rejected():
    with pytest.raises(ValueError):
        retraining_effect([], n=0)


def test_before_after_counts_the_pivot_day_as_after():
    observations = [(date(2026, 3, day), nc) for day, nc in [(1, T), (2, F), (3, T), (4, F)]]
    result = before_after_rate(observations, pivot=date(2026, 3, 3))
    assert (result.before_n, result.before_nc, result.after_n, result.after_nc) == (2, 1, 2, 1)
    assert result.change == 0.0


def test_before_after_reports_rates_change_and_fisher_p_value():
    # before 8 of 10 nonconforming, after 1 of 6: Fisher [[8, 2], [1, 5]] -> p = 0.034965
    observations = [(date(2026, 1, 1), i < 8) for i in range(10)]
    observations += [(datetime(2026, 2, 1, 9, 30), i < 1) for i in range(6)]
    result = before_after_rate(observations, pivot=date(2026, 2, 1))
    assert (result.before_rate, result.after_rate) == (0.8, 1 / 6)
    assert result.change == pytest.approx(1 / 6 - 0.8)
    assert result.p_value == pytest.approx(0.034965035, abs=1e-9)
    assert result.test == "fisher_exact"


def test_before_after_without_observations_after_has_no_p_value():
    result = before_after_rate([(date(2026, 1, 1), True)], pivot=date(2026, 2, 1))
    assert (result.after_rate, result.change, result.p_value) == (None, None, None)

"""Pareto: nonconformities per step, descending, with cumulative percentage."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bro.quality import ParetoBar, pareto


def test_bars_descend_with_cumulative_percentages():
    bars = pareto({"greet": 5, "needs": 10, "offer": 5, "close": 0, "id_check": 20})
    assert bars == [
        ParetoBar("id_check", 20, 50.0, 50.0),
        ParetoBar("needs", 10, 25.0, 75.0),
        ParetoBar("greet", 5, 12.5, 87.5),
        ParetoBar("offer", 5, 12.5, 100.0),
    ]


def test_ties_are_ordered_by_key():
    assert [bar.key for bar in pareto({"b": 1, "a": 1, "c": 2})] == ["c", "a", "b"]


def test_last_cumulative_percentage_is_exactly_one_hundred():
    bars = pareto({"a": 1, "b": 1, "c": 1})
    assert [bar.cumulative_percent for bar in bars] == pytest.approx([100 / 3, 200 / 3, 100])
    assert bars[-1].cumulative_percent == 100.0


def test_zero_counts_are_left_out():
    assert pareto({"a": 0, "b": 0}) == []


def test_no_counts_give_no_bars():
    assert pareto({}) == []


def test_negative_count_is_rejected():
    with pytest.raises(ValueError, match="negative"):
        pareto({"a": -1})


@given(st.dictionaries(st.text(max_size=3), st.integers(0, 50)))
def test_cumulative_percentages_rise_to_exactly_one_hundred(counts):
    bars = pareto(counts)
    cumulative = [bar.cumulative_percent for bar in bars]
    assert cumulative == sorted(cumulative)
    assert [bar.count for bar in bars] == sorted((bar.count for bar in bars), reverse=True)
    if bars:
        assert cumulative[-1] == 100.0

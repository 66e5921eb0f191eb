"""Reporting periods: ISO weeks by default, days or months on request."""

from datetime import date, datetime

import pytest

from bro.quality.periods import period_key, period_range, period_start


@pytest.mark.parametrize(
    ("day", "unit", "key"),
    [
        (date(2026, 2, 14), "week", "2026-W07"),
        (date(2026, 2, 14), "day", "2026-02-14"),
        (date(2026, 2, 14), "month", "2026-02"),
        # ISO weeks belong to the year of their Thursday
        (date(2024, 12, 30), "week", "2025-W01"),
        (date(2027, 1, 1), "week", "2026-W53"),
        (datetime(2026, 2, 14, 23, 59), "week", "2026-W07"),
    ],
)
def test_period_key_labels_the_period_containing_the_day(day, unit, key):
    assert period_key(day, unit) == key


def test_period_key_defaults_to_iso_week():
    assert period_key(date(2026, 1, 5)) == "2026-W02"


def test_period_range_lists_every_week_including_empty_ones_across_a_year_end():
    weeks = period_range(date(2026, 12, 20), date(2027, 1, 12), "week")
    assert weeks == ["2026-W51", "2026-W52", "2026-W53", "2027-W01", "2027-W02"]


def test_period_range_of_months_crosses_the_year():
    assert period_range(date(2025, 11, 15), date(2026, 2, 1), "month") == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]


def test_period_range_of_days_includes_both_ends():
    assert period_range(date(2026, 2, 27), date(2026, 3, 1), "day") == [
        "2026-02-27",
        "2026-02-28",
        "2026-03-01",
    ]


def test_period_range_is_empty_when_end_precedes_start():
    assert period_range(date(2026, 3, 1), date(2026, 2, 1), "month") == []


def test_period_keys_sort_in_time_order():
    weeks = period_range(date(2025, 6, 1), date(2027, 6, 1), "week")
    assert sorted(weeks) == weeks
    assert len(weeks) == len(set(weeks))


@pytest.mark.parametrize(
    ("key", "unit", "start"),
    [
        ("2026-W07", "week", date(2026, 2, 9)),
        ("2026-02", "month", date(2026, 2, 1)),
        ("2026-02-14", "day", date(2026, 2, 14)),
    ],
)
def test_period_start_is_the_first_day_of_the_period(key, unit, start):
    assert period_start(key, unit) == start
    assert period_key(start, unit) == key


def test_unknown_period_unit_is_rejected():
    with pytest.raises(ValueError, match="unknown period unit 'year'"):
        period_key(date(2026, 1, 1), "year")

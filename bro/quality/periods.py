"""Reporting periods: day, ISO week (the default) or month.

A period key is a string label that also sorts chronologically:
``"2026-02-14"`` (day), ``"2026-W07"`` (ISO week), ``"2026-02"`` (month).
Within one unit, string order is time order, so keys work directly as dict
keys, JSON values and sort keys.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

__all__ = [
    "DAY",
    "MONTH",
    "PERIOD_UNITS",
    "WEEK",
    "period_key",
    "period_range",
    "period_start",
]

DAY = "day"
WEEK = "week"
MONTH = "month"
PERIOD_UNITS = (DAY, WEEK, MONTH)


def _as_date(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _check_unit(unit: str) -> None:
    if unit not in PERIOD_UNITS:
        raise ValueError(f"unknown period unit {unit!r} (use one of: {', '.join(PERIOD_UNITS)})")


def period_key(day: date, unit: str = WEEK) -> str:
    """The label of the period containing ``day`` (a date or datetime)."""
    _check_unit(unit)
    day = _as_date(day)
    if unit == DAY:
        return day.isoformat()
    if unit == MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    iso = day.isocalendar()
    return f"{iso.year:04d}-W{iso.week:02d}"


def period_start(key: str, unit: str = WEEK) -> date:
    """The first day of the period labelled ``key`` (inverse of :func:`period_key`)."""
    _check_unit(unit)
    if unit == DAY:
        return date.fromisoformat(key)
    if unit == MONTH:
        year, month = key.split("-")
        return date(int(year), int(month), 1)
    year, week = key.split("-W")
    return date.fromisocalendar(int(year), int(week), 1)


def _next_start(start: date, unit: str) -> date:
    if unit == DAY:
        return start + timedelta(days=1)
    if unit == WEEK:
        return start + timedelta(days=7)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def period_range(start: date, end: date, unit: str = WEEK) -> list[str]:
    """Every period key from the one containing ``start`` to the one containing
    ``end`` (both inclusive), so periods without data show as gaps.
    Empty when ``end`` falls in an earlier period than ``start``."""
    _check_unit(unit)
    current = period_start(period_key(start, unit), unit)
    last = period_start(period_key(end, unit), unit)
    keys: list[str] = []
    while current <= last:
        keys.append(period_key(current, unit))
        current = _next_start(current, unit)
    return keys

"""Bounds on numbers and dates read from URLs and query strings.

Every id column is a 32-bit INTEGER on PostgreSQL, and SQLite raises OverflowError for integers beyond
64 bits, so an id or count read from a request is bounded before it reaches a query. Three places apply it:

- the ``int`` URL converter (``/audits/<int:audit_id>``): a path number beyond MAX_INT is no route (404);
- ``request.args|form|values.get(name, type=int)`` (and ``getlist``): out of range reads as
  unreadable (the default), exactly like ``?team=abc``;
- ``query_int`` / ``query_date`` for code that parses a raw value itself.

Dates are clamped to [MIN_DATE, MAX_DATE], so date arithmetic on a range (``to - 365 days``, the next
period start) never leaves Python's 0001..9999 and a range "from the beginning" still means what was meant.
"""
from __future__ import annotations

from datetime import date

from flask import Flask, Request
from werkzeug.datastructures import CombinedMultiDict, ImmutableMultiDict
from werkzeug.utils import cached_property
from werkzeug.routing import IntegerConverter

MAX_INT = 2**31 - 1  # PostgreSQL INTEGER, the type of every id column
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2999, 12, 31)


def bounded_int(value) -> int:
    """int(value) within [-MAX_INT, MAX_INT]; ValueError otherwise (so werkzeug's ``type=`` falls back)."""
    number = int(value)
    if not -MAX_INT <= number <= MAX_INT:
        raise ValueError(f"{number} is out of range")
    return number


def query_int(value, default: int | None = None) -> int | None:
    """An integer read from a query parameter, or `default` when missing, unreadable or out of range."""
    if value in (None, ""):
        return default
    try:
        return bounded_int(str(value).strip())
    except (TypeError, ValueError):
        return default


def query_date(value, default: date | None = None) -> date | None:
    """An ISO date read from a query parameter, clamped to [MIN_DATE, MAX_DATE]; `default` when unreadable."""
    if not value:
        return default
    try:
        day = date.fromisoformat(str(value).strip())
    except (TypeError, ValueError):
        return default
    return min(max(day, MIN_DATE), MAX_DATE)


class BoundedIntegerConverter(IntegerConverter):
    """``<int:...>`` that matches only numbers up to MAX_INT (a larger one is a 404, not an OverflowError)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_INT,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=MAX_INT if max is None else max,
                         signed=signed)


class BoundedArgs(ImmutableMultiDict):
    """Query and form values whose ``get(..., type=int)`` and ``getlist(..., type=int)`` are bounded."""

    def get(self, key, default=None, type=None):  # noqa: A002  (werkzeug's signature)
        return super().get(key, default, bounded_int if type is int else type)

    def getlist(self, key, type=None):  # noqa: A002
        return super().getlist(key, bounded_int if type is int else type)


class BoundedValues(CombinedMultiDict):
    """``request.values`` (query and form together) with the same bounded ``type=int``."""

    def get(self, key, default=None, type=None):  # noqa: A002
        return super().get(key, default, bounded_int if type is int else type)

    def getlist(self, key, type=None):  # noqa: A002
        return super().getlist(key, bounded_int if type is int else type)


class BoundedRequest(Request):
    parameter_storage_class = BoundedArgs

    @cached_property
    def values(self) -> BoundedValues:
        return BoundedValues(super().values.dicts)


def init_inputs(app: Flask) -> None:
    """Bound path and query integers. Call before blueprints are registered (rules bind their converters)."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.request_class = BoundedRequest

"""Cursor pagination for API lists: ``?limit=`` (1–200) and the opaque ``?cursor=`` of the previous page.

The cursor carries the sort key of the last item sent (base64 of a small JSON list), so the next page starts
right after it with an indexed WHERE — no OFFSET that grows with the page number, and no item skipped or
repeated when rows are added meanwhile. Anything that is not a cursor of this list is a 400 on ``cursor``.
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

import marshmallow as ma
from flask_babel import gettext as _
from sqlalchemy import Select, and_, or_

from bro.api.problems import ApiProblem

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class PageArgs(ma.Schema):
    limit = ma.fields.Integer(load_default=DEFAULT_LIMIT, validate=ma.validate.Range(min=1, max=MAX_LIMIT),
                              metadata={"description": f"Items per page (1–{MAX_LIMIT})."})
    cursor = ma.fields.String(load_default=None, validate=ma.validate.Length(max=200),
                              metadata={"description": "The `next_cursor` of the previous page."})


def page_schema(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """A page of ``item_schema`` items: {"items": [...], "next_cursor": "…" or null}."""
    return type(name, (ma.Schema,), {
        "items": ma.fields.List(ma.fields.Nested(item_schema), required=True),
        "next_cursor": ma.fields.String(required=True, allow_none=True,
                                        metadata={"description": "Pass as `cursor` for the next page; null "
                                                                 "on the last page."}),
    })


@dataclass(frozen=True)
class Keyset:
    """The order of a list: columns (all ascending or all descending) with the kind of each value, and how
    to read those values from an item."""

    columns: tuple
    kinds: tuple[str, ...]  # "int" | "date"
    values: Callable[[Any], tuple]
    descending: bool = False



def by_id(model) -> Keyset:
    """The order of a list by ``model.id``, ascending."""
    return Keyset((model.id,), ("int",), lambda item: (item.id,))

def _decode(text: str, kinds: tuple[str, ...]) -> tuple:
    try:
        raw = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode())
        if not isinstance(raw, list) or len(raw) != len(kinds):
            raise ValueError
        values = []
        for kind, value in zip(kinds, raw):
            if kind == "int":
                if not isinstance(value, int) or isinstance(value, bool) or abs(value) > 2**62:
                    raise ValueError
                values.append(value)
            else:
                values.append(date.fromisoformat(value))
        return tuple(values)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ApiProblem(400, _("This cursor is not one this list gave: start again without it."),
                         field="cursor") from None


def _encode(values: tuple) -> str:
    plain = [value.isoformat() if isinstance(value, date) else value for value in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def _after(keyset: Keyset, values: tuple):
    """Rows strictly after ``values`` in the keyset's order (a lexicographic comparison)."""
    clauses = []
    for position, column in enumerate(keyset.columns):
        equal = [keyset.columns[i] == values[i] for i in range(position)]
        beyond = column < values[position] if keyset.descending else column > values[position]
        clauses.append(and_(*equal, beyond))
    return or_(*clauses)


def paginate_keyset(session, query: Select, keyset: Keyset, args: dict) -> dict:
    """One page of ``query`` (which must be ordered by the keyset's columns): {"items", "next_cursor"}."""
    limit = args.get("limit") or DEFAULT_LIMIT
    if args.get("cursor"):
        query = query.where(_after(keyset, _decode(args["cursor"], keyset.kinds)))
    rows = session.execute(query.limit(limit + 1)).unique().scalars().all()
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": rows, "next_cursor": _encode(keyset.values(rows[-1])) if more and rows else None}

"""List pages: the one pagination helper (a select() in, a Flask-SQLAlchemy Pagination out), the filters every
list shares, and the filtered list page built on both."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Self

from flask import render_template, request
from flask_login import current_user
from sqlalchemy import Select

from bro.extensions import db
from bro.inputs import query_date

PER_PAGE = 25


def paginate(query, per_page: int = PER_PAGE):
    return db.paginate(query, page=request.args.get("page", 1, type=int), per_page=per_page,
                       max_per_page=200, error_out=False)


@dataclass(frozen=True)
class ListFilters:
    """What a list page filters by: a team, a staff member and a date range (``?team=&staff=&from=&to=``).
    A list with filters of its own adds fields, reads them in ``own_from_args`` and writes them in ``own_args``."""

    team_id: int | None = None
    staff_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def from_args(cls, args) -> Self:
        """The filters of a query string; what is missing or unreadable does not filter."""
        return cls(team_id=args.get("team", type=int), staff_id=args.get("staff", type=int),
                   date_from=query_date(args.get("from")), date_to=query_date(args.get("to")),
                   **cls.own_from_args(args))

    @classmethod
    def own_from_args(cls, args) -> dict[str, Any]:
        return {}

    def own_args(self) -> dict[str, Any]:
        return {}

    def as_args(self) -> dict[str, str]:
        """The filters that are set, as query-string arguments (for links that keep them)."""
        values = {"team": self.team_id, "staff": self.staff_id, **self.own_args(),
                  "from": self.date_from.isoformat() if self.date_from else None,
                  "to": self.date_to.isoformat() if self.date_to else None}
        return {key: str(value) for key, value in values.items() if value}


def filtered_list_page(template: str, filters_type: type[ListFilters], query: Callable[[Any, Any], Select],
                       choices: Callable[[Any], dict]) -> str:
    """A list page filtered by its query string: the filters read from the arguments, one page of
    ``query(user, filters)``, and the ``choices(user)`` the filter form offers."""
    filters = filters_type.from_args(request.args)
    return render_template(template, page=paginate(query(current_user, filters)), filters=filters,
                           choices=choices(current_user))

"""The one pagination helper: a select() in, a Flask-SQLAlchemy Pagination out; and the filtered list page built
on it."""
from __future__ import annotations

from typing import Any, Callable, Protocol

from flask import render_template, request
from flask_login import current_user
from sqlalchemy import Select

from bro.extensions import db

PER_PAGE = 25


def paginate(query, per_page: int = PER_PAGE):
    return db.paginate(query, page=request.args.get("page", 1, type=int), per_page=per_page,
                       max_per_page=200, error_out=False)


class ListFilters(Protocol):
    @classmethod
    def from_args(cls, args) -> ListFilters: ...


def filtered_list_page(template: str, filters_type: type[ListFilters], query: Callable[[Any, Any], Select],
                       choices: Callable[[Any], dict]) -> str:
    """A list page filtered by its query string: the filters read from the arguments, one page of
    ``query(user, filters)``, and the ``choices(user)`` the filter form offers."""
    filters = filters_type.from_args(request.args)
    return render_template(template, page=paginate(query(current_user, filters)), filters=filters,
                           choices=choices(current_user))

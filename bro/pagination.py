"""The one pagination helper: a select() in, a Flask-SQLAlchemy Pagination out."""
from flask import request

from bro.extensions import db

PER_PAGE = 25


def paginate(query, per_page: int = PER_PAGE):
    return db.paginate(query, page=request.args.get("page", 1, type=int), per_page=per_page,
                       max_per_page=200, error_out=False)

"""One-time submission tokens: a form that creates a record makes it once, however often it is sent.

Every such form carries a hidden token issued with the form (`OneTimeSubmission`). In the POST branch:

    if (earlier := first_submission(form)) is not None:
        return redirect(earlier)          # a repeat: answer with the record the first one made
    ...create the record...
    return saved(form, url_of_record, _("... created."))   # remember the URL, commit, say so, show it

`first_submission` inserts the token as a primary key (INSERT ... ON CONFLICT DO NOTHING, one statement), so
the database decides which of two simultaneous submissions is first: the second waits for the first's
transaction (PostgreSQL's unique index; SQLite's single writer), inserts nothing and finds the record URL the
first stored. No read-then-write race. A submission the operation refuses is rolled back with its claim, so the same form
can be corrected and sent again. Forms posted without a token (scripts, old pages) work as before.
"""
from __future__ import annotations

import re
import secrets
from datetime import timedelta

from flask import abort, flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import bindparam, delete, select, update
from wtforms import HiddenField
from wtforms.validators import Optional, Regexp

from bro import clock
from bro.database import conflict_insert
from bro.extensions import db
from bro.models.submissions import FormSubmission

KEEP = timedelta(days=30)  # a repeat of a form older than this is a new submission
TOKEN_PATTERN = r"^[A-Za-z0-9_-]{16,64}$"


def new_submission_token() -> str:
    return secrets.token_urlsafe(24)


class OneTimeSubmission:
    """Mixin for a FlaskForm whose POST creates a record."""

    submission_token = HiddenField(default=new_submission_token,
                                   validators=[Optional(), Regexp(TOKEN_PATTERN)])


def first_submission(form) -> str | None:
    """Claim the form's token. None: this is the first submission, go on. Otherwise the URL of the record
    an earlier submission of the same form made (a flash message tells the user)."""
    token = form.submission_token.data
    if not token or not re.fullmatch(TOKEN_PATTERN, token):
        return None  # no token (a script) or a malformed one (the form's own validation refuses it)
    claimed = db.session.execute(_statement("claim"), {
        "token": token, "user_id": current_user.id, "result_url": request.path, "created_at": clock.utcnow()}).first()
    if claimed is None:  # the token is taken: a repeat
        earlier = db.session.execute(_statement("earlier"), {"claimed": token}).first()
        if earlier is None or earlier.user_id != current_user.id:
            abort(400)
        flash(_("This form was sent already: here is what it recorded."), "info")
        return earlier.result_url
    form._claimed_token = token
    return None


def remember_submission(form, result_url: str) -> None:
    """Store where the record this submission made lives (before the commit)."""
    token = getattr(form, "_claimed_token", None)
    if token is not None:
        db.session.execute(_statement("remember"), {"claimed": token, "url": result_url})
        # Forget old tokens (anyone's: the oldest first, through the index on created_at, so this finds nothing
        # in one look when there is nothing to forget). SKIP LOCKED (PostgreSQL; SQLite has one writer anyway):
        # two requests cleaning up at once never wait for, or deadlock on, each other's rows.
        db.session.execute(_statement("forget"), {"before": clock.utcnow() - KEEP})


_STATEMENTS: dict[tuple[str, str], object] = {}


def _statement(name: str):
    """The token statements as Core statements on the table, built once per database kind (SQLite, PostgreSQL):
    submissions run them inside the write transaction, where every statement built is time others wait."""
    dialect = db.session.get_bind().dialect.name
    statement = _STATEMENTS.get((name, dialect))
    if statement is None:
        table = FormSubmission.__table__
        if name == "claim":
            statement = conflict_insert(dialect)(table).on_conflict_do_nothing(index_elements=["token"]) \
                .returning(table.c.token)
        elif name == "earlier":
            statement = select(table.c.user_id, table.c.result_url).where(table.c.token == bindparam("claimed"))
        elif name == "remember":
            statement = update(table).where(table.c.token == bindparam("claimed")).values(result_url=bindparam("url"))
        else:
            old = (select(table.c.token).where(table.c.created_at < bindparam("before"))
                   .order_by(table.c.created_at).limit(100).with_for_update(skip_locked=True))
            statement = delete(table).where(table.c.token.in_(old.scalar_subquery()))
        _STATEMENTS[(name, dialect)] = statement
    return statement


def saved(form, url: str, message: str):
    """The end of a POST that made a record: remember the record's URL for repeats of the form, commit the
    request's one transaction, say what was done and show the record."""
    remember_submission(form, url)
    db.session.commit()
    flash(message, "success")
    return redirect(url)

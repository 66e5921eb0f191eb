"""One-time submission tokens: a form that creates a record makes it once, however often it is sent.

Every such form carries a hidden token issued with the form (`OneTimeSubmission`). In the POST branch:

    if (earlier := first_submission(form)) is not None:
        return redirect(earlier)          # a repeat: answer with the record the first one made
    ...create the record...
    return saved(form, url_of_record, _("... created."))   # remember the URL, commit, say so, show it

`first_submission` inserts the token as a primary key inside a savepoint, so the database decides which
of two simultaneous submissions is first: the second waits for the first's transaction (PostgreSQL's
unique index; SQLite's single writer) and then fails the insert and finds the record URL it stored. No
read-then-write race. A submission the operation refuses is rolled back with its claim, so the same form
can be corrected and sent again. Forms posted without a token (scripts, old pages) work as before.
"""
from __future__ import annotations

import re
import secrets
from datetime import timedelta

from flask import abort, flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from wtforms import HiddenField
from wtforms.validators import Optional, Regexp

from bro import clock
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
    try:
        with db.session.begin_nested():
            db.session.execute(insert(FormSubmission).values(token=token, user_id=current_user.id,
                                                             result_url=request.path, created_at=clock.utcnow()))
    except IntegrityError:
        earlier = db.session.execute(select(FormSubmission.user_id, FormSubmission.result_url)
                                     .where(FormSubmission.token == token)).first()
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
        db.session.execute(update(FormSubmission).where(FormSubmission.token == token)
                           .values(result_url=result_url).execution_options(synchronize_session=False))
        # Forget this user's old tokens. SKIP LOCKED (PostgreSQL; SQLite has one writer anyway): two requests
        # cleaning up at once never wait for, or deadlock on, each other's rows.
        old = (select(FormSubmission.token)
               .where(FormSubmission.user_id == current_user.id, FormSubmission.created_at < clock.utcnow() - KEEP)
               .limit(100).with_for_update(skip_locked=True))
        db.session.execute(delete(FormSubmission).where(FormSubmission.token.in_(old))
                           .execution_options(synchronize_session=False))


def saved(form, url: str, message: str):
    """The end of a POST that made a record: remember the record's URL for repeats of the form, commit the
    request's one transaction, say what was done and show the record."""
    remember_submission(form, url)
    db.session.commit()
    flash(message, "success")
    return redirect(url)

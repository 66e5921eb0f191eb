"""The API's pages for people: the reference (/api/v1/docs, drawn from the OpenAPI document, no CDN) and
"API tokens" under the account (create — the secret is shown once —, list with last use, revoke)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from bro import clock
from bro.access import roles_required
from bro.api.forms import SCOPE_LABELS, NewTokenForm, RevokeTokenForm
from bro.api.tokens import issue_token, revoke_token, tokens_of
from bro.extensions import db
from bro.models.people import Role

bp = Blueprint("api_pages", __name__, template_folder="templates")
ALL = tuple(Role)


@bp.route("/api/v1/docs")
def reference():
    """The API reference for people, rendered from the OpenAPI document (public, like openapi.json)."""
    from bro.api.extension import api
    from bro.api.reference import reference_from_spec

    return render_template("api/reference.html", ref=reference_from_spec(api.spec.to_dict()))


def _render_tokens(form: NewTokenForm, *, secret: str | None = None, status: int = 200):
    return render_template("api/tokens.html", form=form, tokens=tokens_of(current_user), secret=secret,
                           revoke_form=RevokeTokenForm(), now=clock.utcnow(), scope_labels=SCOPE_LABELS), status


@bp.route("/account/tokens", methods=["GET", "POST"])
@roles_required(*ALL)
def tokens():
    form = NewTokenForm(is_admin=current_user.is_admin)
    if form.validate_on_submit():
        token, secret = issue_token(current_user, name=form.name.data, scopes=form.scopes.data, days=form.days.data)
        db.session.commit()
        # The secret is in this answer only (never in a flash message or the session), and never stored.
        return _render_tokens(NewTokenForm(formdata=None, is_admin=current_user.is_admin), secret=secret,
                              status=200)
    return _render_tokens(form, status=400 if form.errors else 200)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@roles_required(*ALL)
def revoke(token_id: int):
    form = RevokeTokenForm()
    if not form.validate_on_submit():
        abort(400)
    token = revoke_token(current_user, token_id)
    if token is None:
        abort(404)
    db.session.commit()
    flash(_("Token “%(name)s” revoked: it no longer works.", name=token.name), "success")
    return redirect(url_for("api_pages.tokens"))

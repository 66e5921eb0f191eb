"""Writes that a client may safely retry: the ``Idempotency-Key`` header.

``@idempotent`` wraps every API write and owns its transaction: the view adds and flushes, this commits once.
With a key, the first successful answer is stored with a fingerprint of the request (method, path, query and
body) in the same transaction as the write. The same key again

- with the same request: the stored answer is sent again (``Idempotent-Replayed: true``), nothing is written;
- with a different request: 422 on ``Idempotency-Key`` (a key names one request).

Two copies racing with one key meet the unique (user, key) constraint: the loser rolls back its write and
answers like a retry. Keys are kept KEEP_HOURS hours.
"""
from __future__ import annotations

import hashlib
from datetime import timedelta
from functools import wraps
from typing import Callable

from flask import Response, make_response, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from bro import clock
from bro.api.problems import ApiProblem
from bro.extensions import db
from bro.models.api import IdempotentRequest

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
KEEP_HOURS = 24


def request_fingerprint() -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.query_string.decode("latin-1")):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _stored(key: str) -> IdempotentRequest | None:
    return db.session.execute(select(IdempotentRequest).where(
        IdempotentRequest.user_id == current_user.id, IdempotentRequest.key == key)).scalar_one_or_none()


def _replay(stored: IdempotentRequest, fingerprint: str) -> Response:
    if stored.request_hash != fingerprint:
        raise ApiProblem(422, _("This Idempotency-Key was used for a different request: use a new key for a "
                                "new request."), field=HEADER)
    response = Response(stored.response_body, status=stored.status_code, content_type="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def idempotent(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is not None and not (0 < len(key.strip()) <= MAX_KEY_LENGTH and key.isprintable()):
            raise ApiProblem(400, ngettext("Idempotency-Key must be 1 to %(num)d printable character.",
                                            "Idempotency-Key must be 1 to %(num)d printable characters.", MAX_KEY_LENGTH),
                             field=HEADER)
        fingerprint = request_fingerprint() if key is not None else None
        if key is not None and (stored := _stored(key)) is not None:
            return _replay(stored, fingerprint)
        try:
            response = make_response(view(*args, **kwargs))
        except Exception:
            db.session.rollback()
            raise
        if not 200 <= response.status_code < 300:
            db.session.rollback()
            return response
        if key is not None:
            now = clock.utcnow()
            db.session.execute(delete(IdempotentRequest).where(
                IdempotentRequest.created_at < now - timedelta(hours=KEEP_HOURS)))
            db.session.add(IdempotentRequest(user_id=current_user.id, key=key, request_hash=fingerprint,
                                             status_code=response.status_code,
                                             response_body=response.get_data(as_text=True), created_at=now))
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            stored = _stored(key) if key is not None else None
            if stored is None:
                raise
            return _replay(stored, fingerprint)
        return response

    _document_header(wrapped)
    return wrapped


def _document_header(view: Callable) -> None:
    """Name the Idempotency-Key header in the operation's OpenAPI entry (flask-smorest's manual doc)."""
    doc = getattr(view, "_apidoc", None)
    if doc is None:
        return
    doc.setdefault("manual_doc", {}).setdefault("parameters", []).append({
        "name": HEADER, "in": "header", "required": False, "schema": {"type": "string", "maxLength": MAX_KEY_LENGTH},
        "description": "Send the same key again to retry this write safely: the first answer is returned and "
                       "nothing is written twice (keys are kept 24 hours)."})

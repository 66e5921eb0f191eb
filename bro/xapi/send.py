"""Sending stored statements to the learning record store named by BRO_LRS_URL, from an outbox.

Statements go in batches with basic auth (BRO_LRS_USER, BRO_LRS_PASSWORD) and the xAPI version header. A
batch the LRS refuses or cannot take stays unsent and is retried later with a growing wait (1, 2, 4 ...
minutes, at most a day); the statement ids are fixed, so a batch sent twice is stored once by the LRS.
"""
from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.request
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select

from bro import clock
from bro.extensions import db
from bro.models.xapi import XapiStatement
from bro.xapi.statements import XAPI_VERSION

BATCH = 100
TIMEOUT_SECONDS = 20
MAX_WAIT = timedelta(days=1)


def lrs_settings() -> tuple[str, str | None, str | None] | None:
    config = current_app.config
    url = config.get("BRO_LRS_URL") or os.environ.get("BRO_LRS_URL")
    if not url:
        return None
    return (url.rstrip("/"), config.get("BRO_LRS_USER") or os.environ.get("BRO_LRS_USER"),
            config.get("BRO_LRS_PASSWORD") or os.environ.get("BRO_LRS_PASSWORD"))


def _post(url: str, user: str | None, password: str | None, statements: list[dict]) -> None:
    request = urllib.request.Request(f"{url}/statements", data=json.dumps(statements).encode("utf-8"), method="POST")
    request.add_header("Content-Type", "application/json")
    request.add_header("X-Experience-API-Version", XAPI_VERSION)
    if user is not None:
        token = base64.b64encode(f"{user}:{password or ''}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (configured URL)
        if response.status not in (200, 204):
            raise urllib.error.HTTPError(url, response.status, "unexpected status", response.headers, None)


def send_pending(now: datetime | None = None) -> tuple[int, int]:
    """(sent, failed) statements this run; nothing is sent when no LRS is configured."""
    settings = lrs_settings()
    if settings is None:
        return 0, 0
    url, user, password = settings
    now = now or clock.utcnow()
    pending = db.session.execute(
        select(XapiStatement).where(XapiStatement.sent_at.is_(None),
                                    or_(XapiStatement.next_attempt_at.is_(None), XapiStatement.next_attempt_at <= now))
        .order_by(XapiStatement.stored_at, XapiStatement.id)).scalars().all()
    sent = failed = 0
    for start in range(0, len(pending), BATCH):
        batch = pending[start:start + BATCH]
        try:
            _post(url, user, password, [row.statement for row in batch])
        except (urllib.error.URLError, OSError, ValueError) as error:
            for row in batch:
                row.send_attempts += 1
                row.last_error = str(error)[:500]
                row.next_attempt_at = now + min(MAX_WAIT, timedelta(minutes=2 ** (row.send_attempts - 1)))
            failed += len(batch)
        else:
            for row in batch:
                row.sent_at, row.last_error, row.next_attempt_at = now, None, None
            sent += len(batch)
        db.session.flush()
    return sent, failed

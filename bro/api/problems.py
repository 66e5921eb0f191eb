"""Errors of the JSON API as RFC 9457 problem details (``application/problem+json``).

Every refusal names what was wrong in ``detail`` (in the caller's language) and, when one input is at fault,
that input in ``field``; validation errors list every field in ``errors``. bro/errors.py answers any error
under /api/ through ``problem_from_exception``, so a 404, a 405 or a 429 of the API is a problem too.
"""
from __future__ import annotations

import marshmallow as ma
from flask import Response, json
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from bro.errors import status_message

PROBLEM_TYPE = "about:blank"
CONTENT_TYPE = "application/problem+json"


class FieldErrorSchema(ma.Schema):
    field = ma.fields.String(required=True, metadata={"description": "The input at fault (a dotted path)."})
    message = ma.fields.String(required=True)


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details."""

    type = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String(required=True, metadata={"description": "What was wrong, for people."})
    field = ma.fields.String(allow_none=True, metadata={"description": "The input at fault, when one is."})
    errors = ma.fields.List(ma.fields.Nested(FieldErrorSchema), metadata={"description": "Every field at fault."})
    line = ma.fields.Integer(metadata={"description": "The first JSON Lines line at fault (bulk writes)."})


class ApiProblem(HTTPException):
    """Raise to answer with a problem: ``raise ApiProblem(422, "…", field="customer_ref")``."""

    def __init__(self, status: int, detail: str, *, field: str | None = None, errors: list[dict] | None = None,
                 headers: dict | None = None, **extra):
        super().__init__(description=detail)
        self.code = status
        self.detail = detail
        self.field = field
        self.errors = errors
        self.extra_headers = headers or {}
        self.extra = extra


def problem_response(status: int, detail: str, *, title: str | None = None, field: str | None = None,
                     errors: list[dict] | None = None, headers: dict | None = None, **extra) -> Response:
    from werkzeug.http import HTTP_STATUS_CODES

    body = {"type": PROBLEM_TYPE, "title": title or HTTP_STATUS_CODES.get(status, "Error"), "status": status,
            "detail": detail}
    if field is not None or errors:
        body["field"] = field if field is not None else errors[0]["field"]
    if errors:
        body["errors"] = errors
    body.update(extra)
    response = Response(json.dumps(body), status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def field_errors(messages, prefix: str = "") -> list[dict]:
    """webargs/marshmallow messages ({"json": {"csat": ["…"]}}) as [{"field": "csat", "message": "…"}]."""
    found: list[dict] = []
    if isinstance(messages, dict):
        for name, value in messages.items():
            name = str(name)
            if not prefix and name in ("json", "query", "headers", "path", "form", "files"):
                found += field_errors(value, "" if name in ("json", "query", "path") else name)
            else:
                found += field_errors(value, f"{prefix}.{name}" if prefix else name)
    elif isinstance(messages, (list, tuple)) and messages and all(isinstance(m, str) for m in messages):
        found += [{"field": prefix or "body", "message": message} for message in messages]
    elif isinstance(messages, (list, tuple)):
        for message in messages:
            found += field_errors(message, prefix)
    else:
        found.append({"field": prefix or "body", "message": str(messages)})
    return found


def _path_exists(methods: list[str]) -> bool:
    """Whether the path answers any of ``methods``. Werkzeug says 405 when another method's rule has the same
    shape even if its converter refuses the value (/users/<huge id> sent PATCH): that path exists for nobody."""
    from flask import current_app, request

    adapter = current_app.url_map.bind_to_environ(request.environ)
    for method in methods:
        try:
            adapter.match(method=method)
            return True
        except HTTPException:
            continue
    return False


def problem_from_exception(error: Exception) -> Response:
    if isinstance(error, ApiProblem):
        return problem_response(error.code, error.detail, field=error.field, errors=error.errors,
                                headers=error.extra_headers, **error.extra)
    if not isinstance(error, HTTPException):
        return problem_response(500, status_message(500, api=True))
    code = error.code or 500
    if code == 405 and not _path_exists(getattr(error, "valid_methods", None) or []):
        return problem_response(404, status_message(404, api=True))
    data = getattr(error, "data", None) or {}
    headers = dict(data.get("headers") or {})
    limit = getattr(error, "limit", None)  # Flask-Limiter's RateLimitExceeded: wait at most its window
    if code == 429 and limit is not None:
        headers.setdefault("Retry-After", str(int(limit.limit.get_expiry())))
    for name, value in (error.get_headers() if code in (405, 429) else []):
        if name.lower() in ("allow", "retry-after"):
            headers[name] = value
    messages = data.get("messages") or data.get("errors")
    if messages:
        errors = field_errors(messages)
        if code == 400 and any(e["field"] == "body" for e in errors):
            return problem_response(400, _("The body is not valid JSON."), field="body", headers=headers)
        detail = f'{status_message(422, api=True)} {errors[0]["field"]}: {errors[0]["message"]}'
        return problem_response(code, detail, errors=errors, headers=headers)
    return problem_response(code, status_message(code, error.description or "", api=True), headers=headers)

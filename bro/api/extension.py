"""The API's extensions: flask-smorest's Api (OpenAPI 3.1 from the marshmallow schemas) and Flask-Limiter."""
from __future__ import annotations

import hashlib

from flask import request
from flask_limiter import HeaderNames, Limiter
from flask_smorest import Api

from bro.access import client_address
from bro.api.problems import CONTENT_TYPE, ProblemSchema


class BroApi(Api):
    """flask-smorest, answering errors the bro way: problem details for /api/ only (bro/errors.py), never a
    JSON handler for the HTML pages; and documenting every error as application/problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        pass  # bro.errors answers every error, by path

    def _register_responses(self):
        import http

        from flask_smorest.utils import prepare_response

        for status in http.HTTPStatus:  # the responses flask-smorest refers to by name (UNPROCESSABLE_ENTITY…)
            if status >= 400:
                named = {"description": status.phrase, "schema": self.ERROR_SCHEMA}
                prepare_response(named, self.spec, CONTENT_TYPE)
                self.spec.components.response(status.name, named, lazy=True)
        response = {"description": "A problem (RFC 9457): what was wrong, and the field at fault.",
                    "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, CONTENT_TYPE)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


def rate_limit_key() -> str:
    """Count per token (its hash, so the secret never sits in the limiter's storage), else per address."""
    header = request.headers.get("Authorization", "")
    if header:
        return "token:" + hashlib.sha256(header.encode("utf-8", "surrogatepass")).hexdigest()
    return "address:" + client_address()


api = BroApi()
# X-RateLimit-Limit/-Remaining/-Reset on every answer; Retry-After only on a 429 (bro.api.problems), not on
# every answer as Flask-Limiter would send it.
limiter = Limiter(key_func=rate_limit_key, default_limits=[], headers_enabled=True,
                  header_name_mapping={HeaderNames.RETRY_AFTER: "X-RateLimit-Retry-After"})

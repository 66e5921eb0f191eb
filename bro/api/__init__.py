"""bro's JSON API under /api/v1/ (flask-smorest: OpenAPI 3.1 from marshmallow schemas).

One module per area (people, curricula, audits, interactions, training, charts), each a flask-smorest
Blueprint; ``init_api`` registers them, authenticates every /api/v1/ request by its bearer token (never by the
session cookie, so the API is exempt from CSRF) and puts Flask-Limiter's limit on each. docs/architecture.md
says how to add an endpoint.
"""
from __future__ import annotations

from flask import Flask, current_app

API_BLUEPRINTS = ("people", "curricula", "audits", "interactions", "training", "charts")


def _rate_limit() -> str:
    return current_app.config["BRO_API_RATE_LIMIT"]


def init_api(app: Flask) -> None:
    from importlib import import_module

    from bro.api.auth import authenticate_api_request, forget_api_user
    from bro.api.extension import api, limiter
    from bro.api.pages import bp as pages_bp
    from bro.extensions import csrf

    app.config.setdefault("API_TITLE", "bro API")
    app.config.setdefault("API_VERSION", "1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["BRO_API_RATE_LIMIT_STORAGE_URI"])
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    app.before_request(authenticate_api_request)
    app.teardown_request(forget_api_user)
    limiter.init_app(app)
    api.init_app(app, spec_kwargs={
        "info": {"description": "bro's JSON API. Authenticate with a personal access token "
                                "(Authorization: Bearer …). Errors are RFC 9457 problem details."},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
    })
    for name in API_BLUEPRINTS:
        blueprint = import_module(f"bro.api.{name}").bp
        limiter.limit(_rate_limit)(blueprint)
        csrf.exempt(blueprint)  # a bearer token, never a cookie, authenticates these requests
        api.register_blueprint(blueprint)
    app.register_blueprint(pages_bp)

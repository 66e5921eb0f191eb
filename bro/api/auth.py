"""Who is calling the API: a personal access token in ``Authorization: Bearer``, and nothing else.

``authenticate_api_request`` runs before every /api/v1/ request: it sets Flask-Login's user for the request to
the token's user (or to anonymous), so a browser's session cookie never authenticates an API call (and the API
needs no CSRF token). ``api_access(*roles, scope=...)`` then admits the call the way ``roles_required`` admits
a page — through the same ``bro.access.may_enter`` — with the token's scopes as a cap on top.
"""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user

from bro.access import may_enter
from bro.database import commit_side_write
from bro.api.problems import ApiProblem
from bro.api.tokens import find_token, granted, mark_used
from bro.models.people import Role

PUBLIC_PATHS = ("/api/v1/openapi.json", "/api/v1/docs")


def bearer_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, secret = header.partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def authenticate_api_request() -> None:
    """before_request for the API: the token's user, or anonymous; never the session's."""
    if not request.path.startswith("/api/v1/") or request.path in PUBLIC_PATHS:
        return
    g.api_token = None
    g._login_user = current_app.login_manager.anonymous_user()
    secret = bearer_secret()
    if secret is None:
        return
    token = find_token(secret)
    if token is None:
        g.api_token_refused = True
        return
    g.api_token = token
    g._login_user = token.user
    # A read records the token's use on the side: skipped (not failed) when another writer holds SQLite.
    commit_side_write(lambda: mark_used(token))


def forget_api_user(_error=None) -> None:
    """teardown_request: the token's user belongs to this request only (an app context kept open around
    several requests — tests, CLI — must not carry it into the next one)."""
    if request.path.startswith("/api/v1/") and request.path not in PUBLIC_PATHS:
        for name in ("_login_user", "api_token", "api_token_refused"):
            g.pop(name, None)


def unauthorized() -> ApiProblem:
    if g.get("api_token_refused"):
        detail = _("This API token is not valid: it is unknown, revoked or expired, or its user is deactivated.")
    else:
        detail = _("Send a valid API token: Authorization: Bearer <token>.")
    return ApiProblem(401, detail, field="Authorization", headers={"WWW-Authenticate": 'Bearer realm="bro"'})


def api_access(*roles: Role | str, scope: str = "read") -> Callable:
    """A token is required, its scopes must grant ``scope``, and its user must hold one of ``roles`` (admins
    pass, as on the pages)."""
    wanted = {Role(r) for r in roles}

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            token = g.get("api_token")
            if token is None:
                raise unauthorized()
            if scope not in granted(token.scope_set):
                raise ApiProblem(403, _("This token lacks the “%(scope)s” scope. Create a token with it on your "
                                        "account's API tokens page.", scope=scope), field="Authorization")
            if not may_enter(current_user, wanted):
                raise ApiProblem(403, _("Your role may not use this endpoint."))
            return view(*args, **kwargs)

        wrapped.allowed_roles = wanted  # read by the access-matrix test, as for pages
        wrapped.api_scope = scope
        return wrapped

    return decorator

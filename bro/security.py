"""Response headers that every page carries."""
from flask import Flask, Response, current_app, g, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # No <style> blocks or stylesheets from elsewhere; style attributes are allowed
        # so bars and heat-map cells can carry a computed width or colour.
        "style-src 'self'",
        "style-src-elem 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config.get("SESSION_COOKIE_SECURE") and current_app.config["BRO_HSTS_SECONDS"] > 0:
        response.headers.setdefault("Strict-Transport-Security", f"max-age={current_app.config['BRO_HSTS_SECONDS']}")
    if _private(response):
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
    return response


def _private(response: Response) -> bool:
    """Pages and exports for a logged-in user, and pages whose URL holds a secret (reset links), must not
    be kept by the browser or a shared cache. Static files stay cacheable."""
    if request.endpoint in PRIVATE_ENDPOINTS:
        return True
    user = g.get("_login_user")  # set once Flask-Login has loaded the user for this request
    # `is_anonymous`, not `is_authenticated`: the latter reads `active`, which a commit has expired, and
    # reloading the user here would open a second transaction (on SQLite a second wait for the write lock).
    # The loader returns only active users, so a loaded user that is not anonymous is logged in.
    return request.endpoint != "static" and user is not None and not user.is_anonymous


PRIVATE_ENDPOINTS = {"auth.reset_password", "auth.login"}


def init_security(app: Flask) -> None:
    app.after_request(add_security_headers)

"""Error pages for people, JSON for the API."""
from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


def _is_api() -> bool:
    return request.path.startswith("/api/") and request.path != "/api/v1/docs"


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _status_messages() -> dict[int, tuple[str | None, str | None]]:
    """What a status tells a person: (on a page, in an API answer); None where the page's says it for both, or
    where only the other one answers with that status."""
    return {
        400: (_("The request could not be understood."), None),
        401: (None, _("Send a valid API token: Authorization: Bearer <token>.")),
        403: (_("You do not have access to this page."), _("Your token may not do this.")),
        404: (_("This page does not exist."), _("This resource does not exist.")),
        405: (_("This action is not allowed here."), _("This method is not allowed here.")),
        413: (_("The upload is too large."), _("The request body is too large.")),
        415: (None, _("Send the body as application/json.")),
        422: (None, _("Some values are not valid.")),
        429: (_("Too many requests. Please wait and try again."), None),
        500: (_("Something went wrong on our side. The error has been logged."), None),
    }


def status_message(code: int, default: str | None = None, *, api: bool = False) -> str | None:
    """The sentence bro answers ``code`` with on a page (or, with ``api``, in an API problem); else ``default``."""
    page, in_api = _status_messages().get(code, (None, None))
    return ((in_api or page) if api else page) or default


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = _("Your form expired or was sent from elsewhere. Reload the page and try again.")
        if _wants_json():
            return jsonify(error="csrf", message=message), 400
        return render_template("error.html", code=400, message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if _is_api():
            from bro.api.problems import problem_from_exception

            return problem_from_exception(error)
        code = error.code or 500
        message = status_message(code, error.description)
        if _wants_json():
            return jsonify(error=error.name, message=message), code
        return render_template("error.html", code=code, message=message), code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("Unhandled error on %s", request.path)
        if _is_api():
            from bro.api.problems import problem_from_exception

            return problem_from_exception(error)
        message = status_message(500)
        if _wants_json():
            return jsonify(error="Internal Server Error", message=message), 500
        try:
            return render_template("error.html", code=500, message=message), 500
        except Exception:  # the layout itself failed: answer plainly rather than recurse
            return message, 500, {"Content-Type": "text/plain; charset=utf-8"}

"""Error pages for people, JSON for the API."""
from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


def _is_api() -> bool:
    return request.path.startswith("/api/") and request.path != "/api/v1/docs"


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        403: _("You do not have access to this page."),
        404: _("This page does not exist."),
        405: _("This action is not allowed here."),
        413: _("The upload is too large."),
        429: _("Too many requests. Please wait and try again."),
        500: _("Something went wrong on our side. The error has been logged."),
    }


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
        message = _messages().get(code, error.description)
        if _wants_json():
            return jsonify(error=error.name, message=message), code
        return render_template("error.html", code=code, message=message), code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("Unhandled error on %s", request.path)
        if _is_api():
            from bro.api.problems import problem_from_exception

            return problem_from_exception(error)
        message = _messages()[500]
        if _wants_json():
            return jsonify(error="Internal Server Error", message=message), 500
        try:
            return render_template("error.html", code=500, message=message), 500
        except Exception:  # the layout itself failed: answer plainly rather than recurse
            return message, 500, {"Content-Type": "text/plain; charset=utf-8"}

"""Signing in and out, password resets."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The login pages, and how Flask-Login finds the signed-in user."""
    from flask_babel import lazy_gettext as _l

    from bro.auth.loading import load_user
    from bro.auth.routes import bp
    from bro.extensions import login_manager

    login_manager.user_loader(load_user)
    login_manager.login_message = _l("Please log in to see this page.")
    app.register_blueprint(bp)

"""Notifications: in the app (a bell and a list) and by email, each or as a daily digest."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from bro.notifications.routes import bp

    app.register_blueprint(bp)

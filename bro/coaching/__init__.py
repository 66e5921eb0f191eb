"""Coaching sessions: 1:1s between a supervisor and a staff member about the steps they miss."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from bro.coaching.routes import _home_sessions, bp
    from bro.home.sections import register_section
    from bro.models.people import Role

    app.register_blueprint(bp)
    register_section(app, "coaching", "coaching/_home.html", {Role.staff, Role.supervisor}, _home_sessions, order=30)

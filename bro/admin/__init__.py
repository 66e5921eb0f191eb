"""Administration of users and teams."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from bro.admin.routes import bp
    from bro.models.people import Role
    from bro.templating import register_nav

    app.register_blueprint(bp)
    register_nav(app, "admin.users", _l("Users"), Role.admin)
    register_nav(app, "admin.teams", _l("Teams"), Role.admin)

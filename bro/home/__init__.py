"""The home page: one section per area the user's roles reach; areas register theirs in their init_app."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The home page, its "Home" entry and the sections that are the home page's own."""
    from flask_babel import lazy_gettext as _l

    from bro.home.routes import _my_teams, _organisation, bp
    from bro.home.sections import register_section
    from bro.models.people import Role
    from bro.templating import register_nav

    app.register_blueprint(bp)
    register_nav(app, "home.index", _l("Home"), *Role)
    register_section(app, "my-teams", "home/_my_teams.html", {Role.supervisor}, _my_teams, order=30)
    register_section(app, "organisation", "home/_organisation.html", {Role.admin}, _organisation, order=90)

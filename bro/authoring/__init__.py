"""Curricula in the browser and on the command line: import, versions, upload, compare.

The pure checker lives in `bro.curricula`; this package stores checked documents
(`operations`), reads them back (`queries`), and shows them to trainers (`routes`).
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Curricula pages: blueprint, navigation, home section, demo data (the shipped curricula)."""
    from flask_babel import lazy_gettext as _l

    from bro.authoring.demo import import_shipped_curricula
    from bro.authoring.routes import _curricula_section, bp
    from bro.demo import register_demo_step
    from bro.home.sections import register_section
    from bro.models.people import Role
    from bro.templating import register_nav

    app.register_blueprint(bp)
    register_nav(app, "authoring.index", _l("Curricula"), Role.trainer)
    register_section(app, "curricula", "authoring/_home.html", {Role.trainer}, _curricula_section, order=40)
    register_demo_step(app, 10, "curricula", import_shipped_curricula)

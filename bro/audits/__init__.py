"""Audits of service interactions: recording, revisions, disputes, outcomes, calibration, the retraining loop."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Audits and calibration: blueprints, navigation, home sections, demo data."""
    from flask_babel import lazy_gettext as _l

    from bro.audits import calibration_routes, routes
    from bro.audits.demo import seed_audits
    from bro.database import reads_first
    from bro.demo import register_demo_step
    from bro.home.sections import register_section
    from bro.models.people import Role
    from bro.templating import register_nav

    app.register_blueprint(routes.bp)
    app.register_blueprint(calibration_routes.bp)
    reads_first("audits.new")  # reads and checks first; begin_writes takes the write lock for the writes only
    register_nav(app, "calibration.index", _l("Calibration"), Role.supervisor)
    register_nav(app, "audits.index", _l("Audits"), Role.staff, Role.supervisor)
    register_section(app, "my-audits", "audits/_home_my_audits.html", {Role.staff}, routes._my_audits, order=20)
    register_section(app, "team-audits", "audits/_home_team_audits.html", {Role.supervisor}, routes._team_audits,
                     order=35)
    register_demo_step(app, 30, "audits", seed_audits)

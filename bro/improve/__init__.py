"""Quality improvement: the dashboard, corrective actions, evidence."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Quality pages: blueprint, navigation, home sections."""
    from flask_babel import lazy_gettext as _l

    from bro.home.sections import register_section
    from bro.improve.routes import _my_actions, _my_quality_section, bp
    from bro.models.people import Role
    from bro.templating import register_nav

    app.register_blueprint(bp)
    register_nav(app, "improve.dashboard", _l("Quality"), Role.supervisor)
    register_nav(app, "improve.actions", _l("Actions"), Role.supervisor)
    register_nav(app, "improve.evidence", _l("Evidence"), Role.trainer, Role.supervisor)
    register_nav(app, "improve.mine", _l("My quality"), Role.staff)
    register_section(app, "corrective-actions", "improve/_home_actions.html", {Role.supervisor}, _my_actions, order=25)
    register_section(app, "my-quality", "improve/_home_quality.html", {Role.staff}, _my_quality_section, order=22)

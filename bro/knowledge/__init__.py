"""Knowledge vs behaviour: per person and step, do they know it (quizzes) and do it (audits)?"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Knowledge and behaviour: blueprint, navigation, the supervisor's coaching proposals, demo data."""
    from flask_babel import lazy_gettext as _l

    from bro.demo import register_demo_step
    from bro.home.sections import register_section
    from bro.knowledge import routes
    from bro.knowledge.demo import seed_knowledge
    from bro.models.people import Role
    from bro.templating import register_nav

    app.register_blueprint(routes.bp)
    register_nav(app, "knowledge.team", _l("Knowledge"), Role.supervisor, Role.trainer)
    register_section(app, "coaching-proposals", "knowledge/_home_proposals.html", {Role.supervisor},
                     routes._proposals_section, order=24)
    # After the audits (30) and the retraining they assigned (40), so the practice answers are each person's latest.
    register_demo_step(app, 45, "knowledge", seed_knowledge)

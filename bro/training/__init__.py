"""Training in the browser: assigned courses, lessons, quizzes scored on the server, certificates.

`operations` changes data (flush, never commit); `queries` reads it for pages; `routes` are thin views.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Training pages: blueprint, navigation, home sections, demo data."""
    from flask_babel import lazy_gettext as _l

    from bro.database import reads_first
    from bro.demo import register_demo_step
    from bro.home.sections import register_section
    from bro.models.people import Role
    from bro.templating import register_nav
    from bro.training.demo import seed_retraining_work, seed_training
    from bro.training.home import my_learning_summary, team_learning_summary
    from bro.training.routes import bp

    app.register_blueprint(bp)
    reads_first("training.submit")  # reads and checks first; begin_writes takes the write lock for the writes only
    register_nav(app, "training.my_learning", _l("My learning"), Role.staff)
    register_nav(app, "training.teams", _l("Team learning"), Role.supervisor)
    register_nav(app, "training.items", _l("Quiz analysis"), Role.trainer)
    register_section(app, "my-learning", "training/_home_learning.html", {Role.staff}, my_learning_summary, order=10)
    register_section(app, "team-learning", "training/_home_team_learning.html", {Role.supervisor},
                     team_learning_summary, order=35)
    register_demo_step(app, 20, "training", seed_training)
    register_demo_step(app, 40, "training-retraining", seed_retraining_work)

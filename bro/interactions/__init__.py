"""Interactions imported from help desks, chat tools, phone systems and CRMs, ready to be audited."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from bro.demo import register_demo_step
    from bro.interactions.demo import seed_interactions
    from bro.interactions.routes import bp

    app.register_blueprint(bp)
    register_demo_step(app, 50, "interactions", seed_interactions)

"""bro: staff training and service quality for business relationship management."""
from __future__ import annotations

import logging
import os

from flask import Flask

from bro.config import load_config
from bro.extensions import babel, csrf, db, login_manager, migrate


def create_app(test_config: dict | None = None) -> Flask:
    """Application factory: settings, extensions, blueprints, CLI."""
    app = Flask(__name__, instance_path=os.environ.get("BRO_INSTANCE_PATH") or None, instance_relative_config=True)
    app.config.from_mapping(load_config(app.instance_path, test_config))
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)

    _init_extensions(app)
    from bro.inputs import init_inputs

    init_inputs(app)  # bounded <int:> converter and type=int: before the blueprints add their rules
    _register_blueprints(app)

    from bro.cli import register_cli
    from bro.errors import init_errors
    from bro.security import init_security
    from bro.templating import init_templating

    init_security(app)
    init_errors(app)
    init_templating(app)
    _init_text(app)
    register_cli(app)
    _trust_proxies(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind BRO_TRUSTED_PROXIES reverse proxies, take the client address, scheme and host from their
    X-Forwarded-* headers (the login limits count by that address). 0, the default, trusts none."""
    count = app.config["BRO_TRUSTED_PROXIES"]
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def _init_text(app: Flask) -> None:
    from bro.text import bdi, isolate_invisible

    app.jinja_env.filters["bdi"] = bdi
    app.jinja_env.finalize = isolate_invisible


def _init_extensions(app: Flask) -> None:
    from bro import models  # noqa: F401  (every table registered before Alembic looks)
    from bro.database import configure_engine, init_write_intent
    from bro.i18n import select_locale

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    init_write_intent(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"


def _register_blueprints(app: Flask) -> None:
    """Each area's init_app registers its blueprints, navigation entries, home sections and demo steps on this
    app, in the order of the navigation: nothing is registered by importing a module."""
    from bro import (admin, audits, auth, authoring, coaching, home, improve, interactions, knowledge, notifications,
                     training)

    for area in (auth, home, admin, audits, training, authoring, improve, knowledge, interactions, coaching,
                 notifications):
        area.init_app(app)

    from bro.api import init_api

    init_api(app)

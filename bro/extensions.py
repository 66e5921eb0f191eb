"""Extensions, created unbound here and initialised in create_app."""
import click
from flask import g
from flask.cli import with_appcontext
from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from bro.models.base import Base


class LazyMigrate:
    """Flask-Migrate (``flask db`` and ``app.extensions["migrate"]``), imported when first used: web workers
    never migrate, and Alembic with Mako costs each of them about 10 MB. ``flask db ...`` and scripts calling
    ``flask_migrate.upgrade()`` work as with Flask-Migrate itself, which takes over at first use."""

    def __init__(self, **options):
        self.options = options

    def init_app(self, app, db, directory: str) -> None:
        def load():
            if not isinstance(app.extensions.get("migrate"), _MigrateOnFirstUse):
                return app.extensions["migrate"]
            from flask_migrate import Migrate

            Migrate(**self.options).init_app(app, db, directory)  # replaces the placeholders below
            return app.extensions["migrate"]

        app.extensions["migrate"] = _MigrateOnFirstUse(load)
        app.cli.add_command(_LazyCommands(load), name="db")


class _MigrateOnFirstUse:
    """Stands in ``app.extensions["migrate"]`` until an attribute is read (Flask-Migrate's commands, env.py)."""

    def __init__(self, load):
        self._load = load

    def __getattr__(self, name):
        return getattr(self._load(), name)


class _LazyCommands(click.Group):
    """``flask db``: Flask-Migrate's group (its options, then its commands, imported when one is looked up)."""

    def __init__(self, load):
        super().__init__(name="db", help="Perform database migrations.", callback=_migration_options, params=[
            click.Option(["-d", "--directory"], default=None,
                         help='Migration script directory (default is "migrations")'),
            click.Option(["-x", "--x-arg"], multiple=True,
                         help="Additional arguments consumed by custom env.py scripts")])
        self._load = load

    def _commands(self) -> click.Group:
        self._load()
        from flask_migrate.cli import db as commands

        return commands

    def list_commands(self, ctx):
        return self._commands().list_commands(ctx)

    def get_command(self, ctx, name):
        return self._commands().get_command(ctx, name)


@with_appcontext
def _migration_options(directory, x_arg):
    g.directory = directory  # read by Flask-Migrate's commands, as its own group does
    g.x_arg = x_arg


db = SQLAlchemy(model_class=Base)
migrate = LazyMigrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()

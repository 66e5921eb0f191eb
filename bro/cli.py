"""`flask bro ...` commands. Each command commits once, at its end."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from bro.extensions import db
from bro.models.people import Role

bro_cli = AppGroup("bro", help="bro administration: users, demo data, curricula.")


@bro_cli.command("create-user")
@click.option("--name", required=True, help="Full name.")
@click.option("--email", required=True, help="Email, used to log in.")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice([r.value for r in Role]), help="Role; repeat for several.")
@click.option("--team", default=None, help="Team of a staff member (created if missing).")
@click.option("--supervises", multiple=True, help="Team a supervisor supervises; repeat for several.")
@click.option("--language", default="en", type=click.Choice(["en", "id", "pl"]))
@click.password_option(help="Password (asked for when not given).")
def create_user_command(name, email, roles, team, supervises, language, password):
    """Create a user, e.g. the first admin of a new install."""
    from sqlalchemy import func, select

    from bro.auth.forms import MIN_PASSWORD_LENGTH
    from bro.models.people import User
    from bro.people import create_user, get_or_create_team

    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.UsageError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if db.session.execute(select(User.id).where(func.lower(User.email) == email.strip().lower())).first():
        raise click.UsageError(f"a user with email {email} exists already")
    if "staff" in roles and not team:
        raise click.UsageError("a staff member belongs to a team: add --team NAME")
    if "supervisor" in roles and not supervises:
        raise click.UsageError("a supervisor supervises at least one team: add --supervises NAME")
    user = create_user(name, email, password, roles, language=language,
                       team=get_or_create_team(team) if team else None,
                       supervises=[get_or_create_team(t) for t in supervises])
    db.session.commit()
    click.echo(f"Created {user.name} <{user.email}> with roles: {', '.join(sorted(roles))}")


@bro_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing unless the database has no users.")
def demo_command(if_empty):
    """Create a demo organisation with random passwords, printed once."""
    from bro.demo import database_is_empty, seed_demo

    if not database_is_empty():
        if if_empty:
            click.echo("The database has users already: no demo data added.")
            return
        raise click.UsageError("the database has users already; the demo needs an empty database")
    context = seed_demo()
    db.session.commit()
    click.echo("Demo organisation created. These passwords are shown once — note them now:")
    width = max(len(email) for _, email, _ in context.credentials)
    for roles, email, password in context.credentials:
        click.echo(f"  {email.ljust(width)}  {password}   ({roles})")


def register_cli(app: Flask) -> None:
    from bro.authoring.cli import curricula_cli

    from bro.authoring.convert_cli import from_aiken_command, from_gift_command

    curricula_cli.add_command(from_gift_command)
    curricula_cli.add_command(from_aiken_command)
    bro_cli.add_command(curricula_cli)
    from bro.training.cli import training_cli
    bro_cli.add_command(training_cli)
    from bro.interactions.cli import interactions_cli
    bro_cli.add_command(interactions_cli)
    from bro.notifications.cli import notify_command
    bro_cli.add_command(notify_command)
    from bro.xapi.cli import xapi_cli
    bro_cli.add_command(xapi_cli)
    app.cli.add_command(bro_cli)

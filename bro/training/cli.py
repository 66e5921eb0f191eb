"""`flask bro training ...` commands."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from bro import clock
from bro.extensions import db

training_cli = AppGroup("training", help="Training: assignments and certificates.")


@training_cli.command("expire")
def expire_command():
    """Re-assign the course of every expired certificate (recertification)."""
    from bro.training.operations import expire_certificates

    created = expire_certificates(clock.today())
    db.session.commit()
    click.echo(f"{len(created)} recertification assignment(s) created.")

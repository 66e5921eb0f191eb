"""`flask bro xapi sync` (derive new statements, send them to the LRS) and `flask bro xapi export`."""
from __future__ import annotations

import json
import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from bro.extensions import db

xapi_cli = AppGroup("xapi", help="Learning activity as xAPI statements.")


@xapi_cli.command("sync")
def sync_command():
    """Store the statements of new learning activity and send unsent ones to BRO_LRS_URL (retried later when
    the LRS fails). Run it every 15 minutes with `flask bro notify`."""
    from bro.xapi.collect import collect
    from bro.xapi.send import lrs_settings, send_pending

    added = collect()
    db.session.commit()
    sent, failed = send_pending()
    db.session.commit()
    if lrs_settings() is None:
        click.echo(f"{added} new statements stored; no LRS configured (set BRO_LRS_URL to send them).")
    else:
        click.echo(f"{added} new statements stored; {sent} sent, {failed} to retry.")
        if failed:
            sys.exit(1)


@xapi_cli.command("export")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-", help="File (default: stdout).")
def export_command(output):
    """Every stored statement as a JSON array."""
    from bro.models.xapi import XapiStatement

    rows = db.session.execute(select(XapiStatement.statement).order_by(XapiStatement.stored_at,
                                                                       XapiStatement.id)).scalars()
    json.dump(list(rows), output, ensure_ascii=False, indent=1)
    output.write("\n")

"""`flask bro notify`: collect every notification due and send the email, once; run it every 15 minutes."""
from __future__ import annotations

import os

import click
from flask import current_app

from bro.extensions import db


@click.command("notify")
@click.option("--base-url", default=lambda: os.environ.get("BRO_BASE_URL", "http://127.0.0.1:5000"),
              show_default="BRO_BASE_URL or http://127.0.0.1:5000", help="The address people open bro at.")
def notify_command(base_url: str):
    """Collect new notifications for everyone and email them (each, or the daily digest). Running it twice
    sends nothing twice, also on several servers at once (a PostgreSQL advisory lock; on SQLite the write lock)."""
    from bro.notifications.collect import collect
    from bro.notifications.mail import outbox_path, send_pending

    from bro.database import run_once_across_servers

    base_url = base_url.rstrip("/")
    with current_app.test_request_context("/", base_url=base_url):
        # Several servers may run this from cron: one does the work, the others stop here (README "Running on
        # several servers").
        if not run_once_across_servers(db.session, "notify"):
            db.session.rollback()
            click.echo("Another server is sending notifications right now: nothing done here.")
            return
        added = collect()
        sent = send_pending(base_url)
        db.session.commit()
    where = "" if (current_app.config.get("BRO_SMTP_URL") or os.environ.get("BRO_SMTP_URL")) else \
        f" (written to {outbox_path()})"
    click.echo(f"{added} new notifications; {sent} emails sent{where}.")

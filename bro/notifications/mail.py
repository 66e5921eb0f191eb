"""Email for notifications: one message each, or one daily digest, in the recipient's language.

With SMTP configured (BRO_SMTP_URL such as smtp://user:password@mail.example.com:587?starttls=1, or
smtps://... for TLS from the start) mail goes out through Flask-Mailman's SMTP backend. Without it, every
message is written as an .eml file to instance/outbox/, which any mail program opens.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from flask_mailman import EmailMessage, Mail
from sqlalchemy import select

from bro import clock
from bro.extensions import db
from bro.models.notifications import Notification, NotificationSetting
from bro.models.people import User
from bro.notifications.kinds import sentence

mail = Mail()  # Flask-Mailman, initialised with the notifications blueprint
DIGEST_EVERY = timedelta(hours=23)  # a little under a day, so a daily timer never skips a day


def smtp_settings(url: str) -> dict:
    """Flask-Mailman SMTP backend settings from smtp://user:password@host:port?starttls=1 (or smtps://)."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError("BRO_SMTP_URL must start with smtp:// or smtps://")
    query = parse_qs(parts.query)
    return {"host": parts.hostname or "localhost", "port": parts.port or (465 if parts.scheme == "smtps" else 25),
            "username": unquote(parts.username) if parts.username else None,
            "password": unquote(parts.password) if parts.password else None,
            "use_ssl": parts.scheme == "smtps",
            "use_tls": parts.scheme == "smtp" and query.get("starttls", ["0"])[0] in ("1", "true", "yes"),
            "timeout": 30}


def outbox_path() -> Path:
    return Path(current_app.instance_path) / "outbox"


def _deliver(messages: list[tuple[str, EmailMessage]]) -> None:
    url = current_app.config.get("BRO_SMTP_URL") or os.environ.get("BRO_SMTP_URL")
    if url:
        from flask_mailman.backends.smtp import EmailBackend

        with EmailBackend(**smtp_settings(url)) as connection:
            connection.send_messages([message for _name, message in messages])
        return
    folder = outbox_path()
    folder.mkdir(parents=True, exist_ok=True)
    for name, message in messages:
        (folder / f"{name}.eml").write_bytes(message.message().as_bytes())


def _message(user: User, subject: str, lines: list[tuple[str, str]], base_url: str) -> EmailMessage:
    body = render_template("notifications/email.txt", user=user, lines=lines, base_url=base_url)
    sender = current_app.config.get("BRO_MAIL_FROM") or os.environ.get("BRO_MAIL_FROM") or "bro@localhost"
    message = EmailMessage(subject=subject, body=body, from_email=sender, to=[f"{user.name} <{user.email}>"])
    message.encoding = "utf-8"
    message.extra_headers = {"Content-Language": user.language, "Auto-Submitted": "auto-generated"}
    return message


def send_pending(base_url: str, now: datetime | None = None) -> int:
    """Mail what is due: each unmailed notification on its own, or a digest once a day. Returns messages sent.
    Marks what it mailed, so a second run sends nothing twice."""
    now = now or clock.utcnow()
    pending = db.session.execute(
        select(Notification, User).join(User, User.id == Notification.user_id)
        .where(Notification.emailed_at.is_(None), User.active.is_(True))
        .order_by(Notification.user_id, Notification.id)).all()
    settings = {row.user_id: row for row in db.session.execute(select(NotificationSetting)).scalars()}
    by_user: dict[int, tuple[User, list[Notification]]] = {}
    for notification, user in pending:
        by_user.setdefault(user.id, (user, []))[1].append(notification)
    outgoing: list[tuple[str, EmailMessage]] = []
    stamp = now.strftime("%Y%m%dT%H%M%S")
    for user, notifications in by_user.values():
        setting = settings.get(user.id)
        choice = setting.email if setting else "each"
        if choice == "off":
            for notification in notifications:
                notification.emailed_at = now
            continue
        with force_locale(user.language or "en"):
            if choice == "digest":
                if setting.last_digest_at and now - setting.last_digest_at < DIGEST_EVERY:
                    continue
                lines = [(sentence(n.kind, n.params), n.url) for n in notifications]
                subject = gettext("bro: your daily summary (%(num)d)", num=len(lines))
                outgoing.append((f"{stamp}-{user.id}-digest", _message(user, subject, lines, base_url)))
                setting.last_digest_at = now
            else:
                for n in notifications:
                    text = sentence(n.kind, n.params)
                    outgoing.append((f"{stamp}-{user.id}-{n.id}",
                                     _message(user, "bro: " + text, [(text, n.url)], base_url)))
        for notification in notifications:
            notification.emailed_at = now
    _deliver(outgoing)
    db.session.flush()
    return len(outgoing)

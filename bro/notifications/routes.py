"""The notification list (read and unread), marking read, email choice, and the bell in the page header."""
from __future__ import annotations

import time

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select, update
from wtforms import RadioField, SubmitField

from bro import clock
from bro.access import roles_required
from bro.database import commit_side_write
from bro.extensions import db
from bro.models.notifications import EMAIL_CHOICES, Notification, NotificationSetting
from bro.models.people import Role
from bro.notifications.collect import collect, unread_count
from bro.notifications.kinds import sentence
from bro.notifications.mail import mail
from bro.pagination import paginate

bp = Blueprint("notifications", __name__, url_prefix="/notifications", template_folder="templates")
bp.record_once(lambda state: mail.init_app(state.app))
ALL_ROLES = (Role.staff, Role.supervisor, Role.trainer)
COLLECT_EVERY_SECONDS = 60
COLLECT_ON = {"home.index", "notifications.index"}
EMAIL_LABELS = {"each": _l("An email for each notification"), "digest": _l("One email a day with a summary"),
                "off": _l("No email: only here")}


class EmailChoiceForm(FlaskForm):
    email = RadioField(_l("Email"), choices=[(key, EMAIL_LABELS[key]) for key in EMAIL_CHOICES], default="each")
    submit = SubmitField(_l("Save"))


class MarkReadForm(FlaskForm):
    submit = SubmitField(_l("Mark all as read"))


@bp.app_context_processor
def notification_bell():
    """The unread count for the header (one query). The signed-in user's new events are collected on the home
    page and the notification list, at most once a minute, so other pages keep their query budgets."""
    if not current_user.is_authenticated:
        return {}
    last = session.get("notifications_collected", 0)
    # Only on GET: a POST re-rendering its form may hold unfinished work that a commit here would keep.
    if request.method == "GET" and request.endpoint in COLLECT_ON and time.time() - last > COLLECT_EVERY_SECONDS:
        session["notifications_collected"] = time.time()
        commit_side_write(lambda: collect(clock.today(), {current_user.id}) >= 0)
    return {"unread_notifications": unread_count(current_user)}


@bp.route("/")
@roles_required(*ALL_ROLES)
def index():
    page = paginate(select(Notification).where(Notification.user_id == current_user.id)
                    .order_by(Notification.read_at.is_not(None), Notification.id.desc()))
    setting = db.session.get(NotificationSetting, current_user.id)
    return render_template("notifications/index.html", page=page, sentence=sentence, mark_form=MarkReadForm(),
                           email_form=EmailChoiceForm(email=setting.email if setting else "each"))


@bp.route("/<int:notification_id>/open", methods=["POST"])
@roles_required(*ALL_ROLES)
def open_notification(notification_id: int):
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id or not MarkReadForm().validate_on_submit():
        abort(404)
    notification.read_at = notification.read_at or clock.utcnow()
    db.session.commit()
    return redirect(notification.url if notification.url.startswith("/") else url_for("notifications.index"))


@bp.route("/read", methods=["POST"])
@roles_required(*ALL_ROLES)
def mark_all_read():
    if MarkReadForm().validate_on_submit():
        db.session.execute(update(Notification).where(Notification.user_id == current_user.id,
                                                      Notification.read_at.is_(None)).values(read_at=clock.utcnow()))
        db.session.commit()
        flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/email", methods=["POST"])
@roles_required(*ALL_ROLES)
def email_choice():
    form = EmailChoiceForm()
    if form.validate_on_submit():
        setting = db.session.get(NotificationSetting, current_user.id)
        if setting is None:
            setting = NotificationSetting(user_id=current_user.id)
            db.session.add(setting)
        setting.email = form.email.data
        db.session.commit()
        flash(_("Your email choice is saved."), "success")
    else:
        flash(_("Choose how you want to be emailed."), "error")
    return redirect(url_for("notifications.index"))

"""Coaching pages: the list, planning a session with its agenda, recording it, acknowledging, following up."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from bro import clock
from bro.access import RecordViews, roles_required, visible_team_ids
from bro.audits.forms import RATING_LABELS
from bro.coaching import operations as ops
from bro.coaching.forms import AcknowledgeSessionForm, PlanSessionForm, RecordSessionForm
from bro.extensions import db
from bro.models.coaching import CoachingSession
from bro.models.people import Role, User
from bro.submissions import first_submission, saved

bp = Blueprint("coaching", __name__, url_prefix="/coaching", template_folder="templates")

RATING_BADGES = {"met": "badge-ok", "partial": "badge-warn", "not_met": "badge-bad", "na": "badge-muted"}


@bp.context_processor
def coaching_template_helpers():
    return {"rating_labels": RATING_LABELS, "rating_badges": RATING_BADGES, 
            "as_date": date.fromisoformat}


def _coachable_staff() -> list[User]:
    teams = visible_team_ids(current_user)
    query = select(User).where(User.active.is_(True), User.team_id.is_not(None), User.id != current_user.id)
    if teams is not None:
        query = query.where(User.team_id.in_(teams or {-1}))
    return [user for user in db.session.execute(query.order_by(User.name)).scalars() if user.has_role(Role.staff)]


@bp.route("/")
@roles_required(Role.staff, Role.supervisor)
def index():
    return render_template("coaching/index.html", sessions=ops.sessions_for(current_user),
                           may_plan=current_user.has_role(Role.supervisor) or current_user.is_admin)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.supervisor)
def new():
    form = PlanSessionForm()
    form.staff.offer(_coachable_staff())
    if request.method == "GET" and request.args.get("staff", "").isdigit():
        form.staff.data = int(request.args["staff"][:12])
    chosen = form.staff.record
    if form.validate_on_submit():
        if chosen is None:
            abort(404)
        if (earlier := first_submission(form)) is not None:
            return redirect(earlier)
        try:
            session = ops.plan_session(chosen, by=current_user, scheduled_for=form.scheduled_for.data)
        except ops.CoachingRefused as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
        else:
            return saved(form, url_for("coaching.show", session_id=session.id), _("Coaching session planned with %(name)s.", name=chosen.name))
    agenda = ops.build_agenda(chosen, clock.today()) if chosen is not None else None
    return render_template("coaching/new.html", form=form, chosen=chosen, agenda=agenda), \
        400 if request.method == "POST" else 200


def _session_or_404(session_id: int) -> CoachingSession:
    session = db.session.execute(
        select(CoachingSession).where(CoachingSession.id == session_id)
        .options(joinedload(CoachingSession.staff), joinedload(CoachingSession.supervisor),
                 selectinload(CoachingSession.actions))
    ).scalar_one_or_none()
    if session is None or not ops.may_see(current_user, session):
        abort(404)
    return session


session_pages = RecordViews(bp, "session_id", _session_or_404)


def _render(session: CoachingSession, record_form=None, acknowledge_form=None, status: int = 200):
    is_coach = current_user.id == session.supervisor_id or current_user.is_admin
    return render_template(
        "coaching/show.html", session=session, follow_ups=ops.follow_up(session) if session.held_at else [],
        record_form=record_form or (RecordSessionForm(notes=session.notes) if is_coach else None),
        acknowledge_form=acknowledge_form or AcknowledgeSessionForm(), is_coach=is_coach,
        is_staff=current_user.id == session.staff_id, today=clock.today()), status


session_pages.page(_render, Role.staff, Role.supervisor)


@session_pages.route("/record", Role.supervisor, methods=["POST"])
def record(session: CoachingSession):
    form = RecordSessionForm()
    if form.validate_on_submit():
        actions = []
        for row in form.actions:
            text, due_on = (row.form.text.data or "").strip(), row.form.due_on.data
            if text and due_on is None:
                row.form.due_on.errors = [_("Give the action a due date.")]
            elif text:
                actions.append((text, due_on))
        if not any(row.form.due_on.errors for row in form.actions):
            try:
                ops.record_session(session, by=current_user, notes=form.notes.data, actions=actions)
            except ops.CoachingRefused as refusal:
                flash(str(refusal), "error")
                return redirect(url_for("coaching.show", session_id=session.id))
            db.session.commit()
            flash(_("The session is recorded. %(name)s can now acknowledge it.", name=session.staff.name), "success")
            return redirect(url_for("coaching.show", session_id=session.id))
    return _render(session, record_form=form, status=400)


@session_pages.route("/acknowledge", Role.staff, methods=["POST"])
def acknowledge(session: CoachingSession):
    form = AcknowledgeSessionForm()
    if form.validate_on_submit():
        try:
            ops.acknowledge_session(session, by=current_user, comment=form.comment.data)
        except ops.CoachingRefused as refusal:
            flash(str(refusal), "error")
        else:
            db.session.commit()
            flash(_("You acknowledged the coaching session."), "success")
        return redirect(url_for("coaching.show", session_id=session.id))
    return _render(session, acknowledge_form=form, status=400)


def _home_sessions(user):
    """Open sessions on both people's home pages; supervisors always get the way to plan one."""
    sessions = ops.sessions_for(user, upcoming_only=True, limit=5)
    may_plan = user.has_role(Role.supervisor) or user.is_admin
    return {"sessions": sessions, "user": user, "may_plan": may_plan} if sessions or may_plan else None


"""Calibration pages: sessions, blind rating, results, each supervisor's history."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bro.access import RecordViews, roles_required
from bro.audits import calibration as ops
from bro.audits.forms import (
    RATING_LABELS, RELATIONSHIP_LABELS, CalibrationRatingForm, CalibrationSessionForm, CloseSessionForm,
    note_field_name, rating_field_name, with_rating_fields,
)
from bro.audits.operations import AuditRefused, NotAllowed
from bro.authoring.text import curriculum_text
from bro.extensions import db
from bro.models.audits import CalibrationSession
from bro.models.curricula import Standard, StandardVersion
from bro.models.people import Role, User
from bro.pagination import paginate
from bro.submissions import first_submission, saved
from bro.templating import format_score

bp = Blueprint("calibration", __name__, url_prefix="/calibration", template_folder="templates")


@bp.context_processor
def calibration_template_helpers():
    return {"rating_labels": RATING_LABELS,
            "rating_badges": {"met": "badge-ok", "partial": "badge-warn", "not_met": "badge-bad",
                              "na": "badge-muted"},
            "relationship_labels": RELATIONSHIP_LABELS, "rating_field_name": rating_field_name,
            "note_field_name": note_field_name, "agreement_label": agreement_label,
            "signed_points": signed_points}


def agreement_label(value: float | None) -> str:
    """A coefficient (kappa, AC1, alpha) with three decimals and the reader's decimal sign, or a dash."""
    if value is None:
        return "—"
    return format_decimal(value, format="0.000").replace("-", "−")  # a true minus, as the score differences


def signed_points(value) -> str:
    """A score difference in points, rounded once like every score, with its sign (+2.5, −3.0, 0.0)."""
    if value is None:
        return "—"
    shown = format_score(abs(value))
    if shown == format_score(0):
        return shown
    return ("+" if value > 0 else "−") + shown


def _visible_session(session_id: int) -> CalibrationSession:
    session = db.session.execute(
        select(CalibrationSession).where(CalibrationSession.id == session_id).options(
            selectinload(CalibrationSession.standard_version).selectinload(StandardVersion.steps),
            selectinload(CalibrationSession.participants))).scalar_one_or_none()
    if session is None or not ops.may_view(session, current_user):
        abort(404)
    return session


session_pages = RecordViews(bp, "session_id", _visible_session)


@bp.route("/")
@roles_required(Role.supervisor)
def index():
    page = paginate(ops.sessions_for(current_user))
    return render_template("calibration/index.html", page=page)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.supervisor)
def new():
    form = CalibrationSessionForm()
    versions = db.session.execute(
        select(StandardVersion).join(Standard, Standard.current_version_id == StandardVersion.id)
        .order_by(Standard.key)).scalars().all()
    form.standard_version_id.choices = [
        (v.id, f"{curriculum_text(v.title, v.language)} · {RELATIONSHIP_LABELS.get(v.relationship_kind)}")
        for v in versions]
    supervisors = db.session.execute(
        select(User).where(User.active.is_(True), User.role_rows.any(role=Role.supervisor))
        .order_by(User.name)).scalars().all()
    form.participant_ids.choices = [(u.id, u.name) for u in supervisors]
    form.benchmark_id.choices = [(0, _("No benchmark: compare with the panel's consensus"))] + \
        [(u.id, u.name) for u in supervisors]
    if request.method == "GET":
        form.participant_ids.data = [current_user.id] if current_user.has_role(Role.supervisor) else []
    problems = []
    if not versions:
        return render_template("calibration/new.html", form=None, problems=problems)
    if form.validate_on_submit():
        if (earlier := first_submission(form)) is not None:
            return redirect(earlier)
        version = db.session.get(StandardVersion, form.standard_version_id.data)
        chosen = [u for u in supervisors if u.id in set(form.participant_ids.data or [])]
        benchmark = next((u for u in supervisors if u.id == form.benchmark_id.data), None)
        try:
            session = ops.open_session(owner=current_user, reference=form.reference.data,
                                       description=form.description.data, version=version, participants=chosen,
                                       benchmark=benchmark)
        except AuditRefused as refusal:
            problems = list(refusal.problems)
            for name, message in refusal.field_problems.items():
                form[name].errors = list(form[name].errors) + [message]
        else:
            return saved(form, url_for("calibration.show", session_id=session.id), _("Calibration session opened. Each rater rates blind."))
    return render_template("calibration/new.html", form=form, problems=problems), \
        400 if request.method == "POST" else 200


def _render_session(session: CalibrationSession, form=None, problems=(), status: int = 200):
    me = ops.participant(session, current_user)
    version = session.standard_version
    if form is None and me is not None and me.submitted_at is None and session.closed_at is None:
        form = with_rating_fields(CalibrationRatingForm, version)(formdata=None)
    ratings = ops.submitted_ratings(session) if session.results_visible else {}
    report = ops.session_report(session, ratings) if session.results_visible else None
    own = {}
    if me is not None and me.submitted_at is not None and not session.results_visible:
        own = ops.submitted_ratings(session).get(current_user.id, {})
    return render_template(
        "calibration/show.html", session=session, version=version, me=me, form=form, problems=list(problems),
        report=report, ratings=ratings, own=own, close_form=CloseSessionForm(),
        may_close=(current_user.id == session.owner_id or current_user.is_admin) and session.closed_at is None
        and not session.all_submitted and any(p.submitted_at for p in session.participants),
        raters={p.user_id: p.user for p in session.participants}), status


session_pages.page(_render_session, Role.supervisor)


@session_pages.route("/rate", Role.supervisor, methods=["POST"])
def rate(session: CalibrationSession):
    if ops.participant(session, current_user) is None:  # an owner or admin who does not rate
        flash(_("You are not invited to rate in this session."), "error")
        return redirect(url_for("calibration.show", session_id=session.id))
    form = with_rating_fields(CalibrationRatingForm, session.standard_version)()
    if form.validate_on_submit():
        try:
            ops.submit_ratings(session, current_user, form.ratings(), form.step_notes())
        except NotAllowed:
            abort(403)
        except AuditRefused as refusal:
            return _render_session(session, form, refusal.problems, 400)
        db.session.commit()
        flash(_("Your ratings are submitted."), "success")
        return redirect(url_for("calibration.show", session_id=session.id))
    return _render_session(session, form, (), 400)


@session_pages.route("/close", Role.supervisor, methods=["POST"])
def close(session: CalibrationSession):
    if not CloseSessionForm().validate_on_submit():
        abort(400)
    try:
        ops.close_session(session, current_user)
    except NotAllowed:
        abort(403)
    except AuditRefused as refusal:
        flash(" ".join(refusal.problems), "error")
    else:
        db.session.commit()
        flash(_("Session closed: the results are visible to every rater."), "success")
    return redirect(url_for("calibration.show", session_id=session.id))


@bp.route("/history")
@roles_required(Role.supervisor)
def history():
    summaries = ops.calibration_history(current_user)
    selected = request.args.get("user", current_user.id, type=int)
    detail = next((s for s in summaries if s.user.id == selected), None)
    return render_template("calibration/history.html", summaries=summaries, detail=detail)


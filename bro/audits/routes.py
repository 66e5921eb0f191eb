"""Audit pages: record, list, export, read with history, acknowledge, dispute, resolve, correct, outcomes."""
from __future__ import annotations

import csv
import io

from flask import (
    Blueprint, Response, abort, flash, redirect, render_template, request, stream_with_context, url_for,
)
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from bro.access import roles_required, visible_team_ids
from bro.audits import queries
from bro.audits.forms import (
    CHANNEL_LABELS, RATING_LABELS, RELATIONSHIP_LABELS, REVISION_KIND_LABELS, STATUS_LABELS, AcknowledgeForm,
    AuditForm, DisputeForm, OutcomesForm, OutcomesImportForm, ResolveForm, RevisionForm, note_field_name,
    rated_form, rating_field_name, with_rating_fields,
)
from bro.audits.operations import (
    AuditRefused, NotAllowed, Outcomes, acknowledge_audit, can_resolve_dispute, correct_audit, dispute_audit,
    dispute_deadline, may_correct, record_audit, record_outcomes, resolve_dispute, standards_in_force,
)
from bro.audits.outcomes_import import COLUMNS, OutcomeImportError, import_outcomes_csv
from bro.clock import utcnow
from bro.extensions import db
from bro.home.sections import register_section
from bro.models.audits import RELATIONSHIPS, Audit
from bro.models.people import Role, User
from bro.pagination import paginate
from bro.submissions import first_submission, remember_submission
from bro.scoring import display_score
from bro.templating import format_score
from bro.templating import register_nav

bp = Blueprint("audits", __name__, url_prefix="/audits", template_folder="templates")

RATING_BADGES = {"met": "badge-ok", "partial": "badge-warn", "not_met": "badge-bad", "na": "badge-muted"}


@bp.context_processor
def audit_template_helpers():
    return {"localized": queries.localized, "plain_number": queries.plain_number,
            "rating_labels": RATING_LABELS, "rating_badges": RATING_BADGES, "channel_labels": CHANNEL_LABELS,
            "relationship_labels": RELATIONSHIP_LABELS, "status_labels": STATUS_LABELS,
            "revision_kind_labels": REVISION_KIND_LABELS, "rating_field_name": rating_field_name,
            "note_field_name": note_field_name}


def _apply_refusal(form, refusal: AuditRefused) -> list[str]:
    """Put field problems on the form's fields; return the others for the top of the form."""
    general = list(refusal.problems)
    for name, message in refusal.field_problems.items():
        if name in form:
            form[name].errors = list(form[name].errors) + [message]
        else:
            general.append(message)
    return general


def _visible_audit(audit_id: int) -> Audit:
    audit = queries.audit_with_history(audit_id)
    if audit is None or not queries.can_see_audit(current_user, audit):
        abort(404)
    return audit


# List and export ------------------------------------------------------------------------------------------------


@bp.route("/")
@roles_required(Role.staff, Role.supervisor)
def index():
    filters = queries.AuditFilters.from_args(request.args)
    page = paginate(queries.audit_query(current_user, filters))
    return render_template("audits/index.html", page=page, filters=filters,
                           choices=queries.filter_choices(current_user))


@bp.route("/export.csv")
@roles_required(Role.staff, Role.supervisor)
def export():
    """The filtered list as CSV, streamed in batches so a large export never sits in memory."""
    filters = queries.AuditFilters.from_args(request.args)
    query = queries.audit_query(current_user, filters).execution_options(yield_per=1000)

    def flags(audit):
        return ["" if getattr(audit, f) is None else ("yes" if getattr(audit, f) else "no")
                for f in ("repeat_purchase", "referral_made", "retained_90d")]

    def rows():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(EXPORT_COLUMNS)
        for audit in db.session.execute(query).scalars():
            writer.writerow([audit.id, audit.interacted_on.isoformat(), audit.staff.name, audit.team.name,
                             audit.auditor.name, audit.standard.key, audit.standard_version.number,
                             audit.relationship_kind, audit.channel, audit.customer_ref, display_score(audit.score),
                             "yes" if audit.passed else "no", audit.status, audit.revision_number,
                             "" if audit.csat is None else audit.csat, *flags(audit),
                             "" if audit.order_value is None else audit.order_value])
            if buffer.tell() > 64_000:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return Response(stream_with_context(rows()), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=audits.csv"})


EXPORT_COLUMNS = ["audit_id", "interacted_on", "staff", "team", "auditor", "standard", "standard_version",
                  "relationship", "channel", "customer_ref", "score", "passed", "status", "revision", "csat",
                  "repeat_purchase", "referral_made", "retained_90d", "order_value"]


# Recording ------------------------------------------------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.supervisor)
def new():
    relationship = request.values.get("relationship", "b2c")
    if relationship not in RELATIONSHIPS:
        relationship = "b2c"
    versions = standards_in_force(relationship)
    chosen = request.values.get("standard_version_id", type=int)
    version = next((v for v in versions if v.id == chosen), versions[0] if versions else None)
    # A submission for a staff member the auditor may audit checks that one member (one query); the whole
    # list is loaded only to render the form (GET, a refused submission, or no/foreign staff member chosen).
    chosen_staff = None
    if request.method == "POST" and version is not None:
        chosen_staff = queries.auditable_staff_member(current_user, request.form.get("staff_id", 0, type=int))
    staff = [chosen_staff] if chosen_staff is not None else queries.auditable_staff(current_user)
    context = {"relationship": relationship, "versions": versions, "version": version, "staff": staff,
               "problems": []}
    if version is None or not staff:
        return render_template("audits/new.html", form=None, **context)

    form = rated_form(AuditForm, version)
    _staff_choices(form, staff)
    if request.method == "GET":
        form.staff_id.data = request.args.get("staff", 0, type=int)
        form.interacted_on.data = utcnow().date()
    elif request.form.get("staff_id", 0, type=int) not in {0} | {u.id for u in staff}:
        abort(403)  # a staff member of a team the auditor does not supervise
    if request.method == "POST" and chosen and chosen != version.id:
        context["problems"].append(_("A newer version of this standard is in force: check the steps and "
                                     "submit again."))
        return _render_new(form, context), 400
    if form.validate_on_submit():
        if (earlier := first_submission(form)) is not None:
            return redirect(earlier)
        staff_member = chosen_staff or db.session.get(User, form.staff_id.data)
        try:
            audit = record_audit(auditor=current_user, staff=staff_member, version=version,
                                 relationship=relationship, channel=form.channel.data,
                                 interacted_on=form.interacted_on.data, customer_ref=form.customer_ref.data,
                                 ratings=form.ratings(), step_notes=form.step_notes(), note=form.note.data)
        except NotAllowed:
            abort(403)
        except AuditRefused as refusal:
            context["problems"] = _apply_refusal(form, refusal)
        else:
            # Read what the answer needs before the commit expires the objects (reloading them would open
            # a second transaction — on SQLite a second wait for the write lock).
            message = _("Audit recorded: %(score)s — %(result)s.", score=format_score(audit.score),
                        result=_("passed") if audit.passed else _("failed"))
            target = url_for("audits.show", audit_id=audit.id)
            remember_submission(form, target)
            db.session.commit()
            flash(message, "success")
            return redirect(target)
    status = 400 if request.method == "POST" else 200
    return _render_new(form, context), status


def _staff_choices(form, staff: list[User]) -> None:
    form.staff_id.choices = [(0, "—")] + [(u.id, f"{u.name} · {u.team.name}") for u in staff]


def _render_new(form, context: dict):
    """The audit form; a submission checked against one staff member gets the whole list back here."""
    if request.method == "POST" and len(context["staff"]) == 1:
        staff = queries.auditable_staff(current_user)
        if [u.id for u in staff] != [u.id for u in context["staff"]]:
            context["staff"] = staff
            _staff_choices(form, staff)
    return render_template("audits/new.html", form=form, **context)


# One audit ------------------------------------------------------------------------------------------------------


def _render_audit(audit: Audit, outcomes_form: OutcomesForm | None = None, status: int = 200):
    is_staff = current_user.id == audit.staff_id
    may_record_outcomes = not is_staff and queries.can_see_audit(current_user, audit) and (
        current_user.is_admin or current_user.has_role(Role.supervisor))
    if outcomes_form is None and may_record_outcomes:
        outcomes_form = OutcomesForm(formdata=None)
        outcomes_form.fill(audit)
    previous = [r for r in reversed(audit.revisions) if r.number != audit.revision_number]
    return render_template(
        "audits/show.html", audit=audit, current=audit.current_revision, previous=previous,
        steps=audit.standard_version.steps, is_staff=is_staff,
        can_answer=is_staff and audit.status == "recorded",
        can_dispute=is_staff and not audit.disputes and utcnow() <= dispute_deadline(audit),
        dispute_deadline=dispute_deadline(audit), acknowledge_form=AcknowledgeForm(),
        may_correct=may_correct(current_user, audit),
        may_resolve=audit.open_dispute is not None and can_resolve_dispute(current_user, audit),
        outcomes_form=outcomes_form if may_record_outcomes else None), status


@bp.route("/<int:audit_id>")
@roles_required(Role.staff, Role.supervisor)
def show(audit_id: int):
    return _render_audit(_visible_audit(audit_id))


@bp.route("/<int:audit_id>/acknowledge", methods=["POST"])
@roles_required(Role.staff)
def acknowledge(audit_id: int):
    audit = _visible_audit(audit_id)
    if not AcknowledgeForm().validate_on_submit():
        abort(400)
    try:
        acknowledge_audit(audit, current_user)
    except (NotAllowed, AuditRefused) as refusal:  # e.g. an admin, or answered already
        flash(str(refusal) if isinstance(refusal, NotAllowed) else " ".join(refusal.problems), "error")
        return redirect(url_for("audits.show", audit_id=audit.id))
    db.session.commit()
    flash(_("Audit acknowledged."), "success")
    return redirect(url_for("audits.show", audit_id=audit.id))


@bp.route("/<int:audit_id>/dispute", methods=["GET", "POST"])
@roles_required(Role.staff)
def dispute(audit_id: int):
    audit = _visible_audit(audit_id)
    if audit.staff_id != current_user.id:  # an admin looking at someone's audit
        flash(_("Only the audited staff member may dispute an audit."), "error")
        return redirect(url_for("audits.show", audit_id=audit.id))
    form = DisputeForm()
    problems = []
    if form.validate_on_submit():
        try:
            dispute_audit(audit, current_user, form.reason.data)
        except AuditRefused as refusal:
            problems = _apply_refusal(form, refusal)
        else:
            db.session.commit()
            flash(_("Your dispute is recorded. A supervisor will review it."), "success")
            return redirect(url_for("audits.show", audit_id=audit.id))
    return render_template("audits/dispute.html", audit=audit, form=form, problems=problems,
                           deadline=dispute_deadline(audit)), 400 if request.method == "POST" else 200


@bp.route("/<int:audit_id>/correct", methods=["GET", "POST"])
@roles_required(Role.supervisor)
def correct(audit_id: int):
    audit = _visible_audit(audit_id)
    if not may_correct(current_user, audit):
        abort(403)
    form = with_rating_fields(RevisionForm, audit.standard_version)()
    if request.method == "GET":
        form.fill_ratings(audit.current_revision)
        form.note.data = audit.current_revision.note
    problems = []
    if form.validate_on_submit():
        try:
            correct_audit(audit, by=current_user, ratings=form.ratings(), step_notes=form.step_notes(),
                          note=form.note.data, reason=form.reason.data)
        except AuditRefused as refusal:
            problems = _apply_refusal(form, refusal)
        else:
            db.session.commit()
            flash(_("Correction saved as revision %(n)d.", n=audit.revision_number), "success")
            return redirect(url_for("audits.show", audit_id=audit.id))
    return render_template("audits/correct.html", audit=audit, form=form, problems=problems,
                           version=audit.standard_version), 400 if request.method == "POST" else 200


@bp.route("/<int:audit_id>/resolve", methods=["GET", "POST"])
@roles_required(Role.supervisor)
def resolve(audit_id: int):
    audit = _visible_audit(audit_id)
    dispute = audit.open_dispute
    if dispute is None:
        flash(_("This audit has no open dispute."), "info")
        return redirect(url_for("audits.show", audit_id=audit.id))
    if not can_resolve_dispute(current_user, audit):
        abort(403)
    form = with_rating_fields(ResolveForm, audit.standard_version)()
    if request.method == "GET":
        form.fill_ratings(audit.current_revision)
    problems = []
    if form.validate_on_submit():
        upheld = form.decision.data == "upheld"
        try:
            resolve_dispute(dispute, by=current_user, upheld=upheld, reason=form.reason.data,
                            ratings=form.ratings() if upheld else None,
                            step_notes=form.step_notes() if upheld else None)
        except AuditRefused as refusal:
            problems = _apply_refusal(form, refusal)
        else:
            db.session.commit()
            flash(_("Dispute upheld: the corrected ratings are revision %(n)d.", n=audit.revision_number)
                  if upheld else _("Dispute rejected."), "success")
            return redirect(url_for("audits.show", audit_id=audit.id))
    return render_template("audits/resolve.html", audit=audit, dispute=dispute, form=form, problems=problems,
                           version=audit.standard_version), 400 if request.method == "POST" else 200


@bp.route("/<int:audit_id>/outcomes", methods=["POST"])
@roles_required(Role.supervisor)
def outcomes(audit_id: int):
    audit = _visible_audit(audit_id)
    if audit.staff_id == current_user.id:
        abort(403)
    form = OutcomesForm()
    if form.validate_on_submit():
        if (earlier := first_submission(form)) is not None:
            return redirect(earlier)
        values = Outcomes(csat=form.csat.data, repeat_purchase=form.flag(form.repeat_purchase.data),
                          referral_made=form.flag(form.referral_made.data),
                          retained_90d=form.flag(form.retained_90d.data), order_value=form.order_value.data)
        try:
            record_outcomes(audit, values, current_user)
        except AuditRefused as refusal:
            problems = _apply_refusal(form, refusal)
            if problems:
                form.csat.errors = list(form.csat.errors) + problems
        else:
            remember_submission(form, url_for("audits.show", audit_id=audit.id) + "#outcomes")
            db.session.commit()
            flash(_("Outcomes saved."), "success")
            return redirect(url_for("audits.show", audit_id=audit.id) + "#outcomes")
    return _render_audit(audit, outcomes_form=form, status=400)


# Disputes and outcome import --------------------------------------------------------------------------------------


@bp.route("/disputes")
@roles_required(Role.supervisor)
def disputes():
    page = paginate(queries.open_disputes_query(current_user))
    return render_template("audits/disputes.html", page=page,
                           can_resolve={d.id: can_resolve_dispute(current_user, d.audit) for d in page.items})


@bp.route("/outcomes/import", methods=["GET", "POST"])
@roles_required(Role.supervisor)
def import_outcomes():
    form = OutcomesImportForm()
    errors = []
    if form.validate_on_submit():
        if (earlier := first_submission(form)) is not None:
            return redirect(earlier)
        raw = form.file.data.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            errors = [_("The file is not UTF-8 text: save it as CSV UTF-8 and upload it again.")]
        else:
            try:
                count = import_outcomes_csv(text, by=current_user, team_ids=visible_team_ids(current_user))
            except OutcomeImportError as error:  # raised before anything is written
                errors = [str(e) for e in error.errors]
            else:
                remember_submission(form, url_for("audits.index"))
                db.session.commit()
                flash(ngettext_outcomes(count), "success")
                return redirect(url_for("audits.index"))
    return render_template("audits/import_outcomes.html", form=form, errors=errors, columns=COLUMNS), \
        400 if request.method == "POST" else 200


def ngettext_outcomes(count: int) -> str:
    from flask_babel import ngettext

    return ngettext("Outcomes recorded for %(num)d audit.", "Outcomes recorded for %(num)d audits.", count)


# Navigation and home ---------------------------------------------------------------------------------------------

register_nav("audits.index", _l("Audits"), Role.staff, Role.supervisor)


def _my_audits(user):
    return queries.my_audits_summary(user) if user.has_role(Role.staff) else None


def _team_audits(user):
    if not user.has_role(Role.supervisor):
        return None
    summary = queries.team_audits_summary(user)
    return None if summary is None else {**summary, "percent": lambda rate: format_percent(rate)}


register_section("my-audits", "audits/_home_my_audits.html", {Role.staff}, _my_audits, order=20)
register_section("team-audits", "audits/_home_team_audits.html", {Role.supervisor}, _team_audits, order=35)

from bro.audits import demo  # noqa: E402,F401  (registers the demo step)

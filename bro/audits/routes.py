"""Audit pages: record, list, export, read with history, acknowledge, dispute, resolve, correct, outcomes."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, \
    stream_with_context, url_for
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_login import current_user

from bro.access import RecordViews, roles_required, visible_or_404, visible_team_ids
from bro.audits import queries
from bro.audits.forms import (
    CHANNEL_LABELS,
    EVENT_LABELS,
    RATING_LABELS,
    RELATIONSHIP_LABELS,
    REVISION_KIND_LABELS,
    STATUS_LABELS,
    AcknowledgeForm,
    AuditForm,
    DisputeForm,
    OutcomesApplyForm,
    OutcomesForm,
    OutcomesImportForm,
    ReopenForm,
    ResolveForm,
    RevisionForm,
    note_field_name,
    rated_form,
    rating_field_name,
    with_rating_fields,
)
from bro.audits.operations import (
    ANSWERABLE,
    AuditRefused,
    ConcurrentChange,
    NotAllowed,
    Outcomes,
    acknowledge_audit,
    audit_interaction,
    audit_target,
    can_resolve_dispute,
    correct_audit,
    correction_deadline,
    correction_refusal,
    plan_retraining,
    dispute_audit,
    dispute_deadline,
    is_auditor_or_admin,
    record_outcomes,
    reopen_audit,
    reopen_refusal,
    resolve_dispute,
)
from bro.audits.outcomes_import import (
    COLUMNS,
    OutcomeImportError,
    apply_outcomes_import,
    plan_outcomes_import,
    read_upload,
    sign_upload,
)
from bro.authoring.text import curriculum_text
from bro.clock import utcnow
from bro.csvout import stream_csv
from bro.database import begin_writes
from bro.extensions import db
from bro.interactions.queries import interaction_with_transcript
from bro.models.audits import Audit
from bro.models.people import Role, User
from bro.pagination import filtered_list_page, paginate
from bro.submissions import first_submission, saved
from bro.templating import format_score

bp = Blueprint("audits", __name__, url_prefix="/audits", template_folder="templates")

RATING_BADGES = {"met": "badge-ok", "partial": "badge-warn", "not_met": "badge-bad", "na": "badge-muted"}


@bp.context_processor
def audit_template_helpers():
    return {"rating_labels": RATING_LABELS, "rating_badges": RATING_BADGES, "channel_labels": CHANNEL_LABELS,
            "relationship_labels": RELATIONSHIP_LABELS, "status_labels": STATUS_LABELS,
            "revision_kind_labels": REVISION_KIND_LABELS, "event_labels": EVENT_LABELS,
            "rating_field_name": rating_field_name, "note_field_name": note_field_name,
            "outcome_value": queries.outcome_value}


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


audit_pages = RecordViews(bp, "audit_id", _visible_audit)


# List and export ------------------------------------------------------------------------------------------------


@bp.route("/")
@roles_required(Role.staff, Role.supervisor)
def index():
    return filtered_list_page("audits/index.html", queries.AuditFilters, queries.audit_query, queries.filter_choices)


@bp.route("/export.csv")
@roles_required(Role.staff, Role.supervisor)
def export():
    """The filtered list as CSV, streamed in batches so a large export never sits in memory."""
    rows = queries.export_rows(current_user, queries.AuditFilters.from_args(request.args))
    return Response(stream_with_context(stream_csv(rows)), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=audits.csv"})


# Recording ------------------------------------------------------------------------------------------------------


def _interaction_to_audit():
    """The imported interaction this audit rates (``?interaction=ID``, kept in the form), or None; 404 when the
    auditor may not see it, and a redirect to its audit when it is audited already."""
    interaction_id = request.values.get("interaction", type=int)
    if interaction_id is None:
        return None
    interaction = visible_or_404(interaction_with_transcript(interaction_id) if 0 < interaction_id < 2**63 else None)
    if interaction.staff_id == current_user.id:
        abort(404)
    return interaction


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.supervisor)
def new():
    # Reads first (the user, the standard, the staff member, the form), then `begin_writes` before the first write.
    interaction = _interaction_to_audit()
    if interaction is not None and interaction.audit_id is not None:
        flash(_("This interaction is audited already."), "info")
        return redirect(url_for("audits.show", audit_id=interaction.audit_id))
    target = audit_target(request.values.get("relationship"), request.values.get("standard_version_id", type=int),
                          interaction)
    version = target.version
    # A submission for a staff member the auditor may audit checks that one member (one query); the whole
    # list is loaded only to render the form (GET, a refused submission, or no/foreign staff member chosen).
    chosen_staff = None
    if request.method == "POST" and version is not None:
        chosen_staff = queries.auditable_staff_member(current_user, request.form.get("staff_id", 0, type=int))
    staff = [chosen_staff] if chosen_staff is not None else queries.auditable_staff(current_user)
    context = {"relationship": target.relationship, "versions": target.versions, "version": version,
               "staff": staff, "problems": [], "interaction": interaction}
    if version is None or not staff:
        return render_template("audits/new.html", form=None, **context)

    form = rated_form(AuditForm, version)
    _staff_choices(form, staff)
    if request.method == "GET":
        form.prefill(interaction, staff_id=request.args.get("staff", 0, type=int), today=utcnow().date())
    elif request.form.get("staff_id", 0, type=int) not in {0} | {u.id for u in staff}:
        abort(403)  # a staff member of a team the auditor does not supervise
    if request.method == "POST" and target.replaced:
        context["problems"].append(_("A newer version of this standard is in force: check the steps and "
                                     "submit again."))
        return _render_new(form, context), 400
    if form.validate_on_submit():
        staff_member = chosen_staff or db.session.get(User, form.staff_id.data)
        # The retraining this audit decides is read now, before the write lock (RetrainingPlan: the race).
        plan = plan_retraining(staff_member, version, form.interacted_on.data, form.ratings())
        begin_writes(db.session)  # everything above only read: now take the write lock (SQLite) and write
        if (earlier := first_submission(form)) is not None:
            return redirect(earlier)
        try:
            audit = audit_interaction(
                interaction, auditor=current_user, staff=staff_member,
                version=version, relationship=target.relationship, channel=form.channel.data,
                interacted_on=form.interacted_on.data, customer_ref=form.customer_ref.data,
                ratings=form.ratings(), step_notes=form.step_notes(), note=form.note.data, plan=plan)
        except NotAllowed:
            abort(403)
        except AuditRefused as refusal:
            context["problems"] = _apply_refusal(form, refusal)
        else:
            # Read what the answer needs before the commit expires the objects (reloading them would open
            # a second transaction — on SQLite a second wait for the write lock).
            score = format_score(audit.exact_score)
            message = _("Audit recorded: %(score)s — passed.", score=score) if audit.passed \
                else _("Audit recorded: %(score)s — failed.", score=score)
            shown_at = url_for("audits.show", audit_id=audit.id)
            return saved(form, shown_at, message)
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
    now = utcnow()
    may_record_outcomes = not is_staff and queries.can_see_audit(current_user, audit) and (
        current_user.is_admin or current_user.has_role(Role.supervisor))
    if outcomes_form is None and may_record_outcomes:
        outcomes_form = OutcomesForm(formdata=None)
        outcomes_form.fill(audit)
    answerable = audit.status in ANSWERABLE
    return render_template(
        "audits/show.html", audit=audit, current=audit.current_revision,
        revisions={r.number: r for r in audit.revisions}, steps=audit.standard_version.steps, is_staff=is_staff,
        can_answer=is_staff and answerable,
        can_dispute=is_staff and answerable and now <= dispute_deadline(audit),
        dispute_deadline=dispute_deadline(audit), acknowledge_form=AcknowledgeForm(),
        may_correct=correction_refusal(current_user, audit, now) is None,
        correction_deadline=correction_deadline(audit) if answerable and is_auditor_or_admin(current_user, audit)
        and now <= correction_deadline(audit) else None,
        may_reopen=current_user.is_admin and reopen_refusal(current_user, audit, now) is None,
        may_resolve=audit.open_dispute is not None and can_resolve_dispute(current_user, audit),
        outcomes_form=outcomes_form if may_record_outcomes else None), status


audit_pages.page(_render_audit, Role.staff, Role.supervisor)


@audit_pages.route("/acknowledge", Role.staff, methods=["POST"])
def acknowledge(audit: Audit):
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


@audit_pages.route("/dispute", Role.staff, methods=["GET", "POST"])
def dispute(audit: Audit):
    if audit.staff_id != current_user.id:  # an admin looking at someone's audit
        flash(_("Only the audited staff member may dispute an audit."), "error")
        return redirect(url_for("audits.show", audit_id=audit.id))
    if audit.status not in ANSWERABLE:
        if audit.open_dispute is not None:  # e.g. a second click on "Dispute audit"
            flash(_("Your dispute is recorded already. A supervisor will review it."), "info")
        elif audit.status == "acknowledged":
            flash(_("You acknowledged this audit: it is final. An admin can reopen it if it is wrong."), "error")
        else:
            flash(_("This audit has been disputed already; an audit can be disputed once."), "error")
        return redirect(url_for("audits.show", audit_id=audit.id))
    form = DisputeForm()
    problems = []
    chosen_steps = {key: request.form.get(f"step-reason-{key}", "")[:2000]
                    for key in request.form.getlist("dispute-step")[:200]}
    if form.validate_on_submit():
        try:
            dispute_audit(audit, current_user, form.reason.data, steps=chosen_steps or None)
        except ConcurrentChange:  # a double click: the first click's dispute stands
            db.session.rollback()
            flash(_("Your dispute is recorded already. A supervisor will review it."), "info")
            return redirect(url_for("audits.show", audit_id=audit.id))
        except AuditRefused as refusal:
            problems = _apply_refusal(form, refusal)
        else:
            db.session.commit()
            flash(_("Your dispute is recorded. A supervisor will review it."), "success")
            return redirect(url_for("audits.show", audit_id=audit.id))
    return render_template("audits/dispute.html", audit=audit, form=form, problems=problems,
                           deadline=dispute_deadline(audit), steps=audit.standard_version.steps,
                           current=audit.current_revision.ratings_by_step, chosen_steps=chosen_steps), \
        400 if request.method == "POST" else 200


@audit_pages.route("/correct", Role.supervisor, methods=["GET", "POST"])
def correct(audit: Audit):
    if not is_auditor_or_admin(current_user, audit):
        abort(403)
    refusal = correction_refusal(current_user, audit)
    if refusal:  # disputed, answered, final or past the window: the audit page says what can happen
        flash(refusal, "error")
        return redirect(url_for("audits.show", audit_id=audit.id) + "#history")
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
                           version=audit.standard_version, deadline=correction_deadline(audit)), \
        400 if request.method == "POST" else 200


@audit_pages.route("/reopen", Role.admin, methods=["GET", "POST"])
def reopen(audit: Audit):
    """An admin reopens a final audit, with a reason kept in its history."""
    refusal = reopen_refusal(current_user, audit)
    if refusal:
        flash(refusal, "error")
        return redirect(url_for("audits.show", audit_id=audit.id) + "#history")
    form = ReopenForm()
    problems = []
    if form.validate_on_submit():
        try:
            reopen_audit(audit, by=current_user, reason=form.reason.data)
        except AuditRefused as refusal:
            problems = _apply_refusal(form, refusal)
        else:
            db.session.commit()
            flash(_("Audit reopened: the auditor may correct it, and the staff member answers it again."),
                  "success")
            return redirect(url_for("audits.show", audit_id=audit.id) + "#history")
    return render_template("audits/reopen.html", audit=audit, form=form, problems=problems), \
        400 if request.method == "POST" else 200


@audit_pages.route("/resolve", Role.supervisor, methods=["GET", "POST"])
def resolve(audit: Audit):
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
    version = audit.standard_version
    return render_template("audits/resolve.html", audit=audit, dispute=dispute, form=form, problems=problems,
                           version=version, step_titles={step.key: curriculum_text(step.title, version.language)
                                                         for step in version.steps}), \
        400 if request.method == "POST" else 200


@audit_pages.route("/outcomes", Role.supervisor, methods=["POST"])
def outcomes(audit: Audit):
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
            return saved(form, url_for("audits.show", audit_id=audit.id) + "#outcomes", _("Outcomes saved."))
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
    """Step 1: upload a file; see what would change (nothing is written yet)."""
    form = OutcomesImportForm()
    errors = []
    if form.validate_on_submit():
        try:
            text = form.file.data.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            errors = [_("The file is not UTF-8 text: save it as CSV UTF-8 and upload it again.")]
        else:
            clear_empty = bool(form.clear_empty.data)
            try:
                plan = plan_outcomes_import(text, team_ids=visible_team_ids(current_user), clear_empty=clear_empty)
            except OutcomeImportError as error:
                errors = [str(e) for e in error.errors]
            else:
                token = sign_upload(current_app.config["SECRET_KEY"], text=text, user_id=current_user.id,
                                    clear_empty=clear_empty, digest=plan.digest())
                if token is None:
                    errors = [_("The file is too large to preview: import it in smaller parts.")]
                else:
                    return _render_preview(plan, token, clear_empty)
    return render_template("audits/import_outcomes.html", form=form, errors=errors, columns=COLUMNS), \
        400 if request.method == "POST" else 200


def _render_preview(plan, token: str, clear_empty: bool, changed_meanwhile: bool = False, status: int = 200):
    apply_form = OutcomesApplyForm(formdata=None, token=token)
    return render_template("audits/import_outcomes_preview.html", plan=plan, form=apply_form,
                           clear_empty=clear_empty, changed_meanwhile=changed_meanwhile), status


@bp.route("/outcomes/import/apply", methods=["POST"])
@roles_required(Role.supervisor)
def apply_outcomes():
    """Step 2: write exactly what the preview showed, all or nothing."""
    form = OutcomesApplyForm()
    upload = read_upload(current_app.config["SECRET_KEY"], form.token.data or "", user_id=current_user.id) \
        if form.validate_on_submit() else None
    if upload is None:
        flash(_("The preview has expired or is not valid: upload the file again."), "error")
        return redirect(url_for("audits.import_outcomes"))
    if (earlier := first_submission(form)) is not None:  # "Apply" sent twice
        return redirect(earlier)
    clear_empty = bool(upload.get("clear"))
    try:
        plan = plan_outcomes_import(upload["text"], team_ids=visible_team_ids(current_user), clear_empty=clear_empty)
    except OutcomeImportError as error:  # the audits changed since the preview (e.g. one more with that ref)
        return render_template("audits/import_outcomes.html", form=OutcomesImportForm(formdata=None),
                               errors=[str(e) for e in error.errors], columns=COLUMNS), 409
    if plan.digest() != upload.get("digest"):
        token = sign_upload(current_app.config["SECRET_KEY"], text=upload["text"], user_id=current_user.id,
                            clear_empty=clear_empty, digest=plan.digest())
        return _render_preview(plan, token, clear_empty, changed_meanwhile=True, status=409)
    count = apply_outcomes_import(plan, by=current_user)
    return saved(form, url_for("audits.index"), ngettext_outcomes(count))


def ngettext_outcomes(count: int) -> str:
    from flask_babel import ngettext

    return ngettext("Outcomes recorded for %(num)d audit.", "Outcomes recorded for %(num)d audits.", count)


# Home sections (registered by bro.audits.init_app) ------------------------------------------------------------------

def _my_audits(user):
    return queries.my_audits_summary(user) if user.has_role(Role.staff) else None


def _team_audits(user):
    if not user.has_role(Role.supervisor):
        return None
    summary = queries.team_audits_summary(user)
    return None if summary is None else {**summary, "percent": lambda rate: format_percent(rate)}

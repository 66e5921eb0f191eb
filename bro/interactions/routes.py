"""Interaction pages: the list, one interaction with its transcript, and the import."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from bro import clock
from bro.access import can_see_staff, roles_required, visible_or_404, visible_team_ids
from bro.authoring.text import curriculum_text
from bro.audits.forms import CHANNEL_LABELS, RELATIONSHIP_LABELS
from bro.extensions import db
from bro.interactions import queries, sampling
from bro.interactions.forms import DrawForm, InteractionImportForm, LeaveForm, PlanForm, ReassignForm
from bro.interactions.operations import import_interaction_batches
from bro.interactions.parsing import (
    COLUMNS, InteractionFileError, file_format, parse_mapping, read_interaction_batches,
)
from bro.models.curricula import Standard, StandardVersion
from bro.models.interactions import ReviewItem, SamplingDraw, SamplingPlan
from bro.models.people import Role, Team
from bro.pagination import filtered_list_page
from bro.submissions import first_submission, saved

bp = Blueprint("interactions", __name__, url_prefix="/interactions", template_folder="templates")

SPEAKER_CLASSES = {"staff": "msg-staff", "customer": "msg-customer", "system": "msg-system"}
SPEAKER_LABELS = {"staff": _l("Staff"), "customer": _l("Customer"), "system": _l("System")}


@bp.context_processor
def interaction_template_helpers():
    return {"channel_labels": CHANNEL_LABELS, "relationship_labels": RELATIONSHIP_LABELS}


@bp.app_context_processor
def transcript_helpers():
    """The transcript partial is also shown beside the audit form."""
    return {"speaker_labels": SPEAKER_LABELS, "speaker_classes": SPEAKER_CLASSES}


@bp.route("/")
@roles_required(Role.staff, Role.supervisor)
def index():
    return filtered_list_page("interactions/index.html", queries.InteractionFilters, queries.interactions_query,
                              queries.filter_choices)


@bp.route("/<int:interaction_id>")
@roles_required(Role.staff, Role.supervisor)
def show(interaction_id: int):
    interaction = queries.interaction_with_transcript(interaction_id)
    if interaction is None or not can_see_staff(current_user, interaction.staff):
        abort(404)
    return render_template("interactions/show.html", interaction=interaction)


@bp.route("/import", methods=["GET", "POST"])
@roles_required(Role.supervisor)
def import_file():
    form = InteractionImportForm()
    errors: list[str] = []
    more = 0
    if form.validate_on_submit():
        upload = form.file.data
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            errors = [_("The file is not UTF-8 text: save it as UTF-8 and upload it again.")]
        else:
            try:
                mapping = parse_mapping(form.mapping.data or "")
            except ValueError as error:
                form.mapping.errors = [str(error)]
            else:
                fmt = file_format(form.file_format.data, upload.filename or "")
                try:
                    _total, batches = read_interaction_batches(text, fmt, mapping)
                    summary = import_interaction_batches(batches, by=current_user,
                                                         team_ids=visible_team_ids(current_user),
                                                         kind="line" if fmt == "jsonl" else "row")
                except InteractionFileError as error:  # nothing written stays: rolled back
                    db.session.rollback()
                    errors, more = [str(problem) for problem in error.problems], error.more
                else:
                    db.session.commit()
                    flash(ngettext("%(num)d interaction imported", "%(num)d interactions imported", summary.created)
                          + "; " + ngettext("%(num)d was imported before and skipped.",
                                            "%(num)d were imported before and skipped.", summary.already_imported),
                          "success")
                    return redirect(url_for("interactions.index"))
    status = 400 if request.method == "POST" else 200
    return render_template("interactions/import.html", form=form, errors=errors, more=more, columns=COLUMNS), status


# Sampling plans, draws, review queues and leave -----------------------------------------------------------------


def _standards() -> list[tuple[int, str]]:
    versions = db.session.execute(
        select(StandardVersion).join(Standard, Standard.current_version_id == StandardVersion.id)
        .options(joinedload(StandardVersion.standard))
    ).scalars().all()
    return sorted(((v.standard_id, curriculum_text(v.title, v.language)) for v in versions), key=lambda pair: pair[1])


def _visible_teams() -> list[Team]:
    teams = visible_team_ids(current_user)
    query = select(Team).order_by(Team.name)
    if teams is not None:
        query = query.where(Team.id.in_(teams or {-1}))
    return db.session.execute(query).scalars().all()


def _plan_or_404(plan_id: int) -> SamplingPlan:
    return visible_or_404(db.session.get(SamplingPlan, plan_id))


@bp.route("/plans", methods=["GET", "POST"])
@roles_required(Role.supervisor)
def plans():
    form = PlanForm()
    form.team.offer(_visible_teams())
    form.standard.choices = _standards()
    if form.validate_on_submit():
        team = form.team.record
        if team is None:
            abort(404)
        if (earlier := first_submission(form)) is not None:
            return redirect(earlier)
        try:
            plan = sampling.set_plan(team=team, standard_id=form.standard.data, per_staff=form.per_staff.data,
                                     period=form.period.data, by_channel=form.by_channel.data, by=current_user)
        except sampling.SamplingRefused as refusal:
            form.per_staff.errors = [str(refusal)]
        else:
            return saved(form, url_for("interactions.plan", plan_id=plan.id), _("The sampling plan is saved."))
    team_ids = [team.id for team in form.team.records]
    active = db.session.execute(
        select(SamplingPlan).where(SamplingPlan.team_id.in_(team_ids or [-1]), SamplingPlan.retired_at.is_(None))
        .options(joinedload(SamplingPlan.team)).order_by(SamplingPlan.team_id, SamplingPlan.standard_id)
    ).scalars().all()
    return render_template("interactions/plans.html", form=form, plans=active,
                           standard_names=dict(form.standard.choices)), 400 if form.errors else 200


@bp.route("/plans/<int:plan_id>", methods=["GET", "POST"])
@roles_required(Role.supervisor)
def plan(plan_id: int):
    plan = _plan_or_404(plan_id)
    leave_form = LeaveForm(prefix="leave")
    leave_form.staff.offer(user for user in sampling.team_staff(plan.team_id) if user.has_role(Role.staff))
    if leave_form.validate_on_submit():
        person = leave_form.staff.record
        if person is None:
            abort(404)
        try:
            sampling.record_leave(person, leave_form.starts_on.data, leave_form.ends_on.data, by=current_user)
        except sampling.SamplingRefused as refusal:
            leave_form.ends_on.errors = [str(refusal)]
        else:
            db.session.commit()
            flash(_("Leave recorded: %(name)s's interactions on those days are not drawn.", name=person.name),
                  "success")
            return redirect(url_for("interactions.plan", plan_id=plan.id))
    today = clock.today()
    start, end = sampling.period_bounds(plan.period, today)
    draws = db.session.execute(
        select(SamplingDraw).where(SamplingDraw.plan_id == plan.id).order_by(SamplingDraw.period_start.desc())
    ).scalars().all()
    progress = sampling.plan_progress(plan, today)
    return render_template(
        "interactions/plan.html", plan=plan, draws=draws, progress=progress, draw_form=DrawForm(),
        leave_form=leave_form, period_start=start, period_end=end - timedelta(days=1),
        drawn_now=any(d.period_start == start for d in draws), standard_name=dict(_standards()).get(plan.standard_id),
        per_week=sampling.audits_per_week(plan, sum(1 for p in progress if not p.on_leave)),
    ), 400 if leave_form.errors else 200


@bp.route("/plans/<int:plan_id>/draw", methods=["POST"])
@roles_required(Role.supervisor)
def draw(plan_id: int):
    plan = _plan_or_404(plan_id)
    if DrawForm().validate_on_submit():
        try:
            sample_draw = sampling.draw_period(plan, clock.today(), by=current_user)
        except sampling.SamplingRefused as refusal:
            flash(str(refusal), "error")
        else:
            count = db.session.execute(select(func.count(ReviewItem.id))
                                       .where(ReviewItem.draw_id == sample_draw.id)).scalar()
            db.session.commit()
            flash(ngettext("%(num)d interaction drawn into the review queues.",
                           "%(num)d interactions drawn into the review queues.", count), "success")
    return redirect(url_for("interactions.plan", plan_id=plan.id))


@bp.route("/queue")
@roles_required(Role.supervisor)
def queue():
    items = sampling.queue_items(current_user)
    today = clock.today()
    forms = {}
    for item in items:
        form = ReassignForm(prefix=f"item-{item.id}")
        form.assignee.offer(user for user in sampling.team_supervisors(item.interaction.team_id)
                            if user.id != current_user.id)
        forms[item.id] = form
    plans_shown = db.session.execute(
        select(SamplingPlan).where(SamplingPlan.team_id.in_({item.interaction.team_id for item in items} or {-1}),
                                   SamplingPlan.retired_at.is_(None))
    ).scalars().all()
    return render_template("interactions/queue.html", items=items, today=today, forms=forms,
                           progress={plan.id: sampling.plan_progress(plan, today) for plan in plans_shown},
                           plans=plans_shown, standard_names=dict(_standards()))


@bp.route("/queue/<int:item_id>/reassign", methods=["POST"])
@roles_required(Role.supervisor)
def reassign(item_id: int):
    item = visible_or_404(db.session.get(ReviewItem, item_id), lambda item: item.interaction.team_id)
    form = ReassignForm(prefix=f"item-{item.id}")
    form.assignee.offer(sampling.team_supervisors(item.interaction.team_id))
    if form.validate_on_submit():
        to = form.assignee.record
        try:
            sampling.reassign(item, to, by=current_user)
        except sampling.SamplingRefused as refusal:
            flash(str(refusal), "error")
        else:
            db.session.commit()
            flash(_("Reassigned to %(name)s.", name=to.name), "success")
    else:
        flash(_("Choose a supervisor of the team."), "error")
    return redirect(url_for("interactions.queue"))
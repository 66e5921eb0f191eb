"""Interaction pages: the list, one interaction with its transcript, and the import."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from bro.access import can_see_staff, roles_required, visible_team_ids
from bro.audits.forms import CHANNEL_LABELS, RELATIONSHIP_LABELS
from bro.extensions import db
from bro.interactions import queries
from bro.interactions.forms import InteractionImportForm
from bro.interactions.operations import import_interactions
from bro.interactions.parsing import COLUMNS, InteractionFileError, file_format, parse_mapping, read_interactions
from bro.models.people import Role
from bro.pagination import paginate

bp = Blueprint("interactions", __name__, url_prefix="/interactions", template_folder="templates")

SPEAKER_CLASSES = {"staff": "msg-staff", "customer": "msg-customer", "system": "msg-system"}
SPEAKER_LABELS = {"staff": _l("Staff"), "customer": _l("Customer"), "system": _l("System")}


@bp.context_processor
def interaction_template_helpers():
    return {"channel_labels": CHANNEL_LABELS, "relationship_labels": RELATIONSHIP_LABELS,
            "speaker_labels": SPEAKER_LABELS, "speaker_classes": SPEAKER_CLASSES}


@bp.route("/")
@roles_required(Role.staff, Role.supervisor)
def index():
    filters = queries.InteractionFilters.from_args(request.args)
    page = paginate(queries.interactions_query(current_user, filters))
    return render_template("interactions/index.html", page=page, filters=filters,
                           choices=queries.filter_choices(current_user))


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
                    rows = read_interactions(text, fmt, mapping)
                    summary = import_interactions(rows, by=current_user, team_ids=visible_team_ids(current_user),
                                                  kind="line" if fmt == "jsonl" else "row")
                except InteractionFileError as error:  # raised before anything is written
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

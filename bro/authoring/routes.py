"""Curricula for trainers: what is imported, each version, what changed, and upload."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.utils import secure_filename

from bro.access import roles_required
from bro.authoring import queries
from bro.authoring.conversion import convert_quiz, quiz_format
from bro.authoring.forms import CompareForm, UploadForm
from bro.authoring.operations import check_upload, import_documents, make_current, set_retired, version_yaml
from bro.authoring.source import annotate_source, excerpt
from bro.authoring.text import language_label, localized_filter
from bro.curricula import CurriculumCheckError, MAX_FILE_BYTES, document_from_dict
from bro.curricula import diff as changes
from bro.curricula.schema import json_schema
from bro.extensions import db
from bro.i18n import translate_message
from bro.models.people import Role

bp = Blueprint("authoring", __name__, url_prefix="/curricula", template_folder="templates")
bp.add_app_template_filter(localized_filter, "localized")
bp.add_app_template_global(language_label, "language_label")

# Whole files up to this many lines are shown on upload; longer ones only around their errors.
FULL_LISTING_LINES = 80

CHANGE_LABELS = {
    changes.ADDED: _l("added"), changes.REMOVED: _l("removed"), changes.REWORDED: _l("reworded"),
    changes.REWEIGHTED: _l("reweighted"), changes.CRITICAL_CHANGED: _l("critical flag"),
    changes.TEACHES_CHANGED: _l("steps taught"), changes.REORDERED: _l("reordered"), changes.CHANGED: _l("changed"),
}
CHANGE_BADGES = {changes.ADDED: "badge-ok", changes.REMOVED: "badge-bad", changes.CRITICAL_CHANGED: "badge-warn",
                 changes.REWEIGHTED: "badge-warn"}
ELEMENT_LABELS = {
    "standard": _l("standard"), "step": _l("step"), "course": _l("course"), "module": _l("module"),
    "lesson": _l("lesson"), "quiz": _l("quiz"), "question": _l("question"), "certification": _l("certification"),
}


@bp.route("/")
@roles_required(Role.trainer)
def index():
    return render_template(
        "authoring/index.html",
        standards=queries.standards_with_versions(), courses=queries.courses_with_versions(),
        step_counts=queries.step_counts(), module_counts=queries.module_counts())


@bp.route("/standards/<key>/versions/<int:number>")
@roles_required(Role.trainer)
def standard_version(key: str, number: int):
    version = queries.standard_version(key, number) or abort(404)
    document = document_from_dict(version.document)
    total_weight = sum(step.weight for step in document.steps)
    return render_template("authoring/standard_version.html", version=version, standard=version.standard,
                           document=document, total_weight=total_weight)


@bp.route("/courses/<key>/versions/<int:number>")
@roles_required(Role.trainer)
def course_version(key: str, number: int):
    version = queries.course_version(key, number) or abort(404)
    document = document_from_dict(version.document)
    steps = {step.key: step for step in version.standard_version.steps} if version.standard_version else {}
    return render_template("authoring/course_version.html", version=version, course=version.course,
                           document=document, steps=steps)


@bp.route("/standards/<key>/compare")
@roles_required(Role.trainer)
def compare_standard(key: str):
    standard = queries.standard_by_key(key) or abort(404)
    return _compare("standard", standard, changes.diff_standards)


@bp.route("/courses/<key>/compare")
@roles_required(Role.trainer)
def compare_course(key: str):
    course = queries.course_by_key(key) or abort(404)
    return _compare("course", course, changes.diff_courses)


def _compare(kind: str, owner, diff):
    versions = {version.number: version for version in owner.versions}
    numbers = sorted(versions)
    form = CompareForm(numbers, request.args)
    if not request.args and len(numbers) >= 2:
        form.old.data, form.new.data = numbers[-2], numbers[-1]
    found, status = None, 200
    if len(numbers) >= 2 and (not request.args or form.validate()):
        old, new = versions[form.old.data], versions[form.new.data]
        found = diff(document_from_dict(old.document), document_from_dict(new.document))
    elif request.args:
        status = 400
    current = owner.current_version
    title = localized_filter(current.title, current.language) if current else None
    return render_template("authoring/compare.html", kind=kind, owner=owner, numbers=numbers, form=form,
                           changes=found, title=title, change_labels=CHANGE_LABELS, change_badges=CHANGE_BADGES,
                           element_labels=ELEMENT_LABELS), status


@bp.app_template_filter("thousands")
def thousands(number: int) -> str:
    """29800 -> "29,800" (or "29 800", "29.800") in the reader's language."""
    return format_decimal(number)


@bp.route("/upload", methods=["GET", "POST"])
@roles_required(Role.trainer)
def upload():
    form = UploadForm()
    if not form.is_submitted() and current_user.language in dict(form.language.choices):
        form.language.data = current_user.language
    if not form.validate_on_submit():
        return render_template("authoring/upload.html", form=form, source=None, result=None,
                               max_kb=MAX_FILE_BYTES // 1024), 400 if form.errors else 200
    uploaded = form.file.data
    filename = secure_filename(uploaded.filename or "") or "upload.yaml"
    data = uploaded.read(MAX_FILE_BYTES + 1)
    quiz = None
    kind = quiz_format(form.source_format.data, filename, data)
    if kind is not None:  # a Moodle quiz: converted, then checked and imported like any curriculum file
        quiz = convert_quiz(data, filename, kind, form.language.data)
        if not quiz.ok:
            return render_template("authoring/upload.html", form=form, source=None, result=None, quiz=quiz,
                                   filename=filename, max_kb=MAX_FILE_BYTES // 1024), 400
        if form.convert.data:
            return Response(quiz.yaml_text, mimetype="application/yaml",
                            headers={"Content-Disposition": f"attachment; filename={quiz.yaml_filename}"})
        data, filename = quiz.yaml_text.encode("utf-8"), quiz.yaml_filename
    elif form.convert.data:
        form.file.errors = [_("Only Moodle GIFT or Aiken quizzes can be converted; a YAML file is checked and "
                              "imported as it is.")]
        return render_template("authoring/upload.html", form=form, source=None, result=None,
                               max_kb=MAX_FILE_BYTES // 1024), 400
    result, text = check_upload(data, filename)
    if result.ok and not form.check.data:
        try:
            report = import_documents(result, imported_by=current_user, sources=filename, texts=text)
        except CurriculumCheckError as error:
            result.errors.extend(error.errors)
        else:
            db.session.commit()
            flash(_("%(file)s imported. Created: %(created)d; new versions: %(new)d; unchanged: %(unchanged)d.",
                    file=filename, created=report.created, new=report.new_versions, unchanged=report.unchanged),
                  "success")
            for skipped in report.skipped:
                flash(_("%(kind)s %(key)s: same content as version %(old)d, older than the version in force "
                        "(v%(number)d): not imported. To go back to it, open version %(old)d and choose "
                        "“Make this version current”.", kind=ELEMENT_LABELS[skipped.kind], key=skipped.key,
                        old=skipped.same_as, number=skipped.number), "warning")
            return redirect(url_for("authoring.index"))
    source = annotate_source(text, result.errors)
    listing = source.lines if len(source.lines) <= FULL_LISTING_LINES else excerpt(source)
    return render_template("authoring/upload.html", form=form, result=result, filename=filename, source=source,
                           listing=listing, quiz=quiz, max_kb=MAX_FILE_BYTES // 1024), 200 if result.ok else 400


def _version_or_404(kind: str, key: str, number: int):
    version = (queries.standard_version if kind == "standard" else queries.course_version)(key, number)
    return version if version is not None else abort(404)


@bp.route("/<any(standards, courses):kinds>/<key>/versions/<int:number>.yaml")
@roles_required(Role.trainer)
def download_version(kinds: str, key: str, number: int):
    version = _version_or_404(kinds[:-1], key, number)
    text, _exact = version_yaml(version)
    return Response(text, mimetype="application/yaml", headers={
        "Content-Disposition": f"attachment; filename={secure_filename(f'{key}-v{number}.yaml')}"})


@bp.route("/<any(standards, courses):kinds>/<key>/versions/<int:number>/make-current", methods=["POST"])
@roles_required(Role.trainer)
def make_version_current(kinds: str, key: str, number: int):
    version = _version_or_404(kinds[:-1], key, number)
    owner = version.standard if kinds == "standards" else version.course
    endpoint = "authoring.standard_version" if kinds == "standards" else "authoring.course_version"
    if owner.current_version_id == version.id:
        flash(_("Version %(number)d is already the version in force.", number=number), "info")
        return redirect(url_for(endpoint, key=key, number=number))
    try:
        made = make_current(version, current_user)
    except CurriculumCheckError as error:
        db.session.rollback()
        flash(_("Version %(number)d cannot be made current: %(problem)s", number=number,
                problem="; ".join(translate_message(e.message) for e in error.errors)), "error")
        return redirect(url_for(endpoint, key=key, number=number))
    db.session.commit()
    flash(_("Version %(new)d is now in force, with the content of version %(old)d. Earlier versions are kept.",
            new=made.number, old=number), "success")
    return redirect(url_for(endpoint, key=key, number=made.number))


@bp.route("/<any(standards, courses):kinds>/<key>/<any(retire, restore):action>", methods=["POST"])
@roles_required(Role.trainer)
def retire(kinds: str, key: str, action: str):
    owner = (queries.standard_by_key if kinds == "standards" else queries.course_by_key)(key) or abort(404)
    set_retired(owner, action == "retire", current_user)
    db.session.commit()
    if action == "retire":
        flash(_("%(key)s is retired: it is hidden from new assignments and audits; its history is kept.", key=key),
              "success")
    else:
        flash(_("%(key)s is restored: it can be assigned and audited again.", key=key), "success")
    return redirect(url_for("authoring.index"))


@bp.route("/schema.json")
@roles_required(Role.trainer)
def schema():
    body = json.dumps(json_schema(), indent=2, ensure_ascii=False)
    return Response(body, mimetype="application/schema+json",
                    headers={"Content-Disposition": "attachment; filename=curriculum.schema.json"})


def _curricula_section(user):
    return {"figures": queries.curricula_in_force()}

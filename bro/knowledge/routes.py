"""Knowledge vs behaviour pages: per team (scatter + step × quadrant table + CSV), the people behind a step,
one person's steps, and the coaching proposals on the supervisor's home page.

Supervisors see their teams person by person; trainers see any team's aggregates only, with groups under 5
people or 5 audits hidden (bro.quality.privacy); staff see their own steps on "My quality".
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from bro import clock
from bro.access import can_see_staff, roles_required, visible_team_ids
from bro.csvout import csv_download
from bro.extensions import db
from bro.inputs import query_int
from bro.knowledge import charts, queries
from bro.knowledge import demo as _demo  # noqa: F401  (registers the demo step)
from bro.knowledge import operations as ops
from bro.knowledge.text import BADGES, CELL_ACTIONS, REASON_LABELS, cell_label
from bro.limits import bounded_view
from bro.models.people import Role, User
from bro.authoring.text import curriculum_text

bp = Blueprint("knowledge", __name__, url_prefix="/knowledge", template_folder="templates")


def _text(mapping, language: str = "en") -> str:
    return curriculum_text(mapping, language, str(get_locale()))


@bp.record_once
def _template_globals(state):
    """Globals of the knowledge templates (their macros too), also included on "My quality" and the audit page."""
    state.app.jinja_env.globals.update(
        knowledge_cell_label=cell_label, knowledge_badge=BADGES.get,
        knowledge_action=lambda cell: CELL_ACTIONS.get(cell, ""), knowledge_text=_text)


def _scope():
    """(teams offered, team id chosen, restricted, standards, standard chosen) from the query string, or 404."""
    visible = visible_team_ids(current_user)  # None: every team (admin)
    # Trainers see every team's aggregates; supervisors their own teams person by person.
    offered = None if visible is None or current_user.has_role(Role.trainer) else visible
    teams = queries.team_names(offered)
    team_id = query_int(request.args.get("team"))
    if team_id is None and teams:
        team_id = next(iter(sorted(visible or teams, key=lambda i: teams.get(i, ""))), None)
    if team_id is not None and team_id not in teams:
        abort(404)
    restricted = visible is not None and team_id not in visible
    standards = queries.taught_standards()
    asked = wanted = query_int(request.args.get("standard"))
    if wanted is None and team_id is not None and standards:  # the standard the team is audited against most
        wanted = next(iter(queries.standard_ids_by_audits(team_id)), None)
    standard = next((s for s in standards if s.id == wanted), standards[0] if standards else None)
    if asked is not None and (standard is None or standard.id != asked):
        abort(404)
    return teams, team_id, restricted, standards, standard


def _report(team_id, standard, restricted):
    config = current_app.config
    threshold = queries.conformance_threshold(config, standard.pass_score)
    return queries.team_report(standard, team_id, clock.today(), queries.settings_from(config), threshold,
                               restricted=restricted)


@bp.route("/")
@roles_required(Role.supervisor, Role.trainer)
@bounded_view
def team():
    teams, team_id, restricted, standards, standard = _scope()
    report = figure = evidence = None
    modules = {}
    if standard is not None and team_id is not None:
        report = _report(team_id, standard, restricted)
        shown = [(g.step.key, str(g.step.position), g.pooled) for g in report.steps
                 if g.step.taught and not g.hidden]
        figure = charts.scatter(shown, report.settings.knowledge_threshold, report.conformance_threshold)
        modules = queries.teaching_modules(standard.id)
        if not restricted:
            evidence = queries.evidence_report(standard, [p.id for p in report.people], clock.today(),
                                               report.settings, report.conformance_threshold)
    return render_template("knowledge/team.html", teams=teams, team_id=team_id, restricted=restricted,
                           standards=standards, standard=standard, report=report, figure=figure,
                           modules=modules, evidence=evidence)


@bp.route("/data.csv")
@roles_required(Role.supervisor, Role.trainer)
@bounded_view
def team_csv():
    teams, team_id, restricted, _standards, standard = _scope()
    if standard is None or team_id is None:
        abort(404)
    report = _report(team_id, standard, restricted)
    header = ["step", "title", "knowledge", "knowledge_low", "knowledge_high", "questions", "conformance",
              "conformance_low", "conformance_high", "audits", "team_cell", *queries.CELLS]
    rows = [header]
    for group in report.steps:
        title = _text(group.step.title, standard.language)
        if group.hidden:
            rows.append([group.step.key, title, *[""] * (len(header) - 2)])
            continue
        k, c = group.pooled.knowledge, group.pooled.conformance
        rows.append([group.step.key, title,
                     round(k.rate, 4) if k.n else "", round(k.low, 4) if k.n else "", round(k.high, 4) if k.n else "",
                     k.n, round(c.rate, 4) if c.n else "", round(c.low, 4) if c.n else "",
                     round(c.high, 4) if c.n else "", c.n, group.pooled.cell,
                     *[group.count(cell) for cell in queries.CELLS]])
    name = f"knowledge-{standard.key}-{teams.get(team_id, team_id)}-{clock.today()}.csv".replace(" ", "-")
    return csv_download(rows, name)


@bp.route("/people")
@roles_required(Role.supervisor)
@bounded_view
def people():
    """The people behind one step of the team's scatter, with their cells (supervisors of the team, admins)."""
    _teams, team_id, restricted, _standards, standard = _scope()
    if restricted or standard is None or team_id is None:
        abort(404)
    step = next((s for s in standard.steps if s.key == request.args.get("step", "")[:80]), None)
    if step is None:
        abort(404)
    report = _report(team_id, standard, False)
    group = next(g for g in report.steps if g.step.key == step.key)
    rows = [(person, report.standings[(person.id, step.key)]) for person in report.people]
    return render_template("knowledge/people.html", team_name=_teams.get(team_id), team_id=team_id,
                           standard=standard, step=step, group=group, rows=rows,
                           modules=queries.teaching_modules(standard.id).get(step.key, []))


def person_view(user: User) -> list:
    config = current_app.config
    return queries.person_standings(user.id, clock.today(), queries.settings_from(config), config)


@bp.route("/staff/<int:user_id>")
@roles_required(Role.staff, Role.supervisor)
@bounded_view
def person(user_id: int):
    """One person's steps in quadrants: the person themself and the supervisors of their team."""
    user = db.session.get(User, user_id)
    if user is None or not can_see_staff(current_user, user):
        abort(404)
    found = person_view(user)
    modules = {standard.id: queries.teaching_modules(standard.id) for standard, _t, _rows in found}
    return render_template("knowledge/person.html", person=user, found=found, modules=modules,
                           own=user.id == current_user.id)


@bp.app_template_global("knowledge_of")
def knowledge_of(user: User):
    """For "My quality": the person's own steps in quadrants."""
    return person_view(user)


@bp.app_template_global("retraining_decisions")
def retraining_decisions(audit):
    """For the audit page: what each nonconforming step led to (retraining or coaching) and why, with the
    step's title."""
    titles = {step.key: _text(step.title, audit.standard_version.language) for step in audit.standard_version.steps}
    return [(decision, titles.get(decision.step_key, decision.step_key)) for decision in ops.decisions_for_audit(audit)]


@bp.app_template_global("retraining_reason")
def retraining_reason(decision) -> str:
    return str(REASON_LABELS.get(decision.reason, decision.reason))


def _proposals_section(user: User):
    proposals = ops.open_proposals(visible_team_ids(user))
    if not proposals:
        return None
    steps = {}
    for standard in queries.standards_info({p.standard_id for p in proposals}):
        for step in standard.steps:
            steps[(standard.id, step.key)] = _text(step.title, standard.language)
    return {"proposals": proposals, "step_titles": steps}


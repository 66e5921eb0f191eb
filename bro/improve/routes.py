"""Quality pages: the dashboard and its CSV data, corrective actions, evidence, and staff's own quality."""
from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from werkzeug.exceptions import default_exceptions

from bro import clock
from bro.access import roles_required, visible_team_ids
from bro.csvout import csv_download
from bro.extensions import db
from bro.improve import baselines as bl
from bro.improve import evidence as ev
from bro.improve import operations as ops
from bro.improve import queries as q
from bro.improve.cache import cached_body, install
from bro.improve.charts import table_body_rows
from bro.improve.dashboard import (
    FAILURE,
    PERIOD_LABELS,
    RULE_LABELS,
    SIDE_LABELS,
    Dashboard,
    my_quality,
    text,
)
from bro.improve.filters import (
    DashboardFilters,
    FilterError,
    read_evidence_filters,
    read_filters,
)
from bro.improve.forms import (
    AdvanceForm,
    BaselineForm,
    CorrectiveActionForm,
    NewBaselineForm,
)
from bro.improve.registry import Chart, build_dashboard, chart_named, table_rows
from bro.limits import bounded_view
from bro.models.improvement import ACTION_STATUSES, CorrectiveAction, baseline_scope
from bro.models.people import Role, User
from bro.pagination import paginate
from bro.quality import BASELINE_PERIODS, period_start
from bro.submissions import first_submission, remember_submission

bp = Blueprint("improve", __name__, url_prefix="/quality", template_folder="templates")
bp.record_once(lambda state: install(state.app))
bp.add_app_template_global(table_body_rows, "chart_table_rows")  # imported macros see globals, not the context

STATUS_LABELS = {"plan": _l("Plan"), "do": _l("Do"), "check": _l("Check"), "act": _l("Act"), "closed": _l("Closed")}
ADVANCE_LABELS = {"plan": _l("Start: move to Do"), "do": _l("Move to Check"), "check": _l("Move to Act"),
                  "act": _l("Close the action")}
SOURCE_LABELS = {"signal": _l("Control-chart signal"), "pareto": _l("Pareto chart"), "manual": _l("Opened by hand")}


@bp.context_processor
def improve_template_helpers():
    return {"rule_labels": RULE_LABELS, "side_labels": SIDE_LABELS, "period_labels": PERIOD_LABELS,
            "status_labels": STATUS_LABELS, "source_labels": SOURCE_LABELS, "advance_labels": ADVANCE_LABELS,
            "curriculum_text": text, "today": clock.today(), "chart_rows": table_rows,
            "statuses": ACTION_STATUSES, "baseline_periods": BASELINE_PERIODS,
            "period_first_day": lambda key, unit: period_start(key, unit).isoformat(),
            "period_last_day": lambda key, unit: q.period_bounds(period_start(key, unit), period_start(key, unit),
                                                                 unit)[1].isoformat()}


# -- dashboard -----------------------------------------------------------------------------------------

@bp.errorhandler(FilterError)
def filter_error(error: FilterError):
    """A filter the page cannot honour (a team or staff member out of reach, an unknown chart): the app's own
    404 or 400 page."""
    return current_app.handle_http_exception(default_exceptions[error.status]())


def _one_chart(as_table: bool) -> tuple[Chart, DashboardFilters, Dashboard, str | None, list]:
    """The chart named in ?chart=, the filters, the dashboard reduced to that chart's part, ?key=, and the
    chart's rows for them: its table's or its CSV's (404 when it has none)."""
    chart = chart_named(request.args.get("chart"))
    filters = read_filters(current_user, request.args, q.standards_with_steps())
    teams = q.team_names(filters.visible_teams)
    board = build_dashboard(filters, teams, parts=frozenset({chart.part}))
    key = request.args.get("key")
    rows = chart.table_rows(board, key) if as_table else chart.csv_rows(board, key)
    if rows is None:
        abort(404)
    return chart, filters, board, key, rows


@bp.route("/")
@roles_required(Role.supervisor)
@bounded_view
def dashboard():
    standards = q.standards_with_steps()
    filters = read_filters(current_user, request.args, standards)
    teams = q.team_names(filters.visible_teams)

    def render_body() -> str:
        return render_template("improve/_dashboard_body.html", board=build_dashboard(filters, teams),
                               filters=filters, FAILURE=FAILURE)

    body = Markup(cached_body(_body_key(filters), render_body, standard_id=filters.standard_id,
                              team_ids=filters.scope_teams, warm=_warming(filters, str(get_locale()))))
    return render_template("improve/dashboard.html", body=body, filters=filters, standards=standards,
                           teams=teams, staff=_staff_choices(filters))


def _body_key(filters: DashboardFilters) -> tuple:
    """What a rendered body depends on besides the data version (bro.improve.cache adds that)."""
    return (str(get_locale()), tuple(sorted(filters.args().items())),
            None if filters.scope_teams is None else tuple(sorted(filters.scope_teams)), q.baselines_version())


def _warming(filters: DashboardFilters, locale: str):
    """Render this view's body again outside the request (bro.improve.cache warms it after a write)."""
    app = current_app._get_current_object()

    def warm() -> tuple[tuple, str]:
        with app.test_request_context("/quality/"), force_locale(locale):
            teams = q.team_names(filters.visible_teams)
            body = render_template("improve/_dashboard_body.html", board=build_dashboard(filters, teams),
                                   filters=filters, FAILURE=FAILURE)
            return _body_key(filters), body

    return warm


def _staff_choices(filters: DashboardFilters) -> list[tuple[int, str, int]]:
    """The staff drop-down: the chosen team's (or the chosen person's team's) members, or those of the viewer's
    own teams; never every staff member of the organisation."""
    if filters.scope_teams is not None:
        return q.team_members(filters.scope_teams)
    if filters.staff_id is not None:
        _found, team_id = q.staff_team(filters.staff_id)
        return q.team_members([team_id]) if team_id is not None else []
    return []


@bp.route("/data.csv")
@roles_required(Role.supervisor)
@bounded_view
def dashboard_csv():
    chart, filters, _board, key, rows = _one_chart(as_table=False)
    return csv_download(rows, chart.file_name(filters, key))


@bp.route("/table")
@roles_required(Role.supervisor)
@bounded_view
def chart_table():
    """The numbers behind one chart as an HTML table (the same rows as its CSV)."""
    chart, filters, board, key, rows = _one_chart(as_table=True)
    return render_template("improve/chart_table.html", rows=rows, title=chart.title(board, key), chart=chart.name,
                           filters=filters, key=key)


@bp.route("/baseline", methods=["GET", "POST"])
@roles_required(Role.supervisor)
def baseline():
    """Set the baseline (Phase I) of the dashboard's charts for one standard and the scope of teams shown."""
    standards = q.standards_with_steps()
    filters = read_filters(current_user, request.args, standards)
    if filters.standard is None or filters.staff_id is not None:
        abort(404)
    team_ids = filters.scope_teams
    if not bl.may_set_baseline(current_user, team_ids):
        abort(403)
    form = BaselineForm()
    if form.validate_on_submit():
        bl.set_baseline(by=current_user, standard_id=filters.standard.id, team_ids=team_ids,
                        first_day=form.first_day.data, last_day=form.last_day.data, reason=form.reason.data)
        db.session.commit()
        flash(_("Baseline set. Periods from %(day)s are judged against it.", day=format_date(form.first_day.data)),
              "success")
        return redirect(url_for("improve.dashboard", **filters.args()))
    teams = q.team_names(filters.visible_teams)
    scope_names = [_("Every team")] if team_ids is None else [teams.get(team_id, str(team_id)) for team_id in
                                                               sorted(team_ids)]
    history = q.control_baselines(filters.standard.id, baseline_scope(team_ids))
    versions = q.version_starts(filters.standard.id)
    return render_template("improve/baseline.html", form=form, filters=filters, scope_names=scope_names,
                           history=history, versions=versions), 400 if form.errors else 200


# -- corrective actions --------------------------------------------------------------------------------

@bp.route("/actions")
@roles_required(Role.supervisor)
def actions():
    show = request.args.get("show", "open")
    query = ops.visible_actions_query(current_user, open_only=show != "all")
    return render_template("improve/actions.html", page=paginate(query), show=show)


def _action_form(standards: list[q.StandardInfo]) -> CorrectiveActionForm:
    form = CorrectiveActionForm()
    form.target.choices = {
        text(standard.title, standard.language) or standard.key:
            [(f"{standard.id}:{step.key}", text(step.title, standard.language) or step.key) for step in standard.steps]
        for standard in standards if standard.steps}
    teams = q.team_names(visible_team_ids(current_user))
    form.team_id.choices = ([(0, _("Every team"))] if current_user.is_admin else []) + list(teams.items())
    form.owner_id.choices = [(person.id, person.name) for person in ops.possible_owners(current_user)]
    return form


@bp.route("/actions/new", methods=["GET", "POST"])
@roles_required(Role.supervisor)
def new_action():
    standards = q.standards_with_steps()
    form = _action_form(standards)
    if request.method == "GET":
        standard_id, step = request.args.get("standard", ""), request.args.get("step", "")
        if f"{standard_id}:{step}" in {value for options in form.target.choices.values() for value, _ in options}:
            form.target.data = f"{standard_id}:{step}"
        team = request.args.get("team", type=int)
        if team is not None and team in dict(form.team_id.choices):
            form.team_id.data = team
        form.owner_id.data = current_user.id
        form.source.data = request.args.get("source") if request.args.get("source") in SOURCE_LABELS else "manual"
        form.source_detail.data = request.args.get("detail", "")[:300]
        form.problem.data = request.args.get("problem", "")[:4000]
        form.due_date.data = clock.today() + timedelta(days=28)
    if form.validate_on_submit():
        if (earlier := first_submission(form)) is not None:
            return redirect(earlier)
        standard_id, step_key = form.target.data.split(":", 1)
        team_id = form.team_id.data or None
        owner = db.session.get(User, form.owner_id.data)
        if owner is None or not (ops.may_manage_team(owner, team_id) or owner.id == current_user.id):
            form.owner_id.errors.append(_("The owner must supervise the action's team."))
        else:
            action = ops.open_action(
                created_by=current_user, owner=owner, problem=form.problem.data, root_cause=form.root_cause.data,
                action=form.action.data, due_date=form.due_date.data, standard_id=int(standard_id),
                step_key=step_key, team_id=team_id, source=form.source.data, source_detail=form.source_detail.data)
            remember_submission(form, url_for("improve.action", action_id=action.id))
            db.session.commit()
            flash(_("Corrective action opened."), "success")
            return redirect(url_for("improve.action", action_id=action.id))
    return render_template("improve/action_form.html", form=form), 400 if form.errors else 200


def _visible_action(action_id: int) -> CorrectiveAction:
    action = q.corrective_action(action_id)
    if action is None or not ops.may_see_action(current_user, action):
        abort(404)
    return action


def _render_action(action: CorrectiveAction, form: AdvanceForm | None = None, status: int = 200):
    standards = {standard.id: standard for standard in q.standards_with_steps()}
    standard = standards.get(action.standard_id)
    step = next((s for s in standard.steps if s.key == action.step_key), None) if standard else None
    step_title = text(step.title, standard.language) if step else action.step_key
    if form is None:
        form = AdvanceForm(expected_status=action.status)
    effect = ops.action_effect(action)
    new_baseline = None
    if action.status in ("check", "act", "closed") and ops.may_manage_team(current_user, action.team_id):
        new_baseline = {"done": bl.baseline_for_action(action.id), "form": NewBaselineForm()}
    return render_template("improve/action.html", action=action, form=form, effect=effect, standard=standard,
                           step_title=step_title, new_baseline=new_baseline), status


@bp.route("/actions/<int:action_id>")
@roles_required(Role.supervisor)
def action(action_id: int):
    return _render_action(_visible_action(action_id))


@bp.route("/actions/<int:action_id>/advance", methods=["POST"])
@roles_required(Role.supervisor)
def advance_action(action_id: int):
    action = _visible_action(action_id)
    form = AdvanceForm()
    if not form.validate_on_submit():
        return _render_action(action, form, 400)
    try:
        ops.advance_action(action, by=current_user, note=form.note.data,
                           expected_status=form.expected_status.data or None)
    except ops.ActionRefused:
        flash(_("This action has moved on since you opened the page: check its status and try again."), "error")
        return redirect(url_for("improve.action", action_id=action.id))
    db.session.commit()
    flash(_("The action is now at “%(status)s”.", status=STATUS_LABELS[action.status]), "success")
    return redirect(url_for("improve.action", action_id=action.id))


@bp.route("/actions/<int:action_id>/baseline", methods=["POST"])
@roles_required(Role.supervisor)
def action_baseline(action_id: int):
    """Start a new baseline for the action's step charts from the day it reached "check"."""
    action = _visible_action(action_id)
    if not ops.may_manage_team(current_user, action.team_id):
        abort(403)
    form = NewBaselineForm()
    if not form.validate_on_submit():
        return _render_action(action, status=400)
    if bl.baseline_for_action(action.id) is None:
        try:
            bl.baseline_after_action(action, current_user, _("After corrective action #%(id)d: %(action)s",
                                                             id=action.id, action=action.action[:300]))
        except bl.BaselineRefused:
            flash(_("A new baseline can start once the action has reached “Check”."), "error")
            return redirect(url_for("improve.action", action_id=action.id))
        db.session.commit()
    flash(_("A new baseline starts from the day this action reached “Check”."), "success")
    return redirect(url_for("improve.action", action_id=action.id))


# -- evidence -----------------------------------------------------------------------------------------

@bp.route("/evidence")
@roles_required(Role.trainer, Role.supervisor)
@bounded_view
def evidence():
    standards = q.standards_with_steps()
    f = read_evidence_filters(current_user, request.args, standards,
                              sees_every_team=current_user.has_role(Role.trainer))
    retraining = ev.retraining_rows(f.scope_teams, f.n, restricted=f.restricted)
    outcomes = (ev.outcome_section(f.standard, f.scope_teams, f.start, f.end, ev.CORRECTIONS[f.correction],
                                   f.restricted) if f.standard else None)
    return render_template("improve/evidence.html", retraining=retraining, outcomes=outcomes, n=f.n,
                           standards=standards, standard=f.standard, teams=q.team_names(f.offered),
                           team_id=f.team_id, start=f.start, end=f.end, correction=f.correction,
                           restricted=f.restricted)


# -- staff: my own quality ------------------------------------------------------------------------------

@bp.route("/me")
@roles_required(Role.staff)
def mine():
    return render_template("improve/mine.html", standards=my_quality(current_user), module_url=module_url)


def module_url(module: q.TeachingModule) -> str | None:
    """Link to the training page of a module, when the training area provides one."""
    from werkzeug.routing import BuildError

    candidates = [("training.course", {"course_id": module.course_id})]
    if module.first_lesson:
        candidates.insert(0, ("training.lesson", {"course_id": module.course_id, "module_key": module.module_key,
                                                  "lesson_key": module.first_lesson}))
    for endpoint, args in candidates:
        try:
            return url_for(endpoint, **args)
        except BuildError:
            continue
    return None


# -- home sections (registered by bro.improve.init_app) ----------------------------------------------------

def _my_actions(user):
    actions = ops.overdue_for(user, clock.today())
    if not actions:
        return None
    today = clock.today()
    return {"actions": actions, "overdue": [a for a in actions if a.is_overdue(today)], "today": today,
            "status_labels": STATUS_LABELS}


def _my_quality_section(user):
    found = my_quality(user)
    if not found:
        return None
    return {"standards": found[:1], "module_url": module_url, "curriculum_text": text}

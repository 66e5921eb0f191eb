"""/api/v1/audits and outcomes: the audit list with the page's filters, one audit, recording an audit
(supervisors), and customer outcomes per audit or by customer reference and date (the CRM's push).

Every write goes through bro.audits.operations (scoring, versions, retraining) or the outcome import of
bro.audits.outcomes_import, exactly as the pages do; this module only translates JSON to their arguments and
their refusals to problems.
"""
from __future__ import annotations

import io

from flask_babel import gettext as _
from flask_login import current_user

from bro.access import visible_team_ids
from bro.api.blueprint import ApiBlueprint
from bro.api.cursor import Keyset, paginate_keyset
from bro.api.problems import ApiProblem
from bro.api.schemas import (
    AuditCreateSchema, AuditDetailSchema, AuditListArgs, AuditPage, OutcomeBatchResultSchema, OutcomeBatchSchema,
    OutcomesSchema,
)
from bro.audits import queries
from bro.audits.operations import (
    OUTCOME_FIELDS, AuditRefused, NotAllowed, Outcomes, record_audit, record_outcomes, standards_in_force,
)
from bro.audits.outcomes_import import COLUMNS, OutcomeImportError, apply_outcomes_import, plan_outcomes_import
from bro.extensions import db
from bro.models.audits import Audit
from bro.models.people import Role

bp = ApiBlueprint("api_audits", __name__, "Audits and customer outcomes")

AUDIT_ORDER = Keyset((Audit.interacted_on, Audit.id), ("date", "int"), lambda a: (a.interacted_on, a.id),
                     descending=True)


def refusal_problem(refusal: AuditRefused) -> ApiProblem:
    errors = [{"field": name, "message": message} for name, message in refusal.field_problems.items()]
    errors += [{"field": "body", "message": message} for message in refusal.problems]
    status = 409 if refusal.__class__.__name__ == "ConcurrentChange" else 422
    return ApiProblem(status, " ".join(e["message"] for e in errors), errors=errors)


@bp.endpoint("/audits", Role.staff, Role.supervisor, query=AuditListArgs, answers=AuditPage)
def list_audits(args):
    """Audits you may see, newest interaction first, filtered as on the audit list page."""
    filters = queries.AuditFilters(team_id=args.get("team"), staff_id=args.get("staff"),
                                   standard_id=args.get("standard"), date_from=args.get("date_from"),
                                   date_to=args.get("date_to"), result=args.get("result"),
                                   status=args.get("status"))
    return paginate_keyset(db.session, queries.audit_query(current_user, filters), AUDIT_ORDER, args)


def _visible_audit(audit_id: int) -> Audit:
    audit = queries.audit_with_history(audit_id)
    if audit is None or not queries.can_see_audit(current_user, audit):
        raise ApiProblem(404, _("No audit you may see has this id."), field="audit_id")
    return audit


@bp.endpoint("/audits/<int:audit_id>", Role.staff, Role.supervisor, answers=AuditDetailSchema)
def get_audit(audit_id: int):
    """One audit with the ratings of its current revision."""
    return _visible_audit(audit_id)


@bp.endpoint("/audits", Role.supervisor, scope="write", method="POST",
             body=AuditCreateSchema, answers=AuditDetailSchema, status=201)
def create_audit(data):
    """Record an audit of a staff member of a team you supervise, against the standard's version in force."""
    staff = queries.auditable_staff_member(current_user, data["staff_id"])
    if staff is None:
        raise ApiProblem(422, _("You may audit only active staff members of the teams you supervise."),
                         field="staff_id")
    version = next((v for v in standards_in_force(data["relationship"]) if v.standard_id == data["standard_id"]),
                   None)
    if version is None:
        raise ApiProblem(422, _("No standard in force with this id applies to %(kind)s relationships.",
                                kind=data["relationship"].upper()), field="standard_id")
    keys = [step.key for step in version.steps]
    unknown = sorted(set(data["ratings"]) - set(keys))
    missing = [key for key in keys if key not in data["ratings"]]
    errors = [{"field": f"ratings.{key}", "message": _("This standard has no step “%(key)s”.", key=key)}
              for key in unknown]
    errors += [{"field": f"ratings.{key}", "message": _("Rate this step.")} for key in missing]
    errors += [{"field": f"ratings.{key}", "message": _("A critical step is rated met, not met or N/A.")}
               for step in version.steps if step.critical and data["ratings"].get(step.key) == "partial"
               for key in [step.key]]
    if errors:
        raise ApiProblem(422, " ".join(f"{e['field']}: {e['message']}" for e in errors), errors=errors)
    try:
        audit = record_audit(auditor=current_user, staff=staff, version=version, relationship=data["relationship"],
                             channel=data["channel"], interacted_on=data["interacted_on"],
                             customer_ref=data["customer_ref"], ratings=data["ratings"],
                             step_notes={k: v for k, v in data["step_notes"].items() if k in keys},
                             note=data.get("note"))
    except NotAllowed as refusal:
        raise ApiProblem(403, str(refusal), field="staff_id") from None
    except AuditRefused as refusal:
        raise refusal_problem(refusal) from None
    return queries.audit_with_history(audit.id)


@bp.endpoint("/audits/<int:audit_id>/outcomes", Role.supervisor, scope="write", method="PUT",
             body=OutcomesSchema, answers=AuditDetailSchema)
def put_outcomes(data, audit_id: int):
    """Set customer outcomes of one audit. Only the fields sent change; null clears one."""
    audit = _visible_audit(audit_id)
    if audit.staff_id == current_user.id:
        raise ApiProblem(403, _("You cannot record outcomes of your own audit."))
    if not data:
        raise ApiProblem(422, _("Enter at least one outcome."), field="body")
    current = {name: getattr(audit, name) for name in OUTCOME_FIELDS}
    current.update(data)
    try:
        record_outcomes(audit, Outcomes(**current), current_user, fields=list(data))
    except AuditRefused as refusal:
        raise refusal_problem(refusal) from None
    return audit


def _csv_line(cells: list[str]) -> str:
    """One record of the import's input, every cell quoted. Not an export (bro.csvout neutralises formulas for
    spreadsheets): the values must reach the import exactly as sent, or a reference such as "=A1" would not
    match its audit."""
    return ",".join('"' + cell.replace('"', '""') + '"' for cell in cells) + "\n"


def _as_csv(items: list[dict]) -> str:
    """The items as the outcome file the import page reads (header row 1, item i on row i + 2)."""
    columns = [c for c in COLUMNS if c in ("customer_ref", "interacted_on") or any(c in item for item in items)]
    out = io.StringIO()
    out.write(_csv_line(columns))
    for item in items:
        row = []
        for column in columns:
            value = item.get(column)
            if value is None:
                row.append("")
            elif isinstance(value, bool):
                row.append("yes" if value else "no")
            elif column == "interacted_on":
                row.append(value.isoformat())
            else:
                row.append(str(value))
        out.write(_csv_line(row))
    return out.getvalue()


@bp.endpoint("/outcomes", Role.supervisor, scope="write", method="POST",
             body=OutcomeBatchSchema, answers=OutcomeBatchResultSchema)
def push_outcomes(data):
    """Outcomes matched to audits by customer reference and interaction date, all or nothing (up to 5,000 a
    call). A field left out (or null) leaves the audit's value as it is. Refused items are named
    “outcomes.<index>” (from 0)."""
    try:
        plan = plan_outcomes_import(_as_csv(data["outcomes"]), team_ids=visible_team_ids(current_user))
    except OutcomeImportError as error:
        errors = [{"field": f"outcomes.{max(0, e.row - 2)}" if e.row > 1 else "outcomes", "message": e.message}
                  for e in error.errors]
        raise ApiProblem(422, "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5]), errors=errors) \
            from None
    changed = apply_outcomes_import(plan, by=current_user)
    return {"changed": changed, "unchanged": plan.unchanged}

"""/api/v1/interactions: one interaction as JSON, or many as JSON Lines — the interaction import of the
pages (bro.interactions.parsing and .operations): every line checked, all or nothing, problems by line."""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from bro.access import visible_team_ids
from bro.api.blueprint import ApiBlueprint
from bro.api.problems import ApiProblem
from bro.api.schemas import ImportSummarySchema, InteractionCreateSchema
from bro.interactions.operations import import_interactions
from bro.interactions.parsing import InteractionFileError, parse_record, read_interactions
from bro.models.people import Role

bp = ApiBlueprint("api_interactions", __name__, "Service interactions")
JSON_LINES = "application/x-ndjson"


def _file_problem(error: InteractionFileError, single: bool = False) -> ApiProblem:
    errors = [{"field": "body" if single else f"line {p.row}", "message": p.message} for p in error.problems]
    first = error.problems[0].row if error.problems else None
    detail = "; ".join(str(p) for p in error.problems[:5])
    if error.more:
        detail += " " + _("… and %(n)d more.", n=error.more)
    extra = {} if single or first is None else {"line": first}
    return ApiProblem(422, detail, errors=errors, **extra)


def _summary(summary) -> dict:
    return {"created": summary.created, "already_imported": summary.already_imported, "messages": summary.messages}


@bp.endpoint("/interactions", Role.supervisor, scope="write", method="POST",
             body=InteractionCreateSchema, answers=ImportSummarySchema, status=201)
def create_interaction(data):
    """Store one interaction of a staff member of a team you supervise (an external_id imported before is
    skipped and counted)."""
    values = {key: value for key, value in data.items() if value is not None and key != "messages"}
    messages = [dict(m) for m in data["messages"]] if data.get("messages") is not None else None
    try:
        row = parse_record(values, 1, messages)
    except ValueError as error:
        raise ApiProblem(422, str(error), field="body") from None
    try:
        summary = import_interactions([row], by=current_user, team_ids=visible_team_ids(current_user), kind="line")
    except InteractionFileError as error:
        raise _file_problem(error, single=True) from None
    return _summary(summary)


@bp.endpoint("/interactions/bulk", Role.supervisor, scope="write", method="POST",
             answers=ImportSummarySchema, status=201, doc={"requestBody": {
                 "required": True, "content": {JSON_LINES: {"schema": {"type": "string"}}},
                 "description": "JSON Lines: one interaction object a line, the fields of POST /interactions."}})
def bulk_interactions():
    """Store many interactions sent as JSON Lines: every line checked, all or nothing; refused lines are
    named “line N” (from 1)."""
    raw = request.get_data(cache=True)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiProblem(400, _("The body must be UTF-8 text."), field="body") from None
    if not text.strip():
        raise ApiProblem(422, _("The body has no lines: send one JSON object a line."), field="body")
    try:
        rows = read_interactions(text, "jsonl")
        summary = import_interactions(rows, by=current_user, team_ids=visible_team_ids(current_user), kind="line")
    except InteractionFileError as error:
        raise _file_problem(error) from None
    return _summary(summary)


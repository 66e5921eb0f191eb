"""/api/v1/charts/<chart>: the numbers behind each quality chart, the same figures as its CSV download."""
from __future__ import annotations

from contextlib import nullcontext

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import NotFound

from bro.api.blueprint import ApiBlueprint
from bro.api.chart_numbers import chart_names, chart_numbers
from bro.api.problems import ApiProblem
from bro.api.schemas import ChartArgs, ChartNumbersSchema
from bro.database import is_timeout, statement_timeout
from bro.extensions import db
from bro.improve.filters import NotVisible
from bro.limits import RETRY_AFTER_BUSY, RETRY_AFTER_TIMEOUT, AllSlotsTaken, user_slot
from bro.models.people import Role

bp = ApiBlueprint("api_charts", __name__, "Quality chart numbers")


@bp.endpoint("/charts/<any(" + ", ".join(chart_names()) + "):chart>", Role.supervisor,
             query=ChartArgs, answers=ChartNumbersSchema)
def chart(args, chart: str):
    """The rows of one dashboard chart (failure, step, pareto, heatmap, staff) for the standard, team or
    staff member, period and dates given, as in the dashboard's CSV; rates are 0–1 with four decimals."""
    query = {name: value for name, value in {
        "standard": args.get("standard"), "team": args.get("team"), "staff": args.get("staff"),
        "step": args.get("step"), "key": args.get("key"), "period": args.get("period"),
        "from": args["date_from"].isoformat() if args.get("date_from") else None,
        "to": args["date_to"].isoformat() if args.get("date_to") else None}.items() if value is not None}
    query = {name: str(value) for name, value in query.items()}
    config = current_app.config
    slots = int(config.get("BRO_HEAVY_VIEWS_PER_USER", 2))
    try:  # the dashboard's bounds (bro.limits): a few at once per user, and a time limit on the SQL
        with user_slot(current_user.id, slots) if slots > 0 else nullcontext():
            with statement_timeout(db.session, int(config.get("BRO_HEAVY_VIEW_TIMEOUT_MS", 10_000))):
                numbers = chart_numbers(current_user, chart, query)
    except (NotFound, NotVisible):
        raise ApiProblem(404, _("No team or staff member you may see has this id."),
                         field="staff" if args.get("staff") else "team") from None
    except AllSlotsTaken:
        raise ApiProblem(429, ngettext(
            "You already have %(num)d heavy page loading. Wait for it to finish, then try again.",
            "You already have %(num)d heavy pages loading. Wait for them to finish, then try again.", slots),
            headers={"Retry-After": str(RETRY_AFTER_BUSY)}) from None
    except DBAPIError as error:
        if not is_timeout(error):
            raise
        db.session.rollback()
        raise ApiProblem(503, _("This view took too long to compute. Narrow the date range or choose a single "
                                "team, then try again."), headers={"Retry-After": str(RETRY_AFTER_TIMEOUT)}) from None
    if numbers is None:
        raise ApiProblem(404, _("This chart has nothing to show for these parameters (for chart=step, give a "
                                "step key in key)."), field="key")
    columns, rows = numbers
    return {"chart": chart, "columns": columns, "rows": rows}

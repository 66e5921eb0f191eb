"""/api/v1/charts/<chart>: the numbers behind each quality chart, the same figures as its CSV download."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint
from werkzeug.exceptions import NotFound

from bro.api.auth import api_access
from bro.api.chart_numbers import chart_names, chart_numbers
from bro.api.problems import ApiProblem
from bro.api.schemas import ChartArgs, ChartNumbersSchema
from bro.models.people import Role

bp = Blueprint("api_charts", __name__, url_prefix="/api/v1", description="Quality chart numbers")


@bp.route("/charts/<any(" + ", ".join(chart_names()) + "):chart>")
@api_access(Role.supervisor, scope="read")
@bp.arguments(ChartArgs, location="query")
@bp.response(200, ChartNumbersSchema)
def chart(args, chart: str):
    """The rows of one dashboard chart (failure, step, pareto, heatmap, staff) for the standard, team or
    staff member, period and dates given, as in the dashboard's CSV; rates are 0–1 with four decimals."""
    query = {name: value for name, value in {
        "standard": args.get("standard"), "team": args.get("team"), "staff": args.get("staff"),
        "step": args.get("step"), "key": args.get("key"), "period": args.get("period"),
        "from": args["date_from"].isoformat() if args.get("date_from") else None,
        "to": args["date_to"].isoformat() if args.get("date_to") else None}.items() if value is not None}
    query = {name: str(value) for name, value in query.items()}
    try:
        numbers = chart_numbers(current_user, chart, query)
    except NotFound:
        raise ApiProblem(404, _("No team or staff member you may see has this id."),
                         field="staff" if args.get("staff") else "team") from None
    if numbers is None:
        raise ApiProblem(404, _("This chart has nothing to show for these parameters (for chart=step, give a "
                                "step key in key)."), field="key")
    columns, rows = numbers
    return {"chart": chart, "columns": columns, "rows": rows}

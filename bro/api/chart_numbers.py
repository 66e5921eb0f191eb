"""The one adapter between the API and the quality dashboard: the numbers behind a chart, exactly the rows of
its CSV download (bro.improve's /quality/data.csv). Everything the API needs from bro.improve goes through
here, so a change of the dashboard's internals is followed in this file only."""
from __future__ import annotations

from flask_babel import force_locale

from bro.improve import queries as q
from bro.improve.filters import read_filters
from bro.improve.registry import CHARTS, build_dashboard
from bro.models.people import User


def chart_names() -> tuple[str, ...]:
    return tuple(CHARTS)


def chart_numbers(user: User, chart: str, args: dict[str, str]) -> tuple[list[str], list[list]] | None:
    """(column names, rows) of ``chart`` for ``user`` with the dashboard's query parameters ``args``, as in the
    CSV; None when the chart has nothing to show (an unknown step, the staff chart without a team)."""
    standards = q.standards_with_steps()
    filters = read_filters(user, args, standards)
    entry = CHARTS[chart]
    board = build_dashboard(filters, q.team_names(filters.visible_teams), parts=frozenset({entry.part}))
    with force_locale("en"):  # column names are the CSV's English header: stable keys for programs
        rows = entry.csv_rows(board, args.get("key"))
    if rows is None:
        return None
    return [str(name) for name in rows[0]], rows[1:]

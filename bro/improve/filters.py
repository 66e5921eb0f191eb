"""What a quality page shows, read from its URL: the dashboard's filters and the evidence page's.

Parsing only: the functions here read query parameters into plain values and raise :class:`FilterError`
(a ``NotVisible`` team or staff member, an ``UnknownChart``); they never abort. The views map an error to its
``status`` (404 or 400). Numbers and dates are read with bro.inputs' bounded parsers, so an id beyond any column
or a date beyond any calendar reads as unreadable and falls back to the default.

Adding a filter value (e.g. "sampled audits only"): a field on DashboardFilters, its reading in
``read_filters`` and one line in ``PARAMETERS`` (which keeps links and CSV downloads reproducing the view);
if it narrows the counts, carry it into ``DashboardFilters.scope`` and honour it in bro.improve.queries.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from bro import clock
from bro.access import visible_team_ids
from bro.improve import queries as q
from bro.improve.evidence import CORRECTIONS
from bro.inputs import MIN_DATE, query_date, query_int
from bro.models.people import User
from bro.quality import DAY, MONTH, PERIOD_UNITS, WEEK, period_key, period_start


class FilterError(Exception):
    """A query parameter the page cannot honour; ``status`` is the HTTP answer."""

    status = 400


class NotVisible(FilterError):
    """A team or staff member outside the viewer's reach: a shared link never widens what someone sees."""

    status = 404


class UnknownChart(FilterError):
    status = 404


DEFAULT_SPAN = {DAY: timedelta(days=41), WEEK: timedelta(weeks=25), MONTH: timedelta(days=365)}
# Longest chart per unit; a longer range is cut to its most recent periods (and the page says so).
MAX_PERIODS = {DAY: 186, WEEK: 262, MONTH: 120}


# -- shared readers ----------------------------------------------------------------------------------

def chosen_team(args: Mapping[str, str], offered: frozenset[int] | None) -> int | None:
    """``?team=``: None when absent or unreadable; NotVisible when outside ``offered`` (None: every team)."""
    team_id = query_int(args.get("team"))
    if team_id is not None and offered is not None and team_id not in offered:
        raise NotVisible("team")
    return team_id


def team_scope(team_id: int | None, offered: frozenset[int] | None) -> frozenset[int] | None:
    """The teams a page counts: the one chosen, else every team offered (None: every team)."""
    return frozenset({team_id}) if team_id is not None else offered


def chosen_standard(args: Mapping[str, str], standards: list[q.StandardInfo],
                    teams: frozenset[int] | None) -> q.StandardInfo | None:
    """``?standard=``, else the standard most audited in ``teams``, else the first one."""
    by_id = {standard.id: standard for standard in standards}
    standard_id = query_int(args.get("standard"))
    standard = by_id.get(standard_id) if standard_id is not None else None
    if standard is None and standards:
        audited = q.standard_ids_with_audits(teams)
        standard = next((by_id[i] for i in audited if i in by_id), standards[0])
    return standard


def date_range(args: Mapping[str, str], default_days: int) -> tuple[date, date]:
    """``?from=`` and ``?to=`` (clamped by bro.inputs), defaulting to the ``default_days`` up to today; in order."""
    end = query_date(args.get("to")) or clock.today()
    start = query_date(args.get("from")) or max(end - timedelta(days=default_days), MIN_DATE)
    return (end, start) if start > end else (start, end)


# -- the dashboard ----------------------------------------------------------------------------------

# Query parameter -> DashboardFilters attribute, in the order links spell them.
PARAMETERS = (("standard", "standard_id"), ("team", "team_id"), ("staff", "staff_id"), ("step", "step_key"),
              ("from", "start"), ("to", "end"), ("period", "unit"), ("sampled", "sampled_flag"))


@dataclass(frozen=True, kw_only=True)
class DashboardFilters:
    standard: q.StandardInfo | None
    team_id: int | None
    staff_id: int | None
    step_key: str | None
    start: date
    end: date
    unit: str
    visible_teams: frozenset[int] | None  # None: every team
    start_given: bool = False
    shortened: bool = False  # the range asked for was longer than MAX_PERIODS[unit]
    sampled_only: bool = False  # ?sampled=1: only audits a sampling plan drew at random (Scope.sampled_only)

    @property
    def sampled_flag(self) -> str | None:
        return "1" if self.sampled_only else None

    @property
    def standard_id(self) -> int | None:
        return self.standard.id if self.standard else None

    @property
    def scope_teams(self) -> frozenset[int] | None:
        return team_scope(self.team_id, self.visible_teams)

    def scope(self, **changes) -> q.Scope:
        first, last = q.period_bounds(self.start, self.end, self.unit)
        values = dict(standard_id=self.standard_id or 0, first_day=first, last_day=last,
                      unit=self.unit, team_ids=self.scope_teams, staff_id=self.staff_id,
                      sampled_only=self.sampled_only)
        values.update(changes)
        return q.Scope(**values)

    def args(self, **changes) -> dict[str, str]:
        """The query parameters that reproduce this view (for links and CSV downloads)."""
        values = {name: getattr(self, attribute) for name, attribute in PARAMETERS}
        values.update(changes)
        return {key: value.isoformat() if isinstance(value, date) else str(value)
                for key, value in values.items() if value not in (None, "")}

    def query_string(self, **changes) -> str:
        return urlencode(self.args(**changes))


def read_filters(user: User, args: Mapping[str, str], standards: list[q.StandardInfo]) -> DashboardFilters:
    """Filters from query parameters. A team or staff member outside the viewer's reach raises NotVisible;
    other unreadable values fall back to defaults."""
    teams = visible_team_ids(user)
    visible = None if teams is None else frozenset(teams)
    team_id = chosen_team(args, visible)
    staff_id = query_int(args.get("staff"))
    if staff_id is not None:
        found, staff_team = q.staff_team(staff_id)
        if not found or (visible is not None and staff_team not in visible):
            raise NotVisible("staff")
        if team_id is not None and staff_team != team_id:
            staff_id = None  # a staff member of another team than the one chosen: show the team
    unit = args.get("period") if args.get("period") in PERIOD_UNITS else WEEK

    scope = team_scope(team_id, visible)
    standard = chosen_standard(args, standards, scope)
    step_key = args.get("step") or None
    if standard is None or step_key not in {step.key for step in standard.steps}:
        step_key = None

    end = query_date(args.get("to")) or clock.today()
    start = query_date(args.get("from"))
    start_given = start is not None
    if start is None:
        start = max(end - DEFAULT_SPAN[unit], MIN_DATE)
        first_audit = q.first_audit_day(standard.id, scope) if standard is not None else None
        if first_audit is not None and start < first_audit <= end:
            start = first_audit
    if start > end:
        start, end = end, start
    # Cap before building anything: count the periods by arithmetic, never by listing them.
    shortened = period_count(start, end, unit) > MAX_PERIODS[unit]
    if shortened:
        start = periods_back(end, unit, MAX_PERIODS[unit] - 1)
    return DashboardFilters(standard=standard, team_id=team_id, staff_id=staff_id, step_key=step_key, start=start,
                            end=end, unit=unit, visible_teams=visible, start_given=start_given, shortened=shortened,
                           sampled_only=args.get("sampled") == "1")


def period_count(start: date, end: date, unit: str) -> int:
    """How many periods from ``start``'s to ``end``'s, both included (0 when end's comes first)."""
    first, last = period_start(period_key(start, unit), unit), period_start(period_key(end, unit), unit)
    if unit == DAY:
        count = (last - first).days + 1
    elif unit == WEEK:
        count = (last - first).days // 7 + 1
    else:
        count = (last.year - first.year) * 12 + last.month - first.month + 1
    return max(0, count)


def periods_back(end: date, unit: str, count: int) -> date:
    """The first day of the period ``count`` periods before ``end``'s."""
    last = period_start(period_key(end, unit), unit)
    if unit == DAY:
        return last - timedelta(days=count)
    if unit == WEEK:
        return last - timedelta(weeks=count)
    months = last.year * 12 + (last.month - 1) - count
    return date(months // 12, months % 12 + 1, 1)


# -- the evidence page ------------------------------------------------------------------------------

EVIDENCE_DAYS = 365


@dataclass(frozen=True, kw_only=True)
class EvidenceFilters:
    standard: q.StandardInfo | None
    team_id: int | None
    offered: frozenset[int] | None  # teams the viewer may choose (None: every team)
    restricted: bool                # looking beyond the teams whose audits the viewer may open
    n: int                          # ratings per window of the retraining comparison
    correction: str
    start: date
    end: date

    @property
    def scope_teams(self) -> frozenset[int] | None:
        return team_scope(self.team_id, self.offered)


def read_evidence_filters(user: User, args: Mapping[str, str], standards: list[q.StandardInfo],
                          *, sees_every_team: bool) -> EvidenceFilters:
    """Trainers (``sees_every_team``) see aggregates over every team; supervisors their teams. Anyone looking
    beyond the teams they may audit sees only groups large enough to hide a person (``restricted``)."""
    visible = visible_team_ids(user)  # teams whose audits the viewer may open (None: all)
    offered = None if sees_every_team or visible is None else frozenset(visible)
    team_id = chosen_team(args, offered)
    scope = team_scope(team_id, offered)
    shown_teams = scope if scope is not None else frozenset(q.team_names(None))
    restricted = visible is not None and not shown_teams <= set(visible)
    n = max(1, min(query_int(args.get("n")) or 5, 50))
    correction = args.get("p") if args.get("p") in CORRECTIONS else "holm"
    start, end = date_range(args, EVIDENCE_DAYS)
    return EvidenceFilters(standard=chosen_standard(args, standards, scope), team_id=team_id, offered=offered,
                           restricted=restricted, n=n, correction=correction, start=start, end=end)

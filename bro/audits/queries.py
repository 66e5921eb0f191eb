"""Reading audits: the visible set, list filters, export rows and home-page figures (aggregated in SQL)."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, case, false, func, or_, select
from sqlalchemy.orm import joinedload, lazyload, selectinload

from bro import clock
from bro.access import visible_team_ids
from bro.extensions import db
from bro.models.audits import Audit, AuditEvent, AuditRevision, Dispute
from bro.models.curricula import Standard, StandardVersion
from bro.models.people import Role, Team, User
from bro.pagination import ListFilters
from bro.scoring import display_score


def outcome_value(value) -> str:
    """An order value in the user's number format; "—" when unknown (or not a finite number, which the
    column should never hold: shown rather than breaking the page)."""
    from decimal import Decimal

    from flask_babel import format_decimal

    if value is None or not isinstance(value, Decimal) or not value.is_finite():
        return "—"
    return format_decimal(value, format="#,##0.00")


def visibility_clause(user: User):
    """Audits ``user`` may see: admins all; supervisors their teams' (by the team at audit time);
    everyone their own."""
    teams = visible_team_ids(user)
    if teams is None:
        return None
    clauses = [Audit.staff_id == user.id]
    if teams:
        clauses.append(Audit.team_id.in_(teams))
    return or_(*clauses)


def can_see_audit(user: User, audit: Audit) -> bool:
    teams = visible_team_ids(user)
    return teams is None or audit.staff_id == user.id or audit.team_id in teams


@dataclass(frozen=True)
class AuditFilters(ListFilters):
    standard_id: int | None = None
    result: str | None = None  # passed | failed
    status: str | None = None

    @classmethod
    def own_from_args(cls, args) -> dict[str, Any]:
        result = args.get("result")
        return {"standard_id": args.get("standard", type=int),
                "result": result if result in ("passed", "failed") else None, "status": args.get("status") or None}

    def own_args(self) -> dict[str, Any]:
        return {"standard": self.standard_id, "result": self.result, "status": self.status}


def audit_query(user: User, filters: AuditFilters) -> Select:
    """Visible audits matching ``filters``, newest interaction first, with what the list shows loaded."""
    query = select(Audit).options(
        joinedload(Audit.staff), joinedload(Audit.team), joinedload(Audit.auditor),
        joinedload(Audit.standard_version), joinedload(Audit.standard),
    )
    clause = visibility_clause(user)
    if clause is not None:
        query = query.where(clause)
    if filters.team_id:
        query = query.where(Audit.team_id == filters.team_id)
    if filters.staff_id:
        query = query.where(Audit.staff_id == filters.staff_id)
    if filters.standard_id:
        query = query.where(Audit.standard_id == filters.standard_id)
    if filters.date_from:
        query = query.where(Audit.interacted_on >= filters.date_from)
    if filters.date_to:
        query = query.where(Audit.interacted_on <= filters.date_to)
    if filters.result == "passed":
        query = query.where(Audit.passed.is_(True))
    elif filters.result == "failed":
        query = query.where(Audit.passed.is_(False))
    if filters.status:
        query = query.where(Audit.status == filters.status)
    return query.order_by(Audit.interacted_on.desc(), Audit.id.desc())


def filter_choices(user: User) -> dict:
    """Teams, staff and standards the filters offer (only what ``user`` may see)."""
    teams = visible_team_ids(user)
    team_query = select(Team).order_by(Team.name)
    staff_query = (select(User).where(User.team_id.is_not(None), User.role_rows.any(role=Role.staff))
                   .order_by(User.name))
    if teams is not None:
        team_query = team_query.where(Team.id.in_(teams) if teams else false())
        staff_query = staff_query.where(or_(User.team_id.in_(teams) if teams else false(), User.id == user.id))
    standards = db.session.execute(
        select(Standard).options(joinedload(Standard.current_version)).order_by(Standard.key)).scalars().all()
    return {"teams": db.session.execute(team_query).scalars().all(),
            "staff": db.session.execute(staff_query).scalars().all(),
            "standards": standards}


def _auditable_staff_query(user: User):
    teams = visible_team_ids(user)
    query = (select(User).options(joinedload(User.team)).join(Team, Team.id == User.team_id)
             .where(User.active.is_(True), User.id != user.id, User.role_rows.any(role=Role.staff))
             .order_by(Team.name, User.name))
    if teams is not None:
        query = query.where(User.team_id.in_(teams) if teams else false())
    return query


def auditable_staff(user: User) -> list[User]:
    """Active staff of the teams ``user`` supervises (admins: all staff), by team then name."""
    return db.session.execute(_auditable_staff_query(user)).scalars().all()


def auditable_staff_member(user: User, staff_id: int | None) -> User | None:
    """The staff member ``staff_id`` when they are in ``auditable_staff(user)``, with their roles (one query),
    else None."""
    if not staff_id:
        return None
    return db.session.execute(_auditable_staff_query(user).where(User.id == staff_id)
                              .options(joinedload(User.role_rows), lazyload(User.supervised_teams))
                              ).unique().scalars().first()


def audit_with_history(audit_id: int) -> Audit | None:
    return db.session.execute(
        select(Audit).where(Audit.id == audit_id).options(
            joinedload(Audit.staff).options(*_NAMES_ONLY), joinedload(Audit.team),
            joinedload(Audit.auditor).options(*_NAMES_ONLY),
            joinedload(Audit.standard_version).selectinload(StandardVersion.steps),
            selectinload(Audit.revisions).joinedload(AuditRevision.created_by).options(*_NAMES_ONLY),
            selectinload(Audit.disputes).joinedload(Dispute.raised_by).options(*_NAMES_ONLY),
            selectinload(Audit.disputes).joinedload(Dispute.resolved_by).options(*_NAMES_ONLY),
            selectinload(Audit.events).joinedload(AuditEvent.actor).options(*_NAMES_ONLY),
        )).unique().scalar_one_or_none()


# People an audit's page names: their roles and supervised teams load only if read (usually never).
_NAMES_ONLY = (lazyload(User.role_rows), lazyload(User.supervised_teams))


def open_disputes_query(user: User) -> Select:
    query = (select(Dispute).join(Audit, Audit.id == Dispute.audit_id).where(Dispute.resolution.is_(None))
             .options(joinedload(Dispute.audit).joinedload(Audit.staff),
                      joinedload(Dispute.audit).joinedload(Audit.team),
                      joinedload(Dispute.audit).joinedload(Audit.auditor), joinedload(Dispute.raised_by))
             .order_by(Dispute.raised_at))
    teams = visible_team_ids(user)
    if teams is not None:
        query = query.where(Audit.team_id.in_(teams) if teams else false())
    return query


# Home-page figures ----------------------------------------------------------------------------------------------

RECENT_DAYS = 28


def my_audits_summary(user: User) -> dict | None:
    """The staff member's latest audits and how many wait for an answer (acknowledge or dispute)."""
    latest = db.session.execute(
        select(Audit).where(Audit.staff_id == user.id).options(joinedload(Audit.standard_version))
        .order_by(Audit.interacted_on.desc(), Audit.id.desc()).limit(5)).scalars().all()
    if not latest:
        return None
    to_answer = db.session.execute(
        select(func.count(Audit.id)).where(Audit.staff_id == user.id,
                                          Audit.status.in_(("recorded", "reopened")))).scalar_one()
    return {"latest": latest, "to_answer": to_answer}


def team_audits_summary(user: User) -> dict | None:
    """Per supervised team: audits and pass rate over the last RECENT_DAYS days, and open disputes."""
    teams = visible_team_ids(user)
    if teams is not None and not teams:
        return None
    since = clock.today() - timedelta(days=RECENT_DAYS)
    in_teams = [] if teams is None else [Audit.team_id.in_(teams)]
    recent = (select(Audit.team_id, func.count(Audit.id).label("audits"),
                     func.sum(case((Audit.passed.is_(True), 1), else_=0)).label("passed"))
              .where(Audit.interacted_on >= since, *in_teams).group_by(Audit.team_id).subquery())
    disputes = (select(Audit.team_id, func.count(Dispute.id).label("open"))
                .join(Dispute, Dispute.audit_id == Audit.id).where(Dispute.resolution.is_(None), *in_teams)
                .group_by(Audit.team_id).subquery())
    query = (select(Team, func.coalesce(recent.c.audits, 0), func.coalesce(recent.c.passed, 0),
                    func.coalesce(disputes.c.open, 0))
             .outerjoin(recent, recent.c.team_id == Team.id).outerjoin(disputes, disputes.c.team_id == Team.id)
             .order_by(Team.name))
    if teams is not None:
        query = query.where(Team.id.in_(teams))
    rows = [{"team": team, "audits": audits, "passed": passed, "open_disputes": open_,
             "pass_rate": (passed / audits) if audits else None}
            for team, audits, passed, open_ in db.session.execute(query).all()]
    if not any(row["audits"] or row["open_disputes"] for row in rows):
        return None
    return {"teams": rows, "days": RECENT_DAYS,
            "open_disputes": sum(row["open_disputes"] for row in rows)}


EXPORT_COLUMNS = ["audit_id", "interacted_on", "staff", "team", "auditor", "standard", "standard_version",
                  "relationship", "channel", "customer_ref", "score", "passed", "status", "revision", "csat",
                  "repeat_purchase", "referral_made", "retained_90d", "order_value", "sampled"]
_EXPORT_FLAGS = ("repeat_purchase", "referral_made", "retained_90d")


def export_rows(user: User, filters: AuditFilters) -> Iterator[list]:
    """The header, then one row per audit `user` sees through `filters`, read in batches of 1000 so a large
    export never sits in memory."""
    yield EXPORT_COLUMNS
    query = audit_query(user, filters).execution_options(yield_per=1000)
    for audit in db.session.execute(query).scalars():
        flags = ["" if getattr(audit, f) is None else ("yes" if getattr(audit, f) else "no") for f in _EXPORT_FLAGS]
        yield [audit.id, audit.interacted_on.isoformat(), audit.staff.name, audit.team.name,
               audit.auditor.name, audit.standard.key, audit.standard_version.number,
               audit.relationship_kind, audit.channel, audit.customer_ref, display_score(audit.exact_score),
               "yes" if audit.passed else "no", audit.status, audit.revision_number,
               "" if audit.csat is None else audit.csat, *flags,
               "" if audit.order_value is None else audit.order_value, "yes" if audit.sampled else "no"]

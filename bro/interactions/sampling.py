"""Sampling plans, their random draws, review queues and staff leave.

A plan says how many imported interactions to audit per staff member and period for one team and
standard. A draw picks them at random (``bro.quality.sampling``) with a stored seed, so anyone can redo it
and get the same items; it skips interactions already audited or drawn before, and those of staff who are
inactive or on leave that day. The drawn items wait in the team supervisors' review queues. Operations
flush; the caller commits.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import case, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from bro import clock
from bro.audits.text import _
from bro.extensions import db
from bro.models.audits import Audit
from bro.models.interactions import (
    PLAN_PERIODS, Interaction, ReviewItem, SamplingDraw, SamplingPlan, StaffLeave,
)
from bro.models.people import Role, Team, User
from bro.quality.sampling import draw as random_draw

WEEKS_PER_MONTH = 365.25 / 12 / 7


class SamplingRefused(ValueError):
    pass


def period_bounds(period: str, day: date) -> tuple[date, date]:
    """(first day, first day after) of the plan period containing ``day``."""
    if period not in PLAN_PERIODS:
        raise ValueError(period)
    if period == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=7)
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following


def active_plan(team_id: int, standard_id: int) -> SamplingPlan | None:
    return db.session.execute(
        select(SamplingPlan).where(SamplingPlan.team_id == team_id, SamplingPlan.standard_id == standard_id,
                                   SamplingPlan.retired_at.is_(None))
    ).scalar_one_or_none()


def set_plan(*, team: Team, standard_id: int, per_staff: int, period: str, by_channel: bool,
             by: User) -> SamplingPlan:
    """The team's plan for the standard from now on; a plan it replaces is retired, kept with its draws."""
    if period not in PLAN_PERIODS:
        raise SamplingRefused(_("Choose a week or a month."))
    if not 1 <= per_staff <= 100:
        raise SamplingRefused(_("Audits per staff member must be from 1 to 100."))
    previous = active_plan(team.id, standard_id)
    if previous is not None:
        previous.retired_at = clock.utcnow()
    plan = SamplingPlan(team_id=team.id, standard_id=standard_id, per_staff=per_staff, period=period,
                        by_channel=by_channel, created_by_id=by.id, created_at=clock.utcnow())
    db.session.add(plan)
    db.session.flush()
    return plan


def team_staff(team_id: int) -> list[User]:
    return db.session.execute(
        select(User).where(User.team_id == team_id, User.active.is_(True)).order_by(User.name, User.id)
    ).scalars().all()


def staff_on_leave(user_ids: list[int], start: date, end: date) -> dict[int, list[tuple[date, date]]]:
    """Each user's leave overlapping [start, end), as (first day, last day) pairs."""
    rows = db.session.execute(
        select(StaffLeave.user_id, StaffLeave.starts_on, StaffLeave.ends_on)
        .where(StaffLeave.user_id.in_(user_ids or [-1]), StaffLeave.starts_on < end, StaffLeave.ends_on >= start)
    ).all()
    leave: dict[int, list[tuple[date, date]]] = {}
    for user_id, first, last in rows:
        leave.setdefault(user_id, []).append((first, last))
    return leave


def candidates(plan: SamplingPlan, start: date, end: date) -> dict[int, list[tuple[int, str]]]:
    """Per staff member: (interaction id, channel) of the team's interactions in [start, end) that may be
    drawn — not audited, never drawn, the staff member active and not on leave that day."""
    staff = {user.id: user for user in team_staff(plan.team_id) if user.has_role(Role.staff)}
    leave = staff_on_leave(list(staff), start, end)
    already_drawn = exists().where(ReviewItem.interaction_id == Interaction.id)
    rows = db.session.execute(
        select(Interaction.id, Interaction.staff_id, Interaction.channel, Interaction.started_at)
        .where(Interaction.team_id == plan.team_id, Interaction.staff_id.in_(list(staff) or [-1]),
               Interaction.audit_id.is_(None), ~already_drawn,
               Interaction.started_at >= datetime.combine(start, time.min),
               Interaction.started_at < datetime.combine(end, time.min))
    ).all()
    pools: dict[int, list[tuple[int, str]]] = {staff_id: [] for staff_id in staff}
    for interaction_id, staff_id, channel, started_at in rows:
        day = started_at.date()
        if any(first <= day <= last for first, last in leave.get(staff_id, ())):
            continue
        pools[staff_id].append((interaction_id, channel))
    return pools


def team_supervisors(team_id: int) -> list[User]:
    team = db.session.get(Team, team_id)
    return sorted((user for user in team.supervisors if user.active), key=lambda user: user.id) if team else []


def draw_period(plan: SamplingPlan, day: date, *, by: User | None, seed: int | None = None) -> SamplingDraw:
    """Draw the plan for the period containing ``day`` (once: a second call returns the same draw)."""
    if plan.retired_at is not None:
        raise SamplingRefused(_("This plan was replaced; draw with the plan in force."))
    start, end = period_bounds(plan.period, day)
    existing = db.session.execute(
        select(SamplingDraw).where(SamplingDraw.plan_id == plan.id, SamplingDraw.period_start == start)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    supervisors = team_supervisors(plan.team_id)
    if not supervisors:
        raise SamplingRefused(_("The team has no active supervisor to audit the drawn interactions."))
    sample_draw = SamplingDraw(plan_id=plan.id, period_start=start, period_end=end,
                               seed=seed if seed is not None else secrets.randbits(48),
                               drawn_at=clock.utcnow(), drawn_by_id=by.id if by else None)
    try:
        with db.session.begin_nested():
            db.session.add(sample_draw)
    except IntegrityError:  # drawn at the same moment in another request
        return db.session.execute(
            select(SamplingDraw).where(SamplingDraw.plan_id == plan.id, SamplingDraw.period_start == start)
        ).scalar_one()
    for index, (staff_id, pool) in enumerate(sorted(candidates(plan, start, end).items())):
        chosen = random_draw(pool, plan.per_staff, f"{sample_draw.seed}:{staff_id}", stratified=plan.by_channel)
        assignee = supervisors[index % len(supervisors)]
        for interaction_id in chosen:
            db.session.add(ReviewItem(draw_id=sample_draw.id, interaction_id=interaction_id, staff_id=staff_id,
                                      assignee_id=assignee.id, due_on=end - timedelta(days=1)))
    db.session.flush()
    return sample_draw


def redraw_ids(sample_draw: SamplingDraw) -> dict[int, list[int]]:
    """What the draw's seed picks from today's candidates, per staff member (to check a draw by redoing it)."""
    plan = sample_draw.plan
    return {staff_id: random_draw(pool, plan.per_staff, f"{sample_draw.seed}:{staff_id}", plan.by_channel)
            for staff_id, pool in candidates(plan, sample_draw.period_start, sample_draw.period_end).items()}


@dataclass(frozen=True)
class StaffProgress:
    staff: User
    target: int
    audited: int
    sampled: int  # audits made from drawn items (Audit.sampled)
    on_leave: bool

    @property
    def done(self) -> bool:
        return self.audited >= self.target

    @property
    def not_sampled(self) -> int:
        """Audits made outside the draw: they count toward the plan but are not a random sample."""
        return self.audited - self.sampled


def plan_progress(plan: SamplingPlan, day: date) -> list[StaffProgress]:
    """Per staff member of the team: audits of the plan's standard this period against the target. Audits made
    outside the plan count toward it; ``sampled`` says how many came from the random draw."""
    start, end = period_bounds(plan.period, day)
    staff = [user for user in team_staff(plan.team_id) if user.has_role(Role.staff)]
    ids = [user.id for user in staff]
    audited: dict[int, int] = {}
    sampled: dict[int, int] = {}
    for staff_id, count, sampled_count in db.session.execute(
            select(Audit.staff_id, func.count(Audit.id), func.coalesce(func.sum(case((Audit.sampled, 1), else_=0)), 0))
            .where(Audit.staff_id.in_(ids or [-1]), Audit.standard_id == plan.standard_id,
                   Audit.interacted_on >= start, Audit.interacted_on < end)
            .group_by(Audit.staff_id)):
        audited[staff_id], sampled[staff_id] = int(count), int(sampled_count)
    today = clock.today()
    leave = staff_on_leave(ids, today, today + timedelta(days=1))
    return [StaffProgress(user, plan.per_staff, audited.get(user.id, 0), sampled.get(user.id, 0),
                          user.id in leave) for user in staff]


def audits_per_week(plan: SamplingPlan, staff_count: int) -> float:
    """The audits a week the plan gives each of the team's step charts (its nᵢ), at full strength."""
    per_period = plan.per_staff * staff_count
    return per_period if plan.period == "week" else per_period / WEEKS_PER_MONTH


def queue_items(user: User, *, open_only: bool = True):
    query = (select(ReviewItem).where(ReviewItem.assignee_id == user.id)
             .options(joinedload(ReviewItem.interaction), joinedload(ReviewItem.staff))
             .order_by(ReviewItem.due_on, ReviewItem.id))
    if open_only:
        query = query.where(ReviewItem.done_at.is_(None))
    return db.session.execute(query).scalars().all()


def reassign(item: ReviewItem, to: User, *, by: User) -> ReviewItem:
    if item.done_at is not None:
        raise SamplingRefused(_("This item is audited already."))
    if to.id not in {user.id for user in team_supervisors(item.interaction.team_id)}:
        raise SamplingRefused(_("Reassign to a supervisor of the staff member's team."))
    item.assignee_id = to.id
    db.session.flush()
    return item


def record_leave(user: User, first: date, last: date, *, by: User) -> StaffLeave:
    if last < first:
        raise SamplingRefused(_("The last day of leave comes before the first."))
    if (last - first).days > 366:
        raise SamplingRefused(_("Record leave of at most a year at a time."))
    leave = StaffLeave(user_id=user.id, starts_on=first, ends_on=last, recorded_by_id=by.id,
                       recorded_at=clock.utcnow())
    db.session.add(leave)
    db.session.flush()
    return leave


def awaits_review(interaction: Interaction) -> bool:
    """True when a sampling plan drew the interaction and its review-queue item is still open: the audit made
    of it is a random sample (Audit.sampled). An interaction picked by hand is not."""
    return db.session.execute(
        select(exists().where(ReviewItem.interaction_id == interaction.id, ReviewItem.done_at.is_(None)))
    ).scalar()


def complete_review(interaction: Interaction, audit: Audit) -> bool:
    """Link an audit to the interaction it rates and close its review item; True when it was drawn."""
    interaction.audit_id = audit.id
    item = db.session.execute(
        select(ReviewItem).where(ReviewItem.interaction_id == interaction.id, ReviewItem.done_at.is_(None))
    ).scalar_one_or_none()
    if item is not None:
        item.done_at = clock.utcnow()
        item.audit_id = audit.id
    db.session.flush()
    return item is not None



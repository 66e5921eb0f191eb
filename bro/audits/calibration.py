"""Calibration sessions: supervisors rate one interaction blind, then compare.

The statistics are `bro.quality.calibration` (calibration_report, rater_record);
this module only stores sessions and ratings and decides who sees what, when.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from bro.audits.text import _, n_, problem_text
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from bro import clock
from bro.audits.operations import AuditRefused, NotAllowed, step_specs
from bro.extensions import db
from bro.models.audits import CalibrationParticipant, CalibrationRating, CalibrationSession
from bro.models.curricula import StandardVersion
from bro.models.people import Role, User
from bro.quality.calibration import (
    CalibrationReport, RaterComparison, RaterRecord, calibration_report, rater_record,
)
from bro.scoring import InvalidAudit, Rating, score_audit

MIN_RATERS = 2


def open_session(*, owner: User, reference: str, description: str, version: StandardVersion,
                 participants: Sequence[User], benchmark: User | None = None,
                 at: datetime | None = None) -> CalibrationSession:
    """Open a session on ``version`` and invite ``participants`` (two or more supervisors; may include
    the owner). ``benchmark`` (the owner or a named expert) rates blind like everyone else and is invited if
    not already; the other raters are compared with the benchmark's ratings."""
    problems = {}
    unique = {user.id: user for user in participants}
    if benchmark is not None:
        unique.setdefault(benchmark.id, benchmark)
    if len(unique) < MIN_RATERS:
        problems["participant_ids"] = n_("Invite at least %(num)d supervisor.", "Invite at least %(num)d supervisors.",
                                                 MIN_RATERS)
    elif any(not user.has_role(Role.supervisor) or not user.active for user in unique.values()):
        problems["participant_ids"] = _("Only active supervisors can take part in calibration.")
    if not (reference or "").strip():
        problems["reference"] = _("Enter a reference for the interaction.")
    if not (description or "").strip():
        problems["description"] = _("Describe the interaction or paste its transcript: raters rate from it.")
    if problems:
        raise AuditRefused([], problems)
    now = at or clock.utcnow()
    session = CalibrationSession(owner_id=owner.id, reference=reference.strip(), description=description.strip(),
                                 standard_version_id=version.id, created_at=now,
                                 benchmark_user_id=benchmark.id if benchmark is not None else None)
    session.participants = [CalibrationParticipant(user_id=user.id, invited_at=now) for user in unique.values()]
    db.session.add(session)
    db.session.flush()
    return session


def participant(session: CalibrationSession, user: User) -> CalibrationParticipant | None:
    return next((p for p in session.participants if p.user_id == user.id), None)


def may_view(session: CalibrationSession, user: User) -> bool:
    return user.is_admin or user.id == session.owner_id or participant(session, user) is not None


def submit_ratings(session: CalibrationSession, user: User, ratings: Mapping[str, str],
                   notes: Mapping[str, str | None] | None = None, at: datetime | None = None) -> None:
    """Store ``user``'s blind ratings. They must form a valid audit (scored by bro.scoring)."""
    me = participant(session, user)
    if me is None:
        raise NotAllowed(_("You are not invited to this calibration session."))
    if session.closed_at is not None:
        raise AuditRefused(_("This session is closed: ratings can no longer be submitted."))
    if me.submitted_at is not None:
        raise AuditRefused(_("You have submitted your ratings for this session already."))
    version = session.standard_version
    keys = [step.key for step in version.steps]
    if keys and all(ratings.get(key) == Rating.NA.value for key in keys):
        raise AuditRefused(_("Every step is rated “N/A”: rate at least one step met, partial or not met."))
    try:
        score_audit(step_specs(version), ratings, version.pass_score)
    except InvalidAudit as error:
        raise AuditRefused([_("The ratings cannot be scored: %(problem)s", problem=problem_text(p))
                            for p in error.problems]) \
            from None
    for key in keys:
        db.session.add(CalibrationRating(session_id=session.id, user_id=user.id, step_key=key,
                                         rating=str(ratings[key]),
                                         note=((notes or {}).get(key) or "").strip() or None))
    me.submitted_at = at or clock.utcnow()
    db.session.flush()


def close_session(session: CalibrationSession, user: User, at: datetime | None = None) -> None:
    if user.id != session.owner_id and not user.is_admin:
        raise NotAllowed(_("Only the owner closes a calibration session."))
    if session.closed_at is not None:
        raise AuditRefused(_("This session is closed already."))
    if not any(p.submitted_at for p in session.participants):
        raise AuditRefused(_("Nobody has submitted ratings yet: there is nothing to compare."))
    session.closed_at = at or clock.utcnow()
    db.session.flush()


def submitted_ratings(session: CalibrationSession) -> dict[int, dict[str, CalibrationRating]]:
    """Submitted ratings by rater id, then step key."""
    rows = db.session.execute(
        select(CalibrationRating).where(CalibrationRating.session_id == session.id)).scalars()
    by_rater: dict[int, dict[str, CalibrationRating]] = {}
    for row in rows:
        by_rater.setdefault(row.user_id, {})[row.step_key] = row
    return by_rater


def session_report(session: CalibrationSession,
                   ratings: dict[int, dict[str, CalibrationRating]] | None = None) -> CalibrationReport | None:
    """The comparison (agreement, spread, kappa, AC1, alpha, benchmark) once results are visible; else None."""
    if not session.results_visible:
        return None
    ratings = submitted_ratings(session) if ratings is None else ratings
    if not ratings:
        return None
    version = session.standard_version
    return calibration_report(
        {rater: {key: row.rating for key, row in steps.items()} for rater, steps in ratings.items()},
        step_specs(version), version.pass_score, benchmark=session.benchmark_user_id)


def sessions_for(user: User):
    """Sessions ``user`` owns or is invited to (admins: all), newest first."""
    query = (select(CalibrationSession)
             .options(selectinload(CalibrationSession.participants), selectinload(CalibrationSession.owner),
                      selectinload(CalibrationSession.benchmark_user),
                      selectinload(CalibrationSession.standard_version).selectinload(StandardVersion.steps))
             .order_by(CalibrationSession.created_at.desc(), CalibrationSession.id.desc()))
    if not user.is_admin:
        invited = select(CalibrationParticipant.session_id).where(CalibrationParticipant.user_id == user.id)
        query = query.where(or_(CalibrationSession.owner_id == user.id, CalibrationSession.id.in_(invited)))
    return query


@dataclass(frozen=True)
class HistoryEntry:
    session: CalibrationSession
    report: CalibrationReport
    comparison: RaterComparison

    @property
    def score(self) -> Fraction:
        return self.report.scores[self.comparison.rater]

    @property
    def reference_score(self) -> Fraction | None:
        if self.comparison.score_difference is None:
            return None
        return self.score - self.comparison.score_difference


@dataclass(frozen=True)
class RaterSummary:
    user: User
    record: RaterRecord
    entries: list[HistoryEntry]

    @property
    def sessions(self) -> int:
        return self.record.sessions


def calibration_history(viewer: User) -> list[RaterSummary]:
    """Each supervisor's record over the finished sessions ``viewer`` may see ("grade the grader"): agreement
    with the benchmark where the session had one (else the panel consensus), the mean score difference and
    pass/fail agreement (bro.quality.calibration.rater_record). Newest session first."""
    sessions = [s for s in db.session.execute(sessions_for(viewer)).scalars().all() if s.results_visible]
    if not sessions:
        return []
    rows = db.session.execute(select(CalibrationRating).where(
        CalibrationRating.session_id.in_([s.id for s in sessions]))).scalars().all()
    by_session: dict[int, dict[int, dict[str, CalibrationRating]]] = {}
    for row in rows:
        by_session.setdefault(row.session_id, {}).setdefault(row.user_id, {})[row.step_key] = row
    reports = {s.id: session_report(s, by_session.get(s.id, {})) for s in sessions}
    users = {p.user_id: p.user for s in sessions for p in s.participants}
    summaries = []
    for user_id, user in users.items():
        entries = [HistoryEntry(s, reports[s.id], reports[s.id].comparisons[user_id]) for s in sessions
                   if reports[s.id] is not None and user_id in reports[s.id].comparisons]
        if entries:
            summaries.append(RaterSummary(user=user, record=rater_record(e.comparison for e in entries),
                                          entries=entries))
    return sorted(summaries, key=lambda s: s.user.name)

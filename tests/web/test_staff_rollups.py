"""The rollups (AuditStaffWeek, AuditStaffStepWeek per staff member, AuditOrgStepWeek over every team) equal a
fresh aggregation of the audits and their current step results after recordings, corrections and upheld
disputes — the dashboard's staff sections, a person's charts and the all-teams charts read them instead."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from bro.audits.operations import correct_audit, dispute_audit, resolve_dispute, week_start
from bro.extensions import db
from bro.improve import queries as q
from bro.models.audits import Audit, AuditOrgStepWeek, AuditStaffStepWeek, AuditStaffWeek, AuditStepResult

STEPS = (("greet", 1, False), ("needs", 2, True), ("close", 1, False))
MONDAY = date(2026, 3, 2)


def _raw_staff_weeks() -> dict:
    found: dict = defaultdict(lambda: [0, 0, Decimal(0), 0, 0, Decimal(0)])
    for audit in db.session.execute(select(Audit)).scalars():
        entry = found[(audit.team_id, audit.standard_id, week_start(audit.interacted_on), audit.staff_id)]
        for offset in ((0, 3) if audit.sampled else (0,)):
            entry[offset] += 1
            entry[offset + 1] += 0 if audit.passed else 1
            entry[offset + 2] += Decimal(audit.score)
    return {key: tuple(values) for key, values in found.items()}


def _raw_staff_step_weeks() -> dict:
    found: dict = defaultdict(lambda: [0, 0, 0, 0])
    for result in db.session.execute(select(AuditStepResult)).scalars():
        entry = found[(result.team_id, result.standard_id, week_start(result.interacted_on), result.staff_id,
                       result.step_key)]
        for offset in ((0, 2) if result.sampled else (0,)):
            entry[offset] += int(result.rated)
            entry[offset + 1] += int(result.nonconforming)
    return {key: tuple(values) for key, values in found.items()}


def _raw_org_step_weeks() -> dict:
    found: dict = defaultdict(lambda: [0, 0, 0, 0])
    for (_team, standard, week, _staff, step), counts in _raw_staff_step_weeks().items():
        found[(standard, week, step)] = [a + b for a, b in zip(found[(standard, week, step)], counts)]
    return {key: tuple(values) for key, values in found.items()}


def _org_rollup() -> dict:
    return {(r.standard_id, r.week_start, r.step_key): (r.rated, r.nonconforming, r.sampled_rated,
                                                        r.sampled_nonconforming)
            for r in db.session.execute(select(AuditOrgStepWeek)).scalars()}


def _rollups() -> tuple[dict, dict]:
    db.session.flush()
    weeks = {(r.team_id, r.standard_id, r.week_start, r.staff_id):
             (r.audits, r.failed, Decimal(r.score_sum).quantize(Decimal("0.001")), r.sampled_audits, r.sampled_failed,
              Decimal(r.sampled_score_sum).quantize(Decimal("0.001")))
             for r in db.session.execute(select(AuditStaffWeek)).scalars()}
    steps = {(r.team_id, r.standard_id, r.week_start, r.staff_id, r.step_key):
             (r.rated, r.nonconforming, r.sampled_rated, r.sampled_nonconforming)
             for r in db.session.execute(select(AuditStaffStepWeek)).scalars()}
    return weeks, steps


def _assert_rollups_equal_the_audits() -> None:
    weeks, steps = _rollups()
    org = _org_rollup()
    db.session.expire_all()
    assert org == _raw_org_step_weeks()
    assert weeks == {key: (a, f, s.quantize(Decimal("0.001")), sa, sf, ss.quantize(Decimal("0.001")))
                     for key, (a, f, s, sa, sf, ss) in _raw_staff_weeks().items()}
    assert steps == _raw_staff_step_weeks()


def test_staff_rollups_follow_recordings_corrections_and_upheld_disputes(factory):
    team, other = factory.team(), factory.team()
    ana, ben, cai = factory.staff(team=team), factory.staff(team=team), factory.staff(team=other)
    auditor, second = factory.supervisor(team, other), factory.supervisor(team, other)
    version = factory.audit_standard(STEPS, pass_score=80)
    recorded = [
        factory.audit(ana, auditor, version, ratings={"greet": "met", "needs": "not_met", "close": "partial"},
                      interacted_on=MONDAY),
        factory.audit(ana, auditor, version, ratings={"greet": "partial", "needs": "met", "close": "na"},
                      interacted_on=MONDAY + timedelta(days=6), sampled=True),
        factory.audit(ana, auditor, version, interacted_on=MONDAY + timedelta(days=7)),
        factory.audit(ben, auditor, version, ratings={"greet": "na", "needs": "met", "close": "met"},
                      interacted_on=MONDAY + timedelta(days=2), sampled=True),
        factory.audit(cai, auditor, version, ratings={"greet": "not_met", "needs": "met", "close": "met"},
                      interacted_on=MONDAY + timedelta(days=1)),
    ]
    _assert_rollups_equal_the_audits()
    weeks, steps = _rollups()
    standard = version.standard_id
    assert weeks[(team.id, standard, MONDAY, ana.id)][:3] == (2, 1, Decimal(recorded[0].score + recorded[1].score))
    assert steps[(team.id, standard, MONDAY, ana.id, "close")] == (1, 1, 0, 0)  # na is not rated

    # A correction moves the counts from the old ratings to the new ones (na included).
    correct_audit(recorded[1], by=auditor, ratings={"greet": "met", "needs": "not_met", "close": "partial"},
                  reason="Listened again.")
    _assert_rollups_equal_the_audits()
    assert _rollups()[1][(team.id, standard, MONDAY, ana.id, "close")] == (2, 2, 1, 1)

    # An upheld dispute too.
    dispute = dispute_audit(recorded[4], cai, "The greeting was there.")
    resolve_dispute(dispute, by=second, upheld=True, reason="The recording shows it.",
                    ratings={"greet": "met", "needs": "met", "close": "met"})
    _assert_rollups_equal_the_audits()
    assert _rollups()[0][(other.id, standard, MONDAY, cai.id)][:2] == (1, 0)
    # greet that week: ana twice (the second, sampled, corrected to met), ben na, cai upheld to met
    assert _org_rollup()[(standard, MONDAY, "greet")] == (3, 0, 1, 0)


def test_charts_read_the_rollups_and_agree_with_the_per_audit_rows(factory):
    """The week path (rollups) and the day path (audits) of the staff queries give the same totals, and the
    all-teams step counts (AuditOrgStepWeek) those of the one team there is."""
    team = factory.team()
    ana, ben = factory.staff(team=team), factory.staff(team=team)
    auditor = factory.supervisor(team)
    version = factory.audit_standard(STEPS, pass_score=80)
    for offset, person, ratings in ((0, ana, {"greet": "met", "needs": "not_met", "close": "partial"}),
                                    (3, ana, {"greet": "partial", "needs": "met", "close": "na"}),
                                    (9, ben, {"greet": "na", "needs": "met", "close": "not_met"})):
        factory.audit(person, auditor, version, ratings=ratings, interacted_on=MONDAY + timedelta(days=offset))
    first, last = MONDAY, MONDAY + timedelta(days=13)
    every_team = q.Scope(version.standard_id, first, last, "week")
    assert q.step_period_counts(every_team) == q.step_period_counts(q.Scope(version.standard_id, first, last, "week",
                                                                            frozenset({team.id})))
    assert q.step_period_counts(every_team)["close"] == {"2026-W10": q.Counts(1, 1), "2026-W11": q.Counts(1, 1)}
    by_week = q.Scope(version.standard_id, first, last, "week", frozenset({team.id}))
    by_day = q.Scope(version.standard_id, first, last, "day", frozenset({team.id}))
    assert q.step_staff_counts(by_week) == q.step_staff_counts(by_day)
    assert q.step_staff_counts(by_week)[("close", ana.id)] == q.Counts(1, 1)
    weekly, daily = q.staff_score_trend(by_week), q.staff_score_trend(by_day)
    assert {staff: sum(s.audits for s in periods.values()) for staff, periods in weekly.items()} == \
        {staff: sum(s.audits for s in periods.values()) for staff, periods in daily.items()} == {ana.id: 2, ben.id: 1}
    assert set(weekly[ana.id]) == {"2026-W10"}

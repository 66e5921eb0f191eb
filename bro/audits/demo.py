"""Demo audits: twenty weeks of audits over both teams, through the real operations.

Each supervisor audits their team's staff (Grace, who supervises both, audits some of each). Staff differ
in skill; the B2C step `needs` drifts from ~10% to ~45% nonconforming over the last four weeks, so the
improvement dashboards find a real signal. Some audits are acknowledged, three are disputed (one upheld
with a new revision, one rejected, one open), one is corrected by its auditor, one is reopened by the admin
and corrected, most interactions get customer outcomes that go with passing, and there are three calibration
sessions (two complete, with the owner as benchmark rater, one waiting for Grace).

Retraining on two B2C modules is done as the weeks go by (see _RetrainingInTime). It works for one only:
`support` and `follow-up` (module `after-the-sale`) are missed often until a retraining on them, and seldom
for ten days after it; `needs-and-choice` changes nothing, so the evidence page shows an effect for
the first and none for the second.

Time is set explicitly: the clock is moved to each event's moment while the operation runs, so
revisions, disputes and the retraining assignments they create carry their past dates.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from bro import clock
from bro.audits import calibration as calibration_ops
from bro.audits.operations import (
    AuditRefused, Outcomes, acknowledge_audit, correct_audit, dispute_audit, record_audit, record_outcomes,
    reopen_audit, resolve_dispute, standards_in_force,
)
from bro.demo import DemoContext
from bro.extensions import db
from bro.models.audits import Audit
from bro.models.curricula import StandardVersion
from bro.models.people import User
from bro.models.training import Assignment

WEEKS = 20  # 12 weeks of baseline (Phase I), four steady weeks, four drifting ones
DRIFT_WEEKS = 4
DRIFTING_STEP = "needs"
CHANNELS_B2C = ["phone", "phone", "chat", "email", "in_person", "in_person"]
CHANNELS_B2B = ["meeting", "meeting", "phone", "email"]
# Steps that often do not apply (rated n.a.) in a share of interactions.
OFTEN_NA = {"follow-up": 0.25, "inform": 0.3, "support": 0.15, "cross-sell": 0.3, "disputes": 0.5, "boundaries": 0.2}
# Retraining done in time for these modules; only the first one works (see _RetrainingInTime).
TRAINED_MODULE = "after-the-sale"  # its quiz has no attempt limit: people can be retrained many times
RETRAINED_MODULES = (TRAINED_MODULE, "needs-and-choice")
TRAINED_STEPS = ("support", "follow-up")
# How hard each step is for everybody (added to a staff member's base rate).
DIFFICULTY = {"recommend": 0.06, "listen": 0.04, "close": 0.05, "negotiate": 0.08, "review": 0.05, "trust": 0.03}
# For knowledge vs behaviour (bro/knowledge/demo.py gives what people know): greeting is done nearly always,
# and the Front desk misses closing a third of the time although its people know it ("knows, doesn't do").
# Decided with a separate random stream, so every other rating of the demo stays as it was.
BEHAVIOUR_SEED = 20261219
EASIER = {"greet": 0.11}
KNOWN_NOT_DONE = {"Front desk": {"close": 0.35}}


def _rate(version: StandardVersion, base: float, rng: random.Random, drift: float,
          behaviour: tuple[random.Random, dict[str, float]] | None = None) -> dict[str, str]:
    ratings = {}
    for step in version.steps:
        if rng.random() < OFTEN_NA.get(step.key, 0.03):
            ratings[step.key] = "na"
            continue
        p = base + DIFFICULTY.get(step.key, 0.0)
        if step.key == DRIFTING_STEP:
            p = drift
        if rng.random() < p:
            ratings[step.key] = "not_met" if step.critical or rng.random() < 0.4 else "partial"
        else:
            ratings[step.key] = "met"
        if behaviour is not None and step.key in behaviour[1]:
            side = behaviour[0]  # the main stream drew exactly as before; this step's rating comes from here
            missed = side.random() < behaviour[1][step.key]
            ratings[step.key] = ("not_met" if step.critical or side.random() < 0.4 else "partial") if missed \
                else "met"
    if all(value == "na" for value in ratings.values()):
        ratings[version.steps[0].key] = "met"
    return ratings


class _RetrainingInTime:
    """Retraining done as the weeks go by, for two B2C modules, so that people are retrained several times
    and the evidence page has cases to judge: each assignment of RETRAINED_MODULES is completed three to
    seven days after it was made. Only TRAINED_MODULE works: before it, `support` and `follow-up` are
    missed almost half the time, and for ten days after completing it nineteen in twenty of those misses
    do not happen.
    The other module changes nothing. It draws from its own random generator, so the rest of the demo
    (the drifting `needs` step included) is rated exactly as without it."""

    LASTS = timedelta(days=10)

    def __init__(self, seed: int, skip_staff: set[int]):
        self.rng = random.Random(seed)
        self.skip_staff = skip_staff
        self.pending: dict[int, list[tuple[datetime, Assignment]]] = {}
        self.trained: dict[int, list[datetime]] = {}

    def apply(self, staff_id: int, at: datetime, ratings: dict[str, str], critical: dict[str, bool]) -> None:
        trained = any(start <= at < start + self.LASTS for start in self.trained.get(staff_id, []))
        for key in TRAINED_STEPS:
            if key not in ratings or ratings[key] == "na":
                continue
            if trained and ratings[key] != "met" and self.rng.random() < 0.95:
                ratings[key] = "met"
            elif not trained and ratings[key] == "met" and self.rng.random() < 0.45:
                ratings[key] = "not_met" if critical.get(key) else "partial"

    def schedule(self, audit: Audit) -> None:
        if audit.staff_id in self.skip_staff:
            return
        for assignment in db.session.execute(select(Assignment).where(
                Assignment.audit_id == audit.id, Assignment.module_key.in_(RETRAINED_MODULES))).scalars():
            when = assignment.created_at + timedelta(days=self.rng.randint(3, 7), hours=self.rng.randint(0, 6))
            self.pending.setdefault(audit.staff_id, []).append((when, assignment))

    def complete_due(self, staff, until: datetime) -> None:
        from bro.training.demo import read_lessons, take_quiz
        from bro.training.operations import current_module

        due = [item for item in self.pending.get(staff.id, []) if item[0] <= until]
        for when, assignment in due:
            self.pending[staff.id].remove((when, assignment))
            module = current_module(assignment.course_id, assignment.module_key)
            if module is None or module.quiz is None or assignment.completed_at is not None:
                continue
            read_lessons(staff, module, when)
            for retake in range(3):
                attempt = take_quiz(staff, module, 0.97 if retake == 0 else 1.0, self.rng,
                                    when + timedelta(hours=1 + retake))
                if attempt is None or attempt.passed:
                    break
            if assignment.completed_at is not None and assignment.module_key == TRAINED_MODULE:
                self.trained.setdefault(staff.id, []).append(assignment.completed_at)

    def finish(self, users: dict, now: datetime) -> None:
        for user in users.values():
            self.complete_due(user, now - timedelta(hours=1))


def _outcomes(audit: Audit, ratings: dict[str, str], rng: random.Random, today: date) -> Outcomes | None:
    if rng.random() < 0.18:
        return None  # not every customer's outcome is known
    good = audit.passed
    needs_failed = ratings.get(DRIFTING_STEP) == "not_met"
    csat = min(5, max(1, round(rng.gauss(4.4 if good else 3.1, 0.7) - (0.6 if needs_failed else 0))))
    repeat = rng.random() < (0.58 if good else 0.30) - (0.12 if needs_failed else 0)
    referral = rng.random() < (0.27 if good else 0.09)
    retained = None
    if (today - audit.interacted_on).days >= 90:
        retained = rng.random() < (0.9 if good else 0.68)
    if audit.relationship_kind == "b2b":
        value = Decimal(rng.randint(1500, 24000)) if repeat or rng.random() < 0.5 else None
    else:
        value = Decimal(rng.randint(1500, 32000)) / 100 if repeat or rng.random() < 0.6 else None
    return Outcomes(csat=csat, repeat_purchase=repeat, referral_made=referral, retained_90d=retained,
                    order_value=value)


def seed_audits(ctx: DemoContext) -> None:
    b2c = next(iter(standards_in_force("b2c")), None)
    b2b = next(iter(standards_in_force("b2b")), None)
    if b2c is None and b2b is None:
        return  # no standard imported: nothing to audit against
    if db.session.execute(select(Audit.id).limit(1)).first():
        return
    users, rng = ctx.users, ctx.rng
    today = clock.today()
    first_monday = today - timedelta(days=today.weekday()) - timedelta(weeks=WEEKS - 1)
    teams = [
        (b2c or b2b, "b2c" if b2c else "b2b", users["sup_front"], ["staff_1", "staff_2", "staff_3", "staff_4"],
         CHANNELS_B2C, "C-"),
        (b2b or b2c, "b2b" if b2b else "b2c", users["sup_key"], ["staff_5", "staff_6", "staff_7", "staff_8"],
         CHANNELS_B2B, "ACC-"),
    ]
    base_rates = {key: rate for key, rate in zip([f"staff_{i}" for i in range(1, 9)],
                                                   [0.07, 0.15, 0.05, 0.11, 0.09, 0.16, 0.06, 0.12])}
    recorded: list[tuple[Audit, dict[str, str]]] = []
    reference = 10000
    training = _RetrainingInTime(seed=2, skip_staff={users["staff_4"].id})  # Dewi stays behind
    behaviour_rng = random.Random(BEHAVIOUR_SEED)
    for week in range(WEEKS):
        monday = first_monday + timedelta(weeks=week)
        drifting = week >= WEEKS - DRIFT_WEEKS
        for version, relationship, supervisor, staff_keys, channels, prefix in teams:
            for key in staff_keys:
                staff = users[key]
                for _ in range(rng.randint(3, 6)):
                    day = monday + timedelta(days=rng.randint(0, 5))
                    if day >= today:
                        continue
                    drift = rng.uniform(0.38, 0.52) if drifting else rng.uniform(0.06, 0.14)
                    steps = {step: max(0.0, base_rates[key] - easier) for step, easier in EASIER.items()}
                    steps.update(KNOWN_NOT_DONE.get(staff.team.name if staff.team else "", {}))
                    ratings = _rate(version, base_rates[key], rng, drift, (behaviour_rng, steps))
                    auditor = users["sup_both"] if rng.random() < 0.25 else supervisor
                    at = datetime.combine(day, time(rng.randint(8, 16), rng.choice([0, 15, 30, 45])))
                    created = at + timedelta(hours=rng.randint(1, 30))
                    created = min(created, clock.utcnow() - timedelta(hours=1))
                    training.complete_due(staff, created)
                    training.apply(staff.id, at, ratings, {step.key: step.critical for step in version.steps})
                    reference += rng.randint(1, 9)
                    notes = {k: "Customer had to explain twice." for k, v in ratings.items()
                             if k == DRIFTING_STEP and v == "not_met" and rng.random() < 0.4}
                    with clock.moved_to(created):
                        audit = record_audit(
                            auditor=auditor, staff=staff, version=version, relationship=relationship,
                            channel=rng.choice(channels), interacted_on=day, interacted_at=at,
                            customer_ref=f"{prefix}{reference}", ratings=ratings, step_notes=notes,
                            note=None, created_at=created)
                    recorded.append((audit, ratings))
                    if any(value in ("partial", "not_met") for value in ratings.values()):
                        training.schedule(audit)
    training.finish(users, clock.utcnow())
    db.session.flush()

    _demo_correction(ctx, recorded, today)

    # The staff's answers: most older audits acknowledged within a few days.
    for audit, _ratings in recorded:
        if (today - audit.interacted_on).days > 7 and rng.random() < 0.95:
            with clock.moved_to(audit.created_at + timedelta(hours=rng.randint(4, 72))):
                acknowledge_audit(audit, audit.staff)

    _demo_disputes(ctx, recorded, today)
    _demo_reopen(ctx, recorded, today)

    # Outcomes, recorded by the auditor about two weeks after the interaction (when known by then).
    for audit, ratings in recorded:
        outcomes = _outcomes(audit, ratings, rng, today)
        recorded_at = datetime.combine(audit.interacted_on + timedelta(days=14), time(10))
        if outcomes is None or recorded_at > clock.utcnow():
            continue
        record_outcomes(audit, outcomes, audit.auditor, at=recorded_at)

    _demo_calibration(ctx, b2c or b2b, b2b or b2c, today)
    db.session.flush()


def _changed(audit: Audit, rng: random.Random) -> dict[str, str] | None:
    """The audit's ratings with one nonconforming step corrected to met (what an upheld dispute changes)."""
    ratings = {r.step_key: r.rating for r in audit.current_revision.ratings}
    failing = [k for k, v in ratings.items() if v in ("partial", "not_met")]
    if not failing:
        return None
    ratings[rng.choice(failing)] = "met"
    return ratings


def _demo_disputes(ctx: DemoContext, recorded, today: date) -> None:
    users, rng = ctx.users, ctx.rng
    front = [a for a, _ in recorded if a.team_id == users["staff_1"].team_id]
    key = [a for a, _ in recorded if a.team_id == users["staff_5"].team_id]

    def candidates(audits, min_days, max_days, auditor=None):
        return [a for a in audits if min_days <= (today - a.interacted_on).days <= max_days
                and a.status == "recorded" and not a.passed and (auditor is None or a.auditor_id == auditor.id)]

    # Upheld: a Front desk audit by Siti, disputed by the staff member, Grace corrects it.
    upheld = candidates(front, 20, 40, users["sup_front"])
    if upheld:
        audit = upheld[0]
        ratings = _changed(audit, rng)
        if ratings:
            with clock.moved_to(audit.created_at + timedelta(days=2)):
                dispute = dispute_audit(audit, audit.staff, "The customer asked to be called back later; "
                                        "I did ask about their needs on the second call.")
            with clock.moved_to(audit.created_at + timedelta(days=5)):
                resolve_dispute(dispute, by=users["sup_both"], upheld=True, ratings=ratings,
                                reason="The call recording shows the needs were asked on the follow-up call.")

    # Rejected: a Key accounts audit by Piotr, Grace rejects the dispute.
    rejected = candidates(key, 15, 45, users["sup_key"])
    if rejected:
        audit = rejected[0]
        with clock.moved_to(audit.created_at + timedelta(days=3)):
            dispute = dispute_audit(audit, audit.staff, "The partner never asked for a written summary.")
        with clock.moved_to(audit.created_at + timedelta(days=6)):
            resolve_dispute(dispute, by=users["sup_both"], upheld=False,
                            reason="The standard asks for a written summary after every meeting, asked or not.")

    # Open: a recent Front desk audit, disputed and waiting for a supervisor.
    open_ = candidates(front, 2, 10)
    if open_:
        audit = open_[0]
        with clock.moved_to(min(audit.created_at + timedelta(days=1), clock.utcnow())):
            dispute_audit(audit, audit.staff, "The customer was in a hurry and refused the questions about "
                                              "their needs; I noted that in the system.")


def _demo_correction(ctx: DemoContext, recorded, today: date) -> None:
    """An auditor's own correction within the correction window, before the staff member answers."""
    corrected = [a for a, _ in recorded if 30 <= (today - a.interacted_on).days <= 60 and a.status == "recorded"]
    if corrected:
        audit = corrected[0]
        ratings = _changed(audit, ctx.rng)
        if ratings:
            with clock.moved_to(audit.created_at + timedelta(hours=3)):
                try:
                    correct_audit(audit, by=audit.auditor, ratings=ratings,
                                  reason="Rated the wrong step by mistake; corrected from my notes.")
                except AuditRefused:
                    pass


def _demo_reopen(ctx: DemoContext, recorded, today: date) -> None:
    """An acknowledged audit reopened by the admin after a customer complaint, corrected by its auditor and
    acknowledged again: the whole lifecycle on one page."""
    admin = ctx.users.get("admin")
    if admin is None:
        return
    candidates = [a for a, _ in recorded if 20 <= (today - a.interacted_on).days <= 40
                  and a.status == "acknowledged" and not a.disputes and a.revision_number == 1
                  and a.auditor_id != admin.id]
    for audit in candidates:
        ratings = {r.step_key: r.rating for r in audit.current_revision.ratings}
        met = [k for k, v in ratings.items() if v == "met"]
        if not met:
            continue
        ratings[met[-1]] = "not_met" if next(s.critical for s in audit.standard_version.steps
                                             if s.key == met[-1]) else "partial"
        reopened_at = audit.acknowledged_at + timedelta(days=6)
        with clock.moved_to(reopened_at):
            reopen_audit(audit, by=admin, reason="The customer complained about this call; the recording "
                                                 "shows the last step was not done as rated.")
        with clock.moved_to(reopened_at + timedelta(hours=5)):
            correct_audit(audit, by=audit.auditor, ratings=ratings,
                          reason="Listened to the recording again after the complaint.")
        with clock.moved_to(reopened_at + timedelta(days=1)):
            acknowledge_audit(audit, audit.staff)
        return


def _calibration_session(opened: datetime, ratings: list[tuple[User, dict[str, str], int]], **fields) -> None:
    """Open a session at ``opened``; each (rater, ratings, hours) submits that many hours later."""
    with clock.moved_to(opened):
        session = calibration_ops.open_session(**fields)
    for user, user_ratings, hours in ratings:
        with clock.moved_to(opened + timedelta(hours=hours)):
            calibration_ops.submit_ratings(session, user, user_ratings)


def _demo_calibration(ctx: DemoContext, b2c: StandardVersion, b2b: StandardVersion, today: date) -> None:
    users = ctx.users
    raters = [users["sup_front"], users["sup_key"], users["sup_both"]]
    # An earlier session where nearly every rating is "met": kappa near zero, AC1 high (the kappa paradox).
    routine = []
    for offset, user in enumerate(raters):
        ratings = {step.key: "met" for step in b2c.steps}
        if offset == 2:
            critical = {step.key for step in b2c.steps if step.critical}
            split = next(step.key for step in reversed(b2c.steps) if step.key not in critical)
            ratings[split] = "partial"
        routine.append((user, ratings, 1 + offset * 3))

    complete = []
    variations = [{}, {"recommend": "partial"}, {"recommend": "partial", "close": "partial"}]
    for offset, (user, change) in enumerate(zip(raters, variations)):
        ratings = {step.key: "met" for step in b2c.steps}
        ratings.update({k: v for k, v in change.items() if k in ratings})
        for key in ("follow-up", "support"):
            if key in ratings:
                ratings[key] = "not_met" if offset == 2 and key == "follow-up" else "na"
        if "needs" in ratings and offset == 1:
            ratings["needs"] = "not_met"
        complete.append((user, ratings, 2 + offset * 5))

    waiting = []
    for offset, user in enumerate([users["sup_key"], users["sup_front"]]):
        ratings = {step.key: "met" for step in b2b.steps}
        for key, value in (("negotiate", "not_met" if offset == 0 else "partial"), ("review", "partial"),
                           ("disputes", "na")):
            if key in ratings:
                critical = next(s.critical for s in b2b.steps if s.key == key)
                ratings[key] = "not_met" if critical and value == "partial" else value
        waiting.append((user, ratings, 3 + offset * 20))

    # (days ago, hour opened, owner, reference, version, ratings, benchmark, description)
    sessions = [
        (41, 10, "sup_front", "CAL-B2C-00", b2c, routine, "sup_front",
         "Phone call, 4 minutes. A customer asks to move a delivery to Saturday. The agent greets, checks the "
         "order, offers two time slots, confirms by text message and thanks the customer."),
        (20, 9, "sup_front", "CAL-B2C-01", b2c, complete, "sup_front",
         "Phone call, 6 minutes. The customer asks about upgrading their mobile plan. The agent greets by name, "
         "asks how many people share the plan, recommends the family plan without asking about budget, explains "
         "the price clearly but not the contract length, and closes with a summary. No follow-up is agreed."),
        (3, 14, "sup_key", "CAL-B2B-02", b2b, waiting, None,
         "Quarterly review meeting with a distribution partner. The account manager prepared figures, agreed "
         "next quarter's targets, but gave a discount without asking for anything in return and did not send a "
         "written summary."),
    ]
    for days_ago, hour, owner, reference, version, ratings, benchmark, description in sessions:
        _calibration_session(datetime.combine(today - timedelta(days=days_ago), time(hour)), ratings,
                             owner=users[owner], reference=reference, version=version, participants=raters,
                             benchmark=users[benchmark] if benchmark else None, description=description)


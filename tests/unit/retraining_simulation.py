"""Simulated organisations for the retraining-effect tests.

Staff are audited on most working days; every nonconforming audit assigns the module, as the app does,
unless one is already open; the assignment is completed a few days later (or never). A real effect
lowers the person's nonconformity by ``effect`` from each completion on (cumulatively, never below 1 %).
``once``: the module is assigned to a person only the first time they miss the step (a one-off course),
so the comparison group is not itself being retrained over and over.
One team's step drifts for everybody half-way through, which the comparison group must absorb.
``reading="contract"`` builds the cases the literal way instead (last N audits before the trigger; a
colleague who was in retraining at any time over the windows left out), to measure that reading's bias.
"""
from __future__ import annotations

import random
from bisect import bisect_left, bisect_right
from datetime import date, datetime, time, timedelta

from bro.quality.effects import ControlDay, RetrainingCase, comparison_case

START = date(2026, 1, 5)


def _contract_case(person, audits, trigger, completed, rows, spans, n):
    before = audits[max(0, trigger - n):trigger]
    after = [(day, nc) for day, _r, nc in audits if day >= completed.date()][:n]
    case = RetrainingCase("module", person, tuple(nc for _d, _r, nc in before), tuple(nc for _d, nc in after))
    if not before or not after:
        return case
    first, last = before[0][0], after[-1][0]
    counts = {"b": [0, 0], "a": [0, 0]}
    for row in rows:
        if row.staff == person or any(s <= last and (e is None or e >= first) for s, e in spans[row.staff]):
            continue
        window = "b" if first <= row.day <= before[-1][0] else "a" if completed.date() <= row.day <= last else None
        if window:
            counts[window][0] += row.rated
            counts[window][1] += row.nonconforming
    return RetrainingCase("module", person, case.before, case.after, tuple(counts["b"]), tuple(counts["a"]))


def simulate_cases(seed: int, effect: float = 0.0, teams: int = 3, staff_per_team: int = 6, days: int = 150,
                   n: int = 5, rates: tuple[float, float] = (0.1, 0.4), reading: str = "app",
                   once: bool = False, weak: tuple[float, float, float] | None = None) -> list:
    """``weak``: (share, low, high) — that share of staff miss the step at a rate between low and high,
    the others at ``rates``."""
    rng = random.Random(seed)
    people = [(team, f"t{team}s{i}") for team in range(teams) for i in range(staff_per_team)]
    base = {person: rng.uniform(*(weak[1:] if weak and rng.random() < weak[0] else rates))
            for _team, person in people}
    offset = {person: 0.0 for _team, person in people}
    audits = {person: [] for _team, person in people}  # (day, recorded_at, nonconforming)
    assignments = {person: [] for _team, person in people}  # (created_at, completed_at or None, trigger index)
    pending = {}  # person -> completed_at or None
    for index in range(days):
        day = START + timedelta(days=index)
        if day.weekday() >= 5:
            continue
        for team, person in people:
            if person in pending and pending[person] is not None and datetime.combine(day, time(0)) >= pending[person]:
                offset[person] += effect
                del pending[person]
            if rng.random() > 0.6:
                continue
            drift = 0.1 if team == 0 and index >= days // 2 else 0.0
            rate = min(0.99, max(0.01, base[person] + drift + offset[person]))
            recorded = datetime.combine(day, time(12))
            nonconforming = rng.random() < rate
            audits[person].append((day, recorded, nonconforming))
            if nonconforming and person not in pending and not (once and assignments[person]):
                completed = (datetime.combine(day + timedelta(days=rng.randint(2, 10)), time(18))
                             if rng.random() < 0.85 else None)
                assignments[person].append((recorded, completed, len(audits[person]) - 1))
                pending[person] = completed
    team_rows = {}
    for team, person in people:
        team_rows.setdefault(team, []).extend(ControlDay(person, day, 1, int(nc)) for day, _r, nc in audits[person])
    for rows in team_rows.values():
        rows.sort(key=lambda row: row.day)
    spans = {person: [(created.date(), completed.date() if completed else None)
                      for created, completed, _i in assignments[person]] for _t, person in people}
    cases = []
    for team, person in people:
        days_of_team = [row.day for row in team_rows[team]]
        for created, completed, trigger in assignments[person]:
            if completed is None:
                continue
            after = [(day, nc) for day, _r, nc in audits[person] if day > completed.date()][:n]
            # Hand over only the colleagues' days that can fall in the windows (speed).
            first = audits[person][max(0, trigger - n)][0]
            last = after[-1][0] if after else completed.date()
            rows = team_rows[team][bisect_left(days_of_team, first):bisect_right(days_of_team, last)]
            if reading == "contract":
                cases.append(_contract_case(person, audits[person], trigger, completed, rows, spans, n))
            else:
                cases.append(comparison_case("module", person, audits[person][trigger:], after, created, completed,
                                             rows, n=n))
    return cases

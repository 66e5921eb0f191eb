"""Simulated evidence pages for the outcome tests: audits of a few teams with steps missed at different
rates, the audit's pass decided from the steps, and outcomes that depend on the pass and the team (and,
when asked, on one step) — never on any other step."""
from __future__ import annotations

import random

from bro.quality.outcomes import MEAN, RATE, OutcomeAudit

STEPS = ("greet", "needs", "recommend", "explain", "close", "follow-up", "inform", "support")
OUTCOMES = (("csat", MEAN), ("repeat_purchase", RATE), ("referral_made", RATE), ("retained_90d", RATE),
            ("order_value", MEAN))


def simulate_page(seed: int, audits: int = 400, teams: int = 3, step_effect: tuple[str, float] | None = None,
                  pass_matters: bool = True) -> list[OutcomeAudit]:
    rng = random.Random(seed)
    skill = {f"t{t}s{s}": rng.uniform(0.03, 0.2) for t in range(teams) for s in range(5)}
    team_shift = [rng.uniform(-0.3, 0.3) for _ in range(teams)]
    rows = []
    for _ in range(audits):
        staff = rng.choice(sorted(skill))
        team = int(staff[1:].split("s")[0])
        steps = {}
        for key in STEPS:
            steps[key] = None if rng.random() < (0.3 if key in ("inform", "follow-up") else 0.03) else \
                rng.random() < skill[staff] + (0.15 if key == "needs" else 0.0)
        passed = sum(1 for v in steps.values() if v) <= 1 and not steps["explain"]
        good = (0.8 if passed else -0.8) if pass_matters else 0.0
        bad_step = step_effect is not None and steps.get(step_effect[0]) is True
        shift = step_effect[1] if bad_step else 0.0
        outcomes = {
            "csat": min(5, max(1, round(rng.gauss(3.8 + good + team_shift[team] + shift, 0.8)))),
            "repeat_purchase": rng.random() < 0.45 + good / 5 + team_shift[team] / 3 + shift / 5,
            "referral_made": rng.random() < 0.2 + good / 10,
            "retained_90d": None if rng.random() < 0.3 else rng.random() < 0.75 + good / 8,
            "order_value": None if rng.random() < 0.4 else round(rng.lognormvariate(4 + good / 4, 0.6), 2),
        }
        rows.append(OutcomeAudit(team=team, staff=staff, passed=passed, steps=steps, outcomes=outcomes))
    return rows

"""Phase I (the baseline) and Phase II (judging later periods against it) of a p-chart.

A chart's timeline is cut into *phases*. A phase starts when the standard version in force changes, or where
a supervisor set a baseline by hand (for example after a corrective action changed the process). Within a
phase:

* **Phase I.** The baseline periods are the first :data:`BASELINE_PERIODS` periods with rated audits (or,
  for a baseline set by hand with an end, every rated period from its start to its end). p̄ = Σx / Σn over
  them. Cleaning: periods beyond the exact 3σ limits around that p̄ (rule 1) are left out and p̄ is
  recomputed, until no remaining period breaks them. The periods left out are kept in ``dropped``. With fewer
  than :data:`BASELINE_PERIODS` rated periods the limits are *provisional*: p̄ is taken from what exists,
  and moves as periods arrive, until the baseline is complete.
* **Phase II.** Every period of the phase (the baseline periods too) is judged against that frozen p̄, and
  the Western Electric rules run over the phase from its start. Runs do not cross into the next phase.

Nothing here depends on the range a user looks at: the caller passes every period from the first phase's
start, and cuts the display afterwards.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace

from bro.quality.pchart import PChartPoint, PeriodCount, chart_point, exact_limits, tail_probability
from bro.quality.signals import Signal, western_electric

__all__ = ["BASELINE_PERIODS", "Baseline", "Phase", "PhaseResult", "PhasedChart", "phase_one", "phased_p_chart"]

BASELINE_PERIODS = 12


@dataclass(frozen=True)
class Baseline:
    centre: float | None          # p̄ after cleaning; None without any rated period
    periods: tuple[Hashable, ...]  # the periods p̄ is computed from
    dropped: tuple[Hashable, ...]  # left out by cleaning (beyond the exact 3σ limits)
    provisional: bool              # fewer than BASELINE_PERIODS rated periods to build it from
    n: int = 0
    nonconforming: int = 0
    candidates: tuple[Hashable, ...] = ()  # the rated periods it was built from, before cleaning


def phase_one(counts: Sequence[PeriodCount], limit: int | None = BASELINE_PERIODS,
              required: int = BASELINE_PERIODS) -> Baseline:
    """The baseline from ``counts`` (in time order): the first ``limit`` rated periods (all of them for
    ``limit=None``), cleaned of periods beyond the exact 3σ limits."""
    rated = [count for count in counts if count.n]
    if limit is not None:
        rated = rated[:limit]
    provisional = len(rated) < required
    kept = list(rated)
    dropped: list[PeriodCount] = []
    while kept:
        total_n = sum(c.n for c in kept)
        centre = sum(c.nonconforming for c in kept) / total_n
        breaking = [c for c in kept if abs(exact_limits(c.n, centre).zone(c.nonconforming)) == 3]
        if not breaking or len(breaking) == len(kept):
            break
        dropped += breaking
        kept = [c for c in kept if c not in breaking]
    if not kept:
        return Baseline(None, (), (), provisional)
    candidates = tuple(c.period for c in rated)
    total_n = sum(c.n for c in kept)
    total_nc = sum(c.nonconforming for c in kept)
    order = {c.period: i for i, c in enumerate(rated)}
    return Baseline(total_nc / total_n, tuple(c.period for c in kept),
                    tuple(c.period for c in sorted(dropped, key=lambda c: order[c.period])), provisional,
                    total_n, total_nc, candidates)


@dataclass(frozen=True)
class Phase:
    """Where a phase starts and how its baseline is chosen.

    ``kind`` is "version" (a standard version came into force; ``label`` its number) or "baseline" (set by
    hand; ``baseline_last`` its last period, or None for the first BASELINE_PERIODS rated periods)."""

    start: Hashable
    kind: str = "version"
    label: object = None
    baseline_last: Hashable | None = None
    note: object = None  # anything the caller wants back (who set it, why)


@dataclass(frozen=True)
class PhaseResult:
    phase: Phase
    baseline: Baseline
    first: Hashable  # first period of the phase present in the counts
    last: Hashable


@dataclass(frozen=True)
class PhasedChart:
    points: tuple[PChartPoint, ...]
    signals: tuple[Signal, ...]
    phases: tuple[PhaseResult, ...]

    def phase_of(self, period: Hashable) -> PhaseResult | None:
        found = None
        for result in self.phases:
            if result.first <= period:
                found = result
        return found


def _signal_probability(signal: Signal, by_period: dict, centre: float) -> float:
    """Chance, at the baseline p̄, of at least as many nonconforming (at most, for "below") over the
    signal's periods together: X ~ Binomial(Σn, p̄)."""
    n = sum(by_period[p].n for p in signal.periods)
    x = sum(by_period[p].nonconforming for p in signal.periods)
    return tail_probability(x, n, centre, 1 if signal.side == "above" else -1)


def phased_p_chart(counts: Sequence[PeriodCount], phases: Sequence[Phase]) -> PhasedChart:
    """The chart of ``counts`` (every period in time order, gaps included, from the first phase's start).

    ``phases`` in any order; periods before the first phase start belong to it. Each phase gets its own
    baseline and its own runs of the rules."""
    ordered = sorted(phases, key=lambda phase: phase.start) or [Phase(counts[0].period if counts else "")]
    bounds = []
    for index, phase in enumerate(ordered):
        following = ordered[index + 1].start if index + 1 < len(ordered) else None
        members = [c for c in counts if (index == 0 or c.period >= phase.start)
                   and (following is None or c.period < following)]
        if members or index == 0:
            bounds.append((phase, members))
    points: list[PChartPoint] = []
    signals: list[Signal] = []
    results: list[PhaseResult] = []
    for phase, members in bounds:
        if phase.kind == "baseline" and phase.baseline_last is not None:
            baseline = phase_one([c for c in members if c.period <= phase.baseline_last], limit=None)
        else:
            baseline = phase_one(members)
        if members:
            results.append(PhaseResult(phase, baseline, members[0].period, members[-1].period))
        if baseline.centre is None:
            points += [chart_point(PeriodCount(c.period, 0, 0), 0.0) for c in members]
            continue
        phase_points = [chart_point(c, baseline.centre) for c in members]
        by_period = {c.period: c for c in members}
        found = western_electric(phase_points)
        signals += [replace(s, probability=_signal_probability(s, by_period, baseline.centre)) for s in found]
        points += phase_points
    return PhasedChart(tuple(points), tuple(signals), tuple(results))

"""Random samples for audit plans: reproducible from a seed, optionally stratified, never repeating an item.

A draw takes k items from the candidates uniformly at random (simple random sampling without replacement).
Stratified, k is split over the strata in proportion to their sizes (largest remainder, Hamilton's method),
and each stratum is sampled on its own. Candidates are sorted first, so the same candidates and seed give
the same draw whatever order they arrive in.
"""
from __future__ import annotations

import random
from collections.abc import Hashable, Mapping, Sequence


def allocate(sizes: Mapping[Hashable, int], k: int) -> dict[Hashable, int]:
    """Split k over strata in proportion to their sizes, never above a stratum's size (largest remainder)."""
    total = sum(sizes.values())
    k = min(k, total)
    if k <= 0:
        return {stratum: 0 for stratum in sizes}
    exact = {stratum: k * size / total for stratum, size in sizes.items()}
    quota = {stratum: int(value) for stratum, value in exact.items()}
    order = sorted(sizes, key=lambda s: (-(exact[s] - quota[s]), -sizes[s], str(s)))
    left = k - sum(quota.values())
    for stratum in order:
        if left == 0:
            break
        if quota[stratum] < sizes[stratum]:
            quota[stratum] += 1
            left -= 1
    return quota


def draw(candidates: Sequence[tuple[int, Hashable]], k: int, seed: int | str, stratified: bool = False) -> list[int]:
    """k item ids out of (id, stratum) pairs, uniformly at random without replacement; all of them when
    there are k or fewer. Deterministic in (set of candidates, k, seed, stratified)."""
    rng = random.Random(f"bro-sample:{seed}")
    items = sorted(set(candidates), key=lambda pair: pair[0])
    if not stratified:
        ids = [item_id for item_id, _stratum in items]
        return sorted(rng.sample(ids, min(k, len(ids))))
    strata: dict[Hashable, list[int]] = {}
    for item_id, stratum in items:
        strata.setdefault(stratum, []).append(item_id)
    quota = allocate({stratum: len(ids) for stratum, ids in strata.items()}, k)
    chosen: list[int] = []
    for stratum in sorted(strata, key=str):
        chosen.extend(rng.sample(strata[stratum], quota[stratum]))
    return sorted(chosen)

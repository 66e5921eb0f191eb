"""The chance figure's simulations, kept so that a range not shown before costs a sum.

bro.quality.chance simulates each phase of each chart whole and returns its signals per period
(``period_signals``); the figure for any range is a sum over them. They are kept here under
``series_digest`` — a digest of everything they depend on (the phase's baseline p̄, every rated period's nᵢ,
which periods built the baseline, the chart and phase, the seed and the number of runs) — so an audit,
a correction or an upheld dispute that changes a chart's counts or baseline changes its key: nothing to
invalidate, and an entry that is no longer asked for simply ages out.

Where they live: in this process, least recently used dropped beyond ``MAX_BYTES`` (a chart-phase of two
years of weeks is about 3 KB); with ``BRO_CACHE_URL`` also in the shared cache, so that another worker or
server finds what one computed. Warming (bro.improve.cache) renders the views shown last after a write, which
computes the new simulations in the background before the next reader comes.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from flask import current_app, has_app_context

from bro.quality import ChanceSeries, period_signals, series_digest

MAX_BYTES = 4 * 1024 * 1024
SHARED_SECONDS = 7 * 24 * 3600  # a digest names its content: an entry is never stale, only unused


class PeriodSignalsCache:
    """In-process: digest -> per-period signal counts (a small integer array), bounded in bytes."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self._entries: OrderedDict[str, object] = OrderedDict()
        self._bytes = 0
        self._max_bytes = max_bytes
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: str, counts) -> None:
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = counts
            self._bytes += counts.nbytes
            while self._bytes > self._max_bytes and len(self._entries) > 1:
                _key, dropped = self._entries.popitem(last=False)
                self._bytes -= dropped.nbytes

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)


local_counts = PeriodSignalsCache()


def _shared():
    """The shared cache (BRO_CACHE_URL), or None."""
    if not has_app_context() or not current_app.config.get("BRO_CACHE_URL"):
        return None
    from bro.improve.cache import backend

    return backend()


def period_counts(series: ChanceSeries):
    """``period_signals(series)``, computed at most once per content (here or, shared, by any worker)."""
    import numpy as np

    key = series_digest(series)
    found = local_counts.get(key)
    if found is not None:
        return found
    shared = _shared()
    if shared is not None:
        found = shared.get(("chance", key), SHARED_SECONDS)
    if found is None:
        # Counts per period are at most 8 signals × the number of runs: 32 bits hold them.
        found = period_signals(series).astype(np.int32)
        if shared is not None:
            shared.put(("chance", key), found, SHARED_SECONDS)
    local_counts.put(key, found)
    return found

"""The day the improvement dashboard tests run on, and the fixture body that holds bro.clock there."""
from __future__ import annotations

from datetime import date, datetime, time

import pytest

from bro import clock

TODAY = date(2026, 11, 26)  # a Thursday


def freeze_clock(monkeypatch, today: date = TODAY) -> None:
    """bro.clock says it is noon (UTC) on ``today``."""
    monkeypatch.setattr(clock, "utcnow", lambda: datetime.combine(today, time(12, 0)))
    monkeypatch.setattr(clock, "today", lambda: today)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """Autouse in every test module that imports it: bro.clock stands at noon on TODAY."""
    freeze_clock(monkeypatch)

"""The interaction-import benchmark imports every row of its generated export (a small one here)."""
from __future__ import annotations

import csv
import io

import pytest

from bench import interactions

pytestmark = pytest.mark.no_db


def test_the_generated_export_is_deterministic_and_every_row_imports(tmp_path):
    text = interactions.export_text(60)
    assert text == interactions.export_text(60)
    assert len(list(csv.reader(io.StringIO(text, newline="")))) == 61
    timing = interactions.measure(f"sqlite:///{tmp_path / 'interactions.sqlite3'}", rows=60, repetitions=1)
    assert timing.rows == 60 and timing.messages >= 120
    assert timing.ratio > 0 and timing.cpu_ratio > 0 and timing.write_ratio > 0
    assert len(timing.write_seconds) == 1

"""The dashboard's chance figure from kept simulations: the same figure as simulating at view time, a range
not shown before costs no simulation, and an audit, a correction or an upheld dispute changes what is kept."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.web.frozen_clock import TODAY, fixed_today  # noqa: F401  (fixed_today: autouse fixture)


@pytest.fixture
def org(factory):
    from types import SimpleNamespace

    team = factory.team("Alpha")
    sup, second = factory.supervisor(team, name="Sue A"), factory.supervisor(team, name="Sam A")
    staff = factory.staff(team=team, name="Ann")
    version = factory.audit_standard(key="chance-standard")
    audits = []
    for week in range(16):
        for k in range(3):
            audits.append(factory.audit(staff, sup, version, interacted_on=TODAY - timedelta(weeks=week, days=k),
                                        ratings={"greet": "met", "needs": "not_met" if (week + k) % 4 == 0 else "met",
                                                 "close": "met"}))
    return SimpleNamespace(team=team, sup=sup, second=second, staff=staff, version=version, audits=audits,
                           standard_id=version.standard_id)


@pytest.fixture(autouse=True)
def empty_kept_counts():
    from bro.improve.chance import local_counts

    local_counts.clear()
    yield
    local_counts.clear()


def _board(app, user, **args):
    from bro.improve import queries as q
    from bro.improve.filters import read_filters
    from bro.improve.registry import build_dashboard

    with app.test_request_context():
        filters = read_filters(user, {key: str(value) for key, value in args.items()}, q.standards_with_steps())
        return build_dashboard(filters, q.team_names(filters.visible_teams))


def _digests(board) -> set[str]:
    from bro.quality import series_digest

    return {series_digest(series) for chart in [board.failure, *board.steps] for series in chart.chance}


def _simulated_now(board) -> float:
    from bro.quality import expected_signals

    return expected_signals([series for chart in [board.failure, *board.steps] if chart.n
                             for series in chart.chance])


def test_the_kept_figure_equals_the_figure_simulated_at_view_time(app, org):
    board = _board(app, org.sup, team=org.team.id, standard=org.standard_id)
    assert board.expected is not None and board.expected > 0
    assert board.expected == _simulated_now(board)


def test_a_range_not_shown_before_reuses_the_kept_simulations(app, org, monkeypatch):
    from bro.improve import chance

    first = _board(app, org.sup, team=org.team.id, standard=org.standard_id,
                   **{"from": (TODAY - timedelta(weeks=20)).isoformat()})
    simulated = []
    original = chance.period_signals
    monkeypatch.setattr(chance, "period_signals", lambda series: simulated.append(series) or original(series))
    for weeks in (8, 30, 52):
        board = _board(app, org.sup, team=org.team.id, standard=org.standard_id,
                       **{"from": (TODAY - timedelta(weeks=weeks)).isoformat()})
        assert _digests(board) == _digests(first)
        assert board.expected == _simulated_now(board)
    assert simulated == []


def _changed_after(app, org, change) -> None:
    from bro.extensions import db

    before = _board(app, org.sup, team=org.team.id, standard=org.standard_id)
    change()
    db.session.flush()
    after = _board(app, org.sup, team=org.team.id, standard=org.standard_id)
    assert _digests(after) != _digests(before)
    assert after.expected == _simulated_now(after)


def test_an_audit_changes_the_kept_simulations(app, factory, org):
    _changed_after(app, org, lambda: factory.audit(org.staff, org.sup, org.version, interacted_on=TODAY,
                                                   ratings={"greet": "not_met", "needs": "met", "close": "met"}))


def test_a_correction_in_the_baseline_changes_the_kept_simulations(app, org):
    from bro.audits.operations import correct_audit

    # The simulations depend on the baseline p̄ and each period's n, not on the later periods' counts: the
    # oldest audit (a baseline week) moves p̄.
    _changed_after(app, org, lambda: correct_audit(org.audits[-1], by=org.sup, reason="typo",
                                                   ratings={"greet": "not_met", "needs": "not_met",
                                                            "close": "not_met"}))


def test_an_upheld_dispute_in_the_baseline_changes_the_kept_simulations(app, org):
    from bro.audits.operations import dispute_audit, resolve_dispute

    def uphold():  # a baseline-week audit whose `needs` was not met
        dispute = dispute_audit(org.audits[-2], org.staff, "The customer asked for this.")
        resolve_dispute(dispute, by=org.second, upheld=True, reason="Right.",
                        ratings={"greet": "met", "needs": "met", "close": "met"})

    _changed_after(app, org, uphold)


def test_kept_simulations_are_bounded_in_bytes():
    import numpy as np

    from bro.improve.chance import PeriodSignalsCache

    kept = PeriodSignalsCache(max_bytes=10_000)
    for index in range(20):
        kept.put(f"key-{index}", np.zeros((104, 8), dtype=np.int32))  # 3,328 bytes each
    assert len(kept) == 3 and kept.get("key-19") is not None and kept.get("key-0") is None


def test_another_worker_reads_the_simulations_one_kept_in_the_shared_cache(app, monkeypatch, tmp_path):
    import numpy as np

    from bro.improve import chance
    from bro.quality import ChanceSeries

    monkeypatch.setitem(app.config, "BRO_CACHE_URL", f"file://{tmp_path}")
    series = ChanceSeries(0.1, (17,) * 20, (True,) * 12 + (False,) * 8, (True,) * 20, "needs/2026-W01")
    with app.app_context():
        kept = chance.period_counts(series)
        chance.local_counts.clear()  # as another worker: nothing of its own
        monkeypatch.setattr(chance, "period_signals", lambda one: pytest.fail("simulated again"))
        assert np.array_equal(chance.period_counts(series), kept)

"""Calibration sessions: blind rating, results when all have submitted or the owner closes, history.

Worked example (3 raters, 4 steps of weight 1, categories met/partial/not_met/na), by hand:
    step   A        B        C        counts             P_i = (Σn² − n) / n(n−1)
    s1     met      met      met      met 3              (9−3)/6 = 1
    s2     met      met      partial  met 2, partial 1   (4+1−3)/6 = 1/3
    s3     not_met  not_met  not_met  not_met 3          1
    s4     na       met      na       na 2, met 1        1/3
    P̄  = (1 + 1/3 + 1 + 1/3) / 4 = 2/3
    p_j = met 6/12, partial 1/12, not_met 3/12, na 2/12  →  P̄e = (36 + 1 + 9 + 4)/144 = 25/72
    κ  = (2/3 − 25/72) / (1 − 25/72) = (23/72) / (47/72) = 23/47 ≈ 0.489
Scores: A 2/3 = 66.7, B 3/4 = 75.0, C 1.5/3 = 50.0 → spread 25.0; consensus (s1 met, s2 met, s3 not_met,
s4 na) = 66.7, so deviations are A 0.0, B 8.3, C 16.7.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bro.extensions import db
from bro.models.audits import CalibrationSession

STEPS = (("s1", 1, False), ("s2", 1, False), ("s3", 1, False), ("s4", 1, False))
RATINGS = {
    "A": {"s1": "met", "s2": "met", "s3": "not_met", "s4": "na"},
    "B": {"s1": "met", "s2": "met", "s3": "not_met", "s4": "met"},
    "C": {"s1": "met", "s2": "partial", "s3": "not_met", "s4": "na"},
}


@pytest.fixture
def panel(factory):
    team = factory.team()
    raters = {name: factory.supervisor(team, name=f"Rater {name}") for name in "ABC"}
    version = factory.audit_standard(STEPS, pass_score=80)
    return raters, version


def _switch(client, login, user):
    client.post("/logout")
    login(user)


def _open(client, login, raters, version) -> CalibrationSession:
    _switch(client, login, raters["A"])
    response = client.post("/calibration/new", data={
        "standard_version_id": str(version.id), "reference": "CAL-7", "description": "A chat about a refund.",
        "participant_ids": [str(u.id) for u in raters.values()]})
    assert response.status_code == 302, response.data[:2000]
    return db.session.execute(select(CalibrationSession).where(CalibrationSession.reference == "CAL-7")).scalar_one()


def _rate(client, login, user, session, ratings):
    _switch(client, login, user)
    data = {f"rating-{k}": v for k, v in ratings.items()}
    response = client.post(f"/calibration/{session.id}/rate", data=data)
    assert response.status_code == 302, response.data[:2000]


def test_fleiss_kappa_of_a_session_matches_the_worked_example(client, login, panel):
    raters, version = panel
    session = _open(client, login, raters, version)
    _rate(client, login, raters["A"], session, RATINGS["A"])
    _rate(client, login, raters["B"], session, RATINGS["B"])
    page = client.get(f"/calibration/{session.id}").get_data(as_text=True)
    assert "data-kappa" not in page  # blind until everyone has submitted
    assert "Rater A" in page
    _rate(client, login, raters["C"], session, RATINGS["C"])
    page = client.get(f"/calibration/{session.id}").get_data(as_text=True)
    assert f"{23 / 47:.3f}" == "0.489"
    assert "data-kappa>0.489<" in page
    assert "data-spread>25.0<" in page
    assert "33%" in page and "100%" in page  # per-step agreement of s2 and s1


def test_opening_a_session_needs_two_supervisors(client, login, panel):
    raters, version = panel
    login(raters["A"])
    response = client.post("/calibration/new", data={
        "standard_version_id": str(version.id), "reference": "CAL-8", "description": "x",
        "participant_ids": [str(raters["A"].id)]})
    assert response.status_code == 400 and b"at least 2 supervisors" in response.data


def test_owner_closes_a_session_to_show_results_before_everyone_rated(client, login, panel):
    raters, version = panel
    session = _open(client, login, raters, version)
    _rate(client, login, raters["B"], session, RATINGS["B"])
    _rate(client, login, raters["C"], session, RATINGS["C"])
    _switch(client, login, raters["B"])  # not the owner
    client.post(f"/calibration/{session.id}/close")
    db.session.refresh(session)
    assert session.closed_at is None
    _switch(client, login, raters["A"])
    assert client.post(f"/calibration/{session.id}/close").status_code == 302
    page = client.get(f"/calibration/{session.id}").get_data(as_text=True)
    assert "data-kappa>" in page and "did not rate" in page
    assert "Submit my ratings" not in page  # closed: A can no longer rate


def test_uninvited_supervisors_do_not_see_a_session(client, login, factory, panel):
    raters, version = panel
    session = _open(client, login, raters, version)
    _switch(client, login, factory.supervisor())
    assert client.get(f"/calibration/{session.id}").status_code == 404


def test_calibration_history_shows_average_deviation_from_consensus(client, login, panel):
    raters, version = panel
    session = _open(client, login, raters, version)
    for name in "ABC":
        _rate(client, login, raters[name], session, RATINGS[name])
    page = client.get(f"/calibration/history?user={raters['C'].id}").get_data(as_text=True)
    # C scored 50.0 against a consensus of 66.7: deviation 16.7; B 8.3; A 0.0
    assert "16.7" in page and "8.3" in page and "0.0" in page


# --- beyond kappa: AC1 and alpha on the page, the benchmark rater, each supervisor's record ---------------------

EIGHT = tuple((f"k{i}", 1, False) for i in range(8))
ALL_MET = {f"k{i}": "met" for i in range(8)}


def test_kappa_paradox_page_shows_high_ac1_beside_negative_kappa(client, login, factory):
    team = factory.team()
    raters = {name: factory.supervisor(team, name=f"Rater {name}") for name in "ABC"}
    version = factory.audit_standard(EIGHT, pass_score=80)
    session = _open(client, login, raters, version)
    _rate(client, login, raters["A"], session, ALL_MET)
    _rate(client, login, raters["B"], session, ALL_MET)
    _rate(client, login, raters["C"], session, {**ALL_MET, "k7": "partial"})
    page = client.get(f"/calibration/{session.id}").get_data(as_text=True)
    assert "data-kappa>−0.043<" in page  # seven steps met by all, one 2–1 split
    assert "data-ac1>0.914<" in page
    assert "data-observed>92%<" in page
    assert "data-alpha>" in page and "data-kappa-paradox" in page
    assert "data-pass-fail>100%<" in page  # 100, 100, 93.75: everyone passes


def test_a_benchmark_rater_is_invited_and_everyone_is_compared_with_them(client, login, panel):
    raters, version = panel
    _switch(client, login, raters["A"])
    response = client.post("/calibration/new", data={
        "standard_version_id": str(version.id), "reference": "CAL-B", "description": "A call about a late parcel.",
        "participant_ids": [str(raters["A"].id), str(raters["C"].id)], "benchmark_id": str(raters["B"].id)})
    assert response.status_code == 302, response.data[:2000]
    session = db.session.execute(select(CalibrationSession).where(CalibrationSession.reference == "CAL-B")).scalar_one()
    assert session.benchmark_user_id == raters["B"].id
    assert {p.user_id for p in session.participants} == {u.id for u in raters.values()}  # B invited to rate blind
    for name in "ABC":
        _rate(client, login, raters[name], session, RATINGS[name])
    page = client.get(f"/calibration/{session.id}").get_data(as_text=True)
    # B (benchmark) 75.0; A 66.7 is −8.3 from it and differs on s4; C 50.0 is −25.0 and differs on s2 and s4
    assert "Difference from the benchmark (points)" in page
    assert "−8.3" in page and "−25.0" in page
    assert page.count("data-off-benchmark") == 3


def test_each_supervisors_record_pools_their_sessions_against_the_benchmark(client, login, panel):
    raters, version = panel
    _switch(client, login, raters["A"])
    client.post("/calibration/new", data={
        "standard_version_id": str(version.id), "reference": "CAL-R", "description": "A complaint by email.",
        "participant_ids": [str(u.id) for u in raters.values()], "benchmark_id": str(raters["B"].id)})
    session = db.session.execute(select(CalibrationSession).where(CalibrationSession.reference == "CAL-R")).scalar_one()
    for name in "ABC":
        _rate(client, login, raters[name], session, RATINGS[name])
    page = client.get(f"/calibration/history?user={raters['C'].id}").get_data(as_text=True)
    assert "Calibration records" in page
    assert "benchmark (Rater B)" in page  # C's session compared with B
    assert "−25.0" in page and "50%" in page  # C agrees with B on s1 and s3 of 4 steps


def test_the_benchmark_must_be_an_active_supervisor(client, login, panel, factory):
    raters, version = panel
    _switch(client, login, raters["A"])
    response = client.post("/calibration/new", data={
        "standard_version_id": str(version.id), "reference": "CAL-X", "description": "x",
        "participant_ids": [str(u.id) for u in raters.values()], "benchmark_id": "999999"})
    assert response.status_code == 400

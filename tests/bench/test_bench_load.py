"""The load run's verifier: every accepted submission stored exactly once, nothing else stored."""
from __future__ import annotations

import pytest

from bench.load import persona_of, verify_submissions

pytestmark = pytest.mark.no_db


def test_all_accepted_and_stored_once_passes():
    check = verify_submissions("audits", ["A-1", "A-2", "A-3"], ["A-3", "A-1", "A-2"])
    assert check.ok and (check.accepted, check.stored) == (3, 3)


def test_a_missing_submission_is_detected():
    check = verify_submissions("audits", ["A-1", "A-2", "A-3"], ["A-1", "A-3"])
    assert not check.ok and check.missing == ["A-2"] and not check.duplicated


def test_a_duplicated_submission_is_detected():
    check = verify_submissions("attempts", [11, 12], [11, 12, 12])
    assert not check.ok and check.duplicated == ["12"] and not check.missing


def test_a_stored_submission_nobody_saw_accepted_is_detected():
    check = verify_submissions("audits", ["A-1"], ["A-1", "A-9"])
    assert not check.ok and check.unexpected == ["A-9"]
    assert "1 unexpected" in check.summary()


def test_the_mix_is_six_staff_three_supervisors_one_trainer_in_ten():
    kinds = [persona_of(i) for i in range(50)]
    assert (kinds.count("staff"), kinds.count("supervisor"), kinds.count("trainer")) == (30, 15, 5)

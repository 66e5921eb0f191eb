"""Privacy of aggregates: the one rule for people who may not see individual audits.

Someone who may not open a person's audits (a trainer, or a supervisor looking beyond their teams) must not
read them off an aggregate either: a "team" of one person over one day *is* that person's audit. Any group
shown to such a viewer must hold at least MIN_STAFF different staff members and MIN_AUDITS audits; a
smaller group is shown as "too few to show", with no figure at all (not even its count).
"""

from __future__ import annotations

__all__ = ["MIN_AUDITS", "MIN_STAFF", "too_few_to_show"]

MIN_STAFF = 5
MIN_AUDITS = 5


def too_few_to_show(staff: int, audits: int, restricted: bool = True) -> bool:
    """True when a group of ``staff`` people and ``audits`` audits must be hidden from a ``restricted``
    viewer (one who may not see these audits one by one). Unrestricted viewers see every group."""
    return restricted and (staff < MIN_STAFF or audits < MIN_AUDITS)

"""Form data the web tests post: one helper per form, shared by every test module that posts it."""
from __future__ import annotations

from datetime import date

# An audit standard of five weighted steps ("c" is critical), as factory.audit_standard takes it.
WEIGHTED = (("a", 1, False), ("b", 2, False), ("c", 3, True), ("d", 1, False), ("e", 3, False))
MET = {key: "met" for key, _w, _c in WEIGHTED}


def audit_form(version, staff, ratings, **extra) -> dict:
    """The new-audit form for `staff` on standard `version`, rated `ratings` {step key: rating}."""
    data = {"relationship": version.relationship_kind, "standard_version_id": str(version.id),
            "staff_id": str(staff.id), "interacted_on": date.today().isoformat(), "channel": "phone",
            "customer_ref": "C-100", "note": "Overall fine."}
    data.update({f"rating-{key}": value for key, value in ratings.items()})
    data.update(extra)
    return data


def action_form(s, **changes) -> dict:
    """The new corrective action form for the `setup` of tests/web/test_improve_actions.py."""
    data = {"target": f"{s.version.standard_id}:needs", "team_id": s.team.id, "problem": "Needs are skipped.",
            "root_cause": "", "action": "Coach the needs questions.", "owner_id": s.sup.id,
            "due_date": "2026-12-20", "source": "signal", "source_detail": "2|2026-W45|2026-W48"}
    data.update(changes)
    return data

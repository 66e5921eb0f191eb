"""Audit objects for the access matrix: a standard, an audit of w.staff by w.supervisor, a disputed audit,
an acknowledged audit (to reopen), and a calibration session owned by w.supervisor."""
from __future__ import annotations

from bro.audits import calibration
from bro.audits.operations import acknowledge_audit, dispute_audit
from tests.web.conftest import WORLD_EXTENSIONS


def add_audits(w, factory) -> None:
    w.audit_version = factory.audit_standard(key="world-audit-standard", imported_by=w.trainer)
    w.audit = factory.audit(w.staff, w.supervisor, w.audit_version, customer_ref="WORLD-1")
    w.disputed_audit = factory.audit(w.staff, w.supervisor, w.audit_version, customer_ref="WORLD-2",
                                     ratings={"greet": "partial", "needs": "met", "close": "met"})
    dispute_audit(w.disputed_audit, w.staff, "I did greet the customer.")
    w.acknowledged_audit = factory.audit(w.staff, w.supervisor, w.audit_version, customer_ref="WORLD-3")
    acknowledge_audit(w.acknowledged_audit, w.staff)
    w.calibration_peer = factory.supervisor(name="Cal Peer")
    w.calibration_session = calibration.open_session(
        owner=w.supervisor, reference="CAL-1", description="A phone call.", version=w.audit_version,
        participants=[w.supervisor, w.calibration_peer])


WORLD_EXTENSIONS.append(add_audits)

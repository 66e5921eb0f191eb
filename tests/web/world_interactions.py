"""Interactions for the access matrix: one of w.staff's (w.team) with a transcript."""
from __future__ import annotations

from bro.interactions.operations import import_interactions
from bro.interactions.parsing import read_interactions
from bro.models.interactions import Interaction
from tests.web.conftest import WORLD_EXTENSIONS


def add_interactions(w, factory) -> None:
    text = ("external_id,staff_email,channel,started_at,customer_ref,transcript\n"
            f"W-1,{w.staff.email},chat,2026-11-02T10:00:00Z,C-WORLD,\"customer: Hello\nstaff: Welcome\"\n"
            f"W-2,{w.other_staff.email},phone,2026-11-02T11:00:00Z,C-OTHER,\n")
    import_interactions(read_interactions(text, "csv"), by=w.admin, team_ids=None)
    from bro.extensions import db
    from sqlalchemy import select

    by_ref = {i.customer_ref: i for i in db.session.execute(select(Interaction)).scalars()}
    w.interaction, w.other_interaction = by_ref["C-WORLD"], by_ref["C-OTHER"]


WORLD_EXTENSIONS.append(add_interactions)

"""Interactions, a sampling plan, a review item and a coaching session for the access matrix (w.team)."""
from __future__ import annotations

from sqlalchemy import select

from bro import clock
from bro.extensions import db
from bro.coaching.operations import plan_session
from bro.interactions import sampling
from bro.interactions.operations import import_interactions
from bro.interactions.parsing import read_interactions
from bro.models.interactions import Interaction, ReviewItem
from tests.web.conftest import WORLD_EXTENSIONS


def add_interactions(w, factory) -> None:
    # Ids and references carry the staff member's id: the access matrix builds this world again for other owners.
    mine, theirs = f"C-WORLD-{w.staff.id}", f"C-OTHER-{w.staff.id}"
    text = ("external_id,staff_email,channel,started_at,customer_ref,transcript\n"
            f"W-{w.staff.id}-1,{w.staff.email},chat,2026-11-02T10:00:00Z,{mine},\"customer: Hello\nstaff: Welcome\"\n"
            f"W-{w.staff.id}-2,{w.other_staff.email},phone,2026-11-02T11:00:00Z,{theirs},\n")
    import_interactions(read_interactions(text, "csv"), by=w.admin, team_ids=None)
    by_ref = {i.customer_ref: i for i in db.session.execute(select(Interaction)).scalars()}
    w.interaction, w.other_interaction = by_ref[mine], by_ref[theirs]
    version = getattr(w, "audit_version", None) or factory.audit_standard(key="world-sampling-standard")
    w.sampling_plan = sampling.set_plan(team=w.team, standard_id=version.standard_id, per_staff=1, period="month",
                                        by_channel=False, by=w.supervisor)
    w.review_item = ReviewItem(draw_id=sampling.draw_period(w.sampling_plan, clock.today(), by=w.supervisor).id,
                               interaction_id=w.interaction.id, staff_id=w.staff.id, assignee_id=w.supervisor.id,
                               due_on=clock.today())
    db.session.add(w.review_item)
    db.session.flush()
    w.coaching_session = plan_session(w.staff, by=w.supervisor, scheduled_for=clock.utcnow())


WORLD_EXTENSIONS.append(add_interactions)

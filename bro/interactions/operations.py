"""Importing interactions: all rows or none, matched to staff by email, deduplicated by external id.

Operations flush; the view or CLI command that called them commits once.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, insert, select

from bro import clock
from bro.audits.text import _
from bro.extensions import db
from bro.interactions.parsing import InteractionFileError, InteractionRow, RowProblem
from bro.models.interactions import Interaction, InteractionMessage
from bro.models.people import User

CHUNK = 500  # stay under the databases' bound-parameter limits


@dataclass(frozen=True)
class ImportSummary:
    created: int
    already_imported: int
    messages: int


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _staff_by_email(emails: set[str]) -> dict[str, User]:
    found: dict[str, User] = {}
    ordered = sorted(emails)
    for part in _chunks(ordered):
        for user in db.session.execute(select(User).where(func.lower(User.email).in_(part))).scalars():
            found[user.email.casefold()] = user
    return found


def _existing_external_ids(ids: set[str]) -> set[str]:
    existing: set[str] = set()
    for part in _chunks(sorted(ids)):
        existing.update(db.session.execute(
            select(Interaction.external_id).where(Interaction.external_id.in_(part))).scalars())
    return existing


def import_interactions(rows: list[InteractionRow], *, by: User | None, team_ids: set[int] | None,
                        kind: str = "row", progress=None) -> ImportSummary:
    """Store every row as an Interaction with its transcript, or none (InteractionFileError with row numbers).

    ``team_ids`` limits the staff who may be named to those teams (None: every team, for admins and the CLI).
    Rows whose ``external_id`` was imported before are skipped and counted. ``progress(n)`` is called as rows
    are written, for a CLI progress bar.
    """
    staff = _staff_by_email({row.staff_email for row in rows})
    existing = _existing_external_ids({row.external_id for row in rows if row.external_id})
    problems: list[RowProblem] = []
    new_rows: list[tuple[InteractionRow, User]] = []
    skipped = 0
    for row in rows:
        person = staff.get(row.staff_email)
        if person is None or not person.active:
            problems.append(RowProblem(row.row, _("no active user has the email “%(email)s”.", email=row.staff_email),
                                       kind))
        elif person.team_id is None:
            problems.append(RowProblem(row.row, _("%(email)s belongs to no team; give them a team first.",
                                                  email=row.staff_email), kind))
        elif team_ids is not None and person.team_id not in team_ids:
            problems.append(RowProblem(row.row, _("%(email)s is not in a team you supervise.", email=row.staff_email),
                                       kind))
        elif row.external_id and row.external_id in existing:
            skipped += 1
        else:
            new_rows.append((row, person))
    if problems:
        raise InteractionFileError(problems[:200], more=max(0, len(problems) - 200))

    now = clock.utcnow()
    importer = by.id if by is not None else None
    message_count = 0
    for part in _chunks(new_rows):
        values = [{
            "external_id": row.external_id, "source_url": row.source_url, "staff_id": person.id,
            "team_id": person.team_id, "channel": row.channel, "relationship_kind": row.relationship,
            "started_at": row.started_at, "customer_ref": row.customer_ref, "message_count": len(row.messages),
            "imported_at": now, "imported_by_id": importer,
        } for row, person in part]
        ids = db.session.execute(
            insert(Interaction).returning(Interaction.id, sort_by_parameter_order=True), values).scalars().all()
        messages = [
            {"interaction_id": interaction_id, "position": position, "speaker": message.speaker,
             "sent_at": message.sent_at, "text": message.text}
            for interaction_id, (row, _person) in zip(ids, part)
            for position, message in enumerate(row.messages, start=1)
        ]
        for message_part in _chunks(messages, 1000):
            db.session.execute(insert(InteractionMessage), message_part)
        message_count += len(messages)
        if progress is not None:
            progress(len(part))
    db.session.flush()
    return ImportSummary(created=len(new_rows), already_imported=skipped, messages=message_count)

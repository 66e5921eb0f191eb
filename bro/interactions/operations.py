"""Importing interactions: all rows or none, matched to staff by email, deduplicated by external id.

Operations flush; the view or CLI command that called them commits once.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import String, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY

from bro import clock
from bro.audits.text import _
from bro.database import Every, bulk_insert_columns
from bro.extensions import db
from bro.interactions.parsing import (
    InteractionColumns, InteractionFileError, InteractionRow, RowProblem, without_gc_pauses,
)
from bro.models.interactions import Interaction
from bro.models.people import User

CHUNK = 5000  # ids per lookup query: under the databases' bound-parameter limits (SQLite 32766, PostgreSQL 65535)
BATCH = 10_000  # interactions written per bulk insert (and per progress step)


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
    """The ids of ``ids`` imported before: one query per batch, its ids sent as one array (PostgreSQL) or
    JSON list (SQLite) parameter, not one bound parameter each."""
    existing: set[str] = set()
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    for part in _chunks(sorted(ids), BATCH):
        if postgresql:
            wanted = Interaction.external_id == any_(bindparam("ids", part, type_=ARRAY(String)))
        else:
            wanted = Interaction.external_id.in_(
                select(func.json_each(json.dumps(part)).table_valued("value").c.value))
        existing.update(db.session.execute(select(Interaction.external_id).where(wanted)).scalars())
    return existing


def import_interactions(rows: list[InteractionRow], *, by: User | None, team_ids: set[int] | None,
                        kind: str = "row", progress=None) -> ImportSummary:
    """Store every row as an Interaction with its transcript, or none (InteractionFileError with row numbers).

    ``team_ids`` limits the staff who may be named to those teams (None: every team, for admins and the CLI).
    Rows whose ``external_id`` was imported before are skipped and counted. ``progress(n)`` is called as rows
    are written, for a CLI progress bar.
    """
    return import_interaction_batches([rows], by=by, team_ids=team_ids, kind=kind, progress=progress)


def import_interaction_batches(batches: Iterable[list[InteractionRow] | InteractionColumns], *, by: User | None,
                               team_ids: set[int] | None, kind: str = "row", progress=None) -> ImportSummary:
    """import_interactions of rows given in parts (parsing.read_interaction_batches): each part is written
    as it comes, while the next is read. A problem of any part, or one the parts raise, raises
    InteractionFileError after the last part: the caller rolls back what the parts before wrote."""
    with without_gc_pauses():
        return _import_batches(batches, by=by, team_ids=team_ids, kind=kind, progress=progress)


def _import_batches(batches: Iterable[list[InteractionRow] | InteractionColumns], *, by: User | None,
                    team_ids: set[int] | None, kind: str, progress) -> ImportSummary:
    # The work of import_interaction_batches (its docstring says what it does).
    # Each staff member is judged once: (id, team) to write, or the problem every row naming them has.
    verdicts: dict[str, tuple[int, int] | str] = {}
    problems: list[RowProblem] = []
    now = clock.utcnow()
    importer = by.id if by is not None else None
    created = skipped = messages = 0
    for rows in batches:
        if not isinstance(rows, InteractionColumns):
            rows = _as_columns(rows)
        emails = set(rows.staff_email)
        staff = _staff_by_email(emails - verdicts.keys())
        verdicts.update((email, _staff_verdict(staff.get(email), email, team_ids))
                        for email in emails - verdicts.keys())
        refused = {email for email in emails if isinstance(verdicts[email], str)}
        if refused:
            problems.extend(RowProblem(number, verdicts[email], kind)
                            for number, email in zip(rows.row, rows.staff_email) if email in refused)
        if problems:
            continue  # nothing more is written; the other parts are still read for their problems
        existing = _existing_external_ids(set(rows.external_id) - {None})
        if existing:
            kept = [index for index, external_id in enumerate(rows.external_id) if external_id not in existing]
            skipped += len(rows) - len(kept)
            rows = rows.taken(kept)
        for start in range(0, len(rows), BATCH):
            # One bulk write per batch; the database numbers the rows (nothing refers to their ids yet).
            end = min(start + BATCH, len(rows))
            emails = rows.staff_email[start:end]
            bulk_insert_columns(Interaction.__table__, INTERACTION_COLUMNS, [
                rows.external_id[start:end], rows.source_url[start:end],
                [verdicts[email][0] for email in emails], [verdicts[email][1] for email in emails],
                rows.channel[start:end], rows.relationship[start:end], rows.started_at[start:end],
                rows.customer_ref[start:end], rows.message_count[start:end], rows.transcript[start:end],
                Every(now), Every(importer)], end - start)
            if progress is not None:
                progress(end - start)
        created += len(rows)
        messages += sum(rows.message_count)
    if problems:
        raise InteractionFileError(problems[:200], more=max(0, len(problems) - 200))
    return ImportSummary(created=created, already_imported=skipped, messages=messages)


def _as_columns(rows: list[InteractionRow]) -> InteractionColumns:
    """``rows`` column by column."""
    fields = InteractionColumns.__slots__
    if not rows:
        return InteractionColumns(*([] for _field in fields))
    return InteractionColumns(*(list(values) for values in zip(*(
        [getattr(row, field) for field in fields] for row in rows))))


def _staff_verdict(person: User | None, email: str, team_ids: set[int] | None) -> tuple[int, int] | str:
    """(user id, team id) of the staff member a row names, or why rows cannot name them."""
    if person is None or not person.active:
        return _("no active user has the email “%(email)s”.", email=email)
    if person.team_id is None:
        return _("%(email)s belongs to no team; give them a team first.", email=email)
    if team_ids is not None and person.team_id not in team_ids:
        return _("%(email)s is not in a team you supervise.", email=email)
    return person.id, person.team_id


INTERACTION_COLUMNS = ["external_id", "source_url", "staff_id", "team_id", "channel", "relationship",
                       "started_at", "customer_ref", "message_count", "transcript", "imported_at", "imported_by_id"]

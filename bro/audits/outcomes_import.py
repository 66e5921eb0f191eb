"""Customer outcomes from a CSV file, matched to audits on customer reference + interaction date.

All or nothing: every row is checked first; if any row is wrong nothing is recorded and every
problem is reported with its row number (the header is row 1).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from bro.audits.text import _
from sqlalchemy import select, tuple_

from bro.audits.operations import OUTCOME_FIELDS, Outcomes, record_outcomes
from bro.extensions import db
from bro.models.audits import Audit
from bro.models.people import User

REQUIRED_COLUMNS = ("customer_ref", "interacted_on")
COLUMNS = REQUIRED_COLUMNS + OUTCOME_FIELDS
TRUE = {"yes", "y", "true", "1", "ya", "tak"}
FALSE = {"no", "n", "false", "0", "tidak", "nie"}
MAX_ROWS = 20_000


@dataclass(frozen=True)
class RowError:
    row: int
    message: str

    def __str__(self) -> str:
        return _("Row %(row)d: %(message)s", row=self.row, message=self.message)


class OutcomeImportError(ValueError):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


def _boolean(text: str, column: str) -> bool | None:
    value = text.strip().lower()
    if not value:
        return None
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ValueError(_("%(column)s must be yes or no, not “%(value)s”.", column=column, value=text))


def _parse_row(row: dict[str, str]) -> tuple[str, date, Outcomes]:
    problems = []
    reference = (row.get("customer_ref") or "").strip()
    if not reference:
        problems.append(_("customer_ref is empty."))
    interacted_on = None
    try:
        interacted_on = date.fromisoformat((row.get("interacted_on") or "").strip())
    except ValueError:
        problems.append(_("interacted_on must be a date written YYYY-MM-DD, not “%(value)s”.",
                          value=row.get("interacted_on") or ""))
    csat = None
    text = (row.get("csat") or "").strip()
    if text:
        if text.isdigit() and 1 <= int(text) <= 5:
            csat = int(text)
        else:
            problems.append(_("csat must be a whole number from 1 to 5, not “%(value)s”.", value=text))
    flags = {}
    for column in ("repeat_purchase", "referral_made", "retained_90d"):
        try:
            flags[column] = _boolean(row.get(column) or "", column)
        except ValueError as error:
            problems.append(str(error))
    order_value = None
    text = (row.get("order_value") or "").strip()
    if text:
        try:
            order_value = Decimal(text)
            if not order_value.is_finite() or order_value < 0:
                raise InvalidOperation
        except InvalidOperation:
            problems.append(_("order_value must be a number of 0 or more (use a dot for decimals), "
                              "not “%(value)s”.", value=text))
    outcomes = Outcomes(csat=csat, order_value=order_value, **flags)
    if not problems and outcomes.empty:
        problems.append(_("the row has no outcome: fill at least one of %(columns)s.",
                          columns=", ".join(OUTCOME_FIELDS)))
    if problems:
        raise ValueError(" ".join(problems))
    return reference, interacted_on, outcomes


def import_outcomes_csv(text: str, *, by: User, team_ids: set[int] | None) -> int:
    """Record the outcomes of every row, or none. ``team_ids`` limits matching to audits the importer may
    see (None: all). Returns the number of audits updated; raises OutcomeImportError."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise OutcomeImportError([RowError(1, _("the header lacks %(columns)s; expected columns: %(expected)s.",
                                                columns=", ".join(missing), expected=", ".join(COLUMNS)))])
    unknown = [column for column in header if column not in COLUMNS]
    if unknown:
        raise OutcomeImportError([RowError(1, _("unknown columns %(columns)s; expected columns: %(expected)s.",
                                                columns=", ".join(unknown), expected=", ".join(COLUMNS)))])
    reader.fieldnames = header

    errors: list[RowError] = []
    parsed: list[tuple[int, str, date, Outcomes]] = []
    for number, row in enumerate(reader, start=2):
        if number > MAX_ROWS + 1:
            errors.append(RowError(number, _("too many rows: import at most %(n)d at a time.", n=MAX_ROWS)))
            break
        if None in row:  # more cells than columns
            errors.append(RowError(number, _("the row has more cells than the header has columns.")))
            continue
        if not any((value or "").strip() for value in row.values()):
            continue  # blank line
        try:
            reference, interacted_on, outcomes = _parse_row(row)
        except ValueError as error:
            errors.append(RowError(number, str(error)))
            continue
        parsed.append((number, reference, interacted_on, outcomes))

    matches: dict[tuple[str, date], list[Audit]] = {}
    keys = {(reference, day) for _n, reference, day, _o in parsed}
    ordered = sorted(keys)
    for start in range(0, len(ordered), 500):  # stay under the databases' bound-parameter limits
        query = select(Audit).where(tuple_(Audit.customer_ref, Audit.interacted_on).in_(ordered[start:start + 500]))
        if team_ids is not None:
            query = query.where(Audit.team_id.in_(team_ids or {-1}))
        for audit in db.session.execute(query).scalars():
            matches.setdefault((audit.customer_ref, audit.interacted_on), []).append(audit)

    seen: dict[int, int] = {}
    planned: list[tuple[Audit, Outcomes]] = []
    for number, reference, day, outcomes in parsed:
        found = matches.get((reference, day), [])
        if not found:
            errors.append(RowError(number, _("no audit you can see has customer reference “%(ref)s” on %(date)s.",
                                             ref=reference, date=day.isoformat())))
        elif len(found) > 1:
            errors.append(RowError(number, _("%(n)d audits have customer reference “%(ref)s” on %(date)s; "
                                             "record this outcome on the right audit's page instead.",
                                             n=len(found), ref=reference, date=day.isoformat())))
        elif found[0].id in seen:
            errors.append(RowError(number, _("the same interaction as row %(row)d.", row=seen[found[0].id])))
        else:
            seen[found[0].id] = number
            planned.append((found[0], outcomes))
    if errors:
        raise OutcomeImportError(sorted(errors, key=lambda e: e.row))
    if not planned:
        raise OutcomeImportError([RowError(1, _("the file has no rows to import."))])
    for audit, outcomes in planned:
        record_outcomes(audit, outcomes, by)
    return len(planned)

"""Customer outcomes from a CSV file, matched to audits on customer reference + interaction date.

Two steps: ``plan_outcomes_import`` reads and checks every row and returns what would change (field: old → new,
per audit) without writing; ``apply_outcomes_import`` writes a plan. All or nothing: if any row is wrong nothing
is recorded and every problem is reported with its row number (the header is row 1).

Only what the file says changes: a column missing from the header, or an empty cell, leaves the audit's value as
it is — unless the importer chose "empty cells clear the value" (then an empty cell in a column the file has
clears it).

Between the preview and "apply" the uploaded text travels in the page, signed with the app's secret key, bound
to the importer and short-lived (``sign_upload`` / ``read_upload``); "apply" plans again from it and refuses when
the plan differs from the one previewed (someone changed those outcomes meanwhile).
"""
from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select, tuple_

from bro.audits.operations import OUTCOME_FIELDS, Outcomes, order_value_problem, record_outcomes
from bro.audits.text import _, n_
from bro.extensions import db
from bro.models.audits import Audit
from bro.models.people import User

REQUIRED_COLUMNS = ("customer_ref", "interacted_on")
COLUMNS = REQUIRED_COLUMNS + OUTCOME_FIELDS
TRUE = {"yes", "y", "true", "1", "ya", "tak"}
FALSE = {"no", "n", "false", "0", "tidak", "nie"}
MAX_ROWS = 20_000
# The signed upload rides in a hidden form field: keep it under the form-field memory limit (500 kB).
MAX_TOKEN_CHARS = 450_000
TOKEN_MAX_AGE_SECONDS = 3600


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


@dataclass
class AuditChange:
    """What one row changes on one audit: (field, old, new) for each value that differs."""
    row: int
    audit: Audit
    values: dict[str, object]  # the fields the row sets (None: clear)
    changes: list[tuple[str, object, object]] = field(default_factory=list)


@dataclass
class ImportPlan:
    changes: list[AuditChange]  # only rows that change something
    unchanged: int  # rows that match an audit but change nothing

    def digest(self) -> str:
        """A fingerprint of what would change, to check that "apply" writes what the preview showed."""
        text = repr([(c.audit.id, [(name, str(old), str(new)) for name, old, new in c.changes])
                     for c in self.changes])
        return hashlib.sha256(text.encode()).hexdigest()


def _boolean(text: str, column: str) -> bool | None:
    value = text.strip().lower()
    if not value:
        return None
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ValueError(_("%(column)s must be yes or no, not “%(value)s”.", column=column, value=_shorten(text)))


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _parse_row(row: dict[str, str], columns: tuple[str, ...], clear_empty: bool) -> tuple[str, date, dict]:
    """The row's key and the outcome values it sets: only columns in the file, and empty cells only when
    ``clear_empty`` (then as None)."""
    problems = []
    reference = (row.get("customer_ref") or "").strip()
    if not reference:
        problems.append(_("customer_ref is empty."))
    interacted_on = None
    try:
        interacted_on = date.fromisoformat((row.get("interacted_on") or "").strip())
    except ValueError:
        problems.append(_("interacted_on must be a date written YYYY-MM-DD, not “%(value)s”.",
                          value=_shorten(row.get("interacted_on") or "")))
    values: dict[str, object] = {}
    for column in columns:
        text = (row.get(column) or "").strip()
        if not text:
            if clear_empty:
                values[column] = None
            continue
        if column == "csat":
            if text in ("1", "2", "3", "4", "5"):  # not isdigit(): "²" is a digit to Python, not to int()
                values[column] = int(text)
            else:
                problems.append(_("csat must be a whole number from 1 to 5, not “%(value)s”.",
                                  value=_shorten(text)))
        elif column == "order_value":
            try:
                value = Decimal(text) if len(text) <= 40 else None
            except InvalidOperation:
                value = None
            problem = order_value_problem(value) if value is not None else _("The order value must be a number.")
            if problem:
                problems.append(_("order_value “%(value)s”: %(problem)s (use a dot for decimals)",
                                  value=_shorten(text), problem=problem))
            else:
                values[column] = value
        else:
            try:
                values[column] = _boolean(text, column)
            except ValueError as error:
                problems.append(str(error))
    if problems:
        raise ValueError(" ".join(problems))
    return reference, interacted_on, values


def _csv_problem(error: csv.Error) -> str:
    text = str(error)
    if "field larger than field limit" in text:
        return n_("a cell is longer than %(num)d character: is a closing quote missing?",
                  "a cell is longer than %(num)d characters: is a closing quote missing?", csv.field_size_limit())
    if "unexpected end of data" in text or "EOF" in text:
        return _("a quoted cell is never closed: check the quotes from this row on.")
    return _("the row cannot be read as CSV (%(error)s).", error=text)


def _rows(text: str) -> tuple[list[str], list[tuple[int, dict | None, RowError | None]]]:
    """The header and each record with its row number. Lines may end in LF, CRLF or CR alone (older
    spreadsheet programs); a record that cannot be read ends the reading with its row error."""
    # strict: a quote never closed is an error (not the rest of the file read as one cell)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True)
    try:
        header = [name.strip() for name in next(reader, [])]
    except csv.Error as error:
        return [], [(1, None, RowError(1, _csv_problem(error)))]
    rows: list[tuple[int, dict | None, RowError | None]] = []
    number = 1
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            rows.append((number, None, RowError(number, _csv_problem(error))))
            break
        if number > MAX_ROWS + 1:
            rows.append((number, None, RowError(number, _("too many rows: import at most %(n)d at a time.",
                                                          n=MAX_ROWS))))
            break
        if len(cells) > len(header):
            rows.append((number, None, RowError(number, _("the row has more cells than the header has "
                                                          "columns."))))
            continue
        rows.append((number, dict(zip(header, cells)), None))
    return header, rows


def plan_outcomes_import(text: str, *, team_ids: set[int] | None, clear_empty: bool = False) -> ImportPlan:
    """Check every row and work out what would change, writing nothing. ``team_ids`` limits matching to
    audits the importer may see (None: all). Raises OutcomeImportError with every row's problems."""
    header, rows = _rows(text)
    unreadable = [error for number, _row, error in rows if number == 1 and error is not None]
    if unreadable:
        raise OutcomeImportError(unreadable)
    if not header:
        raise OutcomeImportError([RowError(1, _("the file has no rows to import."))])
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise OutcomeImportError([RowError(1, _("the header lacks %(columns)s; expected columns: %(expected)s.",
                                                columns=", ".join(_shorten(c, 40) for c in missing),
                                                expected=", ".join(COLUMNS)))])
    unknown = [column for column in header if column not in COLUMNS]
    if unknown:
        raise OutcomeImportError([RowError(1, _("unknown columns %(columns)s; expected columns: %(expected)s.",
                                                columns=", ".join(_shorten(c, 40) for c in unknown[:10]),
                                                expected=", ".join(COLUMNS)))])
    columns = tuple(column for column in OUTCOME_FIELDS if column in header)

    errors: list[RowError] = []
    parsed: list[tuple[int, str, date, dict]] = []
    for number, row, error in rows:
        if error is not None:
            errors.append(error)
            continue
        if not any((value or "").strip() for value in row.values()):
            continue  # blank line
        try:
            reference, interacted_on, values = _parse_row(row, columns, clear_empty)
        except ValueError as problem:
            errors.append(RowError(number, str(problem)))
            continue
        parsed.append((number, reference, interacted_on, values))

    matches: dict[tuple[str, date], list[Audit]] = {}
    ordered = sorted({(reference, day) for _n, reference, day, _v in parsed})
    for start in range(0, len(ordered), 500):  # stay under the databases' bound-parameter limits
        query = select(Audit).where(tuple_(Audit.customer_ref, Audit.interacted_on).in_(ordered[start:start + 500]))
        if team_ids is not None:
            query = query.where(Audit.team_id.in_(team_ids or {-1}))
        for audit in db.session.execute(query).scalars():
            matches.setdefault((audit.customer_ref, audit.interacted_on), []).append(audit)

    seen: dict[int, int] = {}
    changes: list[AuditChange] = []
    unchanged = 0
    for number, reference, day, values in parsed:
        found = matches.get((reference, day), [])
        if not found:
            errors.append(RowError(number, _("no audit you can see has customer reference “%(ref)s” on %(date)s.",
                                             ref=_shorten(reference), date=day.isoformat())))
        elif len(found) > 1:
            errors.append(RowError(number, n_("%(num)d audit has customer reference “%(ref)s” on %(date)s; "
                                              "record this outcome on the right audit's page instead.",
                                              "%(num)d audits have customer reference “%(ref)s” on %(date)s; "
                                              "record this outcome on the right audit's page instead.",
                                              len(found), ref=_shorten(reference), date=day.isoformat())))
        elif found[0].id in seen:
            errors.append(RowError(number, _("the same interaction as row %(row)d.", row=seen[found[0].id])))
        else:
            audit = found[0]
            seen[audit.id] = number
            change = AuditChange(number, audit, values, [
                (name, getattr(audit, name), value) for name, value in values.items() if getattr(audit, name) != value])
            if change.changes:
                changes.append(change)
            else:
                unchanged += 1
    if errors:
        raise OutcomeImportError(sorted(errors, key=lambda e: e.row))
    if not changes and not unchanged:
        raise OutcomeImportError([RowError(1, _("the file has no rows to import."))])
    return ImportPlan(changes=changes, unchanged=unchanged)


def apply_outcomes_import(plan: ImportPlan, *, by: User) -> int:
    """Write the plan's changes (the caller commits once: all or nothing). Returns the audits changed."""
    for change in plan.changes:
        current = {name: getattr(change.audit, name) for name in OUTCOME_FIELDS}
        current.update(change.values)
        record_outcomes(change.audit, Outcomes(**current), by, fields=list(change.values))
    return len(plan.changes)


# The upload between preview and apply --------------------------------------------------------------------------


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="bro.audits.outcomes-import")


def sign_upload(secret_key: str, *, text: str, user_id: int, clear_empty: bool, digest: str) -> str | None:
    """The upload as a signed, compressed token for the preview page; None when too large to carry."""
    token = _serializer(secret_key).dumps({"text": text, "user": user_id, "clear": clear_empty, "digest": digest})
    return token if len(token) <= MAX_TOKEN_CHARS else None


def read_upload(secret_key: str, token: str, *, user_id: int) -> dict | None:
    """The upload signed by ``sign_upload`` for ``user_id`` within the last hour, else None."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    try:
        data = _serializer(secret_key).loads(token, max_age=TOKEN_MAX_AGE_SECONDS)
    except BadSignature:  # includes an expired signature
        return None
    if not isinstance(data, dict) or data.get("user") != user_id or not isinstance(data.get("text"), str):
        return None
    return data

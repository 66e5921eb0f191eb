"""The fast import path (column-wise checks, one regular expression over all transcripts writing their stored
form directly, one bulk insert per batch) gives exactly what the careful row-by-row path gives."""
from __future__ import annotations

import csv
import gc
import io
from datetime import datetime

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from bro.extensions import db
from bro.interactions import columnar, operations
from bro.database import bulk_insert
from bro.interactions.columnar import read_clean_records
from bro.interactions.operations import INTERACTION_COLUMNS, import_interaction_batches, import_interactions
from bro.interactions.parsing import (
    COLUMNS, InteractionColumns, InteractionFileError, parse_record, read_interaction_batches, read_interactions,
)
from bro.models.interactions import Interaction

TRANSCRIPTS = [
    "customer: Hello\nagent: Hi there",  # the quick path
    "[09:01] customer: My order is late\n and I need it today\n[09:02] agent: Let me check",  # continuation
    "[09:01] Customer: Capitals\n[2026-11-02T09:05:00Z] STAFF: full time",
    "customer: first\n\nstaff: after a blank line",
    "customer: a line\u2028staff: after a Unicode line separator",
    '[{"speaker": "agent", "at": "09:03", "text": "from a JSON list"}]',
    "staff: hello\nRe: not a speaker, so it continues the message",
    "",
    "bot:   spaced text  \nrequester:x",
    "[10:02] customer: timed\nstaff: untimed\n[10:04:30] agent: seconds",  # some lines with times
    "[2026-11-02T09:05:00+01:00] customer: an offset time\nSTAFF :  a space before the colon",
    'customer: "quotes", a back\\slash, a\ttab and <b>markup</b>\nagent: zażółć gęślą jaźń, 日本語 ✓',
    '[{"speaker": "customer", "at": "2026-11-02T09:00:00Z", "text": "JSON with a time"}, '
    '{"speaker": "staff", "text": "and without"}]',
    "[]",  # a JSON list without messages
    "[ 09:01 ] customer: a spaced time",
]
ROWS = [
    ("T-1", "{email}", "chat", "2026-11-02T10:00:00Z", "C-1", "", ""),
    ("T-2", "{email}", "Web Chat", "2026-11-02T10:00:00+07:00", "C-2", "B2B", "https://desk.example/t/2"),
    ("", "{email}", " phone ", "2026-11-02 10:00", " C-3 ", "b2c", ""),
]


def export(email: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["external_id", "staff_email", "channel", "started_at", "customer_ref", "relationship",
                     "source_url", "transcript"])
    number = 0
    for transcript in TRANSCRIPTS:
        for external_id, _email, *rest in ROWS:
            number += 1
            writer.writerow([f"{external_id}-{number}" if external_id else "", email.upper(), *rest, transcript])
    return out.getvalue()


def careful_parse(text: str) -> list:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return [parse_record(values, number) for number, values in enumerate(reader, start=2)]


@pytest.fixture(autouse=True)
def polars_for_any_size(monkeypatch):
    """The columnar path (polars) for these small files too; it reads files of a million characters and more."""
    monkeypatch.setattr(columnar, "MIN_CHARS", 0)


@pytest.mark.parametrize("columns", [True, False], ids=["polars", "csv module"])
def test_the_quick_path_reads_every_row_as_the_careful_parse_does(factory, monkeypatch, columns):
    if not columns:
        monkeypatch.setattr(columnar, "MIN_CHARS", 10**12)
    staff = factory.staff(team=factory.team("Desk"))
    text = export(staff.email)
    assert (read_clean_records(text, list(COLUMNS)) is not None) == columns
    quick = read_interactions(text, "csv")
    assert quick == careful_parse(text)
    assert len(quick) == len(TRANSCRIPTS) * len(ROWS)


@pytest.mark.parametrize("oddity", [
    'customer: she said "no"',  # a quote inside a cell left unquoted: polars might read it otherwise
    "customer: a record separator\x1e inside",  # white space to Python, not to polars
    "customer: a lone surrogate \udc80",  # not UTF-8: polars reads bytes
    'customer: "a quoted cell" with more after its closing quote',
])
def test_a_file_polars_could_read_otherwise_is_read_by_the_csv_module_with_the_same_result(factory, oddity):
    staff = factory.staff(team=factory.team("Desk"))
    text = export(staff.email) + f"T-odd,{staff.email},chat,2026-11-02T10:00:00Z,C-9,,,{oddity}\n"
    assert read_clean_records(text, list(COLUMNS)) is None
    assert read_interactions(text, "csv") == careful_parse(text)


def test_blank_rows_keep_the_row_numbers_of_the_rows_after_them(factory):
    staff = factory.staff(team=factory.team("Desk"))
    text = (f"external_id,staff_email,channel,started_at,customer_ref,transcript\n\n"
            f"T-1,{staff.email},chat,2026-11-02T10:00:00Z,C-1,customer: hi\n , ,\n"
            f"T-2,{staff.email},fax,2026-11-02T10:00:00Z,C-2,customer: hi\n")
    assert read_clean_records(text, text.partition("\n")[0].split(",")) is not None  # polars reads it
    with pytest.raises(InteractionFileError) as error:
        read_interactions(text, "csv")
    assert [str(problem) for problem in error.value.problems] == [
        "Row 5: channel must be one of phone, email, chat, in_person, meeting, not “fax”."]


def test_a_bad_row_is_still_named_with_its_row_number_when_the_others_are_clean(factory):
    staff = factory.staff(team=factory.team("Desk"))
    text = export(staff.email) + f"X-1,{staff.email},fax,2026-11-02T10:00:00Z,C-9,,,customer: hi\n"
    with pytest.raises(InteractionFileError) as error:
        read_interactions(text, "csv")
    assert [str(problem) for problem in error.value.problems] == [
        f"Row {len(TRANSCRIPTS) * len(ROWS) + 2}: channel must be one of phone, email, chat, in_person, meeting, "
        "not “fax”."]
    assert gc.isenabled()


def test_every_batch_is_written_and_each_interaction_keeps_its_own_transcript(factory, monkeypatch):
    monkeypatch.setattr(operations, "BATCH", 4)  # several batches
    staff = factory.staff(team=factory.team("Desk"))
    factory.staff(team=factory.team("Other"))
    rows = read_interactions(export(staff.email), "csv")
    summary = import_interactions(rows, by=None, team_ids=None)
    assert summary.created == len(rows) and summary.messages == sum(len(row.messages) for row in rows) > 0
    stored = db.session.execute(select(Interaction).order_by(Interaction.id)).scalars().all()
    assert [(i.customer_ref, i.started_at, i.message_count) for i in stored] == [
        (row.customer_ref, row.started_at, len(row.messages)) for row in rows]
    for interaction, row in zip(stored, rows):
        assert [(m.speaker, m.sent_at, m.text) for m in interaction.messages] == [
            (m.speaker, m.sent_at, m.text) for m in row.messages]
    # A later import numbers its interactions after these.
    again = import_interactions(read_interactions(
        f"staff_email,channel,started_at,customer_ref\n{staff.email},chat,2026-11-03T10:00:00Z,C-new\n", "csv"),
        by=None, team_ids=None)
    assert again.created == 1
    assert db.session.execute(select(func.count(func.distinct(Interaction.id)))).scalar() == len(rows) + 1
    assert gc.isenabled()


def test_an_import_with_a_refused_row_writes_nothing(factory):
    staff = factory.staff(team=factory.team("Desk"))
    text = export(staff.email) + "X-1,nobody@example.com,chat,2026-11-02T10:00:00Z,C-9,,,customer: hi\n"
    rows = read_interactions(text, "csv")
    with pytest.raises(InteractionFileError) as error:
        import_interactions(rows, by=None, team_ids=None)
    assert str(error.value.problems[0]).startswith(f"Row {len(rows) + 1}: no active user")
    assert db.session.execute(select(func.count()).select_from(Interaction)).scalar() == 0


def test_a_file_over_the_row_limit_is_refused_at_the_row_where_it_goes_over(factory, monkeypatch):
    from bro.interactions import parsing

    monkeypatch.setattr(parsing, "MAX_ROWS", 3)
    staff = factory.staff(team=factory.team("Desk"))
    lines = ["staff_email,channel,started_at,customer_ref"] + [
        f"{staff.email},chat,2026-11-02T10:00:00Z,C-{n}" for n in range(5)]
    assert len(read_interactions("\n".join(lines[:4]) + "\n\n", "csv")) == 3  # at the limit (a blank row is no row)
    with pytest.raises(InteractionFileError) as error:
        read_interactions("\n".join(lines) + "\n", "csv")
    assert [str(problem) for problem in error.value.problems] == [
        "Row 5: too many interactions: import at most 3 at a time."]


def interaction_values(staff_id: int, team_id: int, number: int) -> tuple:
    started = datetime(2026, 11, 2, 10)
    return (f"FK-{number}", None, staff_id, team_id, "chat", "b2c", started, f"C-{number}", 0, None, started, None)


def test_a_bulk_insert_naming_a_missing_staff_member_is_refused_by_the_database(factory):
    staff = factory.staff(team=factory.team("Desk"))
    driver_error = db.session.get_bind().dialect.dbapi.IntegrityError  # bulk_insert writes through the driver
    with pytest.raises(driver_error), db.session.begin_nested():
        bulk_insert(Interaction.__table__, INTERACTION_COLUMNS, [
            interaction_values(staff.id, staff.team_id, 1), interaction_values(staff.id + 1000, staff.team_id, 2)])
    assert db.session.execute(select(func.count()).select_from(Interaction)).scalar() == 0


def test_a_bulk_insert_leaves_the_session_checking_foreign_keys_row_by_row_again(factory):
    staff = factory.staff(team=factory.team("Desk"))
    bulk_insert(Interaction.__table__, INTERACTION_COLUMNS, [interaction_values(staff.id, staff.team_id, 1)])
    if db.session.get_bind().dialect.name == "postgresql":
        assert db.session.execute(text("SHOW session_replication_role")).scalar() == "origin"
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(Interaction.__table__.insert().values(dict(zip(
            INTERACTION_COLUMNS, interaction_values(staff.id + 1000, staff.team_id, 2)))))


@pytest.mark.no_db
def test_parts_start_small_then_grow_to_the_batch_size_and_cover_every_row_once():
    bounds = columnar._part_bounds(100_000, 20_000)
    assert [length for _start, length in bounds[:3]] == [5_000, 10_000, 20_000]
    assert all(length <= 20_000 for _start, length in bounds)
    assert [start for start, _length in bounds] == [0, *(s + n for s, n in bounds[:-1])]  # contiguous, in order
    assert sum(length for _start, length in bounds) == 100_000
    assert columnar._part_bounds(3, 20_000) == [(0, 3)]
    assert columnar._part_bounds(0, 20_000) == []


def test_a_file_read_in_parts_is_stored_as_when_read_whole(factory, monkeypatch):
    monkeypatch.setattr(columnar, "BATCH_ROWS", 7)  # the export's 45 rows in 7 parts
    staff = factory.staff(team=factory.team("Desk"))
    text = export(staff.email)
    total, batches = read_interaction_batches(text, "csv")
    summary = import_interaction_batches(batches, by=None, team_ids=None)
    rows = read_interactions(text, "csv")
    assert total == summary.created == len(rows)
    stored = db.session.execute(select(Interaction).order_by(Interaction.id)).scalars().all()
    assert [(i.external_id, i.customer_ref, i.started_at, i.transcript) for i in stored] == [
        (row.external_id, row.customer_ref, row.started_at, row.transcript) for row in rows]
    assert gc.isenabled()


def test_problems_of_a_file_read_in_parts_are_those_of_the_file_read_whole_and_nothing_stays(factory, monkeypatch):
    monkeypatch.setattr(columnar, "BATCH_ROWS", 7)
    staff = factory.staff(team=factory.team("Desk"))
    header, _break, body = export(staff.email).partition("\r\n")
    last = len(TRANSCRIPTS) * len(ROWS) + 2  # the export's rows and one more
    # An unknown staff member in the first part (row 2); a row repeating an id and a wrong channel in the last.
    text = (f"{header}\r\nX-0,nobody@example.com,chat,2026-11-02T10:00:00Z,C-0,,,customer: hi\r\n{body}"
            f"T-1-1,{staff.email},chat,2026-11-02T10:00:00Z,C-8,,,customer: hi\r\n"
            f"X-9,{staff.email},fax,2026-11-02T10:00:00Z,C-9,,,customer: hi\r\n")
    with pytest.raises(InteractionFileError) as whole:
        read_interactions(text, "csv")
    with pytest.raises(InteractionFileError) as in_parts, db.session.begin_nested():
        import_interaction_batches(read_interaction_batches(text, "csv")[1], by=None, team_ids=None)
    assert [str(problem) for problem in in_parts.value.problems] == [
        str(problem) for problem in whole.value.problems] == [
        f"Row {last + 1}: external_id “T-1-1” repeats row 3.",
        f"Row {last + 2}: channel must be one of phone, email, chat, in_person, meeting, not “fax”."]
    assert db.session.execute(select(func.count()).select_from(Interaction)).scalar() == 0
    # Without those two rows, the unknown staff member of the first part is named, and nothing stays either.
    text = "".join(text.splitlines(keepends=True)[:-2])
    with pytest.raises(InteractionFileError) as in_parts, db.session.begin_nested():
        import_interaction_batches(read_interaction_batches(text, "csv")[1], by=None, team_ids=None)
    assert [str(problem) for problem in in_parts.value.problems] == [
        "Row 2: no active user has the email “nobody@example.com”."]
    assert db.session.execute(select(func.count()).select_from(Interaction)).scalar() == 0


def clean_export(email: str, numbers: range) -> str:
    """Rows every quick check passes (no row for parse_record): the columnar parts."""
    return "external_id,staff_email,channel,started_at,customer_ref,transcript\n" + "".join(
        f"Q-{n},{email},chat,2026-11-02T10:{n % 60:02d}:00Z,C-{n},customer: hello {n}\n" for n in numbers)


def test_parts_every_row_of_which_is_clean_come_in_columns_and_a_second_import_skips_what_the_first_stored(
        factory, monkeypatch):
    monkeypatch.setattr(columnar, "BATCH_ROWS", 8)
    monkeypatch.setattr(operations, "BATCH", 3)  # several writes per part
    staff = factory.staff(team=factory.team("Desk"))
    first = clean_export(staff.email, range(20))
    parts = list(read_interaction_batches(first, "csv")[1])
    assert len(parts) > 2 and all(isinstance(part, InteractionColumns) for part in parts)
    assert [row for part in parts for row in part.rows()] == read_interactions(first, "csv") == careful_parse(first)
    assert import_interaction_batches(parts, by=None, team_ids=None).created == 20
    # The same rows and ten new ones, each part partly stored before: the stored ones are skipped.
    second = clean_export(staff.email, range(30))
    summary = import_interaction_batches(read_interaction_batches(second, "csv")[1], by=staff, team_ids=None)
    assert (summary.created, summary.already_imported) == (10, 20)
    stored = db.session.execute(select(Interaction).order_by(Interaction.id)).scalars().all()
    assert [i.external_id for i in stored] == [f"Q-{n}" for n in range(30)]
    assert [i.imported_by_id for i in stored] == [None] * 20 + [staff.id] * 10
    assert [(i.started_at, i.messages[0].text) for i in stored[-2:]] == [
        (datetime(2026, 11, 2, 10, 28), "hello 28"), (datetime(2026, 11, 2, 10, 29), "hello 29")]


def test_an_id_repeated_across_clean_parts_and_an_unknown_staff_member_are_named_with_their_rows(
        factory, monkeypatch):
    monkeypatch.setattr(columnar, "BATCH_ROWS", 8)
    staff = factory.staff(team=factory.team("Desk"))
    text = clean_export(staff.email, range(20)) + f"Q-3,{staff.email},chat,2026-11-02T10:00:00Z,C-x,customer: hi\n"
    with pytest.raises(InteractionFileError) as error, db.session.begin_nested():
        import_interaction_batches(read_interaction_batches(text, "csv")[1], by=None, team_ids=None)
    assert [str(problem) for problem in error.value.problems] == ["Row 22: external_id “Q-3” repeats row 5."]
    text = clean_export(staff.email, range(20)).replace(f"Q-12,{staff.email}", "Q-12,nobody@example.com")
    with pytest.raises(InteractionFileError) as error, db.session.begin_nested():
        import_interaction_batches(read_interaction_batches(text, "csv")[1], by=None, team_ids=None)
    assert [str(problem) for problem in error.value.problems] == [
        "Row 14: no active user has the email “nobody@example.com”."]
    assert db.session.execute(select(func.count()).select_from(Interaction)).scalar() == 0

"""Reading interaction exports: CSV (one row per interaction) and JSON Lines (one object per line).

Every row is checked and every problem is reported with its row (CSV, the header is row 1) or line number
(JSON Lines); the caller imports nothing when there is any problem. Values are normalised here (channel and
speaker aliases, times to UTC); who the staff member is and whether the row was imported before are decided
by ``bro.interactions.operations``, which knows the database.
"""
from __future__ import annotations

import csv
import gc
import io
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timezone
from json.encoder import encode_basestring
from operator import attrgetter
from typing import Any, Iterator

from bro.audits.text import _, n_
from bro.models.audits import CHANNELS, RELATIONSHIPS
from bro.models.interactions import SPEAKERS, Message, transcript_json, transcript_messages

COLUMNS = ("external_id", "staff_email", "channel", "started_at", "customer_ref", "relationship", "source_url",
           "transcript")
REQUIRED = ("staff_email", "channel", "started_at", "customer_ref")
MAX_ROWS = 100_000
MAX_FIELD_CHARS = 1_000_000  # one transcript cell; the csv module's own limit (128 KiB) is too small for long chats
MAX_MESSAGES = 2_000
MAX_MESSAGE_CHARS = 20_000
MAX_ERRORS_LISTED = 200
IGNORE = "-"  # map a column to "-" to leave it out of the import

# Words help desks and phone systems use for bro's channels and speakers (compared case-folded).
CHANNEL_ALIASES = {
    "phone": "phone", "call": "phone", "voice": "phone", "telephone": "phone",
    "email": "email", "e-mail": "email", "mail": "email",
    "chat": "chat", "web": "chat", "web chat": "chat", "webchat": "chat", "messaging": "chat", "whatsapp": "chat",
    "sms": "chat", "widget": "chat",
    "in_person": "in_person", "in person": "in_person", "walk-in": "in_person", "walk in": "in_person",
    "counter": "in_person", "store": "in_person",
    "meeting": "meeting", "video": "meeting", "visit": "meeting",
}
SPEAKER_ALIASES = {
    "staff": "staff", "agent": "staff", "employee": "staff", "advisor": "staff", "support": "staff",
    "customer": "customer", "requester": "customer", "client": "customer", "end-user": "customer",
    "end user": "customer", "user": "customer", "caller": "customer",
    "system": "system", "bot": "system", "automation": "system", "note": "system",
}
assert set(CHANNEL_ALIASES.values()) <= set(CHANNELS) and set(SPEAKER_ALIASES.values()) <= set(SPEAKERS)

# A transcript line: optional "[time]", a speaker, a colon, the text. Lines that do not start a message
# continue the previous one (multi-line messages).
_URL = re.compile(r"https?://[^\s]+$")
_LINE = re.compile(r"^\s*(?:\[(?P<at>[^\]]{1,40})\]\s*)?(?P<speaker>[A-Za-z][A-Za-z \-]{0,19}?)\s*:\s?(?P<text>.*)$")


@dataclass(slots=True)
class InteractionRow:
    """One interaction as read from a file, with the row (or line) it came from."""

    row: int
    staff_email: str
    channel: str
    started_at: datetime
    customer_ref: str
    relationship: str = "b2c"
    external_id: str | None = None
    source_url: str | None = None
    # The messages in the form stored (bro.models.interactions.transcript_json), and how many there are.
    transcript: str | None = None
    message_count: int = 0

    @property
    def messages(self) -> list[Message]:
        return transcript_messages(self.transcript)


@dataclass(slots=True)
class InteractionColumns:
    """Interactions as read from a file, column by column: per field of InteractionRow, a list with a value for
    each row (``row``: the row numbers). The quick CSV path gives its parts so; nothing makes a Python object
    per row before they are written (bro.interactions.operations)."""

    row: list[int]
    staff_email: list[str]
    channel: list[str]
    started_at: list[datetime]
    customer_ref: list[str]
    relationship: list[str]
    external_id: list[str | None]
    source_url: list[str | None]
    transcript: list[str | None]
    message_count: list[int]

    def __len__(self) -> int:
        return len(self.row)

    def rows(self) -> list[InteractionRow]:
        """The same interactions as InteractionRow objects."""
        return list(map(InteractionRow, *(getattr(self, name) for name in self.__slots__)))

    def taken(self, indexes) -> InteractionColumns:
        """The interactions at ``indexes`` (positions, in order)."""
        return InteractionColumns(*([values[index] for index in indexes]
                                    for values in (getattr(self, name) for name in self.__slots__)))


@dataclass(frozen=True)
class RowProblem:
    row: int
    message: str
    kind: str = "row"  # "row" (CSV) or "line" (JSON Lines)

    def __str__(self) -> str:
        if self.kind == "line":
            return _("Line %(row)d: %(message)s", row=self.row, message=self.message)
        return _("Row %(row)d: %(message)s", row=self.row, message=self.message)


class InteractionFileError(ValueError):
    """The file cannot be imported; ``problems`` lists every row at fault (nothing was imported)."""

    def __init__(self, problems: list[RowProblem], more: int = 0):
        self.problems = problems
        self.more = more
        super().__init__("; ".join(str(p) for p in problems[:5]))


def parse_mapping(text: str) -> dict[str, str]:
    """'Ticket ID=external_id, Priority=-' → {source column: bro column, or "-" to ignore it}. Raises ValueError."""
    mapping: dict[str, str] = {}
    for part in re.split(r"[,\n;]", text or ""):
        if not part.strip():
            continue
        source, sep, target = part.partition("=")
        source, target = source.strip(), target.strip()
        if not sep or not source or not target:
            raise ValueError(_("Write each column mapping as “column in your file=bro column”, not “%(part)s”.",
                               part=part.strip()))
        if target not in COLUMNS and target != IGNORE:
            raise ValueError(_("“%(column)s” is not a bro column; use one of %(columns)s, or - to leave the column "
                               "out.", column=target, columns=", ".join(COLUMNS)))
        mapping[source] = target
    return mapping


def file_format(chosen: str, filename: str) -> str:
    """"csv" or "jsonl": the format chosen, or else the one the file name says (.jsonl, .ndjson, .json)."""
    if chosen in ("csv", "jsonl"):
        return chosen
    return "jsonl" if filename.lower().endswith((".jsonl", ".ndjson", ".json")) else "csv"


def utc_naive(moment: datetime) -> datetime:
    """Times with an offset are converted to UTC; times without one are taken as UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.replace(microsecond=0) if moment.microsecond else moment


def parse_time(text: str) -> datetime:
    value = text.strip()
    if value.endswith("z"):
        value = value[:-1] + "Z"
    return utc_naive(datetime.fromisoformat(value))  # Python 3.11 reads "Z" and most ISO 8601 forms


def _clean(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value).strip())


def _speaker(text: str) -> str | None:
    return SPEAKER_ALIASES.get(text) or SPEAKER_ALIASES.get(text.strip().casefold())


def _message_time(text: str, started_at: datetime | None) -> datetime:
    value = text.strip()
    if re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", value) and started_at is not None:
        return datetime.combine(started_at.date(), time(*(int(part) for part in value.split(":"))))
    return parse_time(value)


def parse_transcript_text(text: str, started_at: datetime | None) -> list[Message]:
    """Lines like "[10:02] customer: Hello" (time optional); a JSON list of {speaker, at, text} works too."""
    stripped = text.strip()
    if not stripped:
        return []
    if stripped.startswith("["):
        try:
            data = json.loads(stripped)
        except ValueError:
            data = None
        if isinstance(data, list):
            return parse_message_list(data, started_at)
    messages: list[Message] = []
    match_line, aliases = _LINE.match, SPEAKER_ALIASES
    for number, line in enumerate(stripped.splitlines(), start=1):
        match = match_line(line)
        speaker = None
        if match:
            at, word, text_part = match.group("at", "speaker", "text")
            speaker = aliases.get(word) or aliases.get(word.strip().casefold())
        if speaker:
            sent_at = None
            if at:
                try:
                    sent_at = _message_time(at, started_at)
                except ValueError:
                    raise ValueError(_("transcript line %(line)d: “%(time)s” is not a time.",
                                       line=number, time=at)) from None
            messages.append(Message(speaker, sent_at, text_part.strip()))
        elif messages:
            previous = messages[-1]
            messages[-1] = Message(previous.speaker, previous.sent_at, (previous.text + "\n" + line.strip()).strip())
        elif line.strip():
            raise ValueError(_("transcript line %(line)d does not start with a speaker (staff, customer or system) "
                               "and a colon.", line=number))
    return _bounded(messages)


def parse_message_list(data: list, started_at: datetime | None) -> list[Message]:
    messages = []
    for index, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise ValueError(_("message %(n)d must be an object with speaker, at and text.", n=index))
        speaker = _speaker(_clean(item.get("speaker")))
        if speaker is None:
            raise ValueError(_("message %(n)d: speaker must be staff, customer or system, not “%(value)s”.",
                               n=index, value=_clean(item.get("speaker"))))
        text = _clean(item.get("text"))
        if not text:
            raise ValueError(_("message %(n)d has no text.", n=index))
        sent_at = None
        if _clean(item.get("at")):
            try:
                sent_at = _message_time(_clean(item.get("at")), started_at)
            except ValueError:
                raise ValueError(_("message %(n)d: “%(value)s” is not a date and time.",
                                   n=index, value=_clean(item.get("at")))) from None
        messages.append(Message(speaker, sent_at, text))
    return _bounded(messages)


def _bounded(messages: list[Message]) -> list[Message]:
    if len(messages) > MAX_MESSAGES:
        raise ValueError(n_("the transcript has more than %(num)d message.", "the transcript has more than %(num)d messages.", MAX_MESSAGES))
    if any(len(message.text) > MAX_MESSAGE_CHARS for message in messages):
        raise ValueError(n_("a message of the transcript is longer than %(num)d character.",
                            "a message of the transcript is longer than %(num)d characters.", MAX_MESSAGE_CHARS))
    return messages


def parse_record(values: dict[str, Any], row: int, messages: Any = None) -> InteractionRow:
    """Check one interaction's values; raises ValueError with every problem of the row in one sentence."""
    # Each value is cleaned once (a large import checks 100,000 rows: no work twice per cell).
    clean = {column: _clean(values.get(column)) for column in COLUMNS}
    problems: list[str] = []
    for column in REQUIRED:
        if not clean[column]:
            problems.append(_("%(column)s is empty.", column=column))
    email = clean["staff_email"].casefold()
    channel = None
    if clean["channel"]:
        channel = CHANNEL_ALIASES.get(clean["channel"]) or CHANNEL_ALIASES.get(clean["channel"].casefold())
        if channel is None:
            problems.append(_("channel must be one of %(channels)s, not “%(value)s”.",
                              channels=", ".join(CHANNELS), value=clean["channel"]))
    started_at = None
    if clean["started_at"]:
        try:
            started_at = parse_time(clean["started_at"])
        except ValueError:
            problems.append(_("started_at must be a date and time such as 2026-11-02T10:15:00Z, not “%(value)s”.",
                              value=clean["started_at"]))
    relationship = clean["relationship"]
    if relationship not in RELATIONSHIPS:
        relationship = relationship.casefold() or "b2c"
        if relationship not in RELATIONSHIPS:
            problems.append(_("relationship must be b2c or b2b, not “%(value)s”.", value=relationship))
    customer_ref = clean["customer_ref"]
    if len(customer_ref) > 120:
        problems.append(n_("customer_ref is longer than %(num)d character.", "customer_ref is longer than %(num)d characters.", 120))
    external_id = clean["external_id"] or None
    if external_id and len(external_id) > 120:
        problems.append(n_("external_id is longer than %(num)d character.", "external_id is longer than %(num)d characters.", 120))
    source_url = clean["source_url"] or None
    if source_url and (len(source_url) > 500 or not _URL.match(source_url)):
        problems.append(_("source_url must be an http or https address of at most 500 characters."))
    parsed_messages: list[Message] = []
    try:
        if isinstance(messages, list):
            parsed_messages = parse_message_list(messages, started_at)
        elif messages is not None and not isinstance(messages, str):
            problems.append(_("messages must be a list of {speaker, at, text} objects."))
        else:
            parsed_messages = parse_transcript_text(messages or clean["transcript"], started_at)
    except ValueError as error:
        problems.append(str(error))
    if problems:
        raise ValueError(" ".join(problems))
    return InteractionRow(row=row, staff_email=email, channel=channel, started_at=started_at,
                          customer_ref=customer_ref, relationship=relationship, external_id=external_id,
                          source_url=source_url, transcript=transcript_json(parsed_messages),
                          message_count=len(parsed_messages))


# The quick path of a CSV import. The transcripts of the rows are read together, with one regular expression
# over all their lines: a line is (time, speaker word, text), the time optional, or has an empty word when it
# starts no message ("whitespace" here excludes the line break; transcripts with other line separators, which
# str.splitlines also splits on, take the careful path). A transcript whose every line starts a message with a
# known speaker is written straight into its stored JSON form (transcript_json), without Message tuples.
_LINES = re.compile(r"^[^\S\n]*(?:\[([^\]\n]{1,40})\][^\S\n]*)?([A-Za-z][A-Za-z \-]{0,19})[^\S\n]*:[^\S\n]?(.*)$"
                    r"|^.*$", re.MULTILINE)
_OTHER_BREAKS = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_NO_TRANSCRIPT = (None, 0)


def _quick_time(value: str) -> datetime | None:
    """parse_time's answer, or None when parse_time must decide (and word the problem)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return utc_naive(moment) if moment.tzinfo is not None or moment.microsecond else moment


def _quick_transcripts(transcripts: list[str], starts: list[datetime | None], candidates: list[int]
                       ) -> list[tuple[str | None, int] | None]:
    """Per transcript (of the rows ``candidates``, whose start is known): its stored form and message count, or
    None when the careful parse_transcript_text must decide (continuation lines, JSON lists, unknown words, bad
    times, limits)."""
    parsed: list[tuple[str | None, int] | None] = [None] * len(transcripts)
    lined = []
    for index in candidates:
        if transcripts[index]:
            lined.append(index)
        else:
            parsed[index] = _NO_TRANSCRIPT
    joined = "\n".join([transcripts[index] for index in lined])
    if _OTHER_BREAKS.search(joined):
        lined = [index for index in lined if not _OTHER_BREAKS.search(transcripts[index])]
        joined = "\n".join([transcripts[index] for index in lined])
    counts = [transcripts[index].count("\n") + 1 for index in lined]
    found = _LINES.findall(joined)
    if len(found) != sum(counts):  # pragma: no cover - one match a line, always
        return parsed
    speaker_of = {word: SPEAKER_ALIASES.get(word) or SPEAKER_ALIASES.get(word.strip().casefold())
                  for word in {word for _at, word, _text in found if word}}
    untimed = {word: f'["{speaker}",null,' for word, speaker in speaker_of.items() if speaker}
    # A message's JSON element; None for one with a time or without a known speaker, read by _messages_json.
    elements = [None if at or word not in untimed else untimed[word] + encode_basestring(text.strip()) + "]"
                for at, word, text in found]
    times: dict = {}
    position = 0
    for index, count in zip(lined, counts):
        start, position = position, position + count
        part = elements[start:position]
        if None in part:
            stored = _messages_json(found[start:position], starts[index], speaker_of, times)
            if stored is None:
                continue
        else:
            stored = "[" + ",".join(part) + "]"
        text = transcripts[index]
        if count > MAX_MESSAGES or (len(text) > MAX_MESSAGE_CHARS and any(
                len(message.strip()) > MAX_MESSAGE_CHARS for _at, _word, message in found[start:position])):
            continue
        if text[0] == "[" and any(mark in found[start][0] for mark in '"[{'):
            continue  # it may be a JSON list of messages
        parsed[index] = (stored, count)
    return parsed


def _messages_json(found: list[tuple[str, str, str]], started_at: datetime, speaker_of: dict[str, str | None],
                   times: dict) -> str | None:
    """The stored form of one transcript's lines (time, word, text), some with times; None when a line starts
    no message or a time cannot be read."""
    elements = []
    day = started_at.date()
    for at, word, text in found:
        speaker = speaker_of.get(word)
        if speaker is None:
            return None
        sent_at = "null"
        if at:
            key = (at, day)  # "[10:02]" is read once per day, not once per message
            sent_at = times.get(key)
            if sent_at is None:
                try:
                    sent_at = times[key] = f'"{_message_time(at, started_at).isoformat()}"'
                except ValueError:
                    return None
        elements.append(f'["{speaker}",{sent_at},{encode_basestring(text.strip())}]')
    return "[" + ",".join(elements) + "]"


def _parse_clean_records(names: list[str], records: list[tuple[int, list[str]]], rows: list[InteractionRow]
                         ) -> list[tuple[int, dict[str, str]]]:
    """Check CSV records (row number, cells under the header ``names``) column by column and append the clean
    ones to ``rows`` as InteractionRows; return the records a quick check doubts, as values by column, for
    parse_record to check one by one (it words the problems, and accepts what the quick checks leave to it, such
    as channel names in capitals). Same results, a fraction of the time on a file of 100,000 rows."""
    place = {name: index for index, name in enumerate(names) if name != IGNORE}
    cells_by_column = list(zip(*[cells for _number, cells in records])) or [()] * len(names)

    def column(name: str) -> list[str]:
        index = place.get(name)
        if index is None:
            return [""] * len(records)
        return list(map(str.strip, cells_by_column[index]))

    emails, refs, externals, urls = column("staff_email"), column("customer_ref"), column("external_id"), \
        column("source_url")
    channel_texts = column("channel")
    channel_of = {text: CHANNEL_ALIASES.get(text) or CHANNEL_ALIASES.get(text.casefold())
                  for text in set(channel_texts)}  # a few distinct values in 100,000 rows
    channels = [channel_of[text] for text in channel_texts]
    starts = [_quick_time(value) if value else None for value in column("started_at")]
    relationships = [value.casefold() or "b2c" for value in column("relationship")]
    candidates = [index for index in range(len(records))
                  if starts[index] is not None and channels[index] is not None and emails[index] and refs[index]
                  and len(refs[index]) <= 120 and len(externals[index]) <= 120
                  and relationships[index] in RELATIONSHIPS
                  and (not urls[index] or (len(urls[index]) <= 500 and _URL.match(urls[index])))]
    transcripts = _quick_transcripts(column("transcript"), starts, candidates)
    doubtful = []
    for index, (number, cells) in enumerate(records):
        transcript = transcripts[index]
        if transcript is None:
            doubtful.append((number, {name: cell for name, cell in zip(names, cells) if name != IGNORE}))
            continue
        rows.append(InteractionRow(number, emails[index].casefold(), channels[index], starts[index], refs[index],
                                   relationships[index], externals[index] or None, urls[index] or None, *transcript))
    return doubtful


@contextmanager
def without_gc_pauses():
    """Pause the cyclic garbage collector while a large file is read or written. A 100,000-row import makes
    millions of small objects and none of them cyclic; the collector would walk the growing heap again and
    again (half the time of the import). Reference counting still frees everything as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def _long_fields():
    """The csv module's cell limit is process-wide: raise it for transcripts only while reading them."""
    previous = csv.field_size_limit(MAX_FIELD_CHARS)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


_FILE_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+\Z")


def _lines(text: str):
    """The lines of ``text`` one by one, each with its line break ("\n", "\r\n" or "\r"), as a file opened
    with newline="" gives them to csv.reader."""
    return (match.group() for match in _FILE_LINE.finditer(text))


def _csv_header(reader, mapping: dict[str, str]) -> list[str]:
    """bro's column for each column of the file (the header, row 1, read through ``mapping``)."""
    try:
        header = next(reader)
    except StopIteration:
        raise InteractionFileError([RowProblem(1, _("the file is empty."))]) from None
    except csv.Error as error:
        raise InteractionFileError([RowProblem(1, _("the header cannot be read: %(error)s.", error=error))]) from None
    names = [mapping.get(name.strip(), name.strip()) for name in header]
    missing = [column for column in REQUIRED if column not in names]
    unknown = [name for name in names if name and name not in COLUMNS and name != IGNORE]
    if missing or unknown:
        problems = []
        if missing:
            problems.append(RowProblem(1, _("the header lacks %(columns)s; expected columns: %(expected)s.",
                                            columns=", ".join(missing), expected=", ".join(COLUMNS))))
        if unknown:
            problems.append(RowProblem(1, _("unknown columns %(columns)s: rename them, map them to bro's columns, "
                                            "or remove them; expected columns: %(expected)s.",
                                            columns=", ".join(unknown), expected=", ".join(COLUMNS))))
        raise InteractionFileError(problems)
    return names


def _csv_records(reader, width: int, records: list[tuple[int, list[str]]], problems: list[RowProblem]) -> int:
    """Append each data row to ``records`` as (row number, its ``width`` cells), or a problem to ``problems``;
    the header is row 1, blank rows are left out. Stops after MAX_ROWS + 1 rows; returns the last row number."""
    row_number = 1
    try:
        for cells in reader:
            row_number += 1
            if not (cells and cells[0] and not cells[0].isspace()) and not any(cell.strip() for cell in cells):
                continue  # a blank row
            if len(cells) == width:
                records.append((row_number, cells))
            elif len(cells) < width:
                records.append((row_number, cells + [""] * (width - len(cells))))
            else:
                problems.append(RowProblem(row_number, _("the row has more cells than the header has columns.")))
            if len(records) + len(problems) > MAX_ROWS:
                break
    except csv.Error as error:
        row_number += 1
        problems.append(RowProblem(row_number, _("the row cannot be read (%(error)s).", error=error)))
    return row_number


def _repeated_external_ids(rows: list[InteractionRow] | InteractionColumns, kind: str,
                           seen: dict[str, int] | None = None) -> list[RowProblem]:
    """A problem for each row whose external_id an earlier row has (of ``rows``, or of the rows ``seen`` holds:
    external id to its first row, updated)."""
    problems = []
    seen = {} if seen is None else seen
    if isinstance(rows, InteractionColumns):
        numbered = [(external_id, number) for external_id, number in zip(rows.external_id, rows.row)
                    if external_id is not None]
        if len({external_id for external_id, _number in numbered} | seen.keys()) == len(numbered) + len(seen):
            seen.update(numbered)  # no id repeats (the usual case): no row by row look-up
            return problems
    else:
        numbered = [(row.external_id, row.row) for row in rows if row.external_id is not None]
    for external_id, number in numbered:
        if external_id in seen:
            problems.append(RowProblem(number, _("external_id “%(id)s” repeats row %(first)d.",
                                               id=external_id, first=seen[external_id]), kind))
        else:
            seen[external_id] = number
    return problems


def read_interactions(text: str, fmt: str, mapping: dict[str, str] | None = None) -> list[InteractionRow]:
    """Every interaction of a CSV ("csv") or JSON Lines ("jsonl") file; raises InteractionFileError listing
    every problem (with row or line numbers) when any row is wrong."""
    with without_gc_pauses():
        return _read_interactions(text, fmt, mapping)


def _read_interactions(text: str, fmt: str, mapping: dict[str, str] | None) -> list[InteractionRow]:
    text = text.lstrip("\ufeff")
    mapping = mapping or {}
    rows: list[InteractionRow] = []
    problems: list[RowProblem] = []
    kind = "line" if fmt == "jsonl" else "row"

    last_row = 0

    def add(row: int, values: dict | None, problem: str | None, messages: Any = None) -> None:
        if problem is not None:
            problems.append(RowProblem(row, problem, kind))
            return
        try:
            rows.append(parse_record(values, row, messages))
        except ValueError as error:
            problems.append(RowProblem(row, str(error), kind))

    if fmt == "jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            last_row = number
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except ValueError as error:
                add(number, None, _("not valid JSON (%(error)s).", error=error))
                continue
            if not isinstance(data, dict):
                add(number, None, _("each line must be one JSON object."))
                continue
            values = {mapping.get(key, key): value for key, value in data.items() if mapping.get(key, key) != IGNORE}
            unknown = sorted(set(values) - set(COLUMNS) - {"messages"})
            if unknown:
                add(number, None, _("unknown fields %(fields)s.", fields=", ".join(unknown)))
                continue
            add(number, values, None, values.get("messages"))
            if len(rows) + len(problems) > MAX_ROWS:
                break
    else:
        from bro.interactions.columnar import read_clean_records

        with _long_fields():
            # strict: an unclosed quote is an error, not a merge. The header is read from the file's first lines
            # (a StringIO of the whole file would copy it, four bytes a character).
            names = _csv_header(csv.reader(_lines(text), strict=True), mapping)
            quick = read_clean_records(text, names)  # None: the file is read by the csv module
            if quick is None:
                reader = csv.reader(io.StringIO(text, newline=""), strict=True)
                next(reader)  # the header, read above
                records: list[tuple[int, list[str]]] = []
                last_row = _csv_records(reader, len(names), records, problems)
        if quick is None:
            doubtful = _parse_clean_records(names, records, rows)
        else:
            rows, doubtful = quick
        _check_doubtful(doubtful, rows, problems)
    if len(rows) + len(problems) > MAX_ROWS:
        problems.append(RowProblem(last_row, _("too many interactions: import at most %(n)d at a time.",
                                               n=MAX_ROWS), kind))
    external_ids = [row.external_id for row in rows if row.external_id is not None]
    if len(set(external_ids)) < len(external_ids):
        problems.extend(_repeated_external_ids(rows, kind))
    if problems:
        _refuse(problems)
    return rows


def _check_doubtful(doubtful: list[tuple[int, dict[str, str]]], rows: list[InteractionRow],
                    problems: list[RowProblem]) -> None:
    """parse_record for each CSV record the quick checks doubt: to ``rows`` (kept in row order) or ``problems``."""
    for number, values in doubtful:
        try:
            rows.append(parse_record(values, number))
        except ValueError as error:
            problems.append(RowProblem(number, str(error)))
    if doubtful:
        rows.sort(key=attrgetter("row"))


def _refuse(problems: list[RowProblem]):
    problems.sort(key=attrgetter("row"))
    raise InteractionFileError(problems[:MAX_ERRORS_LISTED], more=max(0, len(problems) - MAX_ERRORS_LISTED))


def read_interaction_batches(text: str, fmt: str, mapping: dict[str, str] | None = None
                             ) -> tuple[int, Iterator[list[InteractionRow] | InteractionColumns]]:
    """read_interactions in parts, for import_interaction_batches: (number of rows, their parts in row order).

    A large CSV file is read a part at a time, the next part while the caller stores this one. Its problems,
    the same InteractionFileError as read_interactions's, are raised after its last part; the caller must then
    undo what it stored of the parts before (one transaction). Other files are read whole first, in one part.
    A part is a list of InteractionRow, or InteractionColumns when the quick path checked every row of it."""
    if fmt != "jsonl":
        from bro.interactions.columnar import read_clean_batches

        text = text.lstrip("\ufeff")
        with _long_fields():
            names = _csv_header(csv.reader(_lines(text), strict=True), mapping or {})
        with without_gc_pauses():
            batches = read_clean_batches(text, names)
        if batches is not None:
            total, parts = batches
            return total, _checked_parts(parts)
    rows = read_interactions(text, fmt, mapping)
    return len(rows), iter([rows])


def _checked_parts(parts) -> Iterator[list[InteractionRow] | InteractionColumns]:
    """The parts of columnar.read_clean_batches checked as read_interactions checks a file's rows; no part is
    given once a problem is found, and every problem is raised after the last part."""
    problems: list[RowProblem] = []
    first_rows: dict[str, int] = {}  # external id: the row that has it first
    with without_gc_pauses():
        for rows, doubtful in parts:
            if doubtful:  # parts with rows to check one by one come as InteractionRow lists
                _check_doubtful(doubtful, rows, problems)
            problems.extend(_repeated_external_ids(rows, "row", first_rows))
            if not problems:
                yield rows
    if problems:
        _refuse(problems)

"""The quick path of a large CSV import, in columns: polars reads the file and checks every column and writes
the transcripts' stored form in native code, many rows at a time.

It gives exactly what the row-by-row checks of ``bro.interactions.parsing`` give, or declines: a row it doubts
(a value to word a problem about, a channel name in capitals is fine, a transcript with continuation lines or
a JSON list) is handed back for ``parse_record`` to check one by one, and a file whose reading by polars could
differ from the csv module's (quotes inside an unquoted cell, an unclosed quote, separator characters that
Python counts as white space and polars does not, more rows than an import takes) is declined whole, and read
by the csv module, as are files under a million characters. polars is imported here only, when a large file is
read: a web worker that never reads one does not load it.
"""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

from bro.interactions import parsing
from bro.interactions.parsing import (
    CHANNEL_ALIASES, IGNORE, MAX_FIELD_CHARS, MAX_MESSAGE_CHARS, MAX_MESSAGES, SPEAKER_ALIASES, InteractionColumns,
    InteractionRow, _quick_time,
)
from bro.models.audits import RELATIONSHIPS

# Smaller files are read by the csv module, quick enough at their size: a web worker taking a small upload does not
# load polars (some 70 MiB it would keep).
MIN_CHARS = 1_000_000
BATCH_ROWS = 20_000  # rows read at a time by read_clean_batches
# Files polars might read otherwise than the csv module (strict): a quote inside an unquoted cell or after a
# closing quote, the separators \x1c-\x1f, which Python's str.strip removes and polars' does not, and line breaks
# of a lone carriage return.
_QUOTE_INSIDE_A_CELL = re.compile(r'"(?<=[^,\n"]")(?:"")*(?=[^",\r\n])')  # the quote first: a fast search
_SEPARATORS = "\x1c\x1d\x1e\x1f"
# A transcript line that starts a message, as parsing._LINES reads one: an optional [time], a speaker word, a
# colon. A time the quick path writes itself: h:mm or h:mm:ss (anything else: parse_record decides).
_STARTS_MESSAGE = r"^[^\S\n]*(?:\[[^\]\n]{1,40}\][^\S\n]*)?[A-Za-z][A-Za-z \-]{0,19}[^\S\n]*:"
_CLOCK = r"^\s*([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?\s*$"
_OTHER_BREAKS = "[\r\x0b\x0c\x85\u2028\u2029]"  # line separators str.splitlines knows besides "\n"
_URL = r"^https?://\S+$"


def read_clean_records(text: str, names: list[str]
                       ) -> tuple[list[InteractionRow], list[tuple[int, dict[str, str]]]] | None:
    """The rows of a CSV file (``names``: bro's column for each column of its header, row 1) that every check
    passes, and the others as (row number, values by column) for parse_record; blank rows are left out. None
    when the file should be read by the csv module instead."""
    frame = _frame(text, names)
    return None if frame is None else _clean_records(frame, names)


def read_clean_batches(text: str, names: list[str], size: int | None = None):
    """read_clean_records in parts of ``size`` rows (BATCH_ROWS when not given), in order, as (number of rows,
    iterator of parts); each part is read in a thread while the caller handles the one before (stores it, say).
    A part whose every row the quick checks pass comes as (InteractionColumns, []). None as read_clean_records."""
    frame = _frame(text, names)
    if frame is None:
        return None
    return frame.height, _parts(frame, names, size or BATCH_ROWS)


def _parts(frame, names: list[str], size: int):
    parts = [frame.slice(start, length) for start, length in _part_bounds(frame.height, size)]
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="interaction-import") as reader:
        pending = reader.submit(_clean_records, parts[0], names, True)
        for part in parts[1:]:
            ready = pending.result()
            pending = reader.submit(_clean_records, part, names, True)
            yield ready
        yield pending.result()


def _part_bounds(rows: int, size: int) -> list[tuple[int, int]]:
    """(first row, number of rows) of each part: a quarter of ``size`` first, then a half, then ``size``, so that
    the caller gets its first part (and starts storing) soon, while the larger parts after it are read."""
    bounds, start, length = [], 0, max(1, size // 4)
    while start < rows:
        bounds.append((start, min(length, rows - start)))
        start, length = start + length, min(size, length * 2)
    return bounds


def _frame(text: str, names: list[str]):
    """The file's data rows as a polars frame (row: its row number; c0, c1...: its cells), or None."""
    if len(text) < MIN_CHARS:
        return None
    try:
        import polars as pl
    except ImportError:  # pragma: no cover - polars is a dependency; without it every file takes the csv module
        return None
    if text.count('"') % 2 or _QUOTE_INSIDE_A_CELL.search(text) or any(mark in text for mark in _SEPARATORS):
        return None
    carriage_returns = text.count("\r")
    if carriage_returns and carriage_returns != text.count("\r\n"):
        return None  # lines ending in "\r" alone (old spreadsheets): the csv module reads them
    try:
        data = text.encode()
    except UnicodeEncodeError:
        return None  # lone surrogates (a file decoded with errors="surrogateescape"): the csv module reads them
    try:
        frame = pl.read_csv(data, has_header=False, infer_schema=False, quote_char='"',
                            new_columns=[f"c{index}" for index in range(len(names))])
    except (pl.exceptions.PolarsError, ValueError):
        return None  # more cells than the header has columns, a quote the csv module would refuse, ...
    frame = frame.slice(1).with_columns(pl.all().fill_null("")).with_row_index("row", offset=2)
    cells = [f"c{index}" for index in range(len(names))]
    frame = frame.filter(~pl.all_horizontal([pl.col(cell).str.strip_chars() == "" for cell in cells]))  # blank
    if frame.width != len(names) + 1 or not 0 < frame.height <= parsing.MAX_ROWS:
        return None  # the csv module words the problem of too many rows
    if frame.select(pl.max_horizontal([pl.col(cell).str.len_chars().max() for cell in cells])).item() \
            > MAX_FIELD_CHARS:
        return None  # the csv module refuses the cell
    return frame


def _clean_records(frame, names: list[str], columns: bool = False):
    """read_clean_records of the rows of ``frame``; with ``columns``, (InteractionColumns, []) when no row is
    doubted."""
    import polars as pl

    place = {name: f"c{index}" for index, name in enumerate(names) if name != IGNORE}

    def column(name: str):
        return pl.col(place[name]).str.strip_chars() if name in place else pl.lit("")

    values = frame.select(
        "row", email=column("staff_email"), channel=column("channel"), start=column("started_at"),
        ref=column("customer_ref"), relationship=column("relationship").str.to_lowercase(),
        external=column("external_id"), url=column("source_url"), transcript=column("transcript"))
    # A few distinct channels and at most one start per row: each distinct value is read once, by Python.
    channel_of = {text: CHANNEL_ALIASES.get(text) or CHANNEL_ALIASES.get(text.casefold())
                  for text in values["channel"].unique().to_list()}
    start_of = {text: _quick_time(text) if text else None for text in values["start"].unique().to_list()}
    day_of = {text: start.date().isoformat() for text, start in start_of.items() if start is not None}
    values = values.with_columns(
        pl.col("channel").replace_strict(channel_of, default=None, return_dtype=pl.String),
        pl.col("start").replace_strict(day_of, default=None, return_dtype=pl.String).alias("day"),
        pl.when(pl.col("relationship") == "").then(pl.lit("b2c")).otherwise("relationship").alias("relationship"))
    clean = (pl.col("day").is_not_null() & pl.col("channel").is_not_null() & (pl.col("ref") != "")
             & pl.col("email").str.contains(r"^[\x21-\x7e]+$")  # ASCII: lower case is Python's casefold
             & (pl.col("ref").str.len_chars() <= 120) & (pl.col("external").str.len_chars() <= 120)
             & pl.col("relationship").is_in(list(RELATIONSHIPS))
             & ((pl.col("url") == "") | ((pl.col("url").str.len_chars() <= 500) & pl.col("url").str.contains(_URL))))
    values = values.with_columns(clean.alias("clean"))
    transcripts = _transcripts(pl, values.filter(pl.col("clean") & (pl.col("transcript") != "")))
    values = (values.join(transcripts, on="row", how="left", maintain_order="left")
              .with_columns(pl.col("clean") & ((pl.col("transcript") == "") | pl.col("stored").is_not_null())))

    good = values.filter("clean").select(
        "row", pl.col("email").str.to_lowercase(), "channel", "start", "ref", "relationship",
        *(pl.when(pl.col(name) != "").then(name).alias(name) for name in ("external", "url")),
        "stored", pl.col("count").fill_null(0))
    lists = [good[name].to_list() for name in good.columns]
    lists[3] = list(map(start_of.__getitem__, lists[3]))
    if columns and len(lists[0]) == frame.height:
        return InteractionColumns(*lists), []
    rows = list(map(InteractionRow, *lists))
    doubted = frame.join(values.filter(~pl.col("clean")).select("row"), on="row", how="semi")
    doubtful = [(number, {name: cell for name, cell in zip(names, cells) if name != IGNORE})
                for number, *cells in doubted.iter_rows()]
    return rows, doubtful


def _transcripts(pl, values):
    """Per row of ``values`` (row, day, transcript) whose transcript polars can write: its stored form
    (bro.models.interactions.transcript_json) and message count; rows it cannot write are left out."""
    lines = (values.filter(~pl.col("transcript").str.contains(_OTHER_BREAKS))
             .select("row", "day", line=pl.col("transcript").str.split("\n"))
             .explode("line"))
    # A line that starts a message (a test without captures, which polars runs many times faster): the time in
    # brackets ends at the first "]", and the speaker word at the first colon after it.
    line = pl.col("line")
    timed = line.str.contains(r"^[^\S\n]*\[")
    opening, closing = line.str.find("[", literal=True), line.str.find("]", literal=True)
    after = line.str.slice(pl.when(timed).then(closing + 1).otherwise(0))
    colon = pl.col("after").str.find(":", literal=True)
    lines = lines.with_columns(
        line.str.contains(_STARTS_MESSAGE).alias("starts"),
        pl.when(timed).then(line.str.slice(opening + 1, closing - opening - 1)).alias("at"),
        after.alias("after")).with_columns(colon.alias("colon"))
    after, colon = pl.col("after"), pl.col("colon")
    lines = lines.with_columns(after.str.head(colon).str.strip_chars().alias("word"),
                               after.str.slice(colon + 1).str.strip_chars().alias("text"))
    speaker_of = {word: SPEAKER_ALIASES.get(word) or SPEAKER_ALIASES.get(word.strip().casefold())
                  for word in lines.filter("starts")["word"].unique().to_list()}
    clock = pl.col("at").str.extract_groups(_CLOCK).struct.rename_fields(["hour", "minute", "second"])
    lines = lines.with_columns(
        pl.when("starts").then(pl.col("word").replace_strict(speaker_of, default=None, return_dtype=pl.String))
        .alias("speaker"), clock.alias("clock")).unnest("clock")
    hour, minute = pl.col("hour").cast(pl.Int32), pl.col("minute").cast(pl.Int32)
    second = pl.col("second").fill_null("0").cast(pl.Int32)
    sent_at = pl.concat_str([pl.lit('"'), "day", pl.lit("T"), pl.col("hour").str.zfill(2), pl.lit(":"),
                             "minute", pl.lit(":"), pl.col("second").fill_null("00").str.zfill(2), pl.lit('"')])
    lines = lines.with_columns(
        (pl.col("speaker").is_not_null() & (pl.col("text").str.len_chars() <= MAX_MESSAGE_CHARS)
         & (pl.col("at").is_null() | ((hour <= 23) & (minute <= 59) & (second <= 59)).fill_null(False)))
        .alias("ok"),
        pl.when(pl.col("at").is_null()).then(pl.lit("null")).otherwise(sent_at).alias("sent_at"),
        pl.struct("text").struct.json_encode().str.slice(8).str.strip_suffix("}").alias("said"))
    element = pl.concat_str([pl.lit('["'), "speaker", pl.lit('",'), "sent_at", pl.lit(","), "said", pl.lit("]")])
    # Gathered into lists first, then joined: many times faster than joining the strings in the aggregation.
    stored = (lines.select("row", "ok", element.alias("element")).group_by("row", maintain_order=True)
              .agg("ok", "element")
              .select("row", pl.col("ok").list.all(), pl.col("element").list.len().cast(pl.Int64).alias("count"),
                      pl.concat_str([pl.lit("["), pl.col("element").list.join(","), pl.lit("]")]).alias("stored")))
    return stored.filter(pl.col("ok") & (pl.col("count") <= MAX_MESSAGES)).drop("ok")

"""The one way bro writes CSV: cells that a spreadsheet would run as a formula are neutralised.

Excel, LibreOffice and Google Sheets treat a cell starting with = + - @ (or a tab or carriage return
before one) as a formula, so a customer reference like ``=HYPERLINK(...)`` typed into an audit would run on
the computer of whoever opens the export. Such text cells get a leading apostrophe, which spreadsheets show
as plain text. Numbers are written as they are (a negative number is data, not a formula).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value: object) -> object:
    """``value``, with an apostrophe before text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer with every cell passed through ``safe_cell``; rows end in CRLF (RFC 4180)."""

    def __init__(self, stream) -> None:
        self._writer = csv.writer(stream, lineterminator="\r\n")

    def writerow(self, row: Sequence) -> None:
        self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Sequence]) -> None:
        for row in rows:
            self.writerow(row)


def to_csv(rows: Iterable[Sequence]) -> str:
    """All ``rows`` as one CSV text."""
    buffer = io.StringIO()
    SafeWriter(buffer).writerows(rows)
    return buffer.getvalue()


def stream_csv(rows: Iterable[Sequence], chunk_size: int = 64_000) -> Iterator[str]:
    """``rows`` as CSV text in chunks of about ``chunk_size`` characters, for a streamed download that never
    holds the whole export in memory."""
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    for row in rows:
        writer.writerow(row)
        if buffer.tell() > chunk_size:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_download(rows: Iterable[Sequence], filename: str):
    """A Flask response that downloads ``rows`` as the CSV file ``filename``."""
    from flask import Response

    return Response(to_csv(rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})

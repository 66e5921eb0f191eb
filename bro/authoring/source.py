"""An uploaded file's lines with the errors that point at each, for showing errors in place."""
from __future__ import annotations

from dataclasses import dataclass, field

from bro.curricula import CurriculumError


@dataclass
class SourceLine:
    number: int
    text: str
    errors: list[CurriculumError] = field(default_factory=list)


@dataclass
class AnnotatedSource:
    lines: list[SourceLine]
    file_errors: list[CurriculumError]  # about the whole file (no line)

    @property
    def lines_with_errors(self) -> int:
        return sum(1 for line in self.lines if line.errors)


def annotate_source(text: str | None, errors: list[CurriculumError]) -> AnnotatedSource:
    """Split ``text`` into numbered lines and attach each error to its line (in column order)."""
    lines = [SourceLine(number, line) for number, line in enumerate((text or "").splitlines(), start=1)]
    file_errors = []
    for error in sorted(errors, key=lambda e: (e.line, e.column, e.path)):
        if error.line <= 0 or not lines:
            file_errors.append(error)
        else:
            # An error just past the end (unexpected end of file) belongs to the last line.
            lines[min(error.line, len(lines)) - 1].errors.append(error)
    return AnnotatedSource(lines, file_errors)


@dataclass(frozen=True)
class SkippedLines:
    """Lines left out of an excerpt, between ``first`` and ``last`` (inclusive)."""

    first: int
    last: int

    @property
    def count(self) -> int:
        return self.last - self.first + 1


def excerpt(source: AnnotatedSource, context: int = 3) -> list[SourceLine | SkippedLines]:
    """The lines with errors and ``context`` lines around each; runs of other lines become SkippedLines."""
    wanted = set()
    for line in source.lines:
        if line.errors:
            wanted.update(range(line.number - context, line.number + context + 1))
    shown: list[SourceLine | SkippedLines] = []
    skipped_from = None
    for line in source.lines:
        if line.number in wanted:
            if skipped_from is not None:
                shown.append(SkippedLines(skipped_from, line.number - 1))
                skipped_from = None
            shown.append(line)
        elif skipped_from is None:
            skipped_from = line.number
    if skipped_from is not None and shown:
        shown.append(SkippedLines(skipped_from, source.lines[-1].number))
    return shown

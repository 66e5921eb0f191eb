"""Errors reported when checking curriculum files."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True, order=True)
class CurriculumError:
    """One problem in a curriculum file, pointing at the offending value.

    ``line`` and ``column`` are 1-based; 0 means the problem concerns the whole
    file (for example, it could not be read). ``path`` is the field path inside
    the document, such as ``steps[2].weight``; empty for file-level problems.
    """

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        location = self.file if self.line <= 0 else f"{self.file}:{self.line}:{self.column}"
        if self.path:
            return f"{location}: {self.path}: {self.message}"
        return f"{location}: {self.message}"


class CurriculumCheckError(Exception):
    """Raised by callers who prefer an exception to a list of errors."""

    def __init__(self, errors: Iterable[CurriculumError]) -> None:
        self.errors: list[CurriculumError] = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))

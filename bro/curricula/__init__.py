"""Curricula as YAML: safe loading, validation with positions, schema, diffs.

Pure Python: nothing here imports Flask or the database. The import layer
stores ``document.to_dict()`` and versions it by ``document.content_hash``.

    result = check_paths(["curricula"], known_standards={"brm-service": ["greet", ...]})
    if not result.ok:
        for error in result.errors:
            print(error)          # curricula/brm.yaml:14:7: steps[2].weight: must be greater than 0
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence, Union

from .diff import Change, diff_courses, diff_standards
from .errors import CurriculumCheckError, CurriculumError
from .messages import Message, msg
from .loader import (
    MAX_DOCUMENTS_PER_FILE, MAX_FILE_BYTES, LoadedDocument, LoadResult, load_yaml_bytes, load_yaml_text,
    too_large_error,
)
from .model import (
    Certification, Course, Document, LocalizedText, Lesson, Module, Option, Question, Quiz, Standard, Step,
    TextInLanguage, document_from_dict,
)
from .questions import QUESTION_TYPES, NumberReading, credit, is_correct, read_number
from .schema import json_schema
from .validate import declared_steps, validate_document

__all__ = [
    "Certification", "Change", "CheckResult", "Course", "CurriculumCheckError", "CurriculumError", "Document", "Lesson",
    "LocalizedText", "MAX_DOCUMENTS_PER_FILE", "MAX_ERRORS", "MAX_FILE_BYTES", "Module", "Option", "QUESTION_TYPES", "Question", "Quiz", "Standard", "Step",
    "TextInLanguage", "check_paths", "check_text", "diff_courses", "diff_standards", "document_from_dict",
    "NumberReading", "credit", "find_curriculum_files", "is_correct", "json_schema", "read_number",
]

YAML_SUFFIXES = (".yaml", ".yml")
MAX_ERRORS = 100
"""Errors kept in a CheckResult; the rest are only counted (``more_errors``), so a broken file of many
documents answers with a readable list instead of megabytes of repeats."""

PathLike = Union[str, "os.PathLike[str]"]
Progress = Callable[[str, int, int], None]
"""Called before each file is checked with (file name, 1-based number, total)."""


@dataclass
class CheckResult:
    """Checked documents (those without errors), all errors, and the files read."""

    documents: list[Document] = field(default_factory=list)
    errors: list[CurriculumError] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    origins: dict[tuple[str, str], str] = field(default_factory=dict)
    """(kind, id) of each checked document -> the file it came from."""
    more_errors: int = 0
    """Errors found beyond those kept in ``errors`` (see MAX_ERRORS)."""

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.more_errors

    def file_of(self, document: Document) -> str:
        """The file ``document`` was read from."""
        return self.origins[(document.kind, document.id)]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def standards(self) -> list[Standard]:
        return [document for document in self.documents if isinstance(document, Standard)]

    @property
    def courses(self) -> list[Course]:
        return [document for document in self.documents if isinstance(document, Course)]

    def raise_for_errors(self) -> None:
        """Raise CurriculumCheckError if there were any errors."""
        if self.errors:
            raise CurriculumCheckError(self.errors)


@dataclass
class _Source:
    filename: str
    documents: list[LoadedDocument]


def find_curriculum_files(paths: Iterable[PathLike]) -> tuple[list[str], list[CurriculumError]]:
    """Files named directly, plus *.yaml/*.yml found recursively in directories (sorted)."""
    files: list[str] = []
    errors: list[CurriculumError] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(
                str(Path(root, name)) for root, _dirs, names in os.walk(path) for name in names if name.endswith(YAML_SUFFIXES)
            )
            if not found:
                errors.append(CurriculumError(str(path), 0, 0, "", msg("no .yaml or .yml files in this folder")))
            files.extend(found)
        elif path.is_file():
            files.append(str(path))
        else:
            errors.append(CurriculumError(str(path), 0, 0, "", msg("no such file or folder")))
    unique = list(dict.fromkeys(files))
    return unique, errors


def check_paths(
    paths: Iterable[PathLike] | PathLike,
    known_standards: Mapping[str, Sequence[str]] | None = None,
    progress: Progress | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    max_documents: int = MAX_DOCUMENTS_PER_FILE,
    max_errors: int = MAX_ERRORS,
) -> CheckResult:
    """Check curriculum files and folders as one import; never raises for bad content.

    ``known_standards`` maps ids of already imported standards to their step
    ids, so courses may refer to them.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files, errors = find_curriculum_files(paths)
    sources: list[_Source] = []
    for number, filename in enumerate(files, start=1):
        if progress is not None:
            progress(filename, number, len(files))
        loaded = _read_file(filename, max_bytes, max_documents)
        errors.extend(loaded.errors)
        sources.append(_Source(filename, loaded.documents))
    return _check_sources(sources, files, errors, known_standards or {}, max_errors)


def check_text(
    text: str,
    filename: str = "<text>",
    known_standards: Mapping[str, Sequence[str]] | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    max_documents: int = MAX_DOCUMENTS_PER_FILE,
    max_errors: int = MAX_ERRORS,
) -> CheckResult:
    """Check YAML text as if it were one file named ``filename``; never raises for bad content."""
    loaded = load_yaml_text(text, filename, max_bytes, max_documents)
    return _check_sources([_Source(filename, loaded.documents)], [filename], list(loaded.errors), known_standards or {},
                          max_errors)


def _read_file(filename: str, max_bytes: int, max_documents: int) -> LoadResult:
    try:
        size = os.path.getsize(filename)
        if size > max_bytes:
            return LoadResult([], [too_large_error(filename, size, max_bytes)])
        with open(filename, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        return LoadResult([], [CurriculumError(filename, 0, 0, "", msg("cannot be read: %(reason)s", reason=error.strerror or str(error)))])
    return load_yaml_bytes(data, filename, max_bytes, max_documents)


def _check_sources(
    sources: list[_Source], files: list[str], errors: list[CurriculumError], known_standards: Mapping[str, Sequence[str]],
    max_errors: int = MAX_ERRORS,
) -> CheckResult:
    standards: dict[str, Sequence[str]] = dict(known_standards)
    for source in sources:
        for document in source.documents:
            declared = declared_steps(document.data)
            if declared is not None:
                standards[declared[0]] = declared[1]
    documents: list[Document] = []
    origins: dict[tuple[str, str], str] = {}
    first_use: dict[tuple[str, str], str] = {}
    for source in sources:
        for document in _non_empty(source):
            checked = validate_document(source.filename, document, standards, errors)
            _check_unique_document_id(source.filename, document, first_use, errors)
            if checked is not None:
                documents.append(checked)
                origins.setdefault((checked.kind, checked.id), source.filename)
    errors = _in_reading_order(errors, files)
    kept = errors[:max(max_errors, 1)]
    return CheckResult(documents=documents, errors=kept, files=files, origins=origins,
                       more_errors=len(errors) - len(kept))


def _in_reading_order(errors: list[CurriculumError], files: list[str]) -> list[CurriculumError]:
    """Errors grouped by file (in checking order), then by line and column."""
    file_order = {name: number for number, name in enumerate(files)}
    return sorted(errors, key=lambda error: (file_order.get(error.file, -1), error.line, error.column))


def _non_empty(source: _Source) -> list[LoadedDocument]:
    """Documents other than empty ones (a stray trailing '---')."""
    documents = [document for document in source.documents if document.data is not None]
    return documents if documents or not source.documents else source.documents[:1]


def _check_unique_document_id(
    filename: str, document: LoadedDocument, first_use: dict[tuple[str, str], str], errors: list[CurriculumError]
) -> None:
    data = document.data
    if not isinstance(data, dict) or data.get("kind") not in ("standard", "course") or not isinstance(data.get("id"), str):
        return
    key = (data["kind"], data["id"])
    line, column = document.value_positions.get("id", document.position)
    here = f"{filename}:{line}:{column}"
    if key in first_use:
        errors.append(
            CurriculumError(filename, line, column, "id", already_used(data['kind'], data['id'], first_use[key]))
        )
    else:
        first_use[key] = here


def already_used(kind: str, document_id: str, where: str) -> Message:
    """The error for a document id used twice in one import (a whole sentence per kind)."""
    if kind == "course":
        return msg("course id '%(id)s' is already used at %(where)s; ids must be unique in one import",
                   id=document_id, where=where)
    return msg("standard id '%(id)s' is already used at %(where)s; ids must be unique in one import",
               id=document_id, where=where)

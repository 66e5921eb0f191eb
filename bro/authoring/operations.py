"""Import checked curricula into the database as content-versioned standards and courses.

Operations flush, callers commit. `import_documents` writes nothing unless every
document can be imported: it resolves everything first, then writes inside a
SAVEPOINT that is rolled back on any error, so a failed import leaves the
caller's transaction as it was.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Mapping

from sqlalchemy import insert, select

from bro.curricula import (
    MAX_DOCUMENTS_PER_FILE, MAX_ERRORS, CheckResult, Course, CurriculumCheckError, CurriculumError, Document, Standard,
    check_text,
)
from bro.curricula.loader import load_yaml_bytes
from bro.curricula.model import written_decimal
from bro.curricula.messages import msg, msg_plural
from bro.extensions import db
from bro.models import curricula as models
from bro.models.people import User

CREATED = "created"
NEW_VERSION = "new_version"
UNCHANGED = "unchanged"
SKIPPED_OLDER = "skipped_older"  # the content of an older version: never silently made current again

SOURCE_FILE_LENGTH = 500


@dataclass(frozen=True)
class ImportedDocument:
    """What importing one document did. ``version`` is the version in force afterwards."""

    kind: str  # "standard" or "course"
    key: str
    outcome: str  # CREATED, NEW_VERSION, UNCHANGED or SKIPPED_OLDER
    number: int
    version: models.StandardVersion | models.CourseVersion
    same_as: int | None = None  # SKIPPED_OLDER: the older version with this content; NEW_VERSION: one it copies

    def __str__(self) -> str:
        if self.outcome == CREATED:
            what = f"created (version {self.number})"
        elif self.outcome == NEW_VERSION:
            what = f"new version {self.number}" + (f" (the content of version {self.same_as})" if self.same_as else "")
        elif self.outcome == SKIPPED_OLDER:
            what = (f"same content as version {self.same_as}, older than the version in force "
                    f"(v{self.number}, {provenance(self.version)}): not imported; use --force to make it current")
        else:
            what = f"unchanged (version {self.number})"
        return f"{self.kind} {self.key}: {what}"


def provenance(version: models.StandardVersion | models.CourseVersion) -> str:
    """How a version came in, for messages: "uploaded in the browser by Grace Miller on 2 Dec 2026"."""
    day = f"{version.imported_at.day} {version.imported_at:%b %Y}" if version.imported_at else "an unknown day"
    if version.restored_from is not None and version.imported_by is not None:
        return f"version {version.restored_from} made current in the browser by {version.imported_by.name} on {day}"
    if version.imported_by is not None:
        return f"uploaded in the browser by {version.imported_by.name} on {day}"
    if version.source_file:
        return f"imported from {version.source_file} on {day}"
    return f"imported on {day}"


@dataclass
class ImportReport:
    documents: list[ImportedDocument] = field(default_factory=list)

    def _count(self, outcome: str) -> int:
        return sum(1 for document in self.documents if document.outcome == outcome)

    @property
    def created(self) -> int:
        return self._count(CREATED)

    @property
    def new_versions(self) -> int:
        return self._count(NEW_VERSION)

    @property
    def unchanged(self) -> int:
        return self._count(UNCHANGED)

    @property
    def skipped(self) -> list[ImportedDocument]:
        return [document for document in self.documents if document.outcome == SKIPPED_OLDER]

    @property
    def changed_anything(self) -> bool:
        return self.created + self.new_versions > 0

    def version_of(self, kind: str, key: str) -> models.StandardVersion | models.CourseVersion | None:
        """The version in force of the document ``kind``/``key`` after the import."""
        return next((d.version for d in self.documents if d.kind == kind and d.key == key), None)

    def summary(self) -> str:
        documents, new = len(self.documents), self.new_versions
        return (f"{documents} document{'' if documents == 1 else 's'}: {self.created} created, "
                f"{new} new version{'' if new == 1 else 's'}, {self.unchanged} unchanged"
                + (f", {len(self.skipped)} older than the version in force (not imported)" if self.skipped else ""))


def known_standards() -> dict[str, list[str]]:
    """Key of every imported standard -> step keys of its version in force (for ``check_paths``)."""
    rows = db.session.execute(
        select(models.Standard.key, models.StandardStep.key)
        .join(models.StandardStep, models.StandardStep.standard_version_id == models.Standard.current_version_id)
        .order_by(models.Standard.key, models.StandardStep.position)
    ).all()
    standards: dict[str, list[str]] = {}
    for standard_key, step_key in rows:
        standards.setdefault(standard_key, []).append(step_key)
    return standards


def check_limits() -> dict[str, int]:
    """The checker's caps from the settings: documents per file and errors kept in a result."""
    from flask import current_app

    return {"max_documents": current_app.config.get("BRO_CURRICULUM_MAX_DOCUMENTS", MAX_DOCUMENTS_PER_FILE),
            "max_errors": current_app.config.get("BRO_CURRICULUM_MAX_ERRORS", MAX_ERRORS)}


def check_upload(data: bytes, filename: str) -> tuple[CheckResult, str | None]:
    """Check uploaded bytes as one file against the standards already imported.

    Returns the result and the decoded text (None when the bytes are not UTF-8 text).
    """
    limits = check_limits()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        loaded = load_yaml_bytes(data, filename, max_documents=limits["max_documents"])
        return CheckResult(errors=list(loaded.errors), files=[filename]), None
    return check_text(text, filename, known_standards=known_standards(), **limits), text


def document_sources(result: CheckResult, relative_to: str | None = None) -> dict[tuple[str, str], str]:
    """(kind, id) -> the file that declares it, for recording where each version came from: the checker's
    ``CheckResult.origins``, with names relative to the folder ``relative_to`` when given."""
    if not relative_to:
        return dict(result.origins)
    return {key: os.path.relpath(filename, relative_to) for key, filename in result.origins.items()}


def document_texts(result: CheckResult) -> dict[tuple[str, str], str]:
    """(kind, id) -> the exact text of the file each checked document was read from (kept for "Download YAML")."""
    texts: dict[str, str | None] = {}
    found = {}
    for key, filename in result.origins.items():
        if filename not in texts:
            try:
                with open(filename, "rb") as handle:
                    texts[filename] = handle.read().decode("utf-8-sig")
            except (OSError, UnicodeDecodeError):
                texts[filename] = None
        if texts[filename] is not None:
            found[key] = texts[filename]
    return found


def import_documents(
    result: CheckResult,
    imported_by: User | None = None,
    sources: Mapping[tuple[str, str], str] | str | None = None,
    texts: Mapping[tuple[str, str], str] | str | None = None,
    force: bool = False,
    restored_from: int | None = None,
) -> ImportReport:
    """Import every document of a clean check, standards first, all or nothing.

    Unchanged content (the content hash of the newest version) changes nothing;
    changed content adds version number + 1 and puts it in force; older versions
    stay. Content equal to an *older* version is skipped (SKIPPED_OLDER): an import
    never silently goes back; with ``force`` it becomes a new version (history is
    never rewritten). ``sources`` names the file of each document ((kind, id) -> file),
    or one file for all; ``texts`` likewise gives the file's exact text. Raises
    CurriculumCheckError, writing nothing, if the check had errors or a course names
    a standard or steps that do not exist.
    """
    result.raise_for_errors()
    _check_course_references(result, sources)
    report = ImportReport()
    with db.session.begin_nested():
        for standard in result.standards:
            report.documents.append(_import_standard(standard, imported_by, _source(sources, standard),
                                                     _text(texts, standard), force, restored_from))
        report.documents.extend(_import_courses(result.courses, imported_by, sources, texts, force, restored_from))
    return report


def _text(texts: Mapping[tuple[str, str], str] | str | None, document: Document) -> str | None:
    if texts is None or isinstance(texts, str):
        return texts
    return texts.get((document.kind, document.id))


def _older_with_content(version_model, owner_column, owner_id: int, content_hash: str, below: int):
    return db.session.execute(
        select(version_model).where(owner_column == owner_id, version_model.content_hash == content_hash,
                                    version_model.number < below)
        .order_by(version_model.number.desc()).limit(1)
    ).scalar_one_or_none()


def _source(sources: Mapping[tuple[str, str], str] | str | None, document: Document) -> str | None:
    if sources is None:
        return None
    name = sources if isinstance(sources, str) else sources.get((document.kind, document.id))
    return None if name is None else name[-SOURCE_FILE_LENGTH:]


def _check_course_references(result: CheckResult, sources: Mapping[tuple[str, str], str] | str | None) -> None:
    """A result checked against stale `known_standards` must not import a course whose steps are gone."""
    steps = known_standards()
    steps.update({standard.id: standard.step_ids for standard in result.standards})
    errors = []
    for course in result.courses:
        if course.standard is None:
            continue
        filename = _source(sources, course) or "<import>"
        if course.standard not in steps:
            errors.append(CurriculumError(filename, 0, 0, "standard",
                                          msg("standard '%(standard)s' is neither in this import nor imported before",
                                              standard=course.standard)))
            continue
        for index, module in enumerate(course.modules):
            missing = [key for key in module.teaches if key not in steps[course.standard]]
            if missing:
                errors.append(CurriculumError(
                    filename, 0, 0, f"modules[{index}].teaches",
                    msg_plural("standard '%(standard)s' has no step %(steps)s", "standard '%(standard)s' has no steps %(steps)s",
                               len(missing), standard=course.standard, steps=", ".join(repr(key) for key in missing))))
    if errors:
        raise CurriculumCheckError(errors)


def _newest(version_model, owner_column, owner_id: int):
    return db.session.execute(
        select(version_model).where(owner_column == owner_id).order_by(version_model.number.desc()).limit(1)
    ).scalar_one_or_none()


@dataclass(frozen=True)
class _Placement:
    """Where an imported document goes among its versions: ``done`` when nothing is to be added (the content
    is the newest version's, or an older one's without --force); else the new version's number."""

    kind: str
    key: str
    newest: object | None
    number: int
    restored_from: int | None
    done: ImportedDocument | None = None

    def imported(self, version) -> ImportedDocument:
        return ImportedDocument(self.kind, self.key, CREATED if self.newest is None else NEW_VERSION, version.number,
                                version, version.restored_from)


def _place(document: Document, version_model, owner_column, owner_id: int, force: bool,
           restored_from: int | None) -> _Placement:
    newest = _newest(version_model, owner_column, owner_id)
    if newest is None:
        return _Placement(document.kind, document.id, None, 1, restored_from)
    if newest.content_hash == document.content_hash:
        return _Placement(document.kind, document.id, newest, newest.number, None,
                          ImportedDocument(document.kind, document.id, UNCHANGED, newest.number, newest))
    older = _older_with_content(version_model, owner_column, owner_id, document.content_hash, newest.number)
    if older is not None and not force:
        return _Placement(document.kind, document.id, newest, newest.number, None,
                          ImportedDocument(document.kind, document.id, SKIPPED_OLDER, newest.number, newest,
                                           older.number))
    restored = restored_from if restored_from is not None else (older.number if older is not None else None)
    return _Placement(document.kind, document.id, newest, newest.number + 1, restored)


def _version_fields(document: Document, place: _Placement, source_file: str | None, source_text: str | None,
                    imported_by: User | None) -> dict:
    """The columns a standard version and a course version share."""
    data, content_hash = document.stored_form()
    return {"number": place.number, "restored_from": place.restored_from, "content_hash": content_hash,
            "language": document.language, "title": document.title.to_dict(), "document": data,
            "source_file": source_file, "source_text": source_text,
            "imported_by_id": imported_by.id if imported_by is not None else None}


def _import_standard(document: Standard, imported_by: User | None, source_file: str | None,
                     source_text: str | None = None, force: bool = False,
                     restored_from: int | None = None) -> ImportedDocument:
    standard = db.session.execute(
        select(models.Standard).where(models.Standard.key == document.id)).scalar_one_or_none()
    if standard is None:
        standard = models.Standard(key=document.id, relationship_kind=document.relationship)
        db.session.add(standard)
        db.session.flush()
    place = _place(document, models.StandardVersion, models.StandardVersion.standard_id, standard.id, force,
                   restored_from)
    if place.done is not None:
        return place.done
    version = models.StandardVersion(
        **_version_fields(document, place, source_file, source_text, imported_by),
        standard_id=standard.id,
        relationship_kind=document.relationship,
        pass_score=written_decimal(document.pass_score),
        steps=[
            models.StandardStep(
                key=step.id, position=position, title=step.title.to_dict(),
                guidance=None if step.guidance is None else step.guidance.to_dict(),
                weight=written_decimal(step.weight), critical=step.critical,
            )
            for position, step in enumerate(document.steps, start=1)
        ],
    )
    db.session.add(version)
    db.session.flush()
    standard.current_version = version
    standard.relationship_kind = document.relationship
    db.session.flush()
    return place.imported(version)


def _import_courses(documents: list[Course], imported_by: User | None,
                    sources: Mapping[tuple[str, str], str] | str | None,
                    texts: Mapping[tuple[str, str], str] | str | None, force: bool,
                    restored_from: int | None) -> list[ImportedDocument]:
    """Import courses (ids unique, as the check ensures), in a few statements for all of them rather than a few
    per course: the courses and standards they name are read at once, new courses and their versions written
    in one flush each, and modules and the steps they teach as one Core insert each (no ORM objects)."""
    if not documents:
        return []
    courses = {course.key: course for course in db.session.execute(
        select(models.Course).where(models.Course.key.in_([document.id for document in documents]))).scalars()}
    new_keys = {document.id for document in documents if document.id not in courses}
    for key in new_keys:
        courses[key] = models.Course(key=key)
        db.session.add(courses[key])
    db.session.flush()
    named = {document.standard for document in documents if document.standard is not None}
    standards = {standard.key: standard for standard in db.session.execute(
        select(models.Standard).where(models.Standard.key.in_(named))).scalars()} if named else {}

    outcomes: list[ImportedDocument | None] = []
    added: list[tuple[Course, models.Course, _Placement, models.CourseVersion]] = []
    for document in documents:
        course = courses[document.id]
        place = _Placement(document.kind, document.id, None, 1, restored_from) if document.id in new_keys else \
            _place(document, models.CourseVersion, models.CourseVersion.course_id, course.id, force, restored_from)
        if place.done is not None:
            outcomes.append(place.done)
            continue
        standard = standards[document.standard] if document.standard is not None else None
        version = models.CourseVersion(
            **_version_fields(document, place, _source(sources, document), _text(texts, document), imported_by),
            course_id=course.id,
            summary=None if document.summary is None else document.summary.to_dict(),
            standard_id=None if standard is None else standard.id,
            standard_version_id=None if standard is None else standard.current_version_id,
            certification_title=None if document.certification is None else document.certification.title.to_dict(),
            certification_valid_days=None if document.certification is None else document.certification.valid_days,
        )
        db.session.add(version)
        added.append((document, course, place, version))
        outcomes.append(None)
    if not added:
        return outcomes
    db.session.flush()

    modules, teaches = [], []
    for document, course, _, version in added:
        standard = standards[document.standard] if document.standard is not None else None
        # The modules' dicts of the version's document (made once, by _version_fields): the same values.
        for position, (module, data) in enumerate(zip(document.modules, version.document["modules"]), start=1):
            modules.append({"course_version_id": version.id, "course_id": course.id, "key": module.id,
                            "position": position, "title": data["title"], "required": module.required,
                            "lessons": data["lessons"], "quiz": data["quiz"]})
            teaches.append([] if standard is None else
                           [{"step_key": key, "standard_id": standard.id} for key in module.teaches])
    if modules:
        module_ids = db.session.execute(
            insert(models.CourseModule.__table__).returning(models.CourseModule.id, sort_by_parameter_order=True),
            modules).scalars().all()
        steps = [dict(step, module_id=module_id) for module_id, module_steps in zip(module_ids, teaches)
                 for step in module_steps]
        if steps:
            db.session.execute(insert(models.ModuleStep.__table__), steps)
    for document, course, place, version in added:
        course.current_version = version
    db.session.flush()
    found = iter(place.imported(version) for _, _, place, version in added)
    return [outcome if outcome is not None else next(found) for outcome in outcomes]


# --- versions made current again, downloads, retiring ------------------------------------------------------


def make_current(version: models.StandardVersion | models.CourseVersion, by: User) -> ImportedDocument:
    """A NEW version with the content (and source text) of an older `version`, put in force. History stays.
    Raises CurriculumCheckError when a course teaches steps its standard no longer has."""
    from bro.curricula import document_from_dict

    document = document_from_dict(version.document)
    result = CheckResult(documents=[document], files=[version.source_file or "<version>"])
    report = import_documents(result, imported_by=by, sources=version.source_file, texts=version.source_text,
                              force=True, restored_from=version.number)
    return report.documents[0]


def version_yaml(version: models.StandardVersion | models.CourseVersion) -> tuple[str, bool]:
    """(YAML text, exact): the exact file imported, or (for versions imported before bro kept it) the
    checked document written out again."""
    if version.source_text is not None:
        return version.source_text, True
    import yaml

    def pruned(value):
        if isinstance(value, dict):
            return {k: pruned(v) for k, v in value.items() if v not in (None, [], {}, ())}
        if isinstance(value, list):
            return [pruned(v) for v in value]
        return value

    header = "# Written out again from the checked content: this version was imported before bro kept the file.\n"
    return header + yaml.safe_dump(pruned(version.document), allow_unicode=True, sort_keys=False, width=100), False


def set_retired(owner: models.Standard | models.Course, retired: bool, by: User) -> None:
    """Retire (hide from new audits or assignments, history kept) or restore a standard or course."""
    from bro import clock

    owner.retired_at = clock.utcnow() if retired else None
    owner.retired_by_id = by.id if retired else None
    db.session.flush()


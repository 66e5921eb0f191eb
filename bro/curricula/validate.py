"""Every rule of CURRICULUM_FORMAT.md, applied to one loaded document.

``validate_document`` reports all problems it finds (not just the first) and
returns a Standard or Course only when the document has none.
"""
from __future__ import annotations

from dataclasses import fields as dataclass_fields
from typing import Any, Callable, Mapping, Sequence, TypeVar

from .errors import CurriculumError
from .fields import FieldReader, describe, did_you_mean
from .loader import LoadedDocument, index_path, join_path
from .messages import msg
from .model import Certification, Course, Document, Lesson, Module, Question, Quiz, Standard, Step, duration_seconds
from .questions import QUESTION_TYPES

KINDS = ("standard", "course")
RELATIONSHIPS = ("b2c", "b2b", "any")
RETRAINING_CHOICES = ("by_knowledge", "always")

STANDARD_FIELDS = ("kind", "id", "language", "title", "relationship", "pass_score", "steps", "retraining")
STANDARD_REQUIRED = ("kind", "id", "title", "relationship", "pass_score", "steps")
STEP_FIELDS = ("id", "title", "guidance", "weight", "critical")
STEP_REQUIRED = ("id", "title")
COURSE_FIELDS = ("kind", "id", "language", "title", "summary", "standard", "modules", "certification")
COURSE_REQUIRED = ("kind", "id", "title", "modules")
MODULE_FIELDS = ("id", "title", "teaches", "required", "lessons", "quiz")
MODULE_REQUIRED = ("id", "title", "lessons")
LESSON_FIELDS = ("id", "title", "body")
QUIZ_FIELDS = ("pass_mark", "max_attempts", "shuffle", "retry_after", "restudy", "questions")
MAX_RETRY_AFTER_SECONDS = 365 * 86400
QUIZ_REQUIRED = ("pass_mark", "questions")
QUESTION_FIELDS = ("id", "type", "points", "prompt", "explanation", "lesson")
QUESTION_DATACLASS_FIELDS = frozenset(field.name for field in dataclass_fields(Question))
QUESTION_REQUIRED = ("id", "type", "prompt")
CERTIFICATION_FIELDS = ("title", "valid_days")

StepsByStandard = Mapping[str, Sequence[str]]
T = TypeVar("T")


def document_kind(data: Any) -> str | None:
    """The document's ``kind`` if it is one we know."""
    if isinstance(data, dict) and data.get("kind") in KINDS:
        return data["kind"]
    return None


def declared_steps(data: Any) -> tuple[str, list[str]] | None:
    """(standard id, step ids) read leniently from a raw standard document.

    Courses in the same import are checked against these even when the
    standard itself has errors, so one mistake does not hide others.
    """
    if document_kind(data) != "standard" or not isinstance(data.get("id"), str):
        return None
    steps = data.get("steps")
    step_ids = [step["id"] for step in steps if isinstance(step, dict) and isinstance(step.get("id"), str)] if isinstance(steps, list) else []
    return data["id"], step_ids


def validate_document(filename: str, document: LoadedDocument, standards: StepsByStandard, errors: list[CurriculumError]) -> Document | None:
    """Check one document, appending its errors; the model if it has none."""
    reader = FieldReader(filename, document, errors)
    data = document.data
    if not isinstance(data, dict):
        reader.error("", msg("a document must be a mapping of fields starting with 'kind: standard' or 'kind: course', "
                             "not %(kind)s", kind=describe(data)))
        return None
    if "kind" not in data:
        reader.error("kind", msg("required field is missing; use 'kind: standard' or 'kind: course'"))
        return None
    kind = data["kind"]
    if kind not in KINDS:
        hint = did_you_mean(kind, KINDS) if isinstance(kind, str) else None
        if hint:
            reader.error("kind", msg("unknown kind '%(kind)s'; did you mean '%(hint)s'?", kind=kind, hint=hint))
        elif isinstance(kind, str):
            reader.error("kind", msg("unknown kind '%(kind)s'; use 'standard' or 'course'", kind=kind))
        else:
            reader.error("kind", msg("unknown kind %(kind)s; use 'standard' or 'course'", kind=describe(kind)))
        return None
    before = reader.error_count
    result: Document | None
    if kind == "standard":
        result = _read_standard(reader, data)
    else:
        result = _read_course(reader, data, standards)
    return result if reader.error_count == before else None


def _read_language(reader: FieldReader, data: Mapping[str, Any]) -> str:
    if "language" in data:
        language = reader.read_language(data["language"], "language")
        if language is not None:
            reader.language = language
    return reader.language


def _complete(values: Mapping[str, Any], data: Mapping[str, Any], required: Sequence[str]) -> bool:
    """Whether every field given was read and none required is missing (their errors are reported)."""
    return None not in values.values() and all(key in data for key in required)


def _choice(reader: FieldReader, choices: Sequence[str]) -> Callable[[Any, str], str | None]:
    return lambda value, path: reader.read_choice(value, path, choices)


def _read_items(reader: FieldReader, data: Mapping[str, Any], path: str, key: str, what: str, scope: str,
                read: Callable[[FieldReader, Any, str], T | None]) -> tuple[T, ...] | None:
    """The list field ``key`` (at least one item, unique ids), each item ``read``; None if it is missing, unusable,
    or an item is."""
    if key not in data:
        return None
    items_path = join_path(path, key)
    items = reader.read_list(data[key], items_path, minimum=1, what=what)
    if items is None:
        return None
    reader.read_unique_ids(items, items_path, what, scope)
    read_items = [read(reader, item, index_path(items_path, index)) for index, item in enumerate(items)]
    return tuple(read_items) if read_items and None not in read_items else None


# --- standard -----------------------------------------------------------------


def _read_standard(reader: FieldReader, data: Mapping[str, Any]) -> Standard | None:
    reader.check_fields(data, "", STANDARD_FIELDS, STANDARD_REQUIRED, "standard")
    language = _read_language(reader, data)
    values = reader.read_fields(data, "", {
        "id": reader.read_id, "title": reader.read_text, "relationship": _choice(reader, RELATIONSHIPS),
        "pass_score": reader.read_percent, "retraining": _choice(reader, RETRAINING_CHOICES),
    })
    steps = _read_items(reader, data, "", "steps", "step", "in this standard", _read_step)
    if not _complete(values, data, STANDARD_REQUIRED) or steps is None:
        return None
    return Standard(language=language, steps=steps, **values)


def _read_step(reader: FieldReader, item: Any, path: str) -> Step | None:
    data = reader.read_record(item, path, STEP_FIELDS, STEP_REQUIRED, "step")
    if data is None:
        return None
    values = reader.read_fields(data, path, {"id": reader.read_id, "title": reader.read_text, "guidance": reader.read_text,
                                             "weight": reader.read_weight, "critical": reader.read_bool})
    return Step(**values) if _complete(values, data, STEP_REQUIRED) else None


# --- course -------------------------------------------------------------------


def _read_course(reader: FieldReader, data: Mapping[str, Any], standards: StepsByStandard) -> Course | None:
    reader.check_fields(data, "", COURSE_FIELDS, COURSE_REQUIRED, "course")
    language = _read_language(reader, data)
    values = reader.read_fields(data, "", {"id": reader.read_id, "title": reader.read_text, "summary": reader.read_text,
                                           "standard": reader.read_id})
    standard_id = values.get("standard")
    step_ids: Sequence[str] | None = None
    if standard_id is not None:
        step_ids = standards.get(standard_id)
        if step_ids is None:
            hint = did_you_mean(standard_id, standards)
            if hint:
                reader.error("standard", msg("standard '%(standard)s' is not in this import and has not been imported "
                                             "before; did you mean '%(hint)s'?", standard=standard_id, hint=hint))
            else:
                reader.error("standard", msg("standard '%(standard)s' is not in this import and has not been imported "
                                             "before; import the standard first or together with this course",
                                             standard=standard_id))
    teaching = _Teaching(standard_id, step_ids, "standard" in data)
    modules = _read_items(reader, data, "", "modules", "module", "in this course",
                          lambda reader, item, path: _read_module(reader, item, path, teaching))
    values.update(reader.read_fields(data, "", {"certification": lambda value, path: _read_certification(reader, value, path)}))
    if not _complete(values, data, COURSE_REQUIRED) or modules is None:
        return None
    return Course(language=language, modules=modules, **values)


class _Teaching:
    """What a module's ``teaches`` may name: the steps of the course's standard."""

    def __init__(self, standard_id: str | None, step_ids: Sequence[str] | None, standard_given: bool) -> None:
        self.standard_id = standard_id
        self.step_ids = step_ids
        self.standard_given = standard_given

    def read(self, reader: FieldReader, value: Any, path: str) -> tuple[str, ...] | None:
        items = reader.read_list(value, path)
        if items is None:
            return None
        if not self.standard_given:
            reader.error(path, msg("teaches needs the course to name its standard; add 'standard: <standard id>' to the course"))
            return None
        before = reader.error_count
        seen: set[str] = set()
        for index, item in enumerate(items):
            item_path = index_path(path, index)
            step_id = reader.read_id(item, item_path)
            if step_id is None:
                continue
            if step_id in seen:
                reader.error(item_path, msg("step '%(step)s' is listed twice", step=step_id))
            elif self.step_ids is not None and step_id not in self.step_ids:
                reader.error(
                    item_path,
                    msg("teaches names step '%(step)s', which standard '%(standard)s' does not have; its steps are: %(steps)s",
                        step=step_id, standard=self.standard_id, steps=", ".join(self.step_ids)),
                )
            seen.add(step_id)
        return tuple(items) if reader.error_count == before else None


def _read_module(reader: FieldReader, item: Any, path: str, teaching: _Teaching) -> Module | None:
    data = reader.read_record(item, path, MODULE_FIELDS, MODULE_REQUIRED, "module")
    if data is None:
        return None
    values = reader.read_fields(data, path, {
        "id": reader.read_id, "title": reader.read_text, "teaches": lambda value, p: teaching.read(reader, value, p),
        "required": reader.read_bool,
    })
    lessons = _read_items(reader, data, path, "lessons", "lesson", "in this module", _read_lesson)
    values.update(reader.read_fields(data, path, {"quiz": lambda value, p: _read_quiz(reader, value, p)}))
    quiz = values.get("quiz")
    if quiz is not None and lessons is not None:
        _check_question_lessons(reader, quiz, [lesson.id for lesson in lessons], join_path(path, "quiz"))
    if not _complete(values, data, MODULE_REQUIRED) or lessons is None:
        return None
    return Module(lessons=lessons, **values)


def _check_question_lessons(reader: FieldReader, quiz: Quiz, lesson_ids: list[str], quiz_path: str) -> None:
    """A question's `lesson` names a lesson of its own module."""
    for index, question in enumerate(quiz.questions):
        if question.lesson is not None and question.lesson not in lesson_ids:
            hint = did_you_mean(question.lesson, lesson_ids)
            if hint:
                message = msg("lesson '%(lesson)s' is not a lesson of this module; did you mean '%(hint)s'?",
                              lesson=question.lesson, hint=hint)
            else:
                message = msg("lesson '%(lesson)s' is not a lesson of this module; its lessons are: %(lessons)s",
                              lesson=question.lesson, lessons=", ".join(lesson_ids))
            reader.error(join_path(index_path(join_path(quiz_path, "questions"), index), "lesson"), message)


def _read_lesson(reader: FieldReader, item: Any, path: str) -> Lesson | None:
    data = reader.read_record(item, path, LESSON_FIELDS, LESSON_FIELDS, "lesson")
    if data is None:
        return None
    values = reader.read_fields(data, path, {"id": reader.read_id, "title": reader.read_text, "body": reader.read_text})
    return Lesson(**values) if _complete(values, data, LESSON_FIELDS) else None


def _read_quiz(reader: FieldReader, value: Any, path: str) -> Quiz | None:
    data = reader.read_record(value, path, QUIZ_FIELDS, QUIZ_REQUIRED, "quiz")
    if data is None:
        return None
    values = reader.read_fields(data, path, {
        "pass_mark": reader.read_percent, "max_attempts": reader.read_positive_int, "shuffle": reader.read_bool,
        "retry_after": lambda value, p: _read_duration(reader, value, p), "restudy": reader.read_bool,
    })
    questions = _read_items(reader, data, path, "questions", "question", "in this quiz", _read_question)
    if not _complete(values, data, QUIZ_REQUIRED) or questions is None:
        return None
    return Quiz(questions=questions, **values)


def _read_duration(reader: FieldReader, value: Any, path: str) -> str | None:
    """A wait such as 30m, 2h, 1d or 1d12h (minutes, hours, days), at most a year."""
    text = value.strip() if isinstance(value, str) else None
    seconds = duration_seconds(text) if text is not None else None
    if seconds is None:
        if isinstance(value, str):
            reader.error(path, msg("'%(value)s' is not a duration; write a number and a unit: 30m (minutes), 2h (hours), "
                                   "1d (days), or 1d12h", value=value))
        else:
            reader.error(path, msg("%(kind)s is not a duration; write a number and a unit: 30m (minutes), 2h (hours), "
                                   "1d (days), or 1d12h", kind=describe(value)))
        return None
    if seconds <= 0:
        reader.error(path, msg("must be longer than 0; leave retry_after out for no wait"))
        return None
    if seconds > MAX_RETRY_AFTER_SECONDS:
        reader.error(path, msg("must be at most 365d"))
        return None
    return text


def _read_question(reader: FieldReader, item: Any, path: str) -> Question | None:
    data = reader.read_mapping(item, path, "id, type, prompt, ...")
    if data is None:
        return None
    before = reader.error_count
    type_name = reader.read_fields(data, path, {"type": _choice(reader, tuple(QUESTION_TYPES))}).get("type")
    question_type = QUESTION_TYPES.get(type_name) if type_name else None
    if question_type is None:
        # Without a known type, accept any type's fields rather than guess.
        allowed = QUESTION_FIELDS + tuple(name for kind in QUESTION_TYPES.values() for name in kind.fields)
        reader.check_fields(data, path, allowed, QUESTION_REQUIRED, "question")
    else:
        other_fields = {name for kind in QUESTION_TYPES.values() for name in kind.fields} - set(question_type.fields)
        for key in data:
            if key in other_fields:
                at = reader.document.key_positions.get(join_path(path, key))
                reader.error(join_path(path, key), msg("field '%(field)s' does not apply to %(type)s questions; remove it",
                                                       field=key, type=question_type.name), at)
        own = {key: value for key, value in data.items() if key not in other_fields}
        reader.check_fields(own, path, QUESTION_FIELDS + question_type.fields, QUESTION_REQUIRED + question_type.required, "question")
    values = reader.read_fields(data, path, {"id": reader.read_id, "points": reader.read_weight, "prompt": reader.read_text,
                                             "explanation": reader.read_text, "lesson": reader.read_id})
    answers = question_type.validate(reader, data, path) if question_type is not None else {}
    if reader.error_count > before or question_type is None or not _complete(values, data, QUESTION_REQUIRED):
        return None
    # The type's own fields that are not shared fields of Question go to `extra` (plain JSON values).
    shared = {name: value for name, value in answers.items() if name in QUESTION_DATACLASS_FIELDS}
    extra = tuple(sorted((name, value) for name, value in answers.items() if name not in QUESTION_DATACLASS_FIELDS))
    return Question(type=question_type.name, extra=extra, **values, **shared)


def _read_certification(reader: FieldReader, value: Any, path: str) -> Certification | None:
    data = reader.read_record(value, path, CERTIFICATION_FIELDS, ("title",), "certification")
    if data is None:
        return None
    values = reader.read_fields(data, path, {"title": reader.read_text, "valid_days": reader.read_valid_days})
    return Certification(**values) if _complete(values, data, ("title",)) else None

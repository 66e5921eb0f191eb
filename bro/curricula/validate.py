"""Every rule of CURRICULUM_FORMAT.md, applied to one loaded document.

``validate_document`` reports all problems it finds (not just the first) and
returns a Standard or Course only when the document has none.
"""
from __future__ import annotations

from dataclasses import fields as dataclass_fields
from typing import Any, Mapping, Sequence

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


def _optional(data: Mapping[str, Any], path: str, key: str, read: Any, default: Any = None) -> Any:
    """``read`` the field ``key`` if present, else ``default``."""
    return read(data[key], join_path(path, key)) if key in data else default


def _items(reader: FieldReader, data: Mapping[str, Any], path: str, key: str, what: str, scope: str) -> list[Any]:
    """The list field ``key`` (at least one item, unique ids) or [] if unusable."""
    if key not in data:
        return []
    items_path = join_path(path, key)
    items = reader.read_list(data[key], items_path, minimum=1, what=what)
    if items is None:
        return []
    reader.read_unique_ids(items, items_path, what, scope)
    return items


# --- standard -----------------------------------------------------------------


def _read_standard(reader: FieldReader, data: Mapping[str, Any]) -> Standard | None:
    reader.check_fields(data, "", STANDARD_FIELDS, STANDARD_REQUIRED, "standard")
    language = _read_language(reader, data)
    standard_id = _optional(data, "", "id", reader.read_id)
    title = _optional(data, "", "title", reader.read_text)
    relationship = _optional(data, "", "relationship", lambda value, path: reader.read_choice(value, path, RELATIONSHIPS))
    pass_score = _optional(data, "", "pass_score", reader.read_percent)
    retraining = _optional(data, "", "retraining",
                           lambda value, path: reader.read_choice(value, path, RETRAINING_CHOICES)) \
        if "retraining" in data else "by_knowledge"
    steps = [_read_step(reader, item, index_path("steps", index)) for index, item in enumerate(_items(reader, data, "", "steps", "step", "in this standard"))]
    if None in (standard_id, title, relationship, pass_score, retraining) or not steps or None in steps:
        return None
    return Standard(id=standard_id, language=language, title=title, relationship=relationship, pass_score=pass_score,
                    steps=tuple(steps), retraining=retraining)


def _read_step(reader: FieldReader, item: Any, path: str) -> Step | None:
    data = reader.read_mapping(item, path, "id, title, guidance, weight, critical")
    if data is None:
        return None
    reader.check_fields(data, path, STEP_FIELDS, STEP_REQUIRED, "step")
    step_id = _optional(data, path, "id", reader.read_id)
    title = _optional(data, path, "title", reader.read_text)
    guidance = _optional(data, path, "guidance", reader.read_text)
    weight = _optional(data, path, "weight", reader.read_weight, 1)
    critical = _optional(data, path, "critical", reader.read_bool, False)
    if None in (step_id, title, weight, critical):
        return None
    return Step(id=step_id, title=title, guidance=guidance, weight=weight, critical=critical)


# --- course -------------------------------------------------------------------


def _read_course(reader: FieldReader, data: Mapping[str, Any], standards: StepsByStandard) -> Course | None:
    reader.check_fields(data, "", COURSE_FIELDS, COURSE_REQUIRED, "course")
    language = _read_language(reader, data)
    course_id = _optional(data, "", "id", reader.read_id)
    title = _optional(data, "", "title", reader.read_text)
    summary = _optional(data, "", "summary", reader.read_text)
    standard_id = _optional(data, "", "standard", reader.read_id)
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
    modules = [
        _read_module(reader, item, index_path("modules", index), teaching)
        for index, item in enumerate(_items(reader, data, "", "modules", "module", "in this course"))
    ]
    certification = _optional(data, "", "certification", lambda value, path: _read_certification(reader, value, path))
    if None in (course_id, title) or not modules or None in modules:
        return None
    return Course(
        id=course_id, language=language, title=title, modules=tuple(modules),
        summary=summary, standard=standard_id, certification=certification,
    )


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
    data = reader.read_mapping(item, path, "id, title, teaches, required, lessons, quiz")
    if data is None:
        return None
    reader.check_fields(data, path, MODULE_FIELDS, MODULE_REQUIRED, "module")
    module_id = _optional(data, path, "id", reader.read_id)
    title = _optional(data, path, "title", reader.read_text)
    teaches = _optional(data, path, "teaches", lambda value, p: teaching.read(reader, value, p), ())
    required = _optional(data, path, "required", reader.read_bool, True)
    lessons_path = join_path(path, "lessons")
    lessons = [
        _read_lesson(reader, lesson, index_path(lessons_path, index))
        for index, lesson in enumerate(_items(reader, data, path, "lessons", "lesson", "in this module"))
    ]
    quiz = _optional(data, path, "quiz", lambda value, p: _read_quiz(reader, value, p))
    if quiz is not None and lessons and None not in lessons:
        _check_question_lessons(reader, quiz, [lesson.id for lesson in lessons], join_path(path, "quiz"))
    if None in (module_id, title, teaches, required) or not lessons or None in lessons or ("quiz" in data and quiz is None):
        return None
    return Module(id=module_id, title=title, lessons=tuple(lessons), teaches=teaches, required=required, quiz=quiz)


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
    data = reader.read_mapping(item, path, "id, title, body")
    if data is None:
        return None
    reader.check_fields(data, path, LESSON_FIELDS, LESSON_FIELDS, "lesson")
    lesson_id = _optional(data, path, "id", reader.read_id)
    title = _optional(data, path, "title", reader.read_text)
    body = _optional(data, path, "body", reader.read_text)
    if None in (lesson_id, title, body):
        return None
    return Lesson(id=lesson_id, title=title, body=body)


def _read_quiz(reader: FieldReader, value: Any, path: str) -> Quiz | None:
    data = reader.read_mapping(value, path, "pass_mark, max_attempts, shuffle, retry_after, restudy, questions")
    if data is None:
        return None
    reader.check_fields(data, path, QUIZ_FIELDS, QUIZ_REQUIRED, "quiz")
    pass_mark = _optional(data, path, "pass_mark", reader.read_percent)
    max_attempts = _optional(data, path, "max_attempts", reader.read_positive_int)
    shuffle = _optional(data, path, "shuffle", reader.read_bool, False)
    retry_after = _optional(data, path, "retry_after", lambda value, p: _read_duration(reader, value, p))
    restudy = _optional(data, path, "restudy", reader.read_bool, False)
    questions_path = join_path(path, "questions")
    questions = [
        _read_question(reader, question, index_path(questions_path, index))
        for index, question in enumerate(_items(reader, data, path, "questions", "question", "in this quiz"))
    ]
    if None in (pass_mark, shuffle, restudy) or ("max_attempts" in data and max_attempts is None) \
            or ("retry_after" in data and retry_after is None) or not questions or None in questions:
        return None
    return Quiz(pass_mark=pass_mark, questions=tuple(questions), max_attempts=max_attempts, shuffle=shuffle,
                retry_after=retry_after, restudy=restudy)


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
    type_name = _optional(data, path, "type", lambda value, p: reader.read_choice(value, p, tuple(QUESTION_TYPES)))
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
    question_id = _optional(data, path, "id", reader.read_id)
    points = _optional(data, path, "points", reader.read_weight, 1)
    prompt = _optional(data, path, "prompt", reader.read_text)
    explanation = _optional(data, path, "explanation", reader.read_text)
    lesson = _optional(data, path, "lesson", reader.read_id)
    answers = question_type.validate(reader, data, path) if question_type is not None else {}
    if reader.error_count > before or question_type is None or None in (question_id, points, prompt):
        return None
    # The type's own fields that are not shared fields of Question go to `extra` (plain JSON values).
    shared = {name: value for name, value in answers.items() if name in QUESTION_DATACLASS_FIELDS}
    extra = tuple(sorted((name, value) for name, value in answers.items() if name not in QUESTION_DATACLASS_FIELDS))
    return Question(id=question_id, type=question_type.name, prompt=prompt, points=points, explanation=explanation,
                    lesson=lesson, extra=extra, **shared)


def _read_certification(reader: FieldReader, value: Any, path: str) -> Certification | None:
    data = reader.read_mapping(value, path, "title, valid_days")
    if data is None:
        return None
    reader.check_fields(data, path, CERTIFICATION_FIELDS, ("title",), "certification")
    title = _optional(data, path, "title", reader.read_text)
    valid_days = _optional(data, path, "valid_days", reader.read_valid_days)
    if title is None or ("valid_days" in data and valid_days is None):
        return None
    return Certification(title=title, valid_days=valid_days)

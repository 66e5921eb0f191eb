"""JSON Schema (draft 2020-12) of the curriculum YAML format, for editors.

The schema covers shapes, enums, ranges and id patterns; rules that span
fields (ids unique in their scope, ``teaches`` naming real steps, exactly one
correct option) are left to ``check_paths``, which also gives positions.
"""
from __future__ import annotations

from typing import Any

from .fields import ID_PATTERN, LANGUAGE_PATTERN, MAX_ID_LENGTH, MAX_VALID_DAYS, MAX_WEIGHT
from .questions import QUESTION_TYPES
from .validate import (
    CERTIFICATION_FIELDS, COURSE_FIELDS, COURSE_REQUIRED, LESSON_FIELDS, MODULE_FIELDS, MODULE_REQUIRED,
    QUESTION_FIELDS, QUESTION_REQUIRED, QUIZ_FIELDS, QUIZ_REQUIRED, RELATIONSHIPS, RETRAINING_CHOICES, STANDARD_FIELDS,
    STANDARD_REQUIRED, STEP_FIELDS, STEP_REQUIRED,
)

SCHEMA_ID = "https://bro.invalid/schema/curriculum.json"

_REF_ID = {"$ref": "#/$defs/id"}
_REF_TEXT = {"$ref": "#/$defs/text"}


def _object(title: str, properties: dict[str, Any], fields: tuple[str, ...], required: tuple[str, ...]) -> dict[str, Any]:
    assert set(properties) == set(fields), (title, set(properties) ^ set(fields))
    return {
        "type": "object",
        "title": title,
        "properties": {name: properties[name] for name in fields},
        "required": list(required),
        "additionalProperties": False,
    }


def _described(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {**schema, "description": description}


def _percent(description: str) -> dict[str, Any]:
    return {"type": "number", "exclusiveMinimum": 0, "maximum": 100, "description": description}


def _question_schema(name: str) -> dict[str, Any]:
    question_type = QUESTION_TYPES[name]
    properties = {
        "id": _described(_REF_ID, "Unique within the quiz."),
        "type": {"const": name, "description": question_type.description},
        "points": {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_WEIGHT, "default": 1},
        "prompt": _described(_REF_TEXT, "Markdown."),
        "explanation": _described(_REF_TEXT, "Markdown shown after submission."),
        "lesson": _described(_REF_ID, "The lesson of this module that explains the question: with restudy: true, "
                                      "a learner who missed it reopens that lesson before retrying."),
        **question_type.schema_properties(),
    }
    fields = QUESTION_FIELDS + question_type.fields
    return _object(f"{name} question", properties, fields, QUESTION_REQUIRED + question_type.required)


def json_schema() -> dict[str, Any]:
    """The schema as a plain dict, ready for ``json.dumps``."""
    language = {"type": "string", "pattern": f"^{LANGUAGE_PATTERN.pattern}$", "default": "en", "description": "Two-letter code of the language of plain strings."}
    defs: dict[str, Any] = {
        "id": {
            "type": "string", "pattern": f"^{ID_PATTERN.pattern}$", "maxLength": MAX_ID_LENGTH,
            "description": "Lowercase letters, digits and hyphens.",
        },
        "text": {
            "description": "Text, or a mapping of language code to text.",
            "oneOf": [
                {"type": "string", "minLength": 1},
                {
                    "type": "object", "minProperties": 1,
                    "propertyNames": {"pattern": f"^{LANGUAGE_PATTERN.pattern}$"},
                    "additionalProperties": {"type": "string", "minLength": 1},
                    "properties": {code: {"type": "string", "minLength": 1} for code in ("en", "id", "pl")},
                },
            ],
        },
        "step": _object("step", {
            "id": _described(_REF_ID, "Unique within the standard."),
            "title": _REF_TEXT,
            "guidance": _described(_REF_TEXT, "Markdown: what met, partial and not met look like."),
            "weight": {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_WEIGHT, "default": 1},
            "critical": {"type": "boolean", "default": False, "description": "Critical steps accept only met, not_met or na; not_met fails the audit."},
        }, STEP_FIELDS, STEP_REQUIRED),
        "standard": _object("standard", {
            "kind": {"const": "standard"},
            "id": _REF_ID,
            "language": language,
            "title": _REF_TEXT,
            "relationship": {"enum": list(RELATIONSHIPS), "description": "b2c (CRM), b2b (BRM) or any."},
            "pass_score": _percent("An audit passes at or above this score."),
            "steps": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/step"}},
            "retraining": {"enum": list(RETRAINING_CHOICES), "default": "by_knowledge",
                           "description": "by_knowledge: a nonconforming step assigns retraining, or proposes "
                                          "coaching when the person knows the step but does not do it; "
                                          "always: it assigns retraining every time."},
        }, STANDARD_FIELDS, STANDARD_REQUIRED),
        "option": _object("option", {
            "id": _described(_REF_ID, "Unique within the question."),
            "text": _REF_TEXT,
            "correct": {"type": "boolean", "default": False},
            "feedback": _REF_TEXT,
        }, ("id", "text", "correct", "feedback"), ("id", "text")),
        "question": {"oneOf": [{"$ref": f"#/$defs/question_{name}"} for name in QUESTION_TYPES]},
        **{f"question_{name}": _question_schema(name) for name in QUESTION_TYPES},
        "quiz": _object("quiz", {
            "pass_mark": _percent("Percent of points needed to pass."),
            "max_attempts": {"type": "integer", "minimum": 1, "description": "Absent means unlimited."},
            "shuffle": {"type": "boolean", "default": False, "description": "Shuffle questions and options per attempt."},
            "retry_after": {"type": "string", "pattern": "^([0-9]+[mhd])+$", "examples": ["30m", "2h", "1d"],
                            "description": "Wait after a failed attempt before the next: minutes (m), hours (h), days (d)."},
            "restudy": {"type": "boolean", "default": False,
                        "description": "After a failed attempt, the learner reopens the lessons of the questions missed "
                                       "(their lesson field; all of the module's lessons when none names one) "
                                       "before retrying."},
            "questions": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/question"}},
        }, QUIZ_FIELDS, QUIZ_REQUIRED),
        "lesson": _object("lesson", {
            "id": _described(_REF_ID, "Unique within the module."),
            "title": _REF_TEXT,
            "body": _described(_REF_TEXT, "Markdown."),
        }, LESSON_FIELDS, LESSON_FIELDS),
        "module": _object("module", {
            "id": _described(_REF_ID, "Unique within the course."),
            "title": _REF_TEXT,
            "teaches": {"type": "array", "uniqueItems": True, "items": _REF_ID, "description": "Step ids of the course's standard."},
            "required": {"type": "boolean", "default": True, "description": "Counts toward certification."},
            "lessons": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/lesson"}},
            "quiz": {"$ref": "#/$defs/quiz"},
        }, MODULE_FIELDS, MODULE_REQUIRED),
        "certification": _object("certification", {
            "title": _REF_TEXT,
            "valid_days": {"type": "integer", "minimum": 1, "maximum": MAX_VALID_DAYS, "description": "Absent means never expires."},
        }, CERTIFICATION_FIELDS, ("title",)),
        "course": _object("course", {
            "kind": {"const": "course"},
            "id": _REF_ID,
            "language": language,
            "title": _REF_TEXT,
            "summary": _described(_REF_TEXT, "Markdown."),
            "standard": _described(_REF_ID, "The standard whose steps the modules teach."),
            "modules": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/module"}},
            "certification": {"$ref": "#/$defs/certification"},
        }, COURSE_FIELDS, COURSE_REQUIRED),
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "bro curriculum document",
        "description": "A service standard or a course; see docs/curricula.md.",
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"enum": ["standard", "course"]}},
        "oneOf": [{"$ref": "#/$defs/standard"}, {"$ref": "#/$defs/course"}],
        "$defs": defs,
    }

"""The exported JSON Schema is well formed and agrees with the validator."""
from __future__ import annotations

import json

import pytest

from bro.curricula import QUESTION_TYPES
from bro.curricula.schema import json_schema
from bro.curricula.validate import COURSE_FIELDS, STANDARD_FIELDS


def all_refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from all_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from all_refs(item)


def objects(node):
    if isinstance(node, dict):
        if node.get("type") == "object" and "title" in node and "$defs" not in node:  # field objects only
            yield node
        for value in node.values():
            yield from objects(value)
    elif isinstance(node, list):
        for item in node:
            yield from objects(item)


def test_schema_is_draft_2020_12_and_serializable():
    schema = json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert json.loads(json.dumps(schema)) == schema


def test_every_reference_resolves():
    schema = json_schema()
    for ref in all_refs(schema):
        assert ref.startswith("#/$defs/")
        assert ref.removeprefix("#/$defs/") in schema["$defs"]


def test_documents_are_one_of_standard_or_course_by_kind():
    schema = json_schema()
    assert schema["oneOf"] == [{"$ref": "#/$defs/standard"}, {"$ref": "#/$defs/course"}]
    assert schema["$defs"]["standard"]["properties"]["kind"] == {"const": "standard"}
    assert schema["$defs"]["course"]["properties"]["kind"] == {"const": "course"}
    assert list(schema["$defs"]["standard"]["properties"]) == list(STANDARD_FIELDS)
    assert list(schema["$defs"]["course"]["properties"]) == list(COURSE_FIELDS)


def test_every_object_refuses_unknown_fields_and_requires_known_ones():
    for node in objects(json_schema()):
        assert node["additionalProperties"] is False
        assert set(node["required"]) <= set(node["properties"])


def test_ranges_enums_and_patterns():
    defs = json_schema()["$defs"]
    standard = defs["standard"]["properties"]
    assert standard["relationship"]["enum"] == ["b2c", "b2b", "any"]
    assert (standard["pass_score"]["exclusiveMinimum"], standard["pass_score"]["maximum"]) == (0, 100)
    assert defs["step"]["properties"]["weight"]["exclusiveMinimum"] == 0
    assert defs["id"]["pattern"] == "^[a-z0-9][a-z0-9-]*$"
    assert defs["quiz"]["properties"]["max_attempts"] == {"type": "integer", "minimum": 1, "description": "Absent means unlimited."}


def test_each_question_type_has_its_own_schema():
    defs = json_schema()["$defs"]
    assert len(defs["question"]["oneOf"]) == len(QUESTION_TYPES)
    assert defs["question_single"]["properties"]["options"]["minItems"] == 2
    assert "answer" in defs["question_true_false"]["required"]
    assert "options" not in defs["question_numeric"]["properties"]


def test_schema_validates_a_sample_when_jsonschema_is_installed():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    good = {"kind": "standard", "id": "s", "title": "S", "relationship": "any", "pass_score": 80, "steps": [{"id": "a", "title": "A"}]}
    assert validator.is_valid(good)
    assert not validator.is_valid({**good, "steps": [{"id": "a", "title": "A", "wieght": 2}]})

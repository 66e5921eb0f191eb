"""docs/curricula.md documents every field of the JSON Schema, in the section about that object."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from bro.curricula.schema import json_schema

DOC = Path(__file__).resolve().parents[2] / "docs" / "curricula.md"
# Which heading of docs/curricula.md documents each object of the schema.
SECTIONS = {
    "text": "Localized text", "standard": "Standard", "step": "Steps", "course": "Course", "module": "Modules",
    "lesson": "Lessons", "quiz": "Quiz", "option": "Options", "certification": "Certification",
}


def section(title: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"^(#+) {re.escape(title)}\n(.*?)(?=^#{{1,3}} |\Z)", text, re.M | re.S)
    assert match, f"docs/curricula.md has no section “{title}”"
    return match.group(2)


def documented_objects():
    for name, definition in json_schema()["$defs"].items():
        for field in definition.get("properties", {}):
            title = "Questions" if name.startswith("question_") else SECTIONS.get(name)
            yield name, field, title


@pytest.mark.parametrize("name, field, title", list(documented_objects()), ids=lambda v: str(v))
def test_every_schema_field_is_documented_in_its_section(name, field, title):
    assert title is not None, f"no section of docs/curricula.md is named for the schema object {name!r}"
    assert f"`{field}`" in section(title), f"{name}.{field} is not documented under “{title}”"


def test_every_question_type_is_documented():
    types = [name.removeprefix("question_") for name in json_schema()["$defs"] if name.startswith("question_")]
    questions = section("Questions")
    assert types and all(f"`{kind}`" in questions for kind in types)

"""Moodle quizzes uploaded on the curricula upload page: GIFT and Aiken files become a course YAML file.

The same converters as `flask bro curricula from-gift|from-aiken` (bro.curricula.interchange). The YAML they
write goes through the upload's normal checker and import, never around them: the trainer downloads it to
edit, or checks and imports it as it is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath

from bro.curricula.messages import msg
from bro.curricula.interchange import ConversionError, convert_aiken, convert_gift, course_yaml, slug

FORMATS = ("auto", "yaml", "gift", "aiken")
QUIZ_SUFFIXES = (".gift", ".txt")
_AIKEN_ANSWER = re.compile(rb"^\s*ANSWER:\s*[A-Z]\s*$", re.MULTILINE)


def quiz_format(chosen: str, filename: str, data: bytes) -> str | None:
    """"gift" or "aiken" for a Moodle quiz, None for a curriculum YAML file: as chosen, else from the file
    name (.gift is GIFT; a .txt file with "ANSWER: X" lines is Aiken, any other .txt is GIFT)."""
    if chosen in ("gift", "aiken"):
        return chosen
    if chosen == "yaml":
        return None
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".gift":
        return "gift"
    if suffix == ".txt":
        return "aiken" if _AIKEN_ANSWER.search(data) else "gift"
    return None


@dataclass
class ConvertedQuiz:
    kind: str  # gift | aiken
    filename: str  # the uploaded file
    errors: list[ConversionError] = field(default_factory=list)
    questions: int = 0
    course_id: str = ""
    yaml_filename: str = ""
    yaml_text: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


def convert_quiz(data: bytes, filename: str, kind: str, language: str = "en") -> ConvertedQuiz:
    """The uploaded quiz as course YAML, or every problem with its file:line (nothing converted then)."""
    result = ConvertedQuiz(kind, filename)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append(ConversionError(filename, 1, msg("the file is not UTF-8 text; save it with UTF-8 "
                                                              "encoding")))
        return result
    conversion = (convert_gift if kind == "gift" else convert_aiken)(text, filename)
    if not conversion.ok:
        result.errors = list(conversion.errors)
        return result
    stem = PurePath(filename).stem
    result.course_id = slug(stem, "converted-quiz")
    result.yaml_filename = f"{result.course_id}.yaml"
    title = stem.replace("-", " ").replace("_", " ").strip().capitalize() or "Converted quiz"
    result.yaml_text = course_yaml(conversion, course_id=result.course_id, title=title, language=language)
    result.questions = len(conversion.questions)
    return result

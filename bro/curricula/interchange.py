"""Quizzes written for Moodle, as bro course YAML: the GIFT and Aiken formats.

A converter reads the whole file, collects every problem with its line ("line 12: matching questions are
not supported"), and only when there is none returns a course document as YAML text for the trainer to
edit and import — so converted quizzes go through the same checker as any curriculum.

GIFT (https://docs.moodle.org/en/GIFT_format): multiple choice with one answer (``=right ~wrong``) or
several (``~%50%a ~%50%b ~%-100%c``), true/false (``{T}``, ``{FALSE}``), short answer (``{=a =b}``) and
numeric (``{#3.14:0.01}``, ``{#3.1..3.2}``, ``{# =1822:0 =%50%1822:2}``: the full-credit answer) are
converted; missing-word questions become a prompt with a blank. Matching, essay and description items
are refused. Aiken (https://docs.moodle.org/en/Aiken_format): single-answer multiple choice.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from .messages import msg

_ID = re.compile(r"[^a-z0-9]+")


@dataclass
class ConversionError:
    filename: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.filename}:{self.line}: {self.message}"


@dataclass
class Conversion:
    questions: list[dict[str, Any]] = field(default_factory=list)
    errors: list[ConversionError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.questions)


def slug(text: str, fallback: str) -> str:
    value = _ID.sub("-", text.lower()).strip("-")[:60].strip("-")
    return value if value and value[0].isalnum() else fallback


def course_yaml(conversion: Conversion, *, course_id: str, title: str, language: str = "en",
                pass_mark: int = 80) -> str:
    """A course with one module holding the converted quiz, as YAML the checker accepts."""
    document = {
        "kind": "course", "id": course_id, "language": language, "title": title,
        "modules": [{
            "id": "quiz", "title": title,
            "lessons": [{"id": "about", "title": title,
                         "body": "Converted from a Moodle quiz. Write the lesson here before importing."}],
            "quiz": {"pass_mark": pass_mark, "questions": conversion.questions},
        }],
    }
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


# --- GIFT ---------------------------------------------------------------------------------------------------

_ESCAPED = {"\\~": "\x00t", "\\=": "\x00e", "\\#": "\x00h", "\\{": "\x00o", "\\}": "\x00c", "\\:": "\x00k",
            "\\n": "\n"}
_UNESCAPED = {"\x00t": "~", "\x00e": "=", "\x00h": "#", "\x00o": "{", "\x00c": "}", "\x00k": ":"}


def _protect(text: str) -> str:
    for escaped, marker in _ESCAPED.items():
        text = text.replace(escaped, marker)
    return text


def _restore(text: str) -> str:
    for marker, plain in _UNESCAPED.items():
        text = text.replace(marker, plain)
    return re.sub(r"^\[(html|markdown|plain|moodle)\]", "", text.strip()).strip()


def _gift_items(text: str) -> list[tuple[int, str]]:
    """(first line number, text) of each question: blocks separated by blank lines, comments dropped."""
    items: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    depth = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if depth == 0 and line.lstrip().startswith("//"):
            continue
        if depth == 0 and line.lstrip().startswith("$CATEGORY"):
            continue
        if not line.strip() and depth == 0:
            if current:
                items.append((start, "\n".join(current)))
                current = []
            continue
        if not current:
            start = number
        current.append(line)
        protected = _protect(line)
        depth += protected.count("{") - protected.count("}")
        depth = max(depth, 0)
    if current:
        items.append((start, "\n".join(current)))
    return items


def _feedback_split(answer: str) -> tuple[str, str | None]:
    text, _sep, feedback = answer.partition("#")
    return text.strip(), (feedback.strip() or None)


def _weight(answer: str) -> tuple[Decimal | None, str]:
    match = re.match(r"^%(-?\d+(?:\.\d+)?)%(.*)$", answer.strip(), re.S)
    if match:
        return Decimal(match.group(1)), match.group(2)
    return None, answer


def _number(text: str) -> Decimal:
    value = Decimal(text.strip())
    if not value.is_finite():
        raise InvalidOperation
    return value


def _plain(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _gift_numeric(body: str) -> dict[str, Any]:
    """{#3.14:0.01}, {#1..2} or {# =1822:0 =%50%1822:2}: the value and tolerance of full credit."""
    body = body.strip()
    answers = [part for part in re.split(r"(?==)", body) if part.strip()] if body.startswith("=") else [body]
    for answer in answers:
        answer, _feedback = _feedback_split(answer.lstrip("="))
        weight, answer = _weight(answer)
        if weight is not None and weight != 100:
            continue
        if ".." in answer:
            low, high = (_number(part) for part in answer.split("..", 1))
            if high < low:
                raise ValueError(msg("the range of a numeric answer ends below its start"))
            return {"value": _plain((low + high) / 2), "tolerance": _plain((high - low) / 2)}
        value, _sep, tolerance = answer.partition(":")
        result = {"value": _plain(_number(value))}
        if tolerance.strip():
            result["tolerance"] = _plain(abs(_number(tolerance)))
        return result
    raise ValueError(msg("a numeric question needs an answer with full credit"))


def _gift_question(body: str, prompt: str, qid: str) -> dict[str, Any]:
    """One question from the text inside the braces; raises ValueError with the reason it cannot be held."""
    question: dict[str, Any] = {"id": qid}
    inner = body.strip()
    general_feedback = None
    if "####" in inner:
        inner, general_feedback = inner.split("####", 1)
        general_feedback = _restore(general_feedback)
    inner = inner.strip()
    if not inner:
        raise ValueError(msg("essay questions are not supported"))
    if inner.startswith("#"):
        question.update({"type": "numeric", "prompt": prompt, **_gift_numeric(inner[1:])})
    elif re.fullmatch(r"(T|TRUE|F|FALSE)(\s*#.*)?", inner, re.S):
        answer = inner.split("#", 1)[0].strip()
        question.update({"type": "true_false", "prompt": prompt, "answer": answer in ("T", "TRUE")})
    else:
        answers = [part for part in re.split(r"(?=[=~])", inner) if part.strip()]
        if any("->" in part for part in answers):
            raise ValueError(msg("matching questions are not supported"))
        if not all(part[0] in "=~" for part in answers):
            raise ValueError(msg("answers must start with = (right) or ~ (wrong)"))
        wrong = [part for part in answers if part[0] == "~"]
        weighted = [_weight(part[1:])[0] for part in wrong]
        if not wrong:
            accepted = []
            for part in answers:
                text, _feedback = _feedback_split(part[1:])
                weight, text = _weight(text)
                if weight is None or weight == 100:
                    accepted.append(_restore(text))
            if not accepted:
                raise ValueError(msg("a short-answer question needs an answer with full credit"))
            question.update({"type": "short_text", "prompt": prompt, "accept": accepted})
        else:
            options = []
            several = any(weight is not None and weight > 0 for weight in weighted)
            for index, part in enumerate(answers):
                text, feedback = _feedback_split(part[1:])
                weight, text = _weight(text)
                correct = part[0] == "=" or (weight is not None and weight > 0)
                option: dict[str, Any] = {"id": chr(ord("a") + index) if index < 26 else f"o{index + 1}",
                                          "text": _restore(text)}
                if correct:
                    option["correct"] = True
                if feedback:
                    option["feedback"] = _restore(feedback)
                options.append(option)
            correct_count = sum(1 for option in options if option.get("correct"))
            if correct_count == 0:
                raise ValueError(msg("a multiple-choice question needs a right answer (= or a positive %weight%)"))
            if len(options) < 2:
                raise ValueError(msg("a multiple-choice question needs at least two answers"))
            kind = "multiple" if several or correct_count > 1 else "single"
            question.update({"type": kind, "prompt": prompt, "options": options})
    if general_feedback:
        question["explanation"] = general_feedback
    return question


def convert_gift(text: str, filename: str = "<gift>") -> Conversion:
    conversion = Conversion()
    used: set[str] = set()
    for line, item in _gift_items(text.lstrip("\ufeff")):
        protected = _protect(item)
        title = None
        match = re.match(r"^\s*::(.*?)::", protected, re.S)
        if match:
            title = _restore(match.group(1))
            protected = protected[match.end():]
        if "{" not in protected:
            conversion.errors.append(ConversionError(filename, line, msg("descriptions (text without answers) are not "
                                                                         "questions; remove it or add answers")))
            continue
        open_at = protected.index("{")
        close_at = protected.find("}", open_at)
        if close_at < 0:
            conversion.errors.append(ConversionError(filename, line, msg("the answers' { has no closing }")))
            continue
        before, body, after = protected[:open_at], protected[open_at + 1:close_at], protected[close_at + 1:]
        if "{" in after:
            conversion.errors.append(ConversionError(filename, line, msg("a question may have only one set of answers")))
            continue
        before, after = _restore(before), _restore(after)
        prompt = f"{before} ____ {after}".strip() if before and after else (before or after)
        if not prompt:
            conversion.errors.append(ConversionError(filename, line, msg("the question has no text")))
            continue
        base = slug(title or prompt, f"q{len(conversion.questions) + 1}")[:40].strip("-") or "q"
        qid, counter = base, 2
        while qid in used:
            qid, counter = f"{base}-{counter}", counter + 1
        used.add(qid)
        try:
            conversion.questions.append(_gift_question(body, prompt, qid))
        except (ValueError, InvalidOperation) as error:
            message = error.args[0] if isinstance(error, ValueError) and error.args and error.args[0] else msg("a number cannot be read")
            conversion.errors.append(ConversionError(filename, line, message))
    if not conversion.questions and not conversion.errors:
        conversion.errors.append(ConversionError(filename, 1, msg("the file holds no questions")))
    return conversion


# --- Aiken --------------------------------------------------------------------------------------------------

_AIKEN_OPTION = re.compile(r"^([A-Z])[.)]\s+(.+)$")
_AIKEN_ANSWER = re.compile(r"^ANSWER:\s*([A-Z])\s*$")


def convert_aiken(text: str, filename: str = "<aiken>") -> Conversion:
    conversion = Conversion()
    used: set[str] = set()
    blocks: list[tuple[int, list[tuple[int, str]]]] = []
    current: list[tuple[int, str]] = []
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if raw.strip():
            current.append((number, raw.strip()))
            if _AIKEN_ANSWER.match(raw.strip()):
                blocks.append((current[0][0], current))
                current = []
        elif current and not _AIKEN_OPTION.match(current[-1][1]):
            continue  # a blank line inside the question text
    if current:
        conversion.errors.append(ConversionError(filename, current[0][0], msg("the question has no ANSWER: line")))
    for line, lines in blocks:
        prompt_lines, options = [], []
        for number, content in lines[:-1]:
            match = _AIKEN_OPTION.match(content)
            if match and (options or prompt_lines):
                options.append((number, match.group(1), match.group(2)))
            elif options:
                conversion.errors.append(ConversionError(filename, number, msg("text after the options; each option "
                                                                               "is one line starting with A. or A)")))
            else:
                prompt_lines.append(content)
        answer = _AIKEN_ANSWER.match(lines[-1][1]).group(1)
        letters = [letter for _number, letter, _text in options]
        if not prompt_lines:
            conversion.errors.append(ConversionError(filename, line, msg("the question has no text")))
            continue
        if len(options) < 2:
            conversion.errors.append(ConversionError(filename, line, msg("a question needs at least two options")))
            continue
        if len(set(letters)) != len(letters):
            conversion.errors.append(ConversionError(filename, line, msg("two options have the same letter")))
            continue
        if answer not in letters:
            conversion.errors.append(ConversionError(filename, lines[-1][0],
                                                     msg("ANSWER: %(answer)s names no option of the question", answer=answer)))
            continue
        prompt = " ".join(prompt_lines)
        base = slug(prompt, f"q{len(conversion.questions) + 1}")[:40].strip("-") or "q"
        qid, counter = base, 2
        while qid in used:
            qid, counter = f"{base}-{counter}", counter + 1
        used.add(qid)
        conversion.questions.append({
            "id": qid, "type": "single", "prompt": prompt,
            "options": [{"id": letter.lower(), "text": option_text, **({"correct": True} if letter == answer else {})}
                        for _number, letter, option_text in options]})
    if not conversion.questions and not conversion.errors:
        conversion.errors.append(ConversionError(filename, 1, msg("the file holds no questions")))
    return conversion

"""Frozen dataclasses of checked curriculum documents.

Every document converts to a plain dict (``to_dict``) that the database layer
stores as JSON, and back (``from_dict``). ``content_hash`` is the SHA-256 of
the canonical JSON of that dict, so reformatting a YAML file (whitespace, key
order, comments, spelling out defaults) does not change it.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from types import MappingProxyType
from typing import Any, ClassVar, Mapping, Union

Number = Union[int, float]


def canonical_json(data: Any) -> str:
    """Deterministic JSON: sorted keys, no spaces, UTF-8 text kept as is."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def written_decimal(value: Number) -> Decimal:
    """The decimal a curriculum number was written as: a float is read by its text, so 0.1 is one tenth
    and not the float's binary expansion."""
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def plain_number(value: Number) -> Number:
    """``2.0`` becomes ``2`` so equal numbers hash equally."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclass(frozen=True)
class TextInLanguage:
    """The text chosen for a language; ``is_fallback`` when it is the default's."""

    text: str
    language: str
    is_fallback: bool


@dataclass(frozen=True)
class LocalizedText:
    """Text in one or more languages, always including ``default_language``."""

    translations: Mapping[str, str]
    default_language: str

    def __post_init__(self) -> None:
        if self.default_language not in self.translations:
            raise ValueError(f"no text in the default language {self.default_language!r}")
        object.__setattr__(self, "translations", MappingProxyType(dict(sorted(self.translations.items()))))

    def __hash__(self) -> int:
        return hash((tuple(self.translations.items()), self.default_language))

    def __str__(self) -> str:
        return self.default

    @property
    def default(self) -> str:
        return self.translations[self.default_language]

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.translations)

    def get(self, language: str | None) -> TextInLanguage:
        """The text in ``language``, or in the default language if missing."""
        if language is not None and language in self.translations:
            return TextInLanguage(self.translations[language], language, False)
        is_fallback = language is not None and language != self.default_language
        return TextInLanguage(self.default, self.default_language, is_fallback)

    def to_dict(self) -> dict[str, str]:
        return dict(self.translations)

    @classmethod
    def from_dict(cls, data: Mapping[str, str] | str, default_language: str) -> LocalizedText:
        if isinstance(data, str):
            return cls({default_language: data}, default_language)
        return cls(dict(data), default_language)


def _text_or_none(text: LocalizedText | None) -> dict[str, str] | None:
    return None if text is None else text.to_dict()


def _optional_text(data: Any, language: str) -> LocalizedText | None:
    return None if data is None else LocalizedText.from_dict(data, language)


def _sha256(data: Any) -> str:
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


# --- standard ---------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Step:
    id: str
    title: LocalizedText
    guidance: LocalizedText | None = None
    weight: Number = 1
    critical: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title.to_dict(),
            "guidance": _text_or_none(self.guidance),
            "weight": plain_number(self.weight),
            "critical": self.critical,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], language: str) -> Step:
        return cls(
            id=data["id"],
            title=LocalizedText.from_dict(data["title"], language),
            guidance=_optional_text(data.get("guidance"), language),
            weight=data.get("weight", 1),
            critical=bool(data.get("critical", False)),
        )


@dataclass(frozen=True, kw_only=True)
class _Document:
    """What a Standard and a Course share: a kind, an id, a language, a title, and the hash of their content."""

    kind: ClassVar[str]

    id: str
    language: str
    title: LocalizedText

    def _head(self) -> dict[str, Any]:
        """The first keys of ``to_dict``."""
        return {"kind": self.kind, "id": self.id, "language": self.language, "title": self.title.to_dict()}

    @staticmethod
    def _head_from_dict(data: Mapping[str, Any]) -> dict[str, Any]:
        """``id``, ``language`` and ``title`` for ``from_dict``."""
        language = data.get("language", "en")
        return {"id": data["id"], "language": language, "title": LocalizedText.from_dict(data["title"], language)}

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError

    @cached_property
    def content_hash(self) -> str:
        return _sha256(self.to_dict())

    def stored_form(self) -> tuple[dict[str, Any], str]:
        """``to_dict()`` and ``content_hash``, the dict made once for both (an import stores the one and
        versions by the other)."""
        data = self.to_dict()
        if "content_hash" not in self.__dict__:  # cached_property's slot: the hash of these very values
            self.__dict__["content_hash"] = _sha256(data)
        return data, self.content_hash


@dataclass(frozen=True, kw_only=True)
class Standard(_Document):
    """A versioned list of service steps that audits rate."""

    kind: ClassVar[str] = "standard"

    relationship: str
    pass_score: Number
    steps: tuple[Step, ...]
    # What a nonconforming step assigns: "by_knowledge" (retraining, or coaching for a person who knows the step
    # but does not do it) or "always" (retraining every time).
    retraining: str = "by_knowledge"

    @property
    def step_ids(self) -> list[str]:
        return [step.id for step in self.steps]

    def step(self, step_id: str) -> Step | None:
        return next((step for step in self.steps if step.id == step_id), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self._head(),
            "relationship": self.relationship,
            "pass_score": plain_number(self.pass_score),
            "steps": [step.to_dict() for step in self.steps],
            # Only when not the default, so standards written before the field keep their content hash.
            **({"retraining": self.retraining} if self.retraining != "by_knowledge" else {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Standard:
        head = cls._head_from_dict(data)
        return cls(
            **head,
            relationship=data["relationship"],
            pass_score=data["pass_score"],
            steps=tuple(Step.from_dict(step, head["language"]) for step in data["steps"]),
            retraining=data.get("retraining", "by_knowledge"),
        )


# --- course -----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Option:
    id: str
    text: LocalizedText
    correct: bool = False
    feedback: LocalizedText | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text.to_dict(), "correct": self.correct, "feedback": _text_or_none(self.feedback)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], language: str) -> Option:
        return cls(
            id=data["id"],
            text=LocalizedText.from_dict(data["text"], language),
            correct=bool(data.get("correct", False)),
            feedback=_optional_text(data.get("feedback"), language),
        )


@dataclass(frozen=True, kw_only=True)
class Question:
    """A quiz question; which answer fields are used depends on ``type``."""

    id: str
    type: str
    points: Number = 1
    prompt: LocalizedText
    options: tuple[Option, ...] = ()
    answer: bool | None = None
    accept: tuple[str, ...] = ()
    value: Number | None = None
    tolerance: Number = 0
    explanation: LocalizedText | None = None
    lesson: str | None = None  # the lesson that explains it: `restudy` asks to reopen the lessons of missed questions
    scoring: str = "all"  # multiple: "all" (the exact set or nothing) or "partial" (1/k per option, as Moodle)
    # short_text answers given per language ({lang: [...]}), when the author wrote them so; `accept` holds them all.
    accept_by_language: tuple[tuple[str, tuple[str, ...]], ...] = ()
    default_language: str = "en"
    # Fields a question type adds beyond the shared ones above (name, plain JSON value), sorted by name: a new
    # type stores its own fields here without changing this class (read them with `question.extra_field(name)`).
    extra: tuple[tuple[str, Any], ...] = ()

    @property
    def correct_option_ids(self) -> frozenset[str]:
        return frozenset(option.id for option in self.options if option.correct)

    def extra_field(self, name: str, default: Any = None) -> Any:
        """A field of the question's type that is not one of the shared fields (see ``extra``)."""
        return dict(self.extra).get(name, default)

    def accepted_in(self, language: str | None) -> tuple[str, ...]:
        """The accepted answers to show a reader of `language`: theirs, else the default language's, else all."""
        if not self.accept_by_language:
            return self.accept
        by_language = dict(self.accept_by_language)
        return by_language.get(language or "") or by_language.get(self.default_language) or self.accept

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "points": plain_number(self.points),
            "prompt": self.prompt.to_dict(),
            "options": [option.to_dict() for option in self.options],
            "answer": self.answer,
            "accept": ({language: list(answers) for language, answers in self.accept_by_language}
                       if self.accept_by_language else list(self.accept)),
            "value": None if self.value is None else plain_number(self.value),
            "tolerance": plain_number(self.tolerance),
            "explanation": _text_or_none(self.explanation),
            # Only when not the default, so content hashes of existing curricula do not change.
            **({"scoring": self.scoring} if self.scoring != "all" else {}),
            **({"lesson": self.lesson} if self.lesson is not None else {}),
            **dict(self.extra),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], language: str) -> Question:
        accept = data.get("accept") or ()
        by_language = tuple((code, tuple(answers)) for code, answers in accept.items()) \
            if isinstance(accept, Mapping) else ()
        return cls(
            id=data["id"],
            type=data["type"],
            prompt=LocalizedText.from_dict(data["prompt"], language),
            points=data.get("points", 1),
            options=tuple(Option.from_dict(option, language) for option in data.get("options") or ()),
            answer=data.get("answer"),
            accept=tuple(answer for _code, answers in by_language for answer in answers) if by_language
            else tuple(accept),
            accept_by_language=by_language,
            default_language=language,
            scoring=data.get("scoring", "all"),
            lesson=data.get("lesson"),
            value=data.get("value"),
            tolerance=data.get("tolerance", 0),
            explanation=_optional_text(data.get("explanation"), language),
            extra=tuple(sorted((name, value) for name, value in data.items() if name not in QUESTION_SHARED_FIELDS)),
        )


#: The keys of ``Question.to_dict`` that are not a type's own ``extra`` fields.
QUESTION_SHARED_FIELDS = frozenset({"id", "type", "points", "prompt", "options", "answer", "accept", "value",
                                    "tolerance", "explanation", "scoring", "lesson"})


@dataclass(frozen=True, kw_only=True)
class Quiz:
    pass_mark: Number
    max_attempts: int | None = None
    shuffle: bool = False
    retry_after: str | None = None  # "30m", "2h", "1d", "1d12h": the wait after a failed attempt
    restudy: bool = False  # after a failed attempt, reopen the lessons of the missed questions before retrying
    questions: tuple[Question, ...]

    @property
    def points_possible(self) -> Number:
        return plain_number(sum(question.points for question in self.questions))

    @property
    def retry_after_seconds(self) -> int | None:
        return None if self.retry_after is None else duration_seconds(self.retry_after)

    def to_dict(self) -> dict[str, Any]:
        return {
            "pass_mark": plain_number(self.pass_mark),
            "max_attempts": self.max_attempts,
            "shuffle": self.shuffle,
            # Only when set, so content hashes of existing curricula do not change.
            **({"retry_after": self.retry_after} if self.retry_after is not None else {}),
            **({"restudy": True} if self.restudy else {}),
            "questions": [question.to_dict() for question in self.questions],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], language: str) -> Quiz:
        return cls(
            pass_mark=data["pass_mark"],
            questions=tuple(Question.from_dict(question, language) for question in data["questions"]),
            max_attempts=data.get("max_attempts"),
            shuffle=bool(data.get("shuffle", False)),
            retry_after=data.get("retry_after"),
            restudy=bool(data.get("restudy", False)),
        )


DURATION_UNITS = {"m": 60, "h": 3600, "d": 86400}
DURATION_PATTERN = re.compile(r"(?:[0-9]+[mhd])+")


def duration_seconds(text: str) -> int | None:
    """Seconds of a duration such as "30m", "2h", "1d" or "1d12h"; None when it is not one."""
    if not isinstance(text, str) or not DURATION_PATTERN.fullmatch(text):
        return None
    return sum(int(number) * DURATION_UNITS[unit] for number, unit in re.findall(r"([0-9]+)([mhd])", text))


@dataclass(frozen=True, kw_only=True)
class Lesson:
    id: str
    title: LocalizedText
    body: LocalizedText

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title.to_dict(), "body": self.body.to_dict()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], language: str) -> Lesson:
        return cls(
            id=data["id"],
            title=LocalizedText.from_dict(data["title"], language),
            body=LocalizedText.from_dict(data["body"], language),
        )


@dataclass(frozen=True, kw_only=True)
class Module:
    id: str
    title: LocalizedText
    teaches: tuple[str, ...] = ()
    required: bool = True
    lessons: tuple[Lesson, ...]
    quiz: Quiz | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title.to_dict(),
            "teaches": list(self.teaches),
            "required": self.required,
            "lessons": [lesson.to_dict() for lesson in self.lessons],
            "quiz": None if self.quiz is None else self.quiz.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], language: str) -> Module:
        quiz = data.get("quiz")
        return cls(
            id=data["id"],
            title=LocalizedText.from_dict(data["title"], language),
            lessons=tuple(Lesson.from_dict(lesson, language) for lesson in data["lessons"]),
            teaches=tuple(data.get("teaches") or ()),
            required=bool(data.get("required", True)),
            quiz=None if quiz is None else Quiz.from_dict(quiz, language),
        )


@dataclass(frozen=True, kw_only=True)
class Certification:
    title: LocalizedText
    valid_days: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title.to_dict(), "valid_days": self.valid_days}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], language: str) -> Certification:
        return cls(title=LocalizedText.from_dict(data["title"], language), valid_days=data.get("valid_days"))


@dataclass(frozen=True, kw_only=True)
class Course(_Document):
    """Modules of lessons and quizzes, optionally teaching a standard's steps."""

    kind: ClassVar[str] = "course"

    summary: LocalizedText | None = None
    standard: str | None = None
    modules: tuple[Module, ...]
    certification: Certification | None = None

    def module(self, module_id: str) -> Module | None:
        return next((module for module in self.modules if module.id == module_id), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self._head(),
            "summary": _text_or_none(self.summary),
            "standard": self.standard,
            "modules": [module.to_dict() for module in self.modules],
            "certification": None if self.certification is None else self.certification.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Course:
        head = cls._head_from_dict(data)
        language = head["language"]
        certification = data.get("certification")
        return cls(
            **head,
            modules=tuple(Module.from_dict(module, language) for module in data["modules"]),
            summary=_optional_text(data.get("summary"), language),
            standard=data.get("standard"),
            certification=None if certification is None else Certification.from_dict(certification, language),
        )


Document = Union[Standard, Course]


def document_from_dict(data: Mapping[str, Any]) -> Document:
    """Rebuild a Standard or Course from its ``to_dict()`` form."""
    kinds: dict[str, type[Standard] | type[Course]] = {"standard": Standard, "course": Course}
    return kinds[data["kind"]].from_dict(data)

"""What changed between two versions of a standard or course, in plain English."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence, TypeVar

from .messages import msg
from .model import Course, LocalizedText, Module, Question, Standard

T = TypeVar("T")

ADDED = "added"
REMOVED = "removed"
REWORDED = "reworded"
REWEIGHTED = "reweighted"
CRITICAL_CHANGED = "critical-changed"
TEACHES_CHANGED = "teaches-changed"
REORDERED = "reordered"
CHANGED = "changed"


@dataclass(frozen=True)
class Change:
    """One change. ``element`` is standard, step, course, module, lesson, quiz,
    question or certification; ``element_id`` names it (``module/lesson`` for
    items inside a module)."""

    kind: str
    element: str
    element_id: str
    summary: str


def _text_changed(old: LocalizedText | None, new: LocalizedText | None) -> bool:
    return (None if old is None else old.to_dict()) != (None if new is None else new.to_dict())


def _by_id(items: Sequence[T]) -> dict[str, T]:
    return {item.id: item for item in items}  # type: ignore[attr-defined]


def _added_removed(old: Sequence[T], new: Sequence[T], element: str, prefix: str, label: Callable[[T], str]) -> list[Change]:
    old_ids, new_ids = _by_id(old), _by_id(new)
    changes = [
        Change(ADDED, element, prefix + item_id, f"{element.capitalize()} '{prefix + item_id}' added: {label(item)}")
        for item_id, item in new_ids.items() if item_id not in old_ids
    ]
    changes += [
        Change(REMOVED, element, prefix + item_id, f"{element.capitalize()} '{prefix + item_id}' removed: {label(item)}")
        for item_id, item in old_ids.items() if item_id not in new_ids
    ]
    kept_old = [item_id for item_id in old_ids if item_id in new_ids]
    kept_new = [item_id for item_id in new_ids if item_id in old_ids]
    if kept_old != kept_new:
        where = f" in '{prefix[:-1]}'" if prefix else ""
        changes.append(Change(REORDERED, element, prefix[:-1], f"{element.capitalize()}s{where} reordered: {', '.join(kept_new)}"))
    return changes


def _format_number(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def diff_standards(old: Standard, new: Standard) -> list[Change]:
    """Changes from ``old`` to ``new``: steps added, removed, reworded, reweighted, made (non-)critical."""
    changes: list[Change] = []
    if _text_changed(old.title, new.title):
        changes.append(Change(REWORDED, "standard", new.id, f"Standard title changed to '{new.title.default}'"))
    if old.pass_score != new.pass_score:
        changes.append(Change(CHANGED, "standard", new.id, f"Pass score changed from {_format_number(old.pass_score)} to {_format_number(new.pass_score)}"))
    if old.relationship != new.relationship:
        changes.append(Change(CHANGED, "standard", new.id, f"Relationship changed from {old.relationship} to {new.relationship}"))
    if old.retraining != new.retraining:
        changes.append(Change(CHANGED, "standard", new.id, msg("Retraining changed from %(old)s to %(new)s",
                                                               old=old.retraining, new=new.retraining)))
    changes += _added_removed(old.steps, new.steps, "step", "", lambda step: step.title.default)
    new_steps = _by_id(new.steps)
    for before in old.steps:
        after = new_steps.get(before.id)
        if after is None:
            continue
        if _text_changed(before.title, after.title) or _text_changed(before.guidance, after.guidance):
            what = "title" if _text_changed(before.title, after.title) else "guidance"
            changes.append(Change(REWORDED, "step", after.id, f"Step '{after.id}' reworded ({what}): {after.title.default}"))
        if before.weight != after.weight:
            changes.append(Change(REWEIGHTED, "step", after.id, f"Step '{after.id}' reweighted from {_format_number(before.weight)} to {_format_number(after.weight)}"))
        if before.critical != after.critical:
            state = "now critical" if after.critical else "no longer critical"
            changes.append(Change(CRITICAL_CHANGED, "step", after.id, f"Step '{after.id}' is {state}"))
    return changes


def _question_differences(before: Question, after: Question) -> list[str]:
    old, new = before.to_dict(), after.to_dict()
    return [name for name in old if old[name] != new[name]]


def _module_changes(before: Module, after: Module) -> list[Change]:
    changes: list[Change] = []
    module_id = after.id
    if _text_changed(before.title, after.title):
        changes.append(Change(REWORDED, "module", module_id, f"Module '{module_id}' renamed to '{after.title.default}'"))
    if before.teaches != after.teaches:
        was = ", ".join(before.teaches) or "nothing"
        now = ", ".join(after.teaches) or "nothing"
        changes.append(Change(TEACHES_CHANGED, "module", module_id, f"Module '{module_id}' now teaches {now} (was {was})"))
    if before.required != after.required:
        state = "now required" if after.required else "now optional"
        changes.append(Change(CHANGED, "module", module_id, f"Module '{module_id}' is {state} for certification"))
    prefix = f"{module_id}/"
    changes += _added_removed(before.lessons, after.lessons, "lesson", prefix, lambda lesson: lesson.title.default)
    new_lessons = _by_id(after.lessons)
    for lesson in before.lessons:
        changed = new_lessons.get(lesson.id)
        if changed is not None and changed != lesson:
            changes.append(Change(CHANGED, "lesson", prefix + lesson.id, f"Lesson '{prefix + lesson.id}' changed: {changed.title.default}"))
    changes += _quiz_changes(before, after)
    return changes


def _quiz_changes(before: Module, after: Module) -> list[Change]:
    module_id = after.id
    if before.quiz is None and after.quiz is None:
        return []
    if before.quiz is None or after.quiz is None:
        kind = ADDED if before.quiz is None else REMOVED
        return [Change(kind, "quiz", module_id, f"Quiz of module '{module_id}' {kind}")]
    old_quiz, new_quiz = before.quiz, after.quiz
    changes: list[Change] = []
    settings = [name for name in ("pass_mark", "max_attempts", "shuffle") if getattr(old_quiz, name) != getattr(new_quiz, name)]
    if settings:
        details = ", ".join(f"{name} {getattr(old_quiz, name)} → {getattr(new_quiz, name)}" for name in settings)
        changes.append(Change(CHANGED, "quiz", module_id, f"Quiz of module '{module_id}' settings changed: {details}"))
    prefix = f"{module_id}/"
    changes += _added_removed(old_quiz.questions, new_quiz.questions, "question", prefix, lambda question: question.prompt.default[:60])
    new_questions = _by_id(new_quiz.questions)
    for question in old_quiz.questions:
        changed = new_questions.get(question.id)
        if changed is not None and changed != question:
            fields = ", ".join(_question_differences(question, changed))
            changes.append(Change(CHANGED, "question", prefix + question.id, f"Question '{prefix + question.id}' changed: {fields}"))
    return changes


def diff_courses(old: Course, new: Course) -> list[Change]:
    """Changes from ``old`` to ``new``: modules, lessons, quizzes, questions, certification."""
    changes: list[Change] = []
    if _text_changed(old.title, new.title):
        changes.append(Change(REWORDED, "course", new.id, f"Course title changed to '{new.title.default}'"))
    if _text_changed(old.summary, new.summary):
        changes.append(Change(REWORDED, "course", new.id, "Course summary reworded"))
    if old.standard != new.standard:
        changes.append(Change(CHANGED, "course", new.id, f"Course now follows standard {new.standard or 'none'} (was {old.standard or 'none'})"))
    changes += _added_removed(old.modules, new.modules, "module", "", lambda module: module.title.default)
    new_modules = _by_id(new.modules)
    for module in old.modules:
        changed = new_modules.get(module.id)
        if changed is not None:
            changes += _module_changes(module, changed)
    if old.certification != new.certification:
        changes.append(Change(CHANGED, "certification", new.id, _certification_summary(old, new)))
    return changes


def _certification_summary(old: Course, new: Course) -> str:
    if old.certification is None:
        return "Certification added"
    if new.certification is None:
        return "Certification removed"
    before, after = old.certification.valid_days, new.certification.valid_days
    if before != after:
        return f"Certification validity changed from {_validity(before)} to {_validity(after)}"
    return "Certification title changed"


def _validity(valid_days: int | None) -> str:
    return f"{valid_days} days" if valid_days else "never expiring"

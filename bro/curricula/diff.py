"""What changed between two versions of a standard or course, in plain English (messages the web translates)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, NamedTuple, Sequence, TypeVar

from .messages import Message, msg, msg_plural
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


class _Sentences(NamedTuple):
    """One whole sentence per change of an element, so translators never assemble "Step" + "added"."""

    added: Message
    removed: Message
    reordered: Message


_SENTENCES = {
    "step": _Sentences(msg("Step '%(id)s' added: %(label)s"), msg("Step '%(id)s' removed: %(label)s"),
                       msg("Steps reordered: %(order)s")),
    "module": _Sentences(msg("Module '%(id)s' added: %(label)s"), msg("Module '%(id)s' removed: %(label)s"),
                         msg("Modules reordered: %(order)s")),
    "lesson": _Sentences(msg("Lesson '%(id)s' added: %(label)s"), msg("Lesson '%(id)s' removed: %(label)s"),
                         msg("Lessons in '%(where)s' reordered: %(order)s")),
    "question": _Sentences(msg("Question '%(id)s' added: %(label)s"), msg("Question '%(id)s' removed: %(label)s"),
                           msg("Questions in '%(where)s' reordered: %(order)s")),
}


def _summary(element: str, kind: str, **params: object) -> Message:
    """The sentence for ``kind`` (ADDED, REMOVED or REORDERED) of ``element``, filled in."""
    return msg(getattr(_SENTENCES[element], kind).template, **params)


def _added_removed(old: Sequence[T], new: Sequence[T], element: str, prefix: str, label: Callable[[T], str]) -> list[Change]:
    old_ids, new_ids = _by_id(old), _by_id(new)
    changes = [
        Change(ADDED, element, prefix + item_id, _summary(element, ADDED, id=prefix + item_id, label=label(item)))
        for item_id, item in new_ids.items() if item_id not in old_ids
    ]
    changes += [
        Change(REMOVED, element, prefix + item_id, _summary(element, REMOVED, id=prefix + item_id, label=label(item)))
        for item_id, item in old_ids.items() if item_id not in new_ids
    ]
    kept_old = [item_id for item_id in old_ids if item_id in new_ids]
    kept_new = [item_id for item_id in new_ids if item_id in old_ids]
    if kept_old != kept_new:
        order = ", ".join(kept_new)
        where = {"where": prefix[:-1]} if prefix else {}
        changes.append(Change(REORDERED, element, prefix[:-1], _summary(element, REORDERED, order=order, **where)))
    return changes



def diff_standards(old: Standard, new: Standard) -> list[Change]:
    """Changes from ``old`` to ``new``: steps added, removed, reworded, reweighted, made (non-)critical."""
    changes: list[Change] = []
    if _text_changed(old.title, new.title):
        changes.append(Change(REWORDED, "standard", new.id, msg("Standard title changed to '%(title)s'", title=new.title.default)))
    if old.pass_score != new.pass_score:
        changes.append(Change(CHANGED, "standard", new.id, msg("Pass score changed from %(old)s to %(new)s", old=old.pass_score, new=new.pass_score)))
    if old.relationship != new.relationship:
        changes.append(Change(CHANGED, "standard", new.id, msg("Relationship changed from %(old)s to %(new)s", old=old.relationship, new=new.relationship)))
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
            template = msg("Step '%(id)s' reworded (title): %(title)s") if _text_changed(before.title, after.title) \
                else msg("Step '%(id)s' reworded (guidance): %(title)s")
            changes.append(Change(REWORDED, "step", after.id, msg(template.template, id=after.id, title=after.title.default)))
        if before.weight != after.weight:
            changes.append(Change(REWEIGHTED, "step", after.id, msg("Step '%(id)s' reweighted from %(old)s to %(new)s", id=after.id,
                                                                 old=before.weight, new=after.weight)))
        if before.critical != after.critical:
            summary = msg("Step '%(id)s' is now critical", id=after.id) if after.critical \
                else msg("Step '%(id)s' is no longer critical", id=after.id)
            changes.append(Change(CRITICAL_CHANGED, "step", after.id, summary))
    return changes


def _question_differences(before: Question, after: Question) -> list[str]:
    old, new = before.to_dict(), after.to_dict()
    names = list(old) + [name for name in new if name not in old]  # optional fields (scoring, lesson, a type's own)
    return [name for name in names if old.get(name) != new.get(name)]


def _module_changes(before: Module, after: Module) -> list[Change]:
    changes: list[Change] = []
    module_id = after.id
    if _text_changed(before.title, after.title):
        changes.append(Change(REWORDED, "module", module_id, msg("Module '%(id)s' renamed to '%(title)s'", id=module_id, title=after.title.default)))
    if before.teaches != after.teaches:
        was = ", ".join(before.teaches) or msg("nothing")
        now = ", ".join(after.teaches) or msg("nothing")
        changes.append(Change(TEACHES_CHANGED, "module", module_id,
                              msg("Module '%(id)s' now teaches %(now)s (was %(was)s)", id=module_id, now=now, was=was)))
    if before.required != after.required:
        summary = msg("Module '%(id)s' is now required for certification", id=module_id) if after.required \
            else msg("Module '%(id)s' is now optional for certification", id=module_id)
        changes.append(Change(CHANGED, "module", module_id, summary))
    prefix = f"{module_id}/"
    changes += _added_removed(before.lessons, after.lessons, "lesson", prefix, lambda lesson: lesson.title.default)
    new_lessons = _by_id(after.lessons)
    for lesson in before.lessons:
        changed = new_lessons.get(lesson.id)
        if changed is not None and changed != lesson:
            changes.append(Change(CHANGED, "lesson", prefix + lesson.id, msg("Lesson '%(id)s' changed: %(title)s", id=prefix + lesson.id,
                                                                               title=changed.title.default)))
    changes += _quiz_changes(before, after)
    return changes


def _quiz_changes(before: Module, after: Module) -> list[Change]:
    module_id = after.id
    if before.quiz is None and after.quiz is None:
        return []
    if before.quiz is None or after.quiz is None:
        kind = ADDED if before.quiz is None else REMOVED
        summary = msg("Quiz of module '%(id)s' added", id=module_id) if kind == ADDED \
            else msg("Quiz of module '%(id)s' removed", id=module_id)
        return [Change(kind, "quiz", module_id, summary)]
    old_quiz, new_quiz = before.quiz, after.quiz
    changes: list[Change] = []
    settings = [name for name in ("pass_mark", "max_attempts", "shuffle") if getattr(old_quiz, name) != getattr(new_quiz, name)]
    if settings:
        details = ", ".join(f"{name} {getattr(old_quiz, name)} → {getattr(new_quiz, name)}" for name in settings)
        changes.append(Change(CHANGED, "quiz", module_id, msg("Quiz of module '%(id)s' settings changed: %(details)s", id=module_id, details=details)))
    prefix = f"{module_id}/"
    changes += _added_removed(old_quiz.questions, new_quiz.questions, "question", prefix, lambda question: question.prompt.default[:60])
    new_questions = _by_id(new_quiz.questions)
    for question in old_quiz.questions:
        changed = new_questions.get(question.id)
        if changed is not None and changed != question:
            fields = ", ".join(_question_differences(question, changed))
            changes.append(Change(CHANGED, "question", prefix + question.id, msg("Question '%(id)s' changed: %(fields)s", id=prefix + question.id, fields=fields)))
    return changes


def diff_courses(old: Course, new: Course) -> list[Change]:
    """Changes from ``old`` to ``new``: modules, lessons, quizzes, questions, certification."""
    changes: list[Change] = []
    if _text_changed(old.title, new.title):
        changes.append(Change(REWORDED, "course", new.id, msg("Course title changed to '%(title)s'", title=new.title.default)))
    if _text_changed(old.summary, new.summary):
        changes.append(Change(REWORDED, "course", new.id, msg("Course summary reworded")))
    if old.standard != new.standard:
        changes.append(Change(CHANGED, "course", new.id, msg("Course now follows standard %(new)s (was %(old)s)",
                                                                   new=new.standard or msg("none"), old=old.standard or msg("none"))))
    changes += _added_removed(old.modules, new.modules, "module", "", lambda module: module.title.default)
    new_modules = _by_id(new.modules)
    for module in old.modules:
        changed = new_modules.get(module.id)
        if changed is not None:
            changes += _module_changes(module, changed)
    if old.certification != new.certification:
        changes.append(Change(CHANGED, "certification", new.id, _certification_summary(old, new)))
    return changes


def _certification_summary(old: Course, new: Course) -> Message:
    if old.certification is None:
        return msg("Certification added")
    if new.certification is None:
        return msg("Certification removed")
    before, after = old.certification.valid_days, new.certification.valid_days
    if before != after:
        return msg("Certification validity changed from %(old)s to %(new)s", old=_validity(before), new=_validity(after))
    return msg("Certification title changed")


def _validity(valid_days: int | None) -> Message:
    return msg_plural("%(count)s day", "%(count)s days", valid_days) if valid_days else msg("never expiring")

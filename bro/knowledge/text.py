"""The words for the cells of the knowledge × conformance grid, their actions, and the retraining reasons."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from bro.quality.knowledge import DOES_NOT_KNOWING, KNOWS_DOES, KNOWS_NOT_DOING, NEITHER, NOT_ENOUGH, UNCERTAIN

CELL_LABELS = {
    KNOWS_DOES: _l("knows and does"),
    KNOWS_NOT_DOING: _l("knows, doesn't do"),
    NEITHER: _l("doesn't know, doesn't do"),
    DOES_NOT_KNOWING: _l("doesn't know, does"),
    UNCERTAIN: _l("uncertain"),
    NOT_ENOUGH: _l("not enough evidence"),
}

CELL_ACTIONS = {
    KNOWS_DOES: _l("Nothing to do."),
    KNOWS_NOT_DOING: _l("Coaching, and a look at the process or the standard: retraining would not help."),
    NEITHER: _l("Training: the module that teaches the step."),
    DOES_NOT_KNOWING: _l("Check the quiz questions (item analysis) or the lesson; or the person learned it on the job."),
    UNCERTAIN: _l("Wait for more evidence: the interval crosses a threshold."),
    NOT_ENOUGH: _l("Too few questions or audits to say."),
}

REASON_LABELS = {
    "standard_always": _l("the standard asks for retraining every time"),
    KNOWS_NOT_DOING: _l("knows the step but does not do it: coaching instead of retraining"),
    KNOWS_DOES: _l("knows and usually does the step"),
    NEITHER: _l("does not know the step"),
    DOES_NOT_KNOWING: _l("does the step, but the quizzes do not show it is known"),
    UNCERTAIN: _l("not clear whether the step is known and done"),
    NOT_ENOUGH: _l("too few questions or audits to tell"),
}

BADGES = {KNOWS_DOES: "badge-ok", KNOWS_NOT_DOING: "badge-warn", NEITHER: "badge-bad", DOES_NOT_KNOWING: "badge-warn",
          UNCERTAIN: "badge-muted", NOT_ENOUGH: "badge-muted"}


def cell_label(cell: str) -> str:
    return str(CELL_LABELS.get(cell, cell))

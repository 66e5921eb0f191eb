"""Diffs between curriculum versions read as plain English."""
from __future__ import annotations

from bro.curricula import check_text
from bro.curricula.diff import Change, diff_courses, diff_standards
from tests.fixtures import fixture_text

STANDARD = fixture_text("curricula/brm_standard_three_steps.yaml")

COURSE = fixture_text("curricula/foundations_course.yaml")

KNOWN = {"brm-service": ["greet", "needs", "close"]}


def document(text: str):
    result = check_text(text, "x.yaml", known_standards=KNOWN)
    assert result.errors == []
    return result.documents[0]


def test_identical_versions_have_no_changes():
    assert diff_standards(document(STANDARD), document(STANDARD)) == []
    assert diff_courses(document(COURSE), document(COURSE)) == []


def test_step_changes_are_named():
    new = (
        STANDARD.replace("Discover needs, weight: 2", "Discover needs, weight: 3")
        .replace("Welcome the inquiry", "Welcome every inquiry")
        .replace("critical: true", "critical: false")
        .replace("  - {id: greet", "  - {id: offer, title: Make an offer}\n  - {id: greet")
    )
    changes = diff_standards(document(STANDARD), document(new))
    assert [(change.kind, change.element_id, change.summary) for change in changes] == [
        ("added", "offer", "Step 'offer' added: Make an offer"),
        ("reworded", "greet", "Step 'greet' reworded (title): Welcome every inquiry"),
        ("reweighted", "needs", "Step 'needs' reweighted from 2 to 3"),
        ("critical-changed", "close", "Step 'close' is no longer critical"),
    ]


def test_removed_step_and_pass_score():
    new = STANDARD.replace("  - {id: needs, title: Discover needs, weight: 2}\n", "").replace("pass_score: 85", "pass_score: 90")
    changes = diff_standards(document(STANDARD), document(new))
    assert [change.summary for change in changes] == [
        "Pass score changed from 85 to 90",
        "Step 'needs' removed: Discover needs",
    ]


def test_reordered_steps_are_reported():
    new = STANDARD.replace(
        "  - {id: greet, title: Welcome the inquiry}\n  - {id: needs, title: Discover needs, weight: 2}\n",
        "  - {id: needs, title: Discover needs, weight: 2}\n  - {id: greet, title: Welcome the inquiry}\n",
    )
    assert diff_standards(document(STANDARD), document(new)) == [
        Change("reordered", "step", "", "Steps reordered: needs, greet, close")
    ]


def test_course_changes_are_named():
    new = (
        COURSE.replace("teaches: [greet]", "teaches: [greet, needs]")
        .replace("Because.", "Because it matters.")
        .replace("value: 3", "value: 4")
        .replace("        - {id: q1, type: true_false, prompt: Greet first, answer: true}\n", "")
        .replace("title: Listening", "title: Active listening")
        + "  - id: close\n    title: Closing\n    required: false\n    lessons: [{id: end, title: End, body: Done.}]\n"
    )
    changes = diff_courses(document(COURSE), document(new))
    assert [(change.kind, change.element, change.summary) for change in changes] == [
        ("added", "module", "Module 'close' added: Closing"),
        ("teaches-changed", "module", "Module 'trust' now teaches greet, needs (was greet)"),
        ("changed", "lesson", "Lesson 'trust/why' changed: Why"),
        ("removed", "question", "Question 'trust/q1' removed: Greet first"),
        ("changed", "question", "Question 'trust/q2' changed: value"),
        ("reworded", "module", "Module 'listen' renamed to 'Active listening'"),
    ]


def test_removed_module_and_certification():
    new = COURSE.split("  - id: listen")[0] + "certification: {title: Certified, valid_days: 365}\n"
    changes = diff_courses(document(COURSE), document(new))
    assert [change.summary for change in changes] == ["Module 'listen' removed: Listening", "Certification added"]

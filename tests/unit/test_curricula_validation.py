"""One test per rule of CURRICULUM_FORMAT.md, asserting the exact message a trainer sees."""
from __future__ import annotations

import pytest

from bro.curricula import Course, Standard, check_paths, check_text
from tests.fixtures import fixture_text

FILE = "curricula/brm.yaml"
KNOWN = {"brm-service": ["greet", "needs", "offer"]}

STANDARD = fixture_text("curricula/brm_standard.yaml")

COURSE = """\
kind: course
id: brm-foundations
title: Relationship foundations
standard: brm-service
modules:
  - id: trust
    title: Building trust
    teaches: [greet, needs]
    lessons:
      - id: why
        title: Why relationships
        body: Customers are the lifeblood.
    quiz:
      pass_mark: 80
      questions:
"""

SINGLE = """\
        - id: q1
          type: single
          prompt: Which comes first?
          options:
            - {id: a, text: Greeting, correct: true}
            - {id: b, text: Offer}
"""


def errors_of(text: str, known=KNOWN) -> list[str]:
    return [str(error) for error in check_text(text, FILE, known_standards=known).errors]


def course_with(question: str, course: str = COURSE) -> str:
    return course + question


def test_valid_standard_has_no_errors():
    result = check_text(STANDARD, FILE)
    assert result.errors == []
    assert isinstance(result.documents[0], Standard)
    assert result.documents[0].steps[0].weight == 1
    assert result.documents[0].steps[0].critical is False


def test_valid_course_has_no_errors():
    result = check_text(course_with(SINGLE), FILE, known_standards=KNOWN)
    assert result.errors == []
    course = result.documents[0]
    assert isinstance(course, Course)
    assert course.modules[0].required is True
    assert course.modules[0].quiz.questions[0].points == 1


RULES = [
    # (test id, yaml, expected errors)
    ("weight-zero", STANDARD.replace("weight: 2", "weight: 0"),
     [f"{FILE}:11:13: steps[1].weight: must be greater than 0"]),
    ("weight-negative", STANDARD.replace("weight: 2", "weight: -1"),
     [f"{FILE}:11:13: steps[1].weight: must be greater than 0"]),
    ("weight-not-a-number", STANDARD.replace("weight: 2", "weight: heavy"),
     [f"{FILE}:11:13: steps[1].weight: must be a number, not text"]),
    ("weight-misspelt", STANDARD.replace("weight: 2", "wieght: 2"),
     [f"{FILE}:11:5: steps[1].wieght: unknown field 'wieght'; did you mean 'weight'?"]),
    ("unknown-field-without-hint", STANDARD + "colour: red\n",
     [f"{FILE}:12:1: colour: unknown field 'colour'; standard fields are: kind, id, language, title, relationship, pass_score, steps, retraining"]),
    ("pass-score-zero", STANDARD.replace("pass_score: 85", "pass_score: 0"),
     [f"{FILE}:5:13: pass_score: must be greater than 0"]),
    ("pass-score-above-100", STANDARD.replace("pass_score: 85", "pass_score: 100.5"),
     [f"{FILE}:5:13: pass_score: must be at most 100"]),
    ("relationship-unknown", STANDARD.replace("relationship: b2c", "relationship: b2bb"),
     [f"{FILE}:4:15: relationship: 'b2bb' is not allowed; did you mean 'b2b'? Use b2c, b2b or any"]),
    ("relationship-missing", STANDARD.replace("relationship: b2c\n", ""),
     [f"{FILE}:1:1: relationship: required field is missing"]),
    ("step-title-missing", STANDARD.replace("    title: Discover needs\n", ""),
     [f"{FILE}:9:5: steps[1].title: required field is missing"]),
    ("step-id-invalid", STANDARD.replace("id: greet", "id: Greet"),
     [f"{FILE}:7:9: steps[0].id: 'Greet' is not a valid id; use lowercase letters, digits and hyphens, starting with a letter or digit"]),
    ("step-id-not-text", STANDARD.replace("id: greet", "id: [greet]"),
     [f"{FILE}:7:9: steps[0].id: must be an id (use lowercase letters, digits and hyphens, starting with a letter or digit), not a list"]),
    ("step-id-number", STANDARD.replace("id: greet", "id: 7"),
     [f"{FILE}:7:9: steps[0].id: must be an id (use lowercase letters, digits and hyphens, starting with a letter or digit), not a number; put it in quotes, e.g. '7'"]),
    ("step-id-too-long", STANDARD.replace("id: greet", "id: " + "g" * 81),
     [f"{FILE}:7:9: steps[0].id: is longer than 80 characters"]),
    ("weight-too-large", STANDARD.replace("weight: 2", "weight: 1001"),
     [f"{FILE}:11:13: steps[1].weight: must be at most 1000"]),
    ("weight-too-precise", STANDARD.replace("weight: 2", "weight: 0.0001"),
     [f"{FILE}:11:13: steps[1].weight: use at most 3 decimal places"]),
    ("step-id-duplicate", STANDARD.replace("id: needs", "id: greet"),
     [f"{FILE}:9:9: steps[1].id: step id 'greet' is used twice in this standard; the first is steps[0]"]),
    ("steps-empty", STANDARD.split("steps:")[0] + "steps: []\n",
     [f"{FILE}:6:8: steps: needs at least one step"]),
    ("steps-not-a-list", STANDARD.split("steps:")[0] + "steps: greet\n",
     [f"{FILE}:6:8: steps: must be a list, not text"]),
    ("step-not-a-mapping", STANDARD + "  - greet\n",
     [f"{FILE}:12:5: steps[2]: must be a mapping of fields (id, title, guidance, weight, critical), not text"]),
    ("critical-not-boolean", STANDARD + "    critical: maybe\n",
     [f"{FILE}:12:15: steps[1].critical: must be true or false, not text"]),
    ("language-invalid", STANDARD.replace("kind: standard\n", "kind: standard\nlanguage: english\n"),
     [f"{FILE}:2:11: language: 'english' is not a language code; use a two-letter lowercase code such as en, id or pl"]),
    ("text-language-code-invalid", STANDARD.replace("title: Service standard", "title: {en: Service standard, eng: Service}"),
     [f"{FILE}:3:31: title.eng: 'eng' is not a language code; use a two-letter lowercase code such as en, id or pl"]),
    ("text-translation-empty", STANDARD.replace("title: Service standard", "title: {en: Service standard, pl: ''}"),
     [f"{FILE}:3:35: title.pl: must not be empty"]),
    ("text-default-language-missing", STANDARD.replace("title: Service standard", "title: {pl: Standard obsługi}"),
     [f"{FILE}:3:8: title: has no text in the document's language 'en'; add 'en: ...'"]),
    ("text-is-a-number", STANDARD.replace("title: Discover needs", "title: 42"),
     [f"{FILE}:10:12: steps[1].title: must be text, not a number; put it in quotes, e.g. '42'"]),
    ("text-is-empty", STANDARD.replace("title: Discover needs", "title:"),
     [f"{FILE}:10:11: steps[1].title: must not be empty"]),
    ("kind-unknown", STANDARD.replace("kind: standard", "kind: standart"),
     [f"{FILE}:1:7: kind: unknown kind 'standart'; did you mean 'standard'?"]),
    ("kind-missing", STANDARD.replace("kind: standard\n", ""),
     [f"{FILE}:1:1: kind: required field is missing; use 'kind: standard' or 'kind: course'"]),
    ("document-not-a-mapping", "- greet\n- needs\n",
     [f"{FILE}:1:1: a document must be a mapping of fields starting with 'kind: standard' or 'kind: course', not a list"]),
    ("duplicate-key", STANDARD.replace("pass_score: 85\n", "pass_score: 85\npass_score: 90\n"),
     [f"{FILE}:6:1: pass_score: duplicate key 'pass_score' (first defined at line 5, column 1); remove one of them"]),
    # --- courses ---
    ("teaches-unknown-step", course_with(SINGLE).replace("[greet, needs]", "[greet, greet2]"),
     [f"{FILE}:8:22: modules[0].teaches[1]: teaches names step 'greet2', which standard 'brm-service' does not have; its steps are: greet, needs, offer"]),
    ("teaches-step-twice", course_with(SINGLE).replace("[greet, needs]", "[greet, greet]"),
     [f"{FILE}:8:22: modules[0].teaches[1]: step 'greet' is listed twice"]),
    ("teaches-without-standard", course_with(SINGLE).replace("standard: brm-service\n", ""),
     [f"{FILE}:7:14: modules[0].teaches: teaches needs the course to name its standard; add 'standard: <standard id>' to the course"]),
    ("standard-unknown", course_with(SINGLE).replace("standard: brm-service", "standard: brm-servce"),
     [f"{FILE}:4:11: standard: standard 'brm-servce' is not in this import and has not been imported before; did you mean 'brm-service'?"]),
    ("modules-missing", COURSE.split("modules:")[0],
     [f"{FILE}:1:1: modules: required field is missing"]),
    ("lessons-empty", course_with(SINGLE).replace(
        "    lessons:\n      - id: why\n        title: Why relationships\n        body: Customers are the lifeblood.\n", "    lessons: []\n"),
     [f"{FILE}:9:14: modules[0].lessons: needs at least one lesson"]),
    ("lesson-body-missing", course_with(SINGLE).replace("        body: Customers are the lifeblood.\n", ""),
     [f"{FILE}:10:9: modules[0].lessons[0].body: required field is missing"]),
    ("required-not-boolean", course_with(SINGLE).replace("    teaches:", "    required: sometimes\n    teaches:"),
     [f"{FILE}:8:15: modules[0].required: must be true or false, not text"]),
    ("module-id-duplicate", course_with(SINGLE) + "  - id: trust\n    title: Again\n    lessons: [{id: a, title: A, body: B}]\n",
     [f"{FILE}:22:9: modules[1].id: module id 'trust' is used twice in this course; the first is modules[0]"]),
    ("pass-mark-zero", course_with(SINGLE).replace("pass_mark: 80", "pass_mark: 0"),
     [f"{FILE}:14:18: modules[0].quiz.pass_mark: must be greater than 0"]),
    ("pass-mark-above-100", course_with(SINGLE).replace("pass_mark: 80", "pass_mark: 180"),
     [f"{FILE}:14:18: modules[0].quiz.pass_mark: must be at most 100"]),
    ("max-attempts-zero", course_with(SINGLE).replace("pass_mark: 80", "pass_mark: 80\n      max_attempts: 0"),
     [f"{FILE}:15:21: modules[0].quiz.max_attempts: must be greater than 0"]),
    ("max-attempts-fraction", course_with(SINGLE).replace("pass_mark: 80", "pass_mark: 80\n      max_attempts: 1.5"),
     [f"{FILE}:15:21: modules[0].quiz.max_attempts: must be a whole number, not 1.5"]),
    ("questions-missing", COURSE.replace("      questions:\n", ""),
     [f"{FILE}:14:7: modules[0].quiz.questions: required field is missing"]),
    ("question-type-unknown", course_with(SINGLE.replace("type: single", "type: singel")),
     [f"{FILE}:17:17: modules[0].quiz.questions[0].type: 'singel' is not allowed; did you mean 'single'? Use single, multiple, true_false, short_text, numeric or ordering"]),
    ("points-zero", course_with(SINGLE.replace("type: single", "type: single\n          points: 0")),
     [f"{FILE}:18:19: modules[0].quiz.questions[0].points: must be greater than 0"]),
    ("prompt-missing", course_with(SINGLE.replace("          prompt: Which comes first?\n", "")),
     [f"{FILE}:16:11: modules[0].quiz.questions[0].prompt: required field is missing"]),
    ("question-id-duplicate", course_with(SINGLE + SINGLE),
     [f"{FILE}:22:15: modules[0].quiz.questions[1].id: question id 'q1' is used twice in this quiz; the first is questions[0]".replace(
         "questions[0]", "modules[0].quiz.questions[0]")]),
    ("single-two-correct", course_with(SINGLE.replace("text: Offer}", "text: Offer, correct: true}")),
     [f"{FILE}:20:13: modules[0].quiz.questions[0].options: a single-choice question needs exactly one correct option (correct: true); it has 2"]),
    ("single-no-correct", course_with(SINGLE.replace(", correct: true}", "}")),
     [f"{FILE}:20:13: modules[0].quiz.questions[0].options: a single-choice question needs exactly one correct option (correct: true); it has 0"]),
    ("single-one-option", course_with(SINGLE.replace("            - {id: b, text: Offer}\n", "")),
     [f"{FILE}:20:13: modules[0].quiz.questions[0].options: needs at least 2 options"]),
    ("multiple-no-correct", course_with(SINGLE.replace("type: single", "type: multiple").replace(", correct: true}", "}")),
     [f"{FILE}:20:13: modules[0].quiz.questions[0].options: a multiple-choice question needs at least one correct option (correct: true)"]),
    ("option-id-duplicate", course_with(SINGLE.replace("{id: b,", "{id: a,")),
     [f"{FILE}:21:20: modules[0].quiz.questions[0].options[1].id: option id 'a' is used twice in this question; the first is modules[0].quiz.questions[0].options[0]"]),
    ("option-text-missing", course_with(SINGLE.replace("{id: b, text: Offer}", "{id: b}")),
     [f"{FILE}:21:15: modules[0].quiz.questions[0].options[1].text: required field is missing"]),
    ("true-false-answer-missing", course_with("        - id: q1\n          type: true_false\n          prompt: Greet first?\n"),
     [f"{FILE}:16:11: modules[0].quiz.questions[0].answer: required field is missing"]),
    ("true-false-answer-not-boolean", course_with("        - id: q1\n          type: true_false\n          prompt: Greet first?\n          answer: 'yes'\n"),
     [f"{FILE}:19:19: modules[0].quiz.questions[0].answer: must be true or false, not text"]),
    ("field-of-another-type", course_with("        - id: q1\n          type: true_false\n          prompt: Greet first?\n          answer: true\n          accept: [yes]\n"),
     [f"{FILE}:20:11: modules[0].quiz.questions[0].accept: field 'accept' does not apply to true_false questions; remove it"]),
    ("short-text-accept-empty", course_with("        - id: q1\n          type: short_text\n          prompt: Channel?\n          accept: []\n"),
     [f"{FILE}:19:19: modules[0].quiz.questions[0].accept: needs at least one accepted answer"]),
    ("short-text-accept-missing", course_with("        - id: q1\n          type: short_text\n          prompt: Channel?\n"),
     [f"{FILE}:16:11: modules[0].quiz.questions[0].accept: required field is missing"]),
    ("numeric-value-missing", course_with("        - id: q1\n          type: numeric\n          prompt: How many?\n"),
     [f"{FILE}:16:11: modules[0].quiz.questions[0].value: required field is missing"]),
    ("numeric-value-not-a-number", course_with("        - id: q1\n          type: numeric\n          prompt: How many?\n          value: four\n"),
     [f"{FILE}:19:18: modules[0].quiz.questions[0].value: must be a number, not text"]),
    ("numeric-tolerance-negative", course_with("        - id: q1\n          type: numeric\n          prompt: How many?\n          value: 4\n          tolerance: -1\n"),
     [f"{FILE}:20:22: modules[0].quiz.questions[0].tolerance: must not be negative"]),
    ("valid-days-zero", course_with(SINGLE) + "certification:\n  title: Certified\n  valid_days: 0\n",
     [f"{FILE}:24:15: certification.valid_days: must be greater than 0"]),
    ("valid-days-too-large", course_with(SINGLE) + "certification:\n  title: Certified\n  valid_days: 100000\n",
     [f"{FILE}:24:15: certification.valid_days: must be at most 36500"]),
    ("certification-title-missing", course_with(SINGLE) + "certification:\n  valid_days: 365\n",
     [f"{FILE}:23:3: certification.title: required field is missing"]),
]


@pytest.mark.parametrize("text, expected", [pytest.param(text, expected, id=name) for name, text, expected in RULES])
def test_rule_reports_exact_message(text, expected):
    assert errors_of(text) == expected


def test_boundary_values_are_accepted():
    text = STANDARD.replace("pass_score: 85", "pass_score: 100").replace("weight: 2", "weight: 0.5")
    assert errors_of(text) == []


def test_all_errors_of_a_file_are_reported_together():
    text = STANDARD.replace("weight: 2", "weight: 0").replace("pass_score: 85", "pass_score: 0") + "---\n" + course_with(
        SINGLE.replace("type: single", "type: singel")
    ).replace("[greet, needs]", "[greet, greet2]")
    messages = errors_of(text, known={})
    assert len(messages) == 4
    assert messages[0].endswith("pass_score: must be greater than 0")
    assert messages[1].endswith("steps[1].weight: must be greater than 0")
    assert "teaches names step 'greet2', which standard 'brm-service' does not have; its steps are: greet, needs" in messages[2]
    assert "type: 'singel' is not allowed" in messages[3]


def test_course_may_use_a_standard_from_the_same_import():
    result = check_text(STANDARD + "---\n" + course_with(SINGLE), FILE, known_standards={})
    assert result.errors == []
    assert [type(document) for document in result.documents] == [Standard, Course]


def test_course_teaches_is_checked_against_the_standard_in_the_import_over_a_known_one():
    text = STANDARD + "---\n" + course_with(SINGLE).replace("[greet, needs]", "[offer]")
    assert errors_of(text, known=KNOWN) == [
        f"{FILE}:20:15: modules[0].teaches[0]: teaches names step 'offer', which standard 'brm-service' does not have; its steps are: greet, needs"
    ]


def test_texts_may_be_localized_and_fall_back_to_the_default_language():
    text = STANDARD.replace("title: Service standard", "title: {en: Service standard, id: Standar layanan, pl: Standard obsługi}")
    standard = check_text(text, FILE).documents[0]
    assert standard.title.get("pl").text == "Standard obsługi"
    fallback = standard.steps[0].title.get("pl")
    assert (fallback.text, fallback.language, fallback.is_fallback) == ("Welcome the inquiry", "en", True)


def test_plain_strings_are_in_the_document_language():
    text = STANDARD.replace("kind: standard\n", "kind: standard\nlanguage: pl\n")
    standard = check_text(text, FILE).documents[0]
    assert standard.title.default_language == "pl"
    assert standard.title.get("pl").is_fallback is False


def test_duplicate_ids_across_files_in_one_import_are_an_error(tmp_path):
    (tmp_path / "a.yaml").write_text(STANDARD, encoding="utf-8")
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "b.yml").write_text(STANDARD, encoding="utf-8")
    result = check_paths([tmp_path])
    assert result.files == [str(tmp_path / "a.yaml"), str(tmp_path / "nested" / "b.yml")]
    assert result.file_of(result.documents[0]) == str(tmp_path / "a.yaml")
    assert [str(error) for error in result.errors] == [
        f"{tmp_path / 'nested' / 'b.yml'}:2:5: id: standard id 'brm-service' is already used at {tmp_path / 'a.yaml'}:2:5; ids must be unique in one import"
    ]


def test_check_paths_reports_progress_per_file(tmp_path):
    for name in ("b.yaml", "a.yaml", "notes.txt"):
        (tmp_path / name).write_text(STANDARD.replace("brm-service", name.split(".")[0]), encoding="utf-8")
    calls = []
    result = check_paths(tmp_path, progress=lambda name, number, total: calls.append((name, number, total)))
    assert result.ok
    assert calls == [(str(tmp_path / "a.yaml"), 1, 2), (str(tmp_path / "b.yaml"), 2, 2)]


def test_missing_path_is_reported_not_raised(tmp_path):
    result = check_paths([tmp_path / "nope.yaml"])
    assert [str(error) for error in result.errors] == [f"{tmp_path / 'nope.yaml'}: no such file or folder"]


def test_raise_for_errors_raises_the_check_error():
    from bro.curricula import CurriculumCheckError

    result = check_text(STANDARD.replace("weight: 2", "weight: 0"), FILE)
    with pytest.raises(CurriculumCheckError) as raised:
        result.raise_for_errors()
    assert str(raised.value) == f"{FILE}:11:13: steps[1].weight: must be greater than 0"
    assert raised.value.errors == result.errors


def test_sample_curricula_shipped_with_the_app_are_valid():
    result = check_paths(["curricula"])
    assert [str(error) for error in result.errors] == []
    assert result.documents


def test_retraining_defaults_to_by_knowledge_and_always_is_kept_in_the_document():
    default = check_text(STANDARD, FILE).documents[0]
    always = check_text(STANDARD.replace("pass_score: 85", "pass_score: 85\nretraining: always"), FILE).documents[0]
    assert default.retraining == "by_knowledge" and "retraining" not in default.to_dict()
    assert always.retraining == "always" and Standard.from_dict(always.to_dict()).retraining == "always"
    assert default.content_hash != always.content_hash


def test_retraining_accepts_only_its_two_choices():
    text = STANDARD.replace("pass_score: 85", "pass_score: 85\nretraining: sometimes")
    assert errors_of(text) == [f"{FILE}:6:13: retraining: 'sometimes' is not allowed; use by_knowledge or always"]

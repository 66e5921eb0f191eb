"""Whatever a trainer (or an attacker) writes, checking returns errors and never raises."""
from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bro.curricula import CheckResult, CurriculumError, check_text
from bro.curricula.model import document_from_dict
from tests.fixtures import fixture_text

VALID = fixture_text("curricula/standard_and_course.yaml")

FIELD_NAMES = [
    "kind", "id", "language", "title", "relationship", "pass_score", "steps", "guidance", "weight", "critical",
    "summary", "standard", "modules", "teaches", "required", "lessons", "body", "quiz", "pass_mark", "max_attempts",
    "shuffle", "questions", "type", "points", "prompt", "options", "text", "correct", "feedback", "answer", "accept",
    "value", "tolerance", "explanation", "certification", "valid_days", "en", "pl", "wieght",
]
WORDS = ["standard", "course", "single", "multiple", "true_false", "short_text", "numeric", "b2c", "any", "greet", "brm-service", "", "En"]
FAST = settings(deadline=1000, max_examples=150, database=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 200), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(WORDS), st.text(max_size=8),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.sampled_from(FIELD_NAMES), children, max_size=6)),
    max_leaves=40,
)


def assert_well_behaved(result: CheckResult) -> None:
    assert isinstance(result, CheckResult)
    assert all(isinstance(error, CurriculumError) for error in result.errors)
    for error in result.errors:
        assert str(error).startswith("fuzz.yaml")
    for document in result.documents:
        assert document_from_dict(document.to_dict()) == document


def test_the_fuzzing_base_is_valid():
    assert check_text(VALID, "fuzz.yaml").errors == []


@FAST
@given(st.text(max_size=300))
def test_random_text_never_raises(text):
    assert_well_behaved(check_text(text, "fuzz.yaml"))


@FAST
@given(st.integers(0, len(VALID)), st.integers(0, 40), st.text(alphabet=":-[]{}&*!|>'\"#\n ,?%@`abc019", max_size=12))
def test_mutated_valid_yaml_never_raises(start, length, insert):
    text = VALID[:start] + insert + VALID[start + length :]
    assert_well_behaved(check_text(text, "fuzz.yaml"))


@FAST
@given(st.dictionaries(st.sampled_from(FIELD_NAMES), values, max_size=10), st.sampled_from(["standard", "course", None]))
def test_random_documents_with_real_field_names_never_raise(document, kind):
    if kind is not None:
        document["kind"] = kind
    assert_well_behaved(check_text(yaml.safe_dump(document, allow_unicode=True), "fuzz.yaml"))


@FAST
@given(st.lists(st.sampled_from(VALID.splitlines()), max_size=40))
def test_shuffled_lines_of_valid_yaml_never_raise(lines):
    assert_well_behaved(check_text("\n".join(lines), "fuzz.yaml"))

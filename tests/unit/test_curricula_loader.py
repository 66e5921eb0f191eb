"""Safe YAML loading: hostile or broken files are refused quickly with a position."""
from __future__ import annotations

import time

from bro.curricula import MAX_FILE_BYTES, check_paths, check_text
from bro.curricula.loader import MAX_ALIAS_USES, load_yaml_text

FILE = "curricula/bad.yaml"


def messages(text: str) -> list[str]:
    return [str(error) for error in check_text(text, FILE).errors]


def billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for letter in "bcdefghi":
        lines.append(f"{letter}: &{letter} [" + ", ".join([f"*{previous}"] * 9) + "]")
        previous = letter
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_rejected_in_well_under_a_second():
    started = time.perf_counter()
    errors = messages(billion_laughs())
    assert time.perf_counter() - started < 1
    assert len(errors) == 1
    assert "too many alias uses" in errors[0]


def test_a_few_aliases_are_fine():
    result = load_yaml_text("base: &base {en: Hello}\nother: *base\n", FILE)
    assert result.errors == []
    assert result.documents[0].data == {"base": {"en": "Hello"}, "other": {"en": "Hello"}}


def test_wide_alias_fan_out_is_bounded_by_alias_count():
    text = "a: &a x\nb: [" + ", ".join(["*a"] * (MAX_ALIAS_USES + 1)) + "]\n"
    assert "too many alias uses" in messages(text)[0]


def test_recursive_alias_is_refused():
    # PyYAML shares the anchored node, so the position is the anchor's.
    assert messages("a: &a [1, *a]\n") == [
        f"{FILE}:1:4: a[1]: an alias refers to the value that contains it; remove the recursive alias"
    ]


def test_python_object_tag_is_refused():
    assert messages("kind: !!python/object/apply:os.system ['echo hi']\n") == [
        f"{FILE}:1:7: kind: the YAML tag '!!python/object/apply:os.system' is not allowed; use plain values without tags"
    ]


def test_custom_local_tag_is_refused():
    assert messages("kind: standard\nid: !secret x\n") == [
        f"{FILE}:2:5: id: the YAML tag '!secret' is not allowed; use plain values without tags"
    ]


def test_binary_and_set_tags_are_refused():
    assert "'!!binary' is not allowed" in messages("a: !!binary aGVsbG8=\n")[0]
    assert "'!!set' is not allowed" in messages("a: !!set {x, y}\n")[0]


def test_standard_tags_are_allowed():
    result = load_yaml_text("a: !!str 12\nb: !!int '3'\n", FILE)
    assert result.documents[0].data == {"a": "12", "b": 3}


def test_merge_keys_are_refused():
    assert messages("base: &b {weight: 1}\nstep:\n  <<: *b\n") == [
        f"{FILE}:3:3: step: merge keys ('<<') are not supported; write the fields out"
    ]


def test_duplicate_keys_are_reported_with_both_positions():
    result = load_yaml_text("a: 1\nb:\n  c: 1\n  c: 2\n", FILE)
    assert [str(error) for error in result.errors] == [
        f"{FILE}:4:3: b.c: duplicate key 'c' (first defined at line 3, column 3); remove one of them"
    ]


def test_syntax_error_names_line_and_column():
    assert messages("kind: standard\nsteps: [greet\nid: x\n") == [
        f"{FILE}:3:3: YAML syntax error: expected ',' or ']', but got ':' (while parsing a flow sequence)"
    ]


def test_tab_indentation_is_a_syntax_error_with_position():
    assert messages("kind: standard\n\tid: x\n")[0].startswith(f"{FILE}:2:1: YAML syntax error: ")


def test_oversize_text_is_refused_without_parsing():
    text = "a: " + "x" * MAX_FILE_BYTES + "\n"
    started = time.perf_counter()
    assert messages(text) == [
        f"{FILE}: the file is {len(text):,} bytes, larger than the limit of {MAX_FILE_BYTES:,} bytes; split it into smaller files"
    ]
    assert time.perf_counter() - started < 0.5


def test_oversize_file_is_refused(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    assert [str(error) for error in check_paths([path]).errors] == [
        f"{path}: the file is {MAX_FILE_BYTES + 1:,} bytes, larger than the limit of {MAX_FILE_BYTES:,} bytes; split it into smaller files"
    ]


def test_file_that_is_not_utf8_is_refused_with_its_line(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("kind: standard\ntitle: Obs\u0142uga\n".encode("utf-8") + b"id: caf\xe9\n")
    assert [str(error) for error in check_paths([path]).errors] == [
        f"{path}:3:8: the file is not UTF-8 text; save it with UTF-8 encoding"
    ]


def test_empty_file_is_reported():
    assert messages("# only a comment\n") == [f"{FILE}:1:1: the file is empty; it needs at least one document with a 'kind'"]


def test_deep_nesting_is_refused():
    assert "nested" in messages("a: " + "[" * 3000 + "]" * 3000 + "\n")[0]
    assert "nested more than" in messages("a: " + "[" * 60 + "]" * 60 + "\n")[0]


def test_huge_integer_is_refused_not_crashing():
    assert messages("a: " + "9" * 5000 + "\n")[0].startswith(f"{FILE}:1:4: a: '9999")


def test_positions_are_recorded_for_values_and_keys():
    document = load_yaml_text("a:\n  b:\n    - id: x\n      w: 1\n", FILE).documents[0]
    assert document.value_positions["a.b[0].w"] == (4, 10)
    assert document.key_positions["a.b[0].w"] == (4, 7)
    assert document.value_positions["a.b[0]"] == (3, 7)


def test_keys_are_kept_as_written_so_language_codes_stay_text():
    document = load_yaml_text("title:\n  id: Judul\n  no: Tittel\n", FILE).documents[0]
    assert document.data == {"title": {"id": "Judul", "no": "Tittel"}}


def test_trailing_document_separator_is_ignored():
    text = "kind: standard\nid: s\ntitle: S\nrelationship: any\npass_score: 80\nsteps: [{id: a, title: A}]\n---\n"
    assert messages(text) == []

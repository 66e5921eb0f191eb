"""libyaml composes what the pure-Python loader composes, with the same positions, limits and messages."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bro.curricula import loader
from bro.curricula.loader import C_COMPOSER_MAX_NESTING, load_yaml_text

pytestmark = pytest.mark.skipif(loader._FAST_LOADER is None, reason="PyYAML without libyaml")

CURRICULA = sorted((Path(__file__).resolve().parents[2] / "curricula").glob("*.yaml"))

TEXTS = {
    "unicode before values": "kind: course\nid: zażółć\ntitle: {en: \"Gęś — 🦆 duck\", pl: Gęś}\nsteps:\n  - ą: 1\n    ł: [a, b]\n",
    "windows line ends": "kind: course\r\nid: crlf\r\nlist:\r\n  - one\r\n  - two\r\n",
    "byte order mark": "\ufeffkind: course\nid: bom\n",
    "block scalars": "kind: lesson\nbody: |\n  line one\n  line two\nfolded: >\n  a\n  b\nafter: 3\n",
    "anchors": "base: &b {a: 1}\nfirst: *b\nsecond: *b\n",
    "several documents": "kind: a\n---\nkind: b\n...\n---\nkind: c\n",
    "duplicate key": "kind: a\nkind: b\n",
    "a tag": "kind: !!python/object:os.system x\n",
}
ERRORS = {
    "bad indentation": "kind: a\n  id: b\n c: d\n",
    "unclosed flow": "list: [a, b\nnext: 1\n",
    "tab indentation": "kind: a\nsteps:\n\t- b\n",
    "unclosed quote": "title: \"open\nid: x\n",
}


def _both(monkeypatch, text: str):
    fast = load_yaml_text(text, "f.yaml")
    monkeypatch.setattr(loader, "_loader_for", lambda _text: yaml.SafeLoader)
    pure = load_yaml_text(text, "f.yaml")
    monkeypatch.undo()
    return fast, pure


def _same(fast, pure):
    assert [(d.data, d.value_positions, d.key_positions) for d in fast.documents] == \
        [(d.data, d.value_positions, d.key_positions) for d in pure.documents]
    assert [str(e) for e in fast.errors] == [str(e) for e in pure.errors]


@pytest.mark.parametrize("path", CURRICULA, ids=lambda p: p.name)
def test_the_shipped_curricula_read_the_same(monkeypatch, path):
    text = path.read_text(encoding="utf-8")
    assert loader._loader_for(text) is loader._FAST_LOADER
    _same(*_both(monkeypatch, text))


@pytest.mark.parametrize("name", sorted(TEXTS) + sorted(ERRORS))
def test_edge_cases_read_the_same(monkeypatch, name):
    text = TEXTS.get(name) or ERRORS[name]
    fast, pure = _both(monkeypatch, text)
    _same(fast, pure)
    if name in ERRORS:
        assert fast.errors and fast.errors[0].line > 0


def test_deep_nesting_never_reaches_the_c_composer():
    text = "[" * 6_000 + "]" * 6_000  # past the bound (libyaml's recursive composer crashed at ~30,000)
    assert loader._loader_for(text) is yaml.SafeLoader
    result = load_yaml_text(text, "deep.yaml")
    assert not result.documents and "nested" in result.errors[0].message


def test_the_bound_counts_every_character_that_opens_a_level():
    assert loader._loader_for("- " * C_COMPOSER_MAX_NESTING + "x") is loader._FAST_LOADER
    assert loader._loader_for("- " * (C_COMPOSER_MAX_NESTING + 1) + "x") is yaml.SafeLoader

"""Invisible characters: found by name in identifiers; isolated (FSI…PDI) when shown."""
import pytest

from bro.text import bdi, invisible_characters, isolate_invisible

pytestmark = pytest.mark.no_db


@pytest.mark.parametrize("character", ["\u202e", "\u202d", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f",
                                       "\u2066", "\u2067", "\u2068", "\u2069", "\u061c", "\ufeff", "\u2060",
                                       "\u00ad", "\u0007", "\u2028"])
def test_bidi_controls_and_zero_width_characters_are_found(character):
    assert invisible_characters(f"Al{character}i") == [f"U+{ord(character):04X}"]


@pytest.mark.parametrize("text", ["Ana Łukasiewicz", "Siti Nurhaliza", "José Ñúñez", "محمد", "山田 太郎", "C-100/7"])
def test_ordinary_names_in_any_script_pass(text):
    assert invisible_characters(text) == []


def test_each_character_is_named_once_in_order():
    assert invisible_characters("\u200bA\u202eB\u200b") == ["U+200B", "U+202E"]


def test_text_with_a_bidi_override_is_isolated_when_shown():
    assert isolate_invisible("evil\u202eman") == "\u2068evil\u202eman\u2069"


def test_ordinary_values_are_shown_unchanged():
    assert isolate_invisible("Plain name") == "Plain name"
    assert isolate_invisible(42) == 42
    assert isolate_invisible(None) is None


def test_bdi_escapes_and_wraps():
    assert str(bdi("<b>\u202eX")) == "<bdi>&lt;b&gt;\u202eX</bdi>"

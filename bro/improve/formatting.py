"""Locale-aware number formats for chart labels, built once per request from Babel's own output.

A two-year dashboard carries a few thousand labels; formatting each through Babel costs more than the
queries. Babel formats one sample number per request; the rest is string work with the same symbols.
"""
from __future__ import annotations

from babel.numbers import format_percent, get_decimal_symbol
from flask import g
from flask_babel import get_locale


class Formats:
    def __init__(self, locale) -> None:
        self.decimal_symbol = get_decimal_symbol(locale)
        sample = format_percent(0.123, "#,##0.0%", locale=locale)
        core = f"12{self.decimal_symbol}3"
        index = sample.find(core)
        self._prefix, self._suffix = (sample[:index], sample[index + len(core):]) if index >= 0 else ("", "%")

    def number(self, value: float, digits: int = 1) -> str:
        text = f"{value:.{digits}f}"
        return text.replace(".", self.decimal_symbol) if self.decimal_symbol != "." else text

    def percent(self, rate: float | None, digits: int = 1) -> str:
        if rate is None:
            return "–"
        return f"{self._prefix}{self.number(rate * 100, digits)}{self._suffix}"


def formats() -> Formats:
    """The request's Formats (for the current locale)."""
    locale = get_locale()
    cached = g.get("_improve_formats")
    if cached is None or cached[0] != str(locale):
        cached = (str(locale), Formats(locale))
        g._improve_formats = cached
    return cached[1]

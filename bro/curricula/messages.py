"""Messages from the pure cores: an English text that also carries its template and parameters.

The cores (curricula checker, diff, scoring, statistics) cannot import Flask-Babel, yet their messages reach
readers in Indonesian and Polish. A core writes ``msg("Step '%(step)s' reweighted from %(old)s to %(new)s",
step=..., old=..., new=...)``: the result *is* the English sentence (a ``str``, so the CLI, logs and tests
read it as before) and also keeps ``template`` and ``params``. The web layer translates the template with
gettext and fills in the parameters in the reader's locale (``bro.i18n.translate_message``). The extractor
collects the templates because ``msg`` is one of the keywords given to ``pybabel extract`` (``-k msg``).

Plural templates use ``msg_plural(singular, plural, count, **params)``; ``count`` is also a parameter.
"""
from __future__ import annotations

from typing import Any


class Message(str):
    """An English sentence that remembers how it was made, so it can be said again in another language."""

    template: str
    plural: str | None
    params: dict[str, Any]

    def __new__(cls, template: str, params: dict[str, Any] | None = None, plural: str | None = None) -> "Message":
        params = dict(params or {})
        chosen = plural if plural is not None and params.get("count") != 1 else template
        text = chosen % {name: _english(value) for name, value in params.items()} if params else chosen
        self = super().__new__(cls, text)
        self.template = template
        self.plural = plural
        self.params = params
        return self

    def __reduce__(self):  # keep the template when pickled (cached pages, worker hand-offs)
        return (Message, (self.template, self.params, self.plural))


class Grouped(int):
    """A whole number written with thousands separators in English ("12,345"); other locales group their own way."""

    def __str__(self) -> str:
        return f"{int(self):,}"

    def __reduce__(self):
        return (Grouped, (int(self),))


def _english(value: Any) -> Any:
    return str(value) if isinstance(value, Message) else value


def msg(template: str, **params: Any) -> Message:
    """A core message: ``template`` is the English msgid with ``%(name)s`` placeholders."""
    return Message(template, params)


def msg_plural(singular: str, plural: str, count: int, **params: Any) -> Message:
    """A core message with a count; translated with ngettext so Polish gets its three forms."""
    return Message(singular, {"count": count, **params}, plural)

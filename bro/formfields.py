"""Form fields shared by every area's forms."""
from __future__ import annotations

from operator import attrgetter
from typing import Any, Callable, Iterable

from wtforms import SelectField


class RecordSelectField(SelectField):
    """One of the records a page offers (staff members, teams), chosen by id. The view offers the records it
    may show; ``record`` is the one chosen, or None when the form sent an id that was not offered."""

    def __init__(self, label=None, validators=None, **kwargs) -> None:
        super().__init__(label, validators, coerce=int, **kwargs)
        self.records: list[Any] = []

    def offer(self, records: Iterable[Any], label: Callable[[Any], str] = attrgetter("name")) -> None:
        self.records = list(records)
        self.choices = [(record.id, label(record)) for record in self.records]

    @property
    def record(self) -> Any | None:
        return next((record for record in self.records if record.id == self.data), None)

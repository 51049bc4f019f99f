"""The tables behind the charts: raw values for the downloads, formatted cells for the page."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from parkplan.formatting import fmt_number, fmt_percent
from parkplan.numbers import is_missing

from .results import hidden_words


@dataclass(frozen=True)
class Withheld:
    """A table cell withheld from the reader (indicators.disclosure), with the reason."""

    reason: str

    @property
    def text(self) -> str:
        return hidden_words(self.reason)


@dataclass
class Column:
    key: str
    label: str
    kind: str = "text"  # text, number, percent (a share), change (preformatted)
    decimals: int = 2


@dataclass
class Table:
    """A table behind a chart: raw values for downloads, formatted cells for the page."""

    slug: str
    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)

    def cell(self, column: Column, value) -> str:
        if isinstance(value, Withheld):
            return value.text
        if column.kind == "number":
            return fmt_number(value, column.decimals)
        if column.kind == "percent":
            return fmt_percent(value)
        return "—" if value is None or value == "" else str(value)

    @property
    def display(self) -> list[list[tuple[str, bool]]]:
        """Rows of (text, is a number) cells."""
        return [
            [(self.cell(c, row.get(c.key)), c.kind in ("number", "percent", "change")) for c in self.columns]
            for row in self.rows
        ]


def sort_key(value, missing: float = math.inf) -> float:
    """Return a cell's place in a sort by number: withheld and missing cells go where `missing` puts them."""
    if isinstance(value, Withheld) or is_missing(value):
        return missing
    return float(value)

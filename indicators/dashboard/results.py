"""The stored values and progress a page reads, by key, and what a reader may see of them."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from parcels import access


@dataclass(frozen=True)
class Results:
    """Hold the stored results a page reads, by key.

    values: (indicator code, parcel id or None for the park, year, quarter) →
    a record of queries.value_frame; progress: (indicator code, parcel id or
    None, year) → a record of queries.progress_frame.
    """

    values: dict = field(default_factory=dict)
    progress: dict = field(default_factory=dict)

    @classmethod
    def of(cls, values: pd.DataFrame, progress: pd.DataFrame | None = None) -> Results:
        """Index the frames of queries.value_frame and queries.progress_frame (None: no progress)."""
        by_period = {(r["indicator"], r["parcel"], r["year"], r["quarter"]): r for r in values.to_dict("records")}
        if progress is None:
            return cls(by_period, {})
        by_year = {(r["indicator"], r["parcel"], r["year"]): r for r in progress.to_dict("records")}
        return cls(by_period, by_year)

    def value(self, code: str, parcel: int | None, year: int | None, quarter: int) -> dict | None:
        """Return the stored value row of an indicator in a scope and period, None if there is none."""
        return self.values.get((code, parcel, year, quarter))

    def figure(self, code: str, parcel: int | None, year: int | None, quarter: int) -> float | None:
        """Return the stored value itself, None if there is none."""
        return (self.value(code, parcel, year, quarter) or {}).get("value")

    def progress_of(self, code: str, parcel: int | None, year: int | None) -> dict | None:
        """Return the stored progress row of an indicator in a scope and year, None if there is none."""
        return self.progress.get((code, parcel, year))

    def earliest_progress(self, code: str) -> dict | None:
        """Return the progress row of the earliest year stored for an indicator (in any scope read)."""
        rows = sorted(self.progress.items(), key=lambda item: item[0][2])
        return next((row for (c, _parcel, _year), row in rows if c == code), None)


def is_hidden(row: dict | None, user) -> bool:
    """Tell whether a parcel figure is withheld from this user: fewer than three enterprises behind it."""
    if row is None or row.get("parcel") is None or access.sees_confidential(user):
        return False
    return int(row.get("enterprises") or 0) < access.CONFIDENTIAL_BELOW


def withheld(value: dict | None, base: dict | None, user, *, judged: bool) -> bool:
    """Tell whether a parcel's figures are withheld: its value, or (with progress) its base-year value, is hidden."""
    return is_hidden(value, user) or (judged and is_hidden(base, user))

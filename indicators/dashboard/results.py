"""The stored values and progress a page reads, by key, and what a reader may see of them."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from django.conf import settings

from parcels import access

from .. import disclosure


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


def withheld(row: dict | None, user, field: str = "withheld") -> str:
    """Return why a stored row's figures are withheld from this reader, "" when they are shown.

    The decision is the recompute's (indicators.disclosure, stored in `field`:
    withheld, previous_withheld for its 同比, projection_withheld for a
    progress row's projection); the office sees everything.
    """
    if row is None:
        return ""
    return disclosure.withheld_for(row.get(field), sees_everything=access.sees_confidential(user))


def hidden_words(reason: str) -> str:
    """Return what stands in place of a withheld figure: 不予公开（不足3家企业） and the like."""
    return disclosure.hidden_text(reason, min_enterprises=settings.DISCLOSURE_MIN_ENTERPRISES)


def hidden_lines(reason: str) -> list[str]:
    """Return the words standing in place of a withheld figure on short lines, for a narrow cell."""
    return disclosure.hidden_lines(reason, min_enterprises=settings.DISCLOSURE_MIN_ENTERPRISES)


def reason_words(reason: str) -> str:
    """Return why a figure is withheld, in words (不足3家企业, 单一企业占比过高, 为防止推算而隐藏)."""
    return disclosure.reason_words(reason, min_enterprises=settings.DISCLOSURE_MIN_ENTERPRISES)

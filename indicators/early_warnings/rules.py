"""Which indicators and parcels are on the early-warning list (预警): pure, from stored progress rows.

docs/method.md §9 (the domain brief, §8): an item is an indicator in a scope (the park or
a parcel) in the latest judged year whose straight-line projection misses the
end-year target (before the end year), which did not achieve it (in the end year),
or which is binding (约束性) and behind schedule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from parkplan.numbers import is_missing

from ..compute import BEHIND, NOT_ACHIEVED

PROJECTION = "projection"
MISSED = "missed"
BINDING_BEHIND = "binding_behind"
REASONS = (PROJECTION, MISSED, BINDING_BEHIND)
# A projected gap this small is rounding, not a miss (the targets are stated to 2 decimals at most).
TOLERANCE = 1e-6
DETAIL_KEYS = ("status", "value", "target", "gap", "projected_2025", "projected_gap_2025", "pace")


@dataclass(frozen=True)
class Item:
    """One line of the list: an indicator (code) in a scope (parcel id, None for the park) for a reason."""

    indicator: str
    parcel: int | None
    reason: str
    year: int
    details: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> tuple[str, int | None, str]:
        return self.indicator, self.parcel, self.reason


def items(progress: Iterable[Mapping], *, binding: set[str], end_year: int) -> list[Item]:
    """Return the items of the list from progress rows of one year (queries.progress_frame records).

    In: rows with indicator (code), parcel (id or None), year, status,
    projected_gap_2025 and the DETAIL_KEYS; `binding` the codes of the binding
    indicators; `end_year` the plan's target year.
    Out: the items in the rows' order, each reason at most once per scope.
    """
    found = []
    for row in progress:
        details = {k: _plain(row.get(k)) for k in DETAIL_KEYS}
        for reason in reasons(row, binding=row["indicator"] in binding, end_year=end_year):
            found.append(Item(row["indicator"], _parcel(row.get("parcel")), reason, int(row["year"]), details))
    return found


def reasons(row: Mapping, *, binding: bool, end_year: int) -> list[str]:
    """Return why one progress row is on the list (empty: it is not)."""
    found = []
    status = row.get("status") or ""
    projected_gap = row.get("projected_gap_2025")
    if int(row["year"]) < end_year and not is_missing(projected_gap) and projected_gap > TOLERANCE:
        found.append(PROJECTION)
    if int(row["year"]) >= end_year and status == NOT_ACHIEVED:
        found.append(MISSED)
    if binding and status == BEHIND:
        found.append(BINDING_BEHIND)
    return found


def _plain(value):
    return None if is_missing(value) else value


def _parcel(value) -> int | None:
    return None if is_missing(value) else int(value)

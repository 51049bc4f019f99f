"""Which indicators and parcels are on a plan's early-warning list (预警): pure, from stored progress rows.

docs/method.md §9 (the domain brief, §8): an item is an indicator in a scope (the
park, or a parcel judged against a target) in a judged year before the plan's
target year whose projection misses the end-year target, or which is binding
(约束性) and behind schedule (滞后). The target year itself is the final
assessment, measured rather than projected: it raises no warning.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from parkplan.numbers import is_missing

from ..compute import BEHIND

PROJECTION = "projection"
BINDING_BEHIND = "binding_behind"
REASONS = (PROJECTION, BINDING_BEHIND)
# A projected gap this small (relative to the target) is rounding, not a miss.
TOLERANCE = 1e-6
DETAIL_KEYS = ("status", "value", "target", "gap", "projected", "projected_gap", "pace")


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


def warns(*, end_year: int, year: int | None, this_year: int) -> bool:
    """Tell whether a plan warns for a judged `year`: its end year is not past, and `year` is before it."""
    return this_year <= end_year and year is not None and year < end_year


def items(progress: Iterable[Mapping], *, binding: set[str], end_year: int) -> list[Item]:
    """Return the items of the list from progress rows (queries.progress_frame records).

    In: rows with indicator (code), parcel (id or None), year, status,
    projected_gap and the DETAIL_KEYS; `binding` the codes of the binding
    indicators; `end_year` the plan's target year.
    Out: the items in the rows' order, each reason at most once per scope and year.
    """
    found = []
    for row in progress:
        details = {key: _plain(row.get(key)) for key in DETAIL_KEYS}
        for reason in reasons(row, binding=row["indicator"] in binding, end_year=end_year):
            found.append(Item(row["indicator"], _parcel(row.get("parcel")), reason, int(row["year"]), details))
    return found


def reasons(row: Mapping, *, binding: bool, end_year: int) -> list[str]:
    """Return why one progress row is on the list (empty: it is not)."""
    if int(row["year"]) >= end_year:
        return []
    found = []
    gap, target = row.get("projected_gap"), row.get("target")
    scale = max(1.0, abs(float(target))) if not is_missing(target) else 1.0
    if not is_missing(gap) and float(gap) > TOLERANCE * scale:
        found.append(PROJECTION)
    if binding and row.get("status") == BEHIND:
        found.append(BINDING_BEHIND)
    return found


def _plain(value):
    return None if is_missing(value) else value


def _parcel(value) -> int | None:
    return None if is_missing(value) else int(value)

"""Whether a reader may see a parcel's figures: the one place the overview's named parcels, the early
warnings and the map ask (the disclosure rules' check, results.withheld, is called here only)."""

from __future__ import annotations

from .results import Results, withheld


def parcel_hidden(results: Results, code: str, parcel: int, *, year: int, quarter: int, base_year: int, user) -> bool:
    """Tell whether a parcel's figures of an indicator in a period (and, for a year after the base, its progress)
    are withheld from `user`. `results` must hold the parcel's values of the period and of the base year."""
    judged = quarter == 4 and year > base_year
    value = results.value(code, parcel, year, quarter)
    base = results.value(code, parcel, base_year, 4)
    return withheld(value, base, user, judged=judged)

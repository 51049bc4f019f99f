"""What a parcel's return would make of the parcel's indicators, before it is approved.

Pure: the return's rows as enterprise records in, the eight values out, by the
same formulas as the official values (compute.sums_from_records and
compute.values_from_sums).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from . import compute


def parcel_values(records: pd.DataFrame, *, parcel_id: int, listing_from: dt.date) -> dict[str, float | None]:
    """Return the eight indicator values of one parcel and period computed from its records.

    In: the records of one parcel and one period (the columns of
    ``compute.sums_from_records``). Out: indicator code → value, None where a
    ratio has no denominator; every code present.
    """
    empty = dict.fromkeys(compute.FORMULAS)
    if records.empty:
        return empty
    values = compute.values_from_sums(compute.sums_from_records(records, listing_from=listing_from))
    mine = values[values["parcel"].map(lambda p: p is not None and int(p) == parcel_id)]
    out = dict(empty)
    for code, value in zip(mine["indicator"], mine["value"], strict=True):
        out[code] = None if value is None or pd.isna(value) else float(value)
    return out

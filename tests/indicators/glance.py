"""Stored results written by hand for the tests of the overview at a glance, the warnings and the map.

The 14th plan's I3 (a ratio) and I4 (a count) with the park and three parcels: big (5
enterprises), small (2 enterprises: withheld from all but the office, as the recompute's disclosure
decisions would store it: indicators.disclosure FEW on its values and progress) and mid (4).
"""

from __future__ import annotations

from django.utils import timezone

from indicators import disclosure
from indicators.models import Indicator, IndicatorValue, Progress
from parcels.models import Parcel

YEAR, BASE = 2023, 2020


def value(indicator: Indicator, parcel: Parcel | None, year: int, figure: float, enterprises: int = 10) -> None:
    IndicatorValue.objects.update_or_create(
        indicator=indicator,
        parcel=parcel,
        year=year,
        quarter=4,
        defaults={
            "value": figure,
            "enterprises": enterprises,
            "withheld": disclosure.FEW if enterprises < 3 else "",
            "previous_withheld": disclosure.FEW if enterprises < 3 else "",
            "data_version": 1,
            "computed_at": timezone.now(),
        },
    )


def progress(indicator: Indicator, parcel: Parcel | None, **fields) -> Progress:
    fields = {"year": YEAR, "base_year": BASE, "data_version": 1, "computed_at": timezone.now(), **fields}
    return Progress.objects.update_or_create(
        indicator=indicator, parcel=parcel, year=fields.pop("year"), defaults=fields
    )[0]


def results(plan) -> dict:
    """Write I3 and I4 for the park and three parcels; return the parcels by name."""
    i3, i4 = Indicator.objects.get(plan=plan, code="I3"), Indicator.objects.get(plan=plan, code="I4")
    parcels = dict(zip(("big", "small", "mid"), Parcel.objects.order_by("order")[:3], strict=True))
    enterprises = {"big": 5, "small": 2, "mid": 4}
    for indicator, park in ((i3, 38.0), (i4, 400)):
        value(indicator, None, BASE, park * 0.9, 100)
        value(indicator, None, YEAR, park, 100)
        for name, parcel in parcels.items():
            value(indicator, parcel, BASE, 30.0, enterprises[name])
            value(indicator, parcel, YEAR, 31.0, enterprises[name])
    inputs = {"target": 44.0, "direction": "higher"}
    progress(
        i3,
        None,
        value=38.0,
        target=44.0,
        base_value=34.0,
        status="behind",
        gap=6.0,
        projected=41.0,
        projected_gap=3.0,
        inputs=inputs,
    )
    progress(i3, parcels["big"], value=40.0, target=44.0, status="behind", gap=4.0, projected_gap=1.0)
    small = {"withheld": disclosure.FEW, "projection_withheld": disclosure.FEW}
    progress(i3, parcels["small"], value=20.0, target=44.0, status="behind", gap=24.0, projected_gap=9.0, **small)
    progress(i3, parcels["mid"], value=35.0, target=44.0, status="behind", gap=9.0, projected_gap=-0.5)
    progress(
        i4,
        None,
        value=400,
        target=800,
        base_value=327,
        status="on_track",
        gap=400,
        projected_gap=-1,
        inputs={"target": 800.0, "direction": "higher"},
    )
    for name, share in (("big", 0.5), ("small", -0.2), ("mid", 0.1)):
        progress(i4, parcels[name], value=31.0, share_of_change=share, **(small if name == "small" else {}))
    return parcels

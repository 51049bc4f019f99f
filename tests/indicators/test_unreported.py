"""A missing return is not zero (docs/method.md §7a): 未报送 for the parcel, 不完整 for the park."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators import compute

from . import plan14
from .test_compute import RECORD_COLUMNS


def record(parcel: int, year: int, quarter: int = 4) -> tuple:
    values = dict.fromkeys(RECORD_COLUMNS)
    values.update(
        parcel=parcel,
        year=year,
        quarter=quarter,
        revenue=200_000.0,
        value_added=100.0,
        rd_expenditure=5.0,
        employees=10,
        high_tech=True,
    )
    return tuple(values[c] for c in RECORD_COLUMNS)


# Parcel 1 reported in 2021 and not in 2022; parcel 2 every year; parcel 3 never.
RECORDS = pd.DataFrame([record(1, 2021), record(2, 2021), record(2, 2022)], columns=RECORD_COLUMNS)
FIRST = {1: 20214, 2: 20214}


def values():
    sums = compute.sums_from_records(RECORDS, plan14.TERMS)
    return compute.values_from_sums(sums, plan14.SPECS, parcels=[1, 2, 3], first_reported=FIRST)


def row(frame, indicator, parcel, year):
    scope = frame["parcel"].map(lambda p: -1 if pd.isna(p) else int(p))
    wanted = -1 if parcel is None else parcel
    return frame[(frame["indicator"] == indicator) & (scope == wanted) & (frame["year"] == year)].iloc[0]


@pytest.mark.parametrize("indicator", ["I1", "I4", "I5"])
def test_a_parcel_that_stopped_reporting_has_no_value_not_zero(indicator):
    gone = row(values(), indicator, 1, 2022)

    assert gone["value"] is None and gone["numerator"] is None
    assert gone[compute.MISSING] == [1]


def test_a_parcel_that_never_had_enterprises_counts_zero():
    empty = row(values(), "I4", 3, 2022)

    assert empty["value"] == 0 and empty[compute.MISSING] == []


def test_the_parks_value_of_a_period_with_a_missing_return_names_the_parcel():
    frame = values()

    assert row(frame, "I4", None, 2022)[compute.MISSING] == [1]
    assert row(frame, "I4", None, 2022)["value"] == 1  # what was reported: parcel 2's one enterprise
    assert row(frame, "I4", None, 2021)[compute.MISSING] == []


@pytest.mark.django_db
def test_a_cumulative_count_keeps_an_enterprise_that_stopped_reporting_at_its_last_parcel(plan):
    import datetime as dt

    from indicators.models import IndicatorValue
    from indicators.services import recompute
    from parcels.models import Parcel
    from tests.factories import make_enterprise, make_statistic

    first, second = Parcel.objects.order_by("order")[:2]
    listed = make_enterprise(parcel=first)
    make_statistic(enterprise=listed, year=2022, quarter=4, listed_date=dt.date(2022, 6, 1))
    make_statistic(enterprise=listed, parcel=second, year=2023, quarter=4, listed_date=dt.date(2022, 6, 1))
    other = make_enterprise(parcel=second)
    for year in (2022, 2023, 2024):  # keeps the periods' park values alive after the listed one stops reporting
        make_statistic(enterprise=other, year=year, quarter=4)

    recompute(full=True)

    def i6(parcel, year):
        return IndicatorValue.objects.get(indicator__code="I6", parcel=parcel, year=year, quarter=4).value

    assert (i6(None, 2022), i6(first, 2022), i6(second, 2022)) == (1, 1, 0)
    # Moved: counted where it is now; the parcel it left has no 2023 return at all (未报送, no value).
    assert (i6(None, 2023), i6(first, 2023), i6(second, 2023)) == (1, None, 1)
    assert (i6(None, 2024), i6(second, 2024)) == (1, 1)  # stopped reporting: still counted at its last parcel


@pytest.mark.django_db
def test_the_indicator_page_says_which_parcel_did_not_report_and_that_the_park_is_incomplete(plan, client):
    from indicators.services import recompute
    from parcels import access
    from parcels.models import Parcel
    from tests.factories import make_enterprise, make_statistic, make_user

    first, second = Parcel.objects.order_by("order")[:2]
    gone, staying = make_enterprise(parcel=first), make_enterprise(parcel=second)
    for enterprise in (gone, staying):
        make_statistic(enterprise=enterprise, year=2022, quarter=4, high_tech=True)
    make_statistic(enterprise=staying, year=2023, quarter=4, high_tech=True)
    recompute(full=True)
    client.force_login(make_user(role=access.OFFICE))

    page = client.get("/plans/fyp-14/indicators/I4/", {"year": 2023, "quarter": 4}).content.decode()

    assert f"不完整：{first.name_zh}未报送本期数据" in page
    assert f"<td>{first.name_zh}（未报送）</td>" in page  # the parcel's own row says so, not 0

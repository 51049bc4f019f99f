"""The park's indicators before and after an approval (indicators.effects, registered with parcels' approval)."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from indicators.effects import park_indicator_effects
from parcels import queries as parcel_queries
from parcels.models import Parcel
from parcels.services import ApprovalChange, approval_effects
from tests.factories import make_enterprise, make_statistic

pytestmark = pytest.mark.django_db
YEAR, QUARTER = 2025, 4


@pytest.fixture
def park(plan):
    """Two parcels of ten enterprises each for the period, half of them certified high-tech."""
    a, b = Parcel.objects.order_by("order")[:2]
    for parcel in (a, b):
        for i in range(10):
            make_statistic(
                enterprise=make_enterprise(parcel=parcel),
                year=YEAR,
                quarter=QUARTER,
                revenue=Decimal(1000),
                employees=100,
                masters_plus=6,
                high_tech=i < 5,
            )
    return a, b


def records_of(parcel_id: int) -> pd.DataFrame:
    records = parcel_queries.period_records(YEAR, QUARTER)
    return records[records["parcel"] == parcel_id].reset_index(drop=True)


def test_it_gives_the_parks_indicators_before_and_after_the_parcels_records_change(park):
    a, _b = park
    records = records_of(a.id)
    records.loc[:4, "high_tech"] = False  # the parcel's five high-tech enterprises lose it
    records.loc[0, "masters_plus"] = float("nan")  # and one 硕士以上 is not filled: left out, not 0

    effects = {e.code: e for e in park_indicator_effects(ApprovalChange(a.id, YEAR, QUARTER, records))}

    assert (effects["I4"].before, effects["I4"].after) == (10, 5)
    assert effects["I4"].exceeds(0.05) and effects["I4"].label.startswith("园区 I4")
    assert effects["I8"].before == pytest.approx(6.0) and effects["I8"].after == pytest.approx(6.0)
    assert not effects["I8"].exceeds(0.05)


def test_it_has_nothing_to_compare_for_a_parcels_first_figures_of_the_period(park):
    a, _b = park
    records = records_of(a.id)
    empty = Parcel.objects.order_by("order")[2]
    records["parcel"] = empty.id

    assert park_indicator_effects(ApprovalChange(empty.id, YEAR, QUARTER, records)) == []


def test_the_indicators_app_registers_its_check_with_the_approval(park):
    a, _b = park
    codes = [e.code for e in approval_effects(ApprovalChange(a.id, YEAR, QUARTER, records_of(a.id)))]
    assert codes[0] == "enterprises" and set(codes[1:]) == {f"I{n}" for n in range(1, 9)}

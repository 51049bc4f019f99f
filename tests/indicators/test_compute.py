"""Table-driven tests of the formulas and progress rules (docs/method.md §2, §3) against indicators/compute.py.

No database: records are small hand-made DataFrames, and every expected number in
the tables below is worked out by hand from docs/method.md and docs/plan-14th.md, never by calling compute.py.
"""

from __future__ import annotations

import ast
import math
from datetime import date
from functools import partial
from pathlib import Path

import pandas as pd
import pytest

from indicators import compute
from indicators.compute import (
    BENCHMARK,
    CUMULATIVE,
    LEVEL,
    IndicatorSpec,
    Thresholds,
    benchmark_for,
    least_squares,
    share_of_change,
    status_word,
)

from . import plan14

PLAN14 = compute.Plan(base_year=2020, target_year=2025)  # the 14th plan's years

REL = 1e-12
# The 14th plan's years: every progress case below is worked out for them.
PLAN = compute.Plan(base_year=2020, target_year=2025)
judge = partial(compute.judge, plan=PLAN)
progress_table = partial(compute.progress_table, plan=PLAN)
LISTING_FROM = date(2021, 1, 1)
RECORD_COLUMNS = [
    "parcel",
    "year",
    "quarter",
    "revenue",
    "industrial_output",
    "above_scale",
    "sei_output",
    "value_added",
    "rd_expenditure",
    "tax",
    "employees",
    "masters_plus",
    "foreign_returnee",
    "invention_patents",
    "high_tech",
    "listed_date",
]
NUMBER_FIELDS = [c for c in RECORD_COLUMNS if c not in ("parcel", "year", "quarter", "above_scale", "high_tech")]
NUMBER_FIELDS.remove("listed_date")

# The seed benchmark of I3 (docs/plan-14th.md §3): Shanghai's share, by year.
SHANGHAI_SEI = {2020: 40.0, 2023: 43.9, 2024: 43.6}


def approx(expected):
    return None if expected is None else pytest.approx(expected, rel=REL)


def record(parcel: int, year: int = 2021, quarter: int = 4, **fields) -> dict:
    """Return one enterprise record: blank numbers are 0, flags false, no listing date."""
    row = dict.fromkeys(NUMBER_FIELDS, 0.0)
    row.update(parcel=parcel, year=year, quarter=quarter, above_scale=False, high_tech=False, listed_date=None)
    row.update(fields)
    return row


def values_of(rows: list[dict], parcels=()) -> pd.DataFrame:
    records = pd.DataFrame(rows, columns=RECORD_COLUMNS)
    return plan14.values(records, parcels=parcels)


def row_of(values: pd.DataFrame, indicator: str, parcel: int | None, year: int = 2021, quarter: int = 4) -> dict:
    """Return the single value row of an indicator, scope (None: the park) and period."""
    scope = values["parcel"].isna() if parcel is None else values["parcel"] == parcel
    found = values[
        (values["indicator"] == indicator) & scope & (values["year"] == year) & (values["quarter"] == quarter)
    ]
    assert len(found) == 1, f"{indicator} parcel={parcel} {year}Q{quarter}: {len(found)} rows"
    return found.iloc[0].to_dict()


def value_of(values, indicator, parcel, year=2021, quarter=4):
    return row_of(values, indicator, parcel, year, quarter)["value"]


# --- formulas I1–I8 (docs/method.md §1–§2) -------------------------------------------

# One parcel, 2021 Q4, three enterprises. By hand:
#   I1: rd 40+20+0 = 60 / value added 800+200+0 = 1000 × 100 = 6.0
#   I2: patents 2+1+1 = 4 / employees 300+100+100 = 500 × 10 000 = 80.0
#   I3: above-scale only (A, B): sei 2000+1000 = 3000 / output 5000+3000 = 8000 × 100 = 37.5
#   I4: high-tech A, C = 2;  I5: revenue ≥ 100 000: A (120 000), C (exactly 100 000) = 2
#   I6: listed 2021-01-01 … 2021-12-31: A (2021-06-30) only, C listed 2020-12-31 = 1
#   I7: foreign/returnee 6+0+2 = 8 / 500 × 100 = 1.6;  I8: masters 30+2+8 = 40 / 500 × 100 = 8.0
FORMULA_RECORDS = [
    record(
        1,
        revenue=120_000,
        industrial_output=5000,
        above_scale=True,
        sei_output=2000,
        value_added=800,
        rd_expenditure=40,
        tax=300,
        employees=300,
        masters_plus=30,
        foreign_returnee=6,
        invention_patents=2,
        high_tech=True,
        listed_date=date(2021, 6, 30),
    ),
    record(
        1,
        revenue=50_000,
        industrial_output=3000,
        above_scale=True,
        sei_output=1000,
        value_added=200,
        rd_expenditure=20,
        employees=100,
        masters_plus=2,
        invention_patents=1,
    ),
    record(
        1,
        revenue=100_000,
        industrial_output=9999,
        above_scale=False,
        sei_output=9999,
        employees=100,
        masters_plus=8,
        foreign_returnee=2,
        invention_patents=1,
        high_tech=True,
        listed_date=date(2020, 12, 31),
    ),
]


@pytest.mark.parametrize(
    ("indicator", "value", "numerator", "denominator", "enterprises"),
    [
        pytest.param("I1", 6.0, 60, 1000, 3, id="I1-rd-over-value-added"),
        pytest.param("I2", 80.0, 4, 500, 3, id="I2-patents-per-10k-employees"),
        pytest.param("I3", 37.5, 3000, 8000, 2, id="I3-sei-share-above-scale"),
        pytest.param("I4", 2, 2, None, 3, id="I4-high-tech-count"),
        pytest.param("I5", 2, 2, None, 3, id="I5-leaders-count"),
        pytest.param("I6", 1, 1, None, 3, id="I6-listed-count"),
        pytest.param("I7", 1.6, 8, 500, 3, id="I7-foreign-returnee-share"),
        pytest.param("I8", 8.0, 40, 500, 3, id="I8-masters-share"),
    ],
)
def test_it_computes_each_formula(indicator, value, numerator, denominator, enterprises):
    values = values_of(FORMULA_RECORDS, parcels=[1])
    for scope in (1, None):
        row = row_of(values, indicator, scope)
        assert row["value"] == approx(value)
        assert row["numerator"] == approx(numerator)
        assert row["denominator"] == approx(denominator)
        assert row["enterprises"] == enterprises


# Two enterprises whose own ratios average to something else than the ratio of the sums.
# (indicator, fields of A, fields of B, ratio of sums, mean of the two ratios, parcel ratios A, B)
RATIO_CASES = [
    pytest.param(
        "I1",
        {"rd_expenditure": 10, "value_added": 100},
        {"rd_expenditure": 90, "value_added": 300},
        25.0,  # 100 / 400
        20.0,  # (10 + 30) / 2
        (10.0, 30.0),
        id="I1",
    ),
    pytest.param(
        "I2",
        {"invention_patents": 1, "employees": 100},
        {"invention_patents": 3, "employees": 900},
        40.0,  # 4 / 1000 × 10 000
        200 / 3,  # (100 + 33.33…) / 2
        (100.0, 100 / 3),
        id="I2",
    ),
    pytest.param(
        "I3",
        {"sei_output": 100, "industrial_output": 1000, "above_scale": True},
        {"sei_output": 900, "industrial_output": 3000, "above_scale": True},
        25.0,  # 1000 / 4000
        20.0,  # (10 + 30) / 2
        (10.0, 30.0),
        id="I3",
    ),
    pytest.param(
        "I7",
        {"foreign_returnee": 1, "employees": 100},
        {"foreign_returnee": 9, "employees": 300},
        2.5,  # 10 / 400
        2.0,  # (1 + 3) / 2
        (1.0, 3.0),
        id="I7",
    ),
    pytest.param(
        "I8",
        {"masters_plus": 10, "employees": 100},
        {"masters_plus": 10, "employees": 400},
        4.0,  # 20 / 500
        6.25,  # (10 + 2.5) / 2
        (10.0, 2.5),
        id="I8",
    ),
]


@pytest.mark.parametrize(("indicator", "a", "b", "ratio_of_sums", "mean_of_ratios", "parcel_values"), RATIO_CASES)
def test_it_divides_sums_not_averages_enterprise_ratios(indicator, a, b, ratio_of_sums, mean_of_ratios, parcel_values):
    assert ratio_of_sums != pytest.approx(mean_of_ratios)  # the case must tell the two apart
    values = values_of([record(1, **a), record(1, **b)], parcels=[1])
    assert value_of(values, indicator, 1) == approx(ratio_of_sums)
    assert value_of(values, indicator, None) == approx(ratio_of_sums)


@pytest.mark.parametrize(("indicator", "a", "b", "ratio_of_sums", "mean_of_ratios", "parcel_values"), RATIO_CASES)
def test_it_computes_the_park_from_records_not_from_parcel_values(
    indicator, a, b, ratio_of_sums, mean_of_ratios, parcel_values
):
    # Enterprise A in parcel 1, B in parcel 2: the mean of the parcel values is mean_of_ratios.
    values = values_of([record(1, **a), record(2, **b)], parcels=[1, 2])
    assert value_of(values, indicator, 1) == approx(parcel_values[0])
    assert value_of(values, indicator, 2) == approx(parcel_values[1])
    assert value_of(values, indicator, None) == approx(ratio_of_sums)


@pytest.mark.parametrize(
    ("indicator", "fields", "numerator"),
    [
        pytest.param("I1", {"rd_expenditure": 5, "value_added": 0}, 5, id="I1-value-added-0"),
        pytest.param("I2", {"invention_patents": 2, "employees": 0}, 2, id="I2-employees-0"),
        pytest.param("I7", {"foreign_returnee": 0, "employees": 0}, 0, id="I7-employees-0"),
        pytest.param("I8", {"masters_plus": 0, "employees": 0}, 0, id="I8-employees-0"),
        pytest.param(
            "I3",
            {"above_scale": False, "sei_output": 500, "industrial_output": 1000},
            0,
            id="I3-no-above-scale-enterprise",
        ),
    ],
)
def test_it_gives_no_value_for_a_zero_denominator(indicator, fields, numerator):
    values = values_of([record(1, **fields)], parcels=[1])
    for scope in (1, None):
        row = row_of(values, indicator, scope)
        assert row["value"] is None  # no value, not 0
        assert row["numerator"] == approx(numerator)
        assert row["denominator"] == 0


@pytest.mark.parametrize(
    ("indicator", "value"),
    [
        pytest.param("I1", None, id="I1"),
        pytest.param("I2", None, id="I2"),
        pytest.param("I3", None, id="I3"),
        pytest.param("I4", 0, id="I4"),
        pytest.param("I5", 0, id="I5"),
        pytest.param("I6", 0, id="I6"),
        pytest.param("I7", None, id="I7"),
        pytest.param("I8", None, id="I8"),
    ],
)
def test_it_fills_a_parcel_with_no_enterprises_where_the_park_has_data(indicator, value):
    values = values_of(FORMULA_RECORDS, parcels=[1, 2])
    row = row_of(values, indicator, 2)
    assert row["value"] == approx(value)
    assert row["enterprises"] == 0


def test_it_does_not_invent_periods_the_park_has_no_data_for():
    values = values_of(FORMULA_RECORDS, parcels=[1, 2])
    assert set(zip(values["year"], values["quarter"], strict=True)) == {(2021, 4)}


# An enterprise (high-tech, a leader) in parcel 1 in 2021 and in parcel 2 in 2022.
@pytest.mark.parametrize(
    ("indicator", "parcel", "year", "value"),
    [
        pytest.param("I4", 1, 2021, 1, id="I4-parcel1-2021"),
        pytest.param("I4", 2, 2021, 0, id="I4-parcel2-2021"),
        pytest.param("I4", 1, 2022, 0, id="I4-parcel1-2022"),
        pytest.param("I4", 2, 2022, 1, id="I4-parcel2-2022"),
        pytest.param("I4", None, 2021, 1, id="I4-park-2021"),
        pytest.param("I4", None, 2022, 1, id="I4-park-2022"),
        pytest.param("I5", 1, 2022, 0, id="I5-parcel1-2022"),
        pytest.param("I5", 2, 2022, 1, id="I5-parcel2-2022"),
        pytest.param("I8", 1, 2021, 10.0, id="I8-parcel1-2021"),
        pytest.param("I8", 2, 2021, None, id="I8-parcel2-2021"),
        pytest.param("I8", 2, 2022, 12.5, id="I8-parcel2-2022"),
        pytest.param("I8", None, 2022, 12.5, id="I8-park-2022"),
    ],
)
def test_it_follows_an_enterprise_that_moves_parcel(indicator, parcel, year, value):
    moving = {"high_tech": True, "revenue": 150_000}
    values = values_of(
        [
            record(1, 2021, employees=200, masters_plus=20, **moving),
            record(2, 2022, employees=200, masters_plus=25, **moving),
        ],
        parcels=[1, 2],
    )
    assert value_of(values, indicator, parcel, year) == approx(value)


@pytest.mark.parametrize(
    ("revenue", "leaders"),
    [
        pytest.param(100_000, 1, id="exactly-10-yi"),
        pytest.param(99_999.99, 0, id="just-below-10-yi"),
        pytest.param(100_000.01, 1, id="just-above-10-yi"),
        pytest.param(0, 0, id="blank"),
    ],
)
def test_it_counts_a_leader_from_10_yi_yuan_of_revenue(revenue, leaders):
    values = values_of([record(1, revenue=revenue)], parcels=[1])
    assert value_of(values, "I5", 1) == leaders
    assert value_of(values, "I5", None) == leaders


@pytest.mark.parametrize(
    ("listed_date", "year", "quarter", "listed"),
    [
        pytest.param(date(2020, 12, 31), 2021, 4, 0, id="2020-12-31-before-the-plan"),
        pytest.param(date(2021, 1, 1), 2021, 4, 1, id="2021-01-01-first-day"),
        pytest.param(date(2021, 1, 1), 2021, 1, 1, id="2021-01-01-in-2021Q1"),
        pytest.param(date(2022, 5, 10), 2022, 1, 0, id="listed-after-2022Q1-end"),
        pytest.param(date(2022, 5, 10), 2022, 2, 1, id="listed-within-2022Q2"),
        pytest.param(date(2022, 3, 31), 2022, 1, 1, id="listed-on-2022Q1-end"),
        pytest.param(date(2022, 4, 1), 2022, 1, 0, id="listed-day-after-2022Q1-end"),
        pytest.param(date(2021, 6, 1), 2024, 4, 1, id="2021-listing-still-counted-in-2024"),
        pytest.param(date(2025, 12, 31), 2025, 4, 1, id="last-day-of-the-plan"),
        pytest.param(None, 2022, 4, 0, id="not-listed"),
    ],
)
def test_it_counts_listings_from_2021_to_the_period_end(listed_date, year, quarter, listed):
    values = values_of([record(1, year, quarter, listed_date=listed_date)], parcels=[1])
    assert value_of(values, "I6", 1, year, quarter) == listed
    assert value_of(values, "I6", None, year, quarter) == listed


@pytest.mark.parametrize(
    ("year", "listed"),
    [
        pytest.param(2021, 1, id="2021"),  # A listed 2021-06-01
        pytest.param(2022, 2, id="2022"),  # + B listed 2022-03-01
        pytest.param(2023, 2, id="2023"),  # both still carry their dates
    ],
)
def test_it_counts_listings_cumulatively_across_years(year, listed):
    a, b = {"listed_date": date(2021, 6, 1)}, {"listed_date": date(2022, 3, 1)}
    rows = [record(1, y, **a) for y in (2021, 2022, 2023)] + [record(2, y, **b) for y in (2021, 2022, 2023)]
    # B's 2021 record carries its (future) 2022 listing date: not counted in 2021.
    values = values_of(rows, parcels=[1, 2])
    assert value_of(values, "I6", None, year) == listed


def test_it_takes_i3_over_above_scale_enterprises_only():
    values = values_of(
        [
            record(1, above_scale=True, sei_output=300, industrial_output=1000),
            record(1, above_scale=False, sei_output=1000, industrial_output=1000),
        ],
        parcels=[1],
    )
    row = row_of(values, "I3", None)
    assert row["value"] == approx(30.0)  # 300 / 1000, not 1300 / 2000 = 65
    assert row["numerator"] == approx(300)
    assert row["denominator"] == approx(1000)
    assert row["enterprises"] == 1


# One enterprise's year-to-date returns; each quarter's value is that quarter's return.
YTD_RECORDS = [
    record(1, 2021, 1, rd_expenditure=5, value_added=100, high_tech=True),  # 5.0
    record(1, 2021, 2, rd_expenditure=12, value_added=200, high_tech=True),  # 6.0
    record(1, 2021, 4, rd_expenditure=30, value_added=400, high_tech=True),  # 7.5 (no 2021 Q3 return)
    record(1, 2022, 1, rd_expenditure=8, value_added=100),  # 8.0
    record(1, 2022, 2, rd_expenditure=18, value_added=200),  # 9.0
    record(1, 2022, 3, rd_expenditure=27, value_added=300),  # 9.0
    record(1, 2022, 4, rd_expenditure=40, value_added=400),  # 10.0
]


@pytest.mark.parametrize(
    ("indicator", "year", "quarter", "value", "previous"),
    [
        pytest.param("I1", 2021, 1, 5.0, None, id="2021Q1-no-2020-data"),
        pytest.param("I1", 2021, 2, 6.0, None, id="2021Q2-ytd-not-summed-with-Q1"),
        pytest.param("I1", 2021, 4, 7.5, None, id="2021Q4-annual"),
        pytest.param("I1", 2022, 1, 8.0, 5.0, id="2022Q1-vs-2021Q1"),
        pytest.param("I1", 2022, 2, 9.0, 6.0, id="2022Q2-vs-2021Q2"),
        pytest.param("I1", 2022, 3, 9.0, None, id="2022Q3-no-2021Q3"),
        pytest.param("I1", 2022, 4, 10.0, 7.5, id="2022Q4-vs-2021Q4"),
        pytest.param("I4", 2022, 1, 0, 1, id="I4-2022Q1-vs-2021Q1"),
    ],
)
def test_it_gives_year_to_date_values_with_the_same_period_a_year_earlier(indicator, year, quarter, value, previous):
    values = values_of(YTD_RECORDS, parcels=[1])
    for scope in (1, None):
        row = row_of(values, indicator, scope, year, quarter)
        assert row["value"] == approx(value)
        assert row["previous"] == approx(previous)


def test_it_gives_no_previous_value_where_last_year_had_no_value():
    # 2021: value added 0, so I1 has no value; 2022 has one and no previous.
    values = values_of([record(1, 2021, rd_expenditure=3), record(1, 2022, rd_expenditure=3, value_added=100)], [1])
    assert row_of(values, "I1", None, 2022)["value"] == approx(3.0)
    assert row_of(values, "I1", None, 2022)["previous"] is None


# --- progress (docs/method.md §3) ---------------------------------------------------

# An absolute target T = 100 from a base of 50: d0 = 50, s = (y − 2020)/5, p = 1 − d/50, R = p/s.


@pytest.mark.parametrize(
    ("year", "value", "status", "pace"),
    [
        pytest.param(
            2022,
            72,
            compute.AHEAD,
            1.10,  # p = 1 − 28/50 = 0.44, s = 0.4
            id="pace-exactly-1.10-2022-ahead",
        ),
        pytest.param(
            2021,
            61,
            compute.AHEAD,
            1.10,  # p = 1 − 39/50 = 0.22, s = 0.2
            id="pace-exactly-1.10-2021-ahead",
        ),
        pytest.param(2022, 75, compute.AHEAD, 1.25, id="pace-1.25-ahead"),
        pytest.param(2022, 71.99, compute.ON_TRACK, (1 - 28.01 / 50) / 0.4, id="pace-just-below-1.10-on-track"),
        pytest.param(2022, 70, compute.ON_TRACK, 1.0, id="pace-1.00-on-track"),
        pytest.param(2021, 59, compute.ON_TRACK, 0.90, id="pace-exactly-0.90-2021-on-track"),
        pytest.param(
            2022,
            68,
            compute.ON_TRACK,
            0.90,  # p = 1 − 32/50 = 0.36, s = 0.4
            id="pace-exactly-0.90-2022-on-track",
        ),
        pytest.param(2022, 67.99, compute.BEHIND, 0.8995, id="pace-just-below-0.90-behind"),
        pytest.param(2023, 50, compute.BEHIND, 0.0, id="no-progress-behind"),
        pytest.param(2023, 40, compute.BEHIND, -0.2 / 0.6, id="regressed-behind"),
        pytest.param(2023, 100, compute.ACHIEVED_EARLY, 1 / 0.6, id="exactly-met-2023-achieved-early"),
        pytest.param(2024, 120, compute.ACHIEVED_EARLY, 1.4 / 0.8, id="exceeded-2024-achieved-early"),
        pytest.param(2025, 100, compute.ACHIEVED, 1.0, id="2025-exactly-met-achieved"),
        pytest.param(2025, 130, compute.ACHIEVED, 1.6, id="2025-exceeded-achieved"),
        pytest.param(2025, 99.5, compute.NOT_ACHIEVED, 0.99, id="2025-short-not-achieved"),
    ],
)
def test_it_judges_an_absolute_target(year, value, status, pace):
    result = judge(
        year=year, kind=LEVEL, actuals={year: value}, base_value=50, base_source="computed", target=100, plan=PLAN14
    )
    assert result.status == status
    assert result.pace == approx(pace)


# Already met in the base year (base 120 ≥ T 100): d0 = −20 ≤ 0, pace undefined.
@pytest.mark.parametrize(
    ("year", "value", "status"),
    [
        pytest.param(2022, 90, compute.BEHIND, id="no-longer-met-behind"),
        pytest.param(2022, 100, compute.ACHIEVED_EARLY, id="exactly-met-achieved-early"),
        pytest.param(2024, 110, compute.ACHIEVED_EARLY, id="still-met-achieved-early"),
        pytest.param(2025, 95, compute.NOT_ACHIEVED, id="2025-not-met-not-achieved"),
        pytest.param(2025, 105, compute.ACHIEVED, id="2025-met-achieved"),
    ],
)
def test_it_judges_a_target_already_met_in_the_base_year(year, value, status):
    result = judge(
        year=year, kind=LEVEL, actuals={year: value}, base_value=120, base_source="computed", target=100, plan=PLAN14
    )
    assert result.status == status
    assert result.pace is None
    assert result.inputs["base_distance"] == approx(-20)


# I3 against Shanghai's series {2020: 40, 2023: 43.9, 2024: 43.6}, park base 30 (d0 = 10 from 2020's 40).
@pytest.mark.parametrize(
    ("year", "value", "target", "benchmark_year", "provisional", "status", "pace"),
    [
        pytest.param(2021, 31, 40.0, 2020, True, compute.BEHIND, 0.5, id="2021-uses-2020-provisional-behind"),
        pytest.param(2022, 36, 40.0, 2020, True, compute.AHEAD, 1.5, id="2022-uses-2020-provisional-ahead"),
        pytest.param(2023, 45, 43.9, 2023, False, compute.ACHIEVED_EARLY, (1 + 1.1 / 10) / 0.6, id="2023-own-value"),
        pytest.param(2024, 41, 43.6, 2024, False, compute.ON_TRACK, 0.74 / 0.8, id="2024-own-value-on-track"),
        pytest.param(2025, 44, 43.6, 2024, True, compute.ACHIEVED, (1 + 0.4 / 10), id="2025-uses-2024-achieved"),
        pytest.param(2025, 43, 43.6, 2024, True, compute.NOT_ACHIEVED, (1 - 0.6 / 10), id="2025-uses-2024-not"),
    ],
)
def test_it_judges_a_benchmark_target(year, value, target, benchmark_year, provisional, status, pace):
    result = judge(
        year=year,
        kind=BENCHMARK,
        actuals={year: value},
        base_value=30,
        base_source="computed",
        benchmark=SHANGHAI_SEI,
        plan=PLAN14,
    )
    assert result.target == approx(target)
    assert result.benchmark_year == benchmark_year
    assert result.provisional is provisional
    assert result.status == status
    assert result.pace == approx(pace)


@pytest.mark.parametrize("benchmark", [pytest.param({}, id="empty"), pytest.param(None, id="none")])
def test_it_says_benchmark_missing_without_any_benchmark_value(benchmark):
    result = judge(
        year=2023,
        kind=BENCHMARK,
        actuals={2023: 45},
        base_value=30,
        base_source="computed",
        benchmark=benchmark,
        plan=PLAN14,
    )
    assert result.status == compute.BENCHMARK_MISSING
    assert result.target is None
    assert result.pace is None
    assert status_word(result.status) == "基准缺失"


def test_it_takes_d0_from_the_earliest_value_of_a_benchmark_starting_after_2020():
    # Series starts 2023 (43.9); base 30: d0 = 13.9; 2023 actual 40: d = 3.9,
    # p = 1 − 3.9/13.9 = 10/13.9, s = 0.6, R = (10/13.9)/0.6 = 1.199… → 快于预期.
    result = judge(
        year=2023,
        kind=BENCHMARK,
        actuals={2023: 40},
        base_value=30,
        base_source="computed",
        benchmark={2023: 43.9},
        plan=PLAN14,
    )
    assert result.target == approx(43.9)
    assert result.benchmark_year == 2023
    assert result.provisional is True
    assert result.inputs["base_distance"] == approx(13.9)
    assert result.inputs["base_benchmark_year"] == 2023
    assert result.pace == approx((10 / 13.9) / 0.6)
    assert result.status == compute.AHEAD


@pytest.mark.parametrize(
    ("series", "year", "expected"),
    [
        pytest.param(SHANGHAI_SEI, 2023, (43.9, 2023, False), id="own-year"),
        pytest.param(SHANGHAI_SEI, 2022, (40.0, 2020, True), id="latest-earlier"),
        pytest.param(SHANGHAI_SEI, 2025, (43.6, 2024, True), id="latest-earlier-2025"),
        pytest.param({2023: 43.9}, 2020, (43.9, 2023, True), id="base-year-from-later-start"),
        pytest.param({}, 2022, (None, None, False), id="empty"),
    ],
)
def test_it_picks_the_benchmark_value_for_a_year(series, year, expected):
    value, used, provisional = benchmark_for(series, year)
    assert (value, used, provisional) == (approx(expected[0]), expected[1], expected[2])


@pytest.mark.parametrize(
    ("actuals", "base_value", "target", "missing"),
    [
        pytest.param({}, 50, 100, "value", id="no-value-for-the-year"),
        pytest.param({2023: None}, 50, 100, "value", id="value-none"),
        pytest.param({2023: 70}, None, 100, "base_value", id="no-base-value"),
        pytest.param({2023: 70}, 50, None, "target", id="no-target"),
    ],
)
def test_it_says_insufficient_data_when_a_value_is_missing(actuals, base_value, target, missing):
    result = judge(
        year=2023,
        kind=LEVEL,
        actuals=actuals,
        base_value=base_value,
        base_source="computed",
        target=target,
        plan=PLAN14,
    )
    assert result.status == compute.INSUFFICIENT_DATA
    assert result.inputs["missing"] == missing
    assert status_word(result.status) == "数据不足"


# I6: five new listings 2021–2025, A(2020) = 0, so d0 = 5 and E(y) = 5·s.
@pytest.mark.parametrize(
    ("year", "value", "expected", "status", "completion", "needed"),
    [
        pytest.param(2021, 0, 1.0, compute.BEHIND, 0.0, 5 / 4, id="2021-none-yet"),
        pytest.param(2022, 2, 2.0, compute.ON_TRACK, 0.4, 3 / 3, id="2022-on-the-line"),
        pytest.param(2023, 3, 3.0, compute.ON_TRACK, 0.6, 2 / 2, id="2023-on-the-line"),
        pytest.param(2023, 4, 3.0, compute.AHEAD, 0.8, 1 / 2, id="2023-ahead"),
        pytest.param(2024, 5, 4.0, compute.ACHIEVED_EARLY, 1.0, 0.0, id="2024-achieved-early"),
        pytest.param(2025, 5, 5.0, compute.ACHIEVED, 1.0, None, id="2025-achieved"),
        pytest.param(2025, 4, 5.0, compute.NOT_ACHIEVED, 0.8, None, id="2025-not-achieved"),
    ],
)
def test_it_judges_a_cumulative_target(year, value, expected, status, completion, needed):
    result = judge(
        year=year, kind=CUMULATIVE, actuals={year: value}, base_value=0, base_source="cumulative", target=5, plan=PLAN14
    )
    assert result.expected == approx(expected)
    assert result.status == status
    assert result.completion == approx(completion)
    assert result.needed_per_year == approx(needed)


@pytest.mark.parametrize(
    ("kind", "year", "value", "base", "target", "benchmark", "expected", "completion", "gap", "needed"),
    [
        # absolute: E = base + (T − base)·s
        pytest.param(LEVEL, 2022, 72, 50, 100, None, 70.0, 0.72, 28.0, 28 / 3, id="level-2022"),
        pytest.param(LEVEL, 2024, 120, 50, 100, None, 90.0, 1.2, -20.0, 0.0, id="level-2024-exceeded"),
        pytest.param(LEVEL, 2025, 99.5, 50, 100, None, 100.0, 0.995, 0.5, None, id="level-2025"),
        # I4 from the plan's base: 327 + (800 − 327)·0.6 = 610.8
        pytest.param(LEVEL, 2023, 600, 327, 800, None, 610.8, 0.75, 200.0, 100.0, id="I4-2023"),
        # benchmark: E = target(y) − d0·(1 − s) = 43.9 − 10·0.4 = 39.9
        pytest.param(BENCHMARK, 2023, 38, 30, None, SHANGHAI_SEI, 39.9, 38 / 43.9, 5.9, 5.9 / 2, id="benchmark-2023"),
        # benchmark from provisional 2020 value: 40 − 10·0.8 = 32
        pytest.param(BENCHMARK, 2021, 31, 30, None, SHANGHAI_SEI, 32.0, 31 / 40, 9.0, 9 / 4, id="benchmark-2021"),
        # cumulative: E = T·s
        pytest.param(CUMULATIVE, 2022, 1, 0, 5, None, 2.0, 0.2, 4.0, 4 / 3, id="cumulative-2022"),
    ],
)
def test_it_reports_expected_value_completion_gap_and_yearly_need(
    kind, year, value, base, target, benchmark, expected, completion, gap, needed
):
    result = judge(
        year=year,
        kind=kind,
        actuals={year: value},
        base_value=base,
        base_source="computed",
        target=target,
        benchmark=benchmark,
        plan=PLAN14,
    )
    assert result.expected == approx(expected)
    assert result.completion == approx(completion)
    assert result.gap == approx(gap)
    assert result.needed_per_year == approx(needed)


# Projection by least squares through (2020, base) and the annual values 2021..y, at 2025.
@pytest.mark.parametrize(
    ("year", "actuals", "points", "projected", "slope"),
    [
        # (2020,50) (2021,54): slope 4, at 2025: 50 + 5·4 = 70
        pytest.param(2021, {2021: 54}, [[2020, 50], [2021, 54]], 70.0, 4.0, id="two-points"),
        # x̄ = 2021.5, ȳ = 57.5, Sxx = 5, Sxy = 25: slope 5, at 2025: 57.5 + 5·3.5 = 75
        pytest.param(
            2023,
            {2021: 54, 2022: 62, 2023: 64},
            [[2020, 50], [2021, 54], [2022, 62], [2023, 64]],
            75.0,
            5.0,
            id="four-points",
        ),
        # 2021 missing: x̄ = 6065/3, ȳ = 176/3, Sxx = 14/3, Sxy = 68/3: slope 34/7, at 2025: 176/3 + 34/7·10/3 = 1572/21
        pytest.param(
            2023,
            {2021: None, 2022: 62, 2023: 64},
            [[2020, 50], [2022, 62], [2023, 64]],
            1572 / 21,
            34 / 7,
            id="a-missing-year-skipped",
        ),
        # values after y are not used
        # x̄ = 2021, ȳ = 166/3, Sxx = 2, Sxy = 12: slope 6, at 2025: 166/3 + 24 = 238/3
        pytest.param(
            2022, {2021: 54, 2022: 62, 2023: 0}, [[2020, 50], [2021, 54], [2022, 62]], 238 / 3, 6.0, id="to-y"
        ),
    ],
)
def test_it_projects_2025_by_least_squares_for_a_fixed_target(year, actuals, points, projected, slope):
    result = judge(
        year=year, kind=LEVEL, actuals=actuals, base_value=50, base_source="computed", target=100, plan=PLAN14
    )
    assert result.inputs["projection_points"] == points
    assert result.projected == approx(projected)
    assert result.inputs["projection_slope"] == approx(slope)
    assert result.projected_gap == approx(100 - projected)


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        pytest.param([(2020, 50), (2021, 54), (2022, 62), (2023, 64)], (75.0, 5.0, 57.5 - 5 * 2021.5), id="four"),
        pytest.param([(2020, 10), (2022, 10)], (10.0, 0.0, 10.0), id="flat"),
        pytest.param([(2020, 50)], None, id="one-point"),
        pytest.param([], None, id="no-point"),
        pytest.param([(2022, 50), (2022, 60)], None, id="one-distinct-year"),
    ],
)
def test_it_fits_a_least_squares_line(points, expected):
    fit = least_squares(points, 2025)
    if expected is None:
        assert fit is None
    else:
        assert fit == pytest.approx(expected, rel=REL)


@pytest.mark.parametrize(
    ("year", "actuals", "projected", "distances", "projected_gap", "reaches"),
    [
        # values (2020,30) (2021,32) (2022,35) (2023,38) (2024,41): slope 2.8, at 2025 35.2 + 8.4 = 43.6
        # distances 10, 8, 5, 5.9 (43.9 − 38), 2.6 (43.6 − 41): mean 6.3, slope −1.69, at 2025 6.3 − 5.07 = 1.23
        pytest.param(
            2024,
            {2021: 32, 2022: 35, 2023: 38, 2024: 41},
            43.6,
            [[2020, 10.0], [2021, 8.0], [2022, 5.0], [2023, 5.9], [2024, 2.6]],
            1.23,
            False,
            id="does-not-reach",
        ),
        # values (2020,30) (2021,36) (2022,39): slope 4.5, at 2025 35 + 18 = 53
        # distances 10, 4, 1: mean 5, slope −4.5, at 2025 5 − 18 = −13
        pytest.param(
            2022, {2021: 36, 2022: 39}, 53.0, [[2020, 10.0], [2021, 4.0], [2022, 1.0]], -13.0, True, id="reaches"
        ),
    ],
)
def test_it_projects_the_distance_to_a_benchmark(year, actuals, projected, distances, projected_gap, reaches):
    result = judge(
        year=year,
        kind=BENCHMARK,
        actuals=actuals,
        base_value=30,
        base_source="computed",
        benchmark=SHANGHAI_SEI,
        plan=PLAN14,
    )
    assert result.projected == approx(projected)
    assert [x for x, _ in result.inputs["projection_distances"]] == [x for x, _ in distances]
    assert [d for _, d in result.inputs["projection_distances"]] == [approx(d) for _, d in distances]
    assert result.projected_gap == approx(projected_gap)
    assert result.inputs["projected_reaches_benchmark"] is reaches


@pytest.mark.parametrize(
    ("thresholds", "value", "status"),
    [
        # base 50, T 100, 2022: A 67 → p = 0.34, R = 0.85
        pytest.param(Thresholds(), 67, compute.BEHIND, id="default-0.85-behind"),
        pytest.param(Thresholds(ahead=1.2, on_track=0.8), 67, compute.ON_TRACK, id="custom-0.85-on-track"),
        # A 75 → p = 0.5, R = 1.25
        pytest.param(Thresholds(ahead=1.3, on_track=0.8), 75, compute.ON_TRACK, id="custom-1.25-on-track"),
        pytest.param(Thresholds(), 75, compute.AHEAD, id="default-1.25-ahead"),
    ],
)
def test_it_uses_and_stores_the_thresholds(thresholds, value, status):
    result = judge(
        year=2022,
        kind=LEVEL,
        actuals={2022: value},
        base_value=50,
        base_source="plan",
        target=100,
        thresholds=thresholds,
        plan=PLAN14,
    )
    assert result.status == status
    assert result.inputs["thresholds"] == {"ahead": thresholds.ahead, "on_track": thresholds.on_track}


def test_its_inputs_explain_an_absolute_result():
    result = judge(
        year=2022,
        kind=LEVEL,
        actuals={2021: 400, 2022: 500},
        base_value=327,
        base_source="plan",
        target=800,
        plan=PLAN14,
    )
    inputs = result.inputs
    assert inputs["base_value"] == 327
    assert inputs["base_source"] == "plan"
    assert inputs["target"] == approx(800)
    assert inputs["distance"] == approx(300)
    assert inputs["base_distance"] == approx(473)
    assert inputs["elapsed_share"] == approx(0.4)
    assert inputs["progress_share"] == approx(1 - 300 / 473)
    assert inputs["pace"] == approx((1 - 300 / 473) / 0.4)
    assert inputs["projection_points"] == [[2020, 327], [2021, 400], [2022, 500]]
    assert result.base_value == 327


def test_its_inputs_explain_a_benchmark_result():
    result = judge(
        year=2022,
        kind=BENCHMARK,
        actuals={2021: 32, 2022: 36},
        base_value=30,
        base_source="computed",
        benchmark=SHANGHAI_SEI,
        plan=PLAN14,
    )
    inputs = result.inputs
    assert inputs["base_value"] == 30
    assert inputs["base_source"] == "computed"
    assert inputs["target"] == approx(40.0)
    assert inputs["benchmark_year"] == 2020
    assert inputs["base_benchmark_year"] == 2020
    assert inputs["benchmark_series"] == {"2020": 40.0, "2023": 43.9, "2024": 43.6}
    assert inputs["projection_points"] == [[2020, 30], [2021, 32], [2022, 36]]


# --- progress_table --------------------------------------------------------------


def annual_frame(rows: list[tuple[str, int | None, int, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["indicator", "parcel", "year", "value"])


def progress_row(table: pd.DataFrame, indicator: str, parcel: int | None, year: int) -> dict:
    scope = table["parcel"].isna() if parcel is None else table["parcel"] == parcel
    found = table[(table["indicator"] == indicator) & scope & (table["year"] == year)]
    assert len(found) == 1
    # The frame holds NaN where judge(, plan=PLAN14) left None; read both as "no value".
    return {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in found.iloc[0].to_dict().items()}


# I4: park computed 300 in 2020 (the plan says 327), 500 in 2022; parcel 1: 200 → 350, parcel 2: 100 → 150.
I4_ANNUAL = annual_frame(
    [
        ("I4", None, 2020, 300),
        ("I4", None, 2022, 500),
        ("I4", 1, 2020, 200),
        ("I4", 1, 2022, 350),
        ("I4", 2, 2020, 100),
        ("I4", 2, 2022, 150),
    ]
)


def test_it_judges_the_park_from_the_plans_base_figure():
    table = progress_table(
        I4_ANNUAL,
        [IndicatorSpec("I4", LEVEL, target=800, plan_base=327, is_count=True)],
        parcels=[1, 2],
        years=[2022],
        plan=PLAN14,
    )
    park = progress_row(table, "I4", None, 2022)
    # d0 = 800 − 327 = 473, d = 300, p = 173/473, R = p/0.4 = 0.914… → 基本符合预期
    assert park["base_value"] == 327
    assert park["inputs"]["base_source"] == "plan"
    assert park["expected"] == approx(327 + 473 * 0.4)
    assert park["pace"] == approx((173 / 473) / 0.4)
    assert park["status"] == compute.ON_TRACK
    assert park["inputs"]["projection_points"][0] == [2020, 327]


def test_it_judges_the_park_from_the_computed_base_without_a_plan_figure():
    table = progress_table(
        I4_ANNUAL, [IndicatorSpec("I4", LEVEL, target=800, is_count=True)], parcels=[1, 2], years=[2022], plan=PLAN14
    )
    park = progress_row(table, "I4", None, 2022)
    # d0 = 500, d = 300, p = 0.4, R = 1.0
    assert park["base_value"] == 300
    assert park["inputs"]["base_source"] == "computed"
    assert park["pace"] == approx(1.0)


@pytest.mark.parametrize(
    ("parcel", "share"),
    [
        pytest.param(1, 150 / 200, id="parcel-1"),  # (350 − 200) / (500 − 300)
        pytest.param(2, 50 / 200, id="parcel-2"),  # (150 − 100) / (500 − 300)
    ],
)
def test_it_gives_a_count_parcel_its_share_of_change_without_a_split_target(parcel, share):
    table = progress_table(
        I4_ANNUAL,
        [IndicatorSpec("I4", LEVEL, target=800, plan_base=327, is_count=True)],
        parcels=[1, 2],
        years=[2022],
        plan=PLAN14,
    )
    row = progress_row(table, "I4", parcel, 2022)
    assert row["status"] == ""
    assert status_word(row["status"]) == ""
    assert row["target"] is None
    assert row["value"] == approx(350 if parcel == 1 else 150)
    assert row["share_of_change"] == approx(share)


@pytest.mark.parametrize(
    ("parcel", "target", "status", "pace"),
    [
        # base 200, T 500, A 350: d0 300, d 150, p 0.5, R 1.25
        pytest.param(1, 500, compute.AHEAD, 1.25, id="parcel-1-ahead"),
        # base 100, T 300, A 150: d0 200, d 150, p 0.25, R 0.625
        pytest.param(2, 300, compute.BEHIND, 0.625, id="parcel-2-behind"),
    ],
)
def test_it_judges_a_count_parcel_against_its_split_target(parcel, target, status, pace):
    spec = IndicatorSpec("I4", LEVEL, target=800, plan_base=327, parcel_targets={1: 500, 2: 300}, is_count=True)
    row = progress_row(progress_table(I4_ANNUAL, [spec], parcels=[1, 2], years=[2022], plan=PLAN14), "I4", parcel, 2022)
    assert row["target"] == approx(target)
    assert row["base_value"] == (200 if parcel == 1 else 100)
    assert row["status"] == status
    assert row["pace"] == approx(pace)


def test_it_gives_no_share_when_the_park_did_not_change():
    annual = annual_frame([("I5", None, 2020, 4), ("I5", None, 2022, 4), ("I5", 1, 2020, 1), ("I5", 1, 2022, 2)])
    table = progress_table(
        annual, [IndicatorSpec("I5", LEVEL, target=30, is_count=True)], parcels=[1], years=[2022], plan=PLAN14
    )
    row = progress_row(table, "I5", 1, 2022)
    assert row["status"] == ""
    assert row["share_of_change"] is None


def test_it_gives_a_cumulative_parcel_its_share_of_the_new_listings():
    annual = annual_frame([("I6", None, 2022, 4), ("I6", 1, 2022, 3), ("I6", 2, 2022, 1)])
    table = progress_table(
        annual, [IndicatorSpec("I6", CUMULATIVE, target=5, is_count=True)], parcels=[1, 2], years=[2022], plan=PLAN14
    )
    park = progress_row(table, "I6", None, 2022)
    assert park["base_value"] == 0
    assert park["expected"] == approx(2.0)  # 5 · 0.4
    # d0 = 5, d = 1, p = 0.8, R = 2.0
    assert park["status"] == compute.AHEAD
    assert progress_row(table, "I6", 1, 2022)["share_of_change"] == approx(0.75)
    assert progress_row(table, "I6", 2, 2022)["share_of_change"] == approx(0.25)
    assert progress_row(table, "I6", 1, 2022)["status"] == ""


# I8 (target 6 %): park 4.0 → 5.0; parcel 1: 2.0 → 3.6; parcel 2: 7.0 → 5.5; parcel 3: no 2020 value.
I8_ANNUAL = annual_frame(
    [
        ("I8", None, 2020, 4.0),
        ("I8", None, 2022, 5.0),
        ("I8", 1, 2020, 2.0),
        ("I8", 1, 2022, 3.6),
        ("I8", 2, 2020, 7.0),
        ("I8", 2, 2022, 5.5),
        ("I8", 3, 2020, None),
        ("I8", 3, 2022, 6.5),
    ]
)


@pytest.mark.parametrize(
    ("parcel", "base", "expected", "status", "pace"),
    [
        # d0 2, d 1, p 0.5, R 1.25; E = 4 + 2·0.4
        pytest.param(None, 4.0, 4.8, compute.AHEAD, 1.25, id="park"),
        # own base 2.0: d0 4, d 2.4, p 0.4, R 1.0; E = 2 + 4·0.4
        pytest.param(1, 2.0, 3.6, compute.ON_TRACK, 1.0, id="parcel-from-own-base"),
        # own base 7.0 ≥ 6: d0 −1, d 0.5 > 0 → 滞后; E = T = 6 (the plan expects the target held, method §8)
        pytest.param(2, 7.0, 6.0, compute.BEHIND, None, id="parcel-met-in-2020-then-fell"),
        # no own 2020 value
        pytest.param(3, None, None, compute.INSUFFICIENT_DATA, None, id="parcel-without-2020-value"),
    ],
)
def test_it_judges_a_ratio_parcel_against_the_park_target_from_its_own_base(parcel, base, expected, status, pace):
    table = progress_table(
        I8_ANNUAL, [IndicatorSpec("I8", LEVEL, target=6)], parcels=[1, 2, 3], years=[2022], plan=PLAN14
    )
    row = progress_row(table, "I8", parcel, 2022)
    assert row["target"] == approx(6.0)
    assert row["base_value"] == approx(base)
    assert row["expected"] == approx(expected)
    assert row["status"] == status
    assert row["pace"] == approx(pace)
    assert row["share_of_change"] is None


def test_it_judges_a_benchmark_parcel_against_the_park_benchmark():
    annual = annual_frame([("I3", None, 2020, 30), ("I3", None, 2023, 38), ("I3", 1, 2020, 20), ("I3", 1, 2023, 44)])
    spec = IndicatorSpec("I3", BENCHMARK, benchmark=SHANGHAI_SEI)
    row = progress_row(progress_table(annual, [spec], parcels=[1], years=[2023], plan=PLAN14), "I3", 1, 2023)
    assert row["target"] == approx(43.9)
    assert row["base_value"] == approx(20)
    assert row["status"] == compute.ACHIEVED_EARLY
    assert row["expected"] == approx(43.9 - 20 * 0.4)  # d0 = 40 − 20


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param((5, 3, 12, 8), 0.5, id="half"),
        pytest.param((2, 3, 12, 8), -0.25, id="parcel-fell"),
        pytest.param((5, 3, 10, 10), None, id="park-unchanged"),
        pytest.param((None, 3, 12, 8), None, id="no-parcel-value"),
        pytest.param((5, 3, None, 8), None, id="no-park-value"),
    ],
)
def test_it_computes_a_share_of_change(args, expected):
    assert share_of_change(*args) == approx(expected)


# --- words and purity --------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "zh"),
    [
        pytest.param(compute.ACHIEVED_EARLY, "提前实现", id="achieved_early"),
        pytest.param(compute.AHEAD, "快于预期", id="ahead"),
        pytest.param(compute.ON_TRACK, "基本符合预期", id="on_track"),
        pytest.param(compute.BEHIND, "滞后", id="behind"),
        pytest.param(compute.ACHIEVED, "已实现", id="achieved"),
        pytest.param(compute.NOT_ACHIEVED, "未实现", id="not_achieved"),
        pytest.param(compute.BENCHMARK_MISSING, "基准缺失", id="benchmark_missing"),
        pytest.param(compute.INSUFFICIENT_DATA, "数据不足", id="insufficient_data"),
        pytest.param("", "", id="no-status"),
    ],
)
def test_it_words_each_status_in_chinese(status, zh):
    assert status_word(status) == zh


def imported_modules(path: Path) -> set[str]:
    """Return the top-level names of every module a file imports (anywhere in it)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_it_keeps_compute_free_of_django_and_celery():
    modules = imported_modules(Path(compute.__file__))
    assert "pandas" in modules  # the walk sees the file's imports
    assert not modules & {"django", "celery"}

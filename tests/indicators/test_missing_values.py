"""A missing figure (未填写 or 不适用) is no value, never 0: ratios pairwise, counts without missing flags.

The pure sums (compute.sums_from_records) and their SQL twin (queries.period_sums) agree.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from indicators import compute, formulas, queries
from parcels.demo import seed_demo
from tests.factories import make_enterprise, make_parcel, make_statistic

from . import plan14

LISTING_FROM = date(2021, 1, 1)
NAN = float("nan")
FULL = {
    "revenue": 1000.0,
    "industrial_output": 800.0,
    "above_scale": True,
    "sei_output": 300.0,
    "value_added": 200.0,
    "rd_expenditure": 20.0,
    "tax": 30.0,
    "employees": 100.0,
    "masters_plus": 10.0,
    "foreign_returnee": 2.0,
    "invention_patents": 1.0,
    "high_tech": True,
    "listed_date": None,
}


def records(*rows: dict) -> pd.DataFrame:
    frame = pd.DataFrame([{"parcel": 1, "year": 2025, "quarter": 4, **FULL, **row} for row in rows])
    for name in ("above_scale", "high_tech"):
        frame[name] = frame[name].astype(object)
    return frame


def park_values(frame: pd.DataFrame) -> dict[str, float | None]:
    values = plan14.values(frame)
    park = values[values["parcel"].isna()]
    return dict(zip(park["indicator"], park["value"], strict=True))


# Two enterprises: A complete, B with one figure missing. Each case says what B's gap does.
CASES = [
    # I1: B's R&D missing → B leaves I1 altogether: 20 / 200 (not 20 / 400).
    ("rd_expenditure", NAN, "I1", 20 / 200 * 100),
    # I1: B's value added missing → B's R&D is not counted either: 20 / 200.
    ("value_added", NAN, "I1", 20 / 200 * 100),
    # I2: B's patents missing → B's employees leave I2's denominator: 1 / 100.
    ("invention_patents", NAN, "I2", 1 / 100 * 10_000),
    # I8 is untouched by B's missing patents: both enterprises, 20 / 200.
    ("invention_patents", NAN, "I8", 20 / 200 * 100),
    # I8: B's employees missing → B leaves I2, I7 and I8 (its masters too): 10 / 100.
    ("employees", NAN, "I8", 10 / 100 * 100),
    # I3: B's industrial output 不适用 → B's SEI output leaves I3: 300 / 800.
    ("industrial_output", NAN, "I3", 300 / 800 * 100),
    # I4: B's high-tech flag missing → not counted (not a 否 either): 1.
    ("high_tech", None, "I4", 1),
    # I5: B's revenue missing → not a leader: 0 (A's 1000 万元 is no leader either).
    ("revenue", NAN, "I5", 0),
    # 0 is a value: B's R&D of 0 counts in I1: 20 / 400.
    ("rd_expenditure", 0.0, "I1", 20 / 400 * 100),
]


@pytest.mark.parametrize(("field", "missing", "indicator", "expected"), CASES)
def test_it_leaves_a_missing_figure_out_pairwise(field, missing, indicator, expected):
    values = park_values(records({}, {field: missing}))
    assert values[indicator] == pytest.approx(expected)


def test_it_has_no_value_where_every_pair_is_missing():
    values = park_values(records({"rd_expenditure": NAN}, {"value_added": NAN}))
    assert values["I1"] is None or np.isnan(values["I1"])  # no denominator: no value, not 0


def test_a_complete_record_sums_as_before(plan):
    """Without missing figures the pairwise sums are the plain sums: every existing figure stays as it was."""
    seed_demo(enterprises=60, seed=7)
    records = _demo_records()
    context = formulas.SqlContext(plan14.READS, LISTING_FROM, date(2025, 12, 31), plan14.KINDS)
    for text in ("10000 * sum(invention_patents) / sum(employees)", "100 * sum(foreign_returnee) / sum(employees)"):
        terms = formulas.Terms()
        compiled = terms.add(formulas.parse(text), context)
        sums = compute.sums_from_records(records, terms)
        parcels = sums[sums["parcel"].notna()].sort_values(["parcel", "year", "quarter"])
        paired = parcels[compiled.columns[compiled.formula.denominator]].astype(float).tolist()
        plain = records.groupby(["parcel", "year", "quarter"])["employees"].sum().astype(float).tolist()
        assert paired == plain


def _demo_records() -> pd.DataFrame:
    from parcels.models import Statistic

    rows = Statistic.objects.values("parcel_id", "year", "quarter", *FULL)
    frame = pd.DataFrame([{"parcel": r.pop("parcel_id"), **r} for r in rows])
    for name in ("revenue", "industrial_output", "sei_output", "value_added", "rd_expenditure", "tax"):
        frame[name] = frame[name].astype(float)
    return frame


@pytest.mark.django_db
def test_the_sql_aggregate_leaves_missing_figures_out_as_the_formulas_do():
    parcel = make_parcel()
    stored = [
        {},
        {"rd_expenditure": None},
        {"value_added": None, "employees": None},
        {"industrial_output": None, "high_tech": None},
        {"invention_patents": None, "above_scale": None, "revenue": None},
        {"masters_plus": None, "foreign_returnee": None, "sei_output": None},
    ]
    for gaps in stored:
        values = {k: (Decimal(str(v)) if isinstance(v, float) else v) for k, v in FULL.items()}
        values.update({"employees": 100, "masters_plus": 10, "foreign_returnee": 2, "invention_patents": 1})
        make_statistic(enterprise=make_enterprise(parcel=parcel), year=2025, quarter=4, **{**values, **gaps})

    by_sql = queries.period_sums(plan14.TERMS, periods={(2025, 4)})
    frame = records(
        *[
            {k: (NAN if v is None and k not in ("above_scale", "high_tech") else v) for k, v in g.items()}
            for g in stored
        ]
    )
    frame["parcel"] = parcel.id
    by_formulas = compute.sums_from_records(frame, plan14.TERMS)

    columns = ["records", *(term.alias for term in plan14.TERMS)]
    sql_park = by_sql[by_sql["parcel"].isna()][columns].astype(float).iloc[0]
    formula_park = by_formulas[by_formulas["parcel"].isna()][columns].astype(float).iloc[0]
    assert sql_park.to_dict() == pytest.approx(formula_park.to_dict())
    i2 = next(spec.compiled for spec in plan14.SPECS if spec.key == "I2")
    employees_with_patents = i2.columns[i2.formula.aggregates[-1]]
    assert sql_park[employees_with_patents] == 400  # not the one without employees, nor the one without patents
    i4 = next(spec.compiled for spec in plan14.SPECS if spec.key == "I4")
    i3 = next(spec.compiled for spec in plan14.SPECS if spec.key == "I3")
    assert sql_park[i4.columns[i4.formula.aggregates[0]]] == 5 and sql_park[i3.enterprises] == 5

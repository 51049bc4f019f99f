"""The 14th plan's formulas, compiled from fixtures/plan-14th.json, for the pure tests of compute.

Keyed by indicator code, as one plan's values are read in tests.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from indicators import compute, formulas
from parcels import statfields

PLAN_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "plan-14th.json"
LISTING_FROM = dt.date(2021, 1, 1)

# How the recompute's SQL reads each of the thirteen elements (their columns).
READS = {f.name: statfields.sql_value(f, "s") for f in statfields.BUILT_IN.fields}
KINDS = {f.name: f.kind for f in statfields.BUILT_IN.fields}


def compile_plan(path: Path = PLAN_FILE) -> tuple[list[compute.ValueSpec], formulas.Terms]:
    document = json.loads(path.read_text(encoding="utf-8"))
    plan = document["plan"]
    context = formulas.SqlContext(READS, dt.date(plan["start_year"], 1, 1), dt.date(plan["end_year"], 12, 31), KINDS)
    terms = formulas.Terms()
    specs = []
    for indicator in document["indicators"]:
        formula = formulas.parse(indicator["formula"])
        formulas.check(formula, KINDS)
        specs.append(compute.ValueSpec(indicator["code"], terms.add(formula, context), float(plan["park_area_km2"])))
    return specs, terms


SPECS, TERMS = compile_plan()
CODES = [spec.key for spec in SPECS]
COUNTS = tuple(spec.key for spec in SPECS if not spec.compiled.formula.is_ratio)


def values(records, *, parcels=()):
    """The 14th plan's values of enterprise records (compute.values_from_sums over compute.sums_from_records)."""
    return compute.values_from_sums(compute.sums_from_records(records, TERMS), SPECS, parcels=list(parcels))

"""CSV exports of the stored values and progress, for people and for checking.

UTF-8 with a BOM so Excel opens them in Chinese; no text cell can turn into a
formula.
"""

from __future__ import annotations

import csv
from typing import IO

from parkplan.numbers import is_missing

from . import compute
from .models import IndicatorValue, Plan, Progress

VALUE_COLUMNS = ["indicator", "parcel", "year", "quarter", "value", "numerator", "denominator", "enterprises"]
PROGRESS_COLUMNS = [
    "indicator",
    "parcel",
    "year",
    "value",
    "target",
    "target_kind",
    "benchmark_year",
    "provisional",
    "base_year",
    "base_value",
    "expected",
    "completion",
    "pace",
    "status",
    "gap",
    "needed_per_year",
    "projected_2025",
    "projected_gap_2025",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def number(value) -> str:
    """Format a number for CSV: empty for none, whole numbers without a decimal point, else full precision."""
    if is_missing(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def text(value: str) -> str:
    """Keep a text cell text: a leading =, +, -, @ gets a quote so no spreadsheet runs it."""
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def write_values(out: IO[str], plan: Plan) -> int:
    """Write every stored indicator value as CSV; return the number of rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(VALUE_COLUMNS)
    rows = (
        IndicatorValue.objects.filter(indicator__plan=plan)
        .order_by("indicator__order", "parcel__order", "year", "quarter")
        .values_list(
            "indicator__code", "parcel__code", "year", "quarter", "value", "numerator", "denominator", "enterprises"
        )
    )
    n = 0
    for code, parcel, year, quarter, value, numerator, denominator, enterprises in rows.iterator():
        writer.writerow(
            [
                code,
                text(parcel or ""),
                year,
                quarter,
                number(value),
                number(numerator),
                number(denominator),
                enterprises,
            ]
        )
        n += 1
    return n


def write_progress(out: IO[str], plan: Plan) -> int:
    """Write progress from the plan's first year as CSV; count indicators' parcels only with a split target."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PROGRESS_COLUMNS)
    rows = (
        Progress.objects.filter(indicator__plan=plan, year__gte=plan.start_year)
        .select_related("indicator", "parcel")
        .order_by("indicator__order", "parcel__order", "year")
    )
    n = 0
    for p in rows.iterator():
        if p.parcel_id is not None and p.indicator.is_count and not p.inputs.get("split_target"):
            continue
        writer.writerow(
            [
                p.indicator.code,
                text(p.parcel.code if p.parcel_id else ""),
                p.year,
                number(p.value),
                number(p.target),
                p.indicator.target_kind,
                number(p.benchmark_year),
                number(p.provisional),
                p.base_year,
                number(p.base_value),
                number(p.expected),
                number(p.completion),
                number(p.pace),
                compute.status_word(p.status),
                number(p.gap),
                number(p.needed_per_year),
                number(p.projected_2025),
                number(p.projected_gap_2025),
            ]
        )
        n += 1
    return n

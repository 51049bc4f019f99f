"""Freeze what a report is made from: a plain, canonical JSON-able dict of the stored results.

A report is generated from its snapshot only, never from the live tables, so a
report made today can be read (and re-downloaded) unchanged after the data
have been revised.

Contract (schema 1), every key a string, lists in a fixed order:
- plan: code, name_zh, name_en, short_zh, short_en, start_year, end_year, base_year, issuer
- year, data_version, data_as_of, computed_at (ISO 8601 in Asia/Shanghai, or None)
- thresholds: {ahead, on_track} as stored with the results
- parcels: [{code, name_zh, name_en, order}] by order
- indicators: [{code, order, name_zh, name_en, unit, unit_en, decimals, attribute,
  target_kind, target_value, target_year, target_text_zh/en, benchmark_name_zh/en,
  formula_zh/en, definition_zh/en, base_values: [{year, value, derived, source}],
  benchmarks: [{year, value, source}], base_actual (computed park value of the base year),
  park: [{year, value, target, expected, completion, pace, status, gap,
  needed_per_year, projected_2025, projected_gap_2025, benchmark_year,
  provisional, base_value}] from the plan's first year to `year`,
  inputs (the park's Progress.inputs for `year`),
  parcels: [{code, value, base_value, target, completion, status, gap,
  share_of_change, enterprises}] for `year` (status empty where a parcel is not judged)}] by order
- quality: {statistics_missing: [{parcel, quarter}], provisional: [{indicator, year, benchmark_year}],
  benchmark_missing: [indicator codes], returns: None or {…} (see _returns_quality)}
"""

from __future__ import annotations

import hashlib
import json
import math
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.db import connection

from parcels.models import Parcel, Statistic

from .. import queries
from ..models import Indicator, IndicatorValue, Progress

SCHEMA = 1
PARK_FIELDS = (
    "value",
    "target",
    "expected",
    "completion",
    "pace",
    "status",
    "gap",
    "needed_per_year",
    "projected_2025",
    "projected_gap_2025",
    "benchmark_year",
    "provisional",
    "base_value",
)


def canonical_json(snapshot: dict) -> str:
    """Return the one JSON text of a snapshot: sorted keys, no spaces, UTF-8 characters as they are."""
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def snapshot_hash(snapshot: dict) -> str:
    """Return the sha256 (hex) of a snapshot's canonical JSON."""
    return hashlib.sha256(canonical_json(snapshot).encode("utf-8")).hexdigest()


def _plain(value):
    """Turn a stored value into plain JSON: NaN → None, Decimal → float, tuples → lists."""
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return float(value)  # Decimal


def _when(value) -> str | None:
    if value is None:
        return None
    return value.astimezone(ZoneInfo(settings.TIME_ZONE)).replace(microsecond=0).isoformat()


def build_snapshot(*, year: int, plan=None) -> dict:
    """Read the stored results for `year` and freeze them into a canonical dict (see the module contract)."""
    plan = plan or queries.current_plan()
    if plan is None:
        raise ValueError("no plan is loaded")
    state = queries.recompute_state()
    parcels = list(Parcel.objects.order_by("order"))
    parcel_codes = {p.id: p.code for p in parcels}

    progress = {}
    for p in Progress.objects.filter(indicator__plan=plan, year__gte=plan.start_year, year__lte=year):
        progress[(p.indicator_id, p.parcel_id, p.year)] = p
    enterprises = dict(
        (((v[0], v[1]), v[2]))
        for v in IndicatorValue.objects.filter(indicator__plan=plan, year=year, quarter=4).values_list(
            "indicator_id", "parcel_id", "enterprises"
        )
    )
    base_actual = dict(
        IndicatorValue.objects.filter(
            indicator__plan=plan, year=plan.base_year, quarter=4, parcel__isnull=True
        ).values_list("indicator_id", "value")
    )

    thresholds = {"ahead": settings.PROGRESS_AHEAD_PACE, "on_track": settings.PROGRESS_ON_TRACK_PACE}
    indicators = []
    for indicator in Indicator.objects.filter(plan=plan).prefetch_related("base_values", "benchmark_values"):
        park = []
        for y in range(plan.start_year, year + 1):
            p = progress.get((indicator.id, None, y))
            if p is None:
                continue
            park.append({"year": y, **{f: _plain(getattr(p, f)) for f in PARK_FIELDS}})
        current = progress.get((indicator.id, None, year))
        if current is not None and current.inputs.get("thresholds"):
            thresholds = current.inputs["thresholds"]
        parcel_rows = []
        for parcel in parcels:
            p = progress.get((indicator.id, parcel.id, year))
            if p is None:
                continue
            parcel_rows.append(
                {
                    "code": parcel.code,
                    "value": _plain(p.value),
                    "base_value": _plain(p.base_value),
                    "target": _plain(p.target),
                    "completion": _plain(p.completion),
                    "status": p.status,
                    "gap": _plain(p.gap),
                    "share_of_change": _plain(p.share_of_change),
                    "enterprises": enterprises.get((indicator.id, parcel.id)),
                }
            )
        indicators.append(
            {
                "code": indicator.code,
                "order": indicator.order,
                "name_zh": indicator.name_zh,
                "name_en": indicator.name_en,
                "unit": indicator.unit,
                "unit_en": indicator.unit_en,
                "decimals": indicator.decimals,
                "attribute": indicator.attribute,
                "target_kind": indicator.target_kind,
                "target_value": _plain(indicator.target_value),
                "target_year": indicator.target_year,
                "target_text_zh": indicator.target_text_zh,
                "target_text_en": indicator.target_text_en,
                "benchmark_name_zh": indicator.benchmark_name_zh,
                "benchmark_name_en": indicator.benchmark_name_en,
                "formula_zh": indicator.formula_zh,
                "formula_en": indicator.formula_en,
                "definition_zh": indicator.definition_zh,
                "definition_en": indicator.definition_en,
                "base_values": [
                    {"year": b.year, "value": float(b.value), "derived": b.derived, "source": b.source}
                    for b in sorted(indicator.base_values.all(), key=lambda b: b.year)
                ],
                "benchmarks": [
                    {"year": b.year, "value": float(b.value), "source": b.source}
                    for b in sorted(indicator.benchmark_values.all(), key=lambda b: b.year)
                ],
                "base_actual": _plain(base_actual.get(indicator.id)),
                "park": park,
                "inputs": _plain(current.inputs) if current is not None else None,
                "parcels": parcel_rows,
            }
        )
    indicators.sort(key=lambda i: i["order"])

    snapshot = {
        "schema": SCHEMA,
        "plan": {
            "code": plan.code,
            "name_zh": plan.name_zh,
            "name_en": plan.name_en,
            "short_zh": plan.short_zh,
            "short_en": plan.short_en,
            "start_year": plan.start_year,
            "end_year": plan.end_year,
            "base_year": plan.base_year,
            "issuer": plan.issuer,
        },
        "year": year,
        "data_version": state.computed_version,
        "data_as_of": _when(state.data_as_of),
        "computed_at": _when(state.computed_at),
        "thresholds": _plain(thresholds),
        "parcels": [{"code": p.code, "name_zh": p.name_zh, "name_en": p.name_en, "order": p.order} for p in parcels],
        "indicators": indicators,
        "quality": _quality(year, indicators, parcels, parcel_codes),
    }
    # One round trip through the canonical text: what is stored and hashed is exactly this.
    return json.loads(canonical_json(_plain(snapshot)))


def _quality(year: int, indicators: list[dict], parcels: list[Parcel], parcel_codes: dict[int, str]) -> dict:
    present = set(Statistic.objects.filter(year=year).values_list("parcel_id", "quarter").distinct())
    missing = [{"parcel": p.code, "quarter": q} for p in parcels for q in range(1, 5) if (p.id, q) not in present]
    provisional, benchmark_missing = [], []
    for indicator in indicators:
        for row in indicator["park"]:
            if row["provisional"]:
                provisional.append(
                    {"indicator": indicator["code"], "year": row["year"], "benchmark_year": row["benchmark_year"]}
                )
        current = next((r for r in indicator["park"] if r["year"] == year), None)
        if current is not None and current["status"] == "benchmark_missing":
            benchmark_missing.append(indicator["code"])
    return {
        "statistics_missing": missing,
        "provisional": provisional,
        "benchmark_missing": benchmark_missing,
        "returns": _returns_quality(year, parcels),
    }


def _returns_quality(year: int, parcels: list[Parcel]) -> dict | None:
    """HOOK (returns workflow): the parcel-quarters of `year` whose return is missing or not approved.

    None while the quarterly returns (parcels.ParcelReturn) are not in this
    database, or when no return of the year was filed through them (the data
    then came by import and the statistics check above is what counts).
    Otherwise {"missing": [{parcel, quarter}], "unapproved": [{parcel, quarter, state}]}.
    """
    try:
        model = apps.get_model("parcels", "ParcelReturn")
    except LookupError:
        return None
    if model._meta.db_table not in connection.introspection.table_names():
        return None
    returns = {(r.parcel_id, r.quarter): r.state for r in model.objects.filter(year=year)}
    if not returns:
        return None
    missing, unapproved = [], []
    for p in parcels:
        for q in range(1, 5):
            state = returns.get((p.id, q))
            if state is None:
                missing.append({"parcel": p.code, "quarter": q})
            elif state != "approved":
                unapproved.append({"parcel": p.code, "quarter": q, "state": state})
    return {"missing": missing, "unapproved": unapproved}

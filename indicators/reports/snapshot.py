"""Freeze what a report is made from: a plain, canonical JSON-able dict of the stored results.

A report is generated from its snapshot only, never from the live tables, so a
report made today can be read (and re-downloaded) unchanged after the data
have been revised.

Contract (schema 2), every key a string, lists in a fixed order:
- plan: code, name_zh, name_en, short_zh, short_en, start_year, end_year, base_year, issuer, issuer_en, and
  example: true for an illustrative plan only (absent otherwise, so an adopted plan's snapshot is as before)
- year, data_version, data_as_of, computed_at (ISO 8601 in Asia/Shanghai, or None)
- demo: whether any demonstration record stands behind the figures (every page then says 演示数据)
- thresholds: {ahead, on_track} as stored with the results
- parcels: [{code, name_zh, name_en, order}] by order
- indicators: [{code, order, name_zh, name_en, unit, unit_en, decimals, attribute,
  target_kind, target_value, target_year, target_text_zh/en, benchmark_name_zh/en,
  formula_zh/en, definition_zh/en, responsible_unit, base_values: [{year, value, derived, source, source_en}],
  benchmarks: [{year, value, source, source_en}], base_actual (computed park value of the base year),
  park: [{year, value, target, expected, completion, pace, status, gap,
  needed_per_year, projected, projected_gap, benchmark_year,
  provisional, base_value}] from the plan's first year to `year`,
  inputs (the park's Progress.inputs for `year`),
  parcels: [{code, value, base_value, target, completion, status, gap,
  share_of_change, enterprises}] for `year` (status empty where a parcel is not judged),
  narrative: None or {version, reasons, measures, written_by, written_at} (the year's latest version)}] by order
- ytd_quarter, only for a year whose fourth quarter is not yet in: the latest quarter with values
  (1–3). Each indicator then also has ytd: {value, previous, enterprises} (the park's year-to-date
  value, the same period a year earlier) and its parcels are that quarter's values
  [{code, value, previous, enterprises}, the progress fields empty]: no status (docs/method.md §2)
- quality: {statistics_missing: [{parcel, quarter}], provisional: [{indicator, year, benchmark_year}],
  benchmark_missing: [indicator codes], returns: None or {…} (see _returns_quality),
  return_quality: [{parcel, quarter, score, completeness, timeliness, outliers, consistency}]
  (parcels.queries.return_quality: each parcel-quarter's data-quality score, 0–100)}
"""

from __future__ import annotations

import hashlib
import json
import math
from zoneinfo import ZoneInfo

from django.conf import settings

from parcels import queries as parcel_queries
from parcels.models import Parcel
from parkplan.numbers import is_missing

from .. import compute
from .. import queries as indicator_queries
from ..models import Indicator, Plan
from . import queries
from .queries import StoredResults

SCHEMA = 2
# A park row of the snapshot holds the progress columns but the row's keys (indicator,
# parcel, year: the row sits under its indicator with its year), the plan's base year,
# the share of the park's change (a parcel's figure) and the inputs (frozen once, for `year`).
PARK_FIELDS = tuple(
    c
    for c in compute.PROGRESS_COLUMNS
    if c not in ("indicator", "parcel", "year", "base_year", "share_of_change", "inputs")
)
PARCEL_FIELDS = ("value", "base_value", "target", "completion", "status", "gap", "share_of_change")
PLAN_FIELDS = (
    *("code", "name_zh", "name_en", "short_zh", "short_en", "start_year", "end_year", "base_year"),
    *("issuer", "issuer_en"),
)
INDICATOR_FIELDS = (*Indicator.DESCRIBED_BY, "responsible_unit")


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
        return None if is_missing(value) or math.isinf(value) else value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return float(value)  # Decimal


def _when(value) -> str | None:
    if value is None:
        return None
    return value.astimezone(ZoneInfo(settings.TIME_ZONE)).replace(microsecond=0).isoformat()


def build_snapshot(*, year: int, plan=None, audience: str = "office") -> dict:
    """Read the stored results for `year` and freeze them into a canonical dict (see the module contract).

    `audience` "official": a parcel row the disclosure rules withhold from
    officials is frozen without its figures, with the reason (`withheld`);
    "office": every figure (`withheld` empty).
    """
    plan = plan or indicator_queries.plan_in_force()
    if plan is None:
        raise ValueError("no plan is loaded")
    state = indicator_queries.recompute_state()
    stored = queries.stored_results(plan, year)
    official = audience == "official"
    indicators = [
        _indicator(indicator, stored, plan=plan, year=year, official=official) for indicator in stored.indicators
    ]
    ytd_quarter = queries.year_to_date_quarter(plan, year)
    if ytd_quarter is not None:
        _add_year_to_date(indicators, stored, queries.year_to_date_values(plan, year, ytd_quarter), official=official)
    indicators.sort(key=lambda i: i["order"])
    snapshot = {
        "schema": SCHEMA,
        "plan": {name: getattr(plan, name) for name in PLAN_FIELDS} | ({"example": True} if plan.example else {}),
        "year": year,
        "audience": audience,
        "min_enterprises": settings.DISCLOSURE_MIN_ENTERPRISES,
        "data_version": state.computed_version,
        "data_as_of": _when(state.data_as_of),
        "computed_at": _when(state.computed_at),
        "demo": queries.has_demo_records(year),
        "thresholds": _plain(_thresholds(stored, year)),
        "parcels": [
            {"code": p.code, "name_zh": p.name_zh, "name_en": p.name_en, "order": p.order} for p in stored.parcels
        ],
        "indicators": indicators,
        "quality": _quality(year, indicators, stored.parcels),
    }
    if ytd_quarter is not None:
        snapshot["ytd_quarter"] = ytd_quarter
    # One round trip through the canonical text: what is stored and hashed is exactly this.
    return json.loads(canonical_json(_plain(snapshot)))


def _thresholds(stored: StoredResults, year: int) -> dict:
    """Return the pace thresholds the year's park results were judged with (the settings' when none says)."""
    thresholds = {"ahead": settings.PROGRESS_AHEAD_PACE, "on_track": settings.PROGRESS_ON_TRACK_PACE}
    for indicator in stored.indicators:
        current = stored.progress.get((indicator.id, None, year))
        if current is not None and current.inputs.get("thresholds"):
            thresholds = current.inputs["thresholds"]
    return thresholds


def _indicator(indicator: Indicator, stored: StoredResults, *, plan: Plan, year: int, official: bool) -> dict:
    """Freeze one indicator: its definition, plan figures, benchmarks, park series and parcels of `year`."""
    current = stored.progress.get((indicator.id, None, year))
    return {
        **{name: _plain(getattr(indicator, name)) for name in INDICATOR_FIELDS},
        "is_count": indicator.is_count,
        "base_values": [
            {
                "year": b.year,
                "value": float(b.value),
                "derived": b.derived,
                "source": b.source,
                "source_en": b.source_en,
            }
            for b in sorted(indicator.base_values.all(), key=lambda b: b.year)
        ],
        "benchmarks": [
            {"year": b.year, "value": float(b.value), "source": b.source, "source_en": b.source_en}
            for b in sorted(indicator.benchmark_values.all(), key=lambda b: b.year)
        ],
        "base_actual": _plain(stored.base_actual.get(indicator.id)),
        "park": _park_rows(indicator, stored, first=plan.start_year, last=year),
        "inputs": _plain(current.inputs) if current is not None else None,
        "parcels": _parcel_rows(indicator, stored, year=year, official=official),
        "narrative": _narrative(stored.narratives.get(indicator.id)),
    }


def _add_year_to_date(indicators: list[dict], stored: StoredResults, values: dict, *, official: bool) -> None:
    """Give each indicator its year-to-date park value and its parcels' (see the module contract); for officials
    a parcel the disclosure rules withhold is frozen without its figures, and a withheld 上年同期 without it."""
    ids = {i.code: i.id for i in stored.indicators}
    for indicator in indicators:
        park = values.get((ids[indicator["code"]], None))
        indicator["ytd"] = {
            "value": park.value if park else None,
            "previous": park.previous if park else None,
            "enterprises": park.enterprises if park else None,
        }
        indicator["parcels"] = [
            _ytd_parcel(parcel.code, v, official=official)
            for parcel in stored.parcels
            if (v := values.get((ids[indicator["code"]], parcel.id))) is not None
        ]


def _ytd_parcel(code: str, v, *, official: bool) -> dict:
    withheld = (v.withheld or "") if official else ""
    compared = withheld or ((v.previous_withheld or "") if official else "")
    return {
        "code": code,
        **dict.fromkeys(PARCEL_FIELDS),
        "status": "",
        "value": None if withheld else v.value,
        "previous": None if compared else v.previous,
        "enterprises": v.enterprises,
        "withheld": withheld,
    }


def _narrative(narrative) -> dict | None:
    """Freeze the year's latest narrative: its texts, version, who wrote it and when."""
    if narrative is None:
        return None
    who = narrative.written_by
    return {
        "version": narrative.version,
        "reasons": narrative.reasons,
        "measures": narrative.measures,
        "written_by": (who.get_full_name() or who.get_username()) if who else "",
        "written_at": _when(narrative.written_at),
    }


def _park_rows(indicator: Indicator, stored: StoredResults, *, first: int, last: int) -> list[dict]:
    rows = []
    for y in range(first, last + 1):
        p = stored.progress.get((indicator.id, None, y))
        if p is not None:
            rows.append({"year": y, **{f: _plain(getattr(p, f)) for f in PARK_FIELDS}})
    return rows


def _parcel_rows(indicator: Indicator, stored: StoredResults, *, year: int, official: bool) -> list[dict]:
    rows = []
    for parcel in stored.parcels:
        p = stored.progress.get((indicator.id, parcel.id, year))
        if p is None:
            continue
        withheld = p.withheld if official else ""  # the year's and the base year's (indicators.disclosure)
        rows.append(
            {
                "code": parcel.code,
                **{f: None if withheld else _plain(getattr(p, f)) for f in PARCEL_FIELDS},
                "enterprises": stored.enterprises.get((indicator.id, parcel.id)),
                "withheld": withheld,
            }
        )
    return rows


def _quality(year: int, indicators: list[dict], parcels: list[Parcel]) -> dict:
    present = parcel_queries.statistics_periods(year)
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
        "return_quality": parcel_queries.return_quality(year),
    }


def _returns_quality(year: int, parcels: list[Parcel]) -> dict | None:
    """Return the parcel-quarters of `year` whose quarterly return is missing or not approved.

    None when no return of the year was filed through the returns workflow
    (the data then came by import and the statistics check above is what
    counts). Otherwise {"missing": [{parcel, quarter}], "unapproved": [{parcel, quarter, state}],
    "imported": [{parcel, quarter}]}: a quarter with no return whose statistics the office imported
    counts as approved (the returns pages say 已审核（导入）), never as missing.
    """
    returns = parcel_queries.return_states(year)
    if not returns:
        return None
    present = parcel_queries.statistics_periods(year)
    missing, unapproved, imported = [], [], []
    for p in parcels:
        for q in range(1, 5):
            state = returns.get((p.id, q))
            if state is None and (p.id, q) in present:
                # No return, but official statistics imported by the office: counts as approved.
                imported.append({"parcel": p.code, "quarter": q})
            elif state is None:
                missing.append({"parcel": p.code, "quarter": q})
            elif state != "approved":
                unapproved.append({"parcel": p.code, "quarter": q, "state": state})
    return {"missing": missing, "unapproved": unapproved, "imported": imported}

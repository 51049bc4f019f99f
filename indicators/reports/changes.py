"""Compare a report's snapshot with the previous report's: what moved between the two. Pure."""

from __future__ import annotations

from .sentences import number

# Differences smaller than this (relative) are float noise, not a revision.
EPSILON = 1e-9


def _differs(a, b) -> bool:
    if a is None or b is None:
        return a is not b
    return abs(a - b) > EPSILON * max(1.0, abs(a), abs(b))


def compare(previous: dict | None, current: dict, *, language: str = "zh") -> dict:
    """Return the changes from `previous` to `current` (snapshots of the same year).

    Out: {previous: None or {data_version, data_as_of}, data_version, data_as_of,
    data_version_changed, indicators: [{code, name, value: [before, after]?,
    target: [..]?, status: [..]?}], benchmarks: [{code, name, year, before, after}],
    narratives: [{code, name, parts: ["reasons"?, "measures"?], version, by, at}]},
    numbers already formatted with each indicator's decimals.
    """
    out = {
        "previous": None,
        "data_version": current["data_version"],
        "data_as_of": short_time(current["data_as_of"]),
        "data_version_changed": False,
        "indicators": [],
        "benchmarks": [],
        "narratives": [],
    }
    if previous is None:
        return out
    out["previous"] = {"data_version": previous["data_version"], "data_as_of": short_time(previous["data_as_of"])}
    out["data_version_changed"] = previous["data_version"] != current["data_version"]
    before_by_code = {i["code"]: i for i in previous["indicators"]}
    for indicator in current["indicators"]:
        before = before_by_code.get(indicator["code"])
        if before is None:
            continue
        name = indicator["name_en"] if language.startswith("en") else indicator["name_zh"]
        item = _indicator_change(before, indicator, name=name, year=current["year"])
        if item:
            out["indicators"].append(item)
        out["benchmarks"] += _benchmark_changes(before, indicator, name=name)
        narrative = _narrative_change(before.get("narrative"), indicator.get("narrative"))
        if narrative:
            out["narratives"].append({"code": indicator["code"], "name": name, **narrative})
    return out


def _narrative_change(before: dict | None, after: dict | None) -> dict | None:
    """Return which texts of an indicator's narrative were written or revised since the previous report."""
    if not after:
        return None
    before = before or {}
    parts = [part for part in ("reasons", "measures") if (before.get(part) or "") != (after.get(part) or "")]
    if not parts:
        return None
    return {
        "parts": parts,
        "version": after["version"],
        "by": after["written_by"],
        "at": short_time(after["written_at"]),
    }


def _indicator_change(before: dict, after: dict, *, name: str, year: int) -> dict | None:
    """Return what moved in an indicator's park row of `year` (value, target, status); None when nothing did."""
    decimals = after["decimals"]
    now_row, old_row = _row(after, year), _row(before, year)
    item: dict = {"code": after["code"], "name": name}
    for field in ("value", "target"):
        a, b = old_row.get(field), now_row.get(field)
        if _differs(a, b):
            item[field] = [number(a, decimals), number(b, decimals)]
    if old_row.get("status", "") != now_row.get("status", ""):
        item["status"] = [old_row.get("status", ""), now_row.get("status", "")]
    return item if len(item) > 2 else None


def _benchmark_changes(before: dict, after: dict, *, name: str) -> list[dict]:
    """Return the benchmark values of an indicator revised since the previous snapshot, by year."""
    decimals = max(after["decimals"], 2)
    old_bench = {b["year"]: b["value"] for b in before["benchmarks"]}
    return [
        {
            "code": after["code"],
            "name": name,
            "year": b["year"],
            "before": number(old_bench.get(b["year"]), decimals),
            "after": number(b["value"], decimals),
        }
        for b in after["benchmarks"]
        if _differs(old_bench.get(b["year"]), b["value"])
    ]


def _row(indicator: dict, year: int) -> dict:
    return next((r for r in indicator["park"] if r["year"] == year), {})


def short_time(when: str | None) -> str:
    """'2026-11-28T04:46:44+08:00' → '2026-11-28 04:46'."""
    if not when:
        return "—"
    return when[:16].replace("T", " ")

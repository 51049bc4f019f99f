"""The report's figures, built from its frozen snapshot with the dashboard's charts (indicators/charts.py).

Pure: no Django. The same house template as the dashboard; the CJK font is
set explicitly so a PNG does not depend on which font the fallback picks.
"""

from __future__ import annotations

from collections.abc import Mapping

from .. import charts
from . import sentences as say
from .content import confidential
from .tables import excel_format

WIDTH, HEIGHT = 860, 380
FONT = "Noto Sans CJK SC, Noto Sans CJK, WenQuanYi Micro Hei, sans-serif"

TREND_LABELS = {
    "zh": {
        "actual": "实际值",
        "expected": "预期进度值",
        "projected": "趋势推算",
        "target": "{end}年目标",
        "benchmark": "对标基准值",
        "provisional": "（暂用{year}年基准值）",
        "year": "",
    },
    "en": {
        "actual": "Actual",
        "expected": "Expected (straight path)",
        "projected": "Trend projection",
        "target": "{end} target",
        "benchmark": "Benchmark",
        "provisional": "(provisionally the {year} value)",
        "year": "",
    },
}
PARCEL_LABELS = {
    "zh": {"value": "各地块当年实际", "share": "占园区变化比重", "reference": "园区当年目标", "park": "园区当年值"},
    "en": {
        "value": "Parcels' values",
        "share": "Share of the park's change",
        "reference": "Park target",
        "park": "Park value",
    },
}


def _lang(language: str) -> str:
    return "en" if language.startswith("en") else "zh"


def trend_labels(lang: str, end_year: int) -> dict[str, str]:
    """Return the trace names of a trend figure, the plan's target year in the target's."""
    labels = dict(TREND_LABELS[lang])
    labels["target"] = labels["target"].format(end=end_year)
    return labels


def trend_rows(indicator: Mapping, snapshot: Mapping) -> list[dict]:
    """Return the rows behind an indicator's trend chart (charts.trend_rows columns)."""
    plan = snapshot["plan"]
    year = snapshot["year"]
    park = {r["year"]: r for r in indicator["park"]}
    current = park.get(year) or {}
    base_value = current.get("base_value")
    if base_value is None and indicator["park"]:
        base_value = indicator["park"][0]["base_value"]
    if base_value is None and snapshot.get("ytd_quarter"):  # a year not yet judged: the base as the plan states it
        stated = [b["value"] for b in indicator["base_values"] if b["year"] == plan["base_year"]]
        base_value = stated[0] if stated else indicator.get("base_actual")
    actuals = {plan["base_year"]: base_value}
    actuals.update({y: r["value"] for y, r in park.items()})
    inputs = indicator.get("inputs") or {}
    projection = None
    measured = year >= plan["end_year"]  # the target year is measured, not projected
    if not measured and current.get("projected") is not None and inputs.get("projection_slope") is not None:
        projection = (inputs["projection_slope"], current["projected"])
    return charts.trend_rows(
        years=list(range(plan["base_year"], plan["end_year"] + 1)),
        actuals={y: v for y, v in actuals.items() if y <= year},
        kind=indicator["target_kind"],
        # Growth and change state a rate: their level T is the judged target (docs/method.md §3.1).
        target=current.get("target") if indicator["target_kind"] in ("growth", "change") else indicator["target_value"],
        base_year=plan["base_year"],
        base_value=base_value,
        benchmark={b["year"]: b["value"] for b in indicator["benchmarks"]},
        projection=projection,
        target_year=plan["end_year"],
    )


def parcel_rows(indicator: Mapping, snapshot: Mapping, language: str) -> tuple[list[dict], bool]:
    """Return the rows behind an indicator's parcel chart, and whether they are shares of the park's change."""
    names = {p["code"]: (p["name_en"] if _lang(language) == "en" else p["name_zh"]) for p in snapshot["parcels"]}
    rows = []
    judged = any(p["status"] for p in indicator["parcels"])
    share = indicator.get("is_count", False) and not judged
    for p in indicator["parcels"]:
        if confidential(p):
            continue  # not disclosed
        value = p["share_of_change"] if share else p["value"]
        word = say.status_word(p["status"], language) if p["status"] else ""
        text = say.percent(value) if share else say.number(value, indicator["decimals"])
        rows.append(
            {
                "name": names[p["code"]],
                "value": value,
                "gap": p["gap"],
                "status": p["status"],
                "text": f"{text} {word}".strip(),
            }
        )
    return rows, share


def _font(figure: dict) -> dict:
    layout = figure["layout"]
    layout.setdefault("font", {})["family"] = FONT
    layout["width"] = WIDTH
    layout.setdefault("height", HEIGHT)
    return figure


def indicator_figures(snapshot: Mapping, language: str = "zh") -> dict[str, dict]:
    """Return every figure of the report: '<code>-trend' and '<code>-parcels' for each indicator, in order."""
    lang = _lang(language)
    year = snapshot["year"]
    figures: dict[str, dict] = {}
    for indicator in snapshot["indicators"]:
        unit = indicator["unit_en"] if lang == "en" else indicator["unit"]
        figures[f"{indicator['code']}-trend"] = _font(
            charts.indicator_trend(
                trend_rows(indicator, snapshot),
                labels=trend_labels(lang, snapshot["plan"]["end_year"]),
                unit=unit,
                decimals=indicator["decimals"],
                kind=indicator["target_kind"],
                height=HEIGHT,
            )
        )
        rows, share = parcel_rows(indicator, snapshot, language)
        current = next((r for r in indicator["park"] if r["year"] == year), {})
        labels = dict(PARCEL_LABELS[lang])
        if share:
            labels["value"] = labels["share"]
            reference = None
        elif indicator.get("is_count", False):
            reference = None
        else:
            reference = current.get("target")
        labels["axis"] = labels["share"] if share else unit
        figures[f"{indicator['code']}-parcels"] = _font(
            charts.parcel_comparison(
                rows, labels=labels, unit=unit, decimals=indicator["decimals"], reference=reference, share=share
            )
        )
    return figures


def chart_tables(snapshot: Mapping, language: str = "zh") -> list[dict]:
    """Return the data behind every trend figure, as tables for the spreadsheet, without all-empty columns.

    Out: [{"name": sheet name, "title": str, "header": [str], "rows": [[number or str or None]],
    "formats": [Excel number format or None per column]}]. The parcels' figures are
    the document's parcel tables (indicators.reports.content.parcel_table).
    """
    zh = _lang(language) == "zh"
    header = (
        ["年份", "实际值", "预期进度值", "目标/基准值", "基准年份", "趋势推算"]
        if zh
        else ["Year", "Actual", "Expected", "Target/benchmark", "Benchmark year", "Projection"]
    )
    out = []
    for indicator in snapshot["indicators"]:
        fmt = excel_format(0 if indicator.get("is_count", False) else indicator["decimals"])
        rows = [
            [r["year"], r["actual"], r["expected"], r["target"], r["benchmark_year"], r["projected"]]
            for r in trend_rows(indicator, snapshot)
        ]
        formats = ["0", fmt, fmt, fmt, "0", fmt]
        keep = [j for j in range(len(header)) if j == 0 or any(row[j] is not None for row in rows)]
        name = indicator["name_zh"] if zh else indicator["name_en"]
        out.append(
            {
                "name": f"{indicator['code']}-{'趋势' if zh else 'trend'}",
                "title": f"{indicator['code']} {name}",
                "header": [header[j] for j in keep],
                "rows": [[row[j] for j in keep] for row in rows],
                "formats": [formats[j] for j in keep],
            }
        )
    return out

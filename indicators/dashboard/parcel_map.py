"""The parcel map: a plan's parcels coloured by the status or the value of a chosen indicator.

Drawn from the outlines the office uploaded (GeoJSON, longitude and latitude); until there
are any, from the schematic blocks (示意图) the plan file places, and the page says so.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from parcels.models import Parcel
from parkplan.formatting import fmt_number

from .. import charts, compute, disclosure, queries
from ..maps import queries as map_queries
from ..models import Indicator, Plan
from .periods import Period
from .results import Results, hidden_words, withheld
from .words import status_word, unit_of


def choose(params, plan: Plan, period: Period) -> tuple[Indicator | None, str, str]:
    """Read ?indicator=&mode=: the indicator (by default the first with parcels judged), the mode, and a note
    when the mode falls back to values (a period without progress)."""
    indicators = queries.indicators(plan)
    indicator = next((i for i in indicators if i.code == params.get("indicator")), None)
    indicator = indicator or _first_judged(plan, period, indicators)
    mode = params.get("mode") if params.get("mode") in charts.MAP_MODES else "status"
    note = ""
    if mode == "status" and not period.judged(plan):
        mode, note = "value", _("本期不评价进度，地图按数值着色。")
    return indicator, mode, note


def _first_judged(plan: Plan, period: Period, indicators: list[Indicator]) -> Indicator | None:
    """Return the indicator a map shows by default: the first whose parcels have a status in the period."""
    if not indicators:
        return None
    if period.judged(plan):
        progress = queries.progress_frame(plan, scope="parcels", year=period.year)
        unjudged = (compute.BENCHMARK_MISSING, compute.INSUFFICIENT_DATA, "", None)
        judged = set(progress.loc[~progress["status"].isin(unjudged), "indicator"]) if not progress.empty else set()
        return next((i for i in indicators if i.code in judged), indicators[0])
    return indicators[0]


def page(plan: Plan, period: Period, user, *, indicator: Indicator, mode: str) -> dict:
    """Return the map's figure, the table behind it, and what it is drawn from."""
    outlines = map_queries.outlines()
    shapes = _shapes(outlines)
    results = _results(plan, period, indicator)
    rows = [_parcel_row(plan, period, user, indicator, results, parcel, mode) for parcel in queries.parcels(plan)]
    drawn = [r for r in rows if r["code"] in shapes]
    figure = charts.parcel_map(
        [{**r, "rings": shapes[r["code"]]} for r in drawn],
        mode=mode,
        labels={
            "none": _("无进度评价或无数据") if mode == "status" else _("无数据或不予公开"),
            "statuses": {code: status_word(code) for code in compute.STATUS_ORDER},
        },
        unit=unit_of(indicator),
        decimals=indicator.decimals,
        geographic=bool(outlines),
    )
    return {
        "map_fig": figure,
        "map_rows": rows,
        "schematic": not outlines,
        "not_drawn": [r["name"] for r in rows if r["code"] not in shapes],
        "outlines_file": outlines[0].filename if outlines else "",
        "outlines_at": outlines[0].uploaded_at if outlines else None,
        "indicators": queries.indicators(plan),
        "indicator": indicator,
        "mode": mode,
        "unit": unit_of(indicator),
    }


def _shapes(outlines) -> dict[str, list]:
    """Return parcel code → rings: the uploaded outlines, else the schematic blocks as rectangles."""
    if outlines:
        return {o.parcel.code: [[tuple(point) for point in ring] for ring in o.rings] for o in outlines}
    shapes: dict[str, list] = {}
    for b in map_queries.schematic_blocks():
        x0, y0, x1, y1 = b.x, b.y, b.x + b.width, b.y + b.height
        shapes.setdefault(b.parcel.code, []).append([(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)])
    return shapes


def _results(plan: Plan, period: Period, indicator: Indicator) -> Results:
    """Read the parcels' values of the period and the base year, and their progress when the period is judged."""
    quarters = (period.q, 4)
    values = queries.value_frame(plan, scope="parcels", codes=[indicator.code], quarters=quarters)
    judged = period.judged(plan)
    progress = queries.progress_frame(plan, scope="parcels", codes=[indicator.code], year=period.year)
    return Results.of(values, progress if judged else None)


def _parcel_row(plan: Plan, period: Period, user, indicator: Indicator, results: Results, parcel: Parcel, mode: str):
    """Return what the map and its table show of a parcel: its value, status and words, or that they are withheld."""
    code, unit = indicator.code, unit_of(indicator)
    row = {"name": parcel.name, "code": parcel.code, "status": "", "value": None, "status_word": ""}
    value = results.value(code, parcel.id, period.year, period.q)
    progress = results.progress_of(code, parcel.id, period.year) if period.judged(plan) else None
    reason = disclosure.strongest((withheld(value, user), withheld(progress, user)))
    if period.year is None or reason:
        words = hidden_words(reason) if period.year else "—"
        return {**row, "text": words, "cell": words, "hover": words}
    figure = (value or {}).get("value")
    status = (results.progress_of(code, parcel.id, period.year) or {}).get("status") or ""
    value_text = fmt_number(figure, indicator.decimals) + (f" {unit}" if figure is not None else "")
    hover = value_text + (f" · {status_word(status)}" if status else "")
    in_words = status_word(status) if status else _("无进度评价")
    text = in_words if mode == "status" else value_text
    return {
        **row,
        "status": status,
        "value": figure,
        "text": text,
        "cell": value_text,
        "hover": hover,
        "status_word": status_word(status),
    }

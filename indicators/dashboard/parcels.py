"""The parcels page: the ten parcels with their areas, and the parcels × indicators heat map."""

from __future__ import annotations

from django.utils.translation import gettext as _

from parcels.models import Parcel
from parkplan.formatting import fmt_number, fmt_percent
from parkplan.numbers import is_missing

from .. import charts, disclosure, queries
from ..models import Indicator, Plan
from .periods import Period
from .results import Results, hidden_lines, hidden_words, withheld
from .words import status_word


def page(plan: Plan, period: Period, user) -> dict:
    """Return the parcels with their functional areas and both area totals, and the heat map with its table."""
    parcels = list(queries.parcels_with_areas(plan))
    indicators = queries.indicators(plan)
    grid = heat_grid(plan, period, user, parcels, indicators)
    figure = charts.status_heatmap(
        parcels=[p.name for p in parcels],
        indicators=[f"{i.code}<br>{i.short_name}" for i in indicators],
        indicator_names=[i.name for i in indicators],
        cells=[[_narrow(cell) for cell in row] for row in grid],
        labels={"status": _("进度状态"), "score": _("距目标程度或占园区比重")},
    )
    return {
        "heatmap_fig": figure,
        "grid": grid,
        "parcels": parcels,
        "indicators": indicators,
        "grid_rows": list(zip(parcels, grid, strict=True)),
        "area_sum": sum(p.area_km2 for p in parcels) if parcels else None,
        "area_stated": plan.park_area_km2,
    }


def _narrow(cell: dict) -> dict:
    """Return a cell as the heat map draws it: a withheld cell's words on short lines (the cells are narrow)."""
    if not cell.get("hidden"):
        return cell
    return {**cell, "text": "<br>".join(hidden_lines(cell["reason"]))}


def heat_grid(plan: Plan, period: Period, user, parcels: list[Parcel], indicators: list[Indicator]) -> list[list[dict]]:
    """Return a cell per parcel and indicator: its status, or its figure and how far it is towards the target.

    Each cell: status (a status code or ""), text (the words shown), score
    (0–1 for a cell without a status: the completion of the target or the
    share of the park; None for none), value (the figure), hidden (withheld)
    and reason (why, indicators.disclosure).
    """
    judged = period.judged(plan)
    values = queries.value_frame(plan, years=(plan.base_year, plan.end_year), quarters=(period.q, 4))
    results = Results.of(values, queries.progress_frame(plan, year=period.year) if judged else None)
    return [[_heat_cell(plan, i, parcel, period, user, results) for i in indicators] for parcel in parcels]


def _heat_cell(plan: Plan, indicator: Indicator, parcel: Parcel, period: Period, user, results: Results) -> dict:
    code = indicator.code
    judged = period.judged(plan)
    value = results.value(code, parcel.id, period.year, period.q)
    progress = results.progress_of(code, parcel.id, period.year) if judged else None
    reason = disclosure.strongest((withheld(value, user), withheld(progress, user)))
    if reason:
        return {"status": "", "text": hidden_words(reason), "score": None, "hidden": True, "reason": reason}
    v = (value or {}).get("value")
    if judged:
        judged_cell = _judged_cell(results.progress_of(code, parcel.id, period.year) or {}, v)
        if judged_cell is not None:
            return judged_cell
    if is_missing(v):
        return {"status": "", "text": "—", "score": None}
    park = results.figure(code, None, period.year, period.q)
    target = None if indicator.target_value is None else float(indicator.target_value)
    # Counts: the share of the park's count; ratios: the completion of the target (else relative to the park).
    reference = park if indicator.is_count or not target else target
    score = v / reference if reference else None
    return {"status": "", "text": fmt_number(v, indicator.decimals), "score": score, "value": v}


def _judged_cell(progress: dict, value) -> dict | None:
    """Return the cell of a parcel with progress: its status, else its share of the park's change; None for neither."""
    status = progress.get("status") or ""
    if status:
        return {"status": status, "text": status_word(status), "score": None, "value": value}
    share = progress.get("share_of_change")
    if share is None:
        return None
    return {"status": "", "text": _("占增量%(share)s") % {"share": fmt_percent(share)}, "score": share, "value": value}

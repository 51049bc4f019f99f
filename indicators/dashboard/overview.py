"""The overview: a card per indicator (who holds it back, the planned path), the status summary, the early
warnings, the year-to-date panel and the previous period's review."""

from __future__ import annotations

from django.utils.translation import gettext as _

from parkplan.formatting import fmt_number, fmt_percent, fmt_year_on_year, language, period_label

from .. import charts, compute, queries
from ..models import Indicator, Plan
from . import warnings
from .holdback import holding_back
from .periods import Period
from .results import Results
from .trends import benchmark_series, plan_years
from .words import in_language, local_time, status_word, target_text, unit_of


def page(plan: Plan, period: Period, user) -> dict:
    """Return the overview's cards, status summary, warnings, year-to-date panel and the previous plan's review."""
    indicators = queries.indicators(plan)
    results = Results.of(queries.value_frame(plan, scope="park"), queries.progress_frame(plan, scope="park"))
    years = list(range(plan.base_year, (period.year or plan.base_year) + 1))
    cards = [_card(plan, indicator, period, results, years) for indicator in indicators]
    parcels, by_parcel = _parcel_results(plan, period)
    for card, indicator in zip(cards, indicators, strict=True):
        if period.judged(plan):
            card["held_back_by"] = holding_back(plan, indicator, parcels, by_parcel, year=period.year, user=user)
    counts: dict[str, int] = {}
    if period.judged(plan):
        for card in cards:
            key = card["status"] or compute.INSUFFICIENT_DATA
            counts[key] = counts.get(key, 0) + 1
    latest_quarter = period.quarter if not period.annual else _latest_quarter(results, period.year)
    return {
        "cards": cards,
        **_summary(counts, total=len(indicators)),
        "ytd": _year_to_date(indicators, results, period.year, latest_quarter) if latest_quarter else [],
        "ytd_label": period_label(period.year, latest_quarter) if latest_quarter else "",
        "review": _review(plan),
        "review_period": _previous_short(plan),
        "base_year": plan.base_year,
        "warnings": warnings.panel(
            plan, period, user, _with_park(by_parcel, results, period), indicators=indicators, parcels=parcels
        ),
    }


def _parcel_results(plan: Plan, period: Period) -> tuple[list, Results]:
    """Return the plan's parcels and, in a judged year, their progress of the year and annual values of the year
    and the base year (who holds a target back, the warnings); nothing otherwise."""
    if not period.judged(plan):
        return [], Results()
    values = queries.value_frame(plan, scope="parcels", quarters=(4,), years=(plan.base_year, period.year))
    progress = queries.progress_frame(plan, scope="parcels", year=period.year)
    return queries.parcels(plan), Results.of(values, progress)


def _with_park(by_parcel: Results, park: Results, period: Period) -> Results:
    """Return the parcels' results with the park's progress of the shown year beside them (the warnings read both)."""
    progress = {key: row for key, row in park.progress.items() if key[2] == period.year}
    return Results(by_parcel.values, {**by_parcel.progress, **progress})


def _card(plan: Plan, indicator: Indicator, period: Period, results: Results, years: list[int]) -> dict:
    """Return an indicator's card: its value in the period, target, completion or 同比, status and trend with path."""
    code = indicator.code
    unit = unit_of(indicator)
    value = results.value(code, None, period.year, period.q) or {}
    p = results.progress_of(code, None, period.year) if period.annual else None
    status = (p or {}).get("status", "") if period.annual else ""
    series = [results.figure(code, None, y, 4) for y in years]
    return {
        "code": code,
        "name": indicator.name,
        "unit": unit,
        "value": fmt_number(value.get("value"), indicator.decimals),
        "target": target_text(indicator, p),
        "completion": fmt_percent(p.get("completion")) if p else "—",
        "status": status,
        "status_word": status_word(status),
        "year_on_year": fmt_year_on_year(value.get("value"), value.get("previous"), unit=indicator.unit, decimals=2),
        "computed_at": local_time(value.get("computed_at")),
        "sparkline": _trend(plan, indicator, results, years, series),
        "held_back_by": [],
    }


def _trend(plan: Plan, indicator: Indicator, results: Results, years: list[int], series: list) -> dict:
    """Return a card's small trend line with the planned path from the plan's base year to its target year."""
    code = indicator.code
    rows = [results.progress_of(code, None, y) for y in reversed(plan_years(plan))]
    latest = next((row for row in rows if row and row["target"] is not None), None)
    inputs = (latest or {}).get("inputs") or {}
    base_value = (latest or {}).get("base_value")
    if base_value is None and indicator.target_kind == compute.CUMULATIVE:
        base_value = 0.0
    path = charts.planned_path(
        years=plan_years(plan),
        kind=indicator.target_kind,
        base_year=plan.base_year,
        base_value=base_value,
        target_year=plan.end_year,
        level=inputs.get("target"),
        higher=inputs.get("direction") != compute.LOWER,
        rate=inputs.get("rate"),
        benchmark=benchmark_series(latest),
    )
    end = path.get(plan.end_year) if indicator.target_kind == compute.BENCHMARK else inputs.get("target")
    return charts.card_trend(
        years,
        series,
        name=indicator.name,
        unit=unit_of(indicator),
        decimals=indicator.decimals,
        path=path,
        target=(plan.end_year, end) if end is not None else None,
        labels={"path": _("规划路径"), "target": _("目标")},
    )


def _summary(counts: dict[str, int], *, total: int) -> dict:
    """Return the one-line status summary ("8项指标中：提前实现3项、…") and its parts, in the order of the statuses."""
    intro = _("%(total)s项指标中：") % {"total": total} if counts else ""
    statuses = [s for s in compute.STATUS_ORDER if counts.get(s)]
    items = [(s, _("%(word)s%(n)s项") % {"word": status_word(s), "n": counts[s]}) for s in statuses]
    return {
        "summary": intro + _("、").join(text for _s, text in items),
        "summary_intro": intro,
        "summary_items": items,
    }


def _latest_quarter(results: Results, year: int | None) -> int | None:
    """Return the latest quarter of `year` with park values."""
    return max((q for (_code, parcel, y, q) in results.values if parcel is None and y == year), default=None)


def _year_to_date(indicators: list[Indicator], results: Results, year: int | None, quarter: int) -> list[dict]:
    """Return the park's values of a quarter beside the same quarter a year earlier (同比)."""
    rows = []
    for indicator in indicators:
        value = results.value(indicator.code, None, year, quarter) or {}
        rows.append(
            {
                "code": indicator.code,
                "name": indicator.name,
                "unit": unit_of(indicator),
                "value": fmt_number(value.get("value"), indicator.decimals),
                "previous": fmt_number(value.get("previous"), indicator.decimals),
                "change": fmt_year_on_year(value.get("value"), value.get("previous"), unit=indicator.unit, decimals=2),
            }
        )
    return rows


def _previous_short(plan: Plan) -> str:
    """Return the previous plan's short name when it is loaded (the period the review figures look back on)."""
    previous = queries.previous_plan(plan)
    return previous.short if previous else ""


def _review(plan: Plan) -> list[dict]:
    """Return the previous plan period's review figures the plan starts from, in the reader's language."""
    return [
        {
            "label": f.label,
            "value": in_language(f.value, f.value_en),
            "change": f.change_en if language() == "en" else f.change_zh,
            "year": f.year,
            "source": in_language(f.source, f.source_en),
        }
        for f in queries.review_figures(plan)
    ]

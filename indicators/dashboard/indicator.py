"""An indicator's page: the park's trend, the parcels side by side, the reason for the status, the definition."""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import SimpleNamespace

from django.utils.translation import gettext as _

from parkplan.formatting import fmt_number, fmt_percent, fmt_year_on_year

from .. import charts, compute, disclosure, queries
from ..models import Indicator, Plan
from .narrative import block as narrative_block
from .periods import Period
from .reasons import progress_reason
from .results import Results, reason_words, withheld
from .tables import Column, Table, Withheld, sort_key
from .trends import benchmark_series, plan_years, projection
from .words import status_word, target_text, text_of, trend_labels, unit_of

# The cells of a parcel whose figures are withheld.
WITHHELD_KEYS = ("value", "target", "gap", "completion", "status", "share", "change")


def page(plan: Plan, indicator: Indicator, period: Period, user) -> dict:
    """Return an indicator page's figures, tables, reason and definition for a period."""
    code = indicator.code
    unit = unit_of(indicator)
    results = Results.of(queries.value_frame(plan, codes=[code]), queries.progress_frame(plan, codes=[code]))
    trend = _park_trend(plan, indicator, period, results)
    park = results.progress_of(code, None, period.year) if period.annual else None
    progress = None if park is None else SimpleNamespace(**park)  # attributes, as progress_reason reads them
    return {
        "indicator": indicator,
        "unit": unit,
        "name": indicator.name,
        "definition": text_of(indicator, "definition"),
        "formula": text_of(indicator, "formula"),
        "target": target_text(indicator, results.progress_of(code, None, period.year)),
        "benchmark_name": text_of(indicator, "benchmark_name"),
        "attribute": indicator.get_attribute_display(),
        "target_kind": indicator.get_target_kind_display(),
        "progress": progress,
        "status_word": status_word(progress.status) if progress else "",
        "reason": _reason(plan, indicator, progress, unit) if progress else "",
        "park_value": fmt_number(results.figure(code, None, period.year, period.q), indicator.decimals),
        "unreported": _unreported(plan, results.value(code, None, period.year, period.q)),
        "trend_fig": charts.indicator_trend(
            trend, labels=trend_labels(plan), unit=unit, decimals=indicator.decimals, kind=indicator.target_kind
        ),
        "trend_table": _trend_table(plan, indicator, trend, unit),
        "has_projection": _projected(trend),  # none in the target year (docs/method.md §8)
        "benchmark_sources": sorted(queries.benchmark_sources(indicator).items())
        if indicator.target_kind == compute.BENCHMARK
        else [],
        **comparison(plan, indicator, period, user, results),
        "narrative": narrative_block(indicator, period, user),
    }


def download_tables(shown: dict) -> list[Table]:
    """Return the tables behind the charts of a page (what `page` returned), as the downloads write them."""
    return [shown["trend_table"], shown["comparison_table"]]


def _reason(plan: Plan, indicator: Indicator, progress: SimpleNamespace, unit: str) -> str:
    benchmark_name = text_of(indicator, "benchmark_name")
    return progress_reason(
        progress,
        unit=unit,
        decimals=indicator.decimals,
        target_year=plan.end_year,
        benchmark_name=benchmark_name,
    )


# --- the park's trend -------------------------------------------------------------


def _park_trend(plan: Plan, indicator: Indicator, period: Period, results: Results) -> list[dict]:
    """Return the rows of the park's trend chart: annual values up to the shown year (or the year before)."""
    code = indicator.code
    park_rows = [r for (_code, parcel, _year), r in results.progress.items() if parcel is None]
    last_year = period.last_annual_year(plan)
    trend_progress = results.progress_of(code, None, last_year)
    base_value = park_rows[0]["base_value"] if park_rows else None
    if base_value is None and indicator.target_kind == compute.CUMULATIVE:
        base_value = 0.0
    return charts.trend_rows(
        years=plan_years(plan),
        actuals={y: results.figure(code, None, y, 4) for y in range(plan.base_year, last_year + 1)},
        kind=indicator.target_kind,
        target=_park_target(indicator, park_rows),
        base_year=plan.base_year,
        base_value=base_value,
        benchmark=benchmark_series(trend_progress or (park_rows[-1] if park_rows else None)),
        projection=projection(trend_progress),
        target_year=plan.end_year,
    )


def _park_target(indicator: Indicator, park_rows: list[dict]) -> float | None:
    """Return the park's end-year level T: the judged one (growth and change state a rate, not T), else the plan's."""
    judged = next((r["target"] for r in park_rows if r.get("target") is not None), None)
    if judged is not None or indicator.target_kind in (compute.GROWTH, compute.CHANGE):
        return judged
    return None if indicator.target_value is None else float(indicator.target_value)


def _trend_table(plan: Plan, indicator: Indicator, trend: list[dict], unit: str) -> Table:
    """Return the table behind the trend chart; a benchmark's rows say which year's benchmark value stands.

    The heads of the target and the projection name the plan's target year.
    """
    benchmark = indicator.target_kind == compute.BENCHMARK
    end = {"unit": unit, "end": plan.end_year}
    columns = [
        Column("year", _("年份")),
        Column("actual", _("实际值（%(unit)s）") % {"unit": unit}, "number", indicator.decimals),
        Column("expected", _("规划路径（%(unit)s）") % {"unit": unit}, "number", indicator.decimals),
        Column(
            "target",
            _("对标基准（%(unit)s）") % end if benchmark else _("%(end)s年目标（%(unit)s）") % end,
            "number",
            indicator.decimals,
        ),
    ]
    if benchmark:
        columns.append(Column("benchmark_note", _("基准说明")))
    if _projected(trend):
        columns.append(Column("projected", _("趋势外推至%(end)s年（%(unit)s）") % end, "number", indicator.decimals))
    rows = [{**r, "benchmark_note": _benchmark_note(r)} if benchmark else dict(r) for r in trend]
    return Table("trend", _("园区历年数值、规划路径与目标"), columns, rows)


def _projected(trend: list[dict]) -> bool:
    return any(r["projected"] is not None for r in trend)


def _unreported(plan: Plan, park: dict | None) -> str:
    """Name the parcels whose returns the period lacks (the park's value is then 不完整, docs/method.md §7a)."""
    missing = set((park or {}).get(compute.MISSING) or ())
    return "、".join(p.name for p in queries.parcels(plan) if p.id in missing) if missing else ""


def _benchmark_note(row: dict) -> str:
    if row["benchmark_year"] is None:
        return ""
    if row["provisional"]:
        return _("暂用%(year)s年基准值") % {"year": row["benchmark_year"]}
    return _("%(year)s年基准值") % {"year": row["benchmark_year"]}


# --- the parcels side by side ---------------------------------------------------


def comparison(plan: Plan, indicator: Indicator, period: Period, user, results: Results) -> dict:
    """Return the parcels-side-by-side figure and its table."""
    judged = period.judged(plan)
    parcels = queries.parcels(plan)
    split = judged and any(
        ((results.progress_of(indicator.code, p.id, period.year) or {}).get("inputs") or {}).get("split_target")
        for p in parcels
    )
    view = _Comparison(plan, indicator, period, user, results, judged, judged and indicator.is_count and not split)
    rows, bars, hidden = [], [], []
    for parcel in parcels:
        row, bar = view.parcel_row(parcel)
        rows.append(row)
        if bar is not None:
            bars.append(bar)
        elif not row.get("unreported"):
            reason = reason_words(row["withheld"])
            hidden.append(_("%(parcel)s（%(reason)s）") % {"parcel": parcel.name, "reason": reason})
    reference, reference_name, axis = view.reference()
    figure = charts.parcel_comparison(
        bars,
        labels={"value": _("各地块"), "reference": reference_name, "axis": axis},
        unit=view.unit,
        decimals=indicator.decimals,
        reference=reference,
        share=view.share,
    )
    return {
        "comparison_fig": figure,
        "comparison_table": Table("parcels", view.title(), view.columns(), view.sorted(rows)),
        "comparison_share": view.share,
        "hidden_parcels": hidden,
        "hidden_names": _("、").join(hidden),
    }


@dataclass(frozen=True)
class _Comparison:
    """The parcels of one indicator in one period, as the comparison's bars and table rows show them."""

    plan: Plan
    indicator: Indicator
    period: Period
    user: object
    results: Results
    judged: bool  # a year after the base year: the parcels' progress
    share: bool  # a count without split targets: each parcel's share of the park's change instead

    @property
    def unit(self) -> str:
        return unit_of(self.indicator)

    def parcel_row(self, parcel) -> tuple[dict, dict | None]:
        """Return a parcel's table row and its bar; no bar, and withheld cells, when its figures are withheld.

        A judged year's figures come from the year and the base year (the
        progress row's decision); a quarter's or the base year's from the period alone.
        """
        code, year, results = self.indicator.code, self.period.year, self.results
        value = results.value(code, parcel.id, year, self.period.q)
        p = (results.progress_of(code, parcel.id, year) if self.judged else None) or {}
        row = {"parcel": parcel.name, "code": parcel.code, "enterprises": (value or {}).get("enterprises")}
        if parcel.id in ((value or {}).get(compute.MISSING) or ()):
            # No return, so nothing to show or to hide: the row says so wherever it is read.
            unreported = _("%(parcel)s（未报送）") % {"parcel": parcel.name}
            return {**row, "parcel": unreported, "value": None, "status": _("未报送"), "unreported": True}, None
        reason = disclosure.strongest((withheld(value, self.user), withheld(p or None, self.user)))
        if reason:
            return {**row, **dict.fromkeys(WITHHELD_KEYS, Withheld(reason)), "withheld": reason}, None
        v = (value or {}).get("value")
        status = p.get("status") or ""
        compared = withheld(value, self.user, "previous_withheld")
        row.update(
            {
                "value": v,
                "target": p.get("target"),
                "gap": p.get("gap"),
                "completion": p.get("completion"),
                "status": status_word(status),
                "share": p.get("share_of_change"),
                "change": Withheld(compared)
                if compared
                else fmt_year_on_year(v, (value or {}).get("previous"), unit=self.indicator.unit, decimals=2),
            }
        )
        return row, self._bar(parcel, v, p, status)

    def _bar(self, parcel, value, p: dict, status: str) -> dict:
        if self.share:
            bar_value, text = p.get("share_of_change"), fmt_percent(p.get("share_of_change"))
        else:
            bar_value = value
            text = fmt_number(value, self.indicator.decimals) + (f" · {status_word(status)}" if status else "")
        gap = None if self.share else p.get("gap")
        return {"name": parcel.name, "value": bar_value, "gap": gap, "status": status, "text": text}

    def reference(self) -> tuple[float | None, str, str]:
        """Return the reference line (the park's target, else the park's value) with its name, and the axis title."""
        if self.share:
            return None, "", _("占园区%(base)s年以来增量的比重") % {"base": self.plan.base_year}
        code, year = self.indicator.code, self.period.year
        park = self.results.progress_of(code, None, year) if self.judged else None
        if park and park.get("target") is not None:
            return park["target"], _("目标值"), self.unit
        return self.results.figure(code, None, year, self.period.q), _("园区整体"), self.unit

    def columns(self) -> list[Column]:
        unit, decimals = self.unit, self.indicator.decimals
        columns = [
            Column("parcel", _("地块")),
            Column("enterprises", _("企业数"), "number", 0),
            Column("value", _("数值（%(unit)s）") % {"unit": unit}, "number", decimals),
        ]
        if self.judged and not self.share:
            columns += [
                Column("target", _("目标（%(unit)s）") % {"unit": unit}, "number", decimals),
                Column("gap", _("距目标差距"), "number", decimals),
                Column("completion", _("完成程度"), "percent"),
                Column("status", _("进度状态")),
            ]
        elif self.share:
            columns.append(Column("share", _("占园区增量比重"), "percent"))
        if not self.period.annual:
            columns.append(Column("change", _("同比"), "change"))
        return columns

    def sorted(self, rows: list[dict]) -> list[dict]:
        """Return the rows by share (smallest first), by gap (largest first) or by value; withheld cells last."""
        if self.share:
            return sorted(rows, key=lambda r: sort_key(r.get("share")))
        if self.judged:
            return sorted(rows, key=lambda r: -sort_key(r.get("gap"), missing=-math.inf))
        return sorted(rows, key=lambda r: sort_key(r.get("value")))

    def title(self) -> str:
        if self.share:
            return _("各地块占园区增量的比重（按比重排序）")
        if self.judged:
            return _("各地块与目标对比（按差距排序）")
        return _("各地块数值（%(period)s）") % {"period": self.period.label}

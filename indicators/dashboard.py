"""What the dashboard pages show: periods, cards, tables and figures built from the stored results.

Reads only the precomputed IndicatorValue and Progress rows (through
queries.py), never the enterprise statistics. Every parcel figure built from
fewer than parcels.access.CONFIDENTIAL_BELOW enterprises is withheld from
readers who may not see it: the tables say hidden_text(), the charts and
downloads leave it out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from parcels import access
from parcels.models import Parcel
from parkplan.formatting import (
    fmt_number,
    fmt_percent,
    fmt_year_on_year,
    hidden_text,
    language,
    period_label,
)
from parkplan.numbers import is_missing

from . import charts, compute, queries
from .models import Indicator, Plan
from .reasons import progress_reason

HIDDEN = object()  # a table cell withheld for confidentiality


# --- the period a page shows ----------------------------------------------------


@dataclass(frozen=True)
class Period:
    """The period a page shows: a year (annual values, quarter 4) or a quarter's year-to-date values."""

    year: int | None
    quarter: int | None = None  # 1–3 for year to date; None for the year

    @property
    def annual(self) -> bool:
        return self.quarter is None

    @property
    def q(self) -> int:
        return 4 if self.quarter is None else self.quarter

    @property
    def query(self) -> str:
        if self.year is None:
            return ""
        return f"?year={self.year}" + ("" if self.quarter is None else f"&quarter={self.quarter}")

    @property
    def label(self) -> str:
        return period_label(self.year, self.quarter) if self.year else _("暂无数据")


def choose_period(params, plan: Plan) -> tuple[Period, str]:
    """Read ?year=&quarter= (the latest year with annual data by default); return the period and a note on bad input."""
    latest = queries.latest_data_year(plan)
    default = Period(latest)
    raw_year, raw_quarter = params.get("year", ""), params.get("quarter", "")
    if not raw_year and not raw_quarter:
        return default, ""
    years = range(plan.base_year, plan.end_year + 1)
    try:
        year = int(raw_year) if raw_year else latest
    except ValueError:
        year = None
    if year not in years:
        note = _("无法显示“%(value)s”年：可选%(first)s–%(last)s年，已显示默认期间。") % {
            "value": raw_year,
            "first": years[0],
            "last": years[-1],
        }
        return default, note
    if raw_quarter in ("", "4"):
        return Period(year), ""
    if raw_quarter in ("1", "2", "3"):
        return Period(year, int(raw_quarter)), ""
    note = _("无法识别季度“%(value)s”：可选1、2、3季度或全年，已显示%(year)s年全年。") % {
        "value": raw_quarter,
        "year": year,
    }
    return Period(year), note


def period_choices(plan: Plan, period: Period) -> dict:
    """Return what the period form offers: years of the plan (with or without data) and the quarter views."""
    available = set(queries.park_periods(plan))
    years = [
        {"year": y, "has_data": any((y, q) in available for q in range(1, 5)), "selected": y == period.year}
        for y in range(plan.base_year, plan.end_year + 1)
    ]
    quarters = [
        {"value": "", "label": _("全年"), "selected": period.quarter is None},
        {"value": "1", "label": _("1–3月累计"), "selected": period.quarter == 1},
        {"value": "2", "label": _("1–6月累计"), "selected": period.quarter == 2},
        {"value": "3", "label": _("1–9月累计"), "selected": period.quarter == 3},
    ]
    latest_quarter = max((q for y, q in available if y == period.year), default=None)
    return {"years": years, "quarters": quarters, "latest_quarter": latest_quarter, "available": available}


# --- small helpers ----------------------------------------------------------------


def unit_of(indicator: Indicator) -> str:
    return indicator.unit_en if language() == "en" and indicator.unit_en else indicator.unit


def _text(indicator: Indicator, name: str) -> str:
    zh, en = getattr(indicator, f"{name}_zh"), getattr(indicator, f"{name}_en")
    return en if language() == "en" and en else zh


def status_word(status: str) -> str:
    return compute.status_word(status, language())


def local_time(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def is_hidden(row: dict | None, user) -> bool:
    """Whether a parcel figure is withheld from this user: fewer than three enterprises behind it."""
    if row is None or row.get("parcel") is None or access.sees_confidential(user):
        return False
    return int(row.get("enterprises") or 0) < access.CONFIDENTIAL_BELOW


def _index_values(frame) -> dict:
    return {(r["indicator"], r["parcel"], r["year"], r["quarter"]): r for r in frame.to_dict("records")}


def _index_progress(frame) -> dict:
    return {(r["indicator"], r["parcel"], r["year"]): r for r in frame.to_dict("records")}


def target_text(indicator: Indicator, progress: dict | None) -> str:
    """Return the target as a reader sees it: the value, or the benchmark value and its year."""
    unit = unit_of(indicator)
    if indicator.target_kind == compute.BENCHMARK:
        if progress and progress.get("target") is not None:
            words = _("%(value)s %(unit)s（%(year)s年基准）") % {
                "value": fmt_number(progress["target"], indicator.decimals),
                "unit": unit,
                "year": progress["benchmark_year"],
            }
            if progress.get("provisional"):
                words += _("（暂用）")
            return words
        return _text(indicator, "target_text")
    return _("%(value)s %(unit)s（%(year)s年）") % {
        "value": fmt_number(float(indicator.target_value), indicator.decimals),
        "unit": unit,
        "year": indicator.target_year,
    }


def trend_labels() -> dict:
    return {
        "actual": _("实际值"),
        "expected": _("规划路径（基期至目标的直线）"),
        "projected": _("趋势外推至2025年"),
        "target": _("2025年目标"),
        "benchmark": _("对标基准"),
        "provisional": _("（暂用{year}年基准值）"),
        "year": _("年份"),
    }


# --- tables ---------------------------------------------------------------------


@dataclass
class Column:
    key: str
    label: str
    kind: str = "text"  # text, number, percent (a share), change (preformatted)
    decimals: int = 2


@dataclass
class Table:
    """A table behind a chart: raw values for downloads, formatted cells for the page."""

    slug: str
    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)

    def cell(self, column: Column, value) -> str:
        if value is HIDDEN:
            return hidden_text()
        if column.kind == "number":
            return fmt_number(value, column.decimals)
        if column.kind == "percent":
            return fmt_percent(value)
        return "—" if value is None or value == "" else str(value)

    @property
    def display(self) -> list[list[tuple[str, bool]]]:
        """Rows of (text, is a number) cells."""
        return [
            [(self.cell(c, row.get(c.key)), c.kind in ("number", "percent", "change")) for c in self.columns]
            for row in self.rows
        ]


# --- the overview ---------------------------------------------------------------


def overview(plan: Plan, period: Period, user) -> dict:
    """Return the overview's cards, status summary, year-to-date panel and 13th-FYP review figures."""
    indicators = queries.indicators(plan)
    values = _index_values(queries.value_frame(plan, scope="park"))
    progress = (
        _index_progress(queries.progress_frame(plan, scope="park", year=period.year))
        if period.annual and period.year
        else {}
    )
    years = list(range(plan.base_year, (period.year or plan.base_year) + 1))
    cards, counts = [], {}
    for indicator in indicators:
        code = indicator.code
        unit = unit_of(indicator)
        value = values.get((code, None, period.year, period.q))
        p = progress.get((code, None, period.year))
        status = (p or {}).get("status", "") if period.annual else ""
        if period.annual and period.year and period.year > plan.base_year:
            key = status or compute.INSUFFICIENT_DATA
            counts[key] = counts.get(key, 0) + 1
        series = [(values.get((code, None, y, 4)) or {}).get("value") for y in years]
        cards.append(
            {
                "code": code,
                "name": indicator.name,
                "unit": unit,
                "value": fmt_number((value or {}).get("value"), indicator.decimals),
                "target": target_text(indicator, p),
                "completion": fmt_percent((p or {}).get("completion")) if p else "—",
                "status": status,
                "status_word": status_word(status),
                "year_on_year": fmt_year_on_year(
                    (value or {}).get("value"), (value or {}).get("previous"), unit=indicator.unit, decimals=2
                ),
                "computed_at": local_time((value or {}).get("computed_at")),
                "sparkline": charts.sparkline(
                    years, series, name=indicator.name, unit=unit, decimals=indicator.decimals
                ),
            }
        )
    summary_intro = _("%(total)s项指标中：") % {"total": len(indicators)} if counts else ""
    summary_items = [
        (s, _("%(word)s%(n)s项") % {"word": status_word(s), "n": counts[s]})
        for s in compute.STATUS_ORDER
        if counts.get(s)
    ]
    summary = summary_intro + _("、").join(text for _s, text in summary_items)
    latest_quarter = max((q for (_code, parcel, y, q) in values if parcel is None and y == period.year), default=None)
    if not period.annual:
        latest_quarter = period.quarter
    ytd = []
    if latest_quarter:
        for indicator in indicators:
            value = values.get((indicator.code, None, period.year, latest_quarter)) or {}
            ytd.append(
                {
                    "code": indicator.code,
                    "name": indicator.name,
                    "unit": unit_of(indicator),
                    "value": fmt_number(value.get("value"), indicator.decimals),
                    "previous": fmt_number(value.get("previous"), indicator.decimals),
                    "change": fmt_year_on_year(
                        value.get("value"), value.get("previous"), unit=indicator.unit, decimals=2
                    ),
                }
            )
    review = [
        {
            "label": f.label,
            "value": f.value_en if language() == "en" and f.value_en else f.value,
            "change": f.change_en if language() == "en" else f.change_zh,
            "year": f.year,
            "source": f.source,
        }
        for f in queries.review_figures(plan)
    ]
    return {
        "cards": cards,
        "summary": summary,
        "summary_intro": summary_intro,
        "summary_items": summary_items,
        "ytd": ytd,
        "ytd_label": period_label(period.year, latest_quarter) if latest_quarter else "",
        "review": review,
        "base_year": plan.base_year,
    }


# --- an indicator ---------------------------------------------------------------


def indicator_page(plan: Plan, indicator: Indicator, period: Period, user) -> dict:
    """Return an indicator page's figures, tables, reason and definition for a period."""
    code = indicator.code
    unit = unit_of(indicator)
    decimals = indicator.decimals
    values = _index_values(queries.value_frame(plan, codes=[code]))
    progress = _index_progress(queries.progress_frame(plan, codes=[code]))
    parcels = list(Parcel.objects.order_by("order"))
    park_rows = [r for (c, parcel, y), r in progress.items() if parcel is None]
    park_p = progress.get((code, None, period.year)) if period.annual else None
    # The trend reads annual values up to the shown year (the year before, for a quarter).
    last_year = (period.year or plan.base_year) if period.annual else (period.year or plan.base_year) - 1
    trend_progress = progress.get((code, None, last_year))
    base_value = park_rows[0]["base_value"] if park_rows else None
    if base_value is None and indicator.target_kind == compute.CUMULATIVE:
        base_value = 0.0
    inputs = (trend_progress or (park_rows[-1] if park_rows else {}) or {}).get("inputs") or {}
    trend = charts.trend_rows(
        years=list(range(plan.base_year, plan.end_year + 1)),
        actuals={y: (values.get((code, None, y, 4)) or {}).get("value") for y in range(plan.base_year, last_year + 1)},
        kind=indicator.target_kind,
        target=None if indicator.target_value is None else float(indicator.target_value),
        base_year=plan.base_year,
        base_value=base_value,
        benchmark={int(y): v for y, v in (inputs.get("benchmark_series") or {}).items()},
        projection=(
            (trend_progress["inputs"].get("projection_slope"), trend_progress["projected_2025"])
            if trend_progress and trend_progress.get("projected_2025") is not None
            else None
        ),
        target_year=plan.end_year,
    )
    trend_fig = charts.indicator_trend(
        trend, labels=trend_labels(), unit=unit, decimals=decimals, kind=indicator.target_kind
    )
    trend_table = _trend_table(indicator, trend, unit)

    comparison = _parcel_comparison(plan, indicator, period, user, parcels, values, progress)
    if park_p is not None:
        park_p = _Obj(park_p)
    reason = (
        progress_reason(park_p, unit=unit, decimals=decimals, benchmark_name=_text(indicator, "benchmark_name"))
        if park_p
        else ""
    )
    return {
        "indicator": indicator,
        "unit": unit,
        "name": indicator.name,
        "definition": _text(indicator, "definition"),
        "formula": _text(indicator, "formula"),
        "target": target_text(indicator, progress.get((code, None, period.year))),
        "benchmark_name": _text(indicator, "benchmark_name"),
        "attribute": indicator.get_attribute_display(),
        "target_kind": indicator.get_target_kind_display(),
        "progress": park_p,
        "status_word": status_word(park_p.status) if park_p else "",
        "reason": reason,
        "park_value": fmt_number((values.get((code, None, period.year, period.q)) or {}).get("value"), decimals),
        "trend_fig": trend_fig,
        "trend_table": trend_table,
        "benchmark_sources": sorted(queries.benchmark_sources(indicator).items())
        if indicator.target_kind == compute.BENCHMARK
        else [],
        **comparison,
    }


class _Obj:
    """Attribute access to a progress row (for progress_reason and templates)."""

    def __init__(self, row: dict):
        self.__dict__.update(row)


def _trend_table(indicator: Indicator, trend: list[dict], unit: str) -> Table:
    benchmark = indicator.target_kind == compute.BENCHMARK
    columns = [
        Column("year", _("年份")),
        Column("actual", _("实际值（%(unit)s）") % {"unit": unit}, "number", indicator.decimals),
        Column("expected", _("规划路径（%(unit)s）") % {"unit": unit}, "number", indicator.decimals),
        Column(
            "target",
            (_("对标基准（%(unit)s）") if benchmark else _("目标（%(unit)s）")) % {"unit": unit},
            "number",
            indicator.decimals,
        ),
    ]
    if benchmark:
        columns.append(Column("benchmark_note", _("基准说明")))
    columns.append(Column("projected", _("趋势外推（%(unit)s）") % {"unit": unit}, "number", indicator.decimals))
    rows = []
    for r in trend:
        row = dict(r)
        if benchmark:
            if r["benchmark_year"] is None:
                row["benchmark_note"] = ""
            elif r["provisional"]:
                row["benchmark_note"] = _("暂用%(year)s年基准值") % {"year": r["benchmark_year"]}
            else:
                row["benchmark_note"] = _("%(year)s年基准值") % {"year": r["benchmark_year"]}
        rows.append(row)
    return Table("trend", _("园区历年数值、规划路径与目标"), columns, rows)


def _parcel_comparison(plan, indicator, period, user, parcels, values, progress) -> dict:
    """Return the parcels-side-by-side figure and its table."""
    code = indicator.code
    unit = unit_of(indicator)
    decimals = indicator.decimals
    judged = period.annual and period.year is not None and period.year > plan.base_year
    split = judged and any(
        ((progress.get((code, p.id, period.year)) or {}).get("inputs") or {}).get("split_target") for p in parcels
    )
    share = judged and indicator.is_count and not split
    park_value = (values.get((code, None, period.year, period.q)) or {}).get("value")
    park_p = progress.get((code, None, period.year)) if judged else None
    bars, rows, hidden = [], [], []
    for parcel in parcels:
        value = values.get((code, parcel.id, period.year, period.q))
        base = values.get((code, parcel.id, plan.base_year, 4))
        p = progress.get((code, parcel.id, period.year)) if judged else None
        row = {
            "parcel": parcel.name,
            "code": parcel.code,
            "enterprises": (value or {}).get("enterprises"),
        }
        withheld = is_hidden(value, user) or (judged and is_hidden(base, user))
        if withheld:
            hidden.append(parcel.name)
            for key in ("value", "target", "gap", "completion", "status", "share", "change"):
                row[key] = HIDDEN
            rows.append(row)
            continue
        v = (value or {}).get("value")
        status = (p or {}).get("status") or ""
        row.update(
            {
                "value": v,
                "target": (p or {}).get("target"),
                "gap": (p or {}).get("gap"),
                "completion": (p or {}).get("completion"),
                "status": status_word(status),
                "share": (p or {}).get("share_of_change"),
                "change": fmt_year_on_year(v, (value or {}).get("previous"), unit=indicator.unit, decimals=2),
            }
        )
        rows.append(row)
        if share:
            bar_value = (p or {}).get("share_of_change")
            text = fmt_percent(bar_value)
        else:
            bar_value = v
            text = fmt_number(v, decimals) + (f" · {status_word(status)}" if status else "")
        bars.append(
            {
                "name": parcel.name,
                "value": bar_value,
                "gap": (p or {}).get("gap") if not share else None,
                "status": status,
                "text": text,
            }
        )
    if share:
        reference, reference_name = None, ""
        axis = _("占园区%(base)s年以来增量的比重") % {"base": plan.base_year}
    elif park_p and park_p.get("target") is not None:
        reference, reference_name = park_p["target"], _("目标值")
        axis = unit
    else:
        reference, reference_name = park_value, _("园区整体")
        axis = unit
    figure = charts.parcel_comparison(
        bars,
        labels={"value": _("各地块"), "reference": reference_name, "axis": axis},
        unit=unit,
        decimals=decimals,
        reference=reference,
        share=share,
    )
    columns = [
        Column("parcel", _("地块")),
        Column("enterprises", _("企业数"), "number", 0),
        Column("value", _("数值（%(unit)s）") % {"unit": unit}, "number", decimals),
    ]
    if judged and not share:
        columns += [
            Column("target", _("目标（%(unit)s）") % {"unit": unit}, "number", decimals),
            Column("gap", _("距目标差距"), "number", decimals),
            Column("completion", _("完成程度"), "percent"),
            Column("status", _("进度状态")),
        ]
    elif share:
        columns.append(Column("share", _("占园区增量比重"), "percent"))
    if not period.annual:
        columns.append(Column("change", _("同比"), "change"))
    if share:
        rows.sort(key=lambda r: _sort_key(r.get("share")))
    elif judged:
        rows.sort(key=lambda r: -_sort_key(r.get("gap"), missing=-math.inf))
    else:
        rows.sort(key=lambda r: _sort_key(r.get("value")))
    title = (
        _("各地块占园区增量的比重（按比重排序）")
        if share
        else _("各地块与目标对比（按差距排序）")
        if judged
        else _("各地块数值（%(period)s）") % {"period": period.label}
    )
    return {
        "comparison_fig": figure,
        "comparison_table": Table("parcels", title, columns, rows),
        "comparison_share": share,
        "hidden_parcels": hidden,
    }


def _sort_key(value, missing: float = math.inf) -> float:
    if value is HIDDEN or is_missing(value):
        return missing
    return float(value)


def download_tables(page: dict) -> list[Table]:
    return [page["trend_table"], page["comparison_table"]]


# --- parcels ----------------------------------------------------------------------


def heatmap(plan: Plan, period: Period, user, parcels: list[Parcel], indicators: list[Indicator]) -> dict:
    """Return the parcels × indicators grid: each cell's status or figure, for the heatmap and its table."""
    judged = period.annual and period.year is not None and period.year > plan.base_year
    values = _index_values(queries.value_frame(plan, years=(plan.base_year, plan.end_year), quarters=(period.q, 4)))
    progress = _index_progress(queries.progress_frame(plan, year=period.year)) if judged else {}
    grid = []
    for parcel in parcels:
        row = []
        for indicator in indicators:
            row.append(_heat_cell(plan, indicator, parcel, period, user, values, progress, judged))
        grid.append(row)
    figure = charts.status_heatmap(
        parcels=[p.name for p in parcels],
        indicators=[i.code for i in indicators],
        indicator_names=[i.name for i in indicators],
        cells=grid,
        labels={"status": _("进度状态"), "score": _("距目标程度或占园区比重")},
    )
    return {"heatmap_fig": figure, "grid": grid}


def _heat_cell(plan, indicator, parcel, period, user, values, progress, judged) -> dict:
    code = indicator.code
    value = values.get((code, parcel.id, period.year, period.q))
    base = values.get((code, parcel.id, plan.base_year, 4))
    if is_hidden(value, user) or (judged and is_hidden(base, user)):
        return {"status": "", "text": hidden_text(), "score": None, "hidden": True}
    v = (value or {}).get("value")
    if judged:
        p = progress.get((code, parcel.id, period.year)) or {}
        status = p.get("status") or ""
        if status:
            return {"status": status, "text": status_word(status), "score": None, "value": v}
        share = p.get("share_of_change")
        if share is not None:
            return {
                "status": "",
                "text": _("占增量%(share)s") % {"share": fmt_percent(share)},
                "score": share,
                "value": v,
            }
    if is_missing(v):
        return {"status": "", "text": "—", "score": None}
    park = (values.get((code, None, period.year, period.q)) or {}).get("value")
    target = None if indicator.target_value is None else float(indicator.target_value)
    # Counts: the share of the park's count; ratios: the completion of the target (else relative to the park).
    reference = park if indicator.is_count or not target else target
    score = v / reference if reference else None
    return {"status": "", "text": fmt_number(v, indicator.decimals), "score": score, "value": v}


def parcel_detail(plan: Plan, parcel: Parcel, period: Period, user, indicators: list[Indicator]) -> dict:
    """Return a parcel's own value, progress and trend chart for each indicator."""
    judged = period.annual and period.year is not None and period.year > plan.base_year
    values = _index_values(queries.value_frame(plan, scope=parcel.id))
    progress = _index_progress(queries.progress_frame(plan, scope=parcel.id))
    last_year = (period.year or plan.base_year) if period.annual else (period.year or plan.base_year) - 1
    labels = trend_labels()
    rows = []
    for indicator in indicators:
        code = indicator.code
        unit = unit_of(indicator)
        value = values.get((code, parcel.id, period.year, period.q))
        base = values.get((code, parcel.id, plan.base_year, 4))
        p = progress.get((code, parcel.id, period.year)) if judged else None
        withheld = is_hidden(value, user) or (judged and is_hidden(base, user))
        actuals = {}
        for y in range(plan.base_year, last_year + 1):
            annual = values.get((code, parcel.id, y, 4))
            if annual is not None and not is_hidden(annual, user):
                actuals[y] = annual.get("value")
        any_p = progress.get((code, parcel.id, last_year)) or next(
            (r for (c, _p, _y), r in sorted(progress.items(), key=lambda kv: kv[0][2]) if c == code), None
        )
        base_hidden = is_hidden(base, user)
        target = (any_p or {}).get("target") if indicator.target_kind != compute.BENCHMARK else None
        if indicator.target_kind != compute.BENCHMARK and target is None and not indicator.is_count:
            target = None if indicator.target_value is None else float(indicator.target_value)
        trend_p = progress.get((code, parcel.id, last_year))
        trend = charts.trend_rows(
            years=list(range(plan.base_year, plan.end_year + 1)),
            actuals=actuals,
            kind=indicator.target_kind,
            target=target,
            base_year=plan.base_year,
            base_value=None if base_hidden else (any_p or {}).get("base_value"),
            benchmark={
                int(y): v for y, v in (((any_p or {}).get("inputs") or {}).get("benchmark_series") or {}).items()
            },
            projection=(
                (trend_p["inputs"].get("projection_slope"), trend_p["projected_2025"])
                if trend_p and trend_p.get("projected_2025") is not None and not base_hidden
                else None
            ),
            target_year=plan.end_year,
        )
        status = (p or {}).get("status") or ""
        rows.append(
            {
                "code": code,
                "name": indicator.name,
                "unit": unit,
                "hidden": withheld,
                "value": hidden_text() if withheld else fmt_number((value or {}).get("value"), indicator.decimals),
                "target": target_text(indicator, p)
                if (p or {}).get("target") is not None or not indicator.is_count
                else "—",
                "completion": "" if withheld else fmt_percent((p or {}).get("completion")),
                "status": "" if withheld else status,
                "status_word": "" if withheld else status_word(status),
                "share": ""
                if withheld or (p or {}).get("share_of_change") is None
                else fmt_percent(p["share_of_change"]),
                "change": ""
                if withheld
                else fmt_year_on_year(
                    (value or {}).get("value"), (value or {}).get("previous"), unit=indicator.unit, decimals=2
                ),
                "figure": charts.indicator_trend(
                    trend, labels=labels, unit=unit, decimals=indicator.decimals, kind=indicator.target_kind, height=260
                ),
            }
        )
    enterprises = (values.get(("I1", parcel.id, period.year, period.q)) or {}).get("enterprises")
    return {"rows": rows, "enterprises": enterprises, "judged": judged}


def functional_area_groups(plan: Plan, period: Period, user, indicators: list[Indicator]) -> list[dict]:
    """Return the functional areas grouped by kind as the plan does, each with its parcels' cells."""
    parcels = list(Parcel.objects.order_by("order"))
    grid = heatmap(plan, period, user, parcels, indicators)["grid"]
    cells_by_parcel = {p.id: row for p, row in zip(parcels, grid, strict=True)}
    groups: dict[str, dict] = {}
    from parcels.models import FunctionalArea

    for area in queries.functional_areas():
        group = groups.setdefault(area.kind, {"kind": area.kind, "label": area.get_kind_display(), "areas": []})
        group["areas"].append(
            {
                "area": area,
                "note": area.note_en if language() == "en" and area.note_en else area.note,
                "parcels": [{"parcel": p, "cells": cells_by_parcel.get(p.id, [])} for p in area.parcels.all()],
            }
        )
    order = [k for k, _label in FunctionalArea.Kind.choices]
    return [groups[k] for k in order if k in groups]

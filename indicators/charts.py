"""Plotly figures for the dashboard and the reports, as plain dicts.

No Django, no Celery: plain numbers, rows (mappings) and labels in, Plotly
figure dicts out ({"data": [...], "layout": {...}} and, for the browser, an
optional "config"). Labels arrive translated, so the caller picks the language;
every trace has an explicit name. The figures render the same in the browser
(static/js/charts.js) and to PNG with kaleido (`plotly.io.write_image(fig, ...)`).

One house template (`HOUSE_TEMPLATE`) gives every figure its font, colours and
margins; status colours are the Okabe–Ito colours of static/css/site.css and
always come with the status word (bar text, heatmap cell text, hover). Every text
drawn on a colour takes the text colour of `text_colour_on` (at least 4.5:1, WCAG
AA); unit titles are horizontal, above the axis; counts get whole-number ticks.
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Mapping, Sequence

from parkplan.formatting import fmt_number
from parkplan.numbers import is_missing

from .compute import BENCHMARK, CUMULATIVE, GROWTH, STATUS_ORDER, benchmark_for, status_word

# The trace types the figures use in the browser: the partial plotly.js bundle
# (scripts/plotly/index.js) registers exactly these, and the app checks it does.
BROWSER_TRACE_TYPES = ("scatter", "bar", "heatmap")

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"
INK = "#1d2733"
LIGHT_TEXT = "#ffffff"
DARK_TEXT = "#111111"
AA_CONTRAST = 4.5
MUTED = "#5b6775"
GRID = "#e6eaf0"
LINE = "#c3ccd6"

# Okabe–Ito, as in site.css: distinguishable with every common colour-vision deficiency.
STATUS_COLOURS = {
    "achieved_early": "#0072b2",
    "achieved": "#0072b2",
    "ahead": "#009e73",
    "on_track": "#56b4e9",
    "behind": "#d55e00",
    "not_achieved": "#d55e00",
    "benchmark_missing": "#7f7f7f",
    "insufficient_data": "#7f7f7f",
}
NO_STATUS = "#8da2b8"
SERIES = {
    "actual": "#0b3d73",
    "path": "#7f7f7f",
    "projection": "#e69f00",
    "target": "#d55e00",
    "benchmark": "#cc79a7",
    "reference": "#1d2733",
}
# The trend chart's lines, by the key of trend_rows they draw.
LINE_COLOURS = {"actual": SERIES["actual"], "expected": SERIES["path"], "projected": SERIES["projection"]}

HOUSE_TEMPLATE: dict = {
    "layout": {
        "font": {"family": FONT, "size": 13, "color": INK},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "colorway": [SERIES["actual"], "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442"],
        "margin": {"l": 56, "r": 20, "t": 28, "b": 40},
        "hoverlabel": {"font": {"family": FONT, "size": 13}},
        "hovermode": "closest",
        "legend": {"orientation": "h", "x": 0, "y": -0.16, "yanchor": "top", "font": {"size": 12}},
        "xaxis": {"gridcolor": GRID, "linecolor": LINE, "zeroline": False, "automargin": True},
        "yaxis": {"gridcolor": GRID, "linecolor": LINE, "zeroline": False, "automargin": True},
        "separators": ".,",
    }
}


def relative_luminance(colour: str) -> float:
    """Return the WCAG relative luminance of a colour written #rrggbb."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """Return the WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour_on(fill: str) -> str:
    """Return the text colour for words on `fill`: white where it reaches 4.5:1, else near-black."""
    if contrast_ratio(LIGHT_TEXT, fill) >= AA_CONTRAST:
        return LIGHT_TEXT
    return DARK_TEXT


def count_step(largest: float | None) -> int:
    """Return the tick step of a count axis up to `largest`: a whole 1, 2 or 5 × 10ⁿ, at most about six ticks."""
    top = 0.0 if is_missing(largest) else max(float(largest), 0.0)
    step = 1
    while top / step > 6:
        for factor in (2, 5 / 2, 2):  # 1 → 2 → 5 → 10 → 20 …
            step = int(step * factor)
            if top / step <= 6:
                break
    return step


def count_axis(values: Sequence[float | None]) -> dict:
    """Return the axis settings of a count: ticks on whole numbers from zero (never 0.5 家)."""
    present = [float(v) for v in values if not is_missing(v)]
    return {"tickmode": "linear", "tick0": 0, "dtick": count_step(max(present, default=0)), "rangemode": "tozero"}


def unit_title(unit: str) -> list[dict]:
    """Return the unit of the y axis as a horizontal title above the axis (a rotated one is hard to read in Chinese)."""
    if not unit:
        return []
    return [
        {
            "text": unit,
            "xref": "paper",
            "yref": "paper",
            "x": 0,
            "y": 1,
            "xanchor": "right",
            "yanchor": "bottom",
            "yshift": 6,
            "showarrow": False,
            "font": {"size": 12, "color": MUTED},
        }
    ]


def house_layout(**overrides) -> dict:
    """Return a layout on the house template, with `overrides` merged in (nested dicts merge, None drops)."""
    layout = {"template": copy.deepcopy(HOUSE_TEMPLATE)}
    return _merge(layout, overrides)


def _merge(base: dict, extra: Mapping) -> dict:
    for key, value in extra.items():
        if value is None:
            continue  # plotly.js reads null as "reset", not "unset"
        if isinstance(value, Mapping):
            _merge(base.setdefault(key, {}), value)
            _merge(base[key], value)
        else:
            base[key] = value
    return base


def _d3_format(decimals: int) -> str:
    """Return the d3-format spec Plotly draws a number with (thousands separators, fixed decimals)."""
    return f",.{decimals}f"


# --- the table behind a trend chart -----------------------------------------


def trend_rows(
    *,
    years: Sequence[int],
    actuals: Mapping[int, float | None],
    kind: str,
    target: float | None,
    base_year: int,
    base_value: float | None,
    benchmark: Mapping[int, float] | None = None,
    projection: tuple[float, float] | None = None,
    target_year: int,
) -> list[dict]:
    """Return one row per year with what a trend chart draws.

    In: the years to show (the plan's base year to its target year); `actuals`,
    year → annual value (None or absent: no value, or a value the reader may
    not see); `kind` "level", "cumulative" or "benchmark"; `target` the
    fixed target (None for a benchmark target or a scope without one); the base
    year and value the straight path starts from; `benchmark` year → value of
    a benchmark series; `projection` (slope, value in target_year) of the
    least-squares line, or None.
    Out: dicts with keys year, actual, expected (the straight path from the
    base to the target), target (the fixed target in the target year, or the
    benchmark value used for the year), benchmark_year (the year whose
    benchmark value was used), provisional (bool: an earlier year's benchmark
    stands in), projected (the line from the last actual year to the target
    year).
    """
    series = {int(y): float(v) for y, v in (benchmark or {}).items()}
    span = target_year - base_year
    last_actual = max((y for y in years if not is_missing(actuals.get(y))), default=None)
    d0 = _base_distance(kind, series=series, target=target, base_year=base_year, base_value=base_value)
    rows = []
    for year in years:
        actual = actuals.get(year)
        row = {
            "year": year,
            "actual": None if is_missing(actual) else float(actual),
            "expected": None,
            "target": None,
            "benchmark_year": None,
            "provisional": False,
            "projected": None,
        }
        s = (year - base_year) / span
        _fill_target_and_path(row, kind=kind, series=series, target=target, target_year=target_year, d0=d0, s=s)
        if projection is not None and last_actual is not None and last_actual <= year <= target_year:
            row["projected"] = _on_projection(projection, year=year, target_year=target_year)
        rows.append(row)
    if kind == CUMULATIVE and rows and rows[0]["year"] == base_year and rows[0]["actual"] is None:
        rows[0]["actual"] = 0.0  # nothing is counted before the plan period starts
    return rows


def _base_distance(kind: str, *, series: Mapping[int, float], target, base_year: int, base_value) -> float | None:
    """Return the distance from the base value to the base year's target (or benchmark), None without one."""
    base_target = None
    if kind == BENCHMARK:
        base_target = benchmark_for(series, base_year)[0]
    elif target is not None:
        base_target = target
    return None if base_target is None or is_missing(base_value) else base_target - base_value


def _fill_target_and_path(
    row: dict, *, kind: str, series: Mapping[int, float], target, target_year: int, d0, s: float
) -> None:
    """Fill a trend row's target (its year's benchmark, or the fixed one) and its point on the straight path."""
    if kind == BENCHMARK:
        if series and s > 0 and row["year"] < min(series):
            return  # before the series starts a year has no benchmark (基准缺失, docs/method.md §8)
        value, used, provisional = benchmark_for(series, row["year"])
        row["target"], row["benchmark_year"], row["provisional"] = value, used, provisional
        if value is not None and d0 is not None and 0 <= s <= 1:
            row["expected"] = value - d0 * (1 - s)
        return
    if row["year"] == target_year:
        row["target"] = target
    if d0 is not None and 0 <= s <= 1:
        row["expected"] = target - d0 * (1 - s)


def _on_projection(projection: tuple[float, float], *, year: int, target_year: int) -> float | None:
    slope, at_target = projection
    if is_missing(slope) or is_missing(at_target):
        return None
    return at_target - slope * (target_year - year)


# --- figures ------------------------------------------------------------------


def sparkline(years: Sequence[int], values: Sequence[float | None], *, name: str, unit: str = "", decimals: int = 2):
    """Return a small trend line (no axes) for an indicator card.

    In: years and their values (None: a gap). One trace named `name`.
    """
    points = [(y, v) for y, v in zip(years, values, strict=True) if not is_missing(v)]
    xs = [y for y, _ in points]
    ys = [v for _, v in points]
    trace = {
        "type": "scatter",
        "mode": "lines+markers",
        "name": name,
        "x": xs,
        "y": ys,
        "line": {"color": SERIES["actual"], "width": 2},
        "marker": {"size": [4] * max(len(xs) - 1, 0) + [7] if xs else [], "color": SERIES["actual"]},
        "hovertemplate": f"%{{x}}: %{{y:{_d3_format(decimals)}}} {unit}<extra></extra>",
    }
    layout = house_layout(
        height=56,
        margin={"l": 4, "r": 4, "t": 6, "b": 6},
        showlegend=False,
        xaxis={"visible": False, "fixedrange": True},
        yaxis={"visible": False, "fixedrange": True},
    )
    return {"data": [trace], "layout": layout, "config": {"staticPlot": True}}


def indicator_trend(
    rows: Sequence[Mapping],
    *,
    labels: Mapping[str, str],
    unit: str,
    decimals: int,
    kind: str,
    height: int = 360,
    show_legend: bool = True,
) -> dict:
    """Return the trend chart of one indicator in one scope.

    In: the rows of `trend_rows`; `labels` with keys actual, expected,
    projected, target (the fixed target's trace), benchmark (the benchmark
    series), provisional (a note for provisional years, with "{year}" for the
    year whose value stands in); the unit and decimals of the indicator; its
    target kind.
    Out: up to four traces, each only when it has points, in this order:
    actual values, the straight path, the projection, then the target marker
    (fixed targets) or the benchmark series (provisional years drawn with
    open markers). The unit stands horizontally above the y axis; a count
    (no decimals) has ticks on whole numbers from zero.
    """
    number = _d3_format(decimals)
    hover = f"%{{x}}: %{{y:{number}}} {unit}<extra>%{{fullData.name}}</extra>"
    lines = [
        _line(rows, "actual", name=labels["actual"], mode="lines+markers", hover=hover, width=3, marker={"size": 8}),
        _line(rows, "expected", name=labels["expected"], mode="lines", hover=hover, dash="dash"),
        _line(rows, "projected", name=labels["projected"], mode="lines", hover=hover, dash="dot", fewest=2),
    ]
    if kind == BENCHMARK:
        lines.append(_benchmark_trace(rows, labels=labels, number=number, unit=unit))
    else:
        lines.append(_target_trace(rows, name=labels["target"], decimals=decimals, hover=hover))
    data = [trace for trace in lines if trace is not None]
    years = [r["year"] for r in rows]
    if decimals:
        yaxis = {"tickformat": number, "rangemode": "tozero" if kind == CUMULATIVE else None}
    else:
        yaxis = {"tickformat": ",d", **count_axis([y for trace in data for y in trace["y"]])}
    layout = house_layout(
        height=height,
        showlegend=show_legend,
        margin={"t": 36},
        annotations=unit_title(unit),
        xaxis={
            "tickmode": "array",
            "tickvals": years,
            "ticktext": [str(y) for y in years],
            "range": [min(years) - 0.4, max(years) + 0.4] if years else None,
        },
        yaxis=yaxis,
    )
    if not show_legend:
        layout["margin"] = {"l": 48, "r": 12, "t": 30, "b": 28}
    return {"data": data, "layout": layout}


def _line(
    rows: Sequence[Mapping],
    key: str,
    *,
    name: str,
    mode: str,
    hover: str,
    width: int = 2,
    dash: str | None = None,
    marker: dict | None = None,
    fewest: int = 1,
) -> dict | None:
    """Return the line through the rows' `key` values, None with fewer than `fewest` points."""
    chosen = [(r["year"], r[key]) for r in rows if not is_missing(r.get(key))]
    if len(chosen) < fewest:
        return None
    line = {"color": LINE_COLOURS[key], "width": width}
    if dash:
        line["dash"] = dash
    xs, ys = [x for x, _ in chosen], [y for _, y in chosen]
    trace = {"type": "scatter", "mode": mode, "name": name, "x": xs, "y": ys, "line": line}
    if marker:
        trace["marker"] = marker
    trace["hovertemplate"] = hover
    return trace


def _benchmark_trace(rows: Sequence[Mapping], *, labels: Mapping[str, str], number: str, unit: str) -> dict | None:
    """Return the benchmark series, provisional years drawn with open markers; None without a benchmark value."""
    chosen = [r for r in rows if not is_missing(r.get("target"))]
    if not chosen:
        return None
    notes = [labels["provisional"].format(year=r["benchmark_year"]) if r["provisional"] else "" for r in chosen]
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": labels["benchmark"],
        "x": [r["year"] for r in chosen],
        "y": [r["target"] for r in chosen],
        "customdata": notes,
        "line": {"color": SERIES["benchmark"], "width": 2},
        "marker": {
            "size": 9,
            "symbol": ["circle-open" if r["provisional"] else "circle" for r in chosen],
            "line": {"width": 2, "color": SERIES["benchmark"]},
        },
        "hovertemplate": f"%{{x}}: %{{y:{number}}} {unit} %{{customdata}}<extra>%{{fullData.name}}</extra>",
    }


def _target_trace(rows: Sequence[Mapping], *, name: str, decimals: int, hover: str) -> dict | None:
    """Return the fixed target as a labelled star; None without a target."""
    chosen = [r for r in rows if not is_missing(r.get("target"))]
    if not chosen:
        return None
    return {
        "type": "scatter",
        "mode": "markers+text",
        "name": name,
        "x": [r["year"] for r in chosen],
        "y": [r["target"] for r in chosen],
        "text": [fmt_number(r["target"], decimals) for r in chosen],
        "textposition": "top center",
        "marker": {"size": 14, "symbol": "star", "color": SERIES["target"]},
        "hovertemplate": hover,
    }


def parcel_comparison(
    rows: Sequence[Mapping],
    *,
    labels: Mapping[str, str],
    unit: str,
    decimals: int,
    reference: float | None = None,
    share: bool = False,
) -> dict:
    """Return the parcels side by side as horizontal bars, the one holding the park back on top.

    In: one mapping per parcel with keys name, value (the bar: the parcel's
    value, or its share of the park's change as a fraction when `share`),
    gap (the distance to the target; larger is further behind; None when
    there is none), status (a status code or ""), text (the bar's label,
    with the status word where there is a status). `labels`: value (the name
    of the bars without a status), reference (the reference line's name),
    axis (the x-axis title), statuses (optional: status code → its word; by
    default the word in the language of `labels["value"]`). `reference`: the
    value of the vertical reference line (the target or the park's value),
    None for none.
    Out: one bar trace per status shown (named by its word, so the legend
    shows each colour once with its meaning; bars without a status in one
    trace named labels["value"]), then the reference line when there is one.
    Bars are ordered by gap (largest on top) or, for shares, smallest share on
    top; the words inside a bar take the text colour of its fill.
    """
    ordered = _bar_order(rows, share=share)
    names = [r["name"] for r in ordered]
    number = _d3_format(1 if share else decimals)
    suffix = "%" if share else f" {unit}"
    words = _status_words(labels)
    data = []
    for status in _statuses_in(ordered):
        group = [r for r in ordered if (r.get("status") or "") == status]
        name = words.get(status, labels["value"]) if status else labels["value"]
        data.append(_bars(group, name=name, share=share, hover=f"%{{x:{number}}}{suffix}"))
    if reference is not None and names:
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": labels["reference"],
                "x": [reference, reference],
                "y": [names[0], names[-1]],
                "line": {"color": SERIES["reference"], "width": 2, "dash": "dash"},
                "hovertemplate": f"%{{x:{number}}}{suffix}<extra>%{{fullData.name}}</extra>",
            }
        )
    layout = house_layout(
        height=max(260, 34 * len(names) + 110),
        bargap=0.3,
        barmode="overlay",
        margin={"l": 12, "r": 24, "t": 12, "b": 40},
        xaxis=_bar_axis(ordered, labels=labels, number=number, share=share, decimals=decimals, reference=reference),
        yaxis={"automargin": True, "type": "category", "categoryorder": "array", "categoryarray": names},
        legend={"y": -0.22, "traceorder": "normal"},
    )
    return {"data": data, "layout": layout}


def _bar_axis(ordered, *, labels: Mapping, number: str, share: bool, decimals: int, reference) -> dict:
    """Return the value axis of the bars: a count's on whole numbers from zero, a share's in percent."""
    axis = {"title": {"text": labels.get("axis", "")}, "tickformat": number, "ticksuffix": "%" if share else ""}
    if not share and not decimals:
        axis.update(count_axis([r["value"] for r in ordered] + [reference]), tickformat=",d")
    return axis


def _status_words(labels: Mapping) -> Mapping[str, str]:
    """Return status code → word: the labels' own, else the words in the language of the labels."""
    if labels.get("statuses"):
        return labels["statuses"]
    language = "en" if str(labels.get("value", "")).isascii() else "zh"
    return {code: status_word(code, language) for code in STATUS_ORDER}


def _statuses_in(rows: Sequence[Mapping]) -> list[str]:
    """Return the statuses of the rows in the order of the statuses, no status ("") last."""
    present = {r.get("status") or "" for r in rows}
    return [s for s in STATUS_ORDER if s in present] + ([""] if "" in present else [])


def _bars(ordered: Sequence[Mapping], *, name: str, share: bool, hover: str) -> dict:
    """Return a bar trace of parcels, coloured by status; `hover` the hover's template of a bar's value."""
    colours = [STATUS_COLOURS.get(r.get("status") or "", NO_STATUS) for r in ordered]
    return {
        "type": "bar",
        "orientation": "h",
        "name": name,
        "x": [r["value"] * 100 if share else r["value"] for r in ordered],
        "y": [r["name"] for r in ordered],
        "text": [r["text"] for r in ordered],
        "textposition": "auto",
        "insidetextanchor": "end",
        "insidetextfont": {"color": [text_colour_on(c) for c in colours]},
        "outsidetextfont": {"color": INK},
        "cliponaxis": False,
        "marker": {"color": colours},
        "hovertemplate": f"%{{y}}: {hover} %{{text}}<extra></extra>",
    }


def _bar_order(rows: Sequence[Mapping], *, share: bool) -> list[Mapping]:
    """Return the rows with a value, bottom bar first: by gap (largest on top) or, for shares, smallest on top."""

    def number(value) -> float:
        return 0 if is_missing(value) else value

    if share:
        ordered = sorted(rows, key=lambda r: (is_missing(r["value"]), number(r["value"])))
    else:
        ordered = sorted(rows, key=lambda r: (is_missing(r.get("gap")), -number(r.get("gap")), number(r["value"])))
    ordered = [r for r in ordered if not is_missing(r["value"])]
    ordered.reverse()  # Plotly draws the first category at the bottom
    return ordered


def status_heatmap(
    *,
    parcels: Sequence[str],
    indicators: Sequence[str],
    indicator_names: Sequence[str],
    cells: Sequence[Sequence[Mapping | None]],
    labels: Mapping[str, str],
) -> dict:
    """Return the parcels × indicators heatmap, coloured by status or by distance to target.

    In: row labels (parcels, top to bottom), column labels (indicator codes)
    and their full names (for the hover); `cells[i][j]` for parcel i and
    indicator j, a mapping with keys status (a status code or ""), text (the
    cell's words: the status word, or the figure shown), and score (for cells
    without a status: a number from 0 to 1, the completion of the target or the
    share of the park's change, capped, None for none), or None for an empty
    cell. `labels`: status (the status trace's name), score (the other
    trace's name).
    Out: up to three heatmap traces on one grid: cells with a status in the
    status colours (white words on the dark ones, then near-black words on
    the light ones), then cells without one on a grey-blue scale (a trace
    with no cells is left out); the words in every cell.
    """
    status_z, score_z, status_text, score_text, hover = [], [], [], [], []
    for row in cells:
        parts = [_heat_cell(cell) for cell in row]
        status_z.append([z for z, _score, _words, _none in parts])
        score_z.append([z for _status, z, _words, _none in parts])
        status_text.append([words for _z, _score, words, _none in parts])
        score_text.append([words for _z, _score, _none, words in parts])
        hover.append([indicator_names[j] for j in range(len(row))])
    common = {
        "type": "heatmap",
        "x": list(indicators),
        "y": list(parcels),
        "customdata": hover,
        "texttemplate": "%{text}",
        "xgap": 2,
        "ygap": 2,
        "showscale": False,
        "hovertemplate": "%{y}<br>%{x} %{customdata}<br>%{text}<extra></extra>",
        "hoverongaps": False,
    }
    traces = [*_status_traces(common, status_z, status_text, name=labels["status"])]
    traces.append({**common, "name": labels["score"], "z": score_z, "text": score_text, **_score_style()})
    # A trace with no cell at all is left out (Plotly would draw nothing for it).
    data = [t for t in traces if any(z is not None for row in t["z"] for z in row)]
    layout = house_layout(
        height=max(300, 40 * len(parcels) + 90),
        margin={"l": 12, "r": 12, "t": 40, "b": 12},
        showlegend=False,
        xaxis={"side": "top", "type": "category", "fixedrange": True, "showgrid": False},
        yaxis={"autorange": "reversed", "type": "category", "fixedrange": True, "showgrid": False},
    )
    return {"data": data, "layout": layout}


def _status_traces(common: Mapping, status_z: list, status_text: list, *, name: str) -> list[dict]:
    """Return the status cells on one trace per text colour (Plotly gives a heatmap one text colour a trace).

    White words on the status colours where white reaches 4.5:1, near-black words on the others.
    """
    traces = []
    for text_colour in (LIGHT_TEXT, DARK_TEXT):
        codes = {i for i, status in enumerate(STATUS_ORDER) if text_colour_on(STATUS_COLOURS[status]) == text_colour}
        z = [[v if v in codes else None for v in row] for row in status_z]
        words = [
            [t if v in codes else "" for v, t in zip(zrow, trow, strict=True)]
            for zrow, trow in zip(status_z, status_text, strict=True)
        ]
        style = _status_style()
        style["textfont"]["color"] = text_colour
        traces.append({**common, "name": name, "z": z, "text": words, **style})
    return traces


def _heat_cell(cell: Mapping | None) -> tuple[int | None, float | None, str, str]:
    """Return a heatmap cell as (status z, score z, status text, score text): it goes on one of the two traces."""
    status = (cell or {}).get("status") or ""
    score = (cell or {}).get("score")
    words = (cell or {}).get("text") or ""
    if status in STATUS_ORDER:
        return STATUS_ORDER.index(status), None, words, ""
    # A cell without a status or a score still carries its words (e.g. the confidentiality notice).
    return None, 0.0 if is_missing(score) else max(0.0, min(1.0, float(score))), "", words


def _status_style() -> dict:
    """Return the look of the status trace: the status colours on a stepped scale, status i the band around z = i."""
    n_status = len(STATUS_ORDER)
    scale = []
    for i, status in enumerate(STATUS_ORDER):
        colour = STATUS_COLOURS[status]
        scale.append([i / n_status, colour])
        scale.append([(i + 1) / n_status, colour])
    return {"textfont": {"size": 12}, "zmin": -0.5, "zmax": n_status - 0.5, "colorscale": scale}


def _score_style() -> dict:
    """Return the look of the trace of cells without a status: a grey-blue scale from 0 to 1."""
    return {
        "textfont": {"size": 12, "color": INK},
        "zmin": 0,
        "zmax": 1,
        "colorscale": [[0, "#f1f4f8"], [1, NO_STATUS]],  # INK stays above 5.7:1 on the whole scale
    }


# --- an overview card's trend with the planned path ---------------------------


def planned_path(
    *,
    years: Sequence[int],
    kind: str,
    base_year: int,
    base_value: float | None,
    target_year: int,
    level: float | None,
    higher: bool = True,
    rate: float | None = None,
    benchmark: Mapping[int, float] | None = None,
) -> dict[int, float]:
    """Return year → the value the plan expects on its path from the base to the target (docs/method.md §4).

    In: the years wanted; the target kind; the base year and value; the target
    year and the end-year level T (None: no path); the direction; `rate` the
    planned average annual growth g (the growth kind compounds: B·(1 + g)^(y − b));
    `benchmark` year → value of a benchmark series. A base that already meets
    the target expects the target itself. Out: only the years with a point.
    """
    if is_missing(base_value):
        return {}
    if kind == BENCHMARK:
        rows = trend_rows(
            years=years,
            actuals={},
            kind=kind,
            target=None,
            base_year=base_year,
            base_value=base_value,
            benchmark=benchmark,
            target_year=target_year,
        )
        return {r["year"]: r["expected"] for r in rows if r["expected"] is not None}
    if is_missing(level):
        return {}
    b, t, span = float(base_value), float(level), target_year - base_year
    already_met = b >= t if higher else b <= t
    path = {}
    for year in years:
        s = (year - base_year) / span
        if not 0 <= s <= 1:
            continue
        if already_met:
            path[year] = t
        elif kind == GROWTH and rate is not None:
            path[year] = b * (1 + rate) ** (year - base_year)
        else:
            path[year] = b + (t - b) * s
    return path


def card_trend(
    years: Sequence[int],
    values: Sequence[float | None],
    *,
    name: str,
    unit: str = "",
    decimals: int = 2,
    path: Mapping[int, float],
    target: tuple[int, float] | None,
    labels: Mapping[str, str],
) -> dict:
    """Return an overview card's small trend line with the planned path to the target.

    In: as `sparkline`, and `path` year → the value on the plan's path
    (`planned_path`), drawn dashed; `target` (target year, end-year level), a
    star; `labels` names those two traces (keys path, target).
    Out: the path, the target star, then the actual line (the sparkline's
    trace, drawn last so it stays on top); the x axis spans all three.
    """
    figure = sparkline(years, values, name=name, unit=unit, decimals=decimals)
    hover = f"%{{x}}: %{{y:{_d3_format(decimals)}}} {unit}<extra>%{{fullData.name}}</extra>"
    planned = sorted((y, v) for y, v in path.items() if not is_missing(v))
    extra = []
    if len(planned) >= 2:
        extra.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": labels["path"],
                "x": [y for y, _v in planned],
                "y": [v for _y, v in planned],
                "line": {"color": SERIES["path"], "width": 1.5, "dash": "dash"},
                "hovertemplate": hover,
            }
        )
    if target is not None and not is_missing(target[1]):
        extra.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": labels["target"],
                "x": [target[0]],
                "y": [target[1]],
                "marker": {"size": 9, "symbol": "star", "color": SERIES["target"]},
                "hovertemplate": hover,
            }
        )
    figure["data"] = extra + figure["data"]
    span = [x for trace in figure["data"] for x in trace["x"]]
    if span:
        figure["layout"]["xaxis"]["range"] = [min(span) - 0.3, max(span) + 0.3]
    return figure


# --- the parcel map -------------------------------------------------------------

NO_DATA_FILL = "#d9dee5"  # a parcel without a status or value, or one withheld
MAP_EDGE = "#5b6775"
LABEL_PLATE = "rgba(255,255,255,0.78)"  # INK on it over the darkest fill stays above 8:1
VALUE_CLASSES = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]
MAP_MODES = ("status", "value")


def parcel_map(parcels: Sequence[Mapping], *, mode: str, labels: Mapping, unit: str, decimals: int, geographic: bool):
    """Return the parcels drawn as filled outlines on plain axes (no tiles), coloured by status or by value.

    In: one mapping per parcel with keys name, rings (outer rings, each a list
    of (x, y) points, first point repeated at the end; several for a parcel
    of several blocks), status (a status code or ""), value (the figure, None
    for none or withheld), text (the words shown on it: the status word or the
    figure, or why there is none), hover (the words on hover: its value and
    status). `mode` "status" (status colours) or "value" (five equal classes
    from the smallest to the largest value). `labels`: none (the legend entry
    of parcels without a colour), statuses (status code → word). `geographic`:
    x, y are longitude and latitude, drawn so a kilometre is as long east as
    north; else the schematic's plain units.
    Out: a filled trace per parcel (hover: its name and words), then an empty
    trace per legend entry (its colour and meaning); each block labelled with
    the parcel's name (and, on its largest block, its words) on a pale plate.
    """
    colours, legend = _map_colours(parcels, mode=mode, labels=labels, unit=unit, decimals=decimals)
    data = [_outline_trace(p, colour) for p, colour in zip(parcels, colours, strict=True)]
    data += [_legend_entry(name, colour) for name, colour in legend]
    ys = [y for p in parcels for ring in p["rings"] for _x, y in ring]
    ratio = 1 / math.cos(math.radians(sum(ys) / len(ys))) if geographic and ys else 1
    hidden_axis = {"visible": False, "showgrid": False, "zeroline": False, "fixedrange": False}
    layout = house_layout(
        margin={"l": 8, "r": 8, "t": 8, "b": 8},
        annotations=[_map_label(x, y, text) for p in parcels for x, y, text in _labels(p)],
        showlegend=True,
        legend={"orientation": "h", "x": 0, "y": 0, "yanchor": "top", "traceorder": "normal"},
        hovermode="closest",
        xaxis=hidden_axis,
        yaxis={**hidden_axis, "scaleanchor": "x", "scaleratio": ratio},
    )
    return {"data": data, "layout": layout}


def _map_label(x: float, y: float, text: str) -> dict:
    return {
        "x": x,
        "y": y,
        "xref": "x",
        "yref": "y",
        "text": text,
        "showarrow": False,
        "font": {"size": 11, "color": INK},
        "bgcolor": LABEL_PLATE,
        "borderpad": 2,
    }


def _labels(parcel: Mapping) -> list[tuple[float, float, str]]:
    """Return where a parcel's words go: its name and words at its largest block, its name alone at the others."""
    rings = parcel["rings"]
    largest = max(range(len(rings)), key=lambda i: abs(_ring_area(rings[i])))
    name = wrap_label(parcel["name"])
    return [(*_centre(ring), f"{name}<br>{parcel['text']}" if i == largest else name) for i, ring in enumerate(rings)]


def wrap_label(name: str, width: int = 8) -> str:
    """Break a parcel's name into lines for a map label: before a bracket, then into lines of equal length up
    to `width` characters (Chinese), or between words at about twice that (English)."""
    if name.isascii():
        lines, line = [], ""
        for word in name.split():
            if line and len(line) + 1 + len(word) > 2 * width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        return "<br>".join([*lines, line])
    head, bracket, tail = name.partition("(")
    step = math.ceil(len(head) / math.ceil(len(head) / width)) if head else width
    parts = [head[i : i + step] for i in range(0, len(head), step)]
    if bracket:
        parts.append(bracket + tail)
    return "<br>".join(parts)


def _map_colours(
    parcels: Sequence[Mapping], *, mode: str, labels: Mapping, unit: str, decimals: int
) -> tuple[list[str], list[tuple[str, str]]]:
    """Return each parcel's fill and the legend entries (words, colour) in order."""
    if mode == "status":
        colours = [STATUS_COLOURS.get(p.get("status") or "", NO_DATA_FILL) for p in parcels]
        shown = {p.get("status") or "" for p in parcels}
        words = labels.get("statuses") or {}
        legend = [(words.get(s, s), STATUS_COLOURS[s]) for s in STATUS_ORDER if s in shown]
    else:
        colours, legend = _value_colours(parcels, unit=unit, decimals=decimals)
    if any(c == NO_DATA_FILL for c in colours):
        legend.append((labels.get("none", ""), NO_DATA_FILL))
    return colours, legend


def _value_colours(parcels: Sequence[Mapping], *, unit: str, decimals: int) -> tuple[list[str], list[tuple[str, str]]]:
    """Return the fills of five equal classes from the smallest to the largest value, and their legend entries."""
    values = [float(p["value"]) for p in parcels if not is_missing(p.get("value"))]
    low, high = (min(values), max(values)) if values else (0.0, 0.0)
    colours = [
        NO_DATA_FILL if is_missing(p.get("value")) else VALUE_CLASSES[_value_class(p["value"], low, high)]
        for p in parcels
    ]
    n = len(VALUE_CLASSES)
    bounds = [low + (high - low) * i / n for i in range(n + 1)]
    legend = []
    for i in sorted({_value_class(v, low, high) for v in values}):
        span = f"{fmt_number(bounds[i], decimals)}–{fmt_number(bounds[i + 1], decimals)} {unit}".strip()
        legend.append((span, VALUE_CLASSES[i]))
    return colours, legend


def _value_class(value: float, low: float, high: float) -> int:
    """Return the class (0 to 4) of a value among five equal intervals from `low` to `high`."""
    if high <= low:
        return len(VALUE_CLASSES) - 1
    return min(int((float(value) - low) / (high - low) * len(VALUE_CLASSES)), len(VALUE_CLASSES) - 1)


def _outline_trace(parcel: Mapping, colour: str) -> dict:
    """Return a parcel's filled outline: its rings joined with gaps, each filled on its own."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for ring in parcel["rings"]:
        if xs:
            xs.append(None)
            ys.append(None)
        xs += [x for x, _y in ring]
        ys += [y for _x, y in ring]
    return {
        "type": "scatter",
        "mode": "lines",
        "name": f"{parcel['name']}：{parcel.get('hover') or parcel['text']}",
        "x": xs,
        "y": ys,
        "fill": "toself",
        "fillcolor": colour,
        "line": {"color": MAP_EDGE, "width": 1},
        "hoveron": "fills",
        "hoverinfo": "name",
        "showlegend": False,
    }


def _legend_entry(name: str, colour: str) -> dict:
    """Return an empty trace that only shows a colour and its meaning in the legend."""
    return {
        "type": "scatter",
        "mode": "markers",
        "name": name,
        "x": [None],
        "y": [None],
        "marker": {"symbol": "square", "size": 14, "color": colour, "line": {"color": MAP_EDGE, "width": 1}},
        "hoverinfo": "skip",
    }


def _centre(ring: Sequence[Sequence[float]]) -> tuple[float, float]:
    """Return where a block's label goes: the mean of its ring's points (the closing point once)."""
    points = list(ring[:-1]) if len(ring) > 1 and tuple(ring[0]) == tuple(ring[-1]) else list(ring)
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def _ring_area(ring: Sequence[Sequence[float]]) -> float:
    """Return a ring's signed area (the shoelace formula)."""
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in itertools.pairwise(ring)) / 2

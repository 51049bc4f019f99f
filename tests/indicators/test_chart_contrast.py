"""The charts' accessibility (issue 16): every text on a colour at 4.5:1, whole-number ticks for counts,
horizontal unit titles, one legend entry per colour; every trace type the figures use is in the
partial plotly.js bundle the pages load."""

import json

import plotly.graph_objects as go
import pytest

from indicators import charts

STATUSES = list(charts.STATUS_COLOURS)


def valid(figure: dict) -> go.Figure:
    json.dumps(figure)
    return go.Figure(figure)


@pytest.mark.parametrize(
    ("a", "b", "ratio"),
    [
        ("#ffffff", "#000000", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#ffffff", "#d55e00", 3.87),
        ("#777777", "#ffffff", 4.48),
    ],
)
def test_it_measures_contrast_as_wcag_does(a, b, ratio):
    assert charts.contrast_ratio(a, b) == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize("fill", [*charts.STATUS_COLOURS.values(), charts.NO_STATUS])
def test_it_picks_a_text_colour_of_at_least_4_5_to_1_on_every_fill(fill):
    assert charts.contrast_ratio(charts.text_colour_on(fill), fill) >= 4.5


def test_it_writes_dark_words_on_orange_where_white_measured_3_9_to_1():
    assert charts.contrast_ratio("#ffffff", charts.STATUS_COLOURS["behind"]) < 4.5
    assert charts.text_colour_on(charts.STATUS_COLOURS["behind"]) == charts.DARK_TEXT


def rows_of_every_status():
    return [
        {"name": f"地块{i}", "value": 1.0 + i, "gap": 0.1 * i, "status": status, "text": f"{i} · {status}"}
        for i, status in enumerate([*STATUSES, ""])
    ]


def test_it_colours_each_bars_words_for_its_fill():
    figure = charts.parcel_comparison(
        rows_of_every_status(), labels={"value": "各地块", "reference": "目标"}, unit="%", decimals=2
    )
    valid(figure)
    for trace in figure["data"]:
        for fill, text in zip(trace["marker"]["color"], trace["insidetextfont"]["color"], strict=True):
            assert charts.contrast_ratio(fill, text) >= 4.5
        assert charts.contrast_ratio(trace["outsidetextfont"]["color"], "#ffffff") >= 4.5


def test_it_shows_each_colour_once_in_the_bar_legend_with_its_word():
    figure = charts.parcel_comparison(
        rows_of_every_status(), labels={"value": "各地块", "reference": "目标"}, unit="%", decimals=2
    )
    names = [t["name"] for t in figure["data"]]
    assert names == [
        "提前实现",
        "快于预期",
        "基本符合预期",
        "滞后",
        "已实现",
        "未实现",
        "基准缺失",
        "数据不足",
        "各地块",
    ]
    for trace in figure["data"]:
        assert len(set(trace["marker"]["color"])) == 1  # one colour per legend entry


def test_it_names_the_bar_legend_in_english_for_english_labels():
    figure = charts.parcel_comparison(
        rows_of_every_status()[:4], labels={"value": "Parcels", "reference": "Target"}, unit="%", decimals=2
    )
    assert [t["name"] for t in figure["data"]] == ["Achieved early", "Ahead of schedule", "On schedule", "Achieved"]


def test_it_colours_each_heatmap_cells_words_for_its_fill():
    cells = [[{"status": s, "text": s} for s in STATUSES] + [{"status": "", "text": "1.0", "score": 1.0}]]
    figure = charts.status_heatmap(
        parcels=["甲"],
        indicators=[f"I{i}" for i in range(len(cells[0]))],
        indicator_names=["x"] * len(cells[0]),
        cells=cells,
        labels={"status": "状态", "score": "比重"},
    )
    valid(figure)
    for trace in figure["data"]:
        scale = trace["colorscale"]
        zmin, zmax = trace["zmin"], trace["zmax"]
        for z in (z for row in trace["z"] for z in row if z is not None):
            where = (z - zmin) / (zmax - zmin)
            below = [c for f, c in scale if f <= where]
            fill = below[-1] if trace["name"] == "状态" else None
            if fill is not None:
                assert charts.contrast_ratio(fill, trace["textfont"]["color"]) >= 4.5
        if trace["name"] == "比重":  # the grey-blue scale: both its ends
            for _f, colour in scale:
                assert charts.contrast_ratio(colour, trace["textfont"]["color"]) >= 4.5


@pytest.mark.parametrize("largest", [0, 1, 2, 3, 5, 6, 7, 13, 30, 61, 327, 800, 4321])
def test_it_steps_count_ticks_by_whole_numbers_with_at_most_six_or_seven_ticks(largest):
    step = charts.count_step(largest)
    assert isinstance(step, int) and step >= 1
    assert str(step).rstrip("0") in ("1", "2", "5")
    assert largest / step <= 6


def test_it_gives_count_trends_whole_number_ticks_and_a_horizontal_unit():
    rows = charts.trend_rows(
        years=list(range(2020, 2026)),
        actuals={2020: 1.0, 2021: 2.0, 2022: 2.0},
        kind="cumulative",
        target=5.0,
        base_year=2020,
        base_value=0.0,
        target_year=2025,
    )
    figure = charts.indicator_trend(
        rows,
        labels={"actual": "实际", "expected": "路径", "projected": "外推", "target": "目标"},
        unit="家",
        decimals=0,
        kind="cumulative",
    )
    valid(figure)
    yaxis = figure["layout"]["yaxis"]
    assert (yaxis["tickmode"], yaxis["tick0"], yaxis["dtick"]) == ("linear", 0, 1)  # never 0.5 家
    assert "title" not in yaxis  # a rotated title is hard to read in Chinese
    [unit] = figure["layout"]["annotations"]
    assert unit["text"] == "家" and unit.get("textangle", 0) == 0 and unit["yanchor"] == "bottom"


def test_it_keeps_decimal_ticks_for_ratios():
    rows = charts.trend_rows(
        years=[2020, 2021],
        actuals={2020: 1.0, 2021: 1.2},
        kind="level",
        target=1.5,
        base_year=2020,
        base_value=1.0,
        target_year=2021,
    )
    labels = {"actual": "实际", "expected": "路径", "projected": "外推", "target": "目标"}
    figure = charts.indicator_trend(rows, labels=labels, unit="%", decimals=2, kind="level")
    assert figure["layout"]["yaxis"]["tickformat"] == ",.2f" and "dtick" not in figure["layout"]["yaxis"]


def test_it_gives_count_bars_whole_number_ticks():
    rows = [{"name": "甲", "value": 3, "gap": None, "status": "", "text": "3"}]
    figure = charts.parcel_comparison(rows, labels={"value": "各地块", "reference": ""}, unit="家", decimals=0)
    assert figure["layout"]["xaxis"]["dtick"] == 1 and figure["layout"]["xaxis"]["tickformat"] == ",d"


# --- the partial plotly.js bundle ----------------------------------------------------------


def every_figure() -> list[dict]:
    """One figure of each builder the pages draw in the browser, on inputs that give every trace it has."""
    labels = {
        "actual": "实际",
        "expected": "路径",
        "projected": "外推",
        "target": "目标",
        "benchmark": "基准",
        "provisional": "（暂用{year}年基准值）",
    }
    years = list(range(2020, 2026))
    fixed = charts.trend_rows(
        years=years,
        actuals={2020: 1.0, 2021: 1.2, 2022: 1.3},
        kind="level",
        target=2.0,
        base_year=2020,
        base_value=1.0,
        projection=(0.1, 1.6),
        target_year=2025,
    )
    benchmark = charts.trend_rows(
        years=years,
        actuals={2020: 1.0, 2021: 1.2},
        kind="benchmark",
        target=None,
        base_year=2020,
        base_value=1.0,
        benchmark={2020: 2.0, 2021: 2.1},
        target_year=2025,
    )
    heat_cells = [[{"status": s, "text": s} for s in STATUSES] + [{"status": "", "text": "1", "score": 0.5}]]
    return [
        charts.sparkline(years, [1.0, 2.0, None, 3.0, None, None], name="I1"),
        charts.indicator_trend(fixed, labels=labels, unit="%", decimals=2, kind="level"),
        charts.indicator_trend(benchmark, labels=labels, unit="%", decimals=2, kind="benchmark"),
        charts.parcel_comparison(
            rows_of_every_status(), labels={"value": "各地块", "reference": "目标"}, unit="%", decimals=2, reference=2
        ),
        charts.status_heatmap(
            parcels=["甲"],
            indicators=[f"I{i}" for i in range(len(heat_cells[0]))],
            indicator_names=["x"] * len(heat_cells[0]),
            cells=heat_cells,
            labels={"status": "状态", "score": "比重"},
        ),
    ]


def test_it_draws_every_trace_type_the_charts_use_with_the_partial_bundle():
    from indicators import staticfiles

    used = {trace.get("type", "scatter") for figure in every_figure() for trace in figure["data"]}
    assert used == {"scatter", "bar", "heatmap"}  # the inputs reach every builder's traces
    _version, bundled = staticfiles.read_banner(staticfiles.BUNDLE_FILE)
    assert used <= set(charts.BROWSER_TRACE_TYPES) == bundled
    # The bundle's entry point registers those (scatter is in plotly.js's core).
    entry = (staticfiles.BUNDLE_FILE.parents[3] / "scripts" / "plotly" / "index.js").read_text()
    assert all(f"plotly.js/lib/{t}'" in entry for t in set(charts.BROWSER_TRACE_TYPES) - {"scatter"})

"""The charts' accessibility (issue 16): every text on a colour at 4.5:1, whole-number ticks for counts,
horizontal unit titles, one legend entry per colour, and the parcel map figure."""

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


@pytest.mark.parametrize(
    "fill", [*charts.STATUS_COLOURS.values(), charts.NO_STATUS, *charts.VALUE_CLASSES, charts.NO_DATA_FILL]
)
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
        years=[2020, 2021], actuals={2020: 1.0, 2021: 1.2}, kind="absolute", target=1.5, base_year=2020, base_value=1.0
    )
    labels = {"actual": "实际", "expected": "路径", "projected": "外推", "target": "目标"}
    figure = charts.indicator_trend(rows, labels=labels, unit="%", decimals=2, kind="absolute")
    assert figure["layout"]["yaxis"]["tickformat"] == ",.2f" and "dtick" not in figure["layout"]["yaxis"]


def test_it_gives_count_bars_whole_number_ticks():
    rows = [{"name": "甲", "value": 3, "gap": None, "status": "", "text": "3"}]
    figure = charts.parcel_comparison(rows, labels={"value": "各地块", "reference": ""}, unit="家", decimals=0)
    assert figure["layout"]["xaxis"]["dtick"] == 1 and figure["layout"]["xaxis"]["tickformat"] == ",d"


def test_it_draws_the_planned_path_and_the_target_on_a_sparkline():
    figure = charts.sparkline(
        [2020, 2021, 2022],
        [327.0, 400.0, 480.0],
        name="I4",
        unit="家",
        decimals=0,
        path={2020: 327.0, 2025: 800.0},
        target=(2025, 800.0),
        labels={"expected": "规划路径", "target": "目标"},
    )
    valid(figure)
    path, target, actual = figure["data"]
    assert path["x"] == [2020, 2025] and path["line"]["dash"] == "dash"
    assert (target["x"], target["y"]) == ([2025], [800.0])
    assert actual["name"] == "I4" and actual["x"] == [2020, 2021, 2022]
    assert figure["layout"]["xaxis"]["range"] == [2019.7, 2025.3]


def square(x, y, size=1.0):
    return [(x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y)]


def blend(rgba: str, under: str) -> str:
    """Return the colour of a translucent rgba(...) plate over an #rrggbb fill."""
    *rgb, alpha = (float(v) for v in rgba[rgba.index("(") + 1 : -1].split(","))
    base = [int(under.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{round(alpha * c + (1 - alpha) * b):02x}" for c, b in zip(rgb, base, strict=True))


def map_parcels():
    return [
        {
            "name": "宝山工业园区",
            "rings": [square(0, 0, 2), square(3, 0)],
            "status": "behind",
            "value": 1.0,
            "text": "滞后",
        },
        {"name": "南大地区", "rings": [square(0, 3)], "status": "ahead", "value": 3.0, "text": "快于预期"},
        {"name": "机器人产业园", "rings": [square(3, 3)], "status": "", "value": None, "text": "<3家，不予公开"},
    ]


def test_it_draws_the_map_as_a_filled_outline_per_parcel_with_labels_and_a_legend():
    figure = charts.parcel_map(
        map_parcels(), mode="status", labels={"none": "无数据"}, unit="%", decimals=2, geographic=False
    )
    valid(figure)
    types = {t["type"] for t in figure["data"]}
    assert types <= set(charts.BROWSER_TRACE_TYPES)  # the partial bundle draws it
    outlines = [t for t in figure["data"] if t.get("fill") == "toself"]
    assert [t["fillcolor"] for t in outlines] == ["#d55e00", "#009e73", charts.NO_DATA_FILL]
    assert outlines[0]["x"].count(None) == 1  # two blocks, each filled on its own
    assert outlines[0]["name"] == "宝山工业园区：滞后"  # the hover says the name and the words
    labels = figure["layout"]["annotations"]
    assert [a["text"] for a in labels] == [
        "宝山工业园区<br>滞后",
        "宝山工业园区",
        "南大地区<br>快于预期",
        "机器人产业园<br><3家，不予公开",
    ]
    # The words stand on a pale plate: readable on any fill, and where they run past a small block.
    plate = charts.LABEL_PLATE
    for fill in [*charts.STATUS_COLOURS.values(), *charts.VALUE_CLASSES, "#ffffff"]:
        assert charts.contrast_ratio(labels[0]["font"]["color"], blend(plate, fill)) >= 4.5
    legend = [t["name"] for t in figure["data"] if t.get("x") == [None]]
    assert legend == ["快于预期", "滞后", "无数据"]
    assert figure["layout"]["yaxis"]["scaleanchor"] == "x" and figure["layout"]["yaxis"]["scaleratio"] == 1


def test_it_colours_the_map_by_value_in_five_classes_with_their_ranges():
    figure = charts.parcel_map(
        map_parcels(), mode="value", labels={"none": "无数据"}, unit="%", decimals=1, geographic=True
    )
    outlines = [t for t in figure["data"] if t.get("fill") == "toself"]
    assert [t["fillcolor"] for t in outlines] == [
        charts.VALUE_CLASSES[0],
        charts.VALUE_CLASSES[-1],
        charts.NO_DATA_FILL,
    ]
    legend = [t["name"] for t in figure["data"] if t.get("x") == [None]]
    assert legend == ["1.0–1.4 %", "2.6–3.0 %", "无数据"]
    # Longitude and latitude: a kilometre as long east as north.
    assert figure["layout"]["yaxis"]["scaleratio"] > 1


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        ("宝山工业园区", ["宝山工业园区"]),
        ("北上海生物医药产业园(南区)", ["北上海生物", "医药产业园", "(南区)"]),
        ("North Shanghai Biomedical Park (South)", ["North Shanghai", "Biomedical Park", "(South)"]),
    ],
)
def test_it_wraps_long_parcel_names_on_the_map(name, lines):
    assert charts.wrap_label(name).split("<br>") == lines

"""The chart builders: pure functions from rows to Plotly figure dicts that plotly accepts."""

import json
import subprocess
import sys
from pathlib import Path

import plotly.graph_objects as go
import pytest

from indicators import charts
from tests.indicators.test_compute import imported_modules

ROOT = Path(__file__).resolve().parents[2]
LABELS = {
    "actual": "实际值",
    "expected": "规划路径",
    "projected": "趋势外推",
    "target": "2025年目标",
    "benchmark": "对标基准",
    "provisional": "（暂用{year}年基准值）",
}
YEARS = list(range(2020, 2026))


def valid(figure: dict) -> go.Figure:
    """Plotly's own validation: raises on any property it does not know."""
    json.dumps(figure)  # and the dict is plain JSON, as json_script needs
    return go.Figure(figure)


def test_it_keeps_charts_free_of_django_and_celery():
    modules = imported_modules(Path(charts.__file__))
    assert modules  # the walk sees the file's imports
    assert not modules & {"django", "celery"}
    # And nothing it imports pulls them in.
    code = "import sys, indicators.charts; print(sorted(m for m in ('django', 'celery') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_it_draws_the_straight_path_from_the_base_to_the_target():
    rows = charts.trend_rows(
        years=YEARS,
        actuals={2020: 327.0, 2021: 410.0, 2022: 500.0},
        kind="level",
        target=800.0,
        base_year=2020,
        base_value=327.0,
        projection=(86.5, 760.0),
        target_year=2025,
    )
    by_year = {r["year"]: r for r in rows}
    assert by_year[2020]["expected"] == pytest.approx(327)
    assert by_year[2023]["expected"] == pytest.approx(327 + 473 * 0.6)
    assert by_year[2025]["expected"] == pytest.approx(800)
    assert by_year[2025]["target"] == 800 and by_year[2024]["target"] is None
    # The projection runs from the last actual year to 2025.
    assert by_year[2021]["projected"] is None
    assert by_year[2022]["projected"] == pytest.approx(760 - 86.5 * 3)
    assert by_year[2025]["projected"] == pytest.approx(760)
    assert by_year[2023]["actual"] is None


def test_it_marks_the_years_a_benchmark_stands_in_for():
    rows = charts.trend_rows(
        years=YEARS,
        actuals={2020: 35.0, 2021: 36.2},
        kind="benchmark",
        target=None,
        base_year=2020,
        base_value=35.0,
        benchmark={2020: 40.0, 2023: 43.9, 2024: 43.6},
        target_year=2025,
    )
    by_year = {r["year"]: r for r in rows}
    assert (by_year[2020]["target"], by_year[2020]["provisional"]) == (40.0, False)
    assert (by_year[2022]["target"], by_year[2022]["benchmark_year"], by_year[2022]["provisional"]) == (
        40.0,
        2020,
        True,
    )
    assert (by_year[2025]["target"], by_year[2025]["benchmark_year"], by_year[2025]["provisional"]) == (
        43.6,
        2024,
        True,
    )
    # The expected value moves with the benchmark: target(y) − d0·(1 − s), d0 = 40 − 35.
    assert by_year[2023]["expected"] == pytest.approx(43.9 - 5 * 0.4)


def test_it_starts_a_cumulative_count_at_zero():
    rows = charts.trend_rows(
        years=YEARS,
        actuals={2021: 1.0},
        kind="cumulative",
        target=5.0,
        base_year=2020,
        base_value=0.0,
        target_year=2025,
    )
    assert rows[0]["actual"] == 0.0
    assert rows[-1]["expected"] == pytest.approx(5)


@pytest.mark.parametrize(
    ("kind", "benchmark", "names"),
    [
        ("level", None, ["实际值", "规划路径", "趋势外推", "2025年目标"]),
        ("benchmark", {2020: 40.0, 2024: 43.6}, ["实际值", "规划路径", "趋势外推", "对标基准"]),
        ("benchmark", {}, ["实际值"]),
    ],
)
def test_it_names_every_trend_trace_and_draws_only_what_has_points(kind, benchmark, names):
    rows = charts.trend_rows(
        years=YEARS,
        actuals={2020: 35.0, 2021: 36.0, 2022: 37.5},
        kind=kind,
        target=40.0 if kind == "level" else None,
        base_year=2020,
        base_value=35.0,
        benchmark=benchmark,
        projection=None if benchmark == {} else (1.2, 41.0),  # no benchmark: no status, no projection
        target_year=2025,
    )
    figure = charts.indicator_trend(rows, labels=LABELS, unit="%", decimals=2, kind=kind)
    valid(figure)
    assert [t["name"] for t in figure["data"]] == names
    assert figure["layout"]["template"] == charts.HOUSE_TEMPLATE
    assert "Noto Sans CJK SC" in figure["layout"]["template"]["layout"]["font"]["family"]


def test_it_draws_provisional_benchmark_years_with_open_markers():
    rows = charts.trend_rows(
        years=YEARS,
        actuals={2020: 35.0},
        kind="benchmark",
        target=None,
        base_year=2020,
        base_value=35.0,
        benchmark={2020: 40.0, 2023: 43.9},
        target_year=2025,
    )
    figure = charts.indicator_trend(rows, labels=LABELS, unit="%", decimals=2, kind="benchmark")
    benchmark = figure["data"][-1]
    assert benchmark["marker"]["symbol"] == [
        "circle",
        "circle-open",
        "circle-open",
        "circle",
        "circle-open",
        "circle-open",
    ]
    assert benchmark["customdata"][1] == "（暂用2020年基准值）"


def test_it_puts_the_parcel_furthest_behind_on_top():
    rows = [
        {"name": "甲", "value": 5.5, "gap": 0.5, "status": "behind", "text": "5.50 · 滞后"},
        {"name": "乙", "value": 6.5, "gap": -0.5, "status": "achieved_early", "text": "6.50 · 提前实现"},
        {"name": "丙", "value": 4.0, "gap": 2.0, "status": "behind", "text": "4.00 · 滞后"},
    ]
    figure = charts.parcel_comparison(
        rows, labels={"value": "各地块", "reference": "目标值"}, unit="%", decimals=2, reference=6.0
    )
    valid(figure)
    early, behind, line = figure["data"]
    # Plotly draws the first category at the bottom: the last is on top.
    assert figure["layout"]["yaxis"]["categoryarray"] == ["乙", "甲", "丙"]
    # One trace per status, named by its word: the legend shows each colour once with its meaning.
    assert (early["name"], early["y"]) == ("提前实现", ["乙"])
    assert (behind["name"], behind["y"]) == ("滞后", ["甲", "丙"])
    assert behind["marker"]["color"] == ["#d55e00", "#d55e00"]
    assert behind["text"][-1] == "4.00 · 滞后"  # the colour always comes with the word
    assert line["name"] == "目标值" and line["x"] == [6.0, 6.0]


def test_it_shows_shares_of_the_change_in_percent_smallest_on_top():
    rows = [
        {"name": "甲", "value": 0.5, "gap": None, "status": "", "text": "50.0%"},
        {"name": "乙", "value": 0.1, "gap": None, "status": "", "text": "10.0%"},
        {"name": "丙", "value": None, "gap": None, "status": "", "text": ""},
    ]
    figure = charts.parcel_comparison(
        rows, labels={"value": "占比", "reference": ""}, unit="家", decimals=0, share=True
    )
    valid(figure)
    assert len(figure["data"]) == 1  # no reference line, and one trace: no status
    assert figure["data"][0]["name"] == "占比"
    assert figure["data"][0]["y"] == ["甲", "乙"]
    assert figure["data"][0]["x"] == [50.0, 10.0]


def test_it_colours_the_heatmap_by_status_with_the_word_in_each_cell():
    cells = [
        [{"status": "behind", "text": "滞后"}, {"status": "", "text": "占增量12.0%", "score": 0.12}],
        [{"status": "ahead", "text": "快于预期"}, {"status": "", "text": "<3家，不予公开", "score": None}],
    ]
    figure = charts.status_heatmap(
        parcels=["甲", "乙"],
        indicators=["I1", "I4"],
        indicator_names=["研发", "高企"],
        cells=cells,
        labels={"status": "进度状态", "score": "占比"},
    )
    valid(figure)
    status, score = figure["data"]
    order = charts.STATUS_ORDER
    assert status["z"] == [[order.index("behind"), None], [order.index("ahead"), None]]
    assert status["text"] == [["滞后", ""], ["快于预期", ""]]
    assert score["z"] == [[None, 0.12], [None, 0.0]]
    assert score["text"] == [["", "占增量12.0%"], ["", "<3家，不予公开"]]
    # Each status falls in its own colour band.
    lo, hi = status["zmin"], status["zmax"]
    for code in ("behind", "ahead"):
        where = (order.index(code) - lo) / (hi - lo)
        band = [c for f, c in status["colorscale"] if f <= where][-1]
        assert band == charts.STATUS_COLOURS[code]


def test_it_leaves_out_a_heatmap_trace_with_no_cells():
    cells = [[{"status": "", "text": "1.00", "score": 0.5}]]
    figure = charts.status_heatmap(
        parcels=["甲"],
        indicators=["I1"],
        indicator_names=["研发"],
        cells=cells,
        labels={"status": "状态", "score": "占比"},
    )
    assert [t["name"] for t in figure["data"]] == ["占比"]


def test_it_draws_a_sparkline_without_axes_or_gaps():
    figure = charts.sparkline([2020, 2021, 2022], [1.0, None, 3.0], name="I1")
    valid(figure)
    assert figure["data"][0]["x"] == [2020, 2022]
    assert figure["layout"]["xaxis"]["visible"] is False
    assert figure["config"] == {"staticPlot": True}

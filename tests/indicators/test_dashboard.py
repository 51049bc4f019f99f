"""The dashboard's building blocks without pages: periods, table cells, the reason in words, the shared columns."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from indicators import compute, exports, queries
from indicators.compute import ACHIEVED, AHEAD, BEHIND, BENCHMARK_MISSING, INSUFFICIENT_DATA, ON_TRACK
from indicators.dashboard import reasons
from indicators.dashboard.periods import Period
from indicators.dashboard.tables import Column, Table, Withheld, sort_key
from tests.indicators import plan14
from tests.indicators.test_compute import FORMULA_RECORDS, RECORD_COLUMNS, imported_modules

HIDDEN = Withheld("few")

ROOT = Path(__file__).resolve().parents[2]
PLAN = SimpleNamespace(base_year=2020, end_year=2025)


# --- periods --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "judged", "last_annual_year", "query"),
    [
        (Period(2024), True, 2024, "?year=2024"),
        (Period(2020), False, 2020, "?year=2020"),  # the base year: nothing to judge yet
        (Period(2024, 3), False, 2023, "?year=2024&quarter=3"),  # a quarter: compared, not judged
        (Period(None), False, 2020, ""),  # no data at all
    ],
)
def test_it_judges_only_whole_years_after_the_base_year(period, judged, last_annual_year, query):
    assert period.judged(PLAN) is judged
    assert period.last_annual_year(PLAN) == last_annual_year
    assert period.query == query


# --- table cells ----------------------------------------------------------------------


def test_it_sorts_withheld_and_missing_cells_where_they_are_told():
    cells = [3.0, None, HIDDEN, float("nan"), -1.0]
    assert sorted(cells, key=sort_key) == [-1.0, 3.0, None, HIDDEN, cells[3]]
    assert sort_key(HIDDEN, missing=-math.inf) == -math.inf


def test_it_formats_each_kind_of_cell_and_marks_the_numbers():
    table = Table(
        "t",
        "title",
        [Column("name", "地块"), Column("value", "数值", "number", 1), Column("share", "比重", "percent")],
        [{"name": "甲", "value": 1234.56, "share": 0.5}, {"name": "乙", "value": HIDDEN, "share": None}],
    )
    assert table.display == [
        [("甲", False), ("1,234.6", True), ("50.0%", True)],
        [("乙", False), ("不予公开（不足3家企业）", True), ("—", True)],
    ]


# --- the reason for a status -----------------------------------------------------------


def progress(status: str, **fields) -> SimpleNamespace:
    """Return a stored progress row of I2 in 2023 as progress_reason reads it."""
    row = {
        "year": 2023,
        "status": status,
        "value": 60.0,
        "target": 100.0,
        "base_year": 2020,
        "base_value": 40.0,
        "pace": None,
        "provisional": False,
        "benchmark_year": None,
        "projected": None,
        "projected_gap": None,
        "inputs": {"base_source": "plan"},
    }
    return SimpleNamespace(**{**row, **fields})


def reason(row: SimpleNamespace) -> str:
    return reasons.progress_reason(
        row, unit="件/万人", decimals=2, target_year=2025, benchmark_name="张江示范区平均水平"
    )


def test_it_asks_for_the_benchmark_or_names_the_missing_figure():
    assert reason(progress(BENCHMARK_MISSING)).startswith("尚无张江示范区平均水平的数值")
    missing = progress(INSUFFICIENT_DATA, inputs={"missing": "base_value"})
    assert reason(missing) == "缺少基期数值，无法判定进度（数据不足）。"
    assert reason(progress("")) == ""


def test_it_explains_a_pace_from_the_stored_inputs():
    inputs = {
        "base_source": "plan",
        "base_distance": 60.0,
        "distance": 40.0,
        "progress_share": 1 / 3,
        "elapsed_share": 0.6,
        "thresholds": {"ahead": 1.1, "on_track": 0.9},
    }
    text = reason(progress(BEHIND, pace=0.5556, inputs=inputs, projected=75.0, projected_gap=25.0))
    assert text.startswith(
        "2023年实际值为60.00 件/万人，目标值为100.00 件/万人；基期（2020年，规划所载数值）为40.00 件/万人。"
    )
    assert (
        "已完成应缩小差距的33.3%；规划期已过60%，进度比为0.56（≥1.10为快于预期，≥0.90为基本符合预期），判定为“滞后”。"
        in text
    )
    assert text.endswith("2025年预计为75.00 件/万人，预计距目标尚差25.00 件/万人。")


@pytest.mark.parametrize(
    ("status", "fields", "words"),
    [
        (ACHIEVED, {"year": 2025}, "目标年实际值已达到目标，判定为“已实现”。"),
        (AHEAD, {"inputs": {"base_distance": -5.0, "distance": 3.0}}, "基期已达到目标，但当年未达到（差距3.00）"),
        (ON_TRACK, {"benchmark_year": 2021, "provisional": True}, "对标基准暂用2021年基准值（2023年基准值尚未录入）。"),
    ],
)
def test_it_says_why_for_every_kind_of_status(status, fields, words):
    assert words in reason(progress(status, **fields))


def test_it_keeps_the_reasons_free_of_django():
    assert not imported_modules(Path(reasons.__file__)) & {"django", "celery"}
    code = (
        "import sys, indicators.dashboard.reasons; print(sorted(m for m in ('django', 'celery') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- one list of columns -----------------------------------------------------------------


def test_it_takes_every_list_of_value_and_progress_columns_from_compute():
    assert [*compute.VALUE_COLUMNS, compute.MISSING, "withheld", "previous_withheld", "computed_at"] == (
        queries.VALUE_FRAME_COLUMNS
    )
    assert [*compute.PROGRESS_COLUMNS, "withheld", "projection_withheld", "computed_at"] == (
        queries.PROGRESS_FRAME_COLUMNS
    )
    # The exports' headers, as export_indicator_values and export_progress have always written them.
    assert exports.VALUE_COLUMNS == [
        "indicator",
        "parcel",
        "year",
        "quarter",
        "value",
        "numerator",
        "denominator",
        "enterprises",
    ]
    assert exports.PROGRESS_COLUMNS == [
        "indicator",
        "parcel",
        "year",
        "value",
        "target",
        "target_kind",
        "benchmark_year",
        "provisional",
        "base_year",
        "base_value",
        "expected",
        "completion",
        "pace",
        "status",
        "gap",
        "needed_per_year",
        "projected",
        "projected_gap",
    ]


def test_it_inserts_and_leaves_out_progress_columns():
    columns = compute.progress_columns(after={"status": ("status_zh", "status_en")}, without=("inputs",))
    at = columns.index("status")
    assert columns[at : at + 4] == ["status", "status_zh", "status_en", "gap"]
    assert "inputs" not in columns and columns[-1] == "share_of_change"


# --- a return's preview -------------------------------------------------------------------


def test_it_previews_a_parcels_values_from_its_records_alone():
    records = pd.DataFrame(FORMULA_RECORDS, columns=RECORD_COLUMNS)
    values = compute.parcel_values(records, plan14.SPECS, plan14.TERMS, parcel_id=1)
    assert values["I2"] == pytest.approx(80.0) and values["I8"] == pytest.approx(8.0) and values["I4"] == 2.0
    empty = compute.parcel_values(records.iloc[0:0], plan14.SPECS, plan14.TERMS, parcel_id=1)
    assert empty == dict.fromkeys(plan14.CODES)

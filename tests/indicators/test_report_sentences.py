"""The report's sentences: numbers in, the Chinese (and English) a reader gets out. No database."""

import ast
from pathlib import Path

import pytest

from indicators.reports import changes, sentences
from indicators.reports.content import default_kind
from indicators.reports.sentences import Drag, Measure


def measure(**fields) -> Measure:
    base = {
        "year": 2023,
        "name": "高新技术企业",
        "unit": "家",
        "decimals": 0,
        "is_count": True,
        "kind": "absolute",
        "value": 611.0,
        "target": 800.0,
        "completion": 611 / 800,
        "status": "on_track",
        "gap": 189.0,
        "needed_per_year": 94.5,
    }
    return Measure(**{**base, **fields})


@pytest.mark.parametrize(
    ("fields", "language", "expected"),
    [
        ({}, "zh", "2023年高新技术企业达到611家，完成目标的76.4%，进度基本符合预期，2024—2025年每年需新增95家。"),
        (
            {"year": 2024, "value": 700.0, "completion": 0.875, "status": "behind", "needed_per_year": 100.0},
            "zh",
            "2024年高新技术企业达到700家，完成目标的87.5%，进度滞后，2025年需新增100家。",
        ),
        (
            {"value": 820.0, "completion": 1.025, "status": "achieved_early", "needed_per_year": 0.0},
            "zh",
            "2023年高新技术企业达到820家，完成目标的102.5%，已提前实现2025年目标。",
        ),
        (
            {"year": 2025, "value": 760.0, "completion": 0.95, "status": "not_achieved", "gap": 40.0},
            "zh",
            "2025年高新技术企业达到760家，完成目标的95.0%，未实现2025年目标，尚差40家。",
        ),
        (
            {
                "name": "硕士以上从业人员占比",
                "unit": "%",
                "decimals": 2,
                "is_count": False,
                "value": 5.146,
                "target": 6.0,
                "completion": 5.146 / 6,
                "status": "behind",
                "needed_per_year": 0.427,
            },
            "zh",
            "2023年硕士以上从业人员占比为5.15%，完成目标的85.8%，进度滞后，2024—2025年每年需提高0.43个百分点。",
        ),
        (
            {
                "name": "战略性新兴产业制造业产值占规模以上工业产值的比重",
                "unit": "%",
                "decimals": 2,
                "is_count": False,
                "kind": "benchmark",
                "year": 2022,
                "value": 37.5,
                "target": 40.0,
                "completion": 0.9375,
                "status": "ahead",
                "needed_per_year": 0.8333,
                "benchmark_year": 2020,
                "provisional": True,
            },
            "zh",
            "2022年战略性新兴产业制造业产值占规模以上工业产值的比重为37.50%，"
            "相当于对标基准值（40.00%，暂用2020年基准值）的93.8%，进度快于预期，2023—2025年每年需提高0.83个百分点。",
        ),
        (
            {"status": "benchmark_missing", "target": None, "completion": None, "name": "研发投入"},
            "zh",
            "2023年研发投入达到611家，对标基准缺失，暂无法评价进度。",
        ),
        ({"value": None}, "zh", "2023年高新技术企业暂无数据，无法评价进度。"),
        (
            {"name": "high-tech enterprises", "unit": "enterprises"},
            "en",
            "In 2023, high-tech enterprises reached 611 enterprises; 76.4% of the target; on schedule; "
            "95 enterprises more needed each year in 2024–2025.",
        ),
    ],
)
def test_it_says_what_an_indicators_numbers_mean(fields, language, expected):
    assert sentences.indicator_sentence(measure(**fields), language) == expected


@pytest.mark.parametrize(
    ("counts", "total", "language", "expected"),
    [
        (
            {"achieved": 2, "not_achieved": 5, "benchmark_missing": 1},
            8,
            "zh",
            "8项指标中：已实现2项、未实现5项、基准缺失1项。",
        ),
        ({"behind": 3, "ahead": 1, "on_track": 4}, 8, "zh", "8项指标中：快于预期1项、基本符合预期4项、滞后3项。"),
        ({}, 8, "zh", "8项指标中：均暂无评价。"),
        ({"behind": 1, "ahead": 7}, 8, "en", "Of 8 indicators: ahead of schedule 7, behind 1."),
    ],
)
def test_it_counts_the_indicators_in_each_status(counts, total, language, expected):
    assert sentences.summary_sentence(counts, total, language) == expected


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # Judged parcels: the lowest completion among those behind.
        (
            [
                {"name": "甲", "completion": 0.9, "status": "behind", "change": 1},
                {"name": "乙", "completion": 0.4, "status": "behind", "change": 1},
                {"name": "丙", "completion": 1.2, "status": "achieved_early", "change": 1},
                {"name": "丁", "completion": 0.6, "status": "behind", "change": 1},
            ],
            [Drag("乙", completion=0.4), Drag("丁", completion=0.6)],
        ),
        # Count indicators without a split target: the smallest change, below the average.
        (
            [
                {"name": "甲", "completion": None, "status": "", "change": 10.0},
                {"name": "乙", "completion": None, "status": "", "change": -3.0},
                {"name": "丙", "completion": None, "status": "", "change": 0.0},
            ],
            [Drag("乙", change=-3.0), Drag("丙", change=0.0)],
        ),
        ([{"name": "甲", "completion": None, "status": "", "change": None}], []),
        ([{"name": "甲", "completion": 1.1, "status": "ahead", "change": 2}], []),
    ],
)
def test_it_picks_the_parcels_that_hold_an_indicator_back(rows, expected):
    assert sentences.pick_drags(rows) == expected


def test_it_names_the_parcels_holding_an_indicator_back():
    drags = [Drag("南大地区", change=-3.0), Drag("机器人产业园", change=2.0)]
    text = sentences.holding_back_sentence("经认定的高新技术企业", drags, unit="家", base_year=2020)
    assert text == "经认定的高新技术企业：主要受南大地区（较2020年减少3家）、机器人产业园（较2020年仅增加2家）拖累。"
    drags = [Drag("南大地区", completion=0.474)]
    assert (
        sentences.holding_back_sentence("硕士以上从业人员占比", drags, unit="%", base_year=2020)
        == "硕士以上从业人员占比：主要受南大地区（完成目标的47.4%）拖累。"
    )


@pytest.mark.parametrize(("year", "kind"), [(2021, "annual"), (2022, "annual"), (2023, "mid-term"), (2025, "final")])
def test_it_derives_the_kind_of_report_from_the_year(year, kind):
    assert default_kind(year) == kind


def snapshot(version, value, status, benchmark=43.9):
    return {
        "year": 2023,
        "data_version": version,
        "data_as_of": "2026-01-02T03:04:05+08:00",
        "indicators": [
            {
                "code": "I4",
                "name_zh": "经认定的高新技术企业",
                "name_en": "high-tech",
                "decimals": 0,
                "park": [{"year": 2023, "value": value, "target": 800.0, "status": status}],
                "benchmarks": [{"year": 2023, "value": benchmark}],
            }
        ],
    }


def test_it_says_what_changed_since_the_previous_report():
    diff = changes.compare(snapshot(17, 611.0, "on_track"), snapshot(18, 650.0, "ahead", 44.1))
    text = sentences.change_sentences(diff)
    assert text[0] == "数据版本由17（数据截至2026-01-02 03:04）更新为18（数据截至2026-01-02 03:04）。"
    assert "经认定的高新技术企业：当年实际由611变为650，评价由“基本符合预期”变为“快于预期”。" in text
    assert text[-1] == "经认定的高新技术企业2023年对标基准值由43.90变为44.10。"
    same = changes.compare(snapshot(17, 611.0, "on_track"), snapshot(17, 611.0, "on_track"))
    assert sentences.change_sentences(same) == ["数据版本未变（17）。", "各指标当年实际值和评价均无变化。"]
    assert sentences.change_sentences(changes.compare(None, snapshot(17, 611.0, "on_track")))[0].startswith("此为")


def test_it_keeps_the_sentences_and_figures_free_of_django():
    root = Path(__file__).resolve().parents[2] / "indicators" / "reports"
    for name in ("sentences.py", "changes.py", "content.py", "figures.py"):
        tree = ast.parse((root / name).read_text())
        imported = {
            (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        }
        assert not {m for m in imported if m.startswith(("django", "celery"))}, name

"""The report's sentences: numbers in, the Chinese (and English) a reader gets out. No database."""

import ast
from pathlib import Path

import pytest

from indicators.reports import changes, sentences
from indicators.reports.content import default_kind
from indicators.reports.sentences import Measure, ParcelFact


def measure(**fields) -> Measure:
    base = {
        "year": 2023,
        "name": "高新技术企业",
        "unit": "家",
        "decimals": 0,
        "is_count": True,
        "kind": "level",
        "value": 611.0,
        "target": 800.0,
        "completion": 611 / 800,
        "status": "on_track",
        "gap": 189.0,
        "needed_per_year": 94.5,
        "target_year": 2025,
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


def fact(name, *, change=None, completion=None, status="", share=None, value=1.0) -> ParcelFact:
    return ParcelFact(name=name, value=value, change=change, completion=completion, status=status, share=share)


def test_it_counts_the_judged_parcels_and_names_the_lowest_among_those_behind():
    facts = [
        fact("甲", completion=0.9, status="behind"),
        fact("乙", completion=0.4, status="behind"),
        fact("丙", completion=1.2, status="achieved_early"),
        fact("丁", completion=0.6, status="behind"),
    ]
    text = sentences.judged_parcels_sentence(facts, split=False, base_year=2020)
    assert text == (
        "分地块看（各地块以自身2020年数值为基期、对照园区目标评价），提前实现1个、滞后3个。"
        "滞后的地块中完成目标比例最低的是乙（40.0%）和丁（60.0%）。"
    )


def test_it_names_every_parcel_tied_with_the_last_one_named_never_picking_by_name():
    facts = [
        fact("丙", completion=0.5, status="not_achieved"),
        fact("甲", completion=0.7, status="not_achieved"),
        fact("乙", completion=0.7001, status="not_achieved"),  # prints as 70.0% too
        fact("丁", completion=0.9, status="not_achieved"),
    ]
    text = sentences.judged_parcels_sentence(facts, split=False, base_year=2020)
    assert text.endswith("未实现的地块中完成目标比例最低的是丙（50.0%）、甲（70.0%）和乙（70.0%）。")
    many = [fact(n, completion=0.5, status="behind") for n in "甲乙丙丁戊"]
    text = sentences.judged_parcels_sentence(many, split=False, base_year=2020)
    assert text.endswith("完成目标比例最低的5个地块同为50.0%。")


def test_it_describes_a_count_without_split_targets_by_shares_never_blaming_a_parcel():
    facts = [
        fact("甲", change=30, share=0.6),
        fact("乙", change=20, share=0.4),
        fact("丙", change=0, share=0.0),
        fact("丁", change=0, share=0.0),
        fact("戊", change=0, share=0.0),
        fact("己", change=-2, share=-0.04),
    ]
    text = sentences.unsplit_parcels_sentence(facts, unit="家", base_year=2020)
    assert text == (
        "园区目标未分解到地块，不评价各地块进度。2020年以来园区增量中占比最高的是甲（60.0%）和乙（40.0%）；"
        "丙、丁和戊与2020年持平；较2020年，己减少2家。"
    )
    assert "拖累" not in text
    ties = [fact(n, change=0, share=0.0) for n in "甲乙丙丁"] + [fact("戊", change=5, share=1.0)]
    text = sentences.unsplit_parcels_sentence(ties, unit="家", base_year=2020)
    assert "4个地块与2020年持平" in text  # four ties are counted, none picked


def test_it_never_projects_the_target_year():
    final = measure(year=2025, value=730.0, completion=0.9125, status="not_achieved", gap=70.0)
    assert sentences.projection_sentence(final, projected=738.2, projected_gap=61.8, base_year=2020) == ""
    annual = measure()
    text = sentences.projection_sentence(annual, projected=782.4, projected_gap=17.6, base_year=2020)
    assert text == "按2020年以来的趋势推算，2025年预计约为782家，低于目标。"


@pytest.mark.parametrize(("year", "kind"), [(2021, "annual"), (2022, "annual"), (2023, "mid-term"), (2025, "final")])
def test_it_derives_the_kind_of_report_from_the_year(year, kind):
    assert default_kind(year, start_year=2021, end_year=2025) == kind


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
    assert sentences.change_sentences(same) == [
        "数据版本未变（17）。",
        "各指标当年实际值、评价和原因分析、下一步措施均无变化。",
    ]
    assert sentences.change_sentences(changes.compare(None, snapshot(17, 611.0, "on_track")))[0].startswith("此为")


def test_it_keeps_the_sentences_and_figures_free_of_django():
    root = Path(__file__).resolve().parents[2] / "indicators" / "reports"
    for name in ("sentences.py", "changes.py", "content.py", "figures.py", "tables.py", "appendix.py"):
        tree = ast.parse((root / name).read_text())
        imported = {
            (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        }
        assert not {m for m in imported if m.startswith(("django", "celery"))}, name

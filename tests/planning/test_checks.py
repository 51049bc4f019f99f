"""The plan check (indicators.planning.checks, pure): what is missing or wrong, error or warning."""

from __future__ import annotations

from dataclasses import replace

import pytest

from indicators.planning import checks

KINDS = {"employees": "stock", "invention_patents": "flow", "old_count": "stock", "high_tech": "flag"}
GOOD = checks.IndicatorFacts(
    code="N1",
    name="万人发明专利",
    kind="level",
    target_value=100.0,
    target_year=2030,
    formula="10000 * sum(invention_patents) / sum(employees)",
    computed_base=80.0,
    responsible_unit="科委",
)
PLAN = checks.PlanFacts(code="p", start_year=2026, end_year=2030, base_year=2025, parcels=("bs",), indicators=(GOOD,))


def messages(plan, retired=None):
    return [(p.level, p.indicator, p.message) for p in checks.problems(plan, KINDS, retired or {})]


def test_it_finds_nothing_in_a_complete_plan():
    assert messages(PLAN) == []


@pytest.mark.parametrize(
    ("change", "level", "words"),
    [
        ({"target_value": None}, checks.ERROR, "没有目标值"),
        ({"computed_base": None}, checks.ERROR, "目标没有基期值：2025年既无规划公布的基期值"),
        ({"formula": "sum(employees"}, checks.ERROR, "第1行第14列"),
        ({"formula": "sum(robots)"}, checks.ERROR, "没有统计指标项“robots”"),
        ({"formula": "sum(old_count)"}, checks.ERROR, "已停用的统计指标项“old_count”（最后填报 2027年第4季度）"),
        ({"target_year": 2031}, checks.ERROR, "目标年 2031 不在规划期 2026—2030 年内"),
        ({"split_parcels": ("bs",)}, checks.ERROR, "比率类指标不能分解到地块"),
        ({"kind": "benchmark", "target_value": None}, checks.WARNING, "对标目标尚无规划期内的对标基准值"),
        ({"responsible_unit": ""}, checks.WARNING, "未填写责任单位"),
    ],
)
def test_it_names_each_problem_of_an_indicator(change, level, words):
    found = messages(replace(PLAN, indicators=(replace(GOOD, **change),)), retired={"old_count": 20274})
    assert any(lv == level and code == "N1" and words in text for lv, code, text in found), found


def test_a_published_base_value_is_a_base_even_when_the_records_give_none():
    indicator = replace(GOOD, computed_base=None, published_base=True)
    assert messages(replace(PLAN, indicators=(indicator,))) == []


def test_an_element_retired_after_the_plan_ends_is_no_problem():
    assert messages(PLAN, retired={"invention_patents": 20304}) == []


@pytest.mark.parametrize(
    ("change", "level", "words"),
    [
        ({"parcels": ()}, checks.ERROR, "规划未选择覆盖地块"),
        ({"indicators": ()}, checks.ERROR, "规划还没有指标"),
        ({"end_year": 2031}, checks.WARNING, "规划期 2026—2031 年不是五年"),
        ({"base_year": 2024}, checks.WARNING, "基期年 2024 不是规划起始年的前一年（2025）"),
        ({"overlapping": ("fyp-15",)}, checks.WARNING, "规划期与已发布的规划 fyp-15 重叠"),
    ],
)
def test_it_names_each_problem_of_the_plan(change, level, words):
    found = messages(replace(PLAN, **change))
    assert any(lv == level and code == "" and words in text for lv, code, text in found), found

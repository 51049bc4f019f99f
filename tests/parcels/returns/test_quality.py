"""The data-quality score of a return: table-driven, no database (parcels.returns.quality is pure)."""

from __future__ import annotations

import datetime as dt

import pytest

from parcels import statfields
from parcels.returns import quality
from parcels.returns.quality import QualityInput, modified_z, rule_breaks, score_return

DEADLINE = dt.date(2026, 7, 20)
FIGURES = {
    "revenue": 1000.0,
    "industrial_output": 800.0,
    "above_scale": True,
    "sei_output": 300.0,
    "value_added": 200.0,
    "rd_expenditure": 50.0,
    "tax": 30.0,
    "employees": 100,
    "masters_plus": 10,
    "foreign_returnee": 2,
    "invention_patents": 1,
    "high_tech": False,
    "listed_date": None,
}


def row(code: str, **values) -> dict:
    return {"credit_code": code, "enterprise_name": f"企业{code}", "moved_out": False, **FIGURES, **values}


FLOWS = {"revenue", "industrial_output", "sei_output", "value_added", "rd_expenditure", "tax"}


def year_to_date(quarter: int, **values) -> dict:
    """The figures of a quarter as returns hold them: flows year-to-date (the same amount every quarter)."""
    return {k: v * quarter if k in FLOWS else v for k, v in {**FIGURES, **values}.items()}


def steady_history(code: str, quarters: int = 9) -> dict:
    """An enterprise's earlier official figures, ``quarters`` of them, steady quarter after quarter."""
    history = {}
    year, quarter = 2026, 2
    for _i in range(quarters):
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        history[(year, quarter)] = year_to_date(quarter)
    return {code: history}


def given(rows, *, expected=None, history=None, submitted=DEADLINE, today=DEADLINE, imported=False):
    return QualityInput(
        year=2026,
        quarter=2,
        rows=rows,
        expected=expected if expected is not None else {r["credit_code"]: r["enterprise_name"] for r in rows},
        history=history or {},
        deadline=DEADLINE,
        today=today,
        submitted=submitted,
        imported=imported,
        elements=statfields.BUILT_IN,
    )


UNTOUCHED = {"credit_code": "B", "enterprise_name": "企业B"}
NOT_APPLICABLE = row("A", industrial_output=None, not_applicable=["industrial_output"])


@pytest.mark.parametrize(
    ("case", "rows", "expected", "completeness", "reason"),
    [
        ("every expected enterprise, every cell", [row("A"), row("B")], None, 100, None),
        ("one of four expected missing", [row("A"), row("B"), row("C")], "ABCD", 87.5, "1 家应报企业未报送：企业D"),
        ("moved out counts as accounted for", [row("A"), {**row("B"), "moved_out": True}], "AB", 100, None),
        ("two blank cells of 24", [row("A", tax=None), row("B", employees=None)], None, 100 * (1 + 22 / 24) / 2,
         "2 个必填项未填写"),
        ("不适用 is filled", [NOT_APPLICABLE], None, 100, None),
        ("an untouched row is not reported", [row("A"), UNTOUCHED], "AB", 100 * (0.5 + 0.5) / 2,
         "1 家应报企业未报送：企业B"),
        ("nothing expected yet", [row("A")], "", 100, None),
    ],
)  # fmt: skip
def test_it_scores_completeness(case, rows, expected, completeness, reason):
    names = {code: f"企业{code}" for code in expected} if expected is not None else None
    score = score_return(given(rows, expected=names))
    assert score.parts["completeness"] == pytest.approx(completeness)
    assert (reason is None) == (not any("未报送" in r or "未填写" in r for r in score.reasons))
    if reason:
        assert any(r.startswith(reason) for r in score.reasons), score.reasons


@pytest.mark.parametrize(
    ("submitted", "today", "imported", "timeliness", "reason"),
    [
        (DEADLINE, DEADLINE, False, 100, None),
        (DEADLINE - dt.timedelta(days=3), DEADLINE, False, 100, None),
        (DEADLINE + dt.timedelta(days=5), DEADLINE + dt.timedelta(days=30), False, 75, "逾期 5 天提交"),
        (None, DEADLINE + dt.timedelta(days=10), False, 50, "已逾期 10 天，尚未提交"),
        (None, DEADLINE + dt.timedelta(days=40), False, 0, "已逾期 40 天，尚未提交"),
        (None, DEADLINE - dt.timedelta(days=2), False, 100, None),  # not due yet
        (None, DEADLINE + dt.timedelta(days=40), True, None, None),  # imported: no deadline to keep
    ],
)
def test_it_scores_timeliness(submitted, today, imported, timeliness, reason):
    score = score_return(given([row("A")], submitted=submitted, today=today, imported=imported))
    assert score.parts["timeliness"] == timeliness
    assert (reason in score.reasons) if reason else not any("逾期" in r for r in score.reasons)


@pytest.mark.parametrize(
    ("value", "history", "z"),
    [
        (10.0, [10.0, 10.0, 10.0], None),  # too short a history
        (0.0, [0.0, 0.0, 0.0, 0.0], None),  # no spread to judge by
        (100.0, [100.0, 102.0, 98.0, 101.0, 99.0], 0.0),
        (130.0, [100.0, 102.0, 98.0, 101.0, 99.0], 0.6745 * 30 / 5),  # the spread's floor: 5% of the median
        (110.0, [100.0, 110.0, 90.0, 120.0, 80.0], 0.6745 * 10 / 10),
    ],
)
def test_it_computes_the_modified_z_score(value, history, z):
    assert modified_z(value, history) == (pytest.approx(z) if z is not None else None)


TEN_TIMES = "「营业收入(万元)」与其近8个季度相比异常"
JUMP = "「从业人员期末人数(人)」同比变化+300%"
LAST_YEAR_ONLY = {"A": {(2025, 2): year_to_date(2)}}


@pytest.mark.parametrize(
    ("case", "current", "history", "flagged", "words"),
    [
        ("steady", {}, steady_history("A"), False, None),
        ("revenue ten times its quarters", {"revenue": 1000.0 + 10000.0}, steady_history("A"), True, TEN_TIMES),
        ("far, but not a meaningful amount", {"tax": 30.0 + 200.0}, steady_history("A"), False, None),
        ("too short a history, no last year", {"revenue": 11000.0}, steady_history("A", quarters=3), False, None),
        ("a jump on last year's same quarter", {"employees": 400}, LAST_YEAR_ONLY, True, JUMP),
        ("a small jump is no question", {"employees": 140}, LAST_YEAR_ONLY, False, None),
    ],
)
def test_it_finds_values_out_of_line_with_the_enterprises_own_history(case, current, history, flagged, words):
    score = score_return(given([{**row("A"), **year_to_date(2), **current}], history=history))
    assert (score.parts["outliers"] == 0) is flagged
    if words:
        assert any(words in r for r in score.reasons), score.reasons


@pytest.mark.parametrize(
    ("values", "broken"),
    [
        ({}, []),
        ({"rd_expenditure": 2000.0}, ["「研发经费支出(万元)」（2,000.00）大于「营业收入(万元)」（1,000.00）"]),
        ({"masters_plus": 120}, ["「硕士及以上学历从业人员(人)」（120）大于「从业人员期末人数(人)」（100）"]),
        ({"industrial_output": 0.0, "sei_output": 0.0}, ["规模以上工业企业的工业总产值为0"]),
        ({"rd_expenditure": 2000.0, "revenue": None}, []),  # a missing figure breaks no rule
        ({"tax": 1001.0}, ["「税收(万元)」（1,001.00）大于「营业收入(万元)」（1,000.00）"]),
    ],
)
def test_it_checks_the_cross_field_rules(values, broken):
    assert rule_breaks(row("A", **values)) == broken


def test_it_weighs_the_parts_and_leaves_out_those_that_do_not_apply():
    rows = [row("A"), row("B", rd_expenditure=5000.0), row("C"), row("D")]
    late = given(rows, submitted=DEADLINE + dt.timedelta(days=10))
    imported = given(rows, imported=True)

    score, without_timeliness = score_return(late), score_return(imported)

    assert score.parts == {"completeness": 100, "timeliness": 50, "outliers": 100, "consistency": 75}
    assert score.total == round(0.4 * 100 + 0.2 * 50 + 0.2 * 100 + 0.2 * 75)
    assert without_timeliness.total == round((0.4 * 100 + 0.2 * 100 + 0.2 * 75) / 0.8)


def test_an_untouched_return_is_judged_on_completeness_and_timeliness_only():
    blank = {"credit_code": "A", "enterprise_name": "甲"}
    score = score_return(given([blank], today=DEADLINE + dt.timedelta(days=5), submitted=None))
    assert score.parts["outliers"] is None and score.parts["consistency"] is None
    assert score.parts["completeness"] == 0 and score.total == round((0.4 * 0 + 0.2 * 75) / 0.6)


def test_the_weights_add_up_to_one():
    assert sum(quality.WEIGHTS.values()) == pytest.approx(1)

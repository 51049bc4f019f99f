"""The hard and soft rules of a quarterly return, table-driven, without a database."""

from decimal import Decimal

import pytest

from parcels import statfields
from parcels.returns.validation import ERROR, WARNING, Context, check_return
from parkplan import creditcode
from tests.factories import FILLED

CODE = creditcode.make_code("91310113000000001")
OTHER = creditcode.make_code("91310113000000002")
PARCEL, ELSEWHERE = 1, 2

BASE = {"credit_code": CODE, "enterprise_name": "上海测试科技有限公司", **FILLED, "explanation": ""}
LAST_YEAR = {
    "revenue": Decimal(900),
    "industrial_output": Decimal(700),
    "sei_output": Decimal(250),
    "value_added": Decimal(180),
    "rd_expenditure": Decimal(45),
    "tax": Decimal(28),
    "employees": 95,
    "masters_plus": 9,
    "foreign_returnee": 2,
    "invention_patents": 1,
}
PREVIOUS_QUARTER = {**LAST_YEAR, "revenue": Decimal(600), "invention_patents": 1}


def context(**overrides):
    fields = {
        "parcel_id": PARCEL,
        "year": 2024,
        "quarter": 3,
        "previous_quarter": {CODE: PREVIOUS_QUARTER},
        "last_year": {CODE: LAST_YEAR},
        "enterprise_parcels": {CODE: PARCEL},
    }
    return Context(**{**fields, **overrides}, elements=statfields.BUILT_IN)


def rules(findings):
    return {(f.field, f.rule, f.severity) for f in findings}


def test_it_finds_nothing_wrong_in_a_plausible_row():
    assert check_return([BASE], context()).findings == []


@pytest.mark.parametrize(
    ("changes", "ctx", "expected"),
    [
        ({"revenue": "-5"}, {}, ("revenue", "non_negative", ERROR)),
        ({"employees": "一百"}, {}, ("employees", "number_format", ERROR)),
        ({"tax": "1.234"}, {}, ("tax", "number_format", ERROR)),
        ({"masters_plus": "101"}, {}, ("masters_plus", "masters_within_employees", ERROR)),
        ({"foreign_returnee": "150"}, {}, ("foreign_returnee", "foreign_within_employees", ERROR)),
        ({"sei_output": "900"}, {}, ("sei_output", "sei_within_output", ERROR)),
        ({"revenue": "599"}, {}, ("revenue", "ytd_not_decreasing", ERROR)),
        ({"credit_code": CODE[:17] + ("0" if CODE[17] != "0" else "1")}, {}, ("credit_code", "credit_code", ERROR)),
        ({"credit_code": "12345"}, {}, ("credit_code", "credit_code", ERROR)),
        ({}, {"enterprise_parcels": {CODE: ELSEWHERE}}, ("credit_code", "enterprise_parcel", ERROR)),
        ({"enterprise_name": " "}, {}, ("enterprise_name", "enterprise_name", ERROR)),
        ({"revenue": "5000"}, {}, ("revenue", "yoy_change", WARNING)),
        ({"employees": "300", "masters_plus": "10"}, {}, ("employees", "yoy_change", WARNING)),
        ({"rd_expenditure": "1200"}, {}, ("rd_expenditure", "rd_above_revenue", WARNING)),
        (
            {"industrial_output": "0", "sei_output": "0"},
            {},
            ("industrial_output", "above_scale_without_output", WARNING),
        ),
    ],
)
def test_it_applies_each_rule(changes, ctx, expected):
    findings = check_return([{**BASE, **changes}], context(**ctx)).findings
    assert expected in rules(findings)
    finding = next(f for f in findings if (f.field, f.rule, f.severity) == expected)
    assert finding.row == 1 and finding.credit_code and finding.message
    assert "第1行" in str(finding)


@pytest.mark.parametrize(
    ("changes", "ctx"),
    [
        # Quarter 1 starts a new year-to-date: no comparison with the previous quarter.
        ({"revenue": "599"}, {"quarter": 1, "previous_quarter": {}}),
        # A 50% change of a small amount is not worth a question.
        ({"invention_patents": "3"}, {}),
        # A large change in share but small in amount.
        ({"foreign_returnee": "5"}, {}),
        # Unknown enterprises (new in the park) may be added.
        ({"credit_code": OTHER}, {"enterprise_parcels": {}}),
        # An enterprise that moved out of its old parcel (no parcel now) may be added.
        ({}, {"enterprise_parcels": {CODE: None}}),
        # No record last year: nothing to compare with.
        ({"revenue": "50000"}, {"last_year": {}}),
    ],
)
def test_it_does_not_flag_what_is_fine(changes, ctx):
    assert check_return([{**BASE, **changes}], context(**ctx)).findings == []


def test_it_refuses_the_same_enterprise_twice():
    findings = check_return([BASE, BASE], context()).findings
    assert [(f.row, f.rule) for f in findings] == [(2, "duplicate_enterprise")]


def test_it_only_checks_the_code_of_a_row_moved_out():
    checked = check_return([{**BASE, "revenue": "-1", "moved_out": True}], context())
    assert checked.findings == []
    assert checked.rows[0].moved_out


def test_it_asks_for_an_explanation_of_warnings_only_where_missing():
    row = {**BASE, "revenue": "5000"}
    assert len(check_return([row], context()).unexplained()) == 1
    explained = check_return([{**row, "explanation": "新增大额订单"}], context())
    assert explained.warnings and explained.unexplained() == []


def test_it_returns_typed_values():
    checked = check_return([BASE], context())
    values = checked.rows[0].values
    assert values["revenue"] == Decimal("1000.00") and values["employees"] == 100
    assert values["above_scale"] is True and values["listed_date"] is None


def test_it_imports_no_django():
    import ast
    from pathlib import Path

    import parcels.returns.validation as module

    tree = ast.parse(Path(module.__file__).read_text())
    names = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    names |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not any(name.startswith("django") for name in names)

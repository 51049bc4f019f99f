"""The return table's rows: what the manager sees and posts, escaped, labelled, disabled when locked."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from parcels import statfields
from parcels.returns import validation
from parcels.returns.table import render_rows

CODE = "91310113000518530R"


def finding(field, severity, message="不能大于「从业人员期末人数」", row=1):
    return validation.Finding(row, CODE, "甲公司", field, "500", "rule", severity, message)


def test_it_escapes_everything_a_user_typed():
    hostile = '"><script>alert(1)</script>'
    rows = [
        {"credit_code": CODE, "enterprise_name": hostile, "revenue": hostile, "explanation": "</textarea>" + hostile}
    ]
    html = render_rows(
        rows, [finding("revenue", validation.ERROR, message=hostile)], {}, elements=statfields.BUILT_IN, editable=True
    )
    assert "<script>" not in html and html.count("</textarea>") == 1
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert html.count("&lt;script&gt;") == 5  # hidden name, shown name, revenue, explanation, message


def test_it_names_every_input_as_the_form_posts_it_and_labels_it_by_column_and_enterprise():
    rows = [{"credit_code": CODE, "enterprise_name": "甲公司", "revenue": Decimal("12.5"), "above_scale": True}]
    html = render_rows(
        rows, [], {CODE: {"revenue": Decimal(10), "above_scale": False}}, elements=statfields.BUILT_IN, editable=True
    )
    names = re.findall(r'name="(r-0-[a-z_]+)"', html)
    assert names == [
        "r-0-credit_code",
        "r-0-enterprise_name",
        *(f"r-0-{f.name}" for f in statfields.BUILT_IN.fields),
        "r-0-explanation",
        "r-0-moved_out",
    ]
    assert 'id="n-0">甲公司<' in html
    for f in statfields.BUILT_IN.fields:
        assert f'aria-labelledby="c-{f.name} n-0"' in html
    assert 'name="r-0-revenue" value="12.5" data-field="revenue"' in html
    flag = html.split('name="r-0-above_scale"')[1].split("</select>")[0]
    assert '<option value="是" selected>是</option>' in flag and "不适用" in flag  # 不适用 may apply here
    high_tech = html.split('name="r-0-high_tech"')[1].split("</select>")[0]
    assert '<option value="" selected>—</option>' in high_tech and "不适用" not in high_tech  # blank: 未填写
    assert '<small class="prev" title="上期">10.00</small>' in html and ">否</small>" in html
    assert f'href="/returns/enterprises/{CODE}/history/"' in html


def test_it_shows_not_applicable_and_blank_cells_apart_from_zero():
    rows = [
        {
            "credit_code": CODE,
            "enterprise_name": "甲公司",
            "revenue": Decimal(0),
            "industrial_output": None,
            "not_applicable": ["industrial_output"],
            "tax": None,
        }
    ]
    html = render_rows(rows, [], {}, elements=statfields.BUILT_IN, editable=True)
    assert 'name="r-0-revenue" value="0"' in html
    assert 'name="r-0-industrial_output" value="不适用"' in html
    assert 'name="r-0-tax" value=""' in html


@pytest.mark.parametrize(
    ("severities", "cell_class", "needs_explanation"),
    [
        ([], 'class="cell"', False),
        ([validation.WARNING], 'class="cell cell-warning"', True),
        ([validation.WARNING, validation.ERROR], 'class="cell cell-error"', True),
    ],
)
def test_it_marks_the_cells_with_findings(severities, cell_class, needs_explanation):
    rows = [{"credit_code": CODE, "enterprise_name": "甲公司"}]
    findings = [finding("masters_plus", s) for s in severities]
    html = render_rows(rows, findings, {}, elements=statfields.BUILT_IN, editable=True)
    cell = html.split('name="r-0-masters_plus"')[0].rsplit("<td", 1)[1]
    assert cell_class in cell
    assert ("needs-explanation" in html) is needs_explanation
    assert html.count('class="cell-msg') == len(severities)


@pytest.mark.parametrize(("editable", "disabled"), [(True, 0), (False, 15)])
def test_it_disables_every_input_of_a_return_that_may_not_be_changed(editable, disabled):
    rows = [{"credit_code": CODE, "enterprise_name": "甲公司", "moved_out": True}]
    html = render_rows(rows, [], {}, elements=statfields.BUILT_IN, editable=editable)
    assert html.count(" disabled") == disabled  # 13 fields, the explanation, moved out; not the hidden inputs
    assert 'class="moved-out"' in html


@pytest.mark.parametrize(
    ("field", "typed", "shown"),
    [
        # A number typed as 1 and sent back with the page (a refused or warned submission) stays 1.
        ("invention_patents", "1", "1"),
        ("revenue", "1", "1"),
        # A yes/no field's "1" reads 是.
        ("high_tech", "1", "是"),
        ("high_tech", "否", "否"),
    ],
)
def test_a_typed_value_comes_back_as_typed_and_only_a_flags_1_reads_yes(field, typed, shown):
    html = render_rows([{"credit_code": CODE, field: typed}], [], {}, elements=statfields.BUILT_IN, editable=True)
    cell = re.search(rf'<(?:input|select)[^>]*data-field="{field}"[^>]*>(?:.*?</select>)?', html, flags=re.S).group(0)
    assert f'value="{shown}"' in cell if cell.startswith("<input") else re.search(rf'value="{shown}"\s+selected', cell)

"""The one field-change builder: the office's review of a return and the conflict of two savers."""

from __future__ import annotations

from decimal import Decimal

from parcels import statfields
from parcels.returns.diff import conflict_changes, field_changes, review_changes
from parcels.returns.validation import CheckedRow

CODE = "91310113000518530R"
OFFICIAL = {
    "revenue": Decimal("1000.00"),
    "industrial_output": Decimal("800.00"),
    "above_scale": True,
    "sei_output": Decimal("300.00"),
    "value_added": Decimal("200.00"),
    "rd_expenditure": Decimal("50.00"),
    "tax": Decimal("30.00"),
    "employees": 1200,
    "masters_plus": 10,
    "foreign_returnee": 2,
    "invention_patents": 1,
    "high_tech": False,
    "listed_date": None,
}


def checked(code=CODE, *, moved_out=False, **values):
    return CheckedRow(1, code, "甲公司", {**OFFICIAL, **values}, moved_out=moved_out)


def test_it_lists_only_the_fields_that_differ_in_reading_format():
    changes = field_changes(
        OFFICIAL, {**OFFICIAL, "revenue": Decimal("1234.50"), "high_tech": True}, elements=statfields.BUILT_IN
    )
    assert changes == [
        {"label": "营业收入(万元)", "before": "1,000.00", "after": "1,234.50"},
        {"label": "是否经认定的高新技术企业", "before": "否", "after": "是"},
    ]


def test_it_lists_every_field_of_an_enterprise_new_to_the_data():
    changes = field_changes(None, OFFICIAL, elements=statfields.BUILT_IN)
    assert [c["label"] for c in changes] == [f.label for f in statfields.BUILT_IN.fields]
    assert {c["before"] for c in changes} == {"—"}
    assert changes[7] == {"label": "从业人员期末人数(人)", "before": "—", "after": "1,200"}


def test_it_sorts_a_returns_rows_into_new_changed_and_moved_out_and_leaves_the_same_out():
    other = "91310113MA1GL1234X"
    rows = [checked(), checked(tax=Decimal("31.00")), checked(other), checked(moved_out=True)]
    changes = review_changes(rows, {CODE: OFFICIAL}, elements=statfields.BUILT_IN)
    assert [(c["kind"], len(c["fields"])) for c in changes] == [
        ("changed", 1),
        ("new", len(statfields.BUILT_IN.fields)),
        ("moved_out", 0),
    ]
    assert changes[0]["fields"] == [{"label": "税收(万元)", "before": "30.00", "after": "31.00"}]


def test_it_compares_a_conflict_as_typed_and_shows_the_stored_value_beside_it():
    stored = [{"credit_code": CODE, "enterprise_name": "甲公司", **OFFICIAL}]
    posted = [
        {"credit_code": CODE.lower(), "revenue": "3000", "employees": "1200", "above_scale": "是", "tax": "30.00"},
        {"credit_code": "91310113MA1GL1234X", "revenue": "1"},  # not stored: no conflict to show
    ]
    differences = conflict_changes(posted, stored, elements=statfields.BUILT_IN)
    shown = {d["label"]: (d["before"], d["after"]) for d in differences}
    assert all(d["enterprise"] == "甲公司" for d in differences)
    assert shown["营业收入(万元)"] == ("1,000.00", "3000")
    assert shown["工业总产值(万元)"] == ("800.00", "—")  # left blank in the form
    assert "从业人员期末人数(人)" not in shown and "是否规模以上工业企业" not in shown and "税收(万元)" not in shown

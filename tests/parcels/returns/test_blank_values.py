"""Blank is 未填写, not 0: an untouched return is not checked, a blank required cell says so when submitting."""

from __future__ import annotations

from decimal import Decimal

import pytest

from parcels import access, statfields
from parcels.models import ParcelReturn, Statistic
from parcels.returns import services as return_services
from parcels.returns.validation import Context, check_return
from parkplan import creditcode
from tests.factories import FILLED, filled_row, make_enterprise, make_parcel, make_statistic, make_user

CODE = creditcode.make_code("91310113000000001")
YEAR, QUARTER = 2026, 3


def row(**values) -> dict:
    return {"credit_code": CODE, "enterprise_name": "上海测试科技有限公司", **values}


def full(**values) -> dict:
    return row(**{**FILLED, **values})


WITHIN = "masters_within_employees"
CONTEXT = Context(parcel_id=1, year=YEAR, quarter=QUARTER, enterprise_parcels={CODE: 1}, elements=statfields.BUILT_IN)
LAST_YEAR = {CODE: {"revenue": Decimal(900), "employees": 95, "tax": Decimal(28)}}


@pytest.mark.parametrize(
    ("case", "values", "complete", "found"),
    [
        ("untouched, drafting", {}, False, []),
        ("untouched, submitting", {}, True, [("", "row_not_filled")]),
        ("blank employees: no knock-on rule", {"masters_plus": "5"}, False, []),
        ("0 employees is a value", {"masters_plus": "5", "employees": "0"}, False, [("masters_plus", WITHIN)]),
        ("不适用 where a field may not apply", {"industrial_output": "不适用", "sei_output": "N/A"}, False, []),
        ("不适用 where it may not", {"revenue": "不适用"}, False, [("revenue", "number_format")]),
        ("a blank flag is not 否", {"revenue": "1"}, True, None),
    ],
)  # fmt: skip
def test_it_reads_blank_as_not_filled_and_checks_only_what_someone_typed(case, values, complete, found):
    checked = check_return([row(**values)], CONTEXT, complete=complete)
    if found is None:  # every other required cell is 未填写, the flags among them
        assert {f.field for f in checked.errors if f.rule == "not_filled"} >= {"above_scale", "high_tech", "tax"}
        return
    assert [(f.field, f.rule) for f in checked.findings] == found


def test_an_untouched_return_with_last_years_figures_has_no_findings():
    context = Context(
        parcel_id=1,
        year=YEAR,
        quarter=QUARTER,
        last_year=LAST_YEAR,
        enterprise_parcels={CODE: 1},
        elements=statfields.BUILT_IN,
    )
    assert check_return([row()], context).findings == []  # not "值“0.00” … -100%"


def test_a_submission_names_every_blank_required_cell_by_row_and_column():
    checked = check_return([full(tax="", employees="", listed_date="")], CONTEXT, complete=True)
    assert [str(f) for f in checked.errors] == [
        "第1行（上海测试科技有限公司）「税收(万元)」：未填写",
        "第1行（上海测试科技有限公司）「从业人员期末人数(人)」：未填写",
    ]  # the listing date is optional; the masters' rule waits for the employees


@pytest.fixture
def parcel(client):
    parcel = make_parcel()
    manager = make_user("m", role=access.MANAGER, parcels=(parcel,))
    enterprises = [make_enterprise(parcel=parcel) for _ in range(3)]
    for e in enterprises:  # last year's figures: blanks must not read as a 100% fall
        make_statistic(enterprise=e, year=YEAR - 1, quarter=QUARTER, revenue=Decimal(5000), employees=80)
    client.force_login(manager)
    return {"parcel": parcel, "manager": manager, "enterprises": enterprises}


@pytest.mark.django_db
def test_a_new_quarters_page_opens_without_findings(client, parcel):
    html = client.get(f"/returns/{parcel['parcel'].id}/{YEAR}/{QUARTER}/").content.decode()
    assert "异常值" not in html and "cell-error" not in html and "cell-warning" not in html
    assert 'name="r-0-revenue" value=""' in html  # blank, not 0


@pytest.mark.django_db
def test_a_draft_keeps_blanks_and_the_submission_asks_for_them(client, parcel):
    p, e = parcel["parcel"], parcel["enterprises"]
    rows = [
        filled_row(e[0], tax=""),
        filled_row(e[1], industrial_output="不适用", sei_output="不适用"),
        filled_row(e[2]),
    ]
    ret, _checked = return_services.save_return(
        parcel=p, year=YEAR, quarter=QUARTER, rows=rows, version=0, user=parcel["manager"]
    )
    stored = {r.credit_code: r for r in ret.rows.all()}
    assert stored[e[0].credit_code].tax is None  # 未填写, not 0
    assert stored[e[1].credit_code].industrial_output is None
    assert stored[e[1].credit_code].not_applicable == ["industrial_output", "sei_output"]

    with pytest.raises(return_services.ReturnInvalid) as refused:
        return_services.save_return(
            parcel=p, year=YEAR, quarter=QUARTER, rows=rows, version=ret.version, user=parcel["manager"], submit=True
        )
    assert [(f.row, f.field, f.message) for f in refused.value.checked.errors] == [(1, "tax", "未填写")]
    assert ParcelReturn.objects.get().state == ParcelReturn.State.DRAFT

    page = client.get(f"/returns/{p.id}/{YEAR}/{QUARTER}/").content.decode()
    assert 'value="不适用"' in page  # shown back as typed


@pytest.mark.django_db
def test_an_approved_not_applicable_is_no_value_in_the_official_data(parcel):
    p, e = parcel["parcel"], parcel["enterprises"]
    office = make_user("o", role=access.OFFICE)
    rows = [
        filled_row(x, industrial_output="不适用", sei_output="不适用", above_scale="不适用", explanation="转型服务业")
        for x in e
    ]
    ret, _ = return_services.save_return(
        parcel=p, year=YEAR, quarter=QUARTER, rows=rows, version=0, user=parcel["manager"], submit=True
    )
    return_services.approve_return(parcel_return=ret, user=office)
    stored = Statistic.objects.filter(parcel=p, year=YEAR, quarter=QUARTER)
    assert stored.count() == 3
    assert set(stored.values_list("industrial_output", "sei_output", "above_scale")) == {(None, None, None)}


@pytest.mark.django_db
def test_the_api_keeps_blank_and_not_applicable_apart(parcel):
    from rest_framework.test import APIClient

    p, e = parcel["parcel"], parcel["enterprises"]
    api = APIClient()
    api.force_authenticate(parcel["manager"])
    rows = [filled_row(e[0], industrial_output="不适用", sei_output="N/A", tax=None)]
    body = {"parcel": p.code, "year": YEAR, "quarter": QUARTER, "version": 0, "rows": rows}

    saved = api.post("/api/v1/returns/", body, format="json").json()

    [row] = saved["rows"]
    assert (row["industrial_output"], row["tax"], row["revenue"]) == (None, None, "1000.00")
    assert row["not_applicable"] == ["industrial_output", "sei_output"]  # 不适用; the blank tax is 未填写
    body |= {"version": saved["version"], "submit": True}
    refused = api.post("/api/v1/returns/", body, format="json")
    assert refused.status_code == 400
    assert [(f["field"], f["message"]) for f in refused.json()["findings"]] == [("tax", "未填写")]

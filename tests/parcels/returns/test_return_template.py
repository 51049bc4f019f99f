"""The template on the return page: the expected enterprises, the return's values, last period's beside them."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import openpyxl
import pytest

from parcels import access, queries, statfields
from parcels.imports import read_statistics_file
from parcels.models import ParcelReturn
from parcels.returns import services as return_services
from parcels.returns.template_xlsx import DATA_SHEET, EXPLANATION_LABEL, reference_label
from tests.factories import filled_row, make_enterprise, make_parcel, make_statistic, make_user

pytestmark = pytest.mark.django_db
YEAR, QUARTER = 2026, 2


@pytest.fixture
def draft(client):
    """A draft with every kind of cell: values, 0, blanks, 不适用, flags, dates, explanations, a moved-out row."""
    parcel = make_parcel(code="template-park", name_zh="模板测试地块")
    manager = make_user("m", role=access.MANAGER, parcels=(parcel,))
    e = [make_enterprise(parcel=parcel, name=f"模板企业{i}有限公司") for i in range(6)]
    make_statistic(enterprise=e[0], year=YEAR, quarter=QUARTER - 1, revenue=Decimal("880.25"), employees=90)
    rows = [
        filled_row(e[0], revenue="1234.56", listed_date="2021-06-18", high_tech="是", explanation="并购"),
        filled_row(e[1], revenue="0", industrial_output="不适用", sei_output="N/A", above_scale="不适用"),
        filled_row(e[2], tax="", invention_patents="", masters_plus="0"),  # blanks: 未填写
        {"credit_code": e[3].credit_code, "enterprise_name": e[3].name},  # untouched
        {**filled_row(e[4]), "moved_out": True},
    ]
    ret, _ = return_services.save_return(parcel=parcel, year=YEAR, quarter=QUARTER, rows=rows, version=0, user=manager)
    client.force_login(manager)
    return {"parcel": parcel, "ret": ret, "enterprises": e, "url": f"/returns/{parcel.id}/{YEAR}/{QUARTER}/"}


def download(client, d) -> bytes:
    response = client.get(d["url"] + "template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response.content


def upload(client, d, data: bytes, mode="merge"):
    file = io.BytesIO(data)
    file.name = "模板.xlsx"
    return client.post(d["url"] + "upload/", {"file": file, "mode": mode})


def test_it_prefills_the_expected_enterprises_the_values_and_last_periods_beside(client, draft):
    sheet = openpyxl.load_workbook(io.BytesIO(download(client, draft)))[DATA_SHEET]
    header = [cell.value for cell in sheet[1]]
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)}
    e = draft["enterprises"]

    # The return's rows, then the expected enterprise it lacks; not the one moved out.
    assert list(rows) == [e[0].credit_code, e[1].credit_code, e[2].credit_code, e[3].credit_code, e[5].credit_code]
    first = rows[e[0].credit_code]
    assert first["营业收入(万元)"] == 1234.56 and first[EXPLANATION_LABEL] == "并购"
    assert first[reference_label("营业收入(万元)")] == 880.25  # last quarter's, for reference
    assert first[reference_label("从业人员期末人数(人)")] == 90
    assert rows[e[1].credit_code]["工业总产值(万元)"] == "不适用" and rows[e[1].credit_code]["营业收入(万元)"] == 0
    assert rows[e[2].credit_code]["税收(万元)"] is None  # blank stays blank, never 0
    assert all(
        value is None
        for key, value in rows[e[5].credit_code].items()
        if key in dict(statfields.BUILT_IN.columns[5:]).values()
    )


def test_it_reads_the_template_back_as_the_returns_rows_value_for_value(client, draft):
    parsed = read_statistics_file(io.BytesIO(download(client, draft)), "模板.xlsx")
    assert parsed.ok, parsed.errors
    stored = {row["credit_code"]: row for row in queries.return_rows(draft["ret"]) if not row["moved_out"]}

    for row in parsed.rows:
        if row.credit_code not in stored:
            assert not any(v is not None for v in row.values.values())  # the expected enterprise, blank
            continue
        mine = stored[row.credit_code]
        assert row.values == {f.name: mine[f.name] for f in statfields.BUILT_IN.fields}
        assert sorted(row.not_applicable) == sorted(mine["not_applicable"])
        assert row.explanation == mine["explanation"]
        assert row.enterprise_name == mine["enterprise_name"]


def test_it_changes_nothing_when_the_template_is_uploaded_back(client, draft):
    before = queries.return_rows(draft["ret"])
    version = draft["ret"].version
    data = download(client, draft)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[DATA_SHEET]
    column = [cell.value for cell in sheet[1]].index(reference_label("营业收入(万元)")) + 1
    sheet.cell(row=2, column=column, value=999999)  # a reference column: not read
    changed_reference = io.BytesIO()
    book.save(changed_reference)

    for file in (data, changed_reference.getvalue()):
        response = upload(client, draft, file)
        assert response.status_code == 302, response.content.decode()[:2000]
        page = client.get(response["Location"]).content.decode()
        assert re.search(r'data-count="new">新增企业 <strong>0</strong>', page)
        assert re.search(r'data-count="changed">修改 <strong>0</strong>', page)
        assert re.search(r'data-count="unchanged">不变 <strong>4</strong>', page)  # the moved-out row is kept
        assert "不会保存任何修改" in page
        message = client.post(response["Location"], follow=True).content.decode()
        assert "没有需要保存的修改" in message

    ret = ParcelReturn.objects.get(pk=draft["ret"].pk)
    assert ret.version == version and queries.return_rows(ret) == before


def test_it_offers_the_template_to_the_office_and_refuses_another_parcels_manager(client, draft):
    client.force_login(make_user("o", role=access.OFFICE))
    assert client.get(draft["url"] + "template.xlsx").status_code == 200
    client.force_login(make_user("x", role=access.MANAGER, parcels=(make_parcel(),)))
    assert client.get(draft["url"] + "template.xlsx").status_code == 404


def test_it_writes_a_new_returns_template_from_the_parcels_enterprises(client, draft):
    parcel = draft["parcel"]
    url = f"/returns/{parcel.id}/2026/3/template.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url).content))[DATA_SHEET]
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(codes) == sorted(e.credit_code for e in parcel.enterprises.all())
    rows = list(sheet.iter_rows(min_row=2, max_col=len(statfields.BUILT_IN.columns), values_only=True))
    assert {row[4] for row in rows} == {3}
    assert all(value is None for row in rows for value in row[5:])  # a new quarter: nothing filled yet

"""Data elements (统计指标项) as data: added in the admin, in the next form, template, upload, check, approval and API.

The thirteen fields of the plan's template are the first thirteen elements
(a data migration, tested on a database holding the demo data); an element
added later lives in ``extra`` as text PostgreSQL casts back exactly.
"""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from parcels import access, demo, queries, statfields
from parcels.imports import StatisticRow
from parcels.models import DataElement, ImportBatch, ParcelReturn, ReturnRow, Statistic
from parcels.returns import services as return_services
from parcels.services import upsert_statistics
from parkplan import numbers
from tests.factories import filled_row, make_element, make_enterprise, make_parcel, make_statistic, make_user

YEAR, QUARTER = 2027, 1
BEFORE_ELEMENTS = ("parcels", "0007_blank_values")


# --- where an added element's figure is kept ----------------------------------------------------


def element(kind=statfields.FLOW, decimals=2, **options) -> statfields.StatField:
    return statfields.StatField("green_output", "绿色产值", "Green output", kind, decimals=decimals, **options)


@pytest.mark.parametrize(
    ("kind", "decimals", "value", "kept"),
    [
        pytest.param(statfields.FLOW, 2, Decimal("1234.5"), "1234.50", id="money: two places"),
        pytest.param(statfields.STOCK, 0, 12, "12", id="a count"),
        pytest.param(statfields.FLOW, 4, Decimal("0.1250"), "0.1250", id="four places"),
        pytest.param(statfields.STOCK, 1, Decimal("-3.5"), "-3.5", id="negative"),
        pytest.param(statfields.FLAG, 0, True, True, id="是"),
        pytest.param(statfields.FLAG, 0, False, False, id="否"),
        pytest.param(statfields.DATE, 0, date(2026, 1, 5), "2026-01-05", id="a date"),
    ],
)
def test_it_keeps_an_added_elements_figure_in_extra_and_reads_it_back(kind, decimals, value, kept):
    field = element(kind, decimals)
    row = SimpleNamespace(extra={"other": "1"})

    statfields.set_figure(row, field, value)

    assert row.extra == {"other": "1", "green_output": kept}
    assert statfields.figure(row, field) == value
    assert statfields.figure({"extra": row.extra}, field) == value  # a values() row reads the same
    statfields.set_figure(row, field, None)
    assert row.extra == {"other": "1"}  # a missing figure has no key
    assert statfields.figure(row, field) is None


def test_it_reads_and_writes_a_built_in_element_in_its_column():
    revenue = statfields.BUILT_IN.by_name["revenue"]
    row = SimpleNamespace(revenue=None, extra={})
    statfields.set_figure(row, revenue, Decimal("5.00"))
    assert row.revenue == Decimal("5.00") and row.extra == {}
    assert statfields.figure(row, revenue) == Decimal("5.00")


@pytest.mark.django_db
def test_it_stores_added_figures_that_sql_casts_back_exactly():
    money = make_element("green_output", decimals=2)
    flag = make_element("green_certified", kind=DataElement.Kind.FLAG, decimals=0, unit="", min_value=None)
    day = make_element("green_since", kind=DataElement.Kind.DATE, decimals=0, unit="", min_value=None)
    stat = make_statistic()
    for stored, value in ((money, Decimal("1234.5")), (flag, True), (day, date(2026, 3, 5))):
        statfields.set_figure(stat, queries.stat_field(stored), value)
    stat.save()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (extra->>'green_output')::numeric, (extra->>'green_certified')::boolean, "
            "(extra->>'green_since')::date FROM parcels_statistic WHERE id = %s",
            [stat.pk],
        )
        assert cursor.fetchone() == (Decimal("1234.50"), True, date(2026, 3, 5))
        # The same through the expressions a formula's SQL is built from, a built-in column beside them.
        elements = queries.data_elements()
        names = ("revenue", "green_output", "green_certified", "green_since")
        columns = ", ".join(statfields.sql_value(elements.by_name[name]) for name in names)
        cursor.execute(f"SELECT {columns} FROM parcels_statistic AS s WHERE s.id = %s", [stat.pk])
        assert cursor.fetchone() == (stat.revenue, Decimal("1234.50"), True, date(2026, 3, 5))


# --- reading a cell: the element's decimals and range -----------------------------------------


@pytest.mark.parametrize(
    ("options", "cell", "expected"),
    [
        pytest.param({"decimals": 0, "min_value": Decimal(0)}, "12", 12, id="whole"),
        pytest.param({"decimals": 0, "min_value": Decimal(0)}, "12.5", "应为整数", id="whole: no places"),
        pytest.param({"decimals": 2, "min_value": Decimal(0)}, "1,234.5", Decimal("1234.50"), id="two places"),
        pytest.param({"decimals": 2, "min_value": Decimal(0)}, "1.255", "最多保留两位小数", id="two places at most"),
        pytest.param({"decimals": 3}, "1.2345", "最多保留3位小数", id="three places at most"),
        pytest.param({"decimals": 4}, "0.1234", Decimal("0.1234"), id="four places"),
        pytest.param({"decimals": 2, "min_value": Decimal(0)}, "-1", "不能为负数", id="at least 0"),
        pytest.param({"decimals": 1}, "-1.5", Decimal("-1.5"), id="no lower bound: negative"),
        pytest.param({"decimals": 0, "min_value": Decimal(-10)}, "-11", "不能小于-10", id="below the minimum"),
        pytest.param({"decimals": 0, "min_value": Decimal(1)}, "0", "不能小于1", id="below a positive minimum"),
        pytest.param({"decimals": 2, "max_value": Decimal(100)}, "100", Decimal("100.00"), id="the maximum itself"),
        pytest.param({"decimals": 2, "max_value": Decimal("100.0000")}, "100.01", "不能大于100", id="above it"),
        pytest.param({"decimals": 2}, "", None, id="blank: 未填写"),
    ],
)
def test_it_reads_a_cell_by_the_elements_decimals_and_range(options, cell, expected):
    field = element(**options)
    if isinstance(expected, str):
        with pytest.raises(numbers.BadValue, match=f"^{re.escape(expected)}$"):
            statfields.read_cell(field, cell)
    else:
        assert statfields.read_cell(field, cell) == (expected, False)


@pytest.mark.parametrize(
    ("first", "last", "in_use"),
    [
        (None, None, [True, True, True]),
        (20271, None, [False, True, True]),
        (None, 20271, [True, True, False]),
        (20271, 20271, [False, True, False]),
    ],
)
def test_it_tells_the_quarters_an_element_is_collected_in(first, last, in_use):
    field = element(first_period=first, last_period=last)
    elements = statfields.Elements([statfields.BUILT_IN.by_name["revenue"], field])
    quarters = [(2026, 4), (2027, 1), (2027, 2)]
    assert [field.in_use(*q) for q in quarters] == in_use
    assert ["green_output" in elements.in_use(*q) for q in quarters] == in_use
    assert all("revenue" in elements.in_use(*q) for q in quarters)


# --- the thirteen: a migration that keeps every figure -----------------------------------------


def _write_demo_data(old_apps) -> dict:
    """Write demo statistics (some figures missing) and a return with 不适用 marks with the models before the elements.

    Return what was written: {(credit code, year, quarter): figures} and the return's rows.
    """
    parcel_model, enterprise_model = (
        old_apps.get_model("parcels", "Parcel"),
        old_apps.get_model("parcels", "Enterprise"),
    )
    statistic_model = old_apps.get_model("parcels", "Statistic")
    parcels = [
        parcel_model.objects.create(code=f"m{i}", name_zh=f"迁移地块{i}", name_en=f"P{i}", area_km2=1, order=900 + i)
        for i in range(3)
    ]
    companies, rows = demo.build(enterprises=40, seed=11, parcel_ids=[p.id for p in parcels])
    ids = {}
    for company in companies:
        made = enterprise_model.objects.create(
            credit_code=company["credit_code"], name=company["name"], parcel_id=company["parcel"]
        )
        ids[company["credit_code"]] = made.id
    written = {}
    for n, row in enumerate(rows):
        figures = {name: row[name] for name in statfields.BUILT_IN.names}
        if n % 7 == 0:
            figures |= {"industrial_output": None, "sei_output": None, "masters_plus": None}  # 未填写 / 不适用
        written[(row["credit_code"], row["year"], row["quarter"])] = figures
        statistic_model.objects.create(
            enterprise_id=ids[row["credit_code"]],
            parcel_id=row["parcel"],
            year=row["year"],
            quarter=row["quarter"],
            source="demo",
            **figures,
        )
    parcel_return = old_apps.get_model("parcels", "ParcelReturn").objects.create(
        parcel=parcels[0], year=2025, quarter=4, state="draft"
    )
    return_row = {"revenue": Decimal("12.50"), "industrial_output": None, "employees": 7, "high_tech": True}
    old_apps.get_model("parcels", "ReturnRow").objects.create(
        parcel_return=parcel_return,
        position=1,
        credit_code=companies[0]["credit_code"],
        enterprise_name=companies[0]["name"],
        not_applicable=["industrial_output"],
        **return_row,
    )
    return {"statistics": written, "return_row": return_row}


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_figure_of_the_demo_data_and_makes_the_thirteen_elements():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE_ELEMENTS])
    try:
        old_apps = executor.loader.project_state([BEFORE_ELEMENTS]).apps
        assert "dataelement" not in old_apps.all_models["parcels"]
        written = _write_demo_data(old_apps)
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    stored = {
        (row["enterprise__credit_code"], row["year"], row["quarter"]): row
        for row in Statistic.objects.values(
            "enterprise__credit_code", "year", "quarter", "extra", *statfields.BUILT_IN.names
        )
    }
    assert stored.keys() == written["statistics"].keys()
    for key, figures in written["statistics"].items():
        assert {name: stored[key][name] for name in figures} == figures, key
        assert stored[key]["extra"] == {}
    row = ReturnRow.objects.get()
    assert {name: getattr(row, name) for name in written["return_row"]} == written["return_row"]
    assert row.not_applicable == ["industrial_output"] and row.extra == {}

    elements = list(DataElement.objects.order_by("order"))
    assert [e.code for e in elements] == list(statfields.BUILT_IN.names)
    assert [e.column for e in elements] == list(statfields.BUILT_IN.names)
    assert queries.data_elements() == statfields.BUILT_IN  # labels, kinds, units, decimals, ranges, 不适用, required
    by_code = {e.code: e for e in elements}
    assert (by_code["revenue"].unit, by_code["revenue"].decimals, by_code["revenue"].min_value) == ("万元", 2, 0)
    assert (by_code["employees"].unit, by_code["employees"].decimals, by_code["employees"].kind) == ("人", 0, "stock")
    assert by_code["high_tech"].min_value is None and not by_code["listed_date"].required


# --- the office adds an element; managers have it in the next return ------------------------------

GREEN = {
    "code": "green_output",
    "label_zh": "绿色低碳产品产值",
    "label_en": "Green low-carbon output",
    "unit": "万元",
    "unit_en": "10k CNY",
    "kind": "flow",
    "decimals": "2",
    "min_value": "0",
    "max_value": "1000",
    "required": "on",
    "help_zh": "按年初至今累计填写",
    "help_en": "",
    "order": "20",
    "first_period": "20271",
    "last_period": "",
}
GREEN_HEADER = "绿色低碳产品产值(万元)"


@pytest.fixture
def office_desk(db, client):
    """A parcel with two enterprises, its manager, the office and an administrator signed in to the admin."""
    parcel = make_parcel(code="green-park", name_zh="绿色地块")
    manager = make_user("m", role=access.MANAGER, parcels=(parcel,))
    office = make_user("o", role=access.OFFICE)
    enterprises = [make_enterprise(parcel=parcel, name=f"绿色企业{i}有限公司") for i in range(2)]
    root = make_user("root", is_staff=True, is_superuser=True)
    return SimpleNamespace(parcel=parcel, manager=manager, office=office, enterprises=enterprises, root=root)


def add_in_admin(client, desk, **changes) -> DataElement:
    client.force_login(desk.root)
    response = client.post("/admin/parcels/dataelement/add/", {**GREEN, **changes})
    assert response.status_code == 302, response.content.decode()[:3000]
    return DataElement.objects.get(code=changes.get("code", GREEN["code"]))


def post_rows(version: int, rows: list[dict], action: str = "draft") -> dict:
    data = {"version": version, "rows": len(rows), "action": action}
    for i, row in enumerate(rows):
        for name, value in row.items():
            data[f"r-{i}-{name}"] = value
    return data


def template_header(client, desk, year: int, quarter: int) -> list[str]:
    response = client.get(f"/returns/{desk.parcel.id}/{year}/{quarter}/template.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["统计数据"]
    return [cell.value for cell in sheet[1]]


def upload_file(desk, rows: list[dict], header_extra: tuple[str, ...]) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([label for _key, label in statfields.BUILT_IN.columns] + list(header_extra))
    for row in rows:
        figures = [row.get(f.name) for f in statfields.BUILT_IN]
        extra = [row.get("green_output")] if header_extra else []
        sheet.append([row["credit_code"], row["enterprise_name"], desk.parcel.code, YEAR, QUARTER, *figures, *extra])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "绿色.xlsx"
    return out


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("green_output", ""),
        ("g2", ""),
        ("a" * 40, ""),
        ("a" * 41, "代码只能由小写英文字母"),
        ("Green", "代码只能由小写英文字母"),
        ("2green", "代码只能由小写英文字母"),
        ("green-output", "代码只能由小写英文字母"),
        ("_green", "代码只能由小写英文字母"),
        ("sum", "系统保留字"),
        ("where", "系统保留字"),
        ("extra", "系统保留字"),
        ("year", "系统保留字"),
    ],
)
def test_it_tells_a_code_a_formula_can_name_from_one_it_cannot(code, problem):
    found = statfields.code_problem(code)
    assert problem in found if problem else found == ""


def test_the_admin_refuses_a_code_a_formula_cannot_name(client, office_desk):
    client.force_login(office_desk.root)
    for code, message in (("Green", "代码只能由小写英文字母"), ("sum", "系统保留字"), ("parcel", "系统保留字")):
        response = client.post("/admin/parcels/dataelement/add/", {**GREEN, "code": code})
        assert response.status_code == 200 and message in response.content.decode(), code
    assert not DataElement.objects.filter(code__in=["Green", "sum", "parcel"]).exists()


def test_an_element_added_in_the_admin_is_in_the_next_form_and_template_from_its_first_quarter(client, office_desk):
    desk = office_desk
    add_in_admin(client, desk)
    client.force_login(desk.manager)

    page = client.get(f"/returns/{desk.parcel.id}/{YEAR}/{QUARTER}/").content.decode()
    earlier = client.get(f"/returns/{desk.parcel.id}/2026/4/").content.decode()

    assert 'id="c-green_output"' in page and GREEN_HEADER in page and 'name="r-0-green_output"' in page
    assert 'data-decimals="2"' in page and 'data-max="1000' in page and 'title="按年初至今累计填写"' in page
    assert "green_output" not in earlier  # not collected before 2027 Q1
    assert GREEN_HEADER in template_header(client, desk, YEAR, QUARTER)
    assert GREEN_HEADER not in template_header(client, desk, 2026, 4)
    assert f"上期{GREEN_HEADER}（参考）" in template_header(client, desk, YEAR, QUARTER)


def test_an_added_element_is_entered_in_the_form_and_an_upload_checked_approved_and_stored(client, office_desk):
    desk = office_desk
    add_in_admin(client, desk)
    e1, e2 = desk.enterprises
    url = f"/returns/{desk.parcel.id}/{YEAR}/{QUARTER}/"
    client.force_login(desk.manager)

    # Out of range, through the form: refused, naming the row, the column and the value.
    refused = client.post(url, post_rows(0, [filled_row(e1, green_output="2000"), filled_row(e2)]))
    assert refused.status_code == 200
    assert f"第1行（{e1.name}）「{GREEN_HEADER}」值“2000”：不能大于1000" in refused.content.decode()
    assert not ParcelReturn.objects.exists()

    # In range: saved in the row's extra, as text PostgreSQL reads back.
    client.post(url, post_rows(0, [filled_row(e1, green_output="123.4"), filled_row(e2, green_output="0")]))
    parcel_return = ParcelReturn.objects.get()
    assert parcel_return.rows.get(credit_code=e1.credit_code).extra == {"green_output": "123.40"}

    # Through an upload with the new column: out of range refused by row, column and value, then a good file.
    rows = [filled_row(e1, green_output="1000.5"), filled_row(e2, green_output="0")]
    response = client.post(url + "upload/", {"file": upload_file(desk, rows, (GREEN_HEADER,)), "mode": "merge"})
    page = response.content.decode()
    assert "1000.5" in page and GREEN_HEADER in page and "不能大于1000" in page
    rows[0]["green_output"] = "456.7"
    response = client.post(url + "upload/", {"file": upload_file(desk, rows, (GREEN_HEADER,)), "mode": "merge"})
    preview = client.get(response["Location"]).content.decode()
    assert "<del>123.40</del>" in preview and "<ins>456.70</ins>" in preview
    client.post(response["Location"])
    assert parcel_return.rows.get(credit_code=e1.credit_code).extra == {"green_output": "456.70"}

    # Required: a file without the column is refused for a quarter that collects it.
    response = client.post(url + "upload/", {"file": upload_file(desk, rows, ()), "mode": "merge"})
    assert f"「{GREEN_HEADER}」" in response.content.decode() and "表头缺少此列" in response.content.decode()

    parcel_return.refresh_from_db()
    client.post(url, post_rows(parcel_return.version, rows, action="submit"))
    parcel_return.refresh_from_db()
    assert parcel_return.state == ParcelReturn.State.SUBMITTED
    return_services.approve_return(parcel_return=parcel_return, user=desk.office, reason="新增指标项首次填报")

    assert Statistic.objects.get(enterprise=e1).extra == {"green_output": "456.70"}
    assert Statistic.objects.get(enterprise=e2).extra == {"green_output": "0.00"}
    client.force_login(desk.office)
    api = client.get(f"/api/v1/statistics/?year={YEAR}&quarter={QUARTER}").json()
    assert {row["enterprise"]: row["green_output"] for row in api["results"]} == {
        e1.credit_code: "456.70",
        e2.credit_code: "0.00",
    }


def test_a_required_added_element_left_blank_blocks_a_submission(client, office_desk):
    desk = office_desk
    add_in_admin(client, desk)
    client.force_login(desk.manager)
    url = f"/returns/{desk.parcel.id}/{YEAR}/{QUARTER}/"
    response = client.post(url, post_rows(0, [filled_row(e) for e in desk.enterprises], action="submit"))
    assert f"「{GREEN_HEADER}」：未填写" in response.content.decode()


def test_the_api_schema_and_return_rows_name_every_element(client, office_desk):
    desk = office_desk
    add_in_admin(client, desk)
    add_in_admin(client, desk, code="green_certified", kind="flag", decimals="0", unit="", min_value="", max_value="")
    schema = client.get("/api/schema/?format=json").json()["components"]["schemas"]

    assert schema["Statistic"]["properties"]["green_output"]["type"] == "string"
    assert schema["Statistic"]["properties"]["green_output"]["format"] == "decimal"
    assert schema["Statistic"]["properties"]["green_certified"]["type"] == "boolean"
    assert schema["Statistic"]["properties"]["employees"]["type"] == "integer"
    assert "green_output" in schema["ReturnRow"]["properties"]
    assert "green_output" in schema["ReturnRowInputRequest"]["properties"]


# --- retiring, and what cannot change ------------------------------------------------------------


def approved_green(desk, year: int, quarter: int, value: str) -> None:
    """Write an official figure of green_output for the first enterprise (the office's import)."""
    e1 = desk.enterprises[0]
    figures = {f.name: None for f in statfields.BUILT_IN} | {"revenue": Decimal(10), "green_output": Decimal(value)}
    row = StatisticRow(1, e1.credit_code, e1.name, desk.parcel.id, year, quarter, figures)
    upsert_statistics(rows=[row], source=ImportBatch.Source.CLI, user=desk.office, filename="绿色.xlsx")


def admin_change(client, element: DataElement, **changes):
    data = {**GREEN, **{k: ("" if v is None else str(v)) for k, v in changes.items()}}
    data["code"] = changes.get("code", element.code)
    return client.post(f"/admin/parcels/dataelement/{element.pk}/change/", data)


def test_a_retired_element_leaves_the_next_quarter_and_keeps_its_data_history_and_api(client, office_desk, tmp_path):
    desk = office_desk
    element = add_in_admin(client, desk)
    approved_green(desk, YEAR, QUARTER, "77.5")

    assert admin_change(client, element, last_period=20271).status_code == 302
    client.force_login(desk.manager)

    client.get("/returns/")  # the admin's message is shown (and gone) first
    later = client.get(f"/returns/{desk.parcel.id}/{YEAR}/2/").content.decode()
    assert 'id="c-green_output"' not in later and GREEN_HEADER not in later
    assert GREEN_HEADER not in template_header(client, desk, YEAR, 2)
    assert 'id="c-green_output"' in client.get(f"/returns/{desk.parcel.id}/{YEAR}/{QUARTER}/").content.decode()
    history = client.get(f"/returns/enterprises/{desk.enterprises[0].credit_code}/history/").content.decode()
    assert GREEN_HEADER in history and "77.50" in history
    client.force_login(desk.office)
    api = client.get(f"/api/v1/statistics/?year={YEAR}&quarter={QUARTER}").json()["results"]
    assert [row["green_output"] for row in api] == ["77.50"]
    assert Statistic.objects.get().extra == {"green_output": "77.50"}

    # A file for a later quarter may not fill the retired column (a blank one is ignored).
    path = tmp_path / "later.csv"
    header = ",".join([label for _key, label in statfields.BUILT_IN.columns] + [GREEN_HEADER])
    e1 = desk.enterprises[0]
    path.write_text(f"{header}\n{e1.credit_code},{e1.name},{desk.parcel.code},{YEAR},2{',' * 13},5\n", "utf-8")
    with pytest.raises(
        CommandError, match=re.escape(f"第2行 「{GREEN_HEADER}」 值“5”：2027年第2季度不填报此项，请留空")
    ):
        call_command("import_statistics", str(path))
    path.write_text(f"{header}\n{e1.credit_code},{e1.name},{desk.parcel.code},{YEAR},2{',' * 13},\n", "utf-8")
    call_command("import_statistics", str(path), stdout=io.StringIO())
    assert Statistic.objects.get(year=YEAR, quarter=2).extra == {}


@pytest.mark.parametrize(
    ("change", "refused"),
    [
        pytest.param({"code": "green_value"}, True, id="code"),
        pytest.param({"kind": "stock"}, True, id="kind"),
        pytest.param(
            {"label_zh": "绿色产品产值", "max_value": 2000, "last_period": 20274}, False, id="label and range"
        ),
    ],
)
def test_it_refuses_to_change_the_code_or_kind_of_an_element_with_data(client, office_desk, change, refused):
    desk = office_desk
    element = add_in_admin(client, desk)
    approved_green(desk, YEAR, QUARTER, "1")

    response = admin_change(client, element, **change)

    element.refresh_from_db()
    if refused:
        assert response.status_code == 200
        assert "已有填报数据，代码和类型不能修改" in response.content.decode()
        assert (element.code, element.kind) == ("green_output", "flow")
    else:
        assert response.status_code == 302 and element.label_zh == "绿色产品产值" and element.last_period == 20274


def test_an_element_without_data_may_change_its_code_or_be_deleted_and_one_with_data_may_not(client, office_desk):
    desk = office_desk
    element = add_in_admin(client, desk)
    assert admin_change(client, element, code="green_value").status_code == 302
    element.refresh_from_db()
    assert element.code == "green_value"
    assert client.post(f"/admin/parcels/dataelement/{element.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not DataElement.objects.filter(pk=element.pk).exists()

    revenue = DataElement.objects.get(code="revenue")
    assert client.post(f"/admin/parcels/dataelement/{revenue.pk}/delete/", {"post": "yes"}).status_code == 403
    response = admin_change(client, revenue, code="revenue2", kind="flow", decimals=2, unit="万元")
    assert "内置项" in response.content.decode() and DataElement.objects.filter(code="revenue").exists()


def test_the_statistic_admin_edits_an_added_elements_figure(client, office_desk):
    desk = office_desk
    add_in_admin(client, desk)
    stat = make_statistic(enterprise=desk.enterprises[0], year=YEAR, quarter=QUARTER)
    page = client.get(f"/admin/parcels/statistic/{stat.pk}/change/").content.decode()
    assert 'name="green_output"' in page and GREEN_HEADER in page

    data = {"enterprise": stat.enterprise_id, "parcel": stat.parcel_id, "year": YEAR, "quarter": QUARTER}
    data |= {name: "0" for name in statfields.BUILT_IN.number_fields} | {"green_output": "12.3"}
    assert client.post(f"/admin/parcels/statistic/{stat.pk}/change/", data).status_code == 302

    stat.refresh_from_db()
    assert stat.extra == {"green_output": "12.30"}
    assert "green_output: 12.30" in client.get("/admin/parcels/statistic/").content.decode()

"""The REST API (/api/v1/): every endpoint for each role, scoping, figures equal to the CSV export."""

from __future__ import annotations

import csv
import io

import pytest
from django.apps import apps
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from indicators import exports, services
from indicators.models import IndicatorValue, Progress, Report, ReportFile
from parcels import access, demo
from parcels.models import Enterprise, Parcel, ParcelReturn, ReturnRow, Statistic
from tests.factories import make_enterprise, make_user

pytestmark = pytest.mark.django_db

V1 = "/api/v1"
MY_PARCEL, OTHER_PARCEL = "robot-park", "nanda"


def token_client(user) -> APIClient:
    """A client that authenticates as a machine would: with the user's token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def data(plan):
    demo.seed_demo(enterprises=60, seed=3)
    services.recompute(full=True)


@pytest.fixture
def users(plan):
    return {
        "office": make_user("office", role=access.OFFICE),
        "official": make_user("official", role=access.OFFICIAL),
        "manager": make_user("manager", role=access.MANAGER, parcels=(MY_PARCEL,)),
    }


@pytest.fixture
def clients(users):
    return {role: token_client(user) for role, user in users.items()}


def all_rows(client: APIClient, url: str) -> list[dict]:
    """Follow `next` through every page of a list."""
    rows = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        rows += response.json()["results"]
        url = response.json()["next"]
    return rows


# --- authentication ------------------------------------------------------------------

READ_URLS = [
    "/plan/",
    "/parcels/",
    f"/parcels/{MY_PARCEL}/",
    "/functional-areas/",
    "/indicators/",
    "/indicators/I4/",
    "/indicator-values/",
    "/progress/",
    "/enterprises/",
    "/statistics/",
]


@pytest.mark.parametrize("url", READ_URLS)
def test_it_refuses_a_request_without_credentials(plan, url):
    response = APIClient().get(V1 + url)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"


def test_it_refuses_an_unknown_token(plan):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert client.get(V1 + "/plan/").status_code == 401


@pytest.mark.parametrize("role", ["office", "official", "manager"])
def test_it_answers_every_read_endpoint_for_every_role(clients, data, role):
    for url in READ_URLS:
        response = clients[role].get(V1 + url)
        assert response.status_code == 200, (url, response.content)
        assert response.headers["Content-Type"] == "application/json"


def test_it_accepts_the_browser_session(users, data, client):
    client.force_login(users["official"])
    assert client.get(V1 + "/indicators/").json()["count"] == 8


@pytest.mark.parametrize("url", ["/parcels/", "/indicators/", "/indicator-values/", "/progress/", "/statistics/"])
def test_it_offers_no_writes_on_read_only_endpoints(clients, data, url):
    assert clients["office"].post(V1 + url, {}, format="json").status_code == 405


# --- the plan and its reference data ------------------------------------------------


def test_it_gives_the_plan_with_its_area_as_a_decimal_string(clients, plan):
    body = clients["official"].get(V1 + "/plan/").json()
    assert body["code"] == plan.code
    assert (body["start_year"], body["end_year"], body["base_year"]) == (2021, 2025, 2020)
    assert body["park_area_km2"] == "30.63"
    assert {i["name_zh"] for i in body["industries"]} >= {"生物医药", "人工智能"}


@pytest.mark.parametrize(
    ("role", "managed"),
    [("office", "all"), ("official", set()), ("manager", {MY_PARCEL})],
)
def test_it_lists_the_ten_parcels_in_plan_order_and_says_which_are_yours(clients, plan, role, managed):
    rows = clients[role].get(V1 + "/parcels/").json()["results"]
    assert [r["order"] for r in rows] == list(range(1, 11))
    assert rows[0]["code"] == "baoshan-industrial" and rows[0]["area_km2"] == "11.14"
    assert len(rows[0]["boundaries"]) == 2
    mine = {r["code"] for r in rows if r["managed"]}
    assert mine == ({r["code"] for r in rows} if managed == "all" else managed)


def test_it_answers_404_for_an_unknown_parcel_or_indicator(clients, plan):
    assert clients["official"].get(V1 + "/parcels/no-such-parcel/").status_code == 404
    assert clients["official"].get(V1 + "/indicators/I9/").status_code == 404


def test_it_lists_the_functional_areas_with_their_parcels(clients, plan):
    rows = clients["manager"].get(V1 + "/functional-areas/").json()["results"]
    assert len(rows) == 8
    first = rows[0]
    assert set(first["parcels"]) == {"baoshan-industrial", "luodian-industrial", "bio-south"}
    detail = clients["manager"].get(V1 + f"/functional-areas/{first['code']}/").json()
    assert detail == first


def test_it_gives_targets_and_the_benchmark_series_as_decimal_strings(clients, plan):
    rows = clients["official"].get(V1 + "/indicators/").json()["results"]
    assert [r["code"] for r in rows] == [f"I{n}" for n in range(1, 9)]
    by_code = {r["code"]: r for r in rows}
    assert by_code["I2"]["target_value"] == "100.0000"
    assert by_code["I3"]["target_kind"] == "benchmark" and by_code["I3"]["target_value"] is None
    series = {b["year"]: b["value"] for b in by_code["I3"]["benchmark_values"]}
    assert series[2023] == "43.9000" and series[2024] == "43.6000"
    assert {b["year"]: b["value"] for b in by_code["I4"]["base_values"]}[2020] == "327.0000"


# --- computed values --------------------------------------------------------------


def _export_rows(plan) -> list[dict]:
    out = io.StringIO()
    exports.write_values(out, plan)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def _as_export_row(row: dict) -> dict:
    text = {k: ("" if row[k] is None else str(row[k])) for k in exports.VALUE_COLUMNS}
    return {**text, "parcel": row["parcel"] or ""}


def test_its_indicator_values_equal_export_indicator_values_row_by_row(clients, data, plan):
    rows = all_rows(clients["office"], V1 + "/indicator-values/?page_size=1000")
    assert len(rows) == IndicatorValue.objects.count() > 1000
    assert [_as_export_row(r) for r in rows] == _export_rows(plan)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("indicator=I4&parcel=park&year=2023&quarter=4", {("I4", None, 2023, 4)}),
        (f"indicator=I2&parcel={MY_PARCEL}&year=2022", {("I2", MY_PARCEL, 2022, q) for q in (1, 2, 3, 4)}),
        ("indicator=I9", set()),
        ("parcel=no-such-parcel", set()),
    ],
)
def test_it_filters_values_by_indicator_parcel_year_and_quarter(clients, data, query, expected):
    rows = all_rows(clients["official"], f"{V1}/indicator-values/?{query}")
    assert {(r["indicator"], r["parcel"], r["year"], r["quarter"]) for r in rows} == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [("year=abc", "year必须是整数，收到“abc”"), ("quarter=5", "quarter须在1至4之间，收到5")],
)
def test_it_refuses_a_bad_filter_with_a_message_naming_it(clients, data, query, message):
    response = clients["official"].get(f"{V1}/indicator-values/?{query}")
    assert response.status_code == 400
    assert message in str(response.json())


def test_it_hides_parcel_figures_from_too_few_enterprises_but_not_from_the_office(clients, data):
    few = IndicatorValue.objects.filter(parcel__isnull=False, enterprises__gt=0, enterprises__lt=3).exclude(value=None)
    sample = few.select_related("indicator", "parcel").first()
    assert sample is not None, "the demo data should leave some parcel with fewer than three enterprises"
    assert sample.withheld == "few"
    query = f"indicator={sample.indicator.code}&parcel={sample.parcel.code}&year={sample.year}&quarter={sample.quarter}"
    for role in ("official", "manager"):
        [row] = clients[role].get(f"{V1}/indicator-values/?{query}").json()["results"]
        assert row["confidential"] is True and row["confidential_reason"] == "few"
        assert row["value"] is row["numerator"] is row["denominator"] is row["previous"] is None
        assert row["enterprises"] == sample.enterprises
    [row] = clients["office"].get(f"{V1}/indicator-values/?{query}").json()["results"]
    assert row["confidential"] is False and row["value"] == exports.figure(
        "value", sample.value, sample.indicator.decimals
    )
    assert row["confidential_reason"] is None
    park = clients["official"].get(f"{V1}/indicator-values/?parcel=park&year=2024&quarter=4").json()["results"]
    assert park and all(not r["confidential"] and r["value"] is not None for r in park)


# --- progress ---------------------------------------------------------------------


def test_it_gives_progress_with_its_calculation_inputs(clients, data, plan):
    rows = all_rows(clients["official"], f"{V1}/progress/?indicator=I4&parcel=park")
    stored = Progress.objects.filter(indicator__code="I4", parcel__isnull=True).order_by("year")
    assert [r["year"] for r in rows] == [p.year for p in stored]
    row, p = rows[-1], stored.last()
    assert row["status"] == p.status and row["status_zh"] and row["status_en"]
    assert row["value"] == exports.figure("value", p.value, 0) and row["target"] == "800"
    assert row["base_value"] == "327" and row["inputs"]["base_source"] == "plan"
    assert row["inputs"] == p.inputs


def test_it_filters_progress_by_year_and_orders_the_park_last(clients, data):
    rows = all_rows(clients["office"], f"{V1}/progress/?indicator=I8&year=2023")
    assert [r["parcel"] for r in rows] == [p.code for p in Parcel.objects.order_by("order")] + [None]


def test_it_hides_the_progress_of_a_parcel_with_too_few_enterprises(clients, data):
    few = (
        IndicatorValue.objects.filter(parcel__isnull=False, quarter=4, withheld="few")
        .filter(year__in=Progress.objects.values("year"))
        .select_related("indicator", "parcel")
        .first()
    )
    query = f"indicator={few.indicator.code}&parcel={few.parcel.code}&year={few.year}"
    [row] = clients["manager"].get(f"{V1}/progress/?{query}").json()["results"]
    assert row["confidential"] is True and row["value"] is None and row["inputs"] is None
    assert row["confidential_reason"] == "few" and row["status"] is None and row["target"] is None
    [row] = clients["office"].get(f"{V1}/progress/?{query}").json()["results"]
    assert row["confidential"] is False and row["inputs"]


# --- enterprises and statistics: a manager's own parcels only ---------------------------


def test_a_manager_reads_only_the_enterprises_of_their_parcels(clients, data):
    rows = all_rows(clients["manager"], V1 + "/enterprises/")
    assert rows and {r["parcel"] for r in rows} == {MY_PARCEL}
    assert len(rows) == Enterprise.objects.filter(parcel__code=MY_PARCEL).count()
    assert all_rows(clients["manager"], f"{V1}/enterprises/?parcel={OTHER_PARCEL}") == []


def test_another_parcels_enterprise_or_statistic_is_404_for_a_manager(clients, data):
    foreign = Enterprise.objects.filter(parcel__code=OTHER_PARCEL).first()
    statistic = Statistic.objects.filter(parcel__code=OTHER_PARCEL).first()
    assert clients["manager"].get(f"{V1}/enterprises/{foreign.credit_code}/").status_code == 404
    assert clients["manager"].get(f"{V1}/statistics/{statistic.id}/").status_code == 404
    assert clients["office"].get(f"{V1}/enterprises/{foreign.credit_code}/").status_code == 200
    assert clients["office"].get(f"{V1}/statistics/{statistic.id}/").status_code == 200


def test_a_manager_reads_the_statistics_of_their_parcels_with_money_as_strings(clients, data):
    rows = all_rows(clients["manager"], f"{V1}/statistics/?year=2023&quarter=4")
    expected = Statistic.objects.filter(parcel__code=MY_PARCEL, year=2023, quarter=4).order_by(
        "enterprise__credit_code"
    )
    assert [r["enterprise"] for r in rows] == [s.enterprise.credit_code for s in expected]
    assert rows[0]["revenue"] == f"{expected[0].revenue:.2f}"
    assert isinstance(rows[0]["employees"], int)


def test_an_official_reads_no_enterprise_records(clients, data):
    assert clients["official"].get(V1 + "/enterprises/").json()["count"] == 0
    assert clients["official"].get(V1 + "/statistics/").json()["count"] == 0


def test_the_office_reads_every_enterprise(clients, data):
    assert clients["office"].get(V1 + "/enterprises/").json()["count"] == Enterprise.objects.count()


def test_it_pages_lists_and_caps_the_page_size(clients, data):
    body = clients["office"].get(f"{V1}/indicator-values/?page_size=1000").json()
    assert len(body["results"]) == 1000 and body["next"]
    response = clients["office"].get(f"{V1}/indicator-values/?page_size=5000")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert "page_size须在1至1000之间，收到5000" in response.json()["detail"]
    body = clients["office"].get(f"{V1}/indicator-values/?page=2&page_size=10").json()
    assert len(body["results"]) == 10 and body["previous"]
    assert clients["office"].get(f"{V1}/indicator-values/?page=99999").json()["code"] == "not_found"
    assert clients["office"].get(f"{V1}/no-such-endpoint/").json() == {"detail": "未找到。", "code": "not_found"}


# --- schema and documentation -----------------------------------------------------


def test_it_describes_itself_in_openapi_3(client, plan):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/indicator-values/" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/indicator-values/"]["get"]["parameters"]}
    assert {"indicator", "parcel", "year", "quarter", "page", "page_size"} <= params
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_its_documentation_page_loads_nothing_from_elsewhere(client, plan):
    html = client.get("/api/docs/").content.decode()
    assert "swagger-ui-bundle.js" in html and "js/swagger-init.js" in html
    assert "http://" not in html and "https://" not in html
    assert "<script>" not in html


# --- writes: quarterly returns through the web forms' services -------------------------

ParcelReturnEvent = apps.get_model("parcels", "ParcelReturnEvent")


def return_row(enterprise, **values) -> dict:
    base = {
        "credit_code": enterprise.credit_code,
        "enterprise_name": enterprise.name,
        "revenue": "1000.50",
        "industrial_output": 800,
        "above_scale": True,
        "sei_output": "300",
        "value_added": "200",
        "rd_expenditure": "50",
        "tax": "30",
        "employees": 100,
        "masters_plus": 10,
        "foreign_returnee": 2,
        "invention_patents": 1,
        "high_tech": False,
        "listed_date": None,
        "explanation": "",
    }
    return {**base, **values}


def database_state() -> tuple:
    """Everything a refused write must leave as it was."""
    return (
        list(ParcelReturn.objects.order_by("id").values()),
        list(ReturnRow.objects.order_by("id").values()),
        list(Statistic.objects.order_by("id").values()),
        list(Enterprise.objects.order_by("id").values()),
        ParcelReturnEvent.objects.count(),
    )


@pytest.fixture
def firms(plan):
    return {
        code: [make_enterprise(parcel=Parcel.objects.get(code=code)) for _ in range(2)]
        for code in (MY_PARCEL, OTHER_PARCEL)
    }


def post_return(client, parcel: str, rows: list[dict], *, version: int = 0, submit: bool = False, **period):
    body = {"parcel": parcel, "year": 2024, "quarter": 3, "version": version, "submit": submit, "rows": rows}
    return client.post(V1 + "/returns/", {**body, **period}, format="json")


@pytest.fixture
def other_return(users, firms):
    """A draft return of the parcel the manager does not manage, by its own manager."""
    other = make_user("other-manager", role=access.MANAGER, parcels=(OTHER_PARCEL,))
    response = post_return(token_client(other), OTHER_PARCEL, [return_row(e) for e in firms[OTHER_PARCEL]])
    assert response.status_code == 201, response.content
    return ParcelReturn.objects.get(pk=response.json()["id"])


def test_a_manager_saves_a_draft_then_submits_it(clients, users, firms):
    rows = [return_row(e) for e in firms[MY_PARCEL]]
    response = post_return(clients["manager"], MY_PARCEL, rows)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["parcel"], body["state"], body["version"]) == (MY_PARCEL, "draft", 2)
    assert [r["revenue"] for r in body["rows"]] == ["1000.50", "1000.50"]
    response = post_return(clients["manager"], MY_PARCEL, [return_row(firms[MY_PARCEL][0], tax="31")], version=2)
    assert response.status_code == 200 and response.json()["version"] == 3 and len(response.json()["rows"]) == 1
    response = clients["manager"].post(f"{V1}/returns/{body['id']}/submit/", {"version": 3}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "submitted" and response.json()["submitted_by"] == "manager"
    event = ParcelReturnEvent.objects.select_related("pgh_context").order_by("pgh_id").last()
    assert event.pgh_context.metadata["user"] == users["manager"].pk
    assert not Statistic.objects.exists()  # official data only after approval


def test_it_refuses_bad_rows_naming_row_column_and_value_and_stores_nothing(clients, firms):
    before = database_state()
    rows = [return_row(firms[MY_PARCEL][0]), return_row(firms[MY_PARCEL][1], employees="很多")]
    response = post_return(clients["manager"], MY_PARCEL, rows)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_rows"
    [finding] = body["findings"]
    assert (finding["row"], finding["field"], finding["value"]) == (2, "employees", "很多")
    assert finding["label"] == "从业人员期末人数(人)" and finding["message"]
    assert database_state() == before


def test_it_refuses_a_stale_version_with_409_and_stores_nothing(clients, firms):
    rows = [return_row(e) for e in firms[MY_PARCEL]]
    assert post_return(clients["manager"], MY_PARCEL, rows).status_code == 201
    before = database_state()
    response = post_return(clients["manager"], MY_PARCEL, rows, version=1)
    assert response.status_code == 409
    assert response.json()["code"] == "conflict" and response.json()["current_version"] == 2
    assert database_state() == before


def test_a_manager_cannot_write_another_parcels_return(clients, firms, other_return):
    before = database_state()
    manager = clients["manager"]
    assert post_return(manager, OTHER_PARCEL, [return_row(e) for e in firms[OTHER_PARCEL]]).status_code == 404
    assert post_return(manager, OTHER_PARCEL, [], version=other_return.version).status_code == 404
    for verb, body in [("submit", {"version": other_return.version}), ("approve", {}), ("return", {"comment": "x"})]:
        assert manager.post(f"{V1}/returns/{other_return.id}/{verb}/", body, format="json").status_code == 404
    assert manager.get(f"{V1}/returns/{other_return.id}/").status_code == 404
    assert database_state() == before


def test_a_manager_cannot_slip_another_parcels_enterprise_into_their_return(clients, firms):
    before = database_state()
    response = post_return(clients["manager"], MY_PARCEL, [return_row(firms[OTHER_PARCEL][0])])
    assert response.status_code == 400
    assert response.json()["findings"][0]["rule"] == "enterprise_parcel"
    assert database_state() == before


@pytest.mark.parametrize("role", ["official", "office"])
def test_only_managers_fill_in_returns(clients, firms, role):
    before = database_state()
    response = post_return(clients[role], MY_PARCEL, [return_row(e) for e in firms[MY_PARCEL]])
    assert response.status_code == 403
    assert database_state() == before


def _submitted(clients, firms) -> int:
    rows = [return_row(e) for e in firms[MY_PARCEL]]
    response = post_return(clients["manager"], MY_PARCEL, rows, submit=True)
    assert response.status_code == 201 and response.json()["state"] == "submitted", response.content
    return response.json()["id"]


def test_the_office_approves_a_return_into_the_official_data_and_it_locks(clients, firms):
    pk = _submitted(clients, firms)
    response = clients["office"].post(f"{V1}/returns/{pk}/approve/")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "approved" and response.json()["approved_by"] == "office"
    stored = Statistic.objects.filter(parcel__code=MY_PARCEL, year=2024, quarter=3)
    assert stored.count() == 2 and {str(s.revenue) for s in stored} == {"1000.50"}
    statistics = all_rows(clients["manager"], f"{V1}/statistics/?year=2024&quarter=3")
    assert {r["enterprise"] for r in statistics} == {e.credit_code for e in firms[MY_PARCEL]}

    before = database_state()
    version = response.json()["version"]
    response = post_return(clients["manager"], MY_PARCEL, [return_row(firms[MY_PARCEL][0])], version=version)
    assert response.status_code == 409 and response.json()["code"] == "locked"
    assert "锁定" in response.json()["detail"]
    assert clients["office"].post(f"{V1}/returns/{pk}/approve/").status_code == 409
    assert database_state() == before


def test_the_office_returns_a_submission_with_a_comment(clients, firms):
    pk = _submitted(clients, firms)
    before = database_state()
    assert clients["office"].post(f"{V1}/returns/{pk}/return/", {"comment": " "}, format="json").status_code == 400
    assert database_state() == before
    response = clients["office"].post(f"{V1}/returns/{pk}/return/", {"comment": "第2行税收请核对"}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "returned" and response.json()["comment"] == "第2行税收请核对"


@pytest.mark.parametrize("role", ["manager", "official"])
def test_only_the_office_reviews(clients, firms, role):
    pk = _submitted(clients, firms)
    before = database_state()
    expected = 403 if role == "manager" else 404  # an official cannot see the return at all
    assert clients[role].post(f"{V1}/returns/{pk}/approve/").status_code == expected
    assert clients[role].post(f"{V1}/returns/{pk}/return/", {"comment": "x"}, format="json").status_code == expected
    assert database_state() == before


def test_each_role_lists_only_the_returns_it_may_see(clients, firms, other_return):
    _submitted(clients, firms)
    parcels = {role: [r["parcel"] for r in all_rows(clients[role], V1 + "/returns/")] for role in clients}
    assert parcels == {"manager": [MY_PARCEL], "official": [], "office": [MY_PARCEL, OTHER_PARCEL]}
    submitted = all_rows(clients["office"], V1 + "/returns/?state=submitted")
    assert [r["parcel"] for r in submitted] == [MY_PARCEL]


# --- assessment reports --------------------------------------------------------------


@pytest.fixture
def report(plan, users):
    from django.utils import timezone

    stored = Report.objects.create(
        plan=plan,
        year=2024,
        kind=Report.Kind.ANNUAL,
        snapshot={},
        snapshot_sha256="0" * 64,
        data_version=1,
        created_at=timezone.now(),
        created_by=users["office"],
        state=Report.State.DONE,
    )
    ReportFile.objects.create(report=stored, format="pdf", content=b"%PDF-1.7 test", sha256="a" * 64, size=13)
    return stored


def test_the_office_lists_and_downloads_reports(clients, report):
    [row] = clients["office"].get(V1 + "/reports/").json()["results"]
    assert row["id"] == report.id and row["state"] == "done"
    assert [f["format"] for f in row["files"]] == ["pdf"]
    response = clients["office"].get(row["files"][0]["url"])
    assert response.status_code == 200 and response.content == b"%PDF-1.7 test"
    assert response.headers["Content-Type"] == "application/pdf"
    assert clients["office"].get(f"{V1}/reports/{report.id}/download/docx/").status_code == 404


@pytest.mark.parametrize("role", ["manager", "official"])
def test_reports_are_not_there_for_anyone_but_the_office(clients, report, role):
    assert clients[role].get(V1 + "/reports/").status_code == 404
    assert clients[role].get(f"{V1}/reports/{report.id}/").status_code == 404
    assert clients[role].get(f"{V1}/reports/{report.id}/download/pdf/").status_code == 404

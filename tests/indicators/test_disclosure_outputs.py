"""What each output makes of the disclosure decisions: pages, API, exports, report files (docs/disclosure.md)."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess

import openpyxl
import pytest
from django.core.management import call_command
from docx import Document
from rest_framework.test import APIClient

from indicators import exports
from indicators.models import IndicatorValue, Progress, Report
from indicators.reports import queries as report_queries
from indicators.reports import services as report_services
from parcels import access
from tests.factories import make_user
from tests.test_disclosure_attack import SMALL, build_park

pytestmark = pytest.mark.django_db
FEW = "不予公开（不足3家企业）"
DERIVABLE = "不予公开（为防止推算而隐藏）"


@pytest.fixture
def park(plan):
    build_park(SMALL["one"])
    return plan


@pytest.fixture
def official(db):
    return make_user(role=access.OFFICIAL)


@pytest.fixture
def office(db):
    return make_user(role=access.OFFICE)


def chart_data(html: str) -> dict:
    found = re.findall(r'<script id="([^"]+)" type="application/json">(.*?)</script>', html, flags=re.S)
    return {name: json.loads(body) for name, body in found}


def api_rows(user, url: str) -> list[dict]:
    client = APIClient()
    client.force_authenticate(user)
    rows = []
    while url:
        page = client.get(url).json()
        rows += page["results"]
        url = page["next"]
    return rows


# --- the pages ------------------------------------------------------------------------------


def test_the_indicator_page_names_each_withheld_parcel_with_its_reason(client, park, official, office):
    client.force_login(official)
    html = client.get("/indicators/I8/?year=2024").content.decode()
    complement = IndicatorValue.objects.get(indicator__code="I8", year=2024, quarter=4, withheld="derivable").parcel
    assert "北上海生物医药产业园(南区)（不足3家企业）" in html
    assert f"{complement.name_zh}（为防止推算而隐藏）" in html
    assert FEW in html and DERIVABLE in html
    bars = chart_data(html)["fig-parcels"]["data"][0]["y"]
    assert "北上海生物医药产业园(南区)" not in bars and complement.name_zh not in bars and len(bars) == 8
    client.force_login(office)
    office_html = client.get("/indicators/I8/?year=2024").content.decode()
    assert HIDDEN_NOWHERE(office_html) and len(chart_data(office_html)["fig-parcels"]["data"][0]["y"]) == 10


def HIDDEN_NOWHERE(html: str) -> bool:
    return "不予公开" not in html


def test_a_quarter_withholds_the_同比_of_a_parcel_whose_earlier_year_is_withheld(client, park, official):
    client.force_login(official)
    value = IndicatorValue.objects.get(indicator__code="I8", parcel__code="bio-south", year=2025, quarter=2)
    assert value.withheld == "" and value.previous_withheld == "few"
    body = client.get("/indicators/I8/data.csv?year=2025&quarter=2&table=parcels").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    row = next(r for r in rows if r[0] == "北上海生物医药产业园(南区)")
    assert row[rows[0].index("同比")] == FEW and float(row[2]) == pytest.approx(value.value)


def test_a_parcel_page_draws_no_withheld_year_and_no_projection_through_one(client, park, official, office):
    def trend(user, year: int) -> tuple[dict, bool]:
        client.force_login(user)
        data = chart_data(client.get(f"/parcels/bio-south/?year={year}").content.decode())["fig-I8"]["data"]
        actual = next(t for t in data if t["name"] == "实际值")
        points = {x: y for x, y in zip(actual["x"], actual["y"], strict=True) if y is not None}
        projected = any(t["name"].startswith("趋势外推") and any(y is not None for y in t["y"]) for t in data)
        return points, projected

    points, projected = trend(official, 2024)
    assert 2024 not in points and {2020, 2023} <= set(points) and not projected
    points, _ = trend(official, 2025)
    assert 2024 not in points and 2025 in points
    points, projected = trend(office, 2024)
    assert 2024 in points and projected


def test_the_heat_map_and_the_areas_say_why(client, park, official):
    client.force_login(official)
    heat = client.get("/parcels/?year=2024").content.decode()
    assert FEW in heat and DERIVABLE in heat
    assert FEW in client.get("/areas/?year=2024").content.decode()


# --- the API and the exports ------------------------------------------------------------------


def test_the_api_says_why_and_nulls_previous_and_projection_built_on_a_withheld_year(park, official, office):
    [row] = api_rows(official, "/api/v1/indicator-values/?indicator=I8&parcel=bio-south&year=2025&quarter=4")
    assert row["confidential"] is False and row["value"] is not None
    assert row["previous"] is None and row["previous_confidential_reason"] == "few"
    [row] = api_rows(official, "/api/v1/progress/?indicator=I8&parcel=bio-south&year=2025")
    assert row["confidential"] is False and row["status"] and row["value"] is not None
    assert row["projection_confidential_reason"] == "few" and row["projected_2025"] is None
    assert "projection_points" not in row["inputs"] and "base_value" in row["inputs"]
    [row] = api_rows(official, "/api/v1/progress/?indicator=I8&parcel=bio-south&year=2024")
    assert row["confidential"] is True and row["confidential_reason"] == "few"
    assert row["status"] is row["status_zh"] is row["target"] is row["gap"] is row["completion"] is None
    [row] = api_rows(office, "/api/v1/progress/?indicator=I8&parcel=bio-south&year=2024")
    assert row["confidential"] is False and row["status"] and row["inputs"]["projection_points"]


def test_the_officials_export_equals_the_officials_api_row_for_row(park, official, office):
    out = io.StringIO()
    call_command("export_indicator_values", "--audience", "official", stdout=out)
    exported = list(csv.DictReader(io.StringIO(out.getvalue())))
    rows = api_rows(official, "/api/v1/indicator-values/?page_size=1000")
    assert [
        {
            **{k: "" if r[k] is None else str(r[k]) for k in exports.VALUE_COLUMNS},
            "parcel": r["parcel"] or "",
            "withheld": r["confidential_reason"] or "",
        }
        for r in rows
    ] == exported
    assert any(r["withheld"] == "derivable" for r in exported) and any(r["withheld"] == "few" for r in exported)
    office_export = io.StringIO()
    call_command("export_indicator_values", stdout=office_export)
    header = office_export.getvalue().splitlines()[0]
    assert header == "indicator,parcel,year,quarter,value,numerator,denominator,enterprises"  # as it always was


def test_the_officials_progress_export_empties_what_is_withheld(park):
    out = io.StringIO()
    call_command("export_progress", "--audience", "official", stdout=out)
    rows = {(r["indicator"], r["parcel"], r["year"]): r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    hidden = rows[("I8", "bio-south", "2024")]
    assert hidden["withheld"] == "few" and hidden["value"] == hidden["status"] == hidden["gap"] == ""
    later = rows[("I8", "bio-south", "2025")]
    assert later["withheld"] == "" and later["value"] and later["projection_withheld"] == "few"
    stored = Progress.objects.get(indicator__code="I8", parcel__code="bio-south", year=2024)
    assert stored.value is not None and stored.withheld == "few"


# --- the report files -------------------------------------------------------------------------


def generate(office, monkeypatch, **kwargs) -> Report:
    monkeypatch.setattr(report_services, "render_images", lambda report, progress=None: {})
    report = report_services.start_report(year=2024, user=office, **kwargs)
    report = report_services.generate_report(report.id)
    assert report.state == Report.State.DONE, report.message
    return report


def stored(report: Report, fmt: str) -> bytes:
    return bytes(report_queries.stored_file(report, fmt).content)


def test_the_offices_own_report_says_内部资料_on_every_page_and_shows_every_figure(park, office, monkeypatch):
    report = generate(office, monkeypatch)
    pages = subprocess.run(["pdftotext", "-", "-"], input=stored(report, "pdf"), capture_output=True, check=True)
    texts = [t for t in pages.stdout.decode().split("\f") if t.strip()]
    assert len(texts) > 5 and all("内部资料" in t for t in texts)
    document = Document(io.BytesIO(stored(report, "docx")))
    assert document.sections[0].header.paragraphs[0].text == "内部资料"
    assert not document.sections[0].different_first_page_header_footer
    book = openpyxl.load_workbook(io.BytesIO(stored(report, "xlsx")))
    assert all(ws.oddHeader.right.text == "内部资料" for ws in book.worksheets)
    assert book.worksheets[0]["A1"].value.startswith("【内部资料】")
    text = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "不予公开" not in text
    small = next(i for i in report.snapshot["indicators"] if i["code"] == "I8")["parcels"]
    assert next(p for p in small if p["code"] == "bio-south")["value"] is not None


def test_a_report_for_officials_withholds_what_the_pages_withhold_and_is_not_marked_internal(park, office, monkeypatch):
    report = generate(office, monkeypatch, audience="official")
    i8 = next(i for i in report.snapshot["indicators"] if i["code"] == "I8")
    frozen = next(p for p in i8["parcels"] if p["code"] == "bio-south")
    assert frozen["withheld"] == "few" and frozen["value"] is frozen["base_value"] is frozen["completion"] is None
    document = Document(io.BytesIO(stored(report, "docx")))
    assert document.sections[0].header.paragraphs[0].text == ""
    rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert ["北上海生物医药产业园(南区)", *[FEW] * 6] in rows
    pdf = subprocess.run(["pdftotext", "-", "-"], input=stored(report, "pdf"), capture_output=True, check=True)
    assert "内部资料" not in pdf.stdout.decode()
    book = openpyxl.load_workbook(io.BytesIO(stored(report, "xlsx")))
    parcels = book["各地块指标"]
    small = next(
        row for row in parcels.iter_rows(min_row=4, max_row=13, values_only=True) if row[0].startswith("北上海")
    )
    assert set(small[1:]) == {FEW}


def test_the_report_form_and_the_command_take_the_audience(park, office, client, tmp_path, monkeypatch):
    monkeypatch.setattr(report_services, "render_images", lambda report, progress=None: {})
    client.force_login(office)
    assert "阅读范围" in client.get("/reports/").content.decode()
    client.post("/reports/", {"year": "2024", "language": "zh", "audience": "official"})
    assert Report.objects.get().audience == "official"
    out = tmp_path / "report.xlsx"
    call_command(
        "export_report", "--year", "2024", "--format", "xlsx", "--output", str(out), "--audience", "official",
        stdout=io.StringIO(),
    )  # fmt: skip
    assert not openpyxl.load_workbook(out).worksheets[0]["A1"].value.startswith("【内部资料】")

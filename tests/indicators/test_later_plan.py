"""A later plan with a new data element and an indicator over it, beside the 14th plan, end to end.

The later plan (tests/fixtures/plan-later.json, 2026–2030, base year 2025) adds
the element green_output and the indicator G1 = 100 × Σgreen_output ÷ Σrevenue.
A manager enters the element for 2025 Q4 through the return form and for 2026
Q4 through an upload; the office approves both; G1 has its value, status and
chart. The 14th plan's pages, report and API keep working, and its 2025 figures
move with the late 2025 Q4 return.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone

from indicators import services
from indicators.models import IndicatorValue, Plan, Progress
from indicators.reference import load_plan
from indicators.reports import services as report_services
from parcels import access, statfields
from parcels.models import DataElement, Parcel, ParcelReturn, Statistic
from parcels.returns import services as return_services
from tests.factories import filled_row, make_enterprise, make_statistic, make_user

pytestmark = pytest.mark.django_db

LATER_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "plan-later.json"
LATER = "test-later"
GREEN_HEADER = "绿色低碳产品产值(万元)"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """Early 2027: the later plan is in force and its first year's returns are due."""
    monkeypatch.setattr(timezone, "localdate", lambda value=None, timezone=None: dt.date(2027, 2, 15))


@pytest.fixture
def desk(plan):
    load_plan(LATER_FILE)
    parcel, elsewhere = Parcel.objects.order_by("order")[:2]
    # The park had data before: one high-tech enterprise in another parcel in 2025 Q4.
    make_statistic(enterprise=make_enterprise(parcel=elsewhere), year=2025, quarter=4, high_tech=True)
    return {
        "parcel": parcel,
        "enterprises": [make_enterprise(parcel=parcel, name=f"绿色企业{i}有限公司") for i in range(3)],
        "manager": make_user("green-manager", role=access.MANAGER, parcels=(parcel,)),
        "office": make_user("green-office", role=access.OFFICE),
        "official": make_user("green-official", role=access.OFFICIAL),
    }


def form_data(version: int, rows: list[dict], action: str) -> dict:
    data = {"version": version, "rows": len(rows), "action": action}
    for i, row in enumerate(rows):
        data.update({f"r-{i}-{name}": value for name, value in row.items()})
    return data


def workbook(parcel: Parcel, year: int, quarter: int, rows: list[dict]) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([label for _key, label in statfields.BUILT_IN.columns] + [GREEN_HEADER])
    for row in rows:
        figures = [row.get(f.name) for f in statfields.BUILT_IN]
        sheet.append([row["credit_code"], row["enterprise_name"], parcel.code, year, quarter, *figures, row["green"]])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = f"{year}Q{quarter}.xlsx"
    return out


def approve(parcel: Parcel, year: int, quarter: int, office) -> None:
    parcel_return = ParcelReturn.objects.get(parcel=parcel, year=year, quarter=quarter)
    assert parcel_return.state == ParcelReturn.State.SUBMITTED
    return_services.approve_return(parcel_return=parcel_return, user=office, reason="新增统计指标项首次填报")


def park(indicator: str, plan: str, year: int, quarter: int = 4) -> float | None:
    return IndicatorValue.objects.get(
        indicator__plan__code=plan, indicator__code=indicator, parcel=None, year=year, quarter=quarter
    ).value


def test_a_later_plans_new_element_and_indicator_through_form_upload_and_approval(client, desk):
    parcel, (e1, e2, e3), manager, office = desk["parcel"], desk["enterprises"], desk["manager"], desk["office"]
    assert DataElement.objects.get(code="green_output").column == ""  # an added element, stored in extra
    url = f"/returns/{parcel.id}/2025/4/"

    # 2025 Q4 (the later plan's base year, the 14th plan's final year), through the form.
    client.force_login(manager)
    page = client.get(url).content.decode()
    assert 'name="r-0-green_output"' in page and GREEN_HEADER in page
    rows = [
        filled_row(e1, green_output="50", high_tech="是"),
        filled_row(e2, green_output="50"),
        filled_row(e3, green_output="0"),
    ]
    response = client.post(url, form_data(0, rows, "submit"))
    assert response.status_code in (200, 302), response.content.decode()[:2000]
    services.recompute(full=True)
    high_tech_before = park("I4", "fyp-14", 2025)
    approve(parcel, 2025, 4, office)
    services.recompute()

    # The late 2025 Q4 return moves the 14th plan's final figures too.
    assert park("I4", "fyp-14", 2025) == high_tech_before + 1
    # The base: 100 of the parcel's 3 000 万元 of revenue; the other parcel's enterprise has no green output
    # figure at all, so it leaves both sides of the ratio (pairwise).
    assert park("G1", LATER, 2025) == pytest.approx(100 * 100 / 3000)

    # 2026 Q4, through an upload with the new column: a preview, then the confirmation.
    url = f"/returns/{parcel.id}/2026/4/"
    upload = [
        {**filled_row(e1), "green": "300"},
        {**filled_row(e2), "green": "200"},
        {**filled_row(e3), "green": "100"},
    ]
    response = client.post(url + "upload/", {"file": workbook(parcel, 2026, 4, upload), "mode": "merge"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert "300.00" in client.get(response["Location"]).content.decode()  # the preview shows the new figures
    client.post(response["Location"])
    parcel_return = ParcelReturn.objects.get(parcel=parcel, year=2026, quarter=4)
    assert parcel_return.rows.get(credit_code=e1.credit_code).extra == {"green_output": "300.00"}
    saved = [filled_row(e, green_output=g) for e, g in ((e1, "300"), (e2, "200"), (e3, "100"))]
    client.post(url, form_data(parcel_return.version, saved, "submit"))
    approve(parcel, 2026, 4, office)
    services.recompute()

    assert Statistic.objects.get(enterprise=e1, year=2026).extra == {"green_output": "300.00"}
    assert park("G1", LATER, 2026) == pytest.approx(100 * 600 / 3000)
    progress = Progress.objects.get(indicator__plan__code=LATER, indicator__code="G1", parcel=None, year=2026)
    # Base 3.33%, target 20% in 2030: by 2026 expected 6.67%; at 20% the target is already met.
    assert progress.status == "achieved_early"

    # An official sees it: the value, the status and the chart.
    client.force_login(desk["official"])
    page = client.get(f"/plans/{LATER}/indicators/G1/").content.decode()
    assert "绿色低碳产品产值占营业收入比重" in page and "提前实现" in page and "20.00" in page
    assert "plotly" in page.lower()
    overview = client.get(f"/plans/{LATER}/").content.decode()
    assert "G1" in overview or "绿色低碳产品产值占营业收入比重" in overview

    # The 14th plan keeps working: its page, its API rows of 2025 and its final assessment report.
    assert client.get("/plans/fyp-14/indicators/I4/").status_code == 200
    api = client.get("/api/v1/progress/", {"plan": "fyp-14", "year": 2025}).json()
    i4 = [r for r in api["results"] if r["indicator"] == "I4" and r["parcel"] is None]
    assert i4 and float(i4[0]["value"]) == park("I4", "fyp-14", 2025) == 2
    report = report_services.start_report(plan=Plan.objects.get(code="fyp-14"), year=2025, user=office)
    park_i4 = next(i for i in report.snapshot["indicators"] if i["code"] == "I4")
    assert json.dumps(park_i4["park"][-1]["value"]) == json.dumps(park("I4", "fyp-14", 2025))

"""Two plans at once: every page, download, API list, report and command answers for the plan it is asked for.

The 14th plan (2021–2025, the fixture) and a small later plan written here
(2026–2030, base year 2025, eight of the ten parcels, two indicators) share the
same statistics: demo data for 2020–2025 and a copy of 2025 as 2026. Today is
inside the later plan's period, so the unprefixed addresses mean the later plan.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from indicators import queries, services
from indicators.models import Plan, Progress, Report
from indicators.reference import load_plan
from indicators.reports import services as report_services
from parcels import access, demo
from parcels.models import Parcel, Statistic
from tests.conftest import PLAN_FILE
from tests.factories import make_enterprise, make_statistic, make_user

pytestmark = pytest.mark.django_db

LATER = "fyp-test-15"
LATER_PARCELS = 8  # the later plan covers the first eight parcels of the fixture
TODAY = dt.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """Today is in the later plan's period whenever the tests run (the plan in force follows the date)."""
    monkeypatch.setattr(timezone, "localdate", lambda value=None, timezone=None: TODAY)
    return TODAY


def later_plan_document() -> dict:
    """A later plan: 2026–2030 on eight of the parcels, a count and a ratio indicator."""
    parcels = json.loads(PLAN_FILE.read_text(encoding="utf-8"))["parcels"][:LATER_PARCELS]
    indicator = {
        "unit_en": "",
        "target_kind": "level",
        "target_year": 2030,
        "formula_zh": "f",
        "formula_en": "f",
        "definition_zh": "d",
        "definition_en": "d",
    }
    return {
        "plan": {
            "code": LATER,
            "name_zh": "上海张江高新技术产业开发区宝山园测试规划",
            "name_en": "Test plan of the Baoshan Sub-park",
            "short_zh": "测试规划",
            "short_en": "test plan",
            "start_year": 2026,
            "end_year": 2030,
            "base_year": 2025,
            "park_area_km2": 30.63,
            "issuer": "宝山区科学技术委员会",
            "source": "test",
        },
        "parcels": parcels,
        "indicators": [
            {
                **indicator,
                "code": "I4",
                "order": 1,
                "name_zh": "经认定的高新技术企业",
                "name_en": "Certified high-tech enterprises",
                "unit": "家",
                "unit_en": "enterprises",
                "decimals": 0,
                "target_value": 1000,
                "target_text_zh": "1000",
                "target_text_en": "1000",
                "formula": "count(high_tech)",
            },
            {
                **indicator,
                "code": "N1",
                "order": 2,
                "name_zh": "硕士以上人员占比测试",
                "name_en": "Share of masters and above (test)",
                "unit": "%",
                "unit_en": "%",
                "decimals": 2,
                "target_value": 30,
                "target_text_zh": "30%",
                "target_text_en": "30%",
                "formula": "100 * sum(masters_plus) / sum(employees)",
            },
        ],
    }


@pytest.fixture
def two_plans(plan, tmp_path):
    """The 14th plan and the later one, demo data for 2020 to 2026 Q3, 2025 Q4 copied as 2026 Q4, recomputed."""
    path = tmp_path / "plan-later.json"
    path.write_text(json.dumps(later_plan_document(), ensure_ascii=False), encoding="utf-8")
    load_plan(path)
    demo.seed_demo(enterprises=60, seed=5)
    copies = []
    for row in Statistic.objects.filter(year=2025, quarter=4):  # the demo has 2026 Q1–Q3: its Q4 from 2025's
        values = {f.attname: getattr(row, f.attname) for f in Statistic._meta.concrete_fields if f.name != "id"}
        copies.append(Statistic(**{**values, "year": 2026}))
    Statistic.objects.bulk_create(copies)
    services.recompute(full=True)
    return {"fyp-14": Plan.objects.get(code="fyp-14"), LATER: Plan.objects.get(code=LATER)}


@pytest.fixture
def official(db):
    return make_user(role=access.OFFICIAL)


@pytest.fixture
def office(db):
    return make_user(role=access.OFFICE)


def get(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, url
    return response


def year_options(html: str) -> list[int]:
    form = re.search(r'<select name="year">(.*?)</select>', html, flags=re.S).group(1)
    return [int(y) for y in re.findall(r'<option value="(\d+)"', form)]


class _Links(HTMLParser):
    """Collect every href of a page, with the id of the element it sits in (the switcher's links are tagged)."""

    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append((attrs["href"], attrs.get("data-plan") or attrs.get("id") or ""))


def links(html: str) -> list[tuple[str, str]]:
    parser = _Links()
    parser.feed(html)
    return parser.links


# --- pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["fyp-14", LATER])
def test_every_page_answers_for_each_plan_with_its_indicators_parcels_and_years(client, two_plans, official, code):
    plan = two_plans[code]
    prefix = f"/plans/{code}"
    indicators = list(plan.indicators.order_by("order").values_list("code", flat=True))
    others = set(two_plans["fyp-14"].indicators.values_list("code", flat=True)) - set(indicators)
    overview = get(client, official, prefix + "/").content.decode()
    cards = re.findall(r'data-indicator="(\w+)"', overview)
    assert cards == indicators
    assert year_options(overview) == list(range(plan.base_year, plan.end_year + 1))
    parcels = get(client, official, prefix + "/parcels/").content.decode()
    expected = list(queries.parcels(plan))
    assert len(re.findall(r'<tr data-parcel="', parcels)) == len(expected) == (10 if code == "fyp-14" else 8)
    get(client, official, prefix + "/areas/")
    get(client, official, f"{prefix}/parcels/{expected[0].code}/")
    for indicator in indicators:
        page = get(client, official, f"{prefix}/indicators/{indicator}/").content.decode()
        tabs = re.search(r'<nav class="tabs".*?</nav>', page, flags=re.S).group(0)
        assert re.findall(r">(\w+)</a>", tabs) == indicators
        if plan.indicators.get(code=indicator).target_kind != "benchmark":
            assert f"{plan.end_year}年目标" in page
        for fmt in ("csv", "xlsx"):
            download = get(client, official, f"{prefix}/indicators/{indicator}/data.{fmt}")
            assert f'filename="{code}-{indicator}-' in download["Content-Disposition"]
    for missing in others:
        get(client, official, f"{prefix}/indicators/{missing}/", status=404)


def test_the_trend_download_names_the_plans_target_year_in_its_heads(client, two_plans, official):
    response = get(client, official, f"/plans/{LATER}/indicators/N1/data.csv?year=2026&table=trend")
    head = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert "2030年目标（%）" in head and "趋势外推至2030年（%）" in head
    response = get(client, official, "/plans/fyp-14/indicators/I2/data.csv?year=2024&table=trend")
    head = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert any(h.startswith("2025年目标") for h in head)


def test_the_14th_plans_indicator_answers_under_its_own_address_while_a_later_plan_is_in_force(
    client, two_plans, official
):
    assert queries.plan_in_force().code == LATER  # today is in 2026–2030
    page = get(client, official, "/plans/fyp-14/indicators/I5/").content.decode()
    assert "I5" in page and "宝山园“十四五”规划" in page
    # Without a prefix an address means the plan in force: the later plan has no I5.
    get(client, official, "/indicators/I5/", status=404)
    home = get(client, official, "/").content.decode()
    assert re.findall(r'data-indicator="(\w+)"', home) == ["I4", "N1"]
    assert year_options(home) == list(range(2025, 2031))
    assert get(client, official, "/indicators/N1/").status_code == 200


def test_an_unknown_plan_is_not_found(client, two_plans, official):
    for url in ("/plans/fyp-99/", "/plans/fyp-99/indicators/I4/", "/plans/fyp-99/parcels/", "/plans/fyp-99/reports/"):
        get(client, official, url, status=404)


def test_every_link_inside_a_page_keeps_the_plan(client, two_plans, office):
    for url in (
        "/plans/fyp-14/?year=2024",
        "/plans/fyp-14/indicators/I4/",
        "/plans/fyp-14/parcels/",
        "/plans/fyp-14/parcels/nanda/",
        "/plans/fyp-14/areas/",
        "/plans/fyp-14/reports/",
    ):
        html = get(client, office, url).content.decode()
        pages = [
            (href, tag)
            for href, tag in links(html)
            if href.startswith("/") and not href.startswith(("/static/", "/returns/", "/admin/", "/api/", "/health"))
        ]
        assert pages, url
        kept = [href for href, tag in pages if not tag]  # the switcher's links carry data-plan
        assert kept and all(href.startswith("/plans/fyp-14/") for href in kept), (url, kept)


def test_the_switcher_keeps_the_page_where_the_other_plan_has_it(client, two_plans, official):
    html = get(client, official, f"/plans/{LATER}/indicators/I4/?year=2026").content.decode()
    switch = dict((tag, href) for href, tag in links(html) if tag in ("fyp-14", LATER))
    assert switch == {"fyp-14": "/plans/fyp-14/indicators/I4/", LATER: f"/plans/{LATER}/indicators/I4/"}
    assert f'data-plan="{LATER}" aria-current="true"' in html
    html = get(client, official, f"/plans/{LATER}/indicators/N1/").content.decode()
    switch = dict((tag, href) for href, tag in links(html) if tag in ("fyp-14", LATER))
    assert switch["fyp-14"] == "/plans/fyp-14/"  # the 14th plan has no N1: its overview
    assert not queries.plan_covers(two_plans[LATER], "nanda")
    html = get(client, official, "/plans/fyp-14/parcels/nanda/").content.decode()
    switch = dict((tag, href) for href, tag in links(html) if tag in ("fyp-14", LATER))
    assert switch[LATER] == f"/plans/{LATER}/parcels/"  # a parcel the later plan does not cover: its parcels
    html = get(client, official, "/plans/fyp-14/parcels/robot-park/").content.decode()
    switch = dict((tag, href) for href, tag in links(html) if tag in ("fyp-14", LATER))
    assert switch[LATER] == f"/plans/{LATER}/parcels/robot-park/"
    get(client, official, f"/plans/{LATER}/parcels/nanda/", status=404)


def test_the_previous_plans_final_assessment_is_one_click_away(client, two_plans, official, office):
    html = get(client, official, f"/plans/{LATER}/parcels/").content.decode()
    assert '<a href="/plans/fyp-14/?year=2025" id="previous-final">宝山园“十四五”规划终期评估（2025年）</a>' in html
    assert 'id="previous-final-report"' not in html  # officials read no reports
    assert 'id="previous-final"' not in get(client, official, "/plans/fyp-14/").content.decode()
    final = report_services.start_report(plan=two_plans["fyp-14"], year=2025, user=office)
    Report.objects.filter(id=final.id).update(state=Report.State.DONE)
    html = get(client, office, "/returns/status/").content.decode()  # a page of no plan: the plan in force
    assert "测试规划" in html
    assert f'<a href="/plans/fyp-14/reports/{final.id}/" id="previous-final-report">' in html
    client.cookies["django_language"] = "en"
    html = get(client, official, f"/plans/{LATER}/").content.decode()
    assert "Baoshan sub-park 14th FYP final assessment (2025)" in html and "test plan" in html


# --- the API ---------------------------------------------------------------------------


API = "/api/v1"


@pytest.mark.parametrize("code", ["fyp-14", LATER])
def test_every_api_list_answers_for_each_plan(client, two_plans, office, code):
    plan = two_plans[code]
    client.force_login(office)
    indicators = set(plan.indicators.values_list("code", flat=True))
    assert client.get(f"{API}/plan/?plan={code}").json()["end_year"] == plan.end_year
    listed = client.get(f"{API}/indicators/?plan={code}&page_size=100").json()["results"]
    assert {i["code"] for i in listed} == indicators
    parcels = client.get(f"{API}/parcels/?plan={code}").json()["count"]
    assert parcels == len(queries.parcels(plan))
    assert client.get(f"{API}/functional-areas/?plan={code}").status_code == 200
    values = client.get(f"{API}/indicator-values/?plan={code}&parcel=park&page_size=1000").json()["results"]
    assert values and {v["indicator"] for v in values} == indicators
    assert {v["year"] for v in values} <= set(range(plan.base_year, plan.end_year + 1))
    progress = client.get(f"{API}/progress/?plan={code}&parcel=park&page_size=1000").json()["results"]
    assert progress and {p["year"] for p in progress} <= set(plan.years)
    assert client.get(f"{API}/reports/?plan={code}").json()["count"] == 0


def test_the_14th_plans_progress_of_2025_while_a_later_plan_exists(client, two_plans, official):
    client.force_login(official)
    rows = client.get(f"{API}/progress/?plan=fyp-14&year=2025&parcel=park").json()["results"]
    assert len(rows) == 8 and {r["indicator"] for r in rows} == {f"I{n}" for n in range(1, 9)}
    stored = Progress.objects.filter(indicator__plan__code="fyp-14", year=2025, parcel__isnull=True).count()
    assert stored == 8
    # Without ?plan the plan in force: the later plan, which judges no 2025 (its base year).
    assert client.get(f"{API}/progress/?year=2025").json()["count"] == 0
    assert client.get(f"{API}/progress/?year=2026&parcel=park").json()["count"] == 2


def test_an_unknown_plan_is_a_400_in_chinese(client, two_plans, official):
    client.force_login(official)
    for endpoint in ("plan", "indicators", "indicator-values", "progress", "parcels", "functional-areas"):
        response = client.get(f"{API}/{endpoint}/?plan=fyp-99")
        assert response.status_code == 400, endpoint
        body = response.json()
        assert body["code"] == "invalid" and "没有代码为“fyp-99”的规划" in body["errors"]["plan"][0]
        assert "fyp-14" in body["errors"]["plan"][0]


def test_the_schema_documents_the_plan_on_every_endpoint_of_the_plans(client, two_plans, official):
    client.force_login(official)
    schema = client.get("/api/schema/?format=json").json()
    of_a_plan = {"plan", "parcels", "functional-areas", "indicators", "indicator-values", "progress", "reports"}
    plan_paths = [p for p in schema["paths"] if p.startswith(f"{API}/") and p.split("/")[3] in of_a_plan]
    assert len(plan_paths) >= 9
    for path in plan_paths:
        for operation in schema["paths"][path].values():
            [plan] = [p for p in operation.get("parameters", []) if p["name"] == "plan"]
            assert plan["in"] == "query" and plan["schema"]["enum"] == ["fyp-14", LATER], path


def test_a_manager_still_never_sees_another_parcels_enterprise_data(client, two_plans):
    mine, small = Parcel.objects.get(code="baoshan-industrial"), Parcel.objects.get(code="robot-park")
    manager = make_user(role=access.MANAGER, parcels=(mine,))
    Statistic.objects.filter(parcel=small).delete()
    for _ in range(2):
        enterprise = make_enterprise(parcel=small)
        for year in (2025, 2026):
            make_statistic(enterprise=enterprise, year=year, quarter=4, employees=100, masters_plus=40)
    services.recompute(full=True)
    client.force_login(manager)
    for code in ("fyp-14", LATER):
        page = client.get(f"/plans/{code}/parcels/robot-park/").content.decode()
        assert "不予公开（不足3家企业）" in page
        values = client.get(f"{API}/indicator-values/?plan={code}&parcel=robot-park&year=2025&quarter=4").json()
        # Withheld, or (I3: no enterprise above scale) nothing behind it to withhold.
        rows = values["results"]
        assert rows and all(r["value"] is None and (r["confidential"] or r["enterprises"] == 0) for r in rows)
    statistics = client.get(f"{API}/statistics/?plan={LATER}&page_size=1000").json()["results"]
    assert statistics and {s["parcel"] for s in statistics} == {"baoshan-industrial"}


# --- reports and commands -------------------------------------------------------------------


def test_reports_belong_to_their_plan_and_the_list_shows_the_plans_own(client, two_plans, office):
    fourteenth = report_services.start_report(plan=two_plans["fyp-14"], year=2025, user=office)
    later = report_services.start_report(plan=two_plans[LATER], year=2026, user=office)
    assert (fourteenth.plan.code, fourteenth.kind) == ("fyp-14", "final")
    assert (later.plan.code, later.kind) == (LATER, "annual")
    listing = get(client, office, "/plans/fyp-14/reports/").content.decode()
    assert f'data-report="{fourteenth.id}"' in listing and f'data-report="{later.id}"' not in listing
    assert "按年度自动（2023年中期评估、2025年终期评估，其余年份年度监测）" in listing
    listing = get(client, office, "/reports/").content.decode()  # the plan in force
    assert f'data-report="{later.id}"' in listing and f'data-report="{fourteenth.id}"' not in listing
    assert re.findall(r'<option value="(\d+)" ', listing.split('name="year"')[1].split("</select>")[0]) == [
        str(y) for y in range(2026, 2031)
    ]
    # A report read under another plan's address goes to its own plan's.
    moved = get(client, office, f"/plans/{LATER}/reports/{fourteenth.id}/", status=302)
    assert moved.url == f"/plans/fyp-14/reports/{fourteenth.id}/"
    get(client, office, f"/plans/fyp-14/reports/{fourteenth.id}/")
    client.force_login(office)
    api = client.get(f"{API}/reports/?plan=fyp-14").json()["results"]
    assert [(r["id"], r["plan"]) for r in api] == [(fourteenth.id, "fyp-14")]


def test_a_report_outside_the_plans_years_or_a_final_before_its_end_is_refused_naming_the_plan(
    client, two_plans, office
):
    client.force_login(office)
    response = client.post(f"/plans/{LATER}/reports/", {"year": "2025", "kind": "", "language": "zh"})
    assert response.status_code == 400
    assert "评估年度“2025”不在测试规划的规划期2026—2030年内" in response.content.decode()
    response = client.post(f"/plans/{LATER}/reports/", {"year": "2027", "kind": "final", "language": "zh"})
    assert response.status_code == 400
    assert "终期评估只能针对测试规划的目标年2030年，不能针对2027年" in response.content.decode()
    assert not Report.objects.exists()


def test_the_export_commands_take_the_plan(two_plans, tmp_path, capsys):
    out = io.StringIO()
    call_command("export_progress", "--plan", "fyp-14", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {r["indicator"] for r in rows} == {f"I{n}" for n in range(1, 9)} and max(
        int(r["year"]) for r in rows
    ) == 2025
    out = io.StringIO()
    call_command("export_progress", stdout=out)  # the plan in force
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {r["indicator"] for r in rows} == {"I4", "N1"} and {int(r["year"]) for r in rows} == {2026}
    out = io.StringIO()
    call_command("export_indicator_values", "--plan", LATER, stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {r["indicator"] for r in rows} == {"I4", "N1"} and min(int(r["year"]) for r in rows) == 2025
    with pytest.raises(CommandError, match="没有代码为“fyp-99”的规划"):
        call_command("export_progress", "--plan", "fyp-99", stdout=io.StringIO())
    benchmarks = tmp_path / "benchmarks.csv"
    benchmarks.write_text("indicator,year,value,source\nI3,2024,45.1,test\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_benchmarks", str(benchmarks), "--plan", LATER, stdout=io.StringIO())
    call_command("import_benchmarks", str(benchmarks), "--plan", "fyp-14", stdout=io.StringIO())


def test_export_report_writes_the_14th_plans_final_assessment_while_a_later_plan_is_in_force(
    two_plans, tmp_path, monkeypatch
):
    from indicators.reports import figures
    from tests.indicators.test_reports import png

    monkeypatch.setattr(
        report_services,
        "render_images",
        lambda report, *, progress=None: {key: png() for key in figures.indicator_figures(report.snapshot)},
    )
    target = tmp_path / "final.xlsx"
    out = io.StringIO()
    call_command(
        "export_report", "--plan", "fyp-14", "--year", "2025", "--format", "xlsx", "--output", str(target), stdout=out
    )
    assert "plan=fyp-14 year=2025" in out.getvalue() and target.stat().st_size > 0
    report = Report.objects.get()
    assert (report.plan.code, report.kind, report.snapshot["plan"]["end_year"]) == ("fyp-14", "final", 2025)
    with pytest.raises(CommandError, match="不在宝山园“十四五”规划的规划期"):
        call_command("export_report", "--plan", "fyp-14", "--year", "2026", "--format", "xlsx", "--output", str(target))
    with pytest.raises(CommandError, match="不在测试规划的规划期2026—2030年内"):
        call_command("export_report", "--year", "2025", "--format", "xlsx", "--output", str(target))


def test_a_plan_opens_on_its_latest_period_the_current_year_to_date_before_its_fourth_quarter(
    client, two_plans, official
):
    home = get(client, official, "/").content.decode()
    assert re.search(r'<option value="2026" selected>', home)  # the whole year 2026 is in (the fixture copies Q4)
    assert queries.latest_period(two_plans[LATER]) == (2026, None)
    Statistic.objects.filter(year=2026, quarter=4).delete()
    services.recompute(full=True)
    assert queries.latest_period(two_plans[LATER]) == (2026, 3)
    home = get(client, official, "/").content.decode()
    assert re.search(r'<option value="3" selected>', home) and "2026年1–9月累计" in home
    # The 14th plan keeps opening on its target year; its base year is marked in the year list.
    page = get(client, official, "/plans/fyp-14/").content.decode()
    assert re.search(r'<option value="2025" selected>', page) and "2020 （基期）" in page

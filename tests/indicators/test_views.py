"""The dashboard pages with the test client: periods, confidentiality, downloads, language, queries."""

import csv
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from django.contrib.staticfiles import finders
from plotly.offline import get_plotlyjs_version

from indicators import apps, charts, services, staticfiles
from indicators.models import Progress
from parcels import access, demo
from parcels.models import Parcel
from tests.factories import make_enterprise, make_statistic, make_user

pytestmark = pytest.mark.django_db
HIDDEN = "不予公开（不足3家企业）"
DERIVABLE = "不予公开（为防止推算而隐藏）"


@pytest.fixture
def official(db):
    return make_user(role=access.OFFICIAL)


@pytest.fixture
def office(db):
    return make_user(role=access.OFFICE)


@pytest.fixture
def demo_data(plan):
    demo.seed_demo(enterprises=60, seed=3)
    services.recompute(full=True)
    return plan


@pytest.fixture
def small_park(plan):
    """Four enterprises in 宝山工业园区, two in 南大地区 (a confidential parcel), 2020 and 2024."""
    big = Parcel.objects.get(code="baoshan-industrial")
    small = Parcel.objects.get(code="nanda")
    for parcel, n in ((big, 4), (small, 2)):
        for i in range(n):
            enterprise = make_enterprise(parcel=parcel)
            for year, masters in ((2020, 4 + i), (2024, 6 + i)):
                for quarter in (3, 4):
                    make_statistic(
                        enterprise=enterprise,
                        year=year,
                        quarter=quarter,
                        employees=100,
                        masters_plus=masters,
                        high_tech=year == 2024,
                    )
    services.recompute(full=True)
    return {"big": big, "small": small}


def figures(html: str) -> dict[str, dict]:
    """Return the figures a page serialises for charts.js, by script id."""
    found = re.findall(r'<script id="([^"]+)" type="application/json">(.*?)</script>', html, flags=re.S)
    return {name: json.loads(body) for name, body in found}


def get(client, user, url, **extra):
    client.force_login(user)
    response = client.get(url, **extra)
    assert response.status_code == 200, url
    return response


# --- periods ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "label", "notice"),
    [
        ("", "2025年", False),
        ("?year=2023", "2023年", False),
        ("?year=2023&quarter=2", "2023年1–6月累计", False),
        ("?year=2024&quarter=4", "2024年", False),
        ("?year=1999", "2025年", True),
        ("?year=abc", "2025年", True),
        ("?year=2022&quarter=7", "2022年", True),
    ],
)
def test_it_shows_the_period_the_url_names(client, official, demo_data, query, label, notice):
    html = get(client, official, "/" + query).content.decode()
    assert f'<p class="period">{label}' in html
    assert ('class="notice"' in html) == notice
    # Every link to another page keeps the period.
    if "year=2023" in query:
        assert f'href="/plans/fyp-14/parcels/{query.replace("&", "&amp;")}"' in html


def test_it_judges_years_and_only_compares_quarters(client, official, demo_data):
    annual = get(client, official, "/?year=2024").content.decode()
    quarter = get(client, official, "/?year=2024&quarter=3").content.decode()
    assert "提前实现" in annual and "完成程度" in annual
    assert "提前实现" not in quarter and "滞后" not in quarter
    assert "同比" in quarter and "2024年1–9月累计" in quarter


# --- the overview ---------------------------------------------------------------


def test_it_sums_up_the_statuses_in_one_line(client, official, demo_data):
    html = get(client, official, "/?year=2024").content.decode()
    statuses = list(Progress.objects.filter(parcel__isnull=True, year=2024).order_by().values_list("status", flat=True))
    summary = re.search(r'data-summary="([^"]+)"', html).group(1)
    assert summary.startswith("8项指标中：")
    for code, word in (("achieved_early", "提前实现"), ("behind", "滞后"), ("benchmark_missing", "基准缺失")):
        if statuses.count(code):
            assert f"{word}{statuses.count(code)}项" in summary
    assert sum(int(n) for n in re.findall(r"(\d+)项", summary.split("：")[1])) == 8


def test_it_draws_a_trend_line_on_every_card_and_lists_the_review_figures(client, official, demo_data):
    html = get(client, official, "/").content.decode()
    sparks = {k: v for k, v in figures(html).items() if k.startswith("spark-")}
    assert len(sparks) == 8
    assert sparks["spark-I4"]["data"][0]["x"] == [2020, 2021, 2022, 2023, 2024, 2025]
    assert "上一规划期发展回顾（规划基数）" in html and "2378亿元" in html and "规划二(一)“十三五”发展回顾" in html
    assert "vendor/plotly/plotly.min.js" in html


def test_it_reads_precomputed_results_in_a_handful_of_queries(
    client, official, demo_data, django_assert_max_num_queries
):
    client.force_login(official)
    # About half are the session, the user and the context every page shares.
    for url in ("/", "/indicators/I3/", "/parcels/", "/parcels/nanda/", "/areas/"):
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200


# --- an indicator ---------------------------------------------------------------


@pytest.mark.parametrize("code", ["I1", "I2", "I3", "I4", "I5", "I6", "I7", "I8"])
def test_it_explains_every_indicator(client, official, demo_data, code):
    html = get(client, official, f"/indicators/{code}/?year=2024").content.decode()
    for words in ("定义", "计算公式", "单位", "属性", "预期性", "判定依据"):
        assert words in html
    charts = figures(html)
    assert {"fig-trend", "fig-parcels"} <= set(charts)
    names = [t["name"] for t in charts["fig-trend"]["data"]]
    assert names[0] == "实际值"


def test_it_gives_the_reason_for_a_status_from_the_stored_inputs(client, official, demo_data):
    p = Progress.objects.get(indicator__code="I4", parcel__isnull=True, year=2024)
    html = get(client, official, "/indicators/I4/?year=2024").content.decode()
    assert f"进度比为{p.pace:.2f}" in html
    assert "基期（2020年，规划所载数值）为327 家" in html
    assert f"判定为“{p.status_word}”" in html


def test_it_marks_provisional_benchmark_years(client, official, demo_data):
    html = get(client, official, "/indicators/I3/?year=2024").content.decode()
    benchmark = figures(html)["fig-trend"]["data"][-1]
    assert benchmark["name"] == "对标基准"
    symbols = dict(zip(benchmark["x"], benchmark["marker"]["symbol"], strict=True))
    assert symbols[2020] == "circle" and symbols[2021] == "circle-open" and symbols[2024] == "circle"
    assert "暂用2020年基准值" in html and "2024年上海市政府工作报告" in html


def test_it_sorts_the_parcels_by_their_gap_to_the_target(client, office, demo_data):
    html = get(client, office, "/indicators/I8/?year=2024").content.decode()
    figure = figures(html)["fig-parcels"]
    rows = Progress.objects.filter(indicator__code="I8", year=2024, parcel__isnull=False).select_related("parcel")
    by_gap = [p.parcel.name_zh for p in sorted(rows, key=lambda p: p.gap)]
    assert figure["layout"]["yaxis"]["categoryarray"] == by_gap  # furthest behind last: drawn on top
    bars = [t for t in figure["data"] if t["type"] == "bar"]
    assert sorted(name for t in bars for name in t["y"]) == sorted(by_gap)


def test_it_shows_the_parcels_share_of_the_change_for_counts(client, official, demo_data):
    html = get(client, official, "/indicators/I4/?year=2024").content.decode()
    assert "各地块占园区增量的比重" in html
    assert figures(html)["fig-parcels"]["layout"]["xaxis"]["ticksuffix"] == "%"


# --- confidentiality ------------------------------------------------------------


@pytest.mark.parametrize(("role", "sees"), [(access.OFFICIAL, False), (access.OFFICE, True)])
def test_it_hides_parcel_figures_of_fewer_than_three_enterprises(client, small_park, role, sees):
    user = make_user(role=role)
    small = small_park["small"].name_zh
    html = get(client, user, "/indicators/I8/?year=2024").content.decode()
    shown = [name for t in figures(html)["fig-parcels"]["data"] if t["type"] == "bar" for name in t["y"]]
    assert (small in shown) == sees
    # The only other parcel with enterprises is withheld too: the park minus it would be the small one.
    assert ("宝山工业园区" in shown) == sees
    assert (HIDDEN in html) != sees and (DERIVABLE in html) != sees
    heatmap = get(client, user, "/parcels/?year=2024").content.decode()
    assert (HIDDEN in heatmap) != sees
    page = get(client, user, "/parcels/nanda/?year=2024").content.decode()
    assert (HIDDEN in page) != sees
    assert all(small not in json.dumps(f) or sees for f in figures(html).values())
    data = get(client, user, "/indicators/I8/data.csv?year=2024&table=parcels").content.decode("utf-8-sig")
    row = next(r for r in csv.reader(io.StringIO(data)) if r[0] == small)
    assert (row[2] == "不予公开（不足3家企业）") != sees


# --- downloads ----------------------------------------------------------------------


def test_it_downloads_the_table_behind_a_chart_as_csv(client, official, demo_data):
    response = get(client, official, "/indicators/I2/data.csv?year=2024&table=trend")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="fyp-14-I2-2024-trend.csv"' in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0][:3] == ["年份", "实际值（件/万人）", "规划路径（件/万人）"]
    assert [r[0] for r in rows[1:]] == ["2020", "2021", "2022", "2023", "2024", "2025"]
    assert rows[-1][3] == "100"  # the 2025 target


def test_it_writes_numbers_as_numbers_and_words_as_words_in_excel(client, office, small_park):
    small = small_park["small"]
    small.name_zh = "=HYPERLINK(1)"
    small.save()
    response = get(client, office, "/indicators/I8/data.xlsx?year=2024")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["trend", "parcels"]
    sheet = book["parcels"]
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=3)}
    assert cells["=HYPERLINK(1)"][0].data_type == "s"  # never a formula
    assert isinstance(cells["宝山工业园区"][2].value, float)
    assert cells["宝山工业园区"][1].value == 4


def test_it_refuses_unknown_indicators_parcels_and_tables(client, official, demo_data):
    client.force_login(official)
    assert client.get("/indicators/I9/").status_code == 404
    assert client.get("/parcels/nowhere/").status_code == 404
    assert client.get("/indicators/I2/data.csv?table=secrets").status_code == 404
    assert client.get("/indicators/I2/data.pdf").status_code == 404


def test_it_asks_for_a_login_on_every_page(client, plan):
    for url in ("/", "/indicators/I1/", "/indicators/I1/data.csv", "/parcels/", "/parcels/nanda/", "/areas/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url


# --- parcels and areas -----------------------------------------------------------


def test_it_shows_a_parcel_with_its_boundaries_and_enterprises(client, official, small_park):
    html = get(client, official, "/parcels/baoshan-industrial/?year=2024").content.decode()
    assert "四至界线" in html and "东至" in html
    assert "4家（本期报送统计数据的企业）" in html
    charts = figures(html)
    assert {f"fig-I{i}" for i in range(1, 9)} <= set(charts)


def test_it_groups_the_parcels_into_the_plans_functional_areas(client, official, demo_data):
    html = get(client, official, "/areas/").content.decode()
    kinds = re.findall(r'data-kind="(\w+)"', html)
    assert kinds == ["manufacturing", "services", "transformation"]
    assert len(re.findall(r"data-area=", html)) == 8
    assert "先进制造业基地（3个）" in html and "高技术服务业带（3个）" in html and "重点转型示范区（2个）" in html


def test_it_colours_the_heatmap_by_status_for_every_parcel_and_indicator(client, official, demo_data):
    html = get(client, official, "/parcels/?year=2024").content.decode()
    status, *_others = figures(html)["fig-heatmap"]["data"]
    assert len(status["y"]) == 10 and [x.split("<br>")[0] for x in status["x"]] == [f"I{i}" for i in range(1, 9)]
    assert "30.62" in html and "30.63" in html


# --- language -----------------------------------------------------------------------


def test_it_switches_names_units_and_status_words_to_english(client, official, demo_data):
    client.cookies["django_language"] = "en"
    html = get(client, official, "/indicators/I4/?year=2024").content.decode()
    assert '<html lang="en">' in html
    assert "Certified high-tech enterprises" in html
    assert "800 enterprises" in html  # the English unit
    assert "Behind" in html
    chinese = get(client, official, "/?year=2024").content.decode()
    assert "滞后" not in chinese.split("<main")[1]


# --- plotly.js -------------------------------------------------------------------------


def test_it_serves_the_partial_plotly_js_bundle_of_the_version_plotly_py_writes_for():
    served = finders.find("vendor/plotly/plotly.min.js")
    assert Path(served) == staticfiles.BUNDLE_FILE
    version, traces = staticfiles.read_banner(Path(served))
    assert version == get_plotlyjs_version()
    assert traces == {"scatter", "bar", "heatmap"} == set(charts.BROWSER_TRACE_TYPES)
    assert apps.check_plotly_js() == []


def test_it_fails_the_system_check_when_the_bundle_lacks_a_trace_type(monkeypatch):
    monkeypatch.setattr(charts, "BROWSER_TRACE_TYPES", ("scatter", "bar", "heatmap", "pie"))
    assert [e.id for e in apps.check_plotly_js()] == ["indicators.E003"]


def test_it_fails_the_system_check_when_plotly_js_differs(monkeypatch):
    monkeypatch.setattr(apps, "plotly_js_version", lambda path: "2.35.2")
    errors = apps.check_plotly_js()
    assert [e.id for e in errors] == ["indicators.E002"]
    monkeypatch.setattr(apps, "served_plotly_js", lambda: None)
    assert [e.id for e in apps.check_plotly_js()] == ["indicators.E001"]

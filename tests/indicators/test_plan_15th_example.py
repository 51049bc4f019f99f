"""The illustrative 15th plan (fixtures/plan-15th-example.json) on the demo data, beside the 14th plan.

It loads and passes the schema and the formula check; every indicator has a
value for 2025 (its base year) and 2026 Q1–Q3 (the demo's year so far); once
a 2026 Q4 exists every new target kind is judged; its downloads, reports and
API say 示例（非正式规划）; its 2026 monitoring report says its figures are
2026年1–9月累计 with 同比 and no status; the 14th plan's are unmarked.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from indicators import services
from indicators.models import EXAMPLE_MARK, IndicatorValue, Plan, Progress
from indicators.reference import load_plan, schema_errors
from indicators.reports import content, files, snapshot
from indicators.reports import services as report_services
from parcels import access, demo, statfields
from parcels.models import DataElement, Statistic
from tests.factories import make_user
from tests.indicators.test_reports import quick_charts  # noqa: F401 (a fixture, used by name)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_FILE = ROOT / "fixtures" / "plan-15th-example.json"
CODE = "fyp-15-example"
NEW_ELEMENTS = {"high_value_patents", "tech_contract_turnover", "specialized_sme", "energy_use"}


@pytest.fixture
def both(plan):
    load_plan(EXAMPLE_FILE)
    demo.seed_demo(enterprises=60, seed=3)
    services.recompute(full=True)
    return plan, Plan.objects.get(code=CODE)


def park_value(indicator: str, year: int, quarter: int, plan: str = CODE) -> float | None:
    return IndicatorValue.objects.get(
        indicator__plan__code=plan, indicator__code=indicator, parcel=None, year=year, quarter=quarter
    ).value


def test_it_loads_the_example_plan_file_as_an_example_with_every_target_kind(plan):
    document = json.loads(EXAMPLE_FILE.read_text(encoding="utf-8"))
    assert schema_errors(document) == []
    load_plan(EXAMPLE_FILE)  # the formula check runs inside
    example = Plan.objects.get(code=CODE)
    assert example.example and (example.start_year, example.end_year, example.base_year) == (2026, 2030, 2025)
    assert example.parcels.count() == 10 and example.functional_areas.count() == 8
    kinds = set(example.indicators.values_list("target_kind", flat=True))
    assert kinds == {"level", "approximately", "benchmark", "cumulative", "growth", "change"}
    assert set(example.indicators.values_list("attribute", flat=True)) == {"预期性", "约束性"}
    assert all(example.indicators.values_list("responsible_unit", flat=True))
    # Every element it adds is collected from 2025 Q1, so its base year has a base.
    assert dict(DataElement.objects.filter(code__in=NEW_ELEMENTS).values_list("code", "first_period")) == dict.fromkeys(
        NEW_ELEMENTS, 20251
    )
    # A target no public source gives says so in the file.
    for indicator in document["indicators"]:
        if indicator["code"] != "I9":  # 年均增长7%: the national 15th plan outline
            assert "示例目标" in indicator["target_text_zh"], indicator["code"]
            assert "illustrative" in indicator["target_text_en"], indicator["code"]
    assert "示例" in document["plan"]["source"]


def test_it_computes_every_indicator_for_2025_and_2026_q3_on_the_demo_data(both):
    _fourteenth, example = both
    assert not Statistic.objects.filter(year=2026, quarter=4).exists()  # Q4 is not due yet
    assert set(Statistic.objects.filter(year=2026).values_list("quarter", flat=True)) == {1, 2, 3}
    for indicator in example.indicators.all():
        for year, quarter in ((2025, 4), (2026, 3)):
            assert park_value(indicator.code, year, quarter) is not None, (indicator.code, year, quarter)
    # The new elements are in the 2025 and 2026 rows, and only there.
    assert set(Statistic.objects.filter(year=2025, quarter=4).first().extra) == NEW_ELEMENTS
    assert Statistic.objects.filter(year=2024).first().extra == {}
    assert park_value("I14", 2026, 3) < park_value("I14", 2025, 4)  # energy intensity falls


def test_it_writes_the_new_elements_only_where_a_plan_defines_them(plan):
    demo.seed_demo(enterprises=20, seed=3)
    assert not Statistic.objects.exclude(extra={}).exists()
    assert Statistic.objects.filter(year=2026, quarter=3).exists()


# The 2020–2025 rows of build(enterprises=40, seed=7), as the generator made them before it wrote 2026:
# sha256 of their repr, every key but extra, keys sorted (888 rows).
DEMO_2020_2025 = "3b439e0049906ef80622dd14606601647e32be9c9b609ad62da774e61570bb84"


def test_it_keeps_the_demo_years_before_the_next_plan_as_they_were():
    """The 2020–2025 figures come from the first generator alone: what the later plan adds draws from a second."""
    _companies, rows = demo.build(enterprises=40, seed=7, parcel_ids=list(range(1, 11)))
    before = [r for r in rows if r["year"] <= 2025]
    text = repr([sorted((k, v) for k, v in r.items() if k != "extra") for r in before])
    assert (hashlib.sha256(text.encode()).hexdigest(), len(before)) == (DEMO_2020_2025, 888)
    assert {(r["year"], r["quarter"]) for r in rows if r["year"] == 2026} == {(2026, 1), (2026, 2), (2026, 3)}
    assert all(set(r["extra"]) == NEW_ELEMENTS for r in rows if r["year"] >= 2025)


def add_2026_q4(factor: float = 1 / demo.YTD[2]) -> None:
    """Write 2026 Q4 from each enterprise's Q3: flows to the full year (year-to-date / 0.74), stocks and flags kept."""
    elements = {f.name: f for f in statfields.BUILT_IN} | {
        e.code: e for e in DataElement.objects.filter(code__in=NEW_ELEMENTS)
    }
    flows = {code for code, e in elements.items() if e.kind == "flow"}
    q4 = []
    for row in Statistic.objects.filter(year=2026, quarter=3):
        row.pk, row.quarter = None, 4
        for name in flows & {f.name for f in statfields.BUILT_IN}:
            value = getattr(row, name)
            if value is not None:
                setattr(
                    row,
                    name,
                    round(value * Decimal(factor), 2) if isinstance(value, Decimal) else round(value * factor),
                )
        row.extra = {
            k: (format(round(Decimal(v) * Decimal(factor), 2), "f") if k in flows else v) for k, v in row.extra.items()
        }
        q4.append(row)
    Statistic.objects.bulk_create(q4)


def test_it_judges_every_new_target_kind_once_2026_q4_is_in(both):
    _fourteenth, example = both
    assert not Progress.objects.filter(indicator__plan=example, year=2026).exists()  # no status for year to date
    add_2026_q4()
    services.recompute(full=True)
    progress = {
        p.indicator.code: p
        for p in Progress.objects.filter(indicator__plan=example, year=2026, parcel=None).select_related("indicator")
    }
    judged = {"achieved_early", "ahead", "on_track", "behind"}
    for code, kind in {
        "I6": "cumulative",
        "I8": "approximately",
        "I9": "growth",
        "I13": "level",
        "I14": "change",
    }.items():
        row = progress[code]
        assert row.indicator.target_kind == kind
        assert row.status in judged, (code, row.status, row.inputs.get("missing"))
    growth = progress["I9"]
    assert growth.inputs["rate"] == pytest.approx(0.07)
    assert growth.target == pytest.approx(growth.base_value * 1.07**5)
    change = progress["I14"]
    assert change.inputs["direction"] == "lower"
    assert change.target == pytest.approx(change.base_value * 0.83)
    assert change.inputs["change_achieved"] < 0  # the intensity fell


def test_it_marks_the_example_plans_downloads_and_not_the_14th_plans(client, both):
    client.force_login(make_user("ex-official", role=access.OFFICIAL))
    response = client.get(f"/plans/{CODE}/indicators/I9/data.csv?year=2026&quarter=3&table=trend")
    assert response.status_code == 200
    assert quote(EXAMPLE_MARK) in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert EXAMPLE_MARK not in response.content.decode("utf-8-sig")  # the CSV stays machine-readable
    assert len({len(r) for r in rows}) == 1  # a header row and data rows, no title line
    response = client.get(f"/plans/{CODE}/indicators/I9/data.xlsx?year=2026&quarter=3")
    assert quote(EXAMPLE_MARK) in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    for sheet in book.worksheets:
        assert EXAMPLE_MARK in sheet["A1"].value
        assert sheet.oddHeader.right.text == EXAMPLE_MARK == sheet.oddFooter.right.text
    response = client.get("/plans/fyp-14/indicators/I4/data.xlsx?year=2025")
    assert quote(EXAMPLE_MARK) not in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert EXAMPLE_MARK not in sheet["A1"].value and not sheet.oddHeader.right.text


def test_it_says_an_export_command_reads_an_example_plan(both):
    err = io.StringIO()
    call_command("export_progress", "--plan", CODE, stdout=io.StringIO(), stderr=err)
    assert EXAMPLE_MARK in err.getvalue()


def test_the_api_says_which_plan_is_an_example(both):
    api = APIClient()
    api.force_authenticate(make_user("ex-api", role=access.OFFICIAL))
    body = api.get(f"/api/v1/plan/?plan={CODE}").json()
    assert (body["code"], body["example"], body["example_mark"]) == (CODE, True, EXAMPLE_MARK)
    body = api.get("/api/v1/plan/?plan=fyp-14").json()
    assert (body["example"], body["example_mark"]) == (False, "")


def test_the_2026_monitoring_report_gives_its_year_to_date_figures_marked_as_an_example(both):
    _fourteenth, example = both
    frozen = snapshot.build_snapshot(year=2026, plan=example)
    assert frozen["ytd_quarter"] == 3 and frozen["plan"]["example"] is True
    for language in ("zh", "en"):
        document = content.build_document(frozen, language=language, kind="annual")
        assert document["marks"][0] == ("示例（非正式规划）" if language == "zh" else "ILLUSTRATIVE PLAN (NOT ADOPTED)")
        assert document["marks"][1:] in (["内部资料", "演示数据"], ["INTERNAL", "DEMO DATA"])  # the office's own
    document = content.build_document(frozen, language="zh", kind="annual")
    assert document["title"] == "张江高新区宝山园“十五五”规划实施情况年度监测报告"
    assert document["subtitle"] == "（2026年度，2026年1–9月累计）"
    table = document["completion"]
    header = [c["text"] for row in table["header"] for c in row]
    assert "2026年1–9月累计" in header and "同比" in header
    for row in table["rows"]:
        assert row[-1]["text"] == "年内累计，不评价"
        assert row[-4]["text"] not in ("", "—")  # the value so far is there, not an empty column
    by_name = {row[1]["text"]: row for row in table["rows"]}
    assert by_name["企业研发经费支出"][5]["text"] == "年均增长7%"  # the growth target says the rate
    assert by_name["单位增加值综合能耗"][5]["text"] == "累计下降17%"  # lower is better reads as a cut
    text = json.dumps(document["blocks"], ensure_ascii=False)
    assert "三、主要指标年内累计情况" in text and "年内累计值不作进度评价" in text and "同比" in text
    assert "三、主要成效" not in text and "数据不足" not in text


@pytest.mark.usefixtures("quick_charts")
def test_the_example_plans_report_files_say_so_in_every_header_and_their_name(both):
    _fourteenth, example = both
    office = make_user("ex-office", role=access.OFFICE)
    report = report_services.start_report(year=2026, plan=example, user=office)
    report = report_services.generate_report(report.id)
    assert report.state == report.State.DONE, report.message
    assert EXAMPLE_MARK in files.download_name(report, "pdf")
    book = openpyxl.load_workbook(io.BytesIO(bytes(report.files.get(format="xlsx").content)))
    for sheet in book.worksheets:
        assert sheet.oddHeader.right.text.startswith(EXAMPLE_MARK), sheet.title


def test_the_14th_plans_final_report_is_unmarked_and_judged_as_before(both):
    fourteenth, _example = both
    frozen = snapshot.build_snapshot(year=2025, plan=fourteenth)
    assert "ytd_quarter" not in frozen and "example" not in frozen["plan"]
    document = content.build_document(frozen, language="zh", kind="final")
    assert document["marks"] == ["内部资料", "演示数据"]  # the office's own: no 示例
    assert document["title"] == "张江高新区宝山园“十四五”规划实施情况终期评估报告"
    statuses = {row[-1]["text"] for row in document["completion"]["rows"]}
    assert statuses <= {"已实现", "未实现", "基准缺失", "数据不足"} and "已实现" in statuses


def test_the_year_to_date_report_for_officials_withholds_what_the_pages_withhold(both):
    _fourteenth, example = both
    small = IndicatorValue.objects.filter(indicator__plan=example, year=2026, quarter=3, parcel__isnull=False)
    withheld = small.exclude(withheld="")
    assert withheld.exists()  # the 60-enterprise demo leaves parcels of fewer than three enterprises
    target = withheld.select_related("indicator", "parcel").first()
    for audience, hidden in (("official", True), ("office", False)):
        frozen = snapshot.build_snapshot(year=2026, plan=example, audience=audience)
        indicator = next(i for i in frozen["indicators"] if i["code"] == target.indicator.code)
        row = next(p for p in indicator["parcels"] if p["code"] == target.parcel.code)
        assert (row["value"] is None) == hidden and bool(row["withheld"]) == hidden
        assert content.confidential(row) == hidden

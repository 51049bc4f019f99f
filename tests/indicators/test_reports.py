"""The assessment report: frozen data, the three files opened and checked, byte-identical downloads."""

import csv
import io
import re
import subprocess
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from PIL import Image

from indicators import exports
from indicators import services as indicator_services
from indicators.models import BenchmarkValue, Indicator, Plan, Progress, Report, ReportFile
from indicators.reports import files, queries, services, snapshot
from indicators.reports.sentences import status_word
from parcels import demo
from parcels.access import OFFICE, OFFICIAL
from parcels.models import Statistic
from tests.factories import make_user

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("http://example.invalid","点我")', "+1", "@SUM(A1)", "-2+3"]
NAMES = [
    "企业研发经费支出占增加值比重",
    "万人当年新增发明专利授权数",
    "战略性新兴产业制造业产值占规模以上工业产值的比重",
    "经认定的高新技术企业",
    "营收10亿以上的行业龙头企业",
    "五年累计新增科技上市企业",
    "企业外籍常驻人员和留学归国人员占比",
    "硕士以上从业人员占比",
]


@pytest.fixture
def data(plan):
    demo.seed_demo(enterprises=60, seed=3)
    indicator_services.recompute(full=True)
    return plan


@pytest.fixture
def office(db):
    return make_user("office1", role=OFFICE, first_name="王办")


def png(colour: str = "#0b3d73") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), colour).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def quick_charts(monkeypatch):
    """Stand-in chart images: the files' structure is what these tests read, not the pictures."""

    def fake(report, *, progress=None):
        from indicators.reports import figures

        keys = figures.indicator_figures(report.snapshot, report.language)
        if progress:
            progress(65, "charts")
        return {key: png() for key in keys}

    monkeypatch.setattr(services, "render_images", fake)


def generate(**kwargs) -> Report:
    report = services.start_report(**kwargs)
    report = services.generate_report(report.id)
    assert report.state == Report.State.DONE, report.message
    return report


def file_bytes(report: Report, fmt: str) -> bytes:
    return bytes(queries.stored_file(report, fmt).content)


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_it_freezes_the_data_with_a_stable_hash(data):
    first = snapshot.build_snapshot(year=2023)
    second = snapshot.build_snapshot(year=2023)
    assert snapshot.canonical_json(first) == snapshot.canonical_json(second)
    assert snapshot.snapshot_hash(first) == snapshot.snapshot_hash(second)
    assert [i["code"] for i in first["indicators"]] == ["I1", "I2", "I3", "I4", "I5", "I6", "I7", "I8"]
    assert first["thresholds"] == {"ahead": 1.1, "on_track": 0.9}

    BenchmarkValue.objects.filter(indicator__code="I3", year=2023).update(value=45)
    indicator_services.recompute()
    revised = snapshot.build_snapshot(year=2023)
    assert snapshot.snapshot_hash(revised) != snapshot.snapshot_hash(first)
    assert revised["data_version"] > first["data_version"]


def test_it_freezes_every_field_of_the_snapshot_contract(data):
    frozen = snapshot.build_snapshot(year=2023)
    i4 = next(i for i in frozen["indicators"] if i["code"] == "I4")
    assert set(i4["park"][-1]) == {
        "year",
        "value",
        "target",
        "expected",
        "completion",
        "pace",
        "status",
        "gap",
        "needed_per_year",
        "projected",
        "projected_gap",
        "benchmark_year",
        "provisional",
        "base_value",
    }
    assert [r["year"] for r in i4["park"]] == [2021, 2022, 2023]
    assert set(i4["parcels"][0]) == {
        "code",
        "value",
        "base_value",
        "target",
        "completion",
        "status",
        "gap",
        "share_of_change",
        "enterprises",
        "withheld",
    }
    assert frozen["audience"] == "office" and {p["withheld"] for p in i4["parcels"]} == {""}  # the office's: all
    assert i4["base_actual"] is not None and i4["inputs"]["base_source"] == "plan"
    assert set(frozen["quality"]) == {
        "statistics_missing",
        "provisional",
        "benchmark_missing",
        "returns",
        "return_quality",
    }
    assert frozen["schema"] == 2 and frozen["demo"] is True
    assert i4["narrative"] is None and i4["responsible_unit"] == ""


def test_it_refuses_a_year_outside_the_plan_with_a_clear_message(data):
    with pytest.raises(ValidationError) as error:
        services.start_report(year=2019)
    assert "评估年度“2019”不在宝山园“十四五”规划的规划期2021—2025年内" in error.value.messages[0]
    with pytest.raises(ValidationError) as error:
        services.start_report(year=2023, comments={"I9": "x"})
    assert "指标“I9”不存在" in error.value.messages[0]


def test_it_derives_the_kind_and_links_the_previous_report(data, quick_charts):
    first = services.start_report(year=2023)
    assert first.kind == "mid-term" and first.state == Report.State.QUEUED and first.previous is None
    second = services.start_report(year=2023)
    assert second.previous == first
    assert services.start_report(year=2025).kind == "final"
    assert services.run_queued_reports(limit=2) == 2
    assert Report.objects.get(id=first.id).state == Report.State.DONE
    assert services.generate_report(first.id).state == Report.State.DONE  # twice: left as it is
    assert first.files.count() == 3


def docx_text(blob: bytes) -> str:
    document = Document(io.BytesIO(blob))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_it_writes_a_word_file_with_the_sections_of_an_assessment_and_the_completion_table(data, office, quick_charts):
    report = generate(year=2023, user=office, comments={"I4": "请各地块加快高企培育。"})
    document = Document(io.BytesIO(file_bytes(report, "docx")))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading 1")]
    assert headings == [
        "一、总体情况",
        "二、主要指标完成情况",
        "三、主要成效",
        "四、存在问题及原因",
        "五、下一步建议",
        "附录",
    ]
    main = document.tables[0]
    assert len(main.columns) == 6 + 3 + 2  # 序号…目标值, 2021–2023, 完成情况, 评价
    assert len(main.rows) == 2 + 8 + 1  # two header rows, eight indicators, the footnotes
    first = list(dict.fromkeys(c.text for c in main.rows[0].cells))
    assert first == ["序号", "指标", "单位", "属性", "基期值（2020年）", "目标值", "各年实际", "完成情况", "评价"]
    assert [c.text for c in main.rows[1].cells][6:9] == ["2021年", "2022年", "2023年"]
    park = {
        p.indicator.name_zh: p.status
        for p in Progress.objects.filter(parcel__isnull=True, year=2023).select_related("indicator")
    }
    for row, name in zip(main.rows[2:10], NAMES, strict=True):
        cells = [c.text for c in row.cells]
        assert cells[1] == name
        assert cells[-1] == status_word(park[name])
    assert "暂用" in main.rows[-1].cells[0].text or "基准缺失" in main.rows[-1].cells[0].text  # notes in the table
    # Both header rows repeat on every page; no row splits across pages.
    for row in main.rows[:2]:
        assert row._tr.trPr.find(qn("w:tblHeader")) is not None
    for row in main.rows:
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None
    assert main.rows[2]._tr.trPr.find(qn("w:tblHeader")) is None
    # Explicit widths: a fixed layout whose grid holds the longest name on one line, within the landscape page.
    assert main._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    grid = [int(c.get(qn("w:w"))) / 56.7 for c in main._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert sum(grid) <= 257.5
    assert grid[1] >= len(NAMES[2]) * 9 * 25.4 / 72  # 24 characters of 9 pt
    orientations = [s.orientation for s in document.sections]
    assert orientations[:3] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    header = document.sections[0].header.paragraphs[0].text
    assert "张江高新区宝山园“十四五”规划实施情况中期评估报告" in header and "演示数据" in header
    assert all(s.header.is_linked_to_previous for s in document.sections[1:])  # the same header on every page
    footer = document.sections[0].footer._element.xml
    assert "PAGE" in footer and 'w:fldCharType="begin"' in footer
    assert document.sections[0].page_width.mm == pytest.approx(210, abs=0.5)
    styles = document.styles.element.xml
    assert 'w:eastAsia="宋体"' in styles and 'w:eastAsia="黑体"' in styles
    text = docx_text(file_bytes(report, "docx"))
    assert "办公室意见：请各地块加快高企培育。" in text
    assert "张江高新区宝山园“十四五”规划实施情况中期评估报告" in text and "演示数据" in text
    assert document.core_properties.author == "王办"


def test_it_writes_the_appendix_in_plain_words(data, office, quick_charts):
    report = generate(year=2023, user=office)
    text = docx_text(file_bytes(report, "docx"))
    appendix = text[text.index("\n附录\n") :]
    for part in ("（一）数据来源", "（二）统计口径", "（三）计算方法", "（四）数据质量", "（五）与上次报告相比的变化"):
        assert part in appendix
    assert not re.search(r"(?<![A-Za-z])(d0?|s|p|R)(?![A-Za-z&])", appendix.split("（六）")[0]), "a formula symbol"
    assert "Σ" not in appendix and "2,02" not in text and "任务进度" not in appendix and "进度比" not in appendix
    assert "研发经费支出合计 ÷ 增加值合计 × 100" in appendix
    assert "已缩小差距的" in appendix  # a status before the target year, said in words


def test_it_marks_every_part_of_a_report_on_demo_data_and_not_otherwise(data, office, quick_charts):
    report = generate(year=2024, user=office)
    assert report.snapshot["demo"] is True
    document = services.document_for(report)
    assert document["marks"] == ["内部资料", "演示数据"]  # the office's own report: every parcel figure
    workbook = openpyxl.load_workbook(io.BytesIO(file_bytes(report, "xlsx")))
    for sheet in workbook.worksheets:
        assert sheet.oddHeader.right.text == "内部资料　演示数据", sheet.title
    Statistic.objects.update(source=Statistic.Source.CLI)
    real = services.start_report(year=2024, user=office)
    assert real.snapshot["demo"] is False and services.document_for(real)["marks"] == ["内部资料"]
    public = services.start_report(year=2024, user=office, audience="official")
    assert services.document_for(public)["marks"] == []


def test_it_generates_the_same_bytes_twice_from_the_same_snapshot(data, office):
    report = services.start_report(year=2024, user=office)
    images = {key: png() for key in ("I1-trend", "I4-trend", "I4-parcels")}
    first = services.build_files(report, images)
    second = services.build_files(report, images)
    for fmt in files.FORMATS:
        assert first[fmt] == second[fmt], fmt
    for info in zipfile.ZipFile(io.BytesIO(first["docx"])).infolist():
        assert (
            info.date_time[:3] == tuple(int(x) for x in report.created_at.astimezone().strftime("%Y %m %d").split())
            or info.date_time[0] == report.created_at.year
        )


def test_it_downloads_the_same_bytes_after_the_data_changed_and_a_new_report_shows_the_change(
    data, office, client, quick_charts
):
    client.force_login(office)
    report = generate(year=2023, user=office)
    downloads = {fmt: client.get(f"/reports/{report.id}/download.{fmt}").content for fmt in files.FORMATS}
    assert downloads["pdf"].startswith(b"%PDF")

    BenchmarkValue.objects.filter(indicator__code="I3", year=2023).update(value=47.5)
    indicator_services.recompute()

    for fmt in files.FORMATS:
        again = client.get(f"/reports/{report.id}/download.{fmt}")
        assert again.content == downloads[fmt], fmt
        assert again["Content-Disposition"].startswith("attachment;")
    newer = generate(year=2023, user=office)
    assert newer.previous_id == report.id
    assert newer.data_version > report.data_version
    text = "\n".join(p.text for p in Document(io.BytesIO(file_bytes(newer, "docx"))).paragraphs)
    assert "（五）与上次报告相比的变化" in text
    assert f"数据版本由{report.data_version}" in text
    assert "战略性新兴产业制造业产值占规模以上工业产值的比重2023年对标基准值由43.90变为47.50。" in text
    assert "战略性新兴产业制造业产值占规模以上工业产值的比重：当年实际" not in text  # the value did not move
    old = "\n".join(p.text for p in Document(io.BytesIO(downloads["docx"])).paragraphs)
    assert "47.50" not in old


def test_it_writes_numbers_as_numbers_and_never_a_formula_in_the_spreadsheet(data, office, quick_charts):
    comments = {"I1": FORMULAS[0], "I2": FORMULAS[1], "I3": FORMULAS[2], "I4": FORMULAS[3]}
    report = generate(year=2023, user=office, comments=comments)
    blob = file_bytes(report, "xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(blob))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for c in row:
                assert c.data_type != "f", (sheet.title, c.coordinate, c.value)
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in z.read(name).decode() and "<f " not in z.read(name).decode()
    texts = {c.value for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row}
    for formula in FORMULAS:
        assert formula in texts  # kept as typed, as text

    main = workbook["主要指标完成情况"]
    assert [c.value for c in main[1]][:3] == ["序号", "指标", "单位"]
    rows = list(main.iter_rows(min_row=3, max_row=10, values_only=False))
    assert [r[1].value for r in rows] == NAMES
    i4 = rows[3]
    assert isinstance(i4[0].value, int)
    for c in i4[4:10]:
        assert isinstance(c.value, int | float), c.coordinate
    assert i4[9].number_format == "0.0%"
    assert i4[8].number_format == "#,##0"
    assert rows[1][8].number_format == "#,##0.00"
    assert isinstance(rows[2][5].value, float)  # a benchmark target is the year's benchmark, footnoted
    assert [c.value for c in main[1]][-1] == "注" and rows[2][-1].value

    parcels = workbook["各地块指标"]
    assert parcels["A2"].value == "宝山工业园区"
    numbers = [c.value for row in parcels.iter_rows(min_row=2, max_row=11) for c in row[1:]]
    assert any(isinstance(v, int | float) for v in numbers)
    assert all(isinstance(v, int | float) or v in (None, "*") for v in numbers)  # * not disclosed
    assert "I4-趋势" in workbook.sheetnames and "I4-地块" in workbook.sheetnames
    trend = workbook["I4-趋势"]
    assert [c.value for c in trend[1]][:2] == ["年份", "实际值"]
    assert trend["A2"].value == 2020 and isinstance(trend["B2"].value, int | float)


def header_rows(sheet) -> int:
    return int(sheet.print_title_rows.split(":")[-1].lstrip("$")) if sheet.print_title_rows else 0


def test_it_prints_every_sheet_one_page_wide_with_titles_and_no_empty_columns(data, office, quick_charts):
    report = generate(year=2025, user=office)
    workbook = openpyxl.load_workbook(io.BytesIO(file_bytes(report, "xlsx")))
    for sheet in workbook.worksheets:
        setup = sheet.page_setup
        assert int(setup.paperSize) == 9 and setup.fitToWidth == 1 and setup.fitToHeight == 0, sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert sheet.oddHeader.left.text.startswith("张江高新区宝山园"), sheet.title
        assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
        depth = header_rows(sheet)
        if sheet.title == "报告信息":
            assert sheet.freeze_panes is None
            continue
        assert depth in (1, 2), sheet.title
        assert sheet.freeze_panes == f"A{depth + 1}", sheet.title  # the header rows only
        data_rows = [
            r for r in sheet.iter_rows(min_row=depth + 1, values_only=True) if any(v not in (None, "") for v in r)
        ]
        for j in range(sheet.max_column):
            assert any(r[j] not in (None, "", "—") for r in data_rows if len(r) > j), (sheet.title, j)
    assert workbook["主要指标完成情况"].page_setup.orientation == "landscape"
    assert "I2-地块" in workbook.sheetnames
    i2 = [c.value for c in workbook["I2-地块"][1]]
    assert "占园区变化比重" not in i2 and "完成情况" in i2  # a ratio's parcels are judged
    i4 = [c.value for c in workbook["I4-地块"][1]]
    assert "占园区变化比重" in i4 and "评价" not in i4  # a count's parcels, without split targets, are not


def test_its_spreadsheet_completion_table_equals_export_progress_row_for_row(data, office, quick_charts):
    year = 2024
    report = generate(year=year, user=office)
    sheet = openpyxl.load_workbook(io.BytesIO(file_bytes(report, "xlsx")))["主要指标完成情况"]
    header = [c.value for c in sheet[1]]
    years = [c.value for c in sheet[2]]
    out = io.StringIO()
    call_command("export_progress", stdout=out)
    park = {(r["indicator"], int(r["year"])): r for r in csv.DictReader(io.StringIO(out.getvalue())) if not r["parcel"]}
    indicators = {i.order: i for i in Indicator.objects.all()}
    rows = [r for r in sheet.iter_rows(min_row=3, values_only=True) if isinstance(r[0], int)]
    assert [indicators[r[0]].code for r in rows] == [f"I{n}" for n in range(1, 9)]
    for row in rows:
        indicator = indicators[row[0]]
        expected = park[(indicator.code, year)]
        d = indicator.decimals

        def shown(column: str, value, d=d) -> str:
            return exports.figure(column, value, d)

        assert shown("base_value", row[header.index("基期值（2020年）")]) == expected["base_value"]
        assert shown("target", row[header.index("目标值")]) == expected["target"]
        for j, label in enumerate(years):
            if label:
                y = int(label.rstrip("年"))
                assert shown("value", row[j]) == park[(indicator.code, y)]["value"], (indicator.code, y)
        assert shown("completion", row[header.index("完成情况")]) == expected["completion"]
        assert row[header.index("评价")] == expected["status"]
    assert len(rows) == len([k for k in park if k[1] == year])


def test_it_writes_a_pdf_with_embedded_chinese_fonts_and_real_charts(data, office, tmp_path):
    report = generate(year=2023, user=office)
    blob = file_bytes(report, "pdf")
    assert report.duration_ms > 0

    fonts = subprocess.run(["pdffonts", "-"], input=blob, capture_output=True, check=True).stdout.decode()
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows, fonts
    for row in rows:
        assert "Noto-Sans-CJK-SC" in row[0], fonts  # no fallback font stood in for a missing glyph
        assert row[-5] == "yes", fonts  # embedded

    text = subprocess.run(["pdftotext", "-", "-"], input=blob, capture_output=True, check=True).stdout.decode()
    for name in NAMES:
        assert flat(name) in flat(text)
    document = services.document_for(report)
    # Every generated sentence reads back exactly: each character was drawn from the embedded font.
    for block in document["blocks"]:
        if block["kind"] == "paragraph":
            assert flat(block["text"]) in flat(text), block["text"]
    assert "□" not in text and "\ufffd" not in text

    (tmp_path / "report.pdf").write_bytes(blob)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(tmp_path / "report.pdf"), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) > 10
    for n in range(1, len(pages) + 1):
        one = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-", "-"], input=blob, capture_output=True)
        assert "演示数据" in one.stdout.decode(), n  # the cover and every page
    for page in pages:
        darkest, _lightest = Image.open(page).convert("L").getextrema()
        assert darkest < 100, page.name  # something is drawn on every page

    # The real charts: each one a PNG of some size, in the Word file too.
    with zipfile.ZipFile(io.BytesIO(file_bytes(report, "docx"))) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
    assert len(media) == 16


def test_it_writes_the_report_in_english_on_request(data, office, quick_charts):
    report = generate(year=2023, user=office, language="en")
    document = Document(io.BytesIO(file_bytes(report, "docx")))
    assert [c.text for c in document.tables[0].rows[0].cells][:3] == ["No.", "Indicator", "Unit"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Of 8 indicators:" in text and "1. Overview" in text and "Appendix" in text
    assert "Mid-term Assessment Report" in document.sections[0].header.paragraphs[0].text


def test_it_exports_a_report_from_the_command_line(data, tmp_path, quick_charts):
    out = tmp_path / "report.xlsx"
    call_command("export_report", "--year", "2023", "--format", "xlsx", "--output", str(out), stdout=io.StringIO())
    workbook = openpyxl.load_workbook(out)
    assert workbook["主要指标完成情况"]["B3"].value == NAMES[0]


def test_it_shows_reports_to_the_office_only(data, office, client, quick_charts):
    report = generate(year=2023, user=office)
    official = make_user("official1", role=OFFICIAL)
    client.force_login(official)
    assert client.get("/reports/").status_code == 403
    assert client.get(f"/reports/{report.id}/").status_code == 404
    assert client.get(f"/reports/{report.id}/status.json").status_code == 404
    assert client.get(f"/reports/{report.id}/download.pdf").status_code == 404
    client.logout()
    assert client.get(f"/reports/{report.id}/download.pdf").status_code == 302  # to the login


def test_it_starts_a_report_from_the_page_and_reports_its_progress(data, office, client, quick_charts):
    client.force_login(office)
    page = client.get("/reports/")
    assert page.status_code == 200
    assert "生成新报告" in page.content.decode()
    response = client.post("/reports/", {"year": "2023", "kind": "", "language": "zh", "comment_I4": "=HYPERLINK(1)"})
    report = Report.objects.get()
    assert response.status_code == 302 and response.url == f"/plans/fyp-14/reports/{report.id}/"
    assert report.plan.code == "fyp-14"
    assert report.state == Report.State.QUEUED and report.comments == {"I4": "=HYPERLINK(1)"}
    assert report.created_by == office
    status = client.get(f"/reports/{report.id}/status.json").json()
    assert status["state"] == "queued" and status["downloads"] == []

    services.run_queued_reports()
    status = client.get(f"/reports/{report.id}/status.json").json()
    assert status["state"] == "done" and status["progress"] == 100
    assert [d["format"] for d in status["downloads"]] == ["docx", "pdf", "xlsx"]
    listing = client.get("/reports/").content.decode()
    assert "王办" in listing and f'data-report="{report.id}"' in listing

    bad = client.post("/reports/", {"year": "1999", "language": "zh"})
    assert bad.status_code == 400
    assert "评估年度“1999”不在宝山园“十四五”规划的规划期2021—2025年内" in bad.content.decode()


def stored_report(user) -> Report:
    """A finished report with its three files, made directly (the list page reads only these rows)."""
    report = Report.objects.create(
        plan=Plan.objects.get(),
        year=2023,
        kind=Report.Kind.ANNUAL,
        snapshot={},
        snapshot_sha256="0" * 64,
        data_version=1,
        created_at=timezone.now(),
        created_by=user,
        state=Report.State.DONE,
    )
    for fmt in files.FORMATS:
        ReportFile.objects.create(report=report, format=fmt, content=b"x" * 2048, sha256="a" * 64, size=2048)
    return report


def test_it_lists_five_reports_in_as_many_queries_as_one(plan, office, client):
    client.force_login(office)

    def queries_of_the_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/reports/")
        assert response.status_code == 200
        return len(captured.captured_queries)

    stored_report(office)
    queries_of_the_list()  # the first request of a session reads a few things once
    one = queries_of_the_list()
    for _ in range(4):
        stored_report(make_user(role=OFFICE))
    assert queries_of_the_list() == one
    listing = client.get("/reports/").content.decode()
    assert listing.count("data-report=") == 5 and listing.count(">Excel</a>") == 5


def test_it_footnotes_a_provisional_benchmark_in_the_table_and_says_so_in_the_summary(data, office):
    report = services.start_report(year=2025, user=office)
    document = services.document_for(report)
    table = document["completion"]
    i3 = next(row for row in table["rows"] if row[1]["text"] == NAMES[2])
    mark = i3[5]["note"]
    assert mark and i3[5]["text"] == "43.60"  # the 2024 value stands for 2025's
    [note] = [n for n in table["footnotes"] if n.startswith(mark)]
    assert "2025年基准值尚未录入，暂用2024年基准值43.60%，评价为暂定" in note
    summary = [b["text"] for b in document["blocks"] if (b.get("about") or {}).get("scope") == "summary"]
    assert any("评价暂用2024年基准值，结论为暂定" in text and NAMES[2] in text for text in summary)


def test_its_data_quality_counts_imported_quarters_as_filed(data, office):
    """A year with one return filed online and the rest imported by the office lists nothing as not filed."""
    from parcels.models import Parcel, ParcelReturn

    parcel = Parcel.objects.order_by("order").first()
    ParcelReturn.objects.create(
        parcel=parcel, year=2025, quarter=1, state=ParcelReturn.State.APPROVED, approved_at=timezone.now()
    )
    ParcelReturn.objects.create(parcel=parcel, year=2025, quarter=2, state=ParcelReturn.State.SUBMITTED)
    frozen = snapshot.build_snapshot(year=2025)
    returns = frozen["quality"]["returns"]
    assert returns["missing"] == [] and len(returns["imported"]) == 4 * 10 - 2
    assert returns["unapproved"] == [{"parcel": parcel.code, "quarter": 2, "state": "submitted"}]
    document = services.document_for(services.start_report(year=2025, user=office))
    quality = next(b for i, b in enumerate(document["blocks"]) if b["kind"] == "bullets" and i > 0 and
                   document["blocks"][i - 1].get("text") == "（四）数据质量")  # fmt: skip
    text = "\n".join(quality["items"])
    assert "未报送" not in text and "2025年各地块四个季度均有企业统计数据。" in text
    assert "由办公室导入（视同审核通过）" in text
    assert f"以下地块季度报表尚未审核通过：{parcel.name_zh}（第2季度）" in text

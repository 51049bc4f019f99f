"""The report as the offices see it: the PDF's pages, and the Word and Excel files printed by an office suite.

LibreOffice headless stands in for WPS and Word (Debian's libreoffice-writer-nogui
and libreoffice-calc-nogui, installed by scripts/lib.sh): it converts the DOCX
and XLSX to PDF, and the tests read where each word landed (pdftotext
-bbox-layout). The pages are rendered to PNG under test-artifacts/report/ to be
looked at: the cover, the completion table and a narrative section, in Chinese
and in English, and the office suite's pages of the same tables.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from indicators import services as indicator_services
from indicators.models import Indicator
from indicators.narratives import services as narrative_services
from indicators.reports import queries, services
from parcels import demo
from parcels.access import OFFICE
from parcels.models import Parcel
from tests.browser_helpers import ARTIFACTS
from tests.factories import make_user

pytestmark = pytest.mark.django_db
OUT = ARTIFACTS / "report"
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
LINE = re.compile(r"<line [^>]*>(.*?)</line>", re.S)


@pytest.fixture(scope="module")
def reports(django_db_setup, django_db_blocker):
    """A final assessment in Chinese and in English, with real charts and a narrative, made once for the module."""
    with django_db_blocker.unblock():
        from indicators.reference import load_plan
        from tests.conftest import PLAN_FILE

        load_plan(PLAN_FILE)
        demo.seed_demo(enterprises=60, seed=3)
        indicator_services.recompute(full=True)
        office = make_user("office-lo", role=OFFICE, first_name="王办")
        for code in ("I3", "I4"):
            narrative_services.record_narrative(
                indicator=Indicator.objects.get(code=code),
                year=2025,
                reasons="部分企业认定延后，统计口径调整。",
                measures="建立培育库，按季度跟踪。",
                based_on=0,
                user=office,
            )
        made = {}
        for language in ("zh", "en"):
            report = services.generate_report(services.start_report(year=2025, language=language, user=office).id)
            made[language] = {fmt: bytes(queries.stored_file(report, fmt).content) for fmt in ("pdf", "docx", "xlsx")}
            made[language]["id"] = report.id
        yield made
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)


def pages(pdf: Path) -> list[tuple[float, float, list[tuple[float, float, float, float, str]], list[str]]]:
    """Return each page of a PDF: its width, height, words with their boxes, and its lines of text."""
    xhtml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    out = []
    for width, height, body in PAGE.findall(xhtml.decode()):
        words = [(float(a), float(b), float(c), float(d), html.unescape(t)) for a, b, c, d, t in WORD.findall(body)]
        lines = [" ".join(html.unescape(t) for *_box, t in WORD.findall(line)) for line in LINE.findall(body)]
        out.append((float(width), float(height), words, lines))
    return out


def page_with(all_pages, text: str) -> int:
    """Return the index of the first page with a line holding `text` (Chinese compared without spaces)."""
    for i, (_w, _h, _words, lines) in enumerate(all_pages):
        if any(text in line or text in line.replace(" ", "") for line in lines):
            return i
    raise AssertionError(f"no page says {text}")


def png(pdf: Path, page: int, name: str) -> Path:
    """Render one page (0-based) to test-artifacts/report/NAME.png and return it."""
    OUT.mkdir(parents=True, exist_ok=True)
    stem = OUT / name
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", "-f", str(page + 1), "-l", str(page + 1),
                    str(pdf), str(stem)], check=True)  # fmt: skip
    image = stem.with_suffix(".png")
    darkest, _lightest = Image.open(image).convert("L").getextrema()
    assert darkest < 100, name  # something is drawn
    return image


def convert(blob: bytes, name: str, tmp_path: Path) -> Path:
    """Convert a DOCX or XLSX to PDF with LibreOffice headless, in a profile of its own."""
    assert shutil.which("soffice"), "LibreOffice is missing: scripts/lib.sh ensure_system_packages installs it"
    source = tmp_path / name
    source.write_bytes(blob)
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation={profile}", "--convert-to", "pdf", "--outdir",
         str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return source.with_suffix(".pdf")


MARGIN = 20 * 72 / 25.4 - 2  # the reports' side margins, 20 mm, in points (less a little for the rules)


def assert_fits(all_pages, index: int, what: str, margin: float = MARGIN) -> None:
    """Every word of the page lies inside the text area: between the side margins, never beyond."""
    width, _height, words, _lines = all_pages[index]
    assert words, what
    left, right = min(w[0] for w in words), max(w[2] for w in words)
    assert left >= margin and right <= width - margin, f"{what}: text from {left:.0f} to {right:.0f} of {width:.0f}"


def assert_names_whole(all_pages, index: int, names: list[str], what: str) -> None:
    """Each Chinese name stands whole on one line of the page: never broken across lines."""
    lines = [re.sub(r"\s+", "", line) for line in all_pages[index][3]]
    for name in names:
        assert any(name in line for line in lines), f"{what}: {name} is broken across lines"


CHINESE = ["企业研发经费支出占增加值比重", "战略性新兴产业制造业产值占规模以上工业产值的比重", "经认定的高新技术企业"]


def test_it_renders_the_pdfs_cover_completion_table_and_narrative_in_both_languages(reports, tmp_path):
    marks = {
        "zh": ("主要指标完成情况表", "原因分析：", "演示数据"),
        "en": ("The main indicators", "Causes:", "DEMO DATA"),
    }
    for language, (table_title, narrative, mark) in marks.items():
        pdf = tmp_path / f"report-{language}.pdf"
        pdf.write_bytes(reports[language]["pdf"])
        all_pages = pages(pdf)
        table = page_with(all_pages, table_title)
        story = page_with(all_pages, narrative)
        png(pdf, 0, f"pdf-{language}-cover")
        png(pdf, table, f"pdf-{language}-completion")
        png(pdf, story, f"pdf-{language}-narrative")
        width, height, _words, _lines = all_pages[table]
        assert width > height  # the completion table's page is landscape
        for n in range(len(all_pages)):
            assert_fits(all_pages, n, f"pdf {language} page {n + 1}")  # no table runs off any page
        for n, page in enumerate(all_pages):
            assert mark in "".join(page[3]).replace(" ", "") or mark in " ".join(page[3]), (language, n)
    zh = pages(tmp_path / "report-zh.pdf")
    assert_names_whole(zh, page_with(zh, "主要指标完成情况表"), CHINESE, "pdf")
    parcels = [p.name_zh for p in Parcel.objects.order_by("order")]
    assert_names_whole(zh, page_with(zh, "较基期变化"), parcels[:3], "pdf parcels")


def test_libreoffice_prints_the_word_files_completion_table_within_the_page_with_whole_names(reports, tmp_path):
    pdf = convert(reports["zh"]["docx"], "report-zh.docx", tmp_path)
    all_pages = pages(pdf)
    table = page_with(all_pages, "主要指标完成情况表")
    width, height, _words, _lines = all_pages[table]
    assert width > height
    for n in range(len(all_pages)):
        assert_fits(all_pages, n, f"docx page {n + 1}")
    assert_names_whole(all_pages, table, CHINESE, "docx")
    assert any(line.endswith("评价") or "评价" in line for line in all_pages[table][3])  # the last column is there
    parcels = page_with(all_pages, "北上海生物医药产业园")
    assert_names_whole(all_pages, parcels, ["北上海生物医药产业园(南区)"], "docx parcels")
    for n, page in enumerate(all_pages):
        assert "演示数据" in "".join(page[3]).replace(" ", ""), n
    png(pdf, table, "docx-zh-completion")
    png(pdf, parcels, "docx-zh-parcels")
    png(pdf, 0, "docx-zh-cover")

    english = pages(convert(reports["en"]["docx"], "report-en.docx", tmp_path))
    table = page_with(english, "The main indicators")
    for n in range(len(english)):
        assert_fits(english, n, f"docx en page {n + 1}")
    words = {w[4] for w in english[table][2]}
    for name in ("Certified high-tech enterprises", "Leading enterprises with revenue of CNY 1 billion or more"):
        for word in name.split():
            assert word in words, f"{word} broken across lines"


def test_libreoffice_prints_the_spreadsheets_completion_table_on_one_page_wide(reports, tmp_path):
    pdf = convert(reports["zh"]["xlsx"], "report-zh.xlsx", tmp_path)
    all_pages = pages(pdf)
    first = all_pages[0]
    assert first[0] > first[1]  # landscape
    text = "".join(first[3]).replace(" ", "")
    for heading in ("序号", "指标", "各年实际", "2025年", "完成情况", "评价"):
        assert heading in text, heading  # every column on the first page, none cut off to another
    assert_fits(all_pages, 0, "xlsx", margin=0.5 * 72 - 2)  # the sheets' margins, half an inch
    assert_names_whole(all_pages, 0, CHINESE, "xlsx")
    assert len(all_pages) <= 25  # one page a sheet, not the 34 portrait pages of a cut-off table
    for n, page in enumerate(all_pages):
        assert "演示数据" in "".join(page[3]).replace(" ", ""), n
    png(pdf, 0, "xlsx-zh-completion")


def test_a_report_generated_twice_from_its_frozen_data_is_byte_identical(reports):
    """The charts drawn again and the three files written again give the stored bytes, in both languages."""
    for language in ("zh", "en"):
        report = queries.report_for_generation(reports[language]["id"])
        again = services.build_files(report, services.render_images(report))
        for fmt in ("pdf", "docx", "xlsx"):
            assert again[fmt] == reports[language][fmt], (language, fmt)

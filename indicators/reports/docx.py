"""Write the report as Word (.docx): real headings, real tables with repeated header rows, page numbers.

The offices edit reports in Word, so everything is a Word structure rather
than a picture of one: Heading 1/2 styles, tables whose first row repeats on
every page (w:tblHeader), a PAGE field in the footer, A4 pages, and East Asian
fonts set on the styles (宋体 for text, 黑体 for headings, as government
documents use; Word substitutes its own CJK font where these are missing).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from .stable import normalize_zip

BODY_FONT, HEADING_FONT, LATIN_FONT = "宋体", "黑体", "Times New Roman"
INK = RGBColor(0x1D, 0x27, 0x33)
NUMERIC_COLUMNS = {4, 5, 6, 7, 8}  # of the main table: right-aligned


def _fonts(style_or_run, east_asia: str, latin: str = LATIN_FONT) -> None:
    font = style_or_run.font
    font.name = latin
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def _setup(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin, section.bottom_margin = Mm(25), Mm(22)
    styles = document.styles
    normal = styles["Normal"]
    _fonts(normal, BODY_FONT)
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.3
    for name, size in (("Title", 20), ("Heading 1", 15), ("Heading 2", 13), ("Heading 3", 11.5)):
        style = styles[name]
        _fonts(style, HEADING_FONT, "Arial")
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = INK
        style.paragraph_format.space_before = Pt(12 if name != "Title" else 0)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    # The Title style of the default template draws a rule under the text: not on a government cover.
    ppr = styles["Title"].element.pPr
    if ppr is not None:
        border = ppr.find(qn("w:pBdr"))
        if border is not None:
            ppr.remove(border)
    _page_number_footer(section)


def _internal_header(section, mark: str) -> None:
    """Put the mark (内部资料) at the top of every page, the cover's too."""
    if not mark:
        return
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(mark)
    run.bold = True
    run.font.size = Pt(10.5)
    run.font.color.rgb = RGBColor(0xB0, 0x1E, 0x1E)
    _fonts(run, HEADING_FONT, "Arial")


def _page_number_footer(section) -> None:
    """Put '— PAGE —' in the footer as a real field, so Word numbers the pages as they are edited."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("— ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, None), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
            run._r.append(element)
        elif text:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            placeholder = OxmlElement("w:t")
            placeholder.text = "1"
            run._r.append(placeholder)
    paragraph.add_run(" —")


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    trpr.append(flag)
    no_split = OxmlElement("w:cantSplit")
    no_split.set(qn("w:val"), "true")
    trpr.append(no_split)


def _shade(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tcpr.append(shading)


def _table(document, header: list[str], rows: list[list[Mapping]], *, size: float = 9, numeric=(), widths=None):
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    head = table.rows[0]
    _repeat_header(head)
    for i, text in enumerate(header):
        cell = head.cells[i]
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(size)
        _fonts(run, HEADING_FONT, "Arial")
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _shade(cell, "E8EDF3")
    for row in rows:
        cells = table.add_row().cells
        for i, value in enumerate(row):
            paragraph = cells[i].paragraphs[0]
            run = paragraph.add_run(value["text"])
            run.font.size = Pt(size)
            if i in numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if widths:
        for row in table.rows:
            for i, width in enumerate(widths):
                row.cells[i].width = Cm(width)
    return table


def write_docx(doc: Mapping, images: Mapping[str, bytes], *, created: dt.datetime, author: str) -> bytes:
    """Write the document model of indicators.reports.content as .docx bytes, stable for the same input."""
    document = Document()
    _setup(document)
    _internal_header(document.sections[0], doc.get("internal", ""))
    _cover(document, doc)
    _summary(document, doc)
    _main_table(document, doc)
    _indicator_sections(document, doc, images)
    _parcels(document, doc)
    _quality_and_changes(document, doc)
    _appendix(document, doc)
    _properties(document.core_properties, doc, created=created, author=author)
    out = io.BytesIO()
    document.save(out)
    return normalize_zip(out.getvalue(), created)


def _label(doc: Mapping, label: str) -> str:
    return f"{label}：" if doc["language"] == "zh" else f"{label}: "


def _cover(document, doc: Mapping) -> None:
    """Write the cover: the title and subtitle halfway down, the report's facts beneath, then a page break."""
    for _ in range(5):
        document.add_paragraph()
    title = document.add_paragraph(doc["title"], style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle = document.add_paragraph(doc["subtitle"])
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.runs[0].font.size = Pt(14)
    for _ in range(4):
        document.add_paragraph()
    for label, value in doc["cover"]:
        line = document.add_paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        line.add_run(_label(doc, label)).bold = True
        line.add_run(value)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _summary(document, doc: Mapping) -> None:
    document.add_heading(doc["headings"]["summary"], level=1)
    for text in doc["summary"]:
        document.add_paragraph(text)


def _main_table(document, doc: Mapping) -> None:
    h = doc["headings"]
    document.add_heading(h["main_table"], level=1)
    main = doc["main_table"]
    _table(
        document,
        main["header"],
        main["rows"],
        size=8.5,
        numeric=NUMERIC_COLUMNS,
        widths=[0.9, 4.2, 1.3, 1.2, 1.5, 2.0, 1.5, 1.5, 1.4, 1.5],
    )
    document.add_paragraph(h["main_note"]).runs[0].font.size = Pt(9)


def _picture(document, images: Mapping[str, bytes], key: str) -> None:
    """Put a chart centred at the text's width, if it was rendered."""
    if key in images:
        document.add_picture(io.BytesIO(images[key]), width=Cm(15.5))
        document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _indicator_sections(document, doc: Mapping, images: Mapping[str, bytes]) -> None:
    """Write one section per indicator: trend chart, sentences, parcels' chart and table, the office's comment."""
    h = doc["headings"]
    document.add_heading(h["indicators"], level=1)
    for section in doc["sections"]:
        document.add_heading(section["heading"], level=2)
        _picture(document, images, f"{section['code']}-trend")
        for text in section["sentences"]:
            document.add_paragraph(text)
        document.add_heading(h["parcel_contrib"], level=3)
        _picture(document, images, f"{section['code']}-parcels")
        _table(document, section["contrib"]["header"], section["contrib"]["rows"], size=8.5, numeric={1, 2, 3, 4, 6})
        if section["comment"]:
            document.add_heading(h["comment"], level=3)
            for line in section["comment"].splitlines():
                document.add_paragraph(line)


def _parcels(document, doc: Mapping) -> None:
    h = doc["headings"]
    document.add_heading(h["parcels"], level=1)
    parcels = doc["parcels_table"]
    _table(document, parcels["header"], parcels["rows"], size=7.5, numeric=set(range(1, len(parcels["header"]))))
    document.add_paragraph(h["confidential"]).runs[0].font.size = Pt(9)


def _quality_and_changes(document, doc: Mapping) -> None:
    h = doc["headings"]
    document.add_heading(h["quality"], level=1)
    for text in doc["quality"]:
        document.add_paragraph(text, style="List Bullet")
    if doc["changes"]:
        document.add_heading(h["changes"], level=1)
        for text in doc["changes"]:
            document.add_paragraph(text, style="List Bullet")


def _appendix(document, doc: Mapping) -> None:
    document.add_heading(doc["headings"]["appendix"], level=1)
    for entry in doc["appendix"]:
        document.add_heading(entry["heading"], level=2)
        for label, value in entry["items"]:
            paragraph = document.add_paragraph()
            paragraph.add_run(_label(doc, label)).bold = True
            paragraph.add_run(value)


def _properties(props, doc: Mapping, *, created: dt.datetime, author: str) -> None:
    """Set the document's properties; every date is the report's, so the same report gives the same bytes."""
    props.title = doc["title"]
    props.subject = doc["subtitle"]
    props.author = author
    props.last_modified_by = author
    props.created = props.modified = created.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    props.last_printed = dt.datetime(2000, 1, 1)
    props.revision = 1
    props.language = "en-US" if doc["language"] == "en" else "zh-CN"

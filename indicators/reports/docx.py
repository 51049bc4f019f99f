"""Write the report as Word (.docx): real headings, real tables, page numbers; laid out for WPS, Word and LibreOffice.

The offices edit reports in WPS or Word and print them, so everything is a
Word structure rather than a picture of one: Heading 1/2 styles; tables with
fixed column widths (tblLayout fixed, the grid and every cell's width), header
rows that repeat on every page (w:tblHeader), rows that never split across
pages (w:cantSplit); wide tables in a landscape section of their own; the
report's title and marks (演示数据) in the header of every page, a PAGE field
in the footer; A4 pages; East Asian fonts set on the styles (宋体 for text,
黑体 for headings, as government documents use; Word substitutes its own CJK
font where these are missing).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .stable import normalize_zip
from .tables import LANDSCAPE_MM, PORTRAIT_MM, header_grid

BODY_FONT, HEADING_FONT, LATIN_FONT = "宋体", "黑体", "Times New Roman"
INK = RGBColor(0x1D, 0x27, 0x33)
MUTED = RGBColor(0x5B, 0x67, 0x75)
MARK = RGBColor(0xA1, 0x1D, 0x1D)
SIDE_MARGIN_MM = 20
# A cell's left and right margin: 1 mm (tables.PADDING_MM counts both, and the rules).
CELL_MARGIN_TWIPS = 57
ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT, "center": WD_ALIGN_PARAGRAPH.CENTER}


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


def _page(section, *, landscape: bool) -> None:
    """Make a section A4, portrait or landscape, with the report's margins."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.left_margin = section.right_margin = Mm(SIDE_MARGIN_MM)
    section.top_margin, section.bottom_margin = (Mm(20), Mm(18)) if landscape else (Mm(25), Mm(22))
    section.header_distance = section.footer_distance = Mm(10)


def _setup(document, doc: Mapping) -> None:
    section = document.sections[0]
    _page(section, landscape=False)
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
    _running_header(section, doc)
    _page_number_footer(section)


def _running_header(section, doc: Mapping) -> None:
    """Put the report's title on the left and its marks (演示数据) on the right of every page's header."""
    paragraph = section.header.paragraphs[0]
    paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(PORTRAIT_MM), WD_TAB_ALIGNMENT.RIGHT)
    title = paragraph.add_run(doc["running_title"])
    title.font.size = Pt(8)
    title.font.color.rgb = MUTED
    if doc["marks"]:
        paragraph.add_run("\t")
        mark = paragraph.add_run("　".join(doc["marks"]))
        mark.bold = True
        mark.font.size = Pt(10)
        mark.font.color.rgb = MARK


def _field(run, instruction: str) -> None:
    """Append a field (PAGE, NUMPAGES) to a run, with '1' shown until the reader's software updates it."""
    for kind, text in (("begin", None), (None, f" {instruction} "), ("separate", None), (None, None), ("end", None)):
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


def _page_number_footer(section) -> None:
    """Put '— PAGE —' in the footer as a real field, so the reader's software numbers the pages as they are edited."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("— ")
    _field(paragraph.add_run(), "PAGE")
    paragraph.add_run(" —")


def _row_flags(row, *, header: bool) -> None:
    """Keep a row on one page; repeat it on every page when it is a header row."""
    trpr = row._tr.get_or_add_trPr()
    no_split = OxmlElement("w:cantSplit")
    no_split.set(qn("w:val"), "true")
    trpr.append(no_split)
    if header:
        flag = OxmlElement("w:tblHeader")
        flag.set(qn("w:val"), "true")
        trpr.append(flag)


def _shade(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tcpr.append(shading)


def _no_wrap(cell) -> None:
    cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))


# The order the schema gives a table's properties: Word refuses a file whose elements are out of it.
TBLPR_ORDER = [
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW", "jc",
    "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
]  # fmt: skip


def _set_table_property(tblpr, element) -> None:
    """Put a table property in its place among the others (replacing one of the same name)."""
    name = element.tag.split("}")[1]
    old = tblpr.find(qn(f"w:{name}"))
    if old is not None:
        tblpr.remove(old)
    rank = TBLPR_ORDER.index(name)
    for child in tblpr:
        if TBLPR_ORDER.index(child.tag.split("}")[1]) > rank:
            child.addprevious(element)
            return
    tblpr.append(element)


def _fixed_widths(table, widths_mm: list[float]) -> None:
    """Fix the table's layout to the given column widths: the table, its grid and every cell say the same."""
    tblpr = table._tbl.tblPr
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(sum(int(Mm(w).twips) for w in widths_mm)))
    width.set(qn("w:type"), "dxa")
    _set_table_property(tblpr, width)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    _set_table_property(tblpr, layout)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    _set_table_property(tblpr, margins)
    for grid_col, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_mm, strict=True):
        grid_col.set(qn("w:w"), str(int(Mm(w).twips)))
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(w)


def _write_cell(cell, text: str, *, size: float, align: str, bold: bool = False, note: str = "") -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = ALIGN[align]
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = 1.1
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    if bold:
        _fonts(run, HEADING_FONT, "Arial")
    if note:
        mark = paragraph.add_run(note)
        mark.font.size = Pt(size)
        mark.font.superscript = True


def _table(document, t: Mapping) -> None:
    """Write one table of indicators.reports.tables: merged header cells, fixed widths, footnotes in a last row."""
    n, size = len(t["columns"]), t["font"]
    head_rows, foot = len(t["header"]), 1 if t["footnotes"] else 0
    table = document.add_table(rows=head_rows + len(t["rows"]) + foot, cols=n)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fixed_widths(table, [c["width"] for c in t["columns"]])
    for i, j, h in header_grid(t["header"]):
        merged = table.cell(i, j).merge(table.cell(i + h["rowspan"] - 1, j + h["colspan"] - 1))
        _write_cell(merged, h["text"], size=size, align="center", bold=True)
        _shade(merged, "E8EDF3")
    for i in range(head_rows):
        _row_flags(table.rows[i], header=True)
    for i, row in enumerate(t["rows"], start=head_rows):
        table_row = table.rows[i]
        _row_flags(table_row, header=False)
        for cell, c, col in zip(table_row.cells, row, t["columns"], strict=True):
            _write_cell(cell, c["text"], size=size, align=col["align"], note=c.get("note", ""))
            if col["nowrap"]:
                _no_wrap(cell)
    if foot:
        last = table.rows[-1]
        _row_flags(last, header=False)
        merged = last.cells[0].merge(last.cells[-1])
        for k, note in enumerate(t["footnotes"]):
            paragraph = merged.paragraphs[0] if k == 0 else merged.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(0)
            run = paragraph.add_run(note)
            run.font.size = Pt(max(size - 1, 7))


def _landscape_table(document, t: Mapping) -> None:
    """Write a wide table in a landscape section of its own, then go back to portrait pages."""
    _page(document.add_section(WD_SECTION.NEW_PAGE), landscape=True)
    if t.get("heading"):
        document.add_heading(t["heading"], level=t.get("heading_level", 1))
    title = document.add_paragraph(t["title"])
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.runs[0].bold = True
    _table(document, t)
    _page(document.add_section(WD_SECTION.NEW_PAGE), landscape=False)


def write_docx(doc: Mapping, images: Mapping[str, bytes], *, created: dt.datetime, author: str) -> bytes:
    """Write the document model of indicators.reports.content as .docx bytes, stable for the same input."""
    document = Document()
    _setup(document, doc)
    _cover(document, doc)
    for block in doc["blocks"]:
        _block(document, block, doc, images)
    _properties(document.core_properties, doc, created=created, author=author)
    out = io.BytesIO()
    document.save(out)
    return normalize_zip(out.getvalue(), created)


def _block(document, block: Mapping, doc: Mapping, images: Mapping[str, bytes]) -> None:
    kind = block["kind"]
    if kind == "heading":
        document.add_heading(block["text"], level=block["level"])
    elif kind == "paragraph":
        paragraph = document.add_paragraph(block["text"])
        if block["style"] == "note":
            paragraph.runs[0].font.size = Pt(9)
            paragraph.runs[0].font.color.rgb = MUTED
    elif kind == "office":
        _office(document, block, doc)
    elif kind == "bullets":
        for item in block["items"]:
            document.add_paragraph(item, style="List Bullet")
    elif kind == "figure" and block["key"] in images:
        document.add_picture(io.BytesIO(images[block["key"]]), width=Mm(PORTRAIT_MM))
        document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif kind == "table":
        if block["landscape"] and sum(c["width"] for c in block["columns"]) <= LANDSCAPE_MM + 0.5:
            _landscape_table(document, block)
        else:
            if block.get("heading"):
                document.add_heading(block["heading"], level=block.get("heading_level", 1))
            _table(document, block)


def _office(document, block: Mapping, doc: Mapping) -> None:
    """Write what the office wrote: the label in bold, the text with its line breaks, who and when in grey."""
    paragraph = document.add_paragraph()
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    left = OxmlElement("w:left")
    for attr, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "6"), ("w:color", "14589E")):
        left.set(qn(attr), value)
    borders.append(left)
    ppr.append(borders)
    paragraph.add_run(_label(doc, block["label"])).bold = True
    for k, line in enumerate(block["text"].splitlines()):
        run = paragraph.add_run()
        if k:
            run.add_break()
        run.add_text(line)
    if block["meta"]:
        meta = paragraph.add_run(" " + block["meta"])
        meta.font.size = Pt(8.5)
        meta.font.color.rgb = MUTED


def _label(doc: Mapping, label: str) -> str:
    return f"{label}：" if doc["language"] == "zh" else f"{label}: "


def _cover(document, doc: Mapping) -> None:
    """Write the cover: the title and subtitle halfway down, the marks, the report's facts, then a page break."""
    for _ in range(5):
        document.add_paragraph()
    title = document.add_paragraph(doc["title"], style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle = document.add_paragraph(doc["subtitle"])
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.runs[0].font.size = Pt(14)
    if doc["marks"]:
        stamp = document.add_paragraph()
        stamp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = stamp.add_run("　".join(doc["marks"]))
        run.bold = True
        run.font.size = Pt(16)
        run.font.color.rgb = MARK
    for _ in range(3):
        document.add_paragraph()
    for label, value in doc["cover"]:
        line = document.add_paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        line.add_run(_label(doc, label)).bold = True
        line.add_run(value)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


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

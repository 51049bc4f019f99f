"""Write the report's tables as Excel (.xlsx): real numbers with number formats, text that stays text, ready to print.

Sheets: the completion table (the same rows as export_progress's park rows of
the year), one sheet per indicator with its parcels and one with its trend,
the parcels × indicators values and statuses, the narratives (原因分析, 下一步措施),
the office's comments when there are any, and the report's facts.

Every sheet starts with its header rows, frozen and printed on every page;
prints on A4, landscape where the table is wide, fitted to one page wide, with
the report's title and its marks (演示数据) in the page header and the page
numbers in the footer. No column is empty throughout. No cell is ever a
formula: every text cell is written as a string explicitly, so a name such as
'=HYPERLINK("…")', '+1' or '@SUM(A1)' is shown as typed and never evaluated.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Mapping, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .stable import normalize_zip
from .tables import header_grid

HEAD_FILL = PatternFill("solid", fgColor="E8EDF3")
HEAD_FONT = Font(bold=True)
THIN = Side(style="thin", color="C3CCD6")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
SHEET_NAME_MAX = 31
FORBIDDEN_IN_SHEET_NAMES = str.maketrans({c: "_" for c in "[]:*?/\\"})
# Columns wider than this (in Excel's character units) in all make a landscape page.
PORTRAIT_UNITS = 95
WRAP_AT = 60  # a text column wider than this wraps


def put(ws, row: int, column: int, value, fmt: str | None = None):
    """Write one cell: numbers as numbers (with `fmt`), anything else as plain text, never a formula."""
    cell = ws.cell(row=row, column=column)
    if value is None:
        return cell
    if isinstance(value, bool):
        value = "是" if value else "否"
    if isinstance(value, int | float):
        cell.value = value
        if fmt:
            cell.number_format = fmt
        return cell
    cell.value = str(value)
    # openpyxl reads a leading '=' as a formula; the type is set back to text on purpose.
    cell.data_type = "s"
    return cell


def units(text: str) -> float:
    """Return how many of Excel's character widths a line of text takes (a CJK character about two)."""
    return sum(2.1 if unicodedata.east_asian_width(ch) in "WF" else 1.15 for ch in str(text))


def _sheet_name(name: str, used: set[str]) -> str:
    base = name.translate(FORBIDDEN_IN_SHEET_NAMES)[:SHEET_NAME_MAX]
    candidate, n = base, 2
    while candidate in used:
        suffix = f"~{n}"
        candidate, n = base[: SHEET_NAME_MAX - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


def _header(ws, header: Sequence[Sequence[Mapping]]) -> int:
    """Write the header rows from row 1, merging spanned cells; return the number of header rows."""
    for i, j, h in header_grid(header):
        for di in range(h["rowspan"]):
            for dj in range(h["colspan"]):
                c = ws.cell(row=i + 1 + di, column=j + 1 + dj)
                c.font, c.fill, c.border = HEAD_FONT, HEAD_FILL, BOX
                c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        put(ws, i + 1, j + 1, h["text"])
        if h["rowspan"] > 1 or h["colspan"] > 1:
            ws.merge_cells(start_row=i + 1, start_column=j + 1, end_row=i + h["rowspan"], end_column=j + h["colspan"])
    return len(header)


def _rows(ws, top: int, rows: Sequence[Sequence[Mapping]], widths: list[float]) -> int:
    """Write the rows from row `top`; return the last row written."""
    for i, row in enumerate(rows, start=top):
        for j, c in enumerate(row, start=1):
            value = c["value"]
            cell = put(ws, i, j, value, c.get("format"))
            cell.border = BOX
            wrap = isinstance(value, str) and widths[j - 1] >= WRAP_AT
            cell.alignment = Alignment(wrap_text=wrap, vertical="center")
    return top + len(rows) - 1


def _widths(header: Sequence[Sequence[Mapping]], rows: Sequence[Sequence[Mapping]]) -> list[float]:
    """Return each column's width: its widest cell on one line (headers may wrap), within reason."""
    n = max((j + h["colspan"] for _i, j, h in header_grid(header)), default=0)
    widths = [6.0] * n
    for row in rows:
        for j, c in enumerate(row):
            widths[j] = max(widths[j], units(c["text"]) + 2)
    for _i, j, h in header_grid(header):
        if h["colspan"] == 1:
            widths[j] = max(widths[j], units(h["text"]) / (2 if len(h["text"]) > 6 else 1) + 2)
    return [min(w, 80.0) for w in widths]


def _print_setup(ws, doc: Mapping, *, header_rows: int, width: float) -> None:
    """Give a sheet its print setup: A4, landscape when wide, one page wide, header rows on every page, title, marks."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if width > PORTRAIT_UNITS else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    if header_rows:
        ws.print_title_rows = f"1:{header_rows}"
        ws.freeze_panes = ws.cell(row=header_rows + 1, column=1)
    ws.oddHeader.left.text = doc["running_title"]
    ws.oddHeader.left.size = 8
    if doc["marks"]:
        ws.oddHeader.right.text = "　".join(doc["marks"])
        ws.oddHeader.right.font = "-,Bold"
        ws.oddHeader.right.color = "A11D1D"
    ws.oddFooter.center.text = "&P / &N"


def _with_note_column(t: Mapping, label: str) -> Mapping:
    """Return the table with a last column of each row's footnote markers, when any row has one.

    A number cell cannot carry its marker in a spreadsheet, so the markers stand in a column of their own.
    """
    marks = ["".join(c.get("note") or "" for c in row) for row in t["rows"]]
    if not any(marks):
        return t
    depth = len(t["header"])
    header = [list(r) for r in t["header"]]
    header[0].append({"text": label, "colspan": 1, "rowspan": depth})
    rows = [
        [*row, {"text": m, "value": m, "format": None, "note": ""}] for row, m in zip(t["rows"], marks, strict=True)
    ]
    return {**t, "header": header, "rows": rows}


def _table_sheet(ws, doc: Mapping, t: Mapping) -> int:
    """Write a table of the document (header rows from row 1, its rows, its footnotes below); return its last row."""
    t = _with_note_column(t, "Note" if doc["language"] == "en" else "注")
    rows = t["rows"]
    header_rows = _header(ws, t["header"])
    widths = _widths(t["header"], rows)
    last = _rows(ws, header_rows + 1, rows, widths)
    for k, note in enumerate(t["footnotes"], start=last + 2):
        put(ws, k, 1, note)
        ws.merge_cells(start_row=k, start_column=1, end_row=k, end_column=len(widths))
        ws.cell(row=k, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[k].height = 15 * max(1, int(units(note) / max(sum(widths), 1)) + 1)
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = round(w, 1)
    _print_setup(ws, doc, header_rows=header_rows, width=sum(widths))
    return last


def write_xlsx(doc: Mapping, tables: Sequence[Mapping], *, created: dt.datetime, author: str) -> bytes:
    """Write the document model's tables and the figures' data as .xlsx bytes, stable for the same input."""
    en = doc["language"] == "en"
    wb = Workbook()
    used: set[str] = set()
    wb.active.title = _sheet_name("Completion" if en else "主要指标完成情况", used)
    _table_sheet(wb.active, doc, doc["completion"])
    for code, t in doc["parcel_tables"].items():
        _table_sheet(wb.create_sheet(_sheet_name(f"{code}-{'parcels' if en else '地块'}", used)), doc, t)
    for table in tables:
        _chart_sheet(wb.create_sheet(_sheet_name(table["name"], used)), doc, table)
    values, statuses = doc["cross"]
    _table_sheet(wb.create_sheet(_sheet_name("Parcels" if en else "各地块指标", used)), doc, values)
    _table_sheet(wb.create_sheet(_sheet_name("Parcel statuses" if en else "各地块评价", used)), doc, statuses)
    _narrative_sheet(wb.create_sheet(_sheet_name("Narratives" if en else "原因分析和措施", used)), doc)
    if any(r["comment"] for r in doc["narratives"]):
        _comments_sheet(wb.create_sheet(_sheet_name("Comments" if en else "办公室意见", used)), doc)
    _facts_sheet(wb.create_sheet(_sheet_name("Report" if en else "报告信息", used)), doc)

    props = wb.properties
    props.creator = author
    props.lastModifiedBy = author
    props.title = doc["title"]
    props.created = props.modified = created.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    out = io.BytesIO()
    wb.save(out)
    return normalize_zip(out.getvalue(), created)


def _plain_table(header: Sequence[str], rows: Sequence[Sequence], formats: Sequence[str | None]) -> dict:
    """Return plain header and values as a document table (cells with their text, value and format)."""

    def c(value, fmt):
        return {"text": "" if value is None else str(value), "value": value, "format": fmt, "note": ""}

    return {
        "header": [[{"text": h, "colspan": 1, "rowspan": 1} for h in header]],
        "rows": [[c(v, f) for v, f in zip(row, formats, strict=True)] for row in rows],
        "footnotes": [],
    }


def _chart_sheet(ws, doc: Mapping, table: Mapping) -> None:
    """Write the data behind one trend figure."""
    _table_sheet(ws, doc, _plain_table(table["header"], table["rows"], table["formats"]))


def _narrative_sheet(ws, doc: Mapping) -> None:
    en = doc["language"] == "en"
    header = (
        ["Indicator", "Status", "Facts", "Causes", "Next steps", "Written"]
        if en
        else ["指标", "评价", "基本情况", "原因分析", "下一步措施", "填写"]
    )
    keys = ["name", "status", "facts", "reasons", "measures", "written"]
    rows = [[r[k] for k in keys] for r in doc["narratives"]]
    keep = [j for j in range(len(keys)) if j < 3 or any(row[j] for row in rows)]
    _table_sheet(
        ws, doc, _plain_table([header[j] for j in keep], [[row[j] for j in keep] for row in rows], [None] * len(keep))
    )
    for j in range(3, len(keep) + 1):
        ws.column_dimensions[get_column_letter(j)].width = 60


def _comments_sheet(ws, doc: Mapping) -> None:
    header = ["Indicator", "Comment"] if doc["language"] == "en" else ["指标", "意见"]
    rows = [[r["name"], r["comment"]] for r in doc["narratives"] if r["comment"]]
    _table_sheet(ws, doc, _plain_table(header, rows, [None, None]))


def _facts_sheet(ws, doc: Mapping) -> None:
    facts = [(doc["title"], doc["subtitle"]), *doc["cover"]]
    if doc["marks"]:
        facts.append(("Marks" if doc["language"] == "en" else "标注", "　".join(doc["marks"])))
    for i, (label, value) in enumerate(facts, start=1):
        put(ws, i, 1, label).font = HEAD_FONT
        put(ws, i, 2, value)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 60
    _print_setup(ws, doc, header_rows=0, width=84)

"""Write the report's tables as Excel (.xlsx): real numbers with number formats, text that stays text.

Sheets: the main table, the parcels table (values, then statuses), one sheet
per figure with the data behind it, and the report's facts. No cell is ever a
formula: every text cell is written as a string explicitly, so a name such as
'=HYPERLINK("…")', '+1' or '@SUM(A1)' is shown as typed and never evaluated.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .stable import normalize_zip

HEAD_FILL = PatternFill("solid", fgColor="E8EDF3")
HEAD_FONT = Font(bold=True)
THIN = Side(style="thin", color="C3CCD6")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
SHEET_NAME_MAX = 31
FORBIDDEN_IN_SHEET_NAMES = str.maketrans({c: "_" for c in "[]:*?/\\"})


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


def _sheet_name(name: str, used: set[str]) -> str:
    base = name.translate(FORBIDDEN_IN_SHEET_NAMES)[:SHEET_NAME_MAX]
    candidate, n = base, 2
    while candidate in used:
        suffix = f"~{n}"
        candidate, n = base[: SHEET_NAME_MAX - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


def _table(ws, top: int, header: Sequence[str], rows: Sequence[Sequence[Mapping]], widths=None) -> int:
    for j, text in enumerate(header, start=1):
        cell = put(ws, top, j, text)
        cell.font, cell.fill, cell.border = HEAD_FONT, HEAD_FILL, BOX
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for i, row in enumerate(rows, start=top + 1):
        for j, c in enumerate(row, start=1):
            value = c["value"]
            cell = put(ws, i, j, value, c.get("format"))
            cell.border = BOX
            if isinstance(value, str):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for j in range(1, len(header) + 1):
        ws.column_dimensions[get_column_letter(j)].width = (widths or {}).get(j, 14)
    ws.freeze_panes = ws.cell(row=top + 1, column=2)
    return top + len(rows) + 1


def write_xlsx(doc: Mapping, tables: Sequence[Mapping], *, created: dt.datetime, author: str) -> bytes:
    """Write the document model's tables and the figures' data as .xlsx bytes, stable for the same input."""
    en = doc["language"] == "en"
    wb = Workbook()
    used: set[str] = set()
    _main_sheet(wb.active, doc, _sheet_name("Indicators" if en else "主要指标", used))
    _parcels_sheet(wb.create_sheet(_sheet_name("Parcels" if en else "各地块指标", used)), doc)
    for table in tables:
        _chart_sheet(wb.create_sheet(_sheet_name(table["name"], used)), table)
    _comments_sheet(wb.create_sheet(_sheet_name("Comments" if en else "办公室意见", used)), doc)
    _facts_sheet(wb.create_sheet(_sheet_name("Report" if en else "报告信息", used)), doc)
    for ws in wb.worksheets if doc.get("internal") else ():
        ws.oddHeader.right.text = ws.evenHeader.right.text = ws.firstHeader.right.text = doc["internal"]

    props = wb.properties
    props.creator = author
    props.lastModifiedBy = author
    props.title = doc["title"]
    props.created = props.modified = created.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    out = io.BytesIO()
    wb.save(out)
    return normalize_zip(out.getvalue(), created)


def _main_sheet(ws, doc: Mapping, title: str) -> None:
    ws.title = title
    mark = f"【{doc['internal']}】" if doc.get("internal") else ""
    put(ws, 1, 1, f"{mark}{doc['title']} {doc['subtitle']}").font = Font(bold=True, size=13)
    main = doc["main_table"]
    end = _table(ws, 3, main["header"], main["rows"], widths={1: 6, 2: 40, 3: 10, 4: 9, 6: 22, 10: 14})
    put(ws, end + 1, 1, doc["headings"]["main_note"])


def _parcels_sheet(ws, doc: Mapping) -> None:
    parcels = doc["parcels_table"]
    put(ws, 1, 1, doc["headings"]["parcels"]).font = Font(bold=True, size=13)
    widths = {1: 26, **{j: 18 for j in range(2, len(parcels["header"]) + 1)}}
    # Numbers only in the value table: the status words go in a table of their own below it.
    end = _table(ws, 3, parcels["header"], parcels["rows"], widths=widths)
    put(ws, end + 1, 1, "Status" if doc["language"] == "en" else "评价").font = HEAD_FONT
    end = _table(ws, end + 2, parcels["header"], parcels["status_rows"], widths=widths)
    put(ws, end + 1, 1, doc["headings"]["confidential"])


def _chart_sheet(ws, table: Mapping) -> None:
    """Write the data behind one figure."""
    put(ws, 1, 1, table["title"]).font = Font(bold=True)
    rows = [[{"value": v, "format": f} for v, f in zip(row, table["formats"], strict=True)] for row in table["rows"]]
    _table(ws, 3, table["header"], rows, widths={1: 24})


def _comments_sheet(ws, doc: Mapping) -> None:
    header = ["Indicator", "Comment"] if doc["language"] == "en" else ["指标", "意见"]
    rows = [
        [{"value": s["heading"], "format": None}, {"value": s["comment"], "format": None}]
        for s in doc["sections"]
        if s["comment"]
    ]
    _table(ws, 1, header, rows, widths={1: 40, 2: 80})


def _facts_sheet(ws, doc: Mapping) -> None:
    for i, (label, value) in enumerate(doc["cover"], start=1):
        put(ws, i, 1, label).font = HEAD_FONT
        put(ws, i, 2, value)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 60

"""Files of the stored results: CSV exports of every value and progress row, and the tables behind a page's charts.

The exports are for people and for checking (export_indicator_values,
export_progress); the chart tables are the indicator page's downloads (CSV
with a BOM so Excel opens it in Chinese, or Excel). No text cell can turn into
a formula.

An export is for an audience: the office's (every figure, the columns as they
have always been) or officials' (what the disclosure rules withhold is empty,
and a last column says why: indicators.disclosure's reason codes), as the API
gives them to each.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Font

from parkplan.numbers import is_missing

from . import compute, queries
from .dashboard.tables import Column, Table, Withheld
from .models import Plan

OFFICE, OFFICIAL = "office", "official"
AUDIENCES = (OFFICE, OFFICIAL)
VALUE_COLUMNS = ["indicator", "parcel", "year", "quarter", "value", "numerator", "denominator", "enterprises"]
# Beside the target its kind; no parcel shares or inputs (the API has them).
PROGRESS_COLUMNS = compute.progress_columns(after={"target": ("target_kind",)}, without=("share_of_change", "inputs"))
# What an officials' export leaves empty where the row, or its projection, is withheld.
PROGRESS_WITHHELD = [c for c in PROGRESS_COLUMNS if c not in ("indicator", "parcel", "year", "target_kind")]
PROGRESS_PROJECTION = ["projected_2025", "projected_gap_2025"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def number(value) -> str:
    """Format a number for CSV: empty for none, whole numbers without a decimal point, else full precision."""
    if is_missing(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def text(value: str) -> str:
    """Keep a text cell text: a leading =, +, -, @ gets a quote so no spreadsheet runs it."""
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(FORMULA_START) else value


# --- the exports ----------------------------------------------------------------------


def write_values(out: IO[str], plan: Plan, *, audience: str = OFFICE) -> int:
    """Write every stored indicator value as CSV for an audience; return the number of rows.

    For officials a withheld row's value, numerator and denominator are empty
    and the last column, withheld, says why.
    """
    official = audience == OFFICIAL
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*VALUE_COLUMNS, "withheld"] if official else VALUE_COLUMNS)
    n = 0
    for code, parcel, year, quarter, *figures, enterprises, withheld in queries.values_for_export(plan):
        cells = [code, text(parcel or ""), year, quarter, *(number(f) for f in figures), enterprises]
        if official:
            cells[4:7] = ["", "", ""] if withheld else cells[4:7]
            cells.append(withheld)
        writer.writerow(cells)
        n += 1
    return n


def write_progress(out: IO[str], plan: Plan, *, audience: str = OFFICE) -> int:
    """Write progress from the plan's first year as CSV; count indicators' parcels only with a split target.

    For officials a withheld row's figures and status are empty (and the
    projection where it is withheld), and the last columns, withheld and
    projection_withheld, say why.
    """
    official = audience == OFFICIAL
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*PROGRESS_COLUMNS, "withheld", "projection_withheld"] if official else PROGRESS_COLUMNS)
    n = 0
    for progress in queries.progress_for_export(plan):
        if progress.parcel_id is not None and progress.indicator.is_count and not progress.inputs.get("split_target"):
            continue
        cells = _progress_cells(progress)
        if official:
            cells = _withhold(cells, PROGRESS_WITHHELD if progress.withheld else ())
            cells = _withhold(cells, PROGRESS_PROJECTION if progress.projection_withheld else ())
            cells += [progress.withheld, progress.projection_withheld]
        writer.writerow(cells)
        n += 1
    return n


def _withhold(cells: list[str], columns) -> list[str]:
    """Return a row of PROGRESS_COLUMNS with the cells of `columns` emptied."""
    return ["" if name in columns else cell for name, cell in zip(PROGRESS_COLUMNS, cells, strict=True)]


def _progress_cells(progress) -> list[str]:
    """Return a Progress row's cells in PROGRESS_COLUMNS: codes and words as text, every figure through number()."""
    words = {
        "indicator": progress.indicator.code,
        "parcel": text(progress.parcel.code if progress.parcel_id else ""),
        "target_kind": progress.indicator.target_kind,
        "status": compute.status_word(progress.status),
    }
    return [words[c] if c in words else number(getattr(progress, c)) for c in PROGRESS_COLUMNS]


# --- the tables behind the charts -----------------------------------------------------


def table_csv(table: Table) -> bytes:
    """Return a table as CSV in UTF-8 with a BOM: numbers as numbers, withheld figures as the notice."""
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads UTF-8 with a BOM as Chinese
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([text(c.label) for c in table.columns])
    for row in table.rows:
        cells = [_raw(column, row.get(column.key)) for column in table.columns]
        writer.writerow([number(value) if isinstance(value, int | float) else text(value) for value in cells])
    return out.getvalue().encode("utf-8")


def tables_xlsx(tables: Iterable[Table]) -> bytes:
    """Return the tables as an Excel workbook, a sheet each (named by the table's slug) under its title."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        _write_sheet(workbook.create_sheet(title=table.slug), table)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _raw(column: Column, value):
    """Return a cell for a download: numbers as numbers, words as words, withheld figures as the notice."""
    if isinstance(value, Withheld):
        return value.text
    if column.kind in ("number", "percent"):
        return value
    return "" if value is None else str(value)


def _write_sheet(sheet, table: Table) -> None:
    sheet.append([])
    title = sheet.cell(row=1, column=1)
    title.value, title.data_type, title.font = table.title, "s", Font(bold=True)
    for j, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=2, column=j)
        cell.value, cell.data_type, cell.font = column.label, "s", Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = max(12, min(40, len(column.label) * 2 + 2))
    for i, row in enumerate(table.rows, start=3):
        for j, column in enumerate(table.columns, start=1):
            _write_cell(sheet.cell(row=i, column=j), column, _raw(column, row.get(column.key)))


def _write_cell(cell, column: Column, value) -> None:
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int | float):
        cell.value = value
        if column.kind == "percent":
            cell.number_format = "0.0%"
        elif column.kind == "number":
            cell.number_format = "#,##0" + ("." + "0" * column.decimals if column.decimals else "")
    elif value != "":
        # A string stays a string: never a formula, whatever it starts with.
        cell.value, cell.data_type = value, "s"

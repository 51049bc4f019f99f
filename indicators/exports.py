"""Files of the stored results: CSV exports of every value and progress row, and the tables behind a page's charts.

The exports are for people and for checking (export_indicator_values,
export_progress); the chart tables are the indicator page's downloads (CSV
with a BOM so Excel opens it in Chinese, or Excel). No text cell can turn into
a formula.
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

VALUE_COLUMNS = [c for c in compute.VALUE_COLUMNS if c != "previous"]
# Beside the target its kind; no parcel shares or inputs (the API has them).
PROGRESS_COLUMNS = compute.progress_columns(after={"target": ("target_kind",)}, without=("share_of_change", "inputs"))
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


def write_values(out: IO[str], plan: Plan) -> int:
    """Write every stored indicator value as CSV; return the number of rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(VALUE_COLUMNS)
    n = 0
    for code, parcel, year, quarter, value, numerator, denominator, enterprises in queries.values_for_export(plan):
        writer.writerow(
            [
                code,
                text(parcel or ""),
                year,
                quarter,
                number(value),
                number(numerator),
                number(denominator),
                enterprises,
            ]
        )
        n += 1
    return n


def write_progress(out: IO[str], plan: Plan) -> int:
    """Write progress from the plan's first year as CSV; count indicators' parcels only with a split target."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PROGRESS_COLUMNS)
    n = 0
    for progress in queries.progress_for_export(plan):
        if progress.parcel_id is not None and progress.indicator.is_count and not progress.inputs.get("split_target"):
            continue
        writer.writerow(_progress_cells(progress))
        n += 1
    return n


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

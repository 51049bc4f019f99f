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
from decimal import Decimal
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Font

from parkplan.numbers import is_missing

from . import compute, queries
from .dashboard.tables import Column, Table, Withheld
from .models import EXAMPLE_MARK, Plan

OFFICE, OFFICIAL = "office", "official"
AUDIENCES = (OFFICE, OFFICIAL)
VALUE_COLUMNS = [c for c in compute.VALUE_COLUMNS if c != "previous"]
# Beside the target its kind; no parcel shares or inputs (the API has them).
PROGRESS_COLUMNS = compute.progress_columns(after={"target": ("target_kind",)}, without=("share_of_change", "inputs"))
# What an officials' export leaves empty where the row, or its projection, is withheld.
PROGRESS_WITHHELD = [c for c in PROGRESS_COLUMNS if c not in ("indicator", "parcel", "year", "target_kind")]
PROGRESS_PROJECTION = ["projected", "projected_gap"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# Decimals of the figures that do not take their indicator's: sums of money are kept to the fen of 万元
# (two decimals), a pace to two; shares (completion, share of change) are published as percentages with one.
FIXED_DECIMALS = {"numerator": 2, "denominator": 2, "pace": 2}
SHARE_COLUMNS = ("completion", "share_of_change")


def number(value, decimals: int | None = None) -> str:
    """Format a number for CSV: empty for none, rounded to `decimals` (if given), whole numbers without a point.

    The shortest form: trailing zeros after the decimal point are left out,
    so 421.59999999999997 at one decimal is 421.6 and 100.00 is 100.
    """
    if is_missing(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if decimals is not None and isinstance(value, int | float | Decimal):
        text = f"{float(value):.{decimals}f}"
        text = text.rstrip("0").rstrip(".") if "." in text else text
        return "0" if text in ("-0", "") else text
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def figure(column: str, value, decimals: int) -> str:
    """Format a figure of an export or the API in its published precision (the indicator's decimals for values).

    Shares are rounded as the pages print them (76.4%) and written as shares (0.764).
    """
    if column in SHARE_COLUMNS:
        if is_missing(value):
            return ""
        return number(Decimal(f"{float(value) * 100:.1f}") / 100, 3)
    return number(value, FIXED_DECIMALS.get(column, decimals))


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
    decimals = {i.code: i.decimals for i in queries.indicators(plan)}
    n = 0
    for code, parcel, year, quarter, value, numerator, denominator, enterprises, withheld in queries.values_for_export(
        plan
    ):
        d = decimals[code]
        figures = [figure("value", value, d), figure("numerator", numerator, d), figure("denominator", denominator, d)]
        cells = [code, text(parcel or ""), year, quarter, *figures, enterprises]
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
    d = progress.indicator.decimals
    return [words[c] if c in words else _progress_cell(c, getattr(progress, c), d) for c in PROGRESS_COLUMNS]


def _progress_cell(column: str, value, decimals: int) -> str:
    if column in ("year", "base_year", "benchmark_year", "provisional"):
        return number(value)
    return figure(column, value, decimals)


# --- the tables behind the charts -----------------------------------------------------


def table_csv(table: Table) -> bytes:
    """Return a table as CSV in UTF-8 with a BOM: numbers as numbers, withheld figures as the notice."""
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads UTF-8 with a BOM as Chinese
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([text(c.label) for c in table.columns])
    for row in table.rows:
        cells = [(column, _raw(column, row.get(column.key))) for column in table.columns]
        writer.writerow([_csv_cell(column, value) for column, value in cells])
    return out.getvalue().encode("utf-8")


def _csv_cell(column: Column, value) -> str:
    """Write a cell of a page's table: numbers in the precision the page prints them, words as words."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return text(value)
    if column.kind == "percent":
        return figure("completion", value, 0)
    if column.kind == "number":
        return number(value, column.decimals)
    return number(value)


def tables_xlsx(tables: Iterable[Table], *, mark: str = "") -> bytes:
    """Return the tables as an Excel workbook, a sheet each (named by the table's slug) under its title.

    `mark` (示例（非正式规划） for an illustrative plan's tables) follows each title and stands in every
    printed page's header and footer; the cells below keep their places.
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(title=table.slug)
        _write_sheet(sheet, table)
        if mark:
            _mark_sheet(sheet, mark)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _mark_sheet(sheet, mark: str) -> None:
    title = sheet.cell(row=1, column=1)
    title.value = f"{title.value}（{mark}）" if title.value else mark
    sheet.oddHeader.right.text = mark
    sheet.oddFooter.right.text = mark


def download_name(plan: Plan, stem: str, suffix: str) -> str:
    """Return a download's file name: `stem` and `suffix`, with 示例（非正式规划） before the suffix for an
    illustrative plan's (the file's content stays as machines read it: the mark is in its name)."""
    return f"{stem}-{EXAMPLE_MARK}{suffix}" if plan.example else f"{stem}{suffix}"


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

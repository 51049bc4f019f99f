"""Read a benchmark file (CSV with columns indicator,year,value,source) into checked rows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from parkplan import numbers
from parkplan.tables import RowError, UnreadableFile, read_csv_table

COLUMNS = ("indicator", "year", "value", "source")


@dataclass(frozen=True)
class BenchmarkRow:
    row: int
    indicator: str
    year: int
    value: Decimal
    source: str


def read_benchmarks(path: str | Path, *, benchmark_codes: set[str]) -> tuple[list[BenchmarkRow], list[RowError]]:
    """Return the checked rows of a benchmark CSV and every error found (row as Excel numbers it)."""
    try:
        table = read_csv_table(path)
    except UnreadableFile as e:
        return [], [RowError(0, "", "", str(e))]
    table = [row for row in table if any(str(c).strip() for c in row)]
    if not table:
        return [], [RowError(0, "", "", "文件为空")]
    header = [numbers.fold(str(c)).lower() for c in table[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [], [RowError(1, "", "", f"缺少列：{'、'.join(missing)}（应为 {','.join(COLUMNS)}）")]
    return _check_rows(table[1:], at={c: header.index(c) for c in COLUMNS}, benchmark_codes=benchmark_codes)


def _check_rows(
    table: list[list], *, at: dict[str, int], benchmark_codes: set[str]
) -> tuple[list[BenchmarkRow], list[RowError]]:
    """Check the rows under the header (`at`: each column's position); a year of an indicator only once."""
    rows: list[BenchmarkRow] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, int], int] = {}  # (indicator, year) → the row that had it last
    for n, raw in enumerate(table, start=2):
        cell = {c: (raw[at[c]] if at[c] < len(raw) else "") for c in COLUMNS}
        row, problems = _check_row(n, cell, benchmark_codes=benchmark_codes)
        if row is None:
            errors.extend(problems)
            continue
        key = (row.indicator, row.year)
        if key in seen:
            errors.append(RowError(n, "year", str(row.year), f"与第{seen[key]}行重复（{row.indicator} {row.year}年）"))
        else:
            rows.append(row)
        seen[key] = n
    return rows, errors


def _check_row(
    n: int, cell: dict[str, str], *, benchmark_codes: set[str]
) -> tuple[BenchmarkRow | None, list[RowError]]:
    """Return row `n` read from its cells, or None and every problem of the row."""
    code = numbers.fold(str(cell["indicator"])).upper()
    problems: list[RowError] = []
    if code not in benchmark_codes:
        expected = "、".join(sorted(benchmark_codes))
        problems.append(RowError(n, "indicator", cell["indicator"], f"不是对标类指标（应为 {expected}）"))
    try:
        year = numbers.parse_year(cell["year"])
    except numbers.BadValue as e:
        problems.append(RowError(n, "year", cell["year"], str(e)))
    try:
        if numbers.is_blank(cell["value"]):
            raise numbers.BadValue("不能为空")
        value = numbers.parse_number(cell["value"])
    except numbers.BadValue as e:
        problems.append(RowError(n, "value", cell["value"], str(e)))
    source = " ".join(str(cell["source"]).split())
    if not source:
        problems.append(RowError(n, "source", "", "须注明数据来源"))
    if problems:
        return None, problems
    return BenchmarkRow(n, code, year, value, source), []

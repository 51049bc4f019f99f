"""Read a statistics file (the template of docs/method.md §1–§2) into checked rows.

The CLI command and the web upload both call ``read_statistics_file``; it
reads the database only through ``parcel_lookup`` and ``queries.data_elements``
when no parcels or elements are passed in. Nothing here writes:
``services.upsert_statistics`` does. Messages are Chinese msgids translated
through parkplan.text.

The columns are the identity columns and the data elements (parcels.statfields).
A row carries the elements in use in its own quarter: the header must have the
column of every element in use in some quarter of the file, a column of an
element not collected in a row's quarter must be blank there, and any other
column (备注 and the like, a retired element of an old file) is ignored.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from parkplan import numbers
from parkplan.tables import RowError, UnreadableFile, read_bytes, read_csv_table
from parkplan.text import _

from . import queries, statfields

DATA_SHEET = "统计数据"
NAME_MAX_LENGTH = 200
EXPLANATION_MAX_LENGTH = 2000
# Columns a file may have beside the template's: read when present.
OPTIONAL_COLUMNS: tuple[tuple[str, str], ...] = (("explanation", "情况说明"),)
# Column key -> Chinese header of the columns that are not data elements.
LABELS = {key: zh for key, zh, _en in statfields.KEY_COLUMNS} | dict(OPTIONAL_COLUMNS)


def column_labels(elements: statfields.Elements) -> dict[str, str]:
    """Return every column's Chinese header by key: the identity columns, the elements, 情况说明."""
    return dict(elements.columns) | dict(OPTIONAL_COLUMNS)


Value = Decimal | int | bool | date | None


@dataclass(frozen=True)
class StatisticRow:
    """One checked row: an enterprise's return for one period.

    ``values`` holds the data elements in use in the row's quarter by code:
    numbers as Decimal (the element's places) or int (none), flags as bool,
    dates as date; None where the cell is blank (未填写) or says 不适用 (then
    the element is in ``not_applicable``).
    """

    row: int
    credit_code: str
    enterprise_name: str
    parcel_id: int
    year: int
    quarter: int
    values: dict[str, Value]
    # Fields the file says 不适用 (their values are None, like a blank cell's).
    not_applicable: frozenset[str] = frozenset()
    # The 情况说明 column's text; None when the file has no such column.
    explanation: str | None = None

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.credit_code, self.year, self.quarter)

    @property
    def period(self) -> tuple[int, int]:
        return (self.year, self.quarter)


@dataclass
class ParseResult:
    """The rows of a file, or every error found in it (then the rows must not be written)."""

    rows: list[StatisticRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def fold_header(text: object) -> str:
    """Fold a header for matching: half-width punctuation, no spaces, no '*' marks, lower case."""
    return "".join(numbers.fold(str(text or "")).split()).replace("*", "").lower()


def fold_key(text: object) -> str:
    """Fold a parcel code or name for matching: half-width, no spaces, lower case."""
    return "".join(numbers.fold(str(text or "")).split()).lower()


def parcel_lookup() -> dict[str, int]:
    """Return the parcels' codes and Chinese names, folded, mapped to their ids."""
    lookup: dict[str, int] = {}
    for parcel_id, code, name_zh in queries.parcel_keys():
        lookup[fold_key(code)] = parcel_id
        lookup[fold_key(name_zh)] = parcel_id
    return lookup


def read_statistics_file(
    source: str | Path | BinaryIO,
    filename: str | None = None,
    *,
    parcels: Mapping[str, int] | None = None,
    elements: statfields.Elements | None = None,
) -> ParseResult:
    """Read an .xlsx or .csv statistics file and check every row.

    ``source`` is a path or a binary file object; ``filename`` (default: the
    path's name) decides the format. ``parcels`` maps parcel codes and Chinese
    names to ids (default: ``parcel_lookup()``); ``elements`` are the data
    elements (default: all of them, ``queries.data_elements()``).
    """
    name = filename or getattr(source, "name", None) or str(source)
    suffix = Path(str(name)).suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            table = _xlsx_rows(source)
        elif suffix == ".csv":
            table = read_csv_table(source)
        elif suffix == ".xls":
            raise UnreadableFile(_("不支持旧版 .xls 文件，请在Excel中另存为 .xlsx 后再导入"))
        else:
            raise UnreadableFile(_("只能导入 .xlsx 或 .csv 文件"))
    except UnreadableFile as exc:
        return ParseResult(errors=[RowError(0, "", "", str(exc))])
    return parse_table(
        table,
        parcel_lookup() if parcels is None else parcels,
        queries.data_elements() if elements is None else elements,
    )


def _xlsx_rows(source: str | Path | BinaryIO) -> list[tuple[object, ...]]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(read_bytes(source)), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError):
        raise UnreadableFile(_("无法读取该Excel文件，请确认是 .xlsx 格式")) from None
    try:
        sheet = workbook[DATA_SHEET] if DATA_SHEET in workbook.sheetnames else workbook.worksheets[0]
        # Some programs write a wrong <dimension>; read every row there is.
        sheet.reset_dimensions()
        return list(sheet.iter_rows(min_row=1, values_only=True))
    finally:
        workbook.close()


def _show(value: object) -> str:
    """Render a raw cell the way the user saw it, for error messages."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, float):
        if value.is_integer():
            return f"{value:G}" if abs(value) >= 1e15 else str(int(value))
        return repr(value)
    return str(value).strip()


def _parse_name(value: object) -> str:
    if numbers.is_blank(value):
        raise numbers.BadValue(_("不能为空"))
    name = " ".join(str(value).split())
    if len(name) > NAME_MAX_LENGTH:
        raise numbers.BadValue(_("不能超过%(n)s个字") % {"n": NAME_MAX_LENGTH})
    return name


# The identity columns but the parcel, which needs the lookup passed to parse_table.
PARSERS: dict[str, Callable[[object], object]] = {
    "credit_code": numbers.parse_credit_code,
    "enterprise_name": _parse_name,
    "year": numbers.parse_year,
    "quarter": numbers.parse_quarter,
}

# (smaller, larger): the database refuses a row where smaller > larger (both in use).
WITHIN = (
    ("sei_output", "industrial_output"),
    ("masters_plus", "employees"),
    ("foreign_returnee", "employees"),
)


# Columns whose values differ on every row: remembering them would cost more than it saves.
UNIQUE_COLUMNS = frozenset({"credit_code", "enterprise_name"})


def _once_per_value(parse: Callable[[object], object]) -> Callable[[object], object]:
    """Wrap a cell parser for one table so that a repeated raw value is parsed once.

    Parsers are pure and return immutable values, so the first outcome (value
    or BadValue message) stands for every later cell with the same value and type.
    """
    seen: dict[tuple[type, object], tuple[bool, object]] = {}

    def parse_once(value: object) -> object:
        slot = (type(value), value)  # the type too: True == 1 == 1.0, but they parse differently
        outcome = seen.get(slot)
        if outcome is None:
            try:
                outcome = (True, parse(value))
            except numbers.BadValue as exc:
                outcome = (False, str(exc))
            seen[slot] = outcome
        ok, result = outcome
        if not ok:
            raise numbers.BadValue(result)
        return result

    return parse_once


def _header_columns(header: Sequence[object], elements: statfields.Elements) -> tuple[dict[str, int], list[RowError]]:
    """Return the column of each key the header has, and an error for each repeated or missing identity column.

    With such an error the rows are not read; the elements still collected whose columns are missing are named too.
    """
    wanted = {fold_header(label): key for key, label in (*elements.columns, *OPTIONAL_COLUMNS)}
    columns: dict[str, int] = {}
    errors = []
    for index, cell in enumerate(header):
        key = wanted.get(fold_header(cell))
        if key is None:
            continue  # an extra column (备注 and the like) is ignored
        if key in columns:
            errors.append(RowError(1, _show(cell), "", _("列重复")))
        columns.setdefault(key, index)
    for key, label, _en in statfields.KEY_COLUMNS:
        if key not in columns:
            errors.append(RowError(1, label, "", _("表头缺少此列")))
    if any(error.message for error in errors):
        # The rows cannot be read, so the quarters they need are unknown: name every element not retired.
        errors += [
            RowError(1, f.label, "", _("表头缺少此列"))
            for f in elements
            if f.last_period is None and f.name not in columns
        ]
    return columns, errors


def _missing_elements(
    columns: Mapping[str, int], elements: statfields.Elements, periods: Iterable[tuple[int, int]]
) -> list[RowError]:
    """Return an error for each element in use in a quarter of the file whose column the header lacks."""
    needed = {f.name for year, quarter in periods for f in elements if f.in_use(year, quarter)}
    return [RowError(1, f.label, "", _("表头缺少此列")) for f in elements if f.name in needed and f.name not in columns]


def parse_table(
    table: Iterable[Sequence[object]], parcels: Mapping[str, int], elements: statfields.Elements
) -> ParseResult:
    """Check the rows of a sheet whose first row is the header; see ``read_statistics_file``."""
    rows = iter(table)
    header = next(rows, None)
    if header is None or all(numbers.is_blank(cell) for cell in header):
        return ParseResult(errors=[RowError(1, "", "", _("文件是空的，第1行应为表头"))])
    columns, errors = _header_columns(header, elements)
    if errors:
        return ParseResult(errors=errors)
    reader = _RowReader(_table_parsers(parcels, elements), elements)
    result = ParseResult()
    first_row_of: dict[tuple[str, int, int], int] = {}
    for row_number, cells in enumerate(rows, start=2):
        if all(numbers.is_blank(cell) for cell in cells):
            continue
        raw = {key: (cells[index] if index < len(cells) else None) for key, index in columns.items()}
        parsed, not_applicable, row_errors = reader.parse_row(row_number, raw)
        row_errors += _within_errors(row_number, raw, parsed, reader.labels)
        row_errors += _duplicate_errors(row_number, raw, parsed, first_row_of)
        if row_errors:
            result.errors.extend(row_errors)
        else:
            result.rows.append(_statistic_row(row_number, parsed, not_applicable, reader.in_use(parsed)))
    missing = _missing_elements(columns, elements, reader.periods)
    if missing:
        return ParseResult(errors=missing)
    if not result.rows and not result.errors:
        result.errors.append(RowError(2, "", "", _("文件中没有数据行")))
    return result


def _table_parsers(parcels: Mapping[str, int], elements: statfields.Elements) -> dict[str, Callable[[object], object]]:
    """Return the parser of every column, in column order, for one table whose parcels are ``parcels``."""
    parcel_ids = {fold_key(name): parcel_id for name, parcel_id in parcels.items()}

    def parse_parcel(value: object) -> int:
        if numbers.is_blank(value):
            raise numbers.BadValue(_("不能为空"))
        parcel_id = parcel_ids.get(fold_key(value))
        if parcel_id is None:
            raise numbers.BadValue(_("没有这个地块，请填写地块名称或代码"))
        return parcel_id

    parsers: dict[str, Callable[[object], object]] = {}
    for key, _label in elements.columns:
        if key in elements:  # (value, says 不适用)
            parsers[key] = _once_per_value(functools.partial(statfields.read_cell, elements.by_name[key]))
        else:
            parse = PARSERS.get(key, parse_parcel)
            parsers[key] = parse if key in UNIQUE_COLUMNS else _once_per_value(parse)
    parsers["explanation"] = _parse_explanation
    return parsers


def _parse_explanation(value: object) -> str:
    text = "" if value is None else str(value).strip()
    if len(text) > EXPLANATION_MAX_LENGTH:
        raise numbers.BadValue(_("不能超过%(n)s个字") % {"n": EXPLANATION_MAX_LENGTH})
    return text


class _RowReader:
    """Reads the rows of one table: each row's identity first, then the elements in use in its quarter."""

    def __init__(self, parsers: Mapping[str, Callable[[object], object]], elements: statfields.Elements):
        self.parsers, self.elements = parsers, elements
        self.labels = column_labels(elements)
        self.periods: set[tuple[int, int]] = set()
        self._in_use: dict[tuple[int, int], statfields.Elements] = {}

    def in_use(self, parsed: Mapping[str, object]) -> statfields.Elements:
        """Return the elements in use in a parsed row's quarter (all of them while its period is unreadable)."""
        year, quarter = parsed.get("year"), parsed.get("quarter")
        if not isinstance(year, int) or not isinstance(quarter, int):
            return self.elements
        found = self._in_use.get((year, quarter))
        if found is None:
            found = self._in_use[(year, quarter)] = self.elements.in_use(year, quarter)
            self.periods.add((year, quarter))
        return found

    def parse_row(
        self, row_number: int, raw: Mapping[str, object]
    ) -> tuple[dict[str, object], set[str], list[RowError]]:
        """Return the row's readable values by column key, the elements that say 不适用, and each bad cell's error.

        Columns the file lacks (the optional 情况说明) are left out of the
        values, and so are the elements not collected in the row's quarter
        (their cells must be blank).
        """
        parsed: dict[str, object] = {}
        not_applicable: set[str] = set()
        errors: list[RowError] = []
        for key in ("credit_code", "enterprise_name", "parcel", "year", "quarter"):
            self._read(row_number, raw, key, parsed, errors)
        in_use = self.in_use(parsed)
        for key in self.elements.names:
            if key not in raw:
                continue
            if key not in in_use:
                if not numbers.is_blank(raw[key]):
                    errors.append(RowError(row_number, self.labels[key], _show(raw[key]), _not_collected(parsed)))
                continue
            if self._read(row_number, raw, key, parsed, errors):
                parsed[key], says_not_applicable = parsed[key]
                if says_not_applicable:
                    not_applicable.add(key)
        self._read(row_number, raw, "explanation", parsed, errors)
        return parsed, not_applicable, errors

    def _read(
        self, row_number: int, raw: Mapping[str, object], key: str, parsed: dict[str, object], errors: list[RowError]
    ) -> bool:
        """Parse one cell into ``parsed`` (or its error into ``errors``); tell whether it was read."""
        if key not in raw:
            return False
        try:
            parsed[key] = self.parsers[key](raw[key])
        except numbers.BadValue as exc:
            errors.append(RowError(row_number, self.labels[key], _show(raw[key]), str(exc)))
            return False
        return True


def _not_collected(parsed: Mapping[str, object]) -> str:
    return _("%(year)s年第%(quarter)s季度不填报此项，请留空") % {"year": parsed["year"], "quarter": parsed["quarter"]}


def _within_errors(
    row_number: int, raw: Mapping[str, object], parsed: Mapping[str, object], labels: Mapping[str, str]
) -> list[RowError]:
    """Return an error for each part larger than its whole (the database would refuse the row)."""
    return [
        RowError(
            row_number,
            labels[smaller],
            _show(raw[smaller]),
            _("不能大于「%(label)s」（%(value)s）") % {"label": _(labels[larger]), "value": _show(raw[larger])},
        )
        for smaller, larger in WITHIN
        if parsed.get(smaller) is not None
        and parsed.get(larger) is not None
        and parsed[smaller] > parsed[larger]  # a blank whole is 未填写, never a knock-on error
    ]


def _duplicate_errors(
    row_number: int,
    raw: Mapping[str, object],
    parsed: Mapping[str, object],
    first_row_of: dict[tuple[str, int, int], int],
) -> list[RowError]:
    """Return an error when the row repeats an earlier row's enterprise and period; fills ``first_row_of``."""
    if not {"credit_code", "year", "quarter"} <= parsed.keys():
        return []
    first = first_row_of.setdefault((parsed["credit_code"], parsed["year"], parsed["quarter"]), row_number)
    if first == row_number:
        return []
    message = _("与第%(row)s行重复：同一企业同一年份季度只能有一行") % {"row": first}
    return [RowError(row_number, LABELS["credit_code"], _show(raw["credit_code"]), message)]


def _statistic_row(
    row_number: int, parsed: Mapping[str, object], not_applicable: set[str], in_use: statfields.Elements
) -> StatisticRow:
    return StatisticRow(
        row=row_number,
        credit_code=parsed["credit_code"],
        enterprise_name=parsed["enterprise_name"],
        parcel_id=parsed["parcel"],
        year=parsed["year"],
        quarter=parsed["quarter"],
        values={name: parsed[name] for name in in_use.names if name in parsed},  # a column missing: refused
        not_applicable=frozenset(not_applicable),
        explanation=parsed.get("explanation"),
    )


def blanks_as_zero(rows: Sequence[StatisticRow], elements: statfields.Elements) -> list[StatisticRow]:
    """Return the rows with every blank number read as 0 and every blank flag as 否 (not 不适用, not a date).

    For files from sources where a blank cell means zero (``import_statistics
    --blank-as-zero``); by default a blank cell is 未填写 and stays without a value.
    """
    zero: dict[str, object] = {
        f.name: Decimal(0).quantize(Decimal(1).scaleb(-f.decimals)) if f.decimals else 0
        for f in elements
        if f.is_number
    }
    zero |= dict.fromkeys(elements.flag_fields, False)
    out = []
    for row in rows:
        values = {
            name: zero[name] if value is None and name in zero and name not in row.not_applicable else value
            for name, value in row.values.items()
        }
        out.append(dataclasses.replace(row, values=values))
    return out

"""Check an uploaded statistics file before parsing it, mark its errors, and preview what it would change.

The return's upload calls ``read_upload`` (``check_upload``, then
``imports.read_statistics_file``, then ``formula_errors``), adds
``period_errors``, and on errors ``mark_errors`` for the file to download; the
rows become the return's through ``return_rows``. ``preview_changes`` (against
``parcels.queries.stored_statistics``) and ``preview_context`` show what a file
would change: the preview before an upload is saved is their next user.
Nothing here writes to the database.

Decisions, for the record:

- A file is judged by its bytes, not by its name or the browser's content type:
  only .xlsx (a ZIP holding ``[Content_Types].xml`` and ``xl/workbook.xml``) and
  .csv (UTF-8 or GB18030 text without NUL bytes) are taken.
- A zip bomb is refused from the central directory, before anything is
  inflated: the declared sizes of all parts together, and the ratio of any
  large part. Python's zipfile never inflates a part past its declared size,
  so a lying directory cannot get round this.
- Macros, ActiveX, embedded objects, external links and data connections are
  refused outright rather than stripped: the manager can save a clean .xlsx.
- Every XML part is read with defusedxml up to its root element: OOXML never
  carries a DTD, so any DOCTYPE (entity expansion, external entities) is
  refused. openpyxl also parses through defusedxml once it is installed.
- Formula cells in the template's columns are errors even when the file holds
  their cached result: a file written by a program that does not calculate
  holds none (openpyxl would read the cell as blank, i.e. 0), and a cached
  result may be stale. The manager pastes values instead. A formula typed as
  text (``=B2*2``, ``+A1``, ``@SUM(...)``) is reported as such rather than as
  "not a number".
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath
from typing import BinaryIO, Literal, NamedTuple

import openpyxl
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, iterparse
from django.conf import settings
from django.utils.translation import gettext
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from parkplan import numbers

from .. import queries, statfields
from ..imports import (
    DATA_SHEET,
    LABELS,
    ParseResult,
    RowError,
    StatisticRow,
    column_labels,
    fold_header,
    read_csv_table,
    read_statistics_file,
)
from ..models import Parcel, ReturnRow, Statistic
from .table import show

UploadKind = Literal["xlsx", "csv"]

MAX_BYTES = 10 * 1024 * 1024
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
MAX_PARTS = 1000
# Spreadsheet XML deflates 10–30 fold, very regular sheets up to ~100 fold;
# deflate tops out near 1030. Only parts larger than RATIO_FLOOR are judged.
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024

ERRORS_SHEET = "错误清单"
MARK_AUTHOR = "统计数据校验"
MARK_FILL = PatternFill("solid", fgColor="FFC7CE")

MACRO_MESSAGE = "含宏的文件不予接收，请在Excel中另存为“Excel工作簿(*.xlsx)”后再上传"
FORMULA_MESSAGE = "不能使用公式，请复制后“选择性粘贴为数值”再上传"
FORMULA_TEXT_MESSAGE = "这是以文本形式保存的公式，请填写数值"


class UploadRejected(Exception):
    """A file refused before parsing; the message is for the user, in Chinese."""


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def upload_bytes(upload: bytes | BinaryIO, *, max_bytes: int | None = None) -> bytes:
    """Return the content of an upload, reading at most one byte past the limit; raise UploadRejected when larger."""
    limit = _limit("STATISTICS_UPLOAD_MAX_BYTES", MAX_BYTES) if max_bytes is None else max_bytes
    if isinstance(upload, (bytes, bytearray, memoryview)):
        data = bytes(upload)
    else:
        size = getattr(upload, "size", None)  # Django's UploadedFile knows it without reading
        if size is not None and size > limit:
            raise UploadRejected(_too_large(size, limit))
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(limit + 1)
        if hasattr(upload, "seek"):
            upload.seek(0)
        if len(data) > limit:
            raise UploadRejected(_too_large(None, limit))
    if len(data) > limit:
        raise UploadRejected(_too_large(len(data), limit))
    return data


def _megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _too_large(size: int | None, limit: int) -> str:
    found = f"{_megabytes(size)}，" if size is not None else ""
    return f"文件过大（{found}上限为 {_megabytes(limit)}），请删去无关的工作表或另存为CSV后再上传"


def check_upload(
    name: str,
    data: bytes | BinaryIO,
    *,
    max_bytes: int | None = None,
    max_unzipped_bytes: int | None = None,
) -> UploadKind:
    """Return 'xlsx' or 'csv' for an acceptable statistics file; raise UploadRejected with the reason otherwise.

    ``name`` is the file name the user gave (only its extension counts);
    ``data`` the content or a binary file object (read, then rewound). The
    limits default to the settings STATISTICS_UPLOAD_MAX_BYTES (10 MB) and
    STATISTICS_UPLOAD_MAX_UNZIPPED_BYTES (50 MB).
    """
    kind = _kind_from_name(name)
    content = upload_bytes(data, max_bytes=max_bytes)
    if not content:
        raise UploadRejected("文件是空的")
    if content.startswith(b"MZ") or content.startswith(b"\x7fELF"):
        raise UploadRejected("文件内容是可执行程序，不是Excel或CSV文件，已拒绝")
    if content.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise UploadRejected("文件实际是旧版 .xls 或加密的Excel文件，请去掉密码并另存为 .xlsx 后再上传")
    if kind == "xlsx":
        limit = _limit("STATISTICS_UPLOAD_MAX_UNZIPPED_BYTES", MAX_UNZIPPED_BYTES)
        _check_xlsx(content, limit if max_unzipped_bytes is None else max_unzipped_bytes)
    else:
        _check_csv(content)
    return kind


def _kind_from_name(name: str) -> UploadKind:
    suffix = PurePath(name or "").suffix.lower()
    if suffix == ".xlsx":
        return "xlsx"
    if suffix == ".csv":
        return "csv"
    if suffix in (".xlsm", ".xltm", ".xlam"):
        raise UploadRejected(MACRO_MESSAGE)
    if suffix in (".xls", ".xlt"):
        raise UploadRejected("不支持旧版 .xls 文件，请在Excel中另存为 .xlsx 后再上传")
    if suffix == ".xlsb":
        raise UploadRejected("不支持Excel二进制工作簿(.xlsb)，请另存为 .xlsx 后再上传")
    if suffix in (".et", ".ods", ".numbers"):
        raise UploadRejected("请在表格软件中另存为 .xlsx 或 .csv 后再上传")
    raise UploadRejected("只能上传 .xlsx 或 .csv 文件")


def _check_csv(content: bytes) -> None:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UploadRejected("这是UTF-16编码的文本，请另存为UTF-8或GBK编码的CSV后再上传")
    if content.startswith(b"PK\x03\x04"):
        raise UploadRejected("文件内容是压缩包或Excel工作簿，不是CSV；Excel文件请以 .xlsx 扩展名上传")
    if b"\x00" in content:
        raise UploadRejected("文件内容不是CSV文本（含二进制数据），扩展名与实际类型不符")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            content.decode(encoding)
            return
        except UnicodeDecodeError:
            continue
    raise UploadRejected("无法识别文件编码，请另存为UTF-8或GBK编码的CSV")


def _check_xlsx(content: bytes, max_unzipped: int) -> None:
    if not content.startswith(b"PK\x03\x04"):
        raise UploadRejected("文件内容不是 .xlsx 工作簿（扩展名与实际类型不符）")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise UploadRejected("文件已损坏，无法作为 .xlsx 打开") from None
    with archive:
        parts = archive.infolist()
        _check_directory(parts, max_unzipped)
        names = {part.filename.lower(): part.filename for part in parts}
        if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
            raise UploadRejected("文件内容不是 .xlsx 工作簿（扩展名与实际类型不符）")
        _check_parts(names)
        for lower, name in names.items():
            if lower.endswith((".xml", ".rels")):
                _check_xml(archive, name)
        _check_content_types(archive, names["[content_types].xml"])
        _check_workbook(archive, names)


def _check_directory(parts: Sequence[zipfile.ZipInfo], max_unzipped: int) -> None:
    """Refuse a zip bomb from the central directory alone, before inflating anything."""
    if len(parts) > MAX_PARTS:
        raise UploadRejected("文件结构异常（部件过多），已拒绝")
    if len({part.filename.lower() for part in parts}) != len(parts):
        raise UploadRejected("文件结构异常（部件重名），已拒绝")
    declared = sum(part.file_size for part in parts)
    if declared > max_unzipped:
        raise UploadRejected(
            f"文件解压后过大（声明 {_megabytes(declared)}，上限 {_megabytes(max_unzipped)}），疑似压缩炸弹，已拒绝"
        )
    for part in parts:
        if part.flag_bits & 0x1:
            raise UploadRejected("文件已加密，请去掉密码后另存为 .xlsx 再上传")
        if part.file_size > RATIO_FLOOR and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise UploadRejected("文件压缩比异常，疑似压缩炸弹，已拒绝")


def _check_parts(names: Mapping[str, str]) -> None:
    for lower in names:
        if lower.endswith("vbaproject.bin") or lower.startswith(("xl/activex/", "xl/macrosheets/", "xl/dialogsheets/")):
            raise UploadRejected(MACRO_MESSAGE)
        if lower.startswith("xl/externallinks/"):
            raise UploadRejected(_external_message())
        if lower == "xl/connections.xml" or lower.startswith("xl/querytables/"):
            raise UploadRejected("文件含有外部数据连接，请复制后“选择性粘贴为数值”另存为新文件再上传")
        if lower.startswith("xl/embeddings/"):
            raise UploadRejected("文件含有嵌入的对象，请删除后另存为 .xlsx 再上传")
        if lower.endswith(".bin") and not lower.startswith("xl/printersettings/"):
            raise UploadRejected(MACRO_MESSAGE)  # vbaProjectSignature.bin, activeX*.bin and the like


def _external_message() -> str:
    return "文件含有指向其他工作簿的外部链接，请复制后“选择性粘贴为数值”另存为新文件再上传"


def _check_xml(archive: zipfile.ZipFile, name: str) -> None:
    """Parse an XML part with defusedxml up to its root element: a DTD can only come before it."""
    try:
        with archive.open(name) as stream:
            for _event, _element in iterparse(stream, events=("start",), forbid_dtd=True):
                return
    except DefusedXmlException:
        raise UploadRejected("文件含有不安全的XML内容（DTD或实体声明），已拒绝") from None
    except (ParseError, zipfile.BadZipFile, EOFError, OSError, ValueError):
        raise UploadRejected("文件已损坏，无法作为 .xlsx 打开") from None


def _attributes(archive: zipfile.ZipFile, name: str, tag: str) -> Iterable[dict[str, str]]:
    """Yield the attributes of every element named ``tag`` (any namespace) in a part already checked."""
    with archive.open(name) as stream:
        for _event, element in iterparse(stream, events=("end",), forbid_dtd=True):
            if element.tag.rsplit("}", 1)[-1] == tag:
                yield dict(element.attrib)
            element.clear()


def _check_content_types(archive: zipfile.ZipFile, name: str) -> None:
    for tag in ("Default", "Override"):
        for attributes in _attributes(archive, name, tag):
            content_type = attributes.get("ContentType", "").lower()
            if "macroenabled" in content_type or "vbaproject" in content_type or "activex" in content_type:
                raise UploadRejected(MACRO_MESSAGE)
            if "externallink" in content_type:
                raise UploadRejected(_external_message())


def _check_workbook(archive: zipfile.ZipFile, names: Mapping[str, str]) -> None:
    if any(True for _ in _attributes(archive, names["xl/workbook.xml"], "externalReference")):
        raise UploadRejected(_external_message())
    rels = names.get("xl/_rels/workbook.xml.rels")
    if rels:
        for attributes in _attributes(archive, rels, "Relationship"):
            if attributes.get("TargetMode", "").lower() == "external" or attributes.get("Type", "").endswith(
                "/externalLink"
            ):
                raise UploadRejected(_external_message())


# --- formulas ------------------------------------------------------------------------------------

_FORMULA_TAIL = re.compile(r"[A-Za-z(*/^+\-]")
# A name may well start with "+" or "-"; every other column holds a code, a number, a flag or a date.
FORMULA_TEXT_FREE = frozenset({"enterprise_name"})


def looks_like_formula(text: str) -> bool:
    """Tell whether a text cell holds a formula typed or pasted as text (=B2*2, +A1, @SUM(...), -C3)."""
    folded = numbers.fold(text)
    if len(folded) < 2:
        return False
    if folded[0] in "=@":
        return True
    return folded[0] in "+-" and bool(_FORMULA_TAIL.search(folded[1:]))


def _columns_of(header: Sequence[object], elements: statfields.Elements) -> dict[int, str]:
    """Map column indexes (0-based) of a header row to template column keys; the first of duplicates wins."""
    wanted = {fold_header(label): key for key, label in elements.columns}
    columns: dict[int, str] = {}
    for index, cell in enumerate(header):
        key = wanted.get(fold_header(cell))
        if key is not None and key not in columns.values():
            columns[index] = key
    return columns


def formula_errors(data: bytes, kind: UploadKind, elements: statfields.Elements) -> list[RowError]:
    """Return an error for each formula cell and each formula stored as text in the template's columns.

    ``data`` must have passed ``check_upload``; ``elements`` are the data
    elements whose columns count. Rows are Excel's (header = 1); the value
    shown is the formula as written.
    """
    if kind == "csv":
        table: Iterable[Sequence[tuple[object, str]]] = (
            [(cell, "s") for cell in row] for row in read_csv_table(io.BytesIO(data))
        )
        return _scan_formulas(table, elements)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # the reader reports an unreadable file itself
        return []
    try:
        sheet = workbook[DATA_SHEET] if DATA_SHEET in workbook.sheetnames else workbook.worksheets[0]
        sheet.reset_dimensions()
        rows = ([(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows(min_row=1))
        return _scan_formulas(rows, elements)
    finally:
        workbook.close()


def _scan_formulas(table: Iterable[Sequence[tuple[object, str]]], elements: statfields.Elements) -> list[RowError]:
    rows = iter(table)
    header = next(rows, None)
    if header is None:
        return []
    columns = _columns_of([value for value, _ in header], elements)
    labels = column_labels(elements)
    errors = []
    for row_number, cells in enumerate(rows, start=2):
        for index, key in columns.items():
            if index >= len(cells):
                continue
            value, data_type = cells[index]
            if data_type == "f":
                errors.append(RowError(row_number, labels[key], str(value), FORMULA_MESSAGE))
            elif isinstance(value, str) and key not in FORMULA_TEXT_FREE and looks_like_formula(value):
                errors.append(RowError(row_number, labels[key], value.strip(), FORMULA_TEXT_MESSAGE))
    return errors


# --- the whole check ------------------------------------------------------------------------------


def read_return_upload(
    name: str, upload: bytes | BinaryIO, *, parcel: Parcel, year: int, quarter: int
) -> CheckedUpload:
    """Read an upload for one parcel's return: ``read_upload`` with rows of other parcels or periods as errors."""
    parcels = {parcel.code: parcel.id, parcel.name_zh: parcel.id}
    checked = read_upload(name, upload, parcels=parcels, elements=queries.data_elements())
    checked.result.errors += period_errors(checked.result.rows, year=year, quarter=quarter)
    return checked


def period_errors(rows: Iterable[StatisticRow], *, year: int, quarter: int) -> list[RowError]:
    """Return an error for each row of another period than the return's (year, quarter)."""
    message = gettext("不是本报表的期间（%(y)s年第%(q)s季度）") % {"y": year, "q": quarter}
    return [
        RowError(row.row, "季度", f"{row.year}-{row.quarter}", message)
        for row in rows
        if (row.year, row.quarter) != (year, quarter)
    ]


def return_rows(rows: Iterable[StatisticRow]) -> list[dict[str, object]]:
    """Return checked rows of an upload as the rows of a return (none moved out, no explanations)."""
    return [
        {
            "credit_code": row.credit_code,
            "enterprise_name": row.enterprise_name,
            "moved_out": False,
            "explanation": "",
            **row.values,
        }
        for row in rows
    ]


@dataclass
class CheckedUpload:
    """An upload that passed ``check_upload``, its content, and what the import found in it."""

    kind: UploadKind
    data: bytes
    result: ParseResult


def read_upload(
    name: str,
    upload: bytes | BinaryIO,
    *,
    parcels: Mapping[str, int] | None = None,
    elements: statfields.Elements | None = None,
    max_bytes: int | None = None,
) -> CheckedUpload:
    """Check an upload, read its rows, and add the formula errors; raise UploadRejected before parsing.

    ``parcels`` is passed to ``read_statistics_file`` (default: every parcel),
    and so are ``elements`` (default: every data element). A formula error
    replaces the parse error of the same cell; a row with any error is left
    out of ``result.rows``, and then nothing may be written.
    """
    elements = queries.data_elements() if elements is None else elements
    kind = check_upload(name, upload, max_bytes=max_bytes)
    data = upload_bytes(upload, max_bytes=max_bytes)
    result = read_statistics_file(io.BytesIO(data), f"upload.{kind}", parcels=parcels, elements=elements)
    findings = formula_errors(data, kind, elements)
    if findings:
        result = merge_errors(result, findings, elements)
    return CheckedUpload(kind, data, result)


def merge_errors(result: ParseResult, findings: Sequence[RowError], elements: statfields.Elements) -> ParseResult:
    """Return the result with ``findings`` replacing the errors of the same cells, rows with errors dropped."""
    order = {label: index for index, (_, label) in enumerate(elements.columns)}
    cells = {(error.row, error.column) for error in findings}
    errors = [error for error in result.errors if (error.row, error.column) not in cells] + list(findings)
    errors.sort(key=lambda error: (error.row, order.get(error.column, -1)))
    bad_rows = {error.row for error in errors}
    return ParseResult(rows=[row for row in result.rows if row.row not in bad_rows], errors=errors)


# --- marking errors -------------------------------------------------------------------------------


def mark_errors(data: bytes, errors: Sequence[RowError]) -> bytes:
    """Return the file as .xlsx with each error cell filled light red and commented, plus an 错误清单 sheet.

    ``data`` is an upload that passed ``check_upload`` (.xlsx, or CSV turned
    into a workbook of text cells). Errors match cells by their row and their
    column header (folded as the import folds it); an error with no such cell
    (a missing column, an empty file) appears in the 错误清单 sheet only. Marks
    from an earlier run are cleared first, so a corrected file can be marked
    again.
    """
    if data.startswith(b"PK\x03\x04"):
        workbook = openpyxl.load_workbook(io.BytesIO(data))
        sheet = workbook[DATA_SHEET] if DATA_SHEET in workbook.sheetnames else workbook.worksheets[0]
        _clear_marks(sheet)
    else:
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = DATA_SHEET
        for row in read_csv_table(io.BytesIO(data)):
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    if ERRORS_SHEET in workbook.sheetnames:
        del workbook[ERRORS_SHEET]

    header = [cell.value for cell in next(sheet.iter_rows(min_row=1, max_row=1), ())]
    column_of = {fold_header(value): index + 1 for index, value in reversed(list(enumerate(header)))}
    messages: dict[tuple[int, int], list[str]] = {}
    listed = []
    for error in errors:
        column = column_of.get(fold_header(error.column)) if error.column and error.row >= 1 else None
        if column is not None:
            messages.setdefault((error.row, column), []).append(error.message)
        listed.append((error, f"{get_column_letter(column)}{error.row}" if column else ""))
    for (row, column), texts in messages.items():
        cell = sheet.cell(row=row, column=column)
        cell.fill = MARK_FILL
        comment = Comment("\n".join(texts), MARK_AUTHOR)
        comment.width, comment.height = 260, 40 + 20 * len(texts)
        cell.comment = comment

    _write_error_list(workbook, sheet, listed)
    workbook.active = workbook.index(sheet)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _clear_marks(sheet) -> None:
    for row in sheet.iter_rows():
        for cell in row:
            if cell.comment is not None and cell.comment.author == MARK_AUTHOR:
                cell.comment = None
                if cell.fill == MARK_FILL:
                    cell.fill = PatternFill()


def _write_error_list(workbook, sheet, listed: Sequence[tuple[RowError, str]]) -> None:
    errors_sheet = workbook.create_sheet(ERRORS_SHEET, index=workbook.index(sheet) + 1)
    errors_sheet.append(["行号", "列", "单元格", "填写的值", "错误说明"])
    for cell in errors_sheet[1]:
        cell.font = Font(bold=True)
    for error, coordinate in listed:
        errors_sheet.append(
            [error.row or None, error.column or None, coordinate or None, error.value or None, error.message]
        )
        if coordinate:
            link = errors_sheet.cell(row=errors_sheet.max_row, column=3)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{sheet.title}'!{coordinate}")
            link.font = Font(color="14589E", underline="single")
    for letter, width in zip("ABCDE", (8, 34, 10, 24, 70), strict=True):
        errors_sheet.column_dimensions[letter].width = width
    errors_sheet.freeze_panes = "A2"


# --- preview ---------------------------------------------------------------------------------------

Key = tuple[str, int, int]
MERGE, REPLACE = "merge", "replace"


class FieldChange(NamedTuple):
    """One field of a stored row that the upload would change (不适用 is the word, not None)."""

    field: str
    old: object
    new: object


@dataclass
class Preview:
    """What writing the rows would do, by key: new rows, changed rows with their changes, unchanged rows.

    For an upload into a return also the stored rows it would remove (``replace``)
    and those it leaves as they are (``kept``, a merge's other enterprises).
    """

    new: list[StatisticRow] = field(default_factory=list)
    changed: list[tuple[StatisticRow, list[FieldChange]]] = field(default_factory=list)
    unchanged: list[StatisticRow] = field(default_factory=list)
    removed: list[Mapping[str, object]] = field(default_factory=list)
    kept: list[Mapping[str, object]] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
            "removed": len(self.removed),
            "kept": len(self.kept),
        }

    @property
    def changes_nothing(self) -> bool:
        return not (self.new or self.changed or self.removed)


def _marked(values: Mapping[str, object], not_applicable: Iterable[str]) -> dict[str, object]:
    """Return values with 不适用 written into the fields marked so (so 不适用 and blank compare apart)."""
    return {**values, **dict.fromkeys(not_applicable, statfields.NOT_APPLICABLE)}


def preview_changes(rows: Iterable[StatisticRow], stored: Mapping[Key, Mapping[str, object]]) -> Preview:
    """Sort checked rows into new, changed (with each field's old and new value) and unchanged.

    ``stored`` maps (credit code, year, quarter) to the stored ``parcel_id``
    and the elements' figures (``queries.stored_statistics``), and for a
    return's rows also ``not_applicable``, ``moved_out`` and ``explanation``
    (compared when the file has a 情况说明 column). The parcel and the
    elements a row carries are compared as ``services.upsert_statistics``
    compares them, so the counts agree with its dry run.
    """
    preview = Preview()
    for row in rows:
        old = stored.get(row.key)
        if old is None:
            preview.new.append(row)
            continue
        changes = _row_changes(row, old)
        if changes:
            preview.changed.append((row, changes))
        else:
            preview.unchanged.append(row)
    return preview


def _row_changes(row: StatisticRow, old: Mapping[str, object]) -> list[FieldChange]:
    before = _marked(old, old.get("not_applicable") or ())
    after = _marked({"parcel_id": row.parcel_id, **row.values}, row.not_applicable)
    changes = [FieldChange(name, before.get(name), value) for name, value in after.items() if before.get(name) != value]
    if old.get("moved_out"):
        changes.append(FieldChange("moved_out", True, False))
    if row.explanation is not None and "explanation" in old and (old["explanation"] or "") != row.explanation:
        changes.append(FieldChange("explanation", old["explanation"] or "", row.explanation))
    return changes


@dataclass
class UploadPlan:
    """An upload into a return: the return's rows after it, and what it changes on the rows before it."""

    mode: str
    rows: list[dict[str, object]]  # as parcels.returns.services.save_return takes them
    preview: Preview


def plan_upload(
    base: Sequence[Mapping[str, object]],
    file_rows: Sequence[StatisticRow],
    *,
    mode: str,
    parcel_id: int,
    period: tuple[int, int],
) -> UploadPlan:
    """Return what an upload makes of a return's rows.

    ``base``: the return's rows now (``parcels.queries.return_rows``, or a new
    return's ``initial_rows``). ``merge`` (the default): the file's enterprises
    replace their own rows and every other row stays; new enterprises are
    added at the end (not one without any figure: a template's blank row).
    ``replace``: the return becomes the file's rows, and the rows of the
    enterprises not in the file are removed (listed in the preview
    for the manager to confirm). A file without a 情况说明 column keeps the
    explanations already written.
    """
    by_code = {str(row["credit_code"]): row for row in base}
    # A template lists the expected enterprises a return lacks; left blank, they add nothing.
    file_rows = [row for row in file_rows if row.credit_code in by_code or _row_has_figures(row)]
    in_file = {row.credit_code: row for row in file_rows}
    year, quarter = period
    stored = {(code, year, quarter): {"parcel_id": parcel_id, **row} for code, row in by_code.items()}
    preview = preview_changes(file_rows, stored)
    if mode == REPLACE:
        rows = [_return_row(row, by_code.get(row.credit_code)) for row in file_rows]
        preview.removed = [row for code, row in by_code.items() if code not in in_file]
    else:
        rows = [_return_row(in_file[code], row) if code in in_file else dict(row) for code, row in by_code.items()]
        rows += [_return_row(row, None) for row in file_rows if row.credit_code not in by_code]
        preview.kept = [row for code, row in by_code.items() if code not in in_file]
    return UploadPlan(mode, rows, preview)


def _return_row(row: StatisticRow, before: Mapping[str, object] | None) -> dict[str, object]:
    explanation = row.explanation if row.explanation is not None else str((before or {}).get("explanation") or "")
    return {
        "credit_code": row.credit_code,
        "enterprise_name": row.enterprise_name,
        "moved_out": False,
        **row.values,
        "not_applicable": sorted(row.not_applicable),
        "explanation": explanation,
    }


def _row_has_figures(row: StatisticRow) -> bool:
    return bool(row.not_applicable) or any(value is not None for value in row.values.values())


def has_figures(row: Mapping[str, object], elements: statfields.Elements) -> bool:
    """Tell whether a return's row holds any figure of the elements (a value or 不适用)."""
    return bool(row.get("not_applicable")) or any(row.get(name) is not None for name in elements.names)


# --- keeping an upload between its preview and its confirmation --------------------------------


def pending_rows(rows: Iterable[StatisticRow]) -> list[dict[str, object]]:
    """Return checked rows as JSON (what a PendingUpload keeps): numbers and dates as text."""
    return [
        {
            "row": row.row,
            "credit_code": row.credit_code,
            "enterprise_name": row.enterprise_name,
            "parcel_id": row.parcel_id,
            "year": row.year,
            "quarter": row.quarter,
            "values": {name: _json_value(value) for name, value in row.values.items()},
            "not_applicable": sorted(row.not_applicable),
            "explanation": row.explanation,
        }
        for row in rows
    ]


def _json_value(value: object) -> object:
    if value is None or isinstance(value, bool | int):
        return value
    return str(value) if not isinstance(value, date) else value.isoformat()


def rows_from_pending(data: Iterable[Mapping[str, object]], elements: statfields.Elements) -> list[StatisticRow]:
    """Return the checked rows a PendingUpload keeps (``pending_rows``' inverse), typed again by ``elements``.

    An element deleted since the preview is left out.
    """
    rows = []
    for item in data:
        values = {}
        for name, value in item["values"].items():
            if name in elements:
                values[name] = value if value is None else statfields.cell_parser(elements.by_name[name])(value)
        rows.append(
            StatisticRow(
                row=int(item["row"]),
                credit_code=str(item["credit_code"]),
                enterprise_name=str(item["enterprise_name"]),
                parcel_id=int(item["parcel_id"]),
                year=int(item["year"]),
                quarter=int(item["quarter"]),
                values=values,
                not_applicable=frozenset(item.get("not_applicable") or ()),
                explanation=item.get("explanation"),
            )
        )
    return rows


def field_label(name: str, elements: statfields.Elements) -> str:
    """Return a column's label in the user's language: an element's header, else the model's verbose name."""
    if name in elements:
        return elements.by_name[name].heading
    if name in ("parcel_id", "parcel"):
        return str(Statistic._meta.get_field("parcel").verbose_name)
    if name in ("moved_out", "explanation"):
        return str(ReturnRow._meta.get_field(name).verbose_name)
    return str(Statistic._meta.get_field(name).verbose_name)


def format_value(
    name: str, value: object, *, parcel_names: Mapping[int, str], elements: statfields.Elements | None = None
) -> str:
    """Format a field's value for the preview: the parcel's name, else as the return's pages show values."""
    if name in ("parcel_id", "parcel"):
        return parcel_names.get(value, str(value)) if value is not None else "—"
    return show(name, value, elements.by_name.get(name) if elements is not None else None)


@dataclass(frozen=True)
class _Shown:
    """How the preview shows rows: parcels by name, values as the return's pages show them."""

    parcel_names: Mapping[int, str]
    elements: statfields.Elements

    def ident(self, row: StatisticRow) -> dict[str, object]:
        return {
            "row": row.row,
            "credit_code": row.credit_code,
            "enterprise_name": row.enterprise_name,
            "year": row.year,
            "quarter": row.quarter,
            "parcel": self.parcel_names.get(row.parcel_id, str(row.parcel_id)),
        }

    def value(self, name: str, value: object) -> str:
        return format_value(name, value, parcel_names=self.parcel_names, elements=self.elements)

    def new_row(self, row: StatisticRow) -> dict[str, object]:
        marked = _marked(row.values, row.not_applicable)
        return {**self.ident(row), "values": [self.value(name, marked.get(name)) for name in self.elements.names]}

    def changed_row(self, row: StatisticRow, changes: Sequence[FieldChange]) -> dict[str, object]:
        return {
            **self.ident(row),
            "changes": [
                {
                    "label": field_label(change.field, self.elements),
                    "old": self.value(change.field, change.old),
                    "new": self.value(change.field, change.new),
                }
                for change in changes
            ],
        }


def preview_context(
    preview: Preview,
    errors: Sequence[RowError] = (),
    *,
    parcel_names: Mapping[int, str],
    elements: statfields.Elements,
) -> dict[str, object]:
    """Return the context of ``parcels/upload_preview.html``: counts, formatted rows and changes, errors.

    ``parcel_names`` maps parcel ids to the names to show; ``elements`` are
    the quarter's (the new rows' columns).
    """
    shown = _Shown(parcel_names, elements)
    return {
        "counts": preview.counts,
        "field_labels": [field_label(name, elements) for name in elements.names],
        "new_rows": [shown.new_row(row) for row in preview.new],
        "changed_rows": [shown.changed_row(row, changes) for row, changes in preview.changed],
        "unchanged_rows": [shown.ident(row) for row in preview.unchanged],
        "removed_rows": [
            {
                "credit_code": row["credit_code"],
                "enterprise_name": row["enterprise_name"],
                "has_figures": has_figures(row, elements),
            }
            for row in preview.removed
        ],
        "errors": list(errors),
    }


def scope_errors(
    rows: Iterable[StatisticRow],
    stored: Mapping[Key, Mapping[str, object]],
    allowed_parcel_ids: Iterable[int],
    *,
    parcel_names: Mapping[int, str],
) -> list[RowError]:
    """Return an error for each row of a parcel the user may not write, or that would overwrite another parcel's row.

    ``allowed_parcel_ids`` comes from ``access.parcels_for(user)``;
    ``parcel_names`` maps parcel ids to names for the messages. The messages
    never name the parcel a stored row belongs to.
    """
    allowed = set(allowed_parcel_ids)
    errors = []
    for row in rows:
        if row.parcel_id not in allowed:
            name = parcel_names.get(row.parcel_id, "")
            errors.append(RowError(row.row, LABELS["parcel"], name, "您无权填报该地块的数据"))
            continue
        old = stored.get(row.key)
        if old is not None and old.get("parcel_id") not in allowed:
            message = "该企业本期的数据属于其他地块，不能在此修改，请联系联席会议办公室"
            errors.append(RowError(row.row, LABELS["credit_code"], row.credit_code, message))
    return errors

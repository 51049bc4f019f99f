import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string

from parcels import statfields
from parcels.imports import RowError, StatisticRow
from parcels.queries import stored_statistics
from parcels.returns.template_xlsx import DATA_SHEET, write_statistics_template
from parcels.returns.uploads import (
    ERRORS_SHEET,
    FORMULA_MESSAGE,
    FORMULA_TEXT_MESSAGE,
    MACRO_MESSAGE,
    MARK_AUTHOR,
    FieldChange,
    UploadRejected,
    check_upload,
    looks_like_formula,
    mark_errors,
    preview_changes,
    preview_context,
    read_upload,
    scope_errors,
)
from parcels.services import upsert_statistics
from tests.factories import make_parcel, make_statistic, new_credit_code

PARCELS = {"宝山工业园区": 1, "baoshan-industrial": 1, "罗店工业园区": 2}
HEADER = [label for _, label in statfields.BUILT_IN.columns]
LABEL = dict(statfields.BUILT_IN.columns)


def column(key: str) -> int:
    return [k for k, _ in statfields.BUILT_IN.columns].index(key) + 1


def good_row(code: str, **values) -> list[object]:
    row = [code, "上海示例科技有限公司", "宝山工业园区", 2022, 1] + [None] * len(statfields.BUILT_IN.fields)
    defaults = {"revenue": 1234.5, "employees": 50, "masters_plus": 5, "high_tech": "是"}
    for key, value in {**defaults, **values}.items():
        row[column(key) - 1] = value
    return row


def template_xlsx(rows=(), *, text_cells=()) -> bytes:
    """Return the real template with rows appended; ``text_cells`` are (row, key) forced to text cells."""
    out = io.BytesIO()
    write_statistics_template(out, parcel_names=["宝山工业园区", "罗店工业园区"], elements=statfields.BUILT_IN)
    workbook = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    sheet = workbook[DATA_SHEET]
    for row in rows:
        sheet.append(row)
    for row, key in text_cells:
        sheet.cell(row=row, column=column(key)).data_type = "s"
    saved = io.BytesIO()
    workbook.save(saved)
    return saved.getvalue()


def rezip(data: bytes, *, add=None, change=None, drop=()) -> bytes:
    """Return a copy of a zip with parts added, changed (name -> function of the old bytes) or dropped."""
    add, change = add or {}, change or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in drop:
                continue
            content = source.read(info.filename)
            if info.filename in change:
                content = change[info.filename](content)
            target.writestr(info.filename, content)
        for name, content in add.items():
            target.writestr(name, content)
    return out.getvalue()


def macro_enabled(content_types: bytes) -> bytes:
    return content_types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )


def with_doctype(doctype: bytes):
    def change(xml: bytes) -> bytes:
        if xml.startswith(b"<?xml"):
            xml = xml[xml.index(b"?>") + 2 :]
        return b'<?xml version="1.0" encoding="UTF-8"?>\n' + doctype + xml

    return change


BILLION_LAUGHS = (
    b'<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
    + b"]>"
)
EXTERNAL_ENTITY = b'<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
SHARED_STRINGS = b'<sst count="1"><si><t>&xxe;</t></si></sst>'


def zip_bomb() -> bytes:
    """A real template plus a part of 200 MB of zeros, deflated to a few hundred kilobytes."""
    out = io.BytesIO(template_xlsx())
    chunk = b"\0" * (1024 * 1024)
    with (
        zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/media/image1.xml", "w", force_zip64=True) as part,
    ):
        for _ in range(200):
            part.write(chunk)
    return out.getvalue()


def dense_part() -> bytes:
    """A template plus one 40 MB part of zeros: under the total limit, but compressed a thousand-fold."""
    out = io.BytesIO(template_xlsx())
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet9.xml", b"\0" * (40 * 1024 * 1024))
    return out.getvalue()


def forged_size() -> bytes:
    """A tiny part whose central directory declares 4 GB uncompressed."""
    data = bytearray(template_xlsx())
    end = data.rindex(b"PK\x05\x06")
    directory = int.from_bytes(data[end + 16 : end + 20], "little")
    # The first entry's uncompressed size sits 24 bytes into its central directory record.
    data[directory + 24 : directory + 28] = (0xFFFFFFF0).to_bytes(4, "little")
    return bytes(data)


REJECTED = [
    # (case, file name, content, words the message must contain)
    ("xlsm by name", "统计.xlsm", lambda: template_xlsx(), "含宏"),
    (
        "xlsm renamed to xlsx",
        "统计.xlsx",
        lambda: rezip(
            template_xlsx(),
            add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 512},
            change={"[Content_Types].xml": macro_enabled},
        ),
        "含宏",
    ),
    (
        "macro content type alone",
        "统计.xlsx",
        lambda: rezip(template_xlsx(), change={"[Content_Types].xml": macro_enabled}),
        "含宏",
    ),
    ("activeX part", "统计.xlsx", lambda: rezip(template_xlsx(), add={"xl/activeX/activeX1.bin": b"x"}), "含宏"),
    ("renamed exe", "统计.xlsx", lambda: b"MZ\x90\x00\x03" + b"\0" * 200, "可执行程序"),
    ("exe named csv", "统计.csv", lambda: b"MZ\x90\x00\x03This program cannot be run in DOS mode", "可执行程序"),
    ("xls by name", "统计.xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500, ".xls"),
    ("xls renamed to xlsx", "统计.xlsx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500, ".xls"),
    ("exe by name", "setup.exe", lambda: b"MZ", ".xlsx 或 .csv"),
    ("no extension", "统计", lambda: b"a,b\n", ".xlsx 或 .csv"),
    ("xlsb", "统计.xlsb", lambda: b"PK\x03\x04", ".xlsb"),
    ("csv text named xlsx", "统计.xlsx", lambda: "统一社会信用代码,企业名称\n".encode(), "扩展名与实际类型不符"),
    ("xlsx named csv", "统计.csv", lambda: template_xlsx(), "不是CSV"),
    ("binary named csv", "统计.csv", lambda: b"a,b\n\x00\x01\x02", "扩展名与实际类型不符"),
    ("utf-16 csv", "统计.csv", lambda: "年份,季度\n2022,1\n".encode("utf-16"), "UTF-16"),
    ("undecodable csv", "统计.csv", lambda: b"a,b\n\xff\xfe\xfa,1\n", "编码"),
    ("empty", "统计.csv", lambda: b"", "空"),
    ("zip without a workbook", "统计.xlsx", lambda: rezip(template_xlsx(), drop={"xl/workbook.xml"}), "不是 .xlsx"),
    ("broken zip", "统计.xlsx", lambda: template_xlsx()[:300], "损坏"),
    ("zip bomb", "统计.xlsx", zip_bomb, "压缩炸弹"),
    ("absurd compression ratio", "统计.xlsx", dense_part, "压缩炸弹"),
    ("forged declared size", "统计.xlsx", forged_size, "压缩炸弹"),
    (
        "external link part",
        "统计.xlsx",
        lambda: rezip(template_xlsx(), add={"xl/externalLinks/externalLink1.xml": b"<externalLink/>"}),
        "外部链接",
    ),
    (
        "external relationship",
        "统计.xlsx",
        lambda: rezip(
            template_xlsx(),
            change={
                "xl/_rels/workbook.xml.rels": lambda xml: xml.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rId99" Type="http://x/externalLinkPath" '
                    b'Target="file:///C:/other.xlsx" TargetMode="External"/></Relationships>',
                )
            },
        ),
        "外部链接",
    ),
    (
        "data connection",
        "统计.xlsx",
        lambda: rezip(template_xlsx(), add={"xl/connections.xml": b"<connections/>"}),
        "外部数据连接",
    ),
    (
        "embedded object",
        "统计.xlsx",
        lambda: rezip(template_xlsx(), add={"xl/embeddings/oleObject1.bin": b"MZ"}),
        "嵌入",
    ),
    (
        "billion laughs in a sheet",
        "统计.xlsx",
        lambda: rezip(template_xlsx(), change={"xl/worksheets/sheet1.xml": with_doctype(BILLION_LAUGHS)}),
        "DTD",
    ),
    (
        "external entity in shared strings",
        "统计.xlsx",
        lambda: rezip(template_xlsx(), add={"xl/sharedStrings.xml": with_doctype(EXTERNAL_ENTITY)(SHARED_STRINGS)}),
        "DTD",
    ),
    (
        "external entity in the workbook",
        "统计.xlsx",
        lambda: rezip(template_xlsx(), change={"xl/workbook.xml": with_doctype(EXTERNAL_ENTITY)}),
        "DTD",
    ),
    (
        "doctype in the content types",
        "统计.xlsx",
        lambda: rezip(template_xlsx(), change={"[Content_Types].xml": with_doctype(b"<!DOCTYPE Types>")}),
        "DTD",
    ),
    ("oversized", "统计.csv", lambda: b"a,b\n" + b"1,2\n" * 3_000_000, "文件过大"),
]


@pytest.mark.parametrize(("case", "name", "content", "words"), REJECTED, ids=[case[0] for case in REJECTED])
def test_it_refuses_unsafe_or_wrong_files_before_parsing(monkeypatch, case, name, content, words):
    data = content()

    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed a file that should have been refused")

    monkeypatch.setattr("parcels.returns.uploads.read_statistics_file", no_parsing)
    monkeypatch.setattr("openpyxl.load_workbook", no_parsing)

    with pytest.raises(UploadRejected) as refused:
        read_upload(name, data, parcels=PARCELS, elements=statfields.BUILT_IN)

    assert words in str(refused.value)
    assert any("\u4e00" <= char <= "\u9fff" for char in str(refused.value))


def test_it_names_the_macro_rule_plainly():
    with pytest.raises(UploadRejected, match="含宏的文件不予接收"):
        check_upload("统计.xlsm", template_xlsx())
    assert "含宏的文件不予接收" in MACRO_MESSAGE
    with pytest.raises(UploadRejected, match=r"请在Excel中另存为 \.xlsx"):
        check_upload("统计.xls", b"\xd0\xcf\x11\xe0")


@pytest.mark.parametrize("bomb", [zip_bomb, forged_size], ids=["deflated zeros", "forged size"])
def test_it_refuses_a_zip_bomb_without_inflating_any_part(monkeypatch, bomb):
    data = bomb()

    def no_inflating(*args, **kwargs):
        raise AssertionError("opened a part of a zip bomb")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_inflating)
    with pytest.raises(UploadRejected, match="压缩炸弹"):
        check_upload("统计.xlsx", data)
    assert len(data) < 2 * 1024 * 1024


def test_it_takes_the_size_limit_from_the_settings_and_from_a_django_upload(settings):
    data = template_xlsx()
    assert check_upload("统计.xlsx", data) == "xlsx"

    settings.STATISTICS_UPLOAD_MAX_BYTES = 1000
    with pytest.raises(UploadRejected, match="上限为 1 KB"):
        check_upload("统计.xlsx", data)
    upload = SimpleUploadedFile("统计.xlsx", data)
    with pytest.raises(UploadRejected, match=r"文件过大（\d+ KB，上限为 1 KB）"):
        check_upload(upload.name, upload)

    settings.STATISTICS_UPLOAD_MAX_UNZIPPED_BYTES = 1000
    with pytest.raises(UploadRejected, match="压缩炸弹"):
        check_upload("统计.xlsx", data, max_bytes=10**7)


def csv_bytes(rows, encoding: str) -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    return text.getvalue().encode(encoding)


ACCEPTED = [
    ("the template", "统计.xlsx", lambda code: template_xlsx([good_row(code)]), "xlsx"),
    ("upper-case extension", "统计.XLSX", lambda code: template_xlsx([good_row(code)]), "xlsx"),
    (
        "printer settings part",
        "统计.xlsx",
        lambda code: rezip(template_xlsx([good_row(code)]), add={"xl/printerSettings/printerSettings1.bin": b"\0"}),
        "xlsx",
    ),
    ("GBK csv", "统计.csv", lambda code: csv_bytes([HEADER, good_row(code)], "gbk"), "csv"),
    ("UTF-8 csv with BOM", "统计.csv", lambda code: csv_bytes([HEADER, good_row(code)], "utf-8-sig"), "csv"),
    ("UTF-8 csv", "统计.csv", lambda code: csv_bytes([HEADER, good_row(code)], "utf-8"), "csv"),
]


@pytest.mark.parametrize(("case", "name", "content", "kind"), ACCEPTED, ids=[case[0] for case in ACCEPTED])
def test_it_accepts_the_template_and_csv_in_utf8_or_gbk(case, name, content, kind):
    code = new_credit_code()
    data = content(code)

    assert check_upload(name, data) == kind
    upload = read_upload(name, io.BytesIO(data), parcels=PARCELS, elements=statfields.BUILT_IN)

    assert upload.kind == kind
    assert upload.result.ok, upload.result.errors
    [row] = upload.result.rows
    assert (row.credit_code, row.enterprise_name, row.parcel_id) == (code, "上海示例科技有限公司", 1)
    assert row.values["revenue"] == Decimal("1234.50")
    assert row.values["high_tech"] is True


def test_it_reads_a_django_upload_and_leaves_it_rewound():
    upload = SimpleUploadedFile("统计.xlsx", template_xlsx([good_row(new_credit_code())]))
    upload.read(10)

    checked = read_upload(upload.name, upload, parcels=PARCELS, elements=statfields.BUILT_IN)

    assert checked.result.ok
    assert upload.tell() == 0


@pytest.mark.parametrize(
    ("text", "formula"),
    [
        ("=B2*2", True),
        ("＝SUM(F2:F9)", True),
        ("@SUM(F2)", True),
        ("+A1", True),
        ("-C3+1", True),
        ("+1+2", True),
        ("-5", False),
        ("+5", False),
        ("1,234.5", False),
        ("=", False),
        ("是", False),
    ],
)
def test_it_tells_a_formula_typed_as_text(text, formula):
    assert looks_like_formula(text) is formula


# (case, cell written, forced to text?, message expected in the cell's error)
FORMULA_CELLS = [
    ("formula cell", "=1+2", False, FORMULA_MESSAGE),
    ("formula cell in a flag column", '=IF(1,"是","否")', False, FORMULA_MESSAGE),
    ("formula as text", "=B2*2", True, FORMULA_TEXT_MESSAGE),
    ("reference as text", "+A1", True, FORMULA_TEXT_MESSAGE),
    ("@ function as text", "@SUM(F2)", True, FORMULA_TEXT_MESSAGE),
    ("a negative number stays a negative number", "-5", True, "不能为负数"),
]


@pytest.mark.parametrize(("case", "written", "as_text", "message"), FORMULA_CELLS, ids=[c[0] for c in FORMULA_CELLS])
def test_it_reports_formulas_by_row_and_column(case, written, as_text, message):
    key = "high_tech" if "flag" in case else "revenue"
    rows = [good_row(new_credit_code()), good_row(new_credit_code(), **{key: written})]
    data = template_xlsx(rows, text_cells=[(3, key)] if as_text else [])

    upload = read_upload("统计.xlsx", data, parcels=PARCELS, elements=statfields.BUILT_IN)

    assert not upload.result.ok
    assert [(e.row, e.column, e.value, e.message) for e in upload.result.errors] == [(3, LABEL[key], written, message)]
    assert [row.row for row in upload.result.rows] == [2]


def test_it_reports_formulas_typed_in_a_csv_and_ignores_extra_columns():
    formula_row = [*good_row(new_credit_code(), employees="=SUM(L2:L3)"), "=A1"]
    data = csv_bytes([[*HEADER, "备注"], formula_row], "gb18030")

    upload = read_upload("统计.csv", data, parcels=PARCELS, elements=statfields.BUILT_IN)

    assert [(e.row, e.column, e.message) for e in upload.result.errors] == [
        (2, LABEL["employees"], FORMULA_TEXT_MESSAGE)
    ]


def test_it_ignores_formulas_outside_the_template_columns():
    sheet_rows = [[*HEADER, "备注"], [*good_row(new_credit_code()), "=1+1"]]
    workbook = openpyxl.Workbook()
    workbook.active.title = DATA_SHEET
    for row in sheet_rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)

    assert read_upload("统计.xlsx", out.getvalue(), parcels=PARCELS, elements=statfields.BUILT_IN).result.ok


# --- marking errors -------------------------------------------------------------------------------


def marked(data: bytes, name: str):
    upload = read_upload(name, data, parcels=PARCELS, elements=statfields.BUILT_IN)
    assert upload.result.errors
    return upload, openpyxl.load_workbook(io.BytesIO(mark_errors(upload.data, upload.result.errors)))


def bad_rows() -> list[list[object]]:
    return [
        good_row(new_credit_code()),
        good_row(new_credit_code(), revenue="12a", employees=3, masters_plus=9),
        good_row("不是代码"),
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("统计.xlsx", lambda: template_xlsx(bad_rows())),
        ("统计.csv", lambda: csv_bytes([HEADER, *bad_rows()], "gbk")),
    ],
    ids=["xlsx", "csv"],
)
def test_it_marks_every_error_cell_and_lists_them(name, content):
    upload, workbook = marked(content(), name)
    sheet = workbook[DATA_SHEET]

    assert workbook.active.title == DATA_SHEET
    assert workbook.sheetnames.index(ERRORS_SHEET) == workbook.sheetnames.index(DATA_SHEET) + 1
    expected = {(3, "revenue"), (3, "masters_plus"), (4, "credit_code")}
    for row, key in expected:
        cell = sheet.cell(row=row, column=column(key))
        assert cell.fill.fgColor.rgb.endswith("FFC7CE"), cell.coordinate
        assert cell.comment.author == MARK_AUTHOR
        errors = [e.message for e in upload.result.errors if (e.row, e.column) == (row, LABEL[key])]
        assert cell.comment.text == "\n".join(errors)
    assert sheet.cell(row=2, column=column("revenue")).comment is None
    assert not sheet.cell(row=2, column=column("revenue")).fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet.cell(row=4, column=1).value == "不是代码"

    listed = list(workbook[ERRORS_SHEET].iter_rows(values_only=True))
    assert listed[0] == ("行号", "列", "单元格", "填写的值", "错误说明")
    assert [(r, c, v or "", m) for r, c, _, v, m in listed[1:]] == [
        (e.row, e.column, e.value, e.message) for e in upload.result.errors
    ]
    link = workbook[ERRORS_SHEET]["C2"]
    assert link.value == f"{openpyxl.utils.get_column_letter(column('revenue'))}3"
    assert link.hyperlink.location == f"'{DATA_SHEET}'!{link.value}"


def test_it_marks_a_marked_file_afresh_and_the_import_still_reads_it():
    upload, _ = marked(template_xlsx(bad_rows()), "统计.xlsx")
    first = mark_errors(upload.data, upload.result.errors)

    again = read_upload("统计.xlsx", first, parcels=PARCELS, elements=statfields.BUILT_IN)
    assert [(e.row, e.column) for e in again.result.errors] == [(e.row, e.column) for e in upload.result.errors]

    only_one = [e for e in again.result.errors if e.row == 4]
    workbook = openpyxl.load_workbook(io.BytesIO(mark_errors(first, only_one)))
    sheet = workbook[DATA_SHEET]
    assert sheet.cell(row=3, column=column("revenue")).comment is None
    assert not sheet.cell(row=3, column=column("revenue")).fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet.cell(row=4, column=1).comment.text == only_one[0].message
    assert len(list(workbook[ERRORS_SHEET].iter_rows())) == 2
    assert workbook.sheetnames.count(ERRORS_SHEET) == 1


def test_it_lists_an_error_with_no_cell_without_marking_anything():
    header = [label for label in HEADER if label != LABEL["tax"]]
    data = csv_bytes([header, good_row(new_credit_code())[: len(header)]], "utf-8-sig")

    upload, workbook = marked(data, "统计.csv")

    assert upload.result.errors == [RowError(1, LABEL["tax"], "", "表头缺少此列")]
    assert [row[:3] for row in workbook[ERRORS_SHEET].iter_rows(min_row=2, values_only=True)] == [
        (1, LABEL["tax"], None)
    ]
    assert not any(cell.comment for row in workbook[DATA_SHEET].iter_rows() for cell in row)


# --- preview --------------------------------------------------------------------------------------

BASE = {
    f.name: (False if f.kind == statfields.FLAG else None if f.kind == statfields.DATE else 0)
    for f in statfields.BUILT_IN.fields
}


def statistic_row(code="C1", parcel_id=1, **values) -> StatisticRow:
    return StatisticRow(2, code, "企业", parcel_id, 2022, 1, {**BASE, **values})


def stored(parcel_id=1, **values) -> dict:
    return {"parcel_id": parcel_id, **BASE, **values, "enterprise_name": "旧名称"}


PREVIEWS = [
    # (case, row, stored values or None, expected: "new" / "unchanged" / list of changes)
    ("nothing stored", statistic_row(revenue=Decimal("1.00")), None, "new"),
    ("same values", statistic_row(revenue=Decimal("1.00")), stored(revenue=Decimal("1.00")), "unchanged"),
    ("same money, other scale", statistic_row(revenue=Decimal("1.00")), stored(revenue=Decimal("1.0")), "unchanged"),
    ("a new name alone changes no figure", statistic_row(), stored(), "unchanged"),
    (
        "revised revenue",
        statistic_row(revenue=Decimal("12.50")),
        stored(revenue=Decimal("10.00")),
        [FieldChange("revenue", Decimal("10.00"), Decimal("12.50"))],
    ),
    (
        "moved parcel and a new listing",
        statistic_row(parcel_id=2, listed_date=date(2022, 3, 1)),
        stored(parcel_id=1),
        [FieldChange("parcel_id", 1, 2), FieldChange("listed_date", None, date(2022, 3, 1))],
    ),
    (
        "flag and count",
        statistic_row(high_tech=True, employees=40),
        stored(high_tech=False, employees=38),
        [FieldChange("employees", 38, 40), FieldChange("high_tech", False, True)],
    ),
]


@pytest.mark.parametrize(("case", "row", "old", "expected"), PREVIEWS, ids=[c[0] for c in PREVIEWS])
def test_it_previews_new_changed_and_unchanged_rows(case, row, old, expected):
    preview = preview_changes([row], {} if old is None else {row.key: old})

    if expected == "new":
        assert (preview.new, preview.changed, preview.unchanged) == ([row], [], [])
    elif expected == "unchanged":
        assert (preview.new, preview.changed, preview.unchanged) == ([], [], [row])
    else:
        assert (preview.new, preview.changed, preview.unchanged) == ([], [(row, expected)], [])


@pytest.mark.django_db
def test_it_previews_what_the_import_would_do():
    parcel, other = make_parcel(), make_parcel()
    same = make_statistic(parcel=parcel, year=2022, quarter=1, revenue=Decimal("100.00"), employees=10)
    revised = make_statistic(parcel=parcel, year=2022, quarter=1, revenue=Decimal("100.00"), employees=10)
    make_statistic(enterprise=revised.enterprise, year=2021, quarter=1, revenue=Decimal("5.00"))
    rows = [
        statistic_row(same.enterprise.credit_code, parcel.id, revenue=Decimal("100.00"), employees=10),
        statistic_row(revised.enterprise.credit_code, other.id, revenue=Decimal("120.00"), employees=10),
        statistic_row(new_credit_code(), parcel.id, revenue=Decimal("7.00")),
    ]

    stored_rows = stored_statistics([row.key for row in rows])
    preview = preview_changes(rows, stored_rows)
    counts = upsert_statistics(rows=rows, source="upload", dry_run=True)

    assert set(stored_rows) == {rows[0].key, rows[1].key}
    assert preview.counts == {
        "new": counts.created,
        "changed": counts.updated,
        "unchanged": counts.unchanged,
        "removed": 0,
        "kept": 0,
    }
    assert preview.changed[0][1] == [
        FieldChange("parcel_id", parcel.id, other.id),
        FieldChange("revenue", Decimal("100.00"), Decimal("120.00")),
    ]


def test_it_renders_the_preview_with_old_and_new_values_and_the_errors():
    preview = preview_changes(
        [
            statistic_row("A", revenue=Decimal("2000.00")),
            statistic_row("B", revenue=Decimal("1234.50"), employees=1200),
            statistic_row("C"),
        ],
        {("A", 2022, 1): stored(revenue=Decimal("1234.50")), ("C", 2022, 1): stored()},
    )
    errors = [RowError(7, LABEL["revenue"], "12a", "不是有效的数字")]

    html = render_to_string(
        "parcels/upload_preview.html",
        preview_context(preview, errors, parcel_names={1: "宝山工业园区"}, elements=statfields.BUILT_IN),
    )

    assert "新增 1 行，修改 1 行，不变 1 行；发现 1 处错误。" in html
    assert "<del>1,234.50</del>" in html and "<ins>2,000.00</ins>" in html
    assert "营业收入(万元)" in html and "2022年1季度" in html
    assert "1,200" in html and "宝山工业园区" in html
    assert "12a" in html and "不是有效的数字" in html and "全部改正后才能导入" in html


def test_it_refuses_rows_of_parcels_the_user_may_not_write():
    rows = [statistic_row("A", parcel_id=1), statistic_row("B", parcel_id=2), statistic_row("C", parcel_id=1)]
    old = {("C", 2022, 1): stored(parcel_id=3)}

    errors = scope_errors(rows, old, [1], parcel_names={1: "宝山工业园区", 2: "罗店工业园区"})

    assert [(e.column, e.value, e.message) for e in errors] == [
        (LABEL["parcel"], "罗店工业园区", "您无权填报该地块的数据"),
        (LABEL["credit_code"], "C", "该企业本期的数据属于其他地块，不能在此修改，请联系联席会议办公室"),
    ]

"""Write the statistics import template (docs/method.md §1–§2) as an .xlsx workbook.

Its columns, their rules in the 填写说明 sheet and Excel's own checks are
generated from the data elements passed in (``parcels.queries.data_elements``):
an element the office adds is in the next template.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .. import statfields
from ..imports import DATA_SHEET

GUIDE_SHEET = "填写说明"
PARCEL_SHEET = "地块列表"
LAST_ROW = 1048576
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")

KIND_NAMES = {
    statfields.FLOW: "年初至今累计",
    statfields.STOCK: "期末数",
    statfields.FLAG: "是/否",
    statfields.DATE: "日期",
}

KEY_RULES = {
    "credit_code": (
        "",
        "标识",
        "18位统一社会信用代码，本列已设为文本格式；不要让Excel把它变成数字或科学计数法（如9.13E+17）",
    ),
    "enterprise_name": ("", "标识", "企业全称；新企业按此名称建档，名称变更时填写新名称"),
    "parcel": ("", "标识", "从下拉列表选择地块名称，也可填写地块代码"),
    "year": ("年", "期别", "四位数年份，2000–2100"),
    "quarter": (
        "季度",
        "期别",
        "1–4（也可写“一季度”“Q1”等）；1季度填1–3月，2季度填1–6月，3季度填1–9月，4季度填全年",
    ),
}

GENERAL_NOTES = (
    "每行填写一家企业一个季度的数据；同一企业同一年份季度只能有一行。",
    "累计类指标（营业收入、产值、增加值、研发经费、税收、发明专利）按年初至今累计填写，4季度即全年数；期末数类指标（从业人员等）填季度末人数。",
    "金额单位为万元，最多两位小数；人数、件数为整数；不能填负数。为零的填0；留空表示未填写（不按0计），"
    "提交报表时每个必填项都须填写。",
    "某项对该企业不适用（如非工业企业的工业总产值）时填“不适用”（或N/A），计算指标时不计入，也不按0计；"
    "营业收入、税收、从业人员期末人数、是否经认定的高新技术企业不能填“不适用”。",
    "是否类指标填“是”或“否”。科技上市日期按2021-03-05的格式填写，未上市留空。",
    "战略性新兴产业制造业产值不能大于工业总产值；硕士及以上学历人员、外籍常驻人员和留学归国人员不能多于从业人员期末人数。",
    "可直接上传本Excel文件，也可另存为CSV（UTF-8或GBK编码）。文件中任何一行有错时整个文件都不会导入，系统会列出全部错误的行、列和值。",
    "已导入的企业同一季度再次导入时，以新文件的数值为准（修订），数值相同的行不会重复写入。",
)


def _width(text: str) -> float:
    # CJK characters take two character widths in Excel.
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text) + 2


def _number_rule(stat_field: statfields.StatField) -> str:
    """Say what a number may be: its unit and places, and its range."""
    if stat_field.decimals:
        places = "两" if stat_field.decimals == 2 else str(stat_field.decimals)
        rule = f"{stat_field.unit}，最多{places}位小数" if stat_field.unit else f"最多{places}位小数"
    else:
        rule = "整数"
    rule += "；为零填0，留空为未填写"
    low, high = stat_field.min_value, stat_field.max_value
    if low == 0 and high is None:
        rule += "；不能为负数"
    elif low is not None and high is not None:
        rule += f"；应在{statfields.show_bound(low)}至{statfields.show_bound(high)}之间"
    elif low is not None:
        rule += f"；不能小于{statfields.show_bound(low)}"
    elif high is not None:
        rule += f"；不能大于{statfields.show_bound(high)}"
    return rule


def _rules(stat_field: statfields.StatField) -> str:
    if stat_field.kind == statfields.FLAG:
        rule = "填“是”或“否”" + ("，不适用时填“不适用”" if stat_field.may_not_apply else "") + "；留空为未填写"
    elif stat_field.kind == statfields.DATE:
        rule = "如2021-03-05；未上市留空" if stat_field.name == "listed_date" else "如2021-03-05；留空为未填写"
    else:
        rule = _number_rule(stat_field)
        if stat_field.may_not_apply:
            rule += "；不适用时填“不适用”"
    if stat_field.name == "sei_output":
        rule += "；不能大于工业总产值"
    if stat_field.name in ("masters_plus", "foreign_returnee"):
        rule += "；不能多于从业人员期末人数"
    if stat_field.help_zh:
        rule += f"。{stat_field.help_zh}"
    return rule


def _validation(sheet, column: int, **options) -> None:
    validation = DataValidation(allow_blank=True, showErrorMessage=True, errorTitle="输入有误", **options)
    letter = get_column_letter(column)
    validation.add(f"{letter}2:{letter}{LAST_ROW}")
    sheet.add_data_validation(validation)


def write_statistics_template(
    out: str | Path | BinaryIO, *, parcel_names: Sequence[str], elements: statfields.Elements
) -> None:
    """Write the empty template of ``elements``: a data sheet, an instructions sheet and a hidden list of parcels."""
    _template_workbook(parcel_names, elements).save(out)


def _template_workbook(parcel_names: Sequence[str], elements: statfields.Elements) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    column_of = _write_header(sheet, elements)
    parcels = workbook.create_sheet(PARCEL_SHEET)
    for row, name in enumerate(parcel_names, start=1):
        parcels.cell(row=row, column=1, value=name)
    parcels.sheet_state = "hidden"
    _add_validations(sheet, column_of, elements, parcel_count=len(parcel_names))
    _write_guide(workbook.create_sheet(GUIDE_SHEET, index=1), elements)
    return workbook


def _write_header(sheet, elements: statfields.Elements) -> dict[str, int]:
    """Write the header row, column widths and formats of the data sheet; return each column key's column."""
    column_of = {}
    for index, (key, label) in enumerate(elements.columns, start=1):
        column_of[key] = index
        cell = sheet.cell(row=1, column=index, value=label)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        width = {"credit_code": 24, "enterprise_name": 36}.get(key, min(max(_width(label), 10), 32))
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.row_dimensions[1].height = 36
    sheet.freeze_panes = "C2"

    code_letter = get_column_letter(column_of["credit_code"])
    sheet.column_dimensions[code_letter].number_format = "@"
    for name in elements.date_fields:
        sheet.column_dimensions[get_column_letter(column_of[name])].number_format = "yyyy-mm-dd"
    return column_of


def _add_validations(sheet, column_of: Mapping[str, int], elements: statfields.Elements, *, parcel_count: int) -> None:
    """Let Excel check each column as it is typed: the parcels' drop-down, years, quarters, flags, numbers."""
    if parcel_count:
        _validation(
            sheet,
            column_of["parcel"],
            type="list",
            formula1=f"'{PARCEL_SHEET}'!$A$1:$A${parcel_count}",
            error="请从下拉列表中选择地块",
        )
    _validation(
        sheet,
        column_of["year"],
        type="whole",
        operator="between",
        formula1="2000",
        formula2="2100",
        error="年份应为2000–2100之间的整数",
    )
    _validation(
        sheet, column_of["quarter"], type="whole", operator="between", formula1="1", formula2="4", error="季度应为1–4"
    )
    for name in elements.flag_fields:
        words = "是,否,不适用" if elements.by_name[name].may_not_apply else "是,否"
        _validation(
            sheet, column_of[name], type="list", formula1=f'"{words}"', error=f"请填“{words.replace(',', '”或“')}”"
        )
    for name in elements.number_fields:
        _number_validation(sheet, elements.by_name[name], column_of[name])


def _range_words(stat_field: statfields.StatField, unit: str) -> str:
    low, high = stat_field.min_value, stat_field.max_value
    if low is not None and high is not None:
        return f"应为{statfields.show_bound(low)}至{statfields.show_bound(high)}之间的{unit}"
    if low is not None:
        return f"应为不小于{statfields.show_bound(low)}的{unit}"
    if high is not None:
        return f"应为不大于{statfields.show_bound(high)}的{unit}"
    return f"应为{unit}"


def _number_validation(sheet, stat_field: statfields.StatField, column: int) -> None:
    """Let Excel refuse a number out of range or (for counts) fractional, and text other than 不适用 where allowed."""
    whole = stat_field.decimals == 0
    unit = "整数" if whole else (f"数字（{stat_field.unit}）" if stat_field.unit else "数字")
    low, high = stat_field.min_value, stat_field.max_value
    cell = f"{get_column_letter(column)}2"
    tests = [f"ISNUMBER({cell})"]
    tests += [f"{cell}>={statfields.show_bound(low)}"] if low is not None else []
    tests += [f"{cell}<={statfields.show_bound(high)}"] if high is not None else []
    tests += [f"{cell}=INT({cell})"] if whole else []
    error = _range_words(stat_field, unit)
    if stat_field.may_not_apply:
        formula = f'OR(AND({",".join(tests)}),{cell}="不适用",{cell}="N/A")'
        _validation(sheet, column, type="custom", formula1=formula, error=f"{error}，或“不适用”")
    elif low is not None and high is None:
        kind = "whole" if whole else "decimal"
        bound = statfields.show_bound(low)
        _validation(sheet, column, type=kind, operator="greaterThanOrEqual", formula1=bound, error=error)
    else:
        _validation(sheet, column, type="custom", formula1=f"AND({','.join(tests)})", error=error)


def _write_guide(guide, elements: statfields.Elements) -> None:
    guide.append(["填写说明"])
    guide["A1"].font = Font(bold=True, size=14)
    for number, note in enumerate(GENERAL_NOTES, start=1):
        guide.append([f"{number}. {note}"])
    guide.append([])
    guide.append(["列名", "单位", "类型", "填写规则"])
    header_row = guide.max_row
    for cell in guide[header_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for key, label, _ in statfields.KEY_COLUMNS:
        unit, kind, rule = KEY_RULES[key]
        guide.append([label, unit, kind, rule])
    for stat_field in elements:
        guide.append([stat_field.label, stat_field.unit, KIND_NAMES[stat_field.kind], _rules(stat_field)])
    for letter, width in zip("ABCD", (34, 8, 14, 90), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=header_row + 1):
        row[3].alignment = Alignment(wrap_text=True, vertical="top")


REFERENCE_FILL = PatternFill("solid", fgColor="EDEDED")
REFERENCE_FONT = Font(color="595959")
EXPLANATION_LABEL = "情况说明"
RETURN_NOTE = (
    "本文件已预填本地块本季度应报的企业（上季度名单和报表现有的企业）及报表现有的数值，可直接修改后上传；"
    "右侧灰色“上期”各列为上期正式数据，仅供参考，上传时不读取。留空为未填写；原样上传不会改变报表。"
    "新增企业可在末尾添加行；上传时可选择“合并”（只更新文件中的企业）或“替换整张报表”。"
)


def reference_label(label: str) -> str:
    """Return the header of a field's reference column (last period's value, ignored on upload)."""
    return f"上期{label}（参考）"


def write_return_template(
    out: str | Path | BinaryIO,
    *,
    parcel_names: Sequence[str],
    parcel: str,
    year: int,
    quarter: int,
    rows: Sequence[Mapping[str, object]],
    previous: Mapping[str, Mapping[str, object]],
    previous_label: str,
    elements: statfields.Elements,
) -> None:
    """Write a return's template: a row per expected enterprise with the return's values and last period's beside.

    ``parcel`` is the parcel's name as written in the 所在地块 column;
    ``rows`` the return's rows (``parcels.queries.return_rows`` or a new
    return's initial rows, plus the expected enterprises it lacks): values,
    ``not_applicable`` and ``explanation``; ``previous`` maps credit codes to
    last period's official values (read-only reference columns, ignored on
    upload, headed by ``previous_label``); ``elements`` those in use in the
    quarter. Uploaded back unchanged, it reads as the same rows: no new,
    changed or removed enterprise.
    """
    workbook = _template_workbook(parcel_names, elements)
    sheet = workbook[DATA_SHEET]
    column_of = _extend_header(sheet, previous_label, elements)
    for number, row in enumerate(rows, start=2):
        code = sheet.cell(row=number, column=column_of["credit_code"], value=str(row["credit_code"]))
        code.number_format = "@"
        code.data_type = "s"
        sheet.cell(row=number, column=column_of["enterprise_name"], value=str(row["enterprise_name"]))
        sheet.cell(row=number, column=column_of["parcel"], value=parcel)
        sheet.cell(row=number, column=column_of["year"], value=year)
        sheet.cell(row=number, column=column_of["quarter"], value=quarter)
        marked = set(row.get("not_applicable") or ())
        for f in elements:
            value = statfields.NOT_APPLICABLE if f.name in marked else row.get(f.name)
            _write_value(sheet.cell(row=number, column=column_of[f.name]), f, value)
            before = previous.get(str(row["credit_code"]), {})
            reference = sheet.cell(row=number, column=column_of[f"previous_{f.name}"])
            _write_value(reference, f, before.get(f.name))
            reference.fill, reference.font = REFERENCE_FILL, REFERENCE_FONT
        sheet.cell(row=number, column=column_of["explanation"], value=str(row.get("explanation") or "") or None)
    guide = workbook[GUIDE_SHEET]
    guide.insert_rows(2)
    guide["A2"] = RETURN_NOTE
    guide["A2"].font = Font(bold=True, color="9A4300")
    guide["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    workbook.save(out)


def _extend_header(sheet, previous_label: str, elements: statfields.Elements) -> dict[str, int]:
    """Add the 情况说明 column and the reference columns to the header; return each column key's column."""
    column_of = {key: index for index, (key, _) in enumerate(elements.columns, start=1)}
    extra = [("explanation", EXPLANATION_LABEL, 30)]
    extra += [(f"previous_{f.name}", reference_label(f.label), 14) for f in elements]
    for offset, (key, label, width) in enumerate(extra, start=len(elements.columns) + 1):
        column_of[key] = offset
        cell = sheet.cell(row=1, column=offset, value=label)
        cell.font = Font(bold=True, color="595959" if key != "explanation" else None)
        cell.fill = REFERENCE_FILL if key != "explanation" else HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(offset)].width = width
    sheet.row_dimensions[1].height = 48
    if elements.names:
        first = column_of["previous_" + elements.names[0]]
        sheet.cell(row=1, column=first).comment = Comment(
            f"{get_column_letter(first)}列起为{previous_label}的正式数据，仅供参考，上传时不读取。", "统计数据模板"
        )
    return column_of


def _write_value(cell, stat_field: statfields.StatField, value: object) -> None:
    """Write a typed value as the import reads it back: numbers as numbers, 是/否, dates, 不适用 as text."""
    if value is None:
        return
    if isinstance(value, bool):
        value = "是" if value else "否"
    elif isinstance(value, Decimal):
        value = float(value)
    cell.value = value
    if isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    elif stat_field.decimals and isinstance(value, float):
        cell.number_format = "#,##0." + "0" * stat_field.decimals

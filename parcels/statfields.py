"""The thirteen statistics fields of an enterprise return (docs/method.md §1–§2).

Pure Python: the import, the template, the models and the indicator formulas
all read their names and labels from here, and the import and the return
checks read each field's cells with the same parser.

A blank cell is 未填写 (no value, None), never 0: 0 is a value someone typed.
Where a field does not apply to an enterprise (``may_not_apply``: a service
company has no industrial output) the cell may say 不适用 (or N/A, folded for
width and case); it too is no value, recorded as not applicable so the return
can tell it from a cell not yet filled. Every field but the listing date must
be filled (a value, or 不适用 where allowed) before a return is submitted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from parkplan import numbers
from parkplan.text import _

FLOW, STOCK, FLAG, DATE = "flow", "stock", "flag", "date"


@dataclass(frozen=True)
class StatField:
    name: str
    label: str  # the template's Chinese column header
    label_en: str
    kind: str  # flow / stock / flag / date
    money: bool = False  # 万元, two decimals; otherwise a whole count
    may_not_apply: bool = False  # 不适用 is an answer (then the field has no value)
    required: bool = True  # must be filled before a return is submitted


FIELDS: tuple[StatField, ...] = (
    StatField("revenue", "营业收入(万元)", "Revenue (10k CNY)", FLOW, money=True),
    StatField(
        "industrial_output",
        "工业总产值(万元)",
        "Gross industrial output (10k CNY)",
        FLOW,
        money=True,
        may_not_apply=True,
    ),
    StatField("above_scale", "是否规模以上工业企业", "Above-scale industrial enterprise", FLAG, may_not_apply=True),
    StatField(
        "sei_output",
        "战略性新兴产业制造业产值(万元)",
        "Strategic emerging manufacturing output (10k CNY)",
        FLOW,
        money=True,
        may_not_apply=True,
    ),
    StatField("value_added", "增加值(万元)", "Value added (10k CNY)", FLOW, money=True, may_not_apply=True),
    StatField(
        "rd_expenditure", "研发经费支出(万元)", "R&D expenditure (10k CNY)", FLOW, money=True, may_not_apply=True
    ),
    StatField("tax", "税收(万元)", "Tax (10k CNY)", FLOW, money=True),
    StatField("employees", "从业人员期末人数(人)", "Employees at period end", STOCK),
    StatField(
        "masters_plus",
        "硕士及以上学历从业人员(人)",
        "Employees with a master's degree or above",
        STOCK,
        may_not_apply=True,
    ),
    StatField(
        "foreign_returnee",
        "外籍常驻人员和留学归国人员(人)",
        "Resident foreigners and returned overseas graduates",
        STOCK,
        may_not_apply=True,
    ),
    StatField("invention_patents", "发明专利授权数(件)", "Invention patents granted", FLOW, may_not_apply=True),
    StatField("high_tech", "是否经认定的高新技术企业", "Certified high-tech enterprise", FLAG),
    # Blank: not listed. Optional, so 不适用 there reads as blank.
    StatField("listed_date", "科技上市日期", "Listing date (tech listing)", DATE, required=False),
)

BY_NAME = {f.name: f for f in FIELDS}


# What a cell says when the field does not apply; NOT_APPLICABLE is how it is written back.
NOT_APPLICABLE = "不适用"
_NOT_APPLICABLE_WORDS = frozenset({NOT_APPLICABLE, "N/A"})


def is_not_applicable(value: object) -> bool:
    """Tell whether a cell says 不适用 (or N/A; full-width and case folded)."""
    return isinstance(value, str) and numbers.fold(value).upper().replace(" ", "") in _NOT_APPLICABLE_WORDS


def _blank_is_none(parse: Callable[[object], object]) -> Callable[[object], object]:
    def parse_cell(value: object) -> object:
        return None if numbers.is_blank(value) else parse(value)

    return parse_cell


def cell_parser(stat_field: StatField) -> Callable[[object], object]:
    """Return the parser that reads a field's cells (parkplan.numbers): a flag, a date, money or a count.

    A blank cell reads as None (未填写), never 0 or 否. 不适用 is not read
    here: ``read_cell`` recognises it first.
    """
    if stat_field.kind == FLAG:
        return _blank_is_none(numbers.parse_flag)
    if stat_field.kind == DATE:
        return numbers.parse_date
    return _blank_is_none(numbers.parse_money if stat_field.money else numbers.parse_count)


PARSERS: dict[str, Callable[[object], object]] = {f.name: cell_parser(f) for f in FIELDS}


def read_cell(stat_field: StatField, value: object) -> tuple[object, bool]:
    """Return a cell's typed value and whether it says 不适用; raise numbers.BadValue for a bad cell.

    不适用 gives (None, True) where the field may not apply, and (None, False)
    for the optional listing date (not listed); elsewhere it is an error.
    """
    if is_not_applicable(value):
        if stat_field.may_not_apply:
            return None, True
        if not stat_field.required:
            return None, False
        if stat_field.kind == FLAG:
            raise numbers.BadValue(_("此项不能填“不适用”，请填“是”或“否”"))
        raise numbers.BadValue(_("此项不能填“不适用”，请填写数值（没有请填0）"))
    return PARSERS[stat_field.name](value), False


NUMBER_FIELDS = tuple(f.name for f in FIELDS if f.kind in (FLOW, STOCK))
MONEY_FIELDS = tuple(f.name for f in FIELDS if f.money)
COUNT_FIELDS = tuple(f.name for f in FIELDS if f.kind in (FLOW, STOCK) and not f.money)
FLOW_FIELDS = tuple(f.name for f in FIELDS if f.kind == FLOW)
FLAG_FIELDS = tuple(f.name for f in FIELDS if f.kind == FLAG)
REQUIRED_FIELDS = tuple(f.name for f in FIELDS if f.required)
NOT_APPLICABLE_FIELDS = tuple(f.name for f in FIELDS if f.may_not_apply)
# Stocks, flags and the listing date carry over from one period to the next;
# flows (year-to-date figures) are new every quarter.
CARRIED_FIELDS = tuple(f.name for f in FIELDS if f.kind in (STOCK, FLAG, DATE))

# The template's leading columns, before the thirteen fields.
KEY_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("credit_code", "统一社会信用代码", "Unified social credit code"),
    ("enterprise_name", "企业名称", "Enterprise name"),
    ("parcel", "所在地块", "Parcel"),
    ("year", "年份", "Year"),
    ("quarter", "季度", "Quarter"),
)
COLUMNS: tuple[tuple[str, str], ...] = tuple((k, zh) for k, zh, _ in KEY_COLUMNS) + tuple(
    (f.name, f.label) for f in FIELDS
)

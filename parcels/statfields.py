"""The thirteen statistics fields of an enterprise return (docs/method.md §1–§2).

Pure Python: the import, the template, the models and the indicator formulas
all read their names and labels from here, and the import and the return
checks read each field's cells with the same parser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from parkplan import numbers

FLOW, STOCK, FLAG, DATE = "flow", "stock", "flag", "date"


@dataclass(frozen=True)
class StatField:
    name: str
    label: str  # the template's Chinese column header
    label_en: str
    kind: str  # flow / stock / flag / date
    money: bool = False  # 万元, two decimals; otherwise a whole count


FIELDS: tuple[StatField, ...] = (
    StatField("revenue", "营业收入(万元)", "Revenue (10k CNY)", FLOW, money=True),
    StatField("industrial_output", "工业总产值(万元)", "Gross industrial output (10k CNY)", FLOW, money=True),
    StatField("above_scale", "是否规模以上工业企业", "Above-scale industrial enterprise", FLAG),
    StatField(
        "sei_output",
        "战略性新兴产业制造业产值(万元)",
        "Strategic emerging manufacturing output (10k CNY)",
        FLOW,
        money=True,
    ),
    StatField("value_added", "增加值(万元)", "Value added (10k CNY)", FLOW, money=True),
    StatField("rd_expenditure", "研发经费支出(万元)", "R&D expenditure (10k CNY)", FLOW, money=True),
    StatField("tax", "税收(万元)", "Tax (10k CNY)", FLOW, money=True),
    StatField("employees", "从业人员期末人数(人)", "Employees at period end", STOCK),
    StatField("masters_plus", "硕士及以上学历从业人员(人)", "Employees with a master's degree or above", STOCK),
    StatField(
        "foreign_returnee",
        "外籍常驻人员和留学归国人员(人)",
        "Resident foreigners and returned overseas graduates",
        STOCK,
    ),
    StatField("invention_patents", "发明专利授权数(件)", "Invention patents granted", FLOW),
    StatField("high_tech", "是否经认定的高新技术企业", "Certified high-tech enterprise", FLAG),
    StatField("listed_date", "科技上市日期", "Listing date (tech listing)", DATE),
)

BY_NAME = {f.name: f for f in FIELDS}


def cell_parser(stat_field: StatField) -> Callable[[object], object]:
    """Return the parser that reads a field's cells (parkplan.numbers): a flag, a date, money or a count."""
    if stat_field.kind == FLAG:
        return numbers.parse_flag
    if stat_field.kind == DATE:
        return numbers.parse_date
    return numbers.parse_money if stat_field.money else numbers.parse_count


PARSERS: dict[str, Callable[[object], object]] = {f.name: cell_parser(f) for f in FIELDS}
NUMBER_FIELDS = tuple(f.name for f in FIELDS if f.kind in (FLOW, STOCK))
MONEY_FIELDS = tuple(f.name for f in FIELDS if f.money)
COUNT_FIELDS = tuple(f.name for f in FIELDS if f.kind in (FLOW, STOCK) and not f.money)
FLOW_FIELDS = tuple(f.name for f in FIELDS if f.kind == FLOW)
FLAG_FIELDS = tuple(f.name for f in FIELDS if f.kind == FLAG)
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

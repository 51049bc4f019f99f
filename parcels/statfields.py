"""The data elements (统计指标项) of an enterprise return, and how their cells are read (docs/method.md §1–§2).

Pure Python: the elements themselves are data (``parcels.models.DataElement``,
read by ``parcels.queries.data_elements``); this module describes one element
(``StatField``), a set of them with the views every consumer needs
(``Elements``), how a figure is stored (``figure`` / ``set_figure``) and how a
cell is read (``read_cell``). ``BUILT_IN`` is the thirteen elements of the
plan's template, each stored in a typed column of ``Statistic`` and
``ReturnRow``; an element added later has no column and lives in their
``extra`` JSON, keyed by its code.

A blank cell is 未填写 (no value, None), never 0: 0 is a value someone typed.
Where an element does not apply to an enterprise (``may_not_apply``: a service
company has no industrial output) the cell may say 不适用 (or N/A, folded for
width and case); it too is no value, recorded as not applicable so the return
can tell it from a cell not yet filled. Every required element must be filled
(a value, or 不适用 where allowed) before a return is submitted.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from parkplan import numbers
from parkplan.text import _, language

FLOW, STOCK, FLAG, DATE = "flow", "stock", "flag", "date"
KINDS = (FLOW, STOCK, FLAG, DATE)
NUMBER_KINDS = (FLOW, STOCK)
# Stocks, flags and dates describe the enterprise at the period's end and carry over from one
# period to the next; flows (year-to-date figures) are new every quarter.
CARRIED_KINDS = (STOCK, FLAG, DATE)
MAX_DECIMALS = 4

# An element's code: what a formula names it by (``100 * sum(rd_expenditure) / sum(value_added)``).
CODE_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
# Names an added element may not take: the other columns of a row, and the words of the formulas.
RESERVED_CODES = frozenset(
    {
        "id",
        "enterprise",
        "enterprise_id",
        "enterprise_name",
        "credit_code",
        "parcel",
        "parcel_id",
        "year",
        "quarter",
        "period",
        "plan",
        "source",
        "batch",
        "batch_id",
        "recorded_by",
        "recorded_at",
        "extra",
        "position",
        "moved_out",
        "not_applicable",
        "explanation",
        "parcel_return",
        "records",
        "sum",
        "count",
        "avg",
        "min",
        "max",
        "where",
        "between",
        "and",
        "or",
        "not",
        "true",
        "false",
        "null",
        "none",
        "select",
    }
)


def period_code(year: int, quarter: int) -> int:
    """Return a period as year * 10 + quarter (20262 is 2026 Q2), as DataChange.periods codes it."""
    return year * 10 + quarter


def period_problem(code: int) -> str:
    """Say what is wrong with a period code (year * 10 + quarter, 2000–2100, quarter 1–4); empty when valid."""
    year, quarter = divmod(code, 10)
    if not (numbers.YEAR_MIN <= year <= numbers.YEAR_MAX and 1 <= quarter <= 4):
        return _("期别应为“年份×10+季度”，如 20271 表示2027年第1季度")
    return ""


@dataclass(frozen=True)
class StatField:
    """One data element: what the template, the form, the checks and the API say about it.

    ``name`` is the element's code; ``column`` the Statistic / ReturnRow field
    that stores it (the thirteen built-in elements), blank for an element
    stored in ``extra``. ``first_period`` and ``last_period`` (year * 10 +
    quarter, None: open) bound the quarters it is collected in.
    """

    name: str
    label_zh: str
    label_en: str
    kind: str  # flow / stock / flag / date
    unit: str = ""  # 万元, 人, 件 …
    unit_en: str = ""
    decimals: int = 0  # places a number may have (0: whole)
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    may_not_apply: bool = False  # 不适用 is an answer (then the element has no value)
    required: bool = True  # must be filled before a return is submitted
    help_zh: str = ""
    help_en: str = ""
    column: str = ""
    first_period: int | None = None
    last_period: int | None = None

    @property
    def label(self) -> str:
        """The template's Chinese column header: the name and its unit, e.g. 营业收入(万元)."""
        return f"{self.label_zh}({self.unit})" if self.unit else self.label_zh

    @property
    def label_en_unit(self) -> str:
        """The English header: the name and its unit, e.g. Revenue (10k CNY)."""
        label = self.label_en or self.label_zh
        return f"{label} ({self.unit_en})" if self.unit_en else label

    @property
    def heading(self) -> str:
        """The column header in the active language."""
        return self.label_en_unit if language() == "en" else self.label

    @property
    def help(self) -> str:
        """The help text in the active language."""
        return (self.help_en or self.help_zh) if language() == "en" else self.help_zh

    @property
    def is_number(self) -> bool:
        return self.kind in NUMBER_KINDS

    @property
    def carried(self) -> bool:
        return self.kind in CARRIED_KINDS

    @property
    def signed(self) -> bool:
        """Whether a negative number may be an answer (a lower bound below 0, or none)."""
        return self.is_number and (self.min_value is None or self.min_value < 0)

    def in_use(self, year: int, quarter: int) -> bool:
        """Tell whether the element is collected in the quarter."""
        code = period_code(year, quarter)
        return (self.first_period is None or self.first_period <= code) and (
            self.last_period is None or code <= self.last_period
        )


def _money(name: str, zh: str, en: str, **options: Any) -> StatField:
    kind = options.pop("kind", FLOW)
    return StatField(name, zh, en, kind, "万元", "10k CNY", 2, Decimal(0), column=name, **options)


def _count(name: str, zh: str, en: str, kind: str, unit: str, unit_en: str = "", **options: Any) -> StatField:
    return StatField(name, zh, en, kind, unit, unit_en, 0, Decimal(0), column=name, **options)


# The thirteen elements of the plan's template, stored in typed columns; the data migration
# writes them as the first thirteen DataElement rows (same order, labels and rules).
BUILT_IN_FIELDS: tuple[StatField, ...] = (
    _money("revenue", "营业收入", "Operating revenue"),
    _money("industrial_output", "工业总产值", "Gross industrial output", may_not_apply=True),
    StatField(
        "above_scale",
        "是否规模以上工业企业",
        "Above-scale industrial enterprise?",
        FLAG,
        column="above_scale",
        may_not_apply=True,
    ),
    _money(
        "sei_output",
        "战略性新兴产业制造业产值",
        "Strategic emerging industries manufacturing output",
        may_not_apply=True,
    ),
    _money("value_added", "增加值", "Value added", may_not_apply=True),
    _money("rd_expenditure", "研发经费支出", "R&D expenditure", may_not_apply=True),
    _money("tax", "税收", "Taxes"),
    _count("employees", "从业人员期末人数", "Employees at period end", STOCK, "人", "persons"),
    _count(
        "masters_plus",
        "硕士及以上学历从业人员",
        "Employees with a master’s degree or above",
        STOCK,
        "人",
        "persons",
        may_not_apply=True,
    ),
    _count(
        "foreign_returnee",
        "外籍常驻人员和留学归国人员",
        "Resident foreign nationals and returned overseas students",
        STOCK,
        "人",
        "persons",
        may_not_apply=True,
    ),
    _count("invention_patents", "发明专利授权数", "Invention patents granted", FLOW, "件", "count", may_not_apply=True),
    StatField("high_tech", "是否经认定的高新技术企业", "Certified high-tech enterprise?", FLAG, column="high_tech"),
    # Blank: not listed. Optional, so 不适用 there reads as blank.
    StatField("listed_date", "科技上市日期", "Technology listing date", DATE, column="listed_date", required=False),
)

# The template's leading columns, before the elements: (key, Chinese header, English header).
KEY_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("credit_code", "统一社会信用代码", "Unified social credit code"),
    ("enterprise_name", "企业名称", "Enterprise name"),
    ("parcel", "所在地块", "Parcel"),
    ("year", "年份", "Year"),
    ("quarter", "季度", "Quarter"),
)


class Elements:
    """A set of data elements in their order, with the views the template, the form, the checks and the API read.

    ``fields`` (StatField), ``names``, ``by_name``; the names of the numbers,
    money-like decimals, flows, flags, dates, required elements, those that may
    not apply and those that carry over; ``columns``, the template's
    (key, Chinese header) pairs, identity columns first; ``extra_fields``, the
    elements stored in ``extra``.
    """

    def __init__(self, fields: Iterable[StatField]):
        self.fields: tuple[StatField, ...] = tuple(fields)
        self.names = self._names(lambda f: True)
        self.by_name: dict[str, StatField] = {f.name: f for f in self.fields}
        self.number_fields = self._names(lambda f: f.is_number)
        self.flow_fields = self._names(lambda f: f.kind == FLOW)
        self.flag_fields = self._names(lambda f: f.kind == FLAG)
        self.date_fields = self._names(lambda f: f.kind == DATE)
        self.required_fields = self._names(lambda f: f.required)
        self.not_applicable_fields = self._names(lambda f: f.may_not_apply)
        self.carried_fields = self._names(lambda f: f.carried)
        self.extra_fields = tuple(f for f in self.fields if not f.column)
        self.columns: tuple[tuple[str, str], ...] = tuple((k, zh) for k, zh, _en in KEY_COLUMNS) + tuple(
            (f.name, f.label) for f in self.fields
        )

    def _names(self, keep: Callable[[StatField], bool]) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if keep(f))

    def __iter__(self) -> Iterator[StatField]:
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    def __contains__(self, name: object) -> bool:
        return name in self.by_name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Elements) and self.fields == other.fields

    def __hash__(self) -> int:
        return hash(self.fields)

    def __repr__(self) -> str:
        return f"Elements({', '.join(self.names)})"

    def in_use(self, year: int, quarter: int) -> Elements:
        """Return the elements collected in the quarter."""
        return Elements(f for f in self.fields if f.in_use(year, quarter))

    def has(self, *names: str) -> bool:
        """Tell whether every named element is among these (a cross-element rule applies only then)."""
        return all(name in self.by_name for name in names)

    def read(self, stored: Mapping[str, Any]) -> dict[str, Any]:
        """Return a stored row's typed figures by element code (``figure`` of each)."""
        return {f.name: figure(stored, f) for f in self.fields}

    @property
    def stored_columns(self) -> tuple[str, ...]:
        """The model fields that hold these elements: their columns, and ``extra`` where one lives there."""
        columns = tuple(f.column for f in self.fields if f.column)
        return (*columns, "extra") if self.extra_fields else columns


BUILT_IN = Elements(BUILT_IN_FIELDS)


# --- where a figure is stored -----------------------------------------------------------------


def _extra_of(stored: object) -> Mapping[str, Any]:
    extra = stored.get("extra") if isinstance(stored, Mapping) else getattr(stored, "extra", None)
    return extra or {}


def figure(stored: object, field: StatField) -> Any:
    """Return an element's typed figure of a Statistic or ReturnRow (or a dict of its fields); None where missing.

    A built-in element is read from its column; an added one from ``extra``,
    where numbers are decimal strings, flags JSON booleans and dates ISO text.
    """
    if field.column:
        return stored.get(field.column) if isinstance(stored, Mapping) else getattr(stored, field.column)
    return from_json(field, _extra_of(stored).get(field.name))


def set_figure(stored: object, field: StatField, value: Any) -> None:
    """Store an element's typed figure on a Statistic or ReturnRow: its column, or its key in ``extra``.

    None removes the key: a missing figure has none.
    """
    if field.column:
        setattr(stored, field.column, value)
        return
    extra = dict(getattr(stored, "extra", None) or {})
    encoded = to_json(field, value)
    if encoded is None:
        extra.pop(field.name, None)
    else:
        extra[field.name] = encoded
    stored.extra = extra  # type: ignore[attr-defined]


def to_json(field: StatField, value: Any) -> Any:
    """Return a typed figure as ``extra`` keeps it: a number as a decimal string PostgreSQL casts back exactly
    (``(extra->>'code')::numeric``), a flag as true/false, a date as YYYY-MM-DD; None for no value."""
    if value is None:
        return None
    if field.kind == FLAG:
        return bool(value)
    if field.kind == DATE:
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    number = Decimal(value) if not isinstance(value, float) else Decimal(repr(value))
    if field.decimals and number == number.quantize(Decimal(1).scaleb(-field.decimals)):
        number = number.quantize(Decimal(1).scaleb(-field.decimals))
    return format(number, "f")


def from_json(field: StatField, value: Any) -> Any:
    """Return a figure kept in ``extra`` typed again (``to_json``'s inverse): Decimal, int (no decimals), bool, date."""
    if value is None:
        return None
    if field.kind == FLAG:
        return bool(value)
    if field.kind == DATE:
        return dt.date.fromisoformat(str(value))
    number = Decimal(str(value))
    if field.decimals == 0 and number == number.to_integral_value():
        return int(number)
    return number


_SQL_TYPES = {FLOW: "numeric", STOCK: "numeric", FLAG: "boolean", DATE: "date"}


def sql_value(field: StatField, table: str = "s") -> str:
    """Return the SQL expression of an element's figure in a row of ``table`` (an alias of parcels_statistic or
    parcels_returnrow): its column, or ``(table.extra->>'code')::numeric`` (boolean, date) for an added one.

    Safe to interpolate: a column is a model field's name and a code matches CODE_PATTERN (checked again here).
    """
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", table):
        raise ValueError(f"not a table alias: {table!r}")
    if field.column:
        return f'{table}."{field.column}"'
    if not re.fullmatch(CODE_PATTERN, field.name):
        raise ValueError(f"not an element code: {field.name!r}")
    return f"({table}.extra->>'{field.name}')::{_SQL_TYPES[field.kind]}"


# --- reading a cell ---------------------------------------------------------------------------

# What a cell says when the element does not apply; NOT_APPLICABLE is how it is written back.
NOT_APPLICABLE = "不适用"
_NOT_APPLICABLE_WORDS = frozenset({NOT_APPLICABLE, "N/A"})


class OutOfRange(numbers.BadValue):
    """A readable number outside the element's allowed range."""


def is_not_applicable(value: object) -> bool:
    """Tell whether a cell says 不适用 (or N/A; full-width and case folded)."""
    return isinstance(value, str) and numbers.fold(value).upper().replace(" ", "") in _NOT_APPLICABLE_WORDS


def show_bound(value: Decimal) -> str:
    """Write a range's bound as people read it: 0, 100, 0.5."""
    return format(value.normalize(), "f")


def _check_range(field: StatField, number: Decimal | int) -> None:
    if field.min_value is not None and number < field.min_value:
        if field.min_value == 0:
            raise OutOfRange(_("不能为负数"))
        raise OutOfRange(_("不能小于%(min)s") % {"min": show_bound(field.min_value)})
    if field.max_value is not None and number > field.max_value:
        raise OutOfRange(_("不能大于%(max)s") % {"max": show_bound(field.max_value)})


@functools.cache
def cell_parser(field: StatField) -> Callable[[object], object]:
    """Return the parser that reads an element's cells (parkplan.numbers): a flag, a date, or a number.

    A number has at most the element's decimals and lies in its range. A blank
    cell reads as None (未填写), never 0 or 否. 不适用 is not read here:
    ``read_cell`` recognises it first.
    """
    if field.kind == FLAG:
        return lambda value: None if numbers.is_blank(value) else numbers.parse_flag(value)
    if field.kind == DATE:
        return numbers.parse_date

    def parse_number(value: object) -> object:
        if numbers.is_blank(value):
            return None
        number = numbers.parse_decimal(value, field.decimals, signed=field.signed)
        _check_range(field, number)
        return number

    return parse_number


def read_cell(field: StatField, value: object) -> tuple[object, bool]:
    """Return a cell's typed value and whether it says 不适用; raise numbers.BadValue for a bad cell.

    不适用 gives (None, True) where the element may not apply, and (None, False)
    for an optional element (the listing date: not listed); elsewhere it is an error.
    """
    if is_not_applicable(value):
        if field.may_not_apply:
            return None, True
        if not field.required:
            return None, False
        if field.kind == FLAG:
            raise numbers.BadValue(_("此项不能填“不适用”，请填“是”或“否”"))
        raise numbers.BadValue(_("此项不能填“不适用”，请填写数值（没有请填0）"))
    return cell_parser(field)(value), False


def code_problem(code: str) -> str:
    """Say what is wrong with a new element's code; empty when it may be used."""
    if not re.fullmatch(CODE_PATTERN, code or ""):
        return _("代码只能由小写英文字母、数字和下划线组成，以字母开头，不超过40个字符")
    if code in RESERVED_CODES:
        return _("“%(code)s”是系统保留字，请换一个代码") % {"code": code}
    return ""

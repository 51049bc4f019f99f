"""The checks of a quarterly return, in the manner of DHIS2's validation rules.

Pure Python, no Django: rows in, findings out. A finding of severity
``error`` (a hard rule) blocks saving; a ``warning`` (a soft rule) lets the
draft be saved but needs a written explanation on its row before the return
can be submitted.

The rows hold the data elements in use in the return's quarter
(``Context.elements``, parcels.statfields): their list, kinds, decimals and
ranges come from there. Hard rules: numbers readable, with no more decimals
than the element allows and within its range (non-negative for the thirteen
built-in elements); 硕士以上 and 外籍和留学归国 at most 从业人员; 战新产值 at
most 工业总产值; year-to-date flows never below the previous quarter of the
same year; a valid credit code (check character); the enterprise not
registered in another parcel; one row per enterprise; 不适用 only where an
element may not apply. A rule naming two elements applies only while both
are in use.

A blank cell is 未填写 (None), not 0, and no rule compares it: a blank
从业人员 is never reported through 硕士以上's rule. A row nobody has touched yet
(every figure blank) is not checked at all, so an untouched return has no
findings. Only a submission (``complete=True``) asks for every required cell:
each blank one is a 未填写 error naming its row and column.

Soft rules: a value more than 50% and a meaningful amount away from the same
period last year; R&D expenditure above revenue; an above-scale industrial
enterprise without industrial output.

Messages are Chinese msgids translated through parkplan.text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from parkplan import creditcode, numbers
from parkplan.text import _

from .. import statfields

ERROR, WARNING = "error", "warning"

# The headers of the columns that are not data elements (Chinese msgids).
LABELS = {
    "credit_code": "统一社会信用代码",
    "enterprise_name": "企业名称",
    "explanation": "情况说明",
}

# (smaller, larger, rule)
WITHIN = (
    ("masters_plus", "employees", "masters_within_employees"),
    ("foreign_returnee", "employees", "foreign_within_employees"),
    ("sei_output", "industrial_output", "sei_within_output"),
)

YOY_SHARE = Decimal("0.5")
# The smallest change on last year worth a question, by the element's unit: 500万元, 50 people,
# 5 patents; any change beyond half for other units.
MEANINGFUL = {"万元": Decimal(500), "人": Decimal(50), "件": Decimal(5)}

# A typed figure: Decimal (money), int (counts), bool (flags), date, or None where
# unreadable. The rules compare figures of the same field, so Any, not a union.
Value = Any


@dataclass(frozen=True)
class Finding:
    """One problem: the row (1-based position in the return), enterprise, field, value, rule, severity, message."""

    row: int
    credit_code: str
    enterprise_name: str
    field: str
    value: str
    rule: str
    severity: str
    message: str
    header: str = ""  # a data element's Chinese column header (the file's), empty for the other columns
    heading: str = ""  # the same in the language active when the return was checked

    @property
    def label(self) -> str:
        """The column's Chinese header, as the template and the uploaded file have it."""
        return self.header or LABELS.get(self.field, self.field)

    @property
    def shown_label(self) -> str:
        """The column's header in the user's language."""
        return self.heading or _(self.label)

    def __str__(self) -> str:
        who = _("第%(row)s行") % {"row": self.row}
        if self.enterprise_name:
            who += _("（%(name)s）") % {"name": self.enterprise_name}
        if not self.field:
            return _("%(who)s：%(message)s") % {"who": who, "message": self.message}
        value = _("值“%(value)s”") % {"value": self.value} if self.value != "" else ""
        return _("%(who)s「%(label)s」%(value)s：%(message)s") % {
            "who": who,
            "label": self.shown_label,
            "value": value,
            "message": self.message,
        }


@dataclass(frozen=True)
class Context:
    """What the checks compare a return with.

    ``elements``: the data elements in use in the quarter (the row's figures);
    ``previous_quarter``: credit code → typed values of the previous quarter of
    the same year (empty for quarter 1); ``last_year``: credit code → typed
    values of the same quarter a year earlier; ``enterprise_parcels``: credit
    code → the parcel id each known enterprise is registered in now (None: no parcel).
    """

    parcel_id: int
    year: int
    quarter: int
    previous_quarter: Mapping[str, Mapping[str, Value]] = field(default_factory=dict)
    last_year: Mapping[str, Mapping[str, Value]] = field(default_factory=dict)
    enterprise_parcels: Mapping[str, int | None] = field(default_factory=dict)
    elements: statfields.Elements = field(kw_only=True)


@dataclass
class CheckedRow:
    """A row as read: typed values (None where blank, 不适用 or unreadable), the explanation, whether it moved out.

    ``not_applicable`` names the fields that say 不适用.
    """

    position: int
    credit_code: str
    enterprise_name: str
    values: dict[str, Value]
    explanation: str = ""
    moved_out: bool = False
    not_applicable: set[str] = field(default_factory=set)
    unreadable: set[str] = field(default_factory=set)  # cells with an error of their own

    @property
    def touched(self) -> bool:
        """Whether anyone has filled any figure of the row (a value or 不适用)."""
        filled = self.not_applicable or self.unreadable
        return bool(filled) or any(value is not None for value in self.values.values())


@dataclass
class Checked:
    rows: list[CheckedRow]
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    def unexplained(self) -> list[Finding]:
        """Return the warnings on rows that have no written explanation (they block a submission)."""
        explained = {row.position for row in self.rows if row.explanation.strip()}
        return [f for f in self.warnings if f.row not in explained]


def _show(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value).strip()


def _finding(row: CheckedRow, name: str, value: object, rule: str, severity: str, message: str) -> Finding:
    return Finding(row.position, row.credit_code, row.enterprise_name, name, _show(value), rule, severity, message)


def check_return(rows: Sequence[Mapping[str, object]], context: Context, *, complete: bool = False) -> Checked:
    """Read and check the rows of one parcel's return for one quarter.

    Each row maps credit_code, enterprise_name, the elements in use (raw
    text or typed values), explanation, moved_out and optionally
    not_applicable (element codes whose None means 不适用). A moved-out row is
    only checked for its code: its figures are not part of the return. An
    untouched row's figures are not checked; ``complete`` (a submission) adds
    a 未填写 error for every required cell left blank.
    """
    checked: list[CheckedRow] = []
    findings: list[Finding] = []
    seen: dict[str, int] = {}  # credit code -> the position of its first row
    for position, raw in enumerate(rows, start=1):
        row = CheckedRow(
            position=position,
            credit_code=creditcode.normalize(str(raw.get("credit_code") or "")),
            enterprise_name=" ".join(str(raw.get("enterprise_name") or "").split()),
            values={},
            explanation=str(raw.get("explanation") or "").strip(),
            moved_out=bool(raw.get("moved_out")),
        )
        checked.append(row)
        findings += _identity_findings(row, raw, seen, context)
        if not row.moved_out:
            findings += _read_values(row, raw, context.elements)
            if row.touched:
                findings += _value_rules(row, context)
            if complete:
                findings += _blank_findings(row, context.elements)
    return Checked(checked, [_labelled(f, context.elements) for f in findings])


def _labelled(finding: Finding, elements: statfields.Elements) -> Finding:
    """Name a finding's column as the template does (an element's header, in Chinese and in the user's language)."""
    element = elements.by_name.get(finding.field)
    if element is None:
        return finding
    return replace(finding, header=element.label, heading=element.heading)


def _blank_findings(row: CheckedRow, elements: statfields.Elements) -> list[Finding]:
    """Return a 未填写 error for each required cell left blank (one for the row when none is filled)."""
    if not row.touched:
        message = _("本行各项均未填写；如该企业已不在本地块，请勾选“迁出”")
        return [_finding(row, "", "", "row_not_filled", ERROR, message)]
    return [
        _finding(row, name, "", "not_filled", ERROR, _("未填写"))
        for name in elements.required_fields
        if row.values.get(name) is None and name not in row.not_applicable and name not in row.unreadable
    ]


def _identity_findings(
    row: CheckedRow, raw: Mapping[str, object], seen: dict[str, int], context: Context
) -> list[Finding]:
    """Check the row's credit code (valid, once in the return, not another parcel's) and name; fills ``seen``."""
    out = []
    code = row.credit_code
    problem = creditcode.problem(code)
    if problem:
        out.append(_finding(row, "credit_code", raw.get("credit_code"), "credit_code", ERROR, problem))
    elif code in seen:
        message = _("与第%(row)s行是同一企业，每家企业只能有一行") % {"row": seen[code]}
        out.append(_finding(row, "credit_code", code, "duplicate_enterprise", ERROR, message))
    else:
        seen[code] = row.position
        registered = context.enterprise_parcels.get(code, context.parcel_id)
        if registered is not None and registered != context.parcel_id:
            message = _("该企业登记在其他地块，不能在本地块填报；如已迁入，请联系联席会议办公室")
            out.append(_finding(row, "credit_code", code, "enterprise_parcel", ERROR, message))
    if not row.enterprise_name:
        out.append(_finding(row, "enterprise_name", "", "enterprise_name", ERROR, _("企业名称不能为空")))
    return out


def _read_values(row: CheckedRow, raw: Mapping[str, object], elements: statfields.Elements) -> list[Finding]:
    """Parse the elements' values into ``row.values`` (None: blank, 不适用 or unreadable); a finding per bad cell."""
    out = []
    negative = _("不能为负数")
    marked: Any = raw.get("not_applicable") or ()  # stored rows say 不适用 apart from their values
    for stat_field in elements:
        value = raw.get(stat_field.name)
        if stat_field.name in marked and stat_field.may_not_apply and numbers.is_blank(value):
            row.values[stat_field.name] = None
            row.not_applicable.add(stat_field.name)
            continue
        try:
            row.values[stat_field.name], says_not_applicable = statfields.read_cell(stat_field, value)
        except numbers.BadValue as exc:
            row.values[stat_field.name] = None
            row.unreadable.add(stat_field.name)
            rule = "non_negative" if str(exc) == negative else _bad_value_rule(exc)
            out.append(_finding(row, stat_field.name, value, rule, ERROR, str(exc)))
            continue
        if says_not_applicable:
            row.not_applicable.add(stat_field.name)
    return out


def _bad_value_rule(exc: Exception) -> str:
    return "range" if isinstance(exc, statfields.OutOfRange) else "number_format"


def _value_finding(row: CheckedRow, name: str, rule: str, severity: str, message: str) -> Finding:
    return _finding(row, name, row.values.get(name), rule, severity, message)


def _within(row: CheckedRow, context: Context) -> list[Finding]:
    """Hard: a part never exceeds its whole (masters and returnees within employees, SEI within output)."""
    v, by_name = row.values, context.elements.by_name
    return [
        _value_finding(
            row,
            smaller,
            rule,
            ERROR,
            _("不能大于「%(label)s」（%(value)s）") % {"label": by_name[larger].heading, "value": _show(v[larger])},
        )
        for smaller, larger, rule in WITHIN
        if context.elements.has(smaller, larger)
        and v.get(smaller) is not None
        and v.get(larger) is not None
        and v[smaller] > v[larger]
    ]


def _year_to_date(row: CheckedRow, context: Context) -> list[Finding]:
    """Hard: a year-to-date flow never falls below the previous quarter's figure of the same year."""
    before = context.previous_quarter.get(row.credit_code)
    if context.quarter <= 1 or not before:
        return []
    out = []
    for name in context.elements.flow_fields:
        new, old = row.values.get(name), before.get(name)
        if new is not None and old is not None and new < old:
            message = _("为1–%(months)s月累计数，不能小于第%(previous)s季度的累计数（%(old)s）") % {
                "months": context.quarter * 3,
                "previous": context.quarter - 1,
                "old": _show(old),
            }
            out.append(_value_finding(row, name, "ytd_not_decreasing", ERROR, message))
    return out


def _year_on_year(row: CheckedRow, context: Context) -> list[Finding]:
    """Soft: a number more than 50% and a meaningful amount away from the same period last year."""
    last = context.last_year.get(row.credit_code)
    if not last:
        return []
    out = []
    for name in context.elements.number_fields:
        new, old = row.values.get(name), last.get(name)
        if new is None or old is None:
            continue
        change = Decimal(new) - Decimal(old)
        meaningful = MEANINGFUL.get(context.elements.by_name[name].unit, Decimal(0))
        if abs(change) >= meaningful and abs(change) > YOY_SHARE * abs(Decimal(old)):
            share = "" if not old else _("（%(change)s%%）") % {"change": f"{change / Decimal(old) * 100:+.0f}"}
            message = _("与上年同期（%(old)s）相比变化超过50%%%(share)s，请在情况说明中说明原因") % {
                "old": _show(old),
                "share": share,
            }
            out.append(_value_finding(row, name, "yoy_change", WARNING, message))
    return out


def _rd_above_revenue(row: CheckedRow, context: Context) -> list[Finding]:
    """Soft: R&D expenditure above revenue."""
    if not context.elements.has("rd_expenditure", "revenue"):
        return []
    rd, revenue = row.values.get("rd_expenditure"), row.values.get("revenue")
    if rd is None or revenue is None or rd <= revenue:
        return []
    message = _("研发经费支出高于营业收入（%(revenue)s），请说明原因") % {"revenue": _show(revenue)}
    return [_value_finding(row, "rd_expenditure", "rd_above_revenue", WARNING, message)]


def _above_scale_without_output(row: CheckedRow, context: Context) -> list[Finding]:
    """Soft: an above-scale industrial enterprise with no industrial output."""
    if not context.elements.has("above_scale", "industrial_output"):
        return []
    if not (row.values.get("above_scale") and row.values.get("industrial_output") == 0):
        return []
    message = _("规模以上工业企业的工业总产值为0，请说明原因")
    return [_value_finding(row, "industrial_output", "above_scale_without_output", WARNING, message)]


# In the order their findings are listed.
VALUE_RULES = (_within, _year_to_date, _year_on_year, _rd_above_revenue, _above_scale_without_output)


def _value_rules(row: CheckedRow, context: Context) -> list[Finding]:
    return [finding for rule in VALUE_RULES for finding in rule(row, context)]

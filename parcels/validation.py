"""The checks of a quarterly return, in the manner of DHIS2's validation rules.

Pure Python, no Django: rows in, findings out. A finding of severity
``error`` (a hard rule) blocks saving; a ``warning`` (a soft rule) lets the
draft be saved but needs a written explanation on its row before the return
can be submitted.

Hard rules: numbers readable and non-negative; 硕士以上 and 外籍和留学归国 at
most 从业人员; 战新产值 at most 工业总产值; year-to-date flows never below the
previous quarter of the same year; a valid credit code (check character); the
enterprise not registered in another parcel; one row per enterprise.

Soft rules: a value more than 50% and a meaningful amount away from the same
period last year; R&D expenditure above revenue; an above-scale industrial
enterprise without industrial output.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from parkplan import creditcode, numbers

from . import statfields

ERROR, WARNING = "error", "warning"

LABELS = {f.name: f.label for f in statfields.FIELDS} | {
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
# The smallest change on last year worth a question: 500万元, 50 people, 5 patents.
MEANINGFUL = {name: Decimal(500) for name in statfields.MONEY_FIELDS} | {
    "employees": Decimal(50),
    "masters_plus": Decimal(50),
    "foreign_returnee": Decimal(50),
    "invention_patents": Decimal(5),
}

Value = Decimal | int | bool | object


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

    @property
    def label(self) -> str:
        return LABELS.get(self.field, self.field)

    def __str__(self) -> str:
        who = f"第{self.row}行" + (f"（{self.enterprise_name}）" if self.enterprise_name else "")
        value = f"值“{self.value}”" if self.value != "" else ""
        return f"{who}「{self.label}」{value}：{self.message}"


@dataclass(frozen=True)
class Context:
    """What the checks compare a return with.

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


@dataclass
class CheckedRow:
    """A row as read: typed values (None where unreadable), the explanation and whether it moved out."""

    position: int
    credit_code: str
    enterprise_name: str
    values: dict[str, object]
    explanation: str = ""
    moved_out: bool = False


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


def _parser(stat_field: statfields.StatField):
    if stat_field.kind == statfields.FLAG:
        return numbers.parse_flag
    if stat_field.kind == statfields.DATE:
        return numbers.parse_date
    return numbers.parse_money if stat_field.money else numbers.parse_count


PARSERS = {f.name: _parser(f) for f in statfields.FIELDS}


def _show(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value).strip()


def check_return(rows: Sequence[Mapping[str, object]], context: Context) -> Checked:
    """Read and check the rows of one parcel's return for one quarter.

    Each row maps credit_code, enterprise_name, the thirteen statfields (raw
    text or typed values), explanation and moved_out. A moved-out row is only
    checked for its code: its figures are not part of the return.
    """
    checked: list[CheckedRow] = []
    findings: list[Finding] = []
    seen: dict[str, int] = {}
    for position, raw in enumerate(rows, start=1):
        code = creditcode.normalize(str(raw.get("credit_code") or ""))
        name = " ".join(str(raw.get("enterprise_name") or "").split())
        row = CheckedRow(
            position=position,
            credit_code=code,
            enterprise_name=name,
            values={},
            explanation=str(raw.get("explanation") or "").strip(),
            moved_out=bool(raw.get("moved_out")),
        )
        checked.append(row)

        def add(name_, value, rule, severity, message, row=row):
            findings.append(
                Finding(
                    row.position, row.credit_code, row.enterprise_name, name_, _show(value), rule, severity, message
                )
            )

        problem = creditcode.problem(code)
        if problem:
            add("credit_code", raw.get("credit_code"), "credit_code", ERROR, problem)
        elif code in seen:
            add("credit_code", code, "duplicate_enterprise", ERROR, f"与第{seen[code]}行是同一企业，每家企业只能有一行")
        else:
            seen[code] = position
            registered = context.enterprise_parcels.get(code, context.parcel_id)
            if registered is not None and registered != context.parcel_id:
                add(
                    "credit_code",
                    code,
                    "enterprise_parcel",
                    ERROR,
                    "该企业登记在其他地块，不能在本地块填报；如已迁入，请联系联席会议办公室",
                )
        if not name:
            add("enterprise_name", "", "enterprise_name", ERROR, "企业名称不能为空")
        if row.moved_out:
            continue

        for stat_field in statfields.FIELDS:
            value = raw.get(stat_field.name)
            try:
                row.values[stat_field.name] = PARSERS[stat_field.name](value)
            except numbers.BadValue as exc:
                row.values[stat_field.name] = None
                rule = "non_negative" if str(exc) == "不能为负数" else "number_format"
                add(stat_field.name, value, rule, ERROR, str(exc))
        findings.extend(_value_rules(row, context))
    return Checked(checked, findings)


def _value_rules(row: CheckedRow, context: Context) -> list[Finding]:
    out: list[Finding] = []
    v = row.values

    def add(name, rule, severity, message):
        out.append(
            Finding(
                row.position, row.credit_code, row.enterprise_name, name, _show(v.get(name)), rule, severity, message
            )
        )

    for smaller, larger, rule in WITHIN:
        if v.get(smaller) is not None and v.get(larger) is not None and v[smaller] > v[larger]:
            add(smaller, rule, ERROR, f"不能大于「{LABELS[larger]}」（{_show(v[larger])}）")

    before = context.previous_quarter.get(row.credit_code)
    if context.quarter > 1 and before:
        for name in statfields.FLOW_FIELDS:
            old = before.get(name)
            if v.get(name) is not None and old is not None and v[name] < old:
                add(
                    name,
                    "ytd_not_decreasing",
                    ERROR,
                    f"为1–{context.quarter * 3}月累计数，不能小于第{context.quarter - 1}季度的累计数（{_show(old)}）",
                )

    last = context.last_year.get(row.credit_code)
    if last:
        for name in statfields.NUMBER_FIELDS:
            new, old = v.get(name), last.get(name)
            if new is None or old is None:
                continue
            change = abs(Decimal(new) - Decimal(old))
            if change >= MEANINGFUL[name] and change > YOY_SHARE * Decimal(old):
                share = "" if not old else f"（{(Decimal(new) - Decimal(old)) / Decimal(old) * 100:+.0f}%）"
                add(
                    name,
                    "yoy_change",
                    WARNING,
                    f"与上年同期（{_show(old)}）相比变化超过50%{share}，请在情况说明中说明原因",
                )

    rd, revenue = v.get("rd_expenditure"), v.get("revenue")
    if rd is not None and revenue is not None and rd > revenue:
        add("rd_expenditure", "rd_above_revenue", WARNING, f"研发经费支出高于营业收入（{_show(revenue)}），请说明原因")

    if v.get("above_scale") and v.get("industrial_output") == 0:
        add("industrial_output", "above_scale_without_output", WARNING, "规模以上工业企业的工业总产值为0，请说明原因")
    return out

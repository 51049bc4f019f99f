"""Indicator formulas: a small expression language, parsed by a grammar and compiled to SQL (docs/method.md §2).

Pure Python (lark, no Django). A formula reads the way a statistician writes it:

    100 * sum(rd_expenditure) / sum(value_added)
    100 * sum(sei_output where above_scale) / sum(industrial_output where above_scale)
    count(high_tech)
    count(revenue >= 100000)
    count(listed_date between plan.start and period.end)
    sum(tax) / parcel.area_mu

``sum(value [where condition])`` and ``count([condition])`` aggregate a scope's
enterprise records of one period; the value and the condition read the
records' data elements by code. Around the aggregates: numbers, + − × ÷,
brackets, and the scope's attributes ``parcel.area_mu`` and ``parcel.area_km2``
(for the park, the plan's stated area). Nothing else parses: no names but the
elements, no calls but sum and count, no strings, so no way to reach Python
or SQL. The text is never evaluated; the tree is compiled.

A formula is a ratio when it divides by something (it is then judged per
parcel against the park's target) and a count or a sum otherwise (judged per
parcel only against split targets). A ratio's sums are pairwise: each sum
takes an enterprise only where every element the other side sums is present,
so a missing figure never pulls a ratio down (docs/method.md §2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from typing import Any

import pandas as pd
from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from parkplan.periods import quarter_end
from parkplan.text import _

# Land: 1 km² = 1 500 亩 (docs/method.md §2).
MU_PER_KM2 = 1500

NUMBER, FLAG, DATE = "number", "flag", "date"
# An element's kind as a formula sees it: flows and stocks are numbers.
ELEMENT_KINDS = {"flow": NUMBER, "stock": NUMBER, "flag": FLAG, "date": DATE}

SCOPE_ATTRIBUTES = ("parcel.area_mu", "parcel.area_km2")
DATE_ATTRIBUTES = ("plan.start", "plan.end", "period.end")

GRAMMAR = r"""
?start: expr

?expr: expr "+" term   -> add
     | expr "-" term   -> sub
     | term
?term: term "*" factor -> mul
     | term "/" factor -> div
     | factor
?factor: "-" factor    -> neg
       | atom
?atom: NUMBER                                -> number
     | "sum" "(" row ["where" cond] ")"      -> sum
     | "count" "(" [cond] ")"                -> count
     | DOTTED                                -> attribute
     | "(" expr ")"

?row: row "+" rterm    -> add
    | row "-" rterm    -> sub
    | rterm
?rterm: rterm "*" rfactor -> mul
      | rterm "/" rfactor -> div
      | rfactor
?rfactor: "-" rfactor  -> neg
        | NUMBER       -> number
        | NAME         -> element
        | DOTTED       -> attribute
        | "(" row ")"

?cond: cond "or" conj  -> any_of
     | conj
?conj: conj "and" neg_cond -> all_of
     | neg_cond
?neg_cond: "not" neg_cond -> negate
         | test
?test: row COMPARE row                 -> compare
     | row "between" row "and" row     -> between
     | "(" cond ")"
     | row                             -> truth

COMPARE: ">=" | "<=" | "==" | "!=" | ">" | "<"
DOTTED.2: /[a-z]+\.[a-z][a-z0-9_]*/
NAME: /[a-z][a-z0-9_]*/
NUMBER: /\d+(\.\d+)?/

%import common.WS
%ignore WS
"""

KEYWORDS = frozenset({"sum", "count", "where", "and", "or", "not", "between"})


class FormulaError(ValueError):
    """A formula that cannot be read or does not fit the data elements; says where (line and column, from 1)."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None) -> None:
        self.message, self.line, self.column = message, line, column
        where = _("第{line}行第{column}列：").format(line=line, column=column) if line else ""
        super().__init__(f"{where}{message}")


# --- the tree ---------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    line: int = field(default=0, compare=False, kw_only=True)
    column: int = field(default=0, compare=False, kw_only=True)


@dataclass(frozen=True)
class Num(Node):
    value: Decimal


@dataclass(frozen=True)
class Element(Node):
    code: str


@dataclass(frozen=True)
class Attribute(Node):
    name: str


@dataclass(frozen=True)
class Binary(Node):
    op: str  # + - * /
    left: Node
    right: Node


@dataclass(frozen=True)
class Neg(Node):
    operand: Node


@dataclass(frozen=True)
class Compare(Node):
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Between(Node):
    value: Node
    low: Node
    high: Node


@dataclass(frozen=True)
class Logical(Node):
    op: str  # and / or
    left: Node
    right: Node


@dataclass(frozen=True)
class Not(Node):
    operand: Node


@dataclass(frozen=True)
class Truth(Node):
    """A flag element standing alone as a condition (count(high_tech))."""

    value: Node


@dataclass(frozen=True)
class Aggregate(Node):
    function: str  # sum / count
    value: Node | None  # the summed row value (None for count)
    condition: Node | None
    # Elements whose presence a ratio's other side requires (pairwise sums); set by `parse`.
    present: tuple[str, ...] = ()


def _at(meta) -> dict:
    return {"line": getattr(meta, "line", 0) or 0, "column": getattr(meta, "column", 0) or 0}


@v_args(meta=True)
class _Build(Transformer):
    def number(self, meta, children):
        token: Token = children[0]
        try:
            return Num(Decimal(str(token)), **_at(meta))
        except InvalidOperation:  # pragma: no cover - the grammar admits only digits
            raise FormulaError(_("无法识别的数字 {value}").format(value=token), **_at(meta)) from None

    def element(self, meta, children):
        name = str(children[0])
        if name in KEYWORDS:
            raise FormulaError(_("“{name}”是保留字，不能作为统计指标项").format(name=name), **_at(meta))
        return Element(name, **_at(meta))

    def attribute(self, meta, children):
        return Attribute(str(children[0]), **_at(meta))

    def add(self, meta, children):
        return Binary("+", children[0], children[1], **_at(meta))

    def sub(self, meta, children):
        return Binary("-", children[0], children[1], **_at(meta))

    def mul(self, meta, children):
        return Binary("*", children[0], children[1], **_at(meta))

    def div(self, meta, children):
        return Binary("/", children[0], children[1], **_at(meta))

    def neg(self, meta, children):
        return Neg(children[0], **_at(meta))

    def sum(self, meta, children):
        return Aggregate("sum", children[0], children[1], **_at(meta))

    def count(self, meta, children):
        return Aggregate("count", None, children[0] if children else None, **_at(meta))

    def compare(self, meta, children):
        left, op, right = children
        return Compare(str(op), left, right, **_at(meta))

    def between(self, meta, children):
        return Between(*children, **_at(meta))

    def any_of(self, meta, children):
        return Logical("or", children[0], children[1], **_at(meta))

    def all_of(self, meta, children):
        return Logical("and", children[0], children[1], **_at(meta))

    def negate(self, meta, children):
        return Not(children[0], **_at(meta))

    def truth(self, meta, children):
        return Truth(children[0], **_at(meta))


@cache
def _parser() -> Lark:
    return Lark(GRAMMAR, parser="lalr", propagate_positions=True, maybe_placeholders=True)


# --- the parsed formula -----------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """A parsed formula: value = scale × numerator ÷ denominator (no denominator for a count or a sum)."""

    text: str
    scale: Decimal
    numerator: Node
    denominator: Node | None

    @property
    def is_ratio(self) -> bool:
        return self.denominator is not None

    @property
    def aggregates(self) -> tuple[Aggregate, ...]:
        found: list[Aggregate] = []
        for part in (self.numerator, self.denominator):
            if part is not None:
                found.extend(n for n in walk(part) if isinstance(n, Aggregate))
        return tuple(found)

    @property
    def elements(self) -> frozenset[str]:
        codes: set[str] = set()
        for aggregate in self.aggregates:
            codes.update(n.code for n in walk(aggregate) if isinstance(n, Element))
        return frozenset(codes)

    @property
    def common_condition(self) -> Node | None:
        """The condition every aggregate shares (the enterprises behind the value), None when they differ."""
        conditions = {a.condition for a in self.aggregates if a.function == "sum"}
        return conditions.pop() if len(conditions) == 1 else None


def walk(node: Node | None) -> Iterable[Node]:
    """Yield a node and every node below it."""
    if node is None:
        return
    yield node
    for name in ("left", "right", "operand", "value", "condition", "low", "high"):
        child = getattr(node, name, None)
        if isinstance(child, Node):
            yield from walk(child)


@lru_cache(maxsize=1024)
def parse(text: str) -> Formula:
    """Parse a formula; raise FormulaError naming the line and column of the first error.

    Cached: a Formula is immutable, and pages ask an indicator whether it is a
    count (its formula divides or not) many times per request.
    """
    if not text or not text.strip():
        raise FormulaError(_("计算表达式为空"))
    try:
        tree = _parser().parse(text)
        node = _Build().transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, FormulaError):
            raise exc.orig_exc from None
        raise
    except UnexpectedInput as exc:
        raise _syntax_error(text, exc) from None
    _check_structure(node)
    return _split(text, node)


def _syntax_error(text: str, exc: UnexpectedInput) -> FormulaError:
    where = {"line": exc.line, "column": exc.column}
    if isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END"):
        lines = text.rstrip().splitlines() or [""]
        return FormulaError(_("表达式不完整（缺少括号或运算对象）"), line=len(lines), column=len(lines[-1]) + 1)
    if isinstance(exc, UnexpectedToken) and exc.token.type == "NAME":
        return FormulaError(_("统计指标项“{code}”须写在 sum(…) 或 count(…) 中").format(code=exc.token), **where)
    if isinstance(exc, UnexpectedCharacters):
        position = exc.pos_in_stream or 0
        char = text[position] if position < len(text) else ""
        return FormulaError(_("不能识别的字符“{char}”").format(char=char), **where)
    token = getattr(exc, "token", "")
    return FormulaError(_("此处不能出现“{token}”").format(token=token), **where)


def _check_structure(node: Node) -> None:
    """Refuse what the grammar admits but the method does not: element names outside an aggregate, nesting."""
    for n in _outside_aggregates(node):
        if isinstance(n, Element):
            raise FormulaError(
                _("统计指标项“{code}”须写在 sum(…) 或 count(…) 中").format(code=n.code), line=n.line, column=n.column
            )
        if isinstance(n, Attribute) and n.name not in SCOPE_ATTRIBUTES:
            raise FormulaError(
                _("此处只能使用 {names}，不能使用“{name}”").format(names="、".join(SCOPE_ATTRIBUTES), name=n.name),
                line=n.line,
                column=n.column,
            )
    for aggregate in (n for n in walk(node) if isinstance(n, Aggregate)):
        for inner in walk(aggregate.value):
            _refuse_nested(inner)
        for inner in walk(aggregate.condition):
            _refuse_nested(inner)


def _refuse_nested(node: Node) -> None:
    if isinstance(node, Aggregate):
        raise FormulaError(_("sum 和 count 不能嵌套"), line=node.line, column=node.column)
    if isinstance(node, Attribute) and node.name not in DATE_ATTRIBUTES:
        raise FormulaError(_("未知的属性“{name}”").format(name=node.name), line=node.line, column=node.column)


def _outside_aggregates(node: Node) -> Iterable[Node]:
    yield node
    if isinstance(node, Aggregate):
        return
    for name in ("left", "right", "operand"):
        child = getattr(node, name, None)
        if isinstance(child, Node):
            yield from _outside_aggregates(child)


def _split(text: str, node: Node) -> Formula:
    """Take the constant factors out and split a ratio into numerator and denominator (pairwise sums)."""
    scale, node = _peel_constants(node)
    if not any(isinstance(n, Aggregate) for n in walk(node)):
        raise FormulaError(_("表达式中没有 sum(…) 或 count(…)，无法由企业数据计算"), line=1, column=1)
    if isinstance(node, Binary) and node.op == "/":
        numerator = _pairwise(node.left, _summed_elements(node.right))
        denominator = _pairwise(node.right, _summed_elements(node.left))
        return Formula(text, scale, numerator, denominator)
    if any(isinstance(n, Binary) and n.op == "/" for n in _outside_aggregates(node)):
        raise FormulaError(_("比值须写成“分子 / 分母”的形式"), line=node.line, column=node.column)
    return Formula(text, scale, node, None)


def _peel_constants(node: Node) -> tuple[Decimal, Node]:
    """Return the constant factor around a formula (100 × …, … ÷ 10 000, −…) and what it multiplies."""
    scale = Decimal(1)
    while True:
        peeled = _peel_one(node)
        if peeled is None:
            return scale, node
        factor, node = peeled
        scale *= factor


def _peel_one(node: Node) -> tuple[Decimal, Node] | None:
    if isinstance(node, Neg):
        return Decimal(-1), node.operand
    if not isinstance(node, Binary):
        return None
    if node.op == "*" and isinstance(node.left, Num):
        return node.left.value, node.right
    if node.op == "*" and isinstance(node.right, Num):
        return node.right.value, node.left
    if node.op == "/" and isinstance(node.right, Num):
        if node.right.value == 0:
            raise FormulaError(_("除数不能为0"), line=node.right.line, column=node.right.column)
        return 1 / node.right.value, node.left
    if node.op == "/" and isinstance(node.left, Binary) and _scaled(node.left):
        # (100 * sum(a)) / sum(b): the constant belongs to the whole ratio.
        inner = node.left
        factor, rest = (inner.left, inner.right) if isinstance(inner.left, Num) else (inner.right, inner.left)
        return factor.value, Binary("/", rest, node.right, line=node.line, column=node.column)  # type: ignore[attr-defined]
    return None


def _scaled(node: Binary) -> bool:
    return node.op == "*" and (isinstance(node.left, Num) or isinstance(node.right, Num))


def _summed_elements(node: Node) -> tuple[str, ...]:
    codes: list[str] = []
    for aggregate in (n for n in walk(node) if isinstance(n, Aggregate) and n.function == "sum"):
        codes.extend(n.code for n in walk(aggregate.value) if isinstance(n, Element) and n.code not in codes)
    return tuple(codes)


def _pairwise(node: Node, present: tuple[str, ...]) -> Node:
    """Return `node` with each sum requiring the presence of `present` (the other side's summed elements)."""
    if isinstance(node, Aggregate):
        if node.function != "sum" or not present:
            return node
        own = {n.code for n in walk(node.value) if isinstance(n, Element)}
        return replace(node, present=tuple(code for code in present if code not in own))
    if isinstance(node, Binary):
        return replace(node, left=_pairwise(node.left, present), right=_pairwise(node.right, present))
    if isinstance(node, Neg):
        return replace(node, operand=_pairwise(node.operand, present))
    return node


# --- checking against the data elements -----------------------------------------------


def check(formula: Formula, kinds: Mapping[str, str]) -> None:
    """Check a parsed formula against the data elements (code → kind: flow, stock, flag or date).

    Raise FormulaError at the first unknown element or one used as what it is
    not (a flag summed, a number standing as a condition, a date compared with
    a number).
    """
    for aggregate in formula.aggregates:
        if aggregate.value is not None:
            _expect(aggregate.value, NUMBER, kinds)
        if aggregate.condition is not None:
            _condition(aggregate.condition, kinds)


def _kind_of(node: Node, kinds: Mapping[str, str]) -> str:
    if isinstance(node, Num):
        return NUMBER
    if isinstance(node, Element):
        if node.code not in kinds:
            raise FormulaError(_("没有统计指标项“{code}”").format(code=node.code), line=node.line, column=node.column)
        return ELEMENT_KINDS[kinds[node.code]]
    if isinstance(node, Attribute):
        return DATE if node.name in DATE_ATTRIBUTES else NUMBER
    if isinstance(node, Neg):
        _expect(node.operand, NUMBER, kinds)
        return NUMBER
    if isinstance(node, Binary):
        _expect(node.left, NUMBER, kinds)
        _expect(node.right, NUMBER, kinds)
        return NUMBER
    raise FormulaError(_("此处应为数值"), line=node.line, column=node.column)  # pragma: no cover


def _expect(node: Node, kind: str, kinds: Mapping[str, str]) -> None:
    found = _kind_of(node, kinds)
    if found != kind:
        words = {NUMBER: _("数值"), FLAG: _("是否项"), DATE: _("日期")}
        raise FormulaError(
            _("此处应为{expected}，“{text}”为{found}").format(
                expected=words[kind], text=_describe(node), found=words[found]
            ),
            line=node.line,
            column=node.column,
        )


def _condition(node: Node, kinds: Mapping[str, str]) -> None:
    if isinstance(node, Logical):
        _condition(node.left, kinds)
        _condition(node.right, kinds)
    elif isinstance(node, Not):
        _condition(node.operand, kinds)
    elif isinstance(node, Truth):
        _expect(node.value, FLAG, kinds)
    elif isinstance(node, Compare):
        left = _kind_of(node.left, kinds)
        if left == FLAG:
            raise FormulaError(_("是否项不能比较大小，请直接写项目代码"), line=node.line, column=node.column)
        _expect(node.right, left, kinds)
    elif isinstance(node, Between):
        kind = _kind_of(node.value, kinds)
        _expect(node.low, kind, kinds)
        _expect(node.high, kind, kinds)


def _describe(node: Node) -> str:
    if isinstance(node, Element):
        return node.code
    if isinstance(node, Attribute):
        return node.name
    if isinstance(node, Num):
        return str(node.value)
    return _("表达式")


# --- SQL --------------------------------------------------------------------


@dataclass(frozen=True)
class SqlContext:
    """What compiling an aggregate to SQL needs: how each element reads and the plan's dates."""

    elements: Mapping[str, str]  # element code → SQL reading it from a statistics row (trusted, not user text)
    plan_start: dt.date
    plan_end: dt.date
    kinds: Mapping[str, str] = field(default_factory=dict)  # element code → kind (for reading records in pandas)


# The last day of a row's period (its quarter end), from the row's year and quarter.
PERIOD_END_SQL = "(make_date(year + quarter / 4, quarter * 3 %% 12 + 1, 1) - 1)"


def aggregate_sql(aggregate: Aggregate, context: SqlContext) -> str:
    """Compile one aggregate to a SQL aggregate over statistics rows, e.g. ``coalesce(sum(x) FILTER (…), 0)``.

    The text is built only from the element map, numbers the grammar admits
    and fixed words: nothing of the formula's text reaches the SQL verbatim.
    """
    where = _filter_sql(aggregate, context)
    if aggregate.function == "count":
        return f"count(*){where}"
    return f"coalesce(sum({_sql(aggregate.value, context)}){where}, 0)"


def largest_sql(aggregate: Aggregate, context: SqlContext) -> str:
    """Compile a sum's largest single record's part, e.g. ``max(x) FILTER (…)`` (NULL where no record counts).

    The disclosure rules weigh it against the sum: one enterprise's share of a
    numerator or denominator (docs/disclosure.md). The same filter as the sum's.
    """
    return f"max({_sql(aggregate.value, context)}){_filter_sql(aggregate, context)}"


def _filter_sql(aggregate: Aggregate, context: SqlContext) -> str:
    conditions = [f"{context.elements[code]} IS NOT NULL" for code in aggregate.present]
    if aggregate.condition is not None:
        conditions.insert(0, _sql(aggregate.condition, context))
    return f" FILTER (WHERE {' AND '.join(conditions)})" if conditions else ""


def _sql(node: Node | None, context: SqlContext) -> str:
    if isinstance(node, Num):
        return f"{node.value}::numeric"
    if isinstance(node, Element):
        return context.elements[node.code]
    if isinstance(node, Attribute):
        return _date_sql(node.name, context)
    if isinstance(node, Neg):
        return f"(-{_sql(node.operand, context)})"
    if isinstance(node, Binary):
        left, right = _sql(node.left, context), _sql(node.right, context)
        if node.op == "/":
            return f"({left} / nullif({right}, 0))"
        return f"({left} {node.op} {right})"
    if isinstance(node, Compare):
        op = {"==": "=", "!=": "<>"}.get(node.op, node.op)
        return f"({_sql(node.left, context)} {op} {_sql(node.right, context)})"
    if isinstance(node, Between):
        value = _sql(node.value, context)
        return f"({value} >= {_sql(node.low, context)} AND {value} <= {_sql(node.high, context)})"
    if isinstance(node, Logical):
        return f"({_sql(node.left, context)} {node.op.upper()} {_sql(node.right, context)})"
    if isinstance(node, Not):
        return f"(NOT coalesce({_sql(node.operand, context)}, false))"
    if isinstance(node, Truth):
        return f"coalesce({_sql(node.value, context)}, false)"
    raise TypeError(node)  # pragma: no cover - parse admits nothing else


def _date_sql(name: str, context: SqlContext) -> str:
    if name == "plan.start":
        return f"date '{context.plan_start.isoformat()}'"
    if name == "plan.end":
        return f"date '{context.plan_end.isoformat()}'"
    if name == "period.end":
        return PERIOD_END_SQL
    raise FormulaError(_("此处不能使用“{name}”").format(name=name))  # scope attributes are not row values


def enterprises_sql(formula: Formula, context: SqlContext) -> str:
    """The SQL counting the enterprises behind a value: the records the formula's sums share a condition on."""
    condition = formula.common_condition
    if condition is None:
        return "count(*)"
    return f"count(*) FILTER (WHERE {_sql(condition, context)})"


# --- the terms of one recompute ------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One column of the recompute's aggregate: an aggregate (or an enterprise count) under one plan's dates."""

    alias: str
    sql: str
    aggregate: Aggregate | None  # None: count the records matching `condition`
    condition: Node | None
    context: SqlContext
    # A count carried over the plan (docs/method.md §7a): every enterprise that met the condition in
    # any period of the plan up to the period end, at the parcel of its latest such record.
    carried: bool = False
    # The largest single record's part of the aggregate (a sum's), not the sum itself.
    largest: bool = False

    @property
    def condition_sql(self) -> str:
        """The SQL of the condition a carried count counts (true for every record when there is none)."""
        node = self.aggregate.condition if self.aggregate is not None else self.condition
        return "true" if node is None else _sql(node, self.context)


@dataclass(frozen=True)
class Compiled:
    """A formula with the sums columns it reads."""

    formula: Formula
    columns: Mapping[Aggregate, str]  # aggregate → sums column
    enterprises: str  # the sums column counting the enterprises behind the value
    # sum aggregate → the column of its largest single record's part (the dominance rule, docs/disclosure.md)
    largest: Mapping[Aggregate, str] = field(default_factory=dict)


class Terms:
    """The distinct aggregates of every formula of every plan: one SQL aggregate computes them all.

    Two formulas (or two plans) that need the same sum share its column.
    """

    def __init__(self) -> None:
        self.by_sql: dict[str, Term] = {}

    def add(self, formula: Formula, context: SqlContext, *, cumulative: bool = False) -> Compiled:
        """Add a formula's terms; `cumulative`: its target counts over the plan, so its counts are carried."""
        carried = cumulative and not formula.is_ratio
        columns = {
            a: self._term(aggregate_sql(a, context), a, None, context, carried and a.function == "count")
            for a in formula.aggregates
        }
        enterprises = self._term(enterprises_sql(formula, context), None, formula.common_condition, context)
        largest = {
            a: self._term(largest_sql(a, context), a, None, context, largest=True)
            for a in formula.aggregates
            if a.function == "sum"
        }
        return Compiled(formula, columns, enterprises, largest)

    def _term(self, sql, aggregate: Aggregate | None, condition: Node | None, context, carried=False, largest=False):
        key = f"carried {context.plan_start} {sql}" if carried else sql
        if key not in self.by_sql:
            alias = f"t{len(self.by_sql)}"
            self.by_sql[key] = Term(alias, sql, aggregate, condition, context, carried, largest)
        return self.by_sql[key].alias

    def __iter__(self):
        return iter(self.by_sql.values())


def term_parts(term: Term, records: pd.DataFrame) -> pd.Series:
    """Each record's part of a term, the pandas twin of its SQL: the summed value where it counts, else 0.

    records: one row per enterprise record, with year, quarter and the data
    elements by code. A count's part is 1 or 0; a largest term's part is the
    summed value where it counts, else NaN (its twin's max skips it).
    """
    context = term.context
    if term.aggregate is None:
        mask = _mask(term.condition, records, context)
        return mask.astype(int)
    aggregate = term.aggregate
    mask = _mask(aggregate.condition, records, context)
    for code in aggregate.present:
        mask &= records[code].notna()
    if aggregate.function == "count":
        return mask.astype(int)
    value = _row(aggregate.value, records, context)
    return value.where(mask & value.notna(), float("nan") if term.largest else 0.0)


def _mask(node: Node | None, records: pd.DataFrame, context: SqlContext) -> pd.Series:
    if node is None:
        return pd.Series(True, index=records.index)
    if isinstance(node, Truth):
        column = records[node.value.code]  # type: ignore[attr-defined]
        return pd.Series(column.map(lambda v: v is True or (v is not None and v == 1)), dtype=bool)
    if isinstance(node, Not):
        return ~_mask(node.operand, records, context)
    if isinstance(node, Logical):
        left, right = _mask(node.left, records, context), _mask(node.right, records, context)
        return (left & right) if node.op == "and" else (left | right)
    if isinstance(node, Compare):
        left, right = _row(node.left, records, context), _row(node.right, records, context)
        compare = {">=": "ge", "<=": "le", ">": "gt", "<": "lt", "==": "eq", "!=": "ne"}[node.op]
        result = getattr(left, compare)(right)
        return result & left.notna()
    if isinstance(node, Between):
        value = _row(node.value, records, context)
        low, high = _row(node.low, records, context), _row(node.high, records, context)
        return value.ge(low) & value.le(high) & value.notna()
    raise TypeError(node)  # pragma: no cover


def _row(node: Node | None, records: pd.DataFrame, context: SqlContext):
    if isinstance(node, Num):
        return pd.Series(float(node.value), index=records.index)
    if isinstance(node, Element):
        column = records[node.code]
        if context.kinds.get(node.code) == "date":
            return pd.to_datetime(column, errors="coerce")
        return pd.to_numeric(column.map(lambda v: None if v is None else float(v)), errors="coerce")
    if isinstance(node, Attribute):
        if node.name == "period.end":
            ends = [quarter_end(int(y), int(q)) for y, q in zip(records["year"], records["quarter"], strict=True)]
            return pd.Series(pd.to_datetime(ends), index=records.index)
        day = context.plan_start if node.name == "plan.start" else context.plan_end
        return pd.Series(pd.Timestamp(day), index=records.index)
    if isinstance(node, Neg):
        return -_row(node.operand, records, context)
    if isinstance(node, Binary):
        left, right = _row(node.left, records, context), _row(node.right, records, context)
        if node.op == "/":
            return left / right.where(right != 0)
        return {"+": left.add, "-": left.sub, "*": left.mul}[node.op](right)
    raise TypeError(node)  # pragma: no cover


# --- values from the aggregates -----------------------------------------------------


def evaluate(node: Node, columns: Mapping[Any, Any], scope: Mapping[str, Any]):
    """Evaluate the part of a formula around its aggregates.

    columns: aggregate → its sums (a number or a pandas Series); scope:
    attribute name → value (number or Series). Division by zero gives None
    (or NaN in a Series): no value, never an error.
    """
    if isinstance(node, Aggregate):
        return columns[node]
    if isinstance(node, Num):
        return float(node.value)
    if isinstance(node, Attribute):
        return scope[node.name]
    if isinstance(node, Neg):
        return -evaluate(node.operand, columns, scope)
    if isinstance(node, Binary):
        left, right = evaluate(node.left, columns, scope), evaluate(node.right, columns, scope)
        if node.op == "+":
            return left + right
        if node.op == "-":
            return left - right
        if node.op == "*":
            return left * right
        return _divide(left, right)
    raise TypeError(node)  # pragma: no cover


def _divide(left, right):
    if hasattr(right, "where"):
        return left / right.where(right != 0)
    if right == 0 or right is None or left is None:
        return None
    return left / right


def scope_attributes(node: Node | None) -> frozenset[str]:
    """The scope attributes (parcel.area_mu …) a formula part uses outside its aggregates."""
    if node is None:
        return frozenset()
    return frozenset(n.name for n in _outside_aggregates(node) if isinstance(n, Attribute))


def area_attributes(area_km2: float | None) -> dict[str, float | None]:
    """A scope's land attributes from its area in km²."""
    if area_km2 is None:
        return dict.fromkeys(SCOPE_ATTRIBUTES)
    return {"parcel.area_km2": area_km2, "parcel.area_mu": area_km2 * MU_PER_KM2}

"""A data-quality score for every return, as DHIS2's data quality tools judge a data set.

Pure Python, no Django: a return's rows and what they are compared with in, a
score and its reasons out. Four parts, each 0–100:

- completeness: the expected enterprises (last quarter's list) reported, and
  the required cells filled (a value, or 不适用 where allowed);
- timeliness: 100 when submitted by the deadline, falling to 0 at
  LATE_DAYS_TO_ZERO days after it (a quarter imported without a return has
  none: the part is left out);
- outliers: the share of enterprises without a value far from their own
  history: a modified z-score (Iglewicz and Hoaglin: 0.6745 (x − median) / MAD,
  beyond 3.5) against their last quarters (flows as single-quarter amounts, so
  quarters compare), and a year-on-year jump of more than half and a
  meaningful amount;
- consistency: the share of enterprises whose figures keep the cross-field
  rules (R&D ≤ revenue, 硕士以上 ≤ 从业人员 …).

The required cells are those of the data elements in use in the quarter
(``QualityInput.elements``); the outlier and cross-field rules name built-in
elements and apply while those are in use.

The score is their weighted mean (WEIGHTS, renormalised over the parts that
apply), rounded to a whole number. The rules and their thresholds are here,
with their table-driven tests in tests/parcels/returns/test_quality.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from parkplan.formatting import fmt_number
from parkplan.text import _

from .. import statfields

WEIGHTS = {"completeness": 0.4, "timeliness": 0.2, "outliers": 0.2, "consistency": 0.2}
LATE_DAYS_TO_ZERO = 20
MODIFIED_Z_LIMIT = 3.5
MIN_HISTORY = 4  # quarters of an enterprise's own history a z-score needs
HISTORY_QUARTERS = 8
YOY_SHARE = 0.5
# The figures judged against their history, and the smallest year-on-year change worth a question.
OUTLIER_FIELDS = {
    "revenue": 500.0,
    "industrial_output": 500.0,
    "value_added": 500.0,
    "rd_expenditure": 500.0,
    "tax": 500.0,
    "employees": 50.0,
}
SHOWN_NAMES = 3  # enterprises named in one reason before "等"

Period = tuple[int, int]
Values = Mapping[str, Any]


@dataclass(frozen=True)
class QualityInput:
    """What a return's score is computed from.

    ``rows``: the return's rows (credit_code, enterprise_name, moved_out, the
    elements' typed values by code, None where missing, not_applicable).
    ``elements``: the data elements in use in the quarter. ``expected``:
    credit code → name of the enterprises expected (last quarter's list).
    ``history``: credit code → {(year, quarter): typed values} of the
    enterprise's earlier official figures. ``submitted``: the day first
    submitted, None while not; ``today`` ends the lateness of a return not
    submitted; ``imported``: official data without a return (no timeliness).
    """

    year: int
    quarter: int
    rows: Sequence[Mapping[str, Any]]
    expected: Mapping[str, str]
    history: Mapping[str, Mapping[Period, Values]]
    deadline: dt.date
    today: dt.date
    submitted: dt.date | None = None
    imported: bool = False
    # Amounts worked out from ``history``, kept across the scores of one run (they share the history).
    memo: dict[tuple[str, str], Mapping[Period, float]] = field(default_factory=dict, compare=False)
    elements: statfields.Elements = field(kw_only=True)


@dataclass
class Score:
    """A return's score (0–100, None when nothing can be judged), its parts and the reasons it lost points."""

    total: int | None
    parts: dict[str, float | None]
    reasons: list[str] = field(default_factory=list)


def score_return(q: QualityInput) -> Score:
    """Score one return (see the module docstring)."""
    rows = [row for row in q.rows if not row.get("moved_out")]
    filled = [row for row in rows if _touched(row, q.elements)]
    reasons: list[str] = []
    parts = {
        "completeness": _completeness(q, rows, reasons),
        "timeliness": None if q.imported else _timeliness(q, reasons),
        "outliers": _outliers(q, filled, reasons) if filled else None,
        "consistency": _consistency(filled, reasons, q.elements) if filled else None,
    }
    weighted = [(WEIGHTS[name], value) for name, value in parts.items() if value is not None]
    weight = sum(w for w, _value in weighted)
    total = round(sum(w * value for w, value in weighted) / weight) if weight else None
    return Score(total, parts, reasons)


def _touched(row: Mapping[str, Any], elements: statfields.Elements) -> bool:
    return bool(row.get("not_applicable")) or any(row.get(name) is not None for name in elements.names)


def _names(names: Sequence[str]) -> str:
    shown = "、".join(names[:SHOWN_NAMES])
    return shown + (_("等") if len(names) > SHOWN_NAMES else "")


def _completeness(q: QualityInput, rows: Sequence[Mapping[str, Any]], reasons: list[str]) -> float:
    """Half the expected enterprises reported (moved out counts as accounted for), half the required cells filled."""
    accounted = {str(row["credit_code"]) for row in q.rows if row.get("moved_out") or _touched(row, q.elements)}
    missing = [name for code, name in q.expected.items() if code not in accounted]
    reported = 1 - len(missing) / len(q.expected) if q.expected else 1.0
    if missing:
        reasons.append(_("%(n)s 家应报企业未报送：%(names)s") % {"n": len(missing), "names": _names(missing)})
    required = q.elements.required_fields
    cells = len(rows) * len(required)
    blank = sum(
        1
        for row in rows
        for name in required
        if row.get(name) is None and name not in (row.get("not_applicable") or ())
    )
    if blank:
        reasons.append(_("%(n)s 个必填项未填写") % {"n": blank})
    filled = 1 - blank / cells if cells else 1.0
    return 100 * (reported + filled) / 2


def _timeliness(q: QualityInput, reasons: list[str]) -> float:
    end = q.submitted or q.today
    late = max((end - q.deadline).days, 0)
    if late and q.submitted:
        reasons.append(_("逾期 %(n)s 天提交") % {"n": late})
    elif late:
        reasons.append(_("已逾期 %(n)s 天，尚未提交") % {"n": late})
    return 100 * max(0.0, 1 - late / LATE_DAYS_TO_ZERO)


# --- outliers --------------------------------------------------------------------------------

# The smallest robust spread a figure's history is judged by, as a share of its median: a
# steady series (a headcount that moves once a year) would make every change an outlier.
MIN_SPREAD = 0.05


def modified_z(value: float, history: Sequence[float]) -> float | None:
    """Return the modified z-score of a value against a history (None: too short to judge by).

    0.6745 (x − median) / MAD, the MAD at least MIN_SPREAD of the median's
    size; a history all zeros has no spread to judge by (None).
    """
    if len(history) < MIN_HISTORY:
        return None
    ordered = sorted(history)
    median = _median(ordered)
    mad = max(_median(sorted(abs(x - median) for x in ordered)), MIN_SPREAD * abs(median))
    return 0.6745 * (value - median) / mad if mad else None


def _median(ordered: Sequence[float]) -> float:
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _earlier(period: Period, count: int) -> list[Period]:
    year, quarter = period
    out = []
    for _i in range(count):
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        out.append((year, quarter))
    return out


FLOWS = frozenset(f.name for f in statfields.BUILT_IN if f.kind == statfields.FLOW)


def _amount(name: str, values: Mapping[Period, Values], period: Period) -> float | None:
    """Return a figure of one period: a flow as the quarter's own amount (year-to-date less the quarter before)."""
    value = values.get(period, {}).get(name)
    year, quarter = period
    if value is None or name not in FLOWS or quarter == 1:
        return None if value is None else float(value)
    before = values.get((year, quarter - 1), {}).get(name)
    return None if before is None else float(value) - float(before)


def _history_amounts(q: QualityInput, code: str, name: str) -> Mapping[Period, float]:
    """Return an enterprise's amounts of a figure in every period of its history (worked out once per score run)."""
    key = (code, name)
    amounts = q.memo.get(key)
    if amounts is None:
        history = q.history.get(code, {})
        amounts = {p: a for p in history if (a := _amount(name, history, p)) is not None}
        q.memo[key] = amounts
    return amounts


def _row_outliers(q: QualityInput, row: Mapping[str, Any], earlier: Sequence[Period]) -> list[tuple[str, str]]:
    """Return what is out of line in one row: (field, what) for a z-score beyond the limit or a year-on-year jump.

    A value is out of line against its history only when it is also a
    meaningful amount away from the history's median.
    """
    code, period = str(row["credit_code"]), (q.year, q.quarter)
    history = q.history.get(code, {})
    last_year = history.get((q.year - 1, q.quarter), {})
    now_and_before = {period: row, earlier[0]: history.get(earlier[0], {})}
    found = []
    for name, meaningful in OUTLIER_FIELDS.items():
        if name not in q.elements:
            continue
        amounts = _history_amounts(q, code, name)
        past = [amounts[p] for p in earlier if p in amounts]
        current = _amount(name, now_and_before, period) if len(past) >= MIN_HISTORY else None
        z = None if current is None else modified_z(current, past)
        if current is not None and z is not None and abs(z) > MODIFIED_Z_LIMIT and _far(current, past, meaningful):
            found.append((name, f"z {z:+.1f} / {len(past)}"))
            continue
        now, last = row.get(name), last_year.get(name)
        if now is not None and last:
            change = float(now) - float(last)
            if abs(change) >= meaningful and abs(change) > YOY_SHARE * float(last):
                found.append((name, f"{change / float(last):+.0%}"))
    return found


def _far(value: float, history: Sequence[float], meaningful: float) -> bool:
    """Tell whether a value is at least a meaningful amount away from its history's median."""
    return abs(value - _median(sorted(history))) >= meaningful


def _outlier_words(found: Sequence[tuple[str, str]]) -> str:
    words = []
    for name, what in found:
        label = statfields.BUILT_IN.by_name[name].heading
        if what.startswith("z "):
            z, n = what[2:].split(" / ")
            words.append(
                _("「%(label)s」与其近%(n)s个季度相比异常（修正Z分数 %(z)s）") % {"label": label, "n": n, "z": z}
            )
        else:
            words.append(_("「%(label)s」同比变化%(change)s") % {"label": label, "change": what})
    return "；".join(words)


def _outliers(q: QualityInput, rows: Sequence[Mapping[str, Any]], reasons: list[str]) -> float:
    earlier = _earlier((q.year, q.quarter), HISTORY_QUARTERS)
    flagged = 0
    for row in rows:
        found = _row_outliers(q, row, earlier)
        if found:
            flagged += 1
            name = row.get("enterprise_name") or row["credit_code"]
            reasons.append(_("%(name)s：%(what)s") % {"name": name, "what": _outlier_words(found)})
    return 100 * (1 - flagged / len(rows))


# --- cross-field rules -------------------------------------------------------------------------

# (smaller, larger): the first never above the second.
NOT_ABOVE = (
    ("rd_expenditure", "revenue"),
    ("tax", "revenue"),
    ("masters_plus", "employees"),
    ("foreign_returnee", "employees"),
    ("sei_output", "industrial_output"),
)


def rule_breaks(row: Mapping[str, Any], elements: statfields.Elements = statfields.BUILT_IN) -> list[str]:
    """Return the cross-field rules a row's figures break (missing figures, or elements not in use, break none)."""
    found = []
    by_name = elements.by_name
    for smaller, larger in NOT_ABOVE:
        a, b = row.get(smaller), row.get(larger)
        if elements.has(smaller, larger) and a is not None and b is not None and a > b:
            found.append(
                _("「%(a)s」（%(x)s）大于「%(b)s」（%(y)s）")
                % {
                    "a": by_name[smaller].heading,
                    "x": fmt_number(float(a), by_name[smaller].decimals),
                    "b": by_name[larger].heading,
                    "y": fmt_number(float(b), by_name[larger].decimals),
                }
            )
    if (
        elements.has("above_scale", "industrial_output")
        and row.get("above_scale")
        and row.get("industrial_output") == 0
    ):
        found.append(_("规模以上工业企业的工业总产值为0"))
    return found


def _consistency(rows: Sequence[Mapping[str, Any]], reasons: list[str], elements: statfields.Elements) -> float:
    broken = 0
    for row in rows:
        found = rule_breaks(row, elements)
        if found:
            broken += 1
            reasons.append(
                _("%(name)s：%(what)s")
                % {"name": row.get("enterprise_name") or row["credit_code"], "what": "；".join(found)}
            )
    return 100 * (1 - broken / len(rows))

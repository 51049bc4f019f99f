"""The body of the return table, rendered in one pass.

A large parcel's return has hundreds of rows of an input per data element;
the template engine spent most of the page's time on them, so the rows are
built here as strings, every interpolated value escaped (html.escape: & < > "
and '). Column constants (kind, decimals, range, header label) live on the
header cells, not on each input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from parkplan.formatting import fmt_number
from parkplan.numbers import is_blank

from .. import statfields
from . import validation

_CODE = "CODE"


def show(name: str, value: object, field: statfields.StatField | None = None) -> str:
    """Format a stored value for reading: 1,234.50 for an element with two decimals, 1,234 for counts, 是/否, dates.

    ``field`` is the element (its decimals); without it a Decimal is shown as it is.
    """
    if is_blank(value):
        return "—"
    if isinstance(value, str):  # already words (不适用, or a cell as typed)
        return value
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, dt.date):
        return value.isoformat()
    if field is not None and field.is_number:
        return fmt_number(value, field.decimals)
    if isinstance(value, int):
        return fmt_number(value, 0)
    return str(value)


def input_value(value: object, *, flag: bool = False) -> str:
    """Format a value for an input: '' for nothing (未填写), 是/否 for flags (a flag's "1" too), ISO dates, plain
    numbers (a number's "1" stays 1)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return "是" if flag and value == "1" else value
    return str(value)


def cell_value(row: Mapping[str, object], field: statfields.StatField) -> str:
    """Return what a row's cell shows in its input: 不适用 where the row says so, else ``input_value``."""
    if field.name in (row.get("not_applicable") or ()):
        return statfields.NOT_APPLICABLE
    return input_value(row.get(field.name), flag=field.kind == statfields.FLAG)


def _messages(findings) -> str:
    return "".join(
        f'<span class="cell-msg cell-msg-{escape(str(f.severity))}">{escape(str(f.message))}</span>' for f in findings
    )


def _history_link():
    """Return a function mapping a credit code to its history URL, reversing the route once."""
    base = reverse("returns:enterprise_history", args=[_CODE])
    head, _sep, tail = base.rpartition(_CODE)
    safe = RFC3986_SUBDELIMS + "/~:@"
    return lambda code: head + quote(code, safe=safe) + tail


def render_rows(rows, findings, previous, *, elements: statfields.Elements, editable: bool) -> SafeString:
    """Render the <tr> rows of the return table: a cell per element of ``elements`` (those in use in the quarter).

    rows: the return's rows (dicts keyed by element codes plus credit_code,
    enterprise_name, explanation, moved_out); findings: validation.Finding
    list (row is the 1-based position); previous: {credit_code: {code: value}}
    of last period. Inputs are named r-<i>-<code> (i 0-based) and labelled by
    the column header (id c-<code>) and the row's enterprise name (id n-<i>).
    """
    table = _table(findings, elements, editable=editable)
    html = "".join(_row(table, i, row, previous) for i, row in enumerate(rows))
    return mark_safe(html)  # noqa: S308 - every interpolated value above is escaped  # nosec B308 B703


@dataclass(frozen=True)
class _Table:
    """What every row of one table shares: its findings by cell, and words and links worked out once."""

    by_cell: Mapping[tuple[int, str], Sequence[validation.Finding]]
    warned_rows: set[int]
    disabled: str
    prev_title: str
    history_title: str
    moved_label: str
    history_url: Callable[[str], str]
    flag_options: Mapping[str, Mapping[str, str]]  # flag field → its value → the <option>s with it selected
    elements: statfields.Elements


def _table(findings, elements: statfields.Elements, *, editable: bool) -> _Table:
    by_cell: dict[tuple[int, str], list[validation.Finding]] = {}
    warned_rows: set[int] = set()
    for finding in findings:
        by_cell.setdefault((finding.row, finding.field), []).append(finding)
        if finding.severity == validation.WARNING:
            warned_rows.add(finding.row)
    return _Table(
        by_cell=by_cell,
        warned_rows=warned_rows,
        disabled="" if editable else " disabled",
        prev_title=escape(_("上期")),
        history_title=escape(_("修改历史")),
        moved_label=escape(_("已迁出本地块")),
        history_url=_history_link(),
        flag_options={f.name: _flag_options(f) for f in elements if f.kind == statfields.FLAG},
        elements=elements,
    )


def _flag_options(f: statfields.StatField) -> dict[str, str]:
    """Return a flag's <option>s for each value it may show selected: 未填写, 是, 否 and, where allowed, 不适用."""
    choices = [("", "—"), ("是", _("是")), ("否", _("否"))]
    if f.may_not_apply:
        choices.append((statfields.NOT_APPLICABLE, _("不适用")))
    return {
        selected: "".join(
            f'<option value="{escape(value)}"{" selected" if value == selected else ""}>{escape(word)}</option>'
            for value, word in choices
        )
        for selected, _word in choices
    }


def _row(table: _Table, i: int, row, previous) -> str:
    position = i + 1
    code = str(row.get("credit_code") or "")
    before = previous.get(code, {})
    parts = [_head_cell(table, i, position, code, str(row.get("enterprise_name") or ""), bool(row.get("moved_out")))]
    for f in table.elements:
        parts.append(_value_cell(table, i, f, cell_value(row, f), before, table.by_cell.get((position, f.name))))
    parts.append(_tail_cells(table, i, position, str(row.get("explanation") or ""), bool(row.get("moved_out"))))
    return "".join(parts)


def _head_cell(table: _Table, i: int, position: int, code: str, name: str, moved_out: bool) -> str:
    """Return the row's opening and its header cell: the enterprise's name and code, hidden inputs, findings."""
    e_code, e_name = escape(code), escape(name)
    row_class = ' class="moved-out"' if moved_out else ""
    head_findings = table.by_cell.get((position, "credit_code"), []) + table.by_cell.get(
        (position, "enterprise_name"), []
    )
    return (
        f'<tr data-code="{e_code}"{row_class}>'
        f'<th class="sticky" scope="row">'
        f'<input type="hidden" name="r-{i}-credit_code" value="{e_code}">'
        f'<input type="hidden" name="r-{i}-enterprise_name" value="{e_name}">'
        f'<span class="ent-name" id="n-{i}">{e_name or "—"}</span><br>'
        f'<a class="code-link" href="{escape(table.history_url(code))}" title="{table.history_title}">'
        f"<code>{e_code}</code></a>"
        f"{_messages(head_findings)}</th>"
    )


def _value_cell(table: _Table, i: int, f: statfields.StatField, value: str, before, cell_findings) -> str:
    """Return one field's cell: its input, last period's value under it, and its findings."""
    if cell_findings:
        severity = "error" if any(x.severity == validation.ERROR for x in cell_findings) else "warning"
        parts = [f'<td class="cell cell-{severity}">']
    else:
        parts = ['<td class="cell">']
    field_name = f"r-{i}-{f.name}"
    label = f'aria-labelledby="c-{f.name} n-{i}"'
    if f.kind == statfields.FLAG:
        parts.append(f'<select name="{field_name}" data-field="{f.name}"{table.disabled} {label}>')
        parts.append(table.flag_options[f.name].get(value) or table.flag_options[f.name][""])
        parts.append("</select>")
    elif f.kind == statfields.DATE:
        parts.append(f'<input type="date" name="{field_name}" value="{escape(value)}"{table.disabled} {label}>')
    else:
        parts.append(
            f'<input class="num" inputmode="decimal" name="{field_name}" value="{escape(value)}" '
            f'data-field="{f.name}"{table.disabled} {label}>'
        )
    if before:
        parts.append(
            f'<small class="prev" title="{table.prev_title}">{escape(show(f.name, before.get(f.name), f))}</small>'
        )
    if cell_findings:
        parts.append(_messages(cell_findings))
    parts.append("</td>")
    return "".join(parts)


def _tail_cells(table: _Table, i: int, position: int, explanation: str, moved_out: bool) -> str:
    """Return the explanation and moved-out cells, and the row's end."""
    needs = ' class="needs-explanation"' if position in table.warned_rows and not explanation else ""
    return (
        f'<td><textarea name="r-{i}-explanation" rows="2"{table.disabled}{needs} '
        f'aria-labelledby="c-explanation n-{i}">{escape(explanation)}</textarea></td>'
        f'<td><input type="checkbox" name="r-{i}-moved_out" value="1"{" checked" if moved_out else ""}'
        f"{table.disabled} "
        f'aria-label="{table.moved_label}"></td></tr>\n'
    )

"""The body of the return table, rendered in one pass.

A large parcel's return has hundreds of rows of thirteen inputs; the template
engine spent most of the page's time on them, so the rows are built here as
strings, every interpolated value escaped (html.escape: & < > " and ').
Column constants (kind, money, header label) live on the header cells, not on
each input.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html import escape
from urllib.parse import quote

from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from . import statfields, validation

_CODE = "CODE"


def show(name: str, value: object) -> str:
    """Format a stored value for reading: 1,234.50 for money, 1,234 for counts, 是/否, dates."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, dt.date):
        return value.isoformat()
    if name in statfields.MONEY_FIELDS:
        return f"{Decimal(value):,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def input_value(value: object) -> str:
    """Format a value for an input: '' for nothing, '1'/'' for flags, ISO dates, plain numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return "1" if value == "是" else "" if value == "否" else value
    return str(value)


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


def render_rows(rows, findings, previous, *, editable: bool) -> SafeString:
    """Render the <tr> rows of the return table.

    rows: the return's rows (dicts keyed by statfields names plus credit_code,
    enterprise_name, explanation, moved_out); findings: validation.Finding
    list (row is the 1-based position); previous: {credit_code: {field: value}}
    of last period. Inputs are named r-<i>-<field> (i 0-based) and labelled by
    the column header (id c-<field>) and the row's enterprise name (id n-<i>).
    """
    by_cell: dict[tuple[int, str], list[validation.Finding]] = {}
    warned_rows: set[int] = set()
    for finding in findings:
        by_cell.setdefault((finding.row, finding.field), []).append(finding)
        if finding.severity == validation.WARNING:
            warned_rows.add(finding.row)
    disabled = "" if editable else " disabled"
    prev_title = escape(_("上期"))
    history_title = escape(_("修改历史"))
    moved_label = escape(_("已迁出本地块"))
    history_url = _history_link()
    out: list[str] = []
    for i, row in enumerate(rows):
        position = i + 1
        code = str(row.get("credit_code") or "")
        name = str(row.get("enterprise_name") or "")
        before = previous.get(code, {})
        moved_out = bool(row.get("moved_out"))
        explanation = str(row.get("explanation") or "")
        e_code, e_name = escape(code), escape(name)
        row_class = ' class="moved-out"' if moved_out else ""
        head_findings = by_cell.get((position, "credit_code"), []) + by_cell.get((position, "enterprise_name"), [])
        parts = [
            f'<tr data-code="{e_code}"{row_class}>'
            f'<th class="sticky" scope="row">'
            f'<input type="hidden" name="r-{i}-credit_code" value="{e_code}">'
            f'<input type="hidden" name="r-{i}-enterprise_name" value="{e_name}">'
            f'<span class="ent-name" id="n-{i}">{e_name or "—"}</span><br>'
            f'<a class="code-link" href="{escape(history_url(code))}" title="{history_title}"><code>{e_code}</code></a>'
            f"{_messages(head_findings)}</th>"
        ]
        for f in statfields.FIELDS:
            cell_findings = by_cell.get((position, f.name))
            if cell_findings:
                severity = "error" if any(x.severity == validation.ERROR for x in cell_findings) else "warning"
                parts.append(f'<td class="cell cell-{severity}">')
            else:
                parts.append('<td class="cell">')
            value = input_value(row.get(f.name))
            field_name = f"r-{i}-{f.name}"
            label = f'aria-labelledby="c-{f.name} n-{i}"'
            if f.kind == statfields.FLAG:
                checked = " checked" if value else ""
                parts.append(f'<input type="checkbox" name="{field_name}" value="1"{checked}{disabled} {label}>')
            elif f.kind == statfields.DATE:
                parts.append(f'<input type="date" name="{field_name}" value="{escape(value)}"{disabled} {label}>')
            else:
                parts.append(
                    f'<input class="num" inputmode="decimal" name="{field_name}" value="{escape(value)}" '
                    f'data-field="{f.name}"{disabled} {label}>'
                )
            if before:
                parts.append(
                    f'<small class="prev" title="{prev_title}">{escape(show(f.name, before.get(f.name)))}</small>'
                )
            if cell_findings:
                parts.append(_messages(cell_findings))
            parts.append("</td>")
        needs = ' class="needs-explanation"' if position in warned_rows and not explanation else ""
        parts.append(
            f'<td><textarea name="r-{i}-explanation" rows="2"{disabled}{needs} '
            f'aria-labelledby="c-explanation n-{i}">{escape(explanation)}</textarea></td>'
            f'<td><input type="checkbox" name="r-{i}-moved_out" value="1"{" checked" if moved_out else ""}{disabled} '
            f'aria-label="{moved_label}"></td></tr>\n'
        )
        out.append("".join(parts))
    return mark_safe("".join(out))  # noqa: S308 - every interpolated value above is escaped  # nosec B308 B703

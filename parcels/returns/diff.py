"""What changes between two sets of an enterprise's figures, field by field, formatted for the pages.

One builder, ``field_changes``, serves the office's review (a return against
the official data) and the conflict of two savers (what this user typed
against what is stored now).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from .. import statfields
from . import validation
from .table import input_value, show


def _as_is(value: object) -> object:
    return value


def field_changes(
    before: Mapping[str, object] | None,
    after: Mapping[str, object],
    *,
    elements: statfields.Elements,
    compare: Callable[[object], object] = _as_is,
    show_after: Callable[[str, object, statfields.StatField], str] = show,
    after_not_applicable: Iterable[str] = (),
) -> list[dict[str, str]]:
    """Return the data elements whose values differ, each as {label, before, after} in reading format.

    ``elements``: those compared (the quarter's). ``before`` None (an
    enterprise new to the data) lists every element. ``compare`` maps a
    value to what is compared (default: the value as it is); values are shown
    with ``show``, the new ones with ``show_after`` (不适用 for the elements in
    ``after_not_applicable``). The label is the element's header in the user's language.
    """
    fields = []
    marked = set(after_not_applicable)
    for f in elements:
        old = None if before is None else before.get(f.name)
        new = after.get(f.name)
        if before is None or compare(old) != compare(new):
            shown = statfields.NOT_APPLICABLE if f.name in marked else show_after(f.name, new, f)
            fields.append({"label": f.heading, "before": show(f.name, old, f), "after": shown})
    return fields


def review_changes(
    rows: Iterable[validation.CheckedRow],
    official: Mapping[str, Mapping[str, object]],
    *,
    elements: statfields.Elements,
) -> list[dict[str, object]]:
    """Return what each checked row of a return changes on the official data of its period.

    ``official`` maps credit codes to typed values (``queries.period_values``);
    ``elements`` are those in use in the period. Each change: ``row``,
    ``kind`` (new, changed or moved_out) and ``fields`` (``field_changes``);
    rows the same as the official data are left out. A row that says 不适用
    matches an official figure without a value.
    """
    changes = []
    for row in rows:
        if row.moved_out:
            changes.append({"row": row, "kind": "moved_out", "fields": []})
            continue
        before = official.get(row.credit_code)
        fields = field_changes(before, row.values, elements=elements, after_not_applicable=row.not_applicable)
        if before is None:
            changes.append({"row": row, "kind": "new", "fields": fields})
        elif fields:
            changes.append({"row": row, "kind": "changed", "fields": fields})
    return changes


def change_counts(
    rows: Iterable[validation.CheckedRow],
    official: Mapping[str, Mapping[str, object]],
    earlier_parcels: Mapping[str, int],
    parcel_id: int,
    *,
    elements: statfields.Elements,
) -> dict[str, int]:
    """Count what a return changes on the official data of its parcel-quarter, enterprise by enterprise.

    ``official``: credit code → the period's official values; ``earlier_parcels``:
    credit code → the parcel of the enterprise's latest earlier statistic.
    added (new here), moved_in (new here, last reported in another parcel),
    changed, unchanged, moved_out (marked so), removed (official rows the
    return no longer holds).
    """
    counts = dict.fromkeys(("added", "changed", "removed", "moved_in", "moved_out", "unchanged"), 0)
    seen = set()
    for change in review_changes(rows, official, elements=elements):
        seen.add(change["row"].credit_code)
        kind = change["kind"]
        if kind == "new" and earlier_parcels.get(change["row"].credit_code, parcel_id) != parcel_id:
            kind = "moved_in"
        counts[{"new": "added"}.get(kind, kind)] += 1
    codes = {row.credit_code for row in rows}
    counts["unchanged"] = len((codes & set(official)) - seen)
    counts["removed"] = len(set(official) - codes)
    return counts


def _typed(name: str, value: object, field: statfields.StatField | None = None) -> str:
    return input_value(value, flag=field is not None and field.kind == statfields.FLAG) or "—"


def _marked(row: Mapping[str, object]) -> dict[str, object]:
    """Return a stored row with 不适用 written into the fields it marks."""
    return {**row, **dict.fromkeys(row.get("not_applicable") or (), statfields.NOT_APPLICABLE)}


def conflict_changes(
    posted: Iterable[Mapping[str, object]],
    current: Iterable[Mapping[str, object]],
    *,
    elements: statfields.Elements,
) -> list[dict[str, str]]:
    """Return where the rows a user posted differ from the return's rows stored now.

    Both are rows as forms and ``return_rows`` give them; the values of
    ``elements`` (the quarter's) are compared as the inputs show them (不适用
    included). Each difference: ``enterprise``, ``label``, ``before`` (stored
    now) and ``after`` (as typed).
    """
    mine = {str(row["credit_code"]).upper(): row for row in posted}
    differences = []
    for theirs in current:
        typed = mine.get(theirs["credit_code"])
        if typed is None:
            continue
        for change in field_changes(_marked(theirs), typed, elements=elements, compare=input_value, show_after=_typed):
            differences.append({"enterprise": theirs["enterprise_name"], **change})
    return differences

"""What each returns page shows: the views ask here for their context and render it.

Reads come from the queries modules; the table of rows, the field changes and
the words are built here, so the views stay parse → ask → render.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django import forms as django_forms
from django.urls import reverse

from parkplan.periods import previous_period, quarter_end

from .. import access, statfields
from .. import queries as parcel_queries
from ..models import Parcel, ParcelReturn
from ..services import lock_message
from . import diff, forms, queries, table, validation


def my_returns(user, today: dt.date) -> dict[str, object]:
    """Return the manager's quarter: each assigned parcel's recent periods with state and deadline."""
    periods = queries.recent_periods(today, 8)
    return {
        "nav": "returns",
        "states": queries.period_states(access.parcels_for(user), periods),
        "state_words": queries.STATE_WORDS,
        "today": today,
        "current": periods[0],
    }


def return_page(
    user,
    parcel: Parcel,
    year: int,
    quarter: int,
    *,
    rows: Sequence[Mapping[str, object]] | None = None,
    findings: Sequence[validation.Finding] | None = None,
    parcel_return: ParcelReturn | None = None,
    differences: Sequence[Mapping[str, str]] = (),
) -> dict[str, object]:
    """Return the return page of a parcel's quarter: its state, and the table of rows with findings and last period.

    Without ``rows`` the stored return's rows are shown (or a new return's);
    without ``findings`` the rows are checked. ``differences`` are a
    conflict's (``diff.conflict_changes``).
    """
    if parcel_return is None:
        parcel_return = queries.return_for(parcel, year, quarter)
    if rows is None and parcel_return is not None:
        rows = parcel_queries.return_rows(parcel_return)
    elif rows is None:
        rows = queries.initial_rows(parcel, year, quarter)
    if findings is None:
        findings = queries.check_rows(parcel=parcel, year=year, quarter=quarter, rows=rows).findings
    last_period = previous_period(year, quarter)
    editable = _editable(user, parcel, parcel_return)
    state = parcel_return.state if parcel_return else queries.NOT_STARTED
    return {
        "nav": "returns",
        "parcel": parcel,
        "year": year,
        "quarter": quarter,
        "months": quarter * 3,
        "parcel_return": parcel_return,
        "state": state,
        "state_word": queries.STATE_WORDS[state],
        "version": parcel_return.version if parcel_return else 0,
        "deadline": queries.deadline(year, quarter),
        "fields": statfields.FIELDS,
        "table_rows": table.render_rows(
            rows, findings, parcel_queries.period_values(parcel.id, *last_period), editable=editable
        ),
        "row_count": len(rows),
        "errors": [f for f in findings if f.severity == validation.ERROR],
        "warnings": [f for f in findings if f.severity == validation.WARNING],
        "previous_period": last_period,
        "editable": editable,
        "lock_message": _lock_message(parcel_return),
        "may_review": access.may_review(user),
        "upload_form": forms.UploadForm(),
        "differences": differences,
    }


def _editable(user, parcel: Parcel, parcel_return: ParcelReturn | None) -> bool:
    """Tell whether the user may change the return now: a manager of the parcel, the return not submitted or locked."""
    if parcel_return is None:
        return access.may_edit_return(user, ParcelReturn(parcel=parcel))
    return access.may_edit_return(user, parcel_return) and parcel_return.editable


def _lock_message(parcel_return: ParcelReturn | None) -> str:
    return lock_message(parcel_return) if parcel_return and parcel_return.locked else ""


def review_page(
    parcel_return: ParcelReturn, *, send_back_form: django_forms.Form, unlock_form: django_forms.Form
) -> dict[str, object]:
    """Return the office's review of a return: its changes on the official data, its findings, the action forms."""
    rows = parcel_queries.return_rows(parcel_return)
    checked = queries.check_rows(
        parcel=parcel_return.parcel, year=parcel_return.year, quarter=parcel_return.quarter, rows=rows
    )
    official = parcel_queries.period_values(parcel_return.parcel_id, parcel_return.year, parcel_return.quarter)
    explanations = {row.position: row.explanation for row in checked.rows}
    return {
        "nav": "review",
        "parcel_return": parcel_return,
        "rows": len(checked.rows),
        "changes": diff.review_changes(checked.rows, official),
        "removed": sorted(set(official) - {row.credit_code for row in checked.rows}),
        "warnings": [(w, explanations.get(w.row, "")) for w in checked.warnings],
        "errors": checked.errors,
        "send_back_form": send_back_form,
        "unlock_form": unlock_form,
        "lock_message": _lock_message(parcel_return),
    }


def status_grid(user, today: dt.date) -> dict[str, object]:
    """Return completeness: every parcel × the last eight quarters, with state, submission date and punctuality."""
    periods = queries.recent_periods(today, 8)
    grid: dict[int, dict[str, object]] = {}
    for state in queries.period_states(access.parcels_for(user), periods):
        line = grid.setdefault(state.parcel.id, {"parcel": state.parcel, "cells": []})
        line["cells"].append(state)
    return {
        "nav": "status",
        "periods": periods,
        "grid": list(grid.values()),
        "state_words": queries.STATE_WORDS,
        "deadline_days": (queries.deadline(2000, 1) - quarter_end(2000, 1)).days,
        "today": today,
    }


def return_history(user, parcel_return: ParcelReturn) -> dict[str, object]:
    """Return every recorded change of a return, its rows and its parcel-quarter's official data."""
    return {
        "nav": "review" if access.may_review(user) else "returns",
        "parcel_return": parcel_return,
        "entries": queries.return_history(parcel_return),
        "back": reverse("returns:edit", args=[parcel_return.parcel_id, parcel_return.year, parcel_return.quarter]),
    }


def upload_errors(parcel: Parcel, year: int, quarter: int, *, filename: str, errors, marked: bool) -> dict[str, object]:
    """Return the page of an upload refused for its errors."""
    return {
        "nav": "returns",
        "parcel": parcel,
        "year": year,
        "quarter": quarter,
        "errors": errors,
        "filename": filename,
        "marked": marked,
    }

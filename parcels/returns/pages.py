"""What each returns page shows: the views ask here for their context and render it.

Reads come from the queries modules; the table of rows, the field changes and
the words are built here, so the views stay parse → ask → render.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence

from django import forms as django_forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkplan.formatting import fmt_number
from parkplan.periods import previous_period, quarter_end
from parkplan.tables import RowError

from .. import access
from .. import queries as parcel_queries
from ..imports import StatisticRow
from ..models import Parcel, ParcelReturn, PendingUpload
from ..services import lock_message
from . import diff, forms, quality, queries, services, table, template_xlsx, uploads, validation


def my_returns(user, today: dt.date) -> dict[str, object]:
    """Return the manager's quarters: the overdue quarters of the plan in force, then each assigned parcel's recent
    periods with state and deadline."""
    periods = queries.recent_periods(today, 8)
    parcels = list(access.parcels_for(user))
    return {
        "nav": "returns",
        "overdue": queries.overdue_returns(parcels, today),
        "states": queries.period_states(parcels, periods),
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
    conflict's (``diff.conflict_changes``). The state is the one the returns
    list shows: a quarter imported without a return is 已审核（导入）, read-only.
    """
    period = queries.period_state(parcel, year, quarter)
    parcel_return = parcel_return or period.parcel_return
    state = parcel_return.state if parcel_return else period.shown
    imported = queries.imported_period(parcel, year, quarter) if state == queries.IMPORTED else None
    if rows is None:
        rows = (
            parcel_queries.return_rows(parcel_return) if parcel_return else queries.initial_rows(parcel, year, quarter)
        )
    if findings is None:
        findings = queries.check_rows(parcel=parcel, year=year, quarter=quarter, rows=rows).findings
    last_period = previous_period(year, quarter)
    editable = imported is None and _editable(user, parcel, parcel_return)
    elements = parcel_queries.data_elements(year, quarter)
    previous = parcel_queries.period_values(parcel.id, *last_period, elements)
    return {
        "nav": "returns",
        "parcel": parcel,
        "year": year,
        "quarter": quarter,
        "months": quarter * 3,
        "parcel_return": parcel_return,
        "state": state,
        "state_word": queries.STATE_WORDS[state],
        "imported": imported,
        "version": parcel_return.version if parcel_return else 0,
        "deadline": queries.deadline(year, quarter),
        "fields": elements.fields,
        "table_rows": table.render_rows(rows, findings, previous, elements=elements, editable=editable),
        "row_count": len(rows),
        "errors": [f for f in findings if f.severity == validation.ERROR],
        "warnings": [f for f in findings if f.severity == validation.WARNING],
        "previous_period": last_period,
        "editable": editable,
        "lock_message": _lock_message(parcel_return, imported, parcel, year, quarter),
        "may_review": access.may_review(user),
        "may_open_revision": imported is not None and access.may_review(user),
        "open_form": forms.UnlockForm(),
        "upload_form": forms.UploadForm(),
        "template_url": reverse("returns:template", args=[parcel.id, year, quarter]),
        "differences": differences,
    }


def _editable(user, parcel: Parcel, parcel_return: ParcelReturn | None) -> bool:
    """Tell whether the user may change the return now: a manager of the parcel, the return not submitted or locked."""
    if parcel_return is None:
        return access.may_edit_return(user, ParcelReturn(parcel=parcel))
    return access.may_edit_return(user, parcel_return) and parcel_return.editable


def _lock_message(parcel_return: ParcelReturn | None, imported=None, *period) -> str:
    """Say who approved (or imported) the quarter and when; empty while it may be changed."""
    if imported is not None:
        return services.import_message(*period, imported)
    return lock_message(parcel_return) if parcel_return and parcel_return.locked else ""


def review_page(
    parcel_return: ParcelReturn,
    *,
    send_back_form: django_forms.Form,
    unlock_form: django_forms.Form,
    confirmation: services.ApprovalNeedsConfirmation | None = None,
) -> dict[str, object]:
    """Return the office's review of a return: what it changes on the official data, its effect and findings.

    The counts (added, changed, removed, moved) are those the approval reports;
    the effect on the parcel's enterprises and the park's indicators marks what
    moves beyond APPROVAL_CONFIRM_CHANGE. ``confirmation`` is an approval
    refused for want of a reason: the page asks for it.
    """
    rows = parcel_queries.return_rows(parcel_return)
    checked = queries.check_rows(
        parcel=parcel_return.parcel, year=parcel_return.year, quarter=parcel_return.quarter, rows=rows
    )
    elements = parcel_queries.data_elements(parcel_return.year, parcel_return.quarter)
    official = parcel_queries.period_values(
        parcel_return.parcel_id, parcel_return.year, parcel_return.quarter, elements
    )
    explanations = {row.position: row.explanation for row in checked.rows}
    removed = sorted(set(official) - {row.credit_code for row in checked.rows})
    pending = parcel_return.state == ParcelReturn.State.SUBMITTED
    return {
        "nav": "review",
        "parcel_return": parcel_return,
        "rows": len(checked.rows),
        "counts": queries.approval_summary(parcel_return, checked.rows),
        "changes": diff.review_changes(checked.rows, official, elements=elements),
        "removed": queries.enterprise_names(removed),
        "effects": _effects(parcel_return, checked) if pending else [],
        "limit_percent": f"{services.confirm_limit():.0%}",
        "confirmation": confirmation,
        "confirmation_items": [services.effect_text(e) for e in confirmation.over] if confirmation else [],
        "warnings": [(w, explanations.get(w.row, "")) for w in checked.warnings],
        "errors": checked.errors,
        "send_back_form": send_back_form,
        "unlock_form": unlock_form,
        "lock_message": _lock_message(parcel_return),
        "quality": _return_quality(parcel_return),
    }


def _effects(parcel_return: ParcelReturn, checked: validation.Checked) -> list[dict[str, object]]:
    """Return each effect of approving the return, formatted, with whether it exceeds the limit."""
    limit = services.confirm_limit()
    return [
        {
            "label": effect.label,
            "before": fmt_number(effect.before, effect.decimals),
            "after": fmt_number(effect.after, effect.decimals),
            "change": f"{effect.change:+.1%}" if effect.change is not None else "—",
            "over": effect.exceeds(limit),
        }
        for effect in services.effects_of(parcel_return, checked.rows)
    ]


def approval_message(result: services.ApprovalResult) -> str:
    """Say what an approval wrote: enterprises added, changed, removed and moved; the reason if one was needed."""
    message = _(
        "已审核通过并写入正式数据：新增 %(added)s 家，修改 %(changed)s 家，删除 %(removed)s 家，"
        "迁入 %(moved_in)s 家，迁出 %(moved_out)s 家，未变 %(unchanged)s 家；本季度已锁定。"
    ) % {
        "added": result.added,
        "changed": result.changed,
        "removed": result.removed,
        "moved_in": result.moved_in,
        "moved_out": result.moved_out,
        "unchanged": result.unchanged,
    }
    if result.reason:
        message += _("确认原因：%(reason)s") % {"reason": result.reason}
    return message


def status_grid(user, today: dt.date) -> dict[str, object]:
    """Return completeness: every parcel × the last eight quarters: state, submission date, punctuality, score."""
    periods = queries.recent_periods(today, 8)
    parcels = list(access.parcels_for(user))
    scores = queries.quality_scores(parcels, periods, today=today)
    grid: dict[int, dict[str, object]] = {}
    for state in queries.period_states(parcels, periods):
        line = grid.setdefault(state.parcel.id, {"parcel": state.parcel, "cells": []})
        score = scores.get((state.parcel.id, state.year, state.quarter))
        line["cells"].append((state, quality_badge(score)))
    return {
        "nav": "status",
        "periods": periods,
        "grid": list(grid.values()),
        "state_words": queries.STATE_WORDS,
        "deadline_days": (queries.deadline(2000, 1) - quarter_end(2000, 1)).days,
        "today": today,
    }


# The quality score's parts, in the order they are shown.
QUALITY_PARTS = {
    "completeness": gettext_lazy("完整性"),
    "timeliness": gettext_lazy("及时性"),
    "outliers": gettext_lazy("异常值"),
    "consistency": gettext_lazy("逻辑一致性"),
}
REASONS_SHOWN = 12


def quality_badge(score: quality.Score | None) -> dict[str, object] | None:
    """Return a score as the pages show it: the total, its band (good ≥ 90, fair ≥ 70, poor), parts and reasons."""
    if score is None or score.total is None:
        return None
    band = "good" if score.total >= 90 else "fair" if score.total >= 70 else "poor"
    return {
        "total": score.total,
        "band": band,
        "parts": [
            {"label": label, "value": "—" if score.parts[name] is None else f"{score.parts[name]:.0f}"}
            for name, label in QUALITY_PARTS.items()
        ],
        "reasons": score.reasons[:REASONS_SHOWN],
        "more": max(len(score.reasons) - REASONS_SHOWN, 0),
        "title": "；".join(score.reasons[:3]) or _("无扣分项"),
    }


def _return_quality(parcel_return: ParcelReturn) -> dict[str, object] | None:
    cell = (parcel_return.parcel_id, parcel_return.year, parcel_return.quarter)
    scores = queries.quality_scores([parcel_return.parcel], [cell[1:]], today=timezone.localdate())
    return quality_badge(scores.get(cell))


def return_history(user, parcel_return: ParcelReturn) -> dict[str, object]:
    """Return every recorded change of a return, its rows and its parcel-quarter's official data."""
    return {
        "nav": "review" if access.may_review(user) else "returns",
        "parcel_return": parcel_return,
        "entries": queries.return_history(parcel_return),
        "back": reverse("returns:edit", args=[parcel_return.parcel_id, parcel_return.year, parcel_return.quarter]),
    }


def upload_preview(
    parcel: Parcel,
    year: int,
    quarter: int,
    *,
    filename: str,
    mode: str,
    file_rows: Sequence[StatisticRow],
    file_errors: Sequence[RowError] = (),
    pending: PendingUpload | None = None,
    marked: bool = False,
) -> dict[str, object]:
    """Return the preview of an upload on the return as it is now: what it adds, changes, keeps and removes.

    Every error is listed by the file's row and column: the file's own, and the
    return's checks of the rows it would write. Only a pending upload without
    errors, read from the return's current version, may be confirmed.
    """
    version, base = queries.base_rows(parcel, year, quarter)
    plan = uploads.plan_upload(base, file_rows, mode=mode, parcel_id=parcel.id, period=(year, quarter))
    checked = queries.check_rows(parcel=parcel, year=year, quarter=quarter, rows=plan.rows)
    errors = [*file_errors, *_finding_errors(checked.errors, plan.rows, file_rows)]
    stale = pending is not None and version != pending.base_version
    elements = parcel_queries.data_elements(year, quarter)
    ctx = uploads.preview_context(plan.preview, errors, parcel_names={parcel.id: parcel.name}, elements=elements)
    return {
        **ctx,
        "nav": "returns",
        "parcel": parcel,
        "year": year,
        "quarter": quarter,
        "filename": filename,
        "mode": mode,
        "mode_label": PendingUpload.Mode(mode).label,
        "replace": mode == uploads.REPLACE,
        "pending": pending,
        "stale": stale,
        "version": version,
        "can_confirm": pending is not None and not errors and not stale,
        "changes_nothing": plan.preview.changes_nothing,
        "warnings": len(checked.warnings),
        "kept_count": len(plan.preview.kept),
        "rows_after": len(plan.rows),
        "marked": marked,
        "in_page": True,
    }


def _finding_errors(
    findings: Sequence[validation.Finding], rows: Sequence[Mapping[str, object]], file_rows: Sequence[StatisticRow]
) -> list[RowError]:
    """Return the return's errors as errors of the file: by the file's row where the row came from the file."""
    file_row = {row.credit_code: row.row for row in file_rows}
    errors = []
    for finding in findings:
        code = str(rows[finding.row - 1]["credit_code"]) if 0 < finding.row <= len(rows) else finding.credit_code
        message = finding.message
        if code not in file_row:
            message = _("报表原有行（%(name)s）：%(message)s") % {"name": finding.enterprise_name, "message": message}
        errors.append(RowError(file_row.get(code, 0), finding.label, finding.value, message))
    return errors


def pending_upload_page(pending: PendingUpload) -> dict[str, object]:
    """Return the preview of an upload waiting for its confirmation."""
    return upload_preview(
        pending.parcel,
        pending.year,
        pending.quarter,
        filename=pending.filename,
        mode=pending.mode,
        file_rows=uploads.rows_from_pending(pending.rows, parcel_queries.data_elements()),
        pending=pending,
    )


def upload_saved_message(filename: str, saved: services.UploadSaved) -> str:
    """Say what confirming an upload did to the return."""
    counts = saved.counts
    if not saved.saved:
        return _("%(name)s 与报表现有数据相同，没有需要保存的修改。") % {"name": filename}
    return _(
        "已从 %(name)s 导入并保存为草稿：新增 %(new)s 家，修改 %(changed)s 家，不变 %(unchanged)s 家，"
        "删除 %(removed)s 家，其余 %(kept)s 家保留不变。"
    ) % {"name": filename, **counts}


def return_template(parcel: Parcel, year: int, quarter: int) -> bytes:
    """Return the return's template (.xlsx): its expected enterprises, current values and last period's beside."""
    last = previous_period(year, quarter)
    elements = parcel_queries.data_elements(year, quarter)
    out = io.BytesIO()
    template_xlsx.write_return_template(
        out,
        parcel_names=[name for _id, _code, name in parcel_queries.parcel_keys()],
        parcel=parcel.name_zh,
        year=year,
        quarter=quarter,
        rows=queries.template_rows(parcel, year, quarter),
        previous=parcel_queries.period_values(parcel.id, *last, elements),
        previous_label=_("%(year)s年第%(quarter)s季度") % {"year": last[0], "quarter": last[1]},
        elements=elements,
    )
    return out.getvalue()

"""Pages of the quarterly returns: the manager's quarter and return, the office's review and completeness grid.

Every object is found through parcels.access: another parcel's return answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import access, forms, queries, services, statfields, validation
from .models import ParcelReturn
from .return_table import input_value as _input_value
from .return_table import render_rows, show

YEARS = range(2000, 2101)
# The file with its errors marked is kept in the session for download; larger files are not.
MARKED_MAX_BYTES = 2 * 1024 * 1024


def _check_period(year: int, quarter: int) -> None:
    if year not in YEARS or quarter not in (1, 2, 3, 4):
        raise Http404


@login_required
def my_returns(request):
    """The manager's quarter: each assigned parcel's recent periods with state and deadline."""
    if access.may_review(request.user):
        return redirect("returns:status")
    access.require(access.may_enter_returns(request.user))
    today = timezone.localdate()
    periods = queries.recent_periods(today, 8)
    states = queries.period_states(access.parcels_for(request.user), periods)
    ctx = {
        "nav": "returns",
        "states": states,
        "state_words": queries.STATE_WORDS,
        "today": today,
        "current": periods[0],
    }
    return render(request, "parcels/return_list.html", ctx)


def _return_page(request, parcel, year, quarter, *, rows=None, findings=None, parcel_return=None, status=200, **extra):
    parcel_return = parcel_return if parcel_return is not None else queries.return_for(parcel, year, quarter)
    if rows is None:
        rows = queries.return_rows(parcel_return) if parcel_return else queries.initial_rows(parcel, year, quarter)
    if findings is None:
        findings = services.check_rows(parcel=parcel, year=year, quarter=quarter, rows=rows).findings
    previous_year, previous_quarter = queries.previous_period(year, quarter)
    previous = queries.period_values(parcel.id, previous_year, previous_quarter)
    editable = access.may_edit_return(request.user, parcel_return or ParcelReturn(parcel=parcel)) and (
        parcel_return is None or parcel_return.editable
    )
    ctx = {
        "nav": "returns",
        "parcel": parcel,
        "year": year,
        "quarter": quarter,
        "months": quarter * 3,
        "parcel_return": parcel_return,
        "state": parcel_return.state if parcel_return else queries.NOT_STARTED,
        "state_word": queries.STATE_WORDS[parcel_return.state if parcel_return else queries.NOT_STARTED],
        "version": parcel_return.version if parcel_return else 0,
        "deadline": queries.deadline(year, quarter),
        "fields": statfields.FIELDS,
        "table_rows": render_rows(rows, findings, previous, editable=editable),
        "row_count": len(rows),
        "errors": [f for f in findings if f.severity == validation.ERROR],
        "warnings": [f for f in findings if f.severity == validation.WARNING],
        "previous_period": (previous_year, previous_quarter),
        "editable": editable,
        "lock_message": services.lock_message(parcel_return) if parcel_return and parcel_return.locked else "",
        "may_review": access.may_review(request.user),
        "upload_form": forms.UploadForm(),
        **extra,
    }
    return render(request, "parcels/return_edit.html", ctx, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def return_edit(request, parcel_id: int, year: int, quarter: int):
    """One parcel's return for one quarter: every enterprise a row; save as draft or submit."""
    _check_period(year, quarter)
    parcel = access.parcel_or_404(request.user, parcel_id)
    if request.method == "GET":
        return _return_page(request, parcel, year, quarter)
    access.require(access.may_edit_return(request.user, ParcelReturn(parcel=parcel)))
    rows = forms.rows_from_post(request.POST)
    submit = request.POST.get("action") == "submit"
    try:
        _saved, checked = services.save_return(
            parcel=parcel,
            year=year,
            quarter=quarter,
            rows=rows,
            version=forms.posted_version(request.POST),
            user=request.user,
            submit=submit,
        )
    except services.ReturnConflict as conflict:
        current = conflict.current
        mine = {str(r["credit_code"]).upper(): r for r in rows}
        differences = []
        for theirs in queries.return_rows(current):
            posted = mine.get(theirs["credit_code"])
            if posted is None:
                continue
            for f in statfields.FIELDS:
                if _input_value(posted.get(f.name)) != _input_value(theirs.get(f.name)):
                    differences.append(
                        {
                            "enterprise": theirs["enterprise_name"],
                            "label": f.label,
                            "mine": _input_value(posted.get(f.name)) or "—",
                            "current": show(f.name, theirs.get(f.name)),
                        }
                    )
        messages.error(request, str(conflict))
        return _return_page(request, parcel, year, quarter, parcel_return=current, differences=differences, status=409)
    except services.ReturnInvalid as invalid:
        messages.error(request, str(invalid))
        return _return_page(request, parcel, year, quarter, rows=rows, findings=invalid.checked.findings)
    except services.ReturnError as refused:
        messages.error(request, str(refused))
        return redirect("returns:edit", parcel.id, year, quarter)
    if submit:
        messages.success(request, _("报表已提交，等待联席会议办公室审核。"))
    else:
        n = len(checked.warnings)
        messages.success(
            request,
            _("草稿已保存。") + (_("有 %(n)s 处需要说明的异常值，提交前请填写情况说明。") % {"n": n} if n else ""),
        )
    return redirect("returns:edit", parcel.id, year, quarter)


@login_required
@require_POST
def return_upload(request, parcel_id: int, year: int, quarter: int):
    """Fill the return from an Excel or CSV file in the import template; rows of other periods or parcels are errors."""
    from . import uploads

    _check_period(year, quarter)
    parcel = access.parcel_or_404(request.user, parcel_id)
    access.require(access.may_edit_return(request.user, ParcelReturn(parcel=parcel)))
    form = forms.UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的文件。"))
        return redirect("returns:edit", parcel.id, year, quarter)
    upload = form.cleaned_data["file"]
    try:
        checked = uploads.read_upload(upload.name, upload, parcels={parcel.code: parcel.id, parcel.name_zh: parcel.id})
    except uploads.UploadRejected as rejected:
        messages.error(request, str(rejected))
        return redirect("returns:edit", parcel.id, year, quarter)
    errors = list(checked.result.errors)
    for row in checked.result.rows:
        if (row.year, row.quarter) != (year, quarter):
            errors.append(
                uploads.RowError(
                    row.row,
                    "季度",
                    f"{row.year}-{row.quarter}",
                    _("不是本报表的期间（%(y)s年第%(q)s季度）") % {"y": year, "q": quarter},
                )
            )
    if errors:
        marked = uploads.mark_errors(checked.data, errors) if len(checked.data) <= MARKED_MAX_BYTES else b""
        request.session["marked_upload"] = {"name": upload.name, "data": marked.hex()}
        ctx = {
            "nav": "returns",
            "parcel": parcel,
            "year": year,
            "quarter": quarter,
            "errors": errors,
            "filename": upload.name,
            "marked": bool(marked),
        }
        return render(request, "parcels/return_upload_errors.html", ctx)
    parcel_return = queries.return_for(parcel, year, quarter)
    rows = [
        {
            "credit_code": row.credit_code,
            "enterprise_name": row.enterprise_name,
            "moved_out": False,
            "explanation": "",
            **row.values,
        }
        for row in checked.result.rows
    ]
    try:
        services.save_return(
            parcel=parcel,
            year=year,
            quarter=quarter,
            rows=rows,
            version=parcel_return.version if parcel_return else 0,
            user=request.user,
            source=ParcelReturn.Source.UPLOAD,
            upload_name=upload.name,
        )
    except services.ReturnInvalid as invalid:
        messages.error(request, str(invalid))
        return _return_page(request, parcel, year, quarter, rows=rows, findings=invalid.checked.findings)
    except services.ReturnError as refused:
        messages.error(request, str(refused))
        return redirect("returns:edit", parcel.id, year, quarter)
    messages.success(
        request, _("已从 %(name)s 读入 %(n)s 家企业的数据并保存为草稿。") % {"name": upload.name, "n": len(rows)}
    )
    return redirect("returns:edit", parcel.id, year, quarter)


@login_required
def marked_upload(request):
    """Download the last uploaded file with its errors marked (kept in the session)."""
    marked = request.session.get("marked_upload")
    if not marked or not marked.get("data"):
        raise Http404
    response = HttpResponse(
        bytes.fromhex(marked["data"]),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="errors.xlsx"'
    return response


@login_required
def review_list(request):
    """The office's queue: returns waiting for review, oldest first."""
    access.require(access.may_review(request.user))
    ctx = {"nav": "review", "waiting": queries.submitted_returns(), "state_words": queries.STATE_WORDS}
    return render(request, "parcels/review_list.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request, pk: int):
    """One submitted return with its changes on the official data and its warnings; approve, send back, unlock."""
    access.require(access.may_review(request.user))
    parcel_return = access.return_or_404(request.user, pk)
    send_back_form, unlock_form = forms.SendBackForm(), forms.UnlockForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                result = services.approve_return(parcel_return=parcel_return, user=request.user)
                messages.success(
                    request,
                    _("已审核通过并写入正式数据（新增 %(c)s 条，修改 %(u)s 条），本季度已锁定。")
                    % {"c": result.created, "u": result.updated},
                )
                return redirect("returns:review")
            if action == "send_back":
                send_back_form = forms.SendBackForm(request.POST)
                if send_back_form.is_valid():
                    services.send_back_return(
                        parcel_return=parcel_return, user=request.user, comment=send_back_form.cleaned_data["comment"]
                    )
                    messages.success(request, _("已退回填报人修改。"))
                    return redirect("returns:review")
            elif action == "unlock":
                unlock_form = forms.UnlockForm(request.POST)
                if unlock_form.is_valid():
                    services.unlock_return(
                        parcel_return=parcel_return, user=request.user, reason=unlock_form.cleaned_data["reason"]
                    )
                    messages.success(request, _("已解锁，报表退回填报人修改。"))
                    return redirect("returns:review_detail", parcel_return.pk)
        except services.ReturnError as refused:
            messages.error(request, str(refused))
            return redirect("returns:review_detail", parcel_return.pk)
    rows = queries.return_rows(parcel_return)
    checked = services.check_rows(
        parcel=parcel_return.parcel, year=parcel_return.year, quarter=parcel_return.quarter, rows=rows
    )
    official = queries.period_values(parcel_return.parcel_id, parcel_return.year, parcel_return.quarter)
    changes = []
    for row in checked.rows:
        before = official.get(row.credit_code)
        if row.moved_out:
            changes.append({"row": row, "kind": "moved_out", "fields": []})
            continue
        fields = [
            {
                "label": f.label,
                "before": show(f.name, before.get(f.name)) if before else "—",
                "after": show(f.name, row.values.get(f.name)),
            }
            for f in statfields.FIELDS
            if before is None or before.get(f.name) != row.values.get(f.name)
        ]
        if before is None:
            changes.append({"row": row, "kind": "new", "fields": fields})
        elif fields:
            changes.append({"row": row, "kind": "changed", "fields": fields})
    removed = sorted(set(official) - {row.credit_code for row in checked.rows})
    explanations = {row.position: row.explanation for row in checked.rows}
    ctx = {
        "nav": "review",
        "parcel_return": parcel_return,
        "rows": len(checked.rows),
        "changes": changes,
        "removed": removed,
        "warnings": [(w, explanations.get(w.row, "")) for w in checked.warnings],
        "errors": checked.errors,
        "send_back_form": send_back_form,
        "unlock_form": unlock_form,
        "lock_message": services.lock_message(parcel_return) if parcel_return.locked else "",
    }
    return render(request, "parcels/review_detail.html", ctx)


@login_required
def status_grid(request):
    """Completeness: every parcel × the last eight quarters, with state, submission date and punctuality."""
    access.require(access.may_review(request.user))
    today = timezone.localdate()
    periods = queries.recent_periods(today, 8)
    states = queries.period_states(access.parcels_for(request.user), periods)
    grid: dict[int, dict[str, object]] = {}
    for state in states:
        line = grid.setdefault(state.parcel.id, {"parcel": state.parcel, "cells": []})
        line["cells"].append(state)
    ctx = {
        "nav": "status",
        "periods": periods,
        "grid": list(grid.values()),
        "state_words": queries.STATE_WORDS,
        "deadline_days": queries.deadline(2000, 1).toordinal() - queries.quarter_end(2000, 1).toordinal(),
        "today": today,
    }
    return render(request, "parcels/status_grid.html", ctx)


def _history_rows(entries):
    from django.contrib.auth import get_user_model

    user_ids = {entry["context"].get("user") for entry in entries} - {None}
    names = dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "username"))
    hidden = ("id", "parcel_return_id", "position", "version", "batch_id", "source")
    for entry in entries:
        entry["who"] = names.get(entry["context"].get("user"), "—")
        entry["changes"] = [
            {
                "field": validation.LABELS.get(name.removesuffix("_id"), name.removesuffix("_id")),
                "before": "—" if before in (None, "") else before,
                "after": "—" if after in (None, "") else after,
            }
            for name, (before, after) in entry["diff"].items()
            if name not in hidden
        ]
    return list(reversed(entries))


@login_required
def enterprise_history(request, code: str):
    """Every recorded change of an enterprise and its statistics in the parcels the user may see."""
    enterprise = get_object_or_404(access.enterprises_for(request.user), credit_code=code)
    entries = queries.enterprise_history(enterprise, access.statistics_for(request.user))
    ctx = {
        "nav": "review" if access.may_review(request.user) else "returns",
        "enterprise": enterprise,
        "entries": _history_rows(entries),
    }
    return render(request, "parcels/enterprise_history.html", ctx)


@login_required
def return_history(request, pk: int):
    """Every recorded change of a return, its rows and its parcel-quarter's official data: who, when, from where."""
    parcel_return = access.return_or_404(request.user, pk)
    access.require(access.may_review(request.user) or access.may_edit_return(request.user, parcel_return))
    entries = _history_rows(queries.history(parcel_return))
    ctx = {
        "nav": "review" if access.may_review(request.user) else "returns",
        "parcel_return": parcel_return,
        "entries": entries,
        "back": reverse("returns:edit", args=[parcel_return.parcel_id, parcel_return.year, parcel_return.quarter]),
    }
    return render(request, "parcels/return_history.html", ctx)

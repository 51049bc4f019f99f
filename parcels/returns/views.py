"""Pages of the quarterly returns: the manager's quarter and return, the office's review and completeness grid.

Every object is found through parcels.access: another parcel's return answers 404.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import access
from .. import queries as parcel_queries
from ..models import Parcel, ParcelReturn
from . import diff, forms, pages, queries, services, uploads

YEARS = range(2000, 2101)
# The file with its errors marked is kept in the session for download; larger files are not.
MARKED_MAX_BYTES = 2 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def my_returns(request):
    """The manager's quarter: each assigned parcel's recent periods with state and deadline."""
    if access.may_review(request.user):
        return redirect("returns:status")
    access.require(access.may_enter_returns(request.user))
    ctx = pages.my_returns(request.user, timezone.localdate())
    return render(request, "parcels/return_list.html", ctx)


def _parcel(request, parcel_id: int, year: int, quarter: int, *, writing: bool) -> Parcel:
    """Return the parcel of a return the user may see (404 for another period or parcel), 403 if writing is refused."""
    if year not in YEARS or quarter not in (1, 2, 3, 4):
        raise Http404
    parcel = access.parcel_or_404(request.user, parcel_id)
    if writing:
        access.require(access.may_edit_return(request.user, ParcelReturn(parcel=parcel)))
    return parcel


def _return_page(request, parcel: Parcel, year: int, quarter: int, *, status: int = 200, **shown):
    ctx = pages.return_page(request.user, parcel, year, quarter, **shown)
    return render(request, "parcels/return_edit.html", ctx, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def return_edit(request, parcel_id: int, year: int, quarter: int):
    """One parcel's return for one quarter: every enterprise a row; save as draft or submit."""
    parcel = _parcel(request, parcel_id, year, quarter, writing=request.method == "POST")
    if request.method == "GET":
        return _return_page(request, parcel, year, quarter)
    elements = parcel_queries.data_elements(year, quarter)
    rows = forms.rows_from_post(request.POST, elements)
    submit = request.POST.get("action") == "submit"
    version = forms.posted_version(request.POST)
    try:
        _saved, checked = services.save_return(
            parcel=parcel, year=year, quarter=quarter, rows=rows, version=version, user=request.user, submit=submit
        )
    except services.ReturnConflict as conflict:
        messages.error(request, str(conflict))
        differences = diff.conflict_changes(rows, parcel_queries.return_rows(conflict.current), elements=elements)
        shown = {"parcel_return": conflict.current, "differences": differences}
        return _return_page(request, parcel, year, quarter, status=409, **shown)
    except services.ReturnInvalid as invalid:
        messages.error(request, str(invalid))
        return _return_page(request, parcel, year, quarter, rows=rows, findings=invalid.checked.findings)
    except services.ReturnError as refused:
        messages.error(request, str(refused))
        return redirect("returns:edit", parcel.id, year, quarter)
    messages.success(request, _saved_message(submit=submit, warnings=len(checked.warnings)))
    return redirect("returns:edit", parcel.id, year, quarter)


def _saved_message(*, submit: bool, warnings: int) -> str:
    if submit:
        return _("报表已提交，等待联席会议办公室审核。")
    explain = _("有 %(n)s 处需要说明的异常值，提交前请填写情况说明。") % {"n": warnings} if warnings else ""
    return _("草稿已保存。") + explain


@login_required
@require_POST
def return_upload(request, parcel_id: int, year: int, quarter: int):
    """Read an Excel or CSV file in the import template and show what it would change; nothing is saved yet."""
    parcel = _parcel(request, parcel_id, year, quarter, writing=True)
    form = forms.UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的文件。"))
        return redirect("returns:edit", parcel.id, year, quarter)
    upload, mode = form.cleaned_data["file"], form.cleaned_data["mode"]
    try:
        checked = uploads.read_return_upload(upload.name, upload, parcel=parcel, year=year, quarter=quarter)
        if checked.result.errors:
            return _upload_errors(request, parcel, year, quarter, upload.name, mode, checked)
        pending = services.stage_upload(
            user=request.user,
            parcel=parcel,
            year=year,
            quarter=quarter,
            filename=upload.name,
            sha256=hashlib.sha256(checked.data).hexdigest(),
            rows=checked.result.rows,
            mode=mode,
        )
    except (uploads.UploadRejected, services.ReturnError) as refused:
        messages.error(request, str(refused))
        return redirect("returns:edit", parcel.id, year, quarter)
    return redirect("returns:upload_preview", parcel.id, year, quarter, pending.pk)


def _upload_errors(request, parcel: Parcel, year: int, quarter: int, filename: str, mode: str, checked):
    """Show a file with errors: its preview and every error; keep the file with its errors marked for download."""
    marked = uploads.mark_errors(checked.data, checked.result.errors) if len(checked.data) <= MARKED_MAX_BYTES else b""
    request.session["marked_upload"] = {"name": filename, "data": marked.hex()}
    ctx = pages.upload_preview(
        parcel,
        year,
        quarter,
        filename=filename,
        mode=mode,
        file_rows=checked.result.rows,
        marked=bool(marked),
        file_errors=checked.result.errors,
    )
    return render(request, "parcels/return_upload.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def upload_preview(request, parcel_id: int, year: int, quarter: int, pk):
    """What a read upload would change on the return; its confirmation (POST) saves it as the draft."""
    parcel = _parcel(request, parcel_id, year, quarter, writing=True)
    pending = queries.pending_upload(request.user, parcel, year, quarter, pk)
    if pending is None:
        messages.error(request, _("该预览已确认或已失效，请重新上传文件。"))
        return redirect("returns:edit", parcel.id, year, quarter)
    if request.method == "POST":
        confirm = request.POST.get("confirm_removals") == "1"
        try:
            saved = services.confirm_upload(pending=pending, user=request.user, confirm_removals=confirm)
        except services.ReturnError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, pages.upload_saved_message(pending.filename, saved))
            return redirect("returns:edit", parcel.id, year, quarter)
    return render(request, "parcels/return_upload.html", pages.pending_upload_page(pending))


@login_required
@require_POST
def open_revision(request, parcel_id: int, year: int, quarter: int):
    """Open a quarter the office imported without a return for the managers to revise (the office, with a reason)."""
    access.require(access.may_review(request.user))
    parcel = _parcel(request, parcel_id, year, quarter, writing=False)
    form = forms.UnlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("开放修订时必须填写原因。"))
        return redirect("returns:edit", parcel.id, year, quarter)
    try:
        services.open_imported_period(
            parcel=parcel, year=year, quarter=quarter, user=request.user, reason=form.cleaned_data["reason"]
        )
    except services.ReturnError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("已开放修订，报表退回填报人修改。"))
    return redirect("returns:edit", parcel.id, year, quarter)


@login_required
def return_template(request, parcel_id: int, year: int, quarter: int):
    """Download the return's template: its expected enterprises, current values and last period's for reference."""
    parcel = _parcel(request, parcel_id, year, quarter, writing=False)
    response = HttpResponse(pages.return_template(parcel, year, quarter), content_type=XLSX)
    name = f"{parcel.name_zh}-{year}年第{quarter}季度报表.xlsx"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{parcel.code}-{year}Q{quarter}.xlsx\"; filename*=UTF-8''{quote(name)}"
    )
    return response


@login_required
def marked_upload(request):
    """Download the last uploaded file with its errors marked (kept in the session)."""
    marked = request.session.get("marked_upload")
    if not marked or not marked.get("data"):
        raise Http404
    response = HttpResponse(bytes.fromhex(marked["data"]), content_type=XLSX)
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
    review_forms = {"send_back_form": forms.SendBackForm(), "unlock_form": forms.UnlockForm()}
    action = REVIEW_ACTIONS.get(request.POST.get("action")) if request.method == "POST" else None
    if action is not None:
        try:
            done = action(request, parcel_return, review_forms)
        except services.ReturnError as refused:
            messages.error(request, str(refused))
            return redirect("returns:review_detail", parcel_return.pk)
        if done is not None:
            return done
    return render(request, "parcels/review_detail.html", pages.review_page(parcel_return, **review_forms))


def _approve(request, parcel_return: ParcelReturn, review_forms: dict):
    """Approve; an approval with a large effect shows it and asks for a reason (None: the page again)."""
    try:
        result = services.approve_return(
            parcel_return=parcel_return, user=request.user, reason=request.POST.get("reason", "")
        )
    except services.ApprovalNeedsConfirmation as needed:
        review_forms["confirmation"] = needed
        return None
    messages.success(request, pages.approval_message(result))
    return redirect("returns:review")


def _send_back(request, parcel_return: ParcelReturn, review_forms: dict):
    """Send the return back with the office's comment; None (the page again, with the form's errors) without one."""
    form = review_forms["send_back_form"] = forms.SendBackForm(request.POST)
    if not form.is_valid():
        return None
    services.send_back_return(parcel_return=parcel_return, user=request.user, comment=form.cleaned_data["comment"])
    messages.success(request, _("已退回填报人修改。"))
    return redirect("returns:review")


def _unlock(request, parcel_return: ParcelReturn, review_forms: dict):
    """Unlock the approved quarter with the office's reason; None (the page again, with the form's errors) without."""
    form = review_forms["unlock_form"] = forms.UnlockForm(request.POST)
    if not form.is_valid():
        return None
    services.unlock_return(parcel_return=parcel_return, user=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, _("已解锁，报表退回填报人修改。"))
    return redirect("returns:review_detail", parcel_return.pk)


# The review page's actions: each returns a redirect when done, or None to show the page again.
REVIEW_ACTIONS = {"approve": _approve, "send_back": _send_back, "unlock": _unlock}


@login_required
def status_grid(request):
    """Completeness: every parcel × the last eight quarters, with state, submission date and punctuality."""
    access.require(access.may_review(request.user))
    return render(request, "parcels/status_grid.html", pages.status_grid(request.user, timezone.localdate()))


@login_required
def return_history(request, pk: int):
    """Every recorded change of a return, its rows and its parcel-quarter's official data: who, when, from where."""
    parcel_return = access.return_or_404(request.user, pk)
    access.require(access.may_review(request.user) or access.may_edit_return(request.user, parcel_return))
    return render(request, "parcels/return_history.html", pages.return_history(request.user, parcel_return))

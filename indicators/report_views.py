"""Pages of the assessment reports: start one, follow its progress, download its files (office only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from parcels.access import is_office

from . import queries
from .models import Indicator, Report, ReportFile
from .reports import content, services

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _office_report(request, report_id: int) -> Report:
    """Return the report, or 404 for anyone but the office (a report covers every parcel)."""
    if not is_office(request.user):
        raise Http404
    return get_object_or_404(Report.objects.select_related("created_by"), id=report_id)


def _downloads(report: Report) -> list[dict]:
    if report.state != Report.State.DONE:
        return []
    sizes = dict(ReportFile.objects.filter(report=report).values_list("format", "size"))
    return [
        {
            "format": fmt,
            "label": dict(ReportFile.Format.choices)[fmt],
            "url": reverse("report_download", args=[report.id, fmt]),
            "size": f"{sizes[fmt] / 1024:,.0f} KB",
        }
        for fmt in services.FORMATS
        if fmt in sizes
    ]


def _status(report: Report) -> dict:
    return {
        "id": report.id,
        "state": report.state,
        "state_label": report.get_state_display(),
        "progress": report.progress,
        "message": report.message,
        "downloads": _downloads(report),
    }


@login_required
@require_http_methods(["GET", "POST"])
def report_list(request):
    if not is_office(request.user):
        raise PermissionDenied
    plan = queries.current_plan()
    years = list(range(plan.start_year, plan.end_year + 1)) if plan else []
    indicators = list(Indicator.objects.filter(plan=plan)) if plan else []
    form = {"year": str(queries.latest_data_year(plan) or (years[-1] if years else "")), "kind": "", "language": "zh"}
    error = ""
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in ("year", "kind", "language")}
        comments = {i.code: request.POST.get(f"comment_{i.code}", "") for i in indicators}
        try:
            year = int(form["year"])
        except ValueError:
            error = _("评估年度“%(value)s”不是有效的年份。") % {"value": form["year"]}
        else:
            try:
                report = services.start_report(
                    year=year,
                    kind=form["kind"] or None,
                    language=form["language"] or "zh",
                    comments=comments,
                    user=request.user,
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(request, _("报告已开始生成。"))
                return redirect("report_detail", report.id)
    reports = Report.objects.select_related("created_by").defer("snapshot")[:50]
    rows = [
        {
            "report": r,
            "kind": r.get_kind_display(),
            "language": r.get_language_display(),
            "author": (r.created_by.get_full_name() or r.created_by.get_username()) if r.created_by else "—",
            "downloads": _downloads(r),
        }
        for r in reports
    ]
    ctx = {
        "nav": "reports",
        "is_office": True,
        "years": years,
        "kinds": Report.Kind.choices,
        "default_kinds": {
            y: dict(Report.Kind.choices)[content.default_kind(y, end_year=plan.end_year, start_year=plan.start_year)]
            for y in years
        },
        "indicators": indicators,
        "form": form,
        "error": error,
        "rows": rows,
    }
    return render(request, "indicators/report_list.html", ctx, status=400 if error else 200)


@login_required
@require_GET
def report_detail(request, report_id: int):
    report = _office_report(request, report_id)
    ctx = {
        "nav": "reports",
        "is_office": True,
        "report": report,
        "status": _status(report),
        "author": (report.created_by.get_full_name() or report.created_by.get_username()) if report.created_by else "—",
        "as_of": (report.snapshot.get("data_as_of") or "—")[:16].replace("T", " "),
        "previous": report.previous_id,
    }
    return render(request, "indicators/report_detail.html", ctx)


@login_required
@require_GET
def report_status(request, report_id: int):
    report = _office_report(request, report_id)
    return JsonResponse(_status(report))


@login_required
@require_GET
def report_download(request, report_id: int, fmt: str):
    report = _office_report(request, report_id)
    if fmt not in CONTENT_TYPES:
        raise Http404
    stored = get_object_or_404(ReportFile, report=report, format=fmt)
    kind = report.get_kind_display()
    name = f"宝山园规划实施情况评估报告_{report.year}年{kind}_{report.id}.{fmt}"
    response = HttpResponse(bytes(stored.content), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["ETag"] = f'"{stored.sha256}"'
    response["Cache-Control"] = "private, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response

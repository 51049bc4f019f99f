"""Pages of a plan's assessment reports: start one, follow its progress, download its files (office only)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parcels.access import is_office

from ..dashboard.plans import plan_page
from ..models import Indicator, Plan, Report
from . import files, pages, queries, services

FORM_FIELDS = ("year", "kind", "language", "audience")


def report_page(view):
    """Give a report view the report: 404 for anyone but the office (a report covers every parcel).

    A report of another plan than the address's is sent to its own plan's
    address when read (an address saved before the plan in force changed).
    """

    @wraps(view)
    @plan_page
    def wrapper(request, plan: Plan, report_id: int, **kwargs):
        report = queries.shown_report(report_id) if is_office(request.user) else None
        if report is None:
            raise Http404
        if report.plan_id != plan.id:
            if request.method != "GET":
                raise Http404
            return redirect(request.resolver_match.url_name, plan=report.plan, report_id=report.id, **kwargs)
        return view(request, report, **kwargs)

    return wrapper


def _start(request, plan: Plan, form: dict[str, str], indicators: list[Indicator]) -> tuple[Report | None, str]:
    """Start a report of the plan from the posted form; return it, or None and what is wrong."""
    try:
        year = int(form["year"])
    except ValueError:
        return None, _("评估年度“%(value)s”不是有效的年份。") % {"value": form["year"]}
    comments = {i.code: request.POST.get(f"comment_{i.code}", "") for i in indicators}
    try:
        report = services.start_report(
            plan=plan,
            year=year,
            kind=form["kind"] or None,
            language=form["language"] or "zh",
            audience=form.get("audience") or Report.Audience.OFFICE,
            comments=comments,
            user=request.user,
        )
    except ValidationError as exc:
        return None, " ".join(exc.messages)
    return report, ""


@login_required
@require_http_methods(["GET", "POST"])
@plan_page
def report_list(request, plan: Plan):
    """List the plan's latest reports; start a new one from the form."""
    if not is_office(request.user):
        raise PermissionDenied
    indicators = queries.plan_indicators(plan)
    form, error = pages.default_form(plan), ""
    if request.method == "POST":
        form = {name: request.POST.get(name, "").strip() for name in FORM_FIELDS}
        report, error = _start(request, plan, form, indicators)
        if report is not None:
            messages.success(request, _("报告已开始生成。"))
            return redirect("report_detail", plan, report.id)
    ctx = pages.list_page(plan, indicators=indicators, form=form, error=error)
    return render(request, "indicators/report_list.html", ctx, status=400 if error else 200)


@login_required
@require_GET
@report_page
def report_detail(request, report: Report):
    """Show a report's progress, downloads and facts."""
    return render(request, "indicators/report_detail.html", pages.detail_page(report))


@login_required
@require_GET
@report_page
def report_status(request, report: Report):
    """Answer the report's progress as JSON, for the page's progress bar (a report whose worker died: failed)."""
    services.fail_stale_reports()
    return JsonResponse(pages.status(queries.shown_report(report.id)))


@login_required
@require_POST
@report_page
def report_retry(request, report: Report):
    """Queue a failed report again (the office, one click); the page follows its progress anew."""
    try:
        services.retry_report(report_id=report.id, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("报告已重新排队生成。"))
    return redirect("report_detail", report.plan, report.id)


@login_required
@require_GET
@report_page
def report_download(request, report: Report, fmt: str):
    """Send one of a finished report's stored files, the same bytes every time."""
    stored = queries.stored_file(report, fmt) if fmt in files.CONTENT_TYPES else None
    if stored is None:
        raise Http404
    return files.download(report, stored, cache_forever=True)

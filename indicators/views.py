"""Pages: thin views that read the period, ask a page module of indicators.dashboard, and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcels import access

from . import exports, queries
from .dashboard import areas as areas_page
from .dashboard import indicator as indicator_page
from .dashboard import narrative as narrative_block
from .dashboard import overview as overview_page
from .dashboard import parcel as parcel_page
from .dashboard import parcel_map as map_page
from .dashboard import parcels as parcels_page
from .dashboard import preview as preview_page
from .dashboard import warnings as warnings_page
from .dashboard.periods import choose_period, page_context
from .dashboard.plans import plan_page
from .maps import geojson
from .maps import queries as map_queries
from .maps import services as map_services
from .narratives import queries as narrative_queries
from .narratives import services as narrative_services
from .narratives.forms import NarrativeForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_GEOJSON_BYTES = 5 * 2**20


def _indicator_or_404(plan, code: str):
    """Return the plan's indicator with this code and all the plan's indicators (for the tabs)."""
    indicators = queries.indicators(plan)
    for indicator in indicators:
        if indicator.code == code:
            return indicator, indicators
    raise Http404(_("没有编号为%(code)s的指标") % {"code": code})


@login_required
@plan_page
def overview(request, plan):
    period, ctx = page_context(request.GET, plan, "overview")
    ctx.update(overview_page.page(plan, period, request.user))
    return render(request, "indicators/overview.html", ctx)


@login_required
def landing(request):
    """Where signing in leads: a manager to the returns (overdue quarters first), anyone else to the overview."""
    return redirect("returns:mine" if access.may_enter_returns(request.user) else "overview")


@login_required
@plan_page
def indicator_detail(request, plan, code: str):
    indicator, indicators = _indicator_or_404(plan, code)
    period, ctx = page_context(request.GET, plan, "indicators")
    ctx.update(indicator_page.page(plan, indicator, period, request.user))
    ctx["indicators"] = indicators
    return render(request, "indicators/indicator_detail.html", ctx)


@login_required
@require_POST
@plan_page
def indicator_narrative(request, plan, code: str):
    """Save the next version of an indicator's 原因分析 and 下一步措施 for a year; on a problem, show the page again."""
    indicator, indicators = _indicator_or_404(plan, code)
    if not narrative_queries.may_write(request.user, indicator):
        raise PermissionDenied
    form = NarrativeForm(request.POST)
    try:
        added = narrative_services.save_from_form(form, indicator=indicator, user=request.user)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    else:
        messages.success(request, _("已保存为新版本。") if added else _("内容未改变，未新增版本。"))
        return redirect(reverse("indicator", args=[plan, code]) + f"?year={form.cleaned_data['year']}#narrative")
    period, ctx = page_context({"year": request.POST.get("year", "")}, plan, "indicators")
    ctx.update(indicator_page.page(plan, indicator, period, request.user), indicators=indicators)
    ctx["narrative"] = narrative_block.block(indicator, period, request.user, form=form, error=error)
    return render(request, "indicators/indicator_detail.html", ctx, status=400)


@login_required
@plan_page
def indicator_data(request, plan, code: str, fmt: str):
    """Download the tables behind an indicator page's charts (CSV: one table, ?table=trend|parcels; Excel: both)."""
    indicator, _indicators = _indicator_or_404(plan, code)
    period, _note = choose_period(request.GET, plan)
    tables = indicator_page.download_tables(indicator_page.page(plan, indicator, period, request.user))
    stem = f"{plan.code}-{indicator.code}-{period.year or 'none'}" + (f"Q{period.quarter}" if period.quarter else "")
    if fmt == "xlsx":
        mark = _("示例（非正式规划）") if plan.example else ""
        return _attachment(exports.tables_xlsx(tables, mark=mark), exports.download_name(plan, stem, ".xlsx"), XLSX)
    wanted = request.GET.get("table", "trend")
    table = next((t for t in tables if t.slug == wanted), None)
    if table is None:
        raise Http404(_("没有名为%(table)s的表格") % {"table": wanted})
    name = exports.download_name(plan, f"{stem}-{table.slug}", ".csv")
    return _attachment(exports.table_csv(table), name, "text/csv; charset=utf-8")


def _attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@plan_page
def parcels(request, plan):
    period, ctx = page_context(request.GET, plan, "parcels")
    ctx.update(parcels_page.page(plan, period, request.user))
    return render(request, "indicators/parcel_list.html", ctx)


@login_required
@plan_page
def parcel_detail(request, plan, code: str):
    parcel = get_object_or_404(queries.parcels_with_areas(plan), code=code)
    period, ctx = page_context(request.GET, plan, "parcels")
    ctx.update(parcel_page.page(plan, parcel, period, request.user))
    return render(request, "indicators/parcel_detail.html", ctx)


@login_required
@plan_page
def functional_areas(request, plan):
    period, ctx = page_context(request.GET, plan, "areas")
    ctx.update(areas_page.page(plan, period, request.user))
    return render(request, "indicators/functional_areas.html", ctx)


@login_required
def return_preview(request, pk: int):
    """Render the parcel's current official values beside the values its saved return would give (a fragment)."""
    parcel_return = access.return_or_404(request.user, pk)
    return render(request, "indicators/return_preview.html", preview_page.page(parcel_return))


@login_required
@plan_page
def warnings(request, plan):
    """A plan's early-warning list (预警) for the office: the items on it now and those that left it lately."""
    access.require(access.is_office(request.user))
    _period, ctx = page_context(request.GET, plan, "warnings")
    ctx.update(warnings_page.page(plan))
    return render(request, "indicators/warning_list.html", ctx)


@login_required
@plan_page
def parcel_map(request, plan):
    """A plan's parcels coloured by an indicator's status or value, on the uploaded outlines or the schematic map."""
    period, ctx = page_context(request.GET, plan, "map")
    indicator, mode, note = map_page.choose(request.GET, plan, period)
    if indicator is None:
        raise Http404(_("该规划尚无指标"))
    ctx.update(map_page.page(plan, period, request.user, indicator=indicator, mode=mode))
    ctx.update(mode_note=note, may_upload=access.is_office(request.user))
    return render(request, "indicators/parcel_map.html", ctx)


@login_required
@require_POST
@plan_page
def map_outlines(request, plan):
    """Upload the parcels' outlines (GeoJSON), all or nothing, or remove them (back to the schematic map)."""
    access.require(access.is_office(request.user))
    back = redirect("map", plan)
    if request.POST.get("action") == "remove":
        removed = map_services.remove_outlines(user=request.user)
        messages.success(request, _("已删除%(n)s个地块的边界，地图改为示意图。") % {"n": removed})
        return back
    upload = request.FILES.get("geojson")
    if upload is None or upload.size > MAX_GEOJSON_BYTES:
        messages.error(request, _("请选择不超过%(mb)s MB的 GeoJSON 文件。") % {"mb": MAX_GEOJSON_BYTES // 2**20})
        return back
    found = geojson.read_outlines(upload.read(), map_queries.parcel_names())
    for error in found.errors:
        messages.error(request, _("%(file)s：%(error)s") % {"file": upload.name, "error": error})
    if not found.errors:
        n = map_services.replace_outlines(rings=found.rings, filename=upload.name, user=request.user)
        messages.success(request, _("已载入%(n)s个地块的边界（%(file)s）。") % {"n": n, "file": upload.name})
    return back

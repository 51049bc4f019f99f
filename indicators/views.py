"""Pages: thin views that read the precomputed results (indicators.dashboard) and render."""

from __future__ import annotations

import csv
import io

from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from parcels.models import Parcel

from . import dashboard, exports, queries
from .dashboard import HIDDEN


def _plan_or_404():
    plan = queries.current_plan()
    if plan is None:
        raise Http404(_("尚未载入规划"))
    return plan


def _page_ctx(request, plan, nav: str) -> tuple[dashboard.Period, dict]:
    period, note = dashboard.choose_period(request.GET, plan)
    ctx = {
        "nav": nav,
        "period": period,
        "period_note": note,
        "period_qs": period.query,
        "choices": dashboard.period_choices(plan, period),
    }
    return period, ctx


@login_required
def overview(request):
    plan = _plan_or_404()
    period, ctx = _page_ctx(request, plan, "overview")
    ctx.update(dashboard.overview(plan, period, request.user))
    return render(request, "indicators/overview.html", ctx)


def _indicator(plan, code: str):
    indicators = queries.indicators(plan)
    for indicator in indicators:
        if indicator.code == code:
            return indicator, indicators
    raise Http404(_("没有编号为%(code)s的指标") % {"code": code})


@login_required
def indicator_detail(request, code: str):
    plan = _plan_or_404()
    indicator, indicators = _indicator(plan, code)
    period, ctx = _page_ctx(request, plan, "indicators")
    ctx.update(dashboard.indicator_page(plan, indicator, period, request.user))
    ctx["indicators"] = indicators
    return render(request, "indicators/indicator_detail.html", ctx)


@login_required
def indicator_data(request, code: str, fmt: str):
    """Download the tables behind an indicator page's charts (CSV: one table, ?table=trend|parcels; Excel: both)."""
    plan = _plan_or_404()
    indicator, _indicators = _indicator(plan, code)
    period, _note = dashboard.choose_period(request.GET, plan)
    page = dashboard.indicator_page(plan, indicator, period, request.user)
    tables = dashboard.download_tables(page)
    stem = f"{indicator.code}-{period.year or 'none'}" + (f"Q{period.quarter}" if period.quarter else "")
    if fmt == "csv":
        wanted = request.GET.get("table", "trend")
        table = next((t for t in tables if t.slug == wanted), None)
        if table is None:
            raise Http404(_("没有名为%(table)s的表格") % {"table": wanted})
        return _csv_response(table, f"{stem}-{table.slug}.csv")
    return _xlsx_response(tables, f"{stem}.xlsx")


def _raw(table, column, value):
    """Return a cell for a download: numbers as numbers, words as words, withheld figures as the notice."""
    if value is HIDDEN:
        return dashboard.hidden_text()
    if column.kind in ("number", "percent"):
        return value
    return "" if value is None else str(value)


def _csv_response(table, filename: str) -> HttpResponse:
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads UTF-8 with a BOM as Chinese
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([exports.text(c.label) for c in table.columns])
    for row in table.rows:
        cells = []
        for column in table.columns:
            value = _raw(table, column, row.get(column.key))
            cells.append(exports.number(value) if isinstance(value, int | float) else exports.text(value))
        writer.writerow(cells)
    response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx_response(tables, filename: str) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(title=table.slug)
        sheet.append([])
        title = sheet.cell(row=1, column=1)
        title.value, title.data_type, title.font = table.title, "s", Font(bold=True)
        for j, column in enumerate(table.columns, start=1):
            cell = sheet.cell(row=2, column=j)
            cell.value, cell.data_type, cell.font = column.label, "s", Font(bold=True)
            sheet.column_dimensions[cell.column_letter].width = max(12, min(40, len(column.label) * 2 + 2))
        for i, row in enumerate(table.rows, start=3):
            for j, column in enumerate(table.columns, start=1):
                value = _raw(table, column, row.get(column.key))
                cell = sheet.cell(row=i, column=j)
                if isinstance(value, bool):
                    value = str(value)
                if isinstance(value, int | float):
                    cell.value = value
                    if column.kind == "percent":
                        cell.number_format = "0.0%"
                    elif column.kind == "number":
                        cell.number_format = "#,##0" + ("." + "0" * column.decimals if column.decimals else "")
                elif value != "":
                    # A string stays a string: never a formula, whatever it starts with.
                    cell.value, cell.data_type = value, "s"
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def parcels(request):
    plan = _plan_or_404()
    period, ctx = _page_ctx(request, plan, "parcels")
    rows = list(queries.parcels_with_areas())
    indicators = queries.indicators(plan)
    ctx.update(dashboard.heatmap(plan, period, request.user, rows, indicators))
    ctx.update(
        {
            "parcels": rows,
            "indicators": indicators,
            "grid_rows": list(zip(rows, ctx["grid"], strict=True)),
            "area_sum": sum(p.area_km2 for p in rows) if rows else None,
            "area_stated": plan.park_area_km2,
        }
    )
    return render(request, "indicators/parcel_list.html", ctx)


@login_required
def parcel_detail(request, code: str):
    plan = _plan_or_404()
    parcel = get_object_or_404(queries.parcels_with_areas(), code=code)
    period, ctx = _page_ctx(request, plan, "parcels")
    indicators = queries.indicators(plan)
    ctx.update(dashboard.parcel_detail(plan, parcel, period, request.user, indicators))
    ctx["parcel"] = parcel
    return render(request, "indicators/parcel_detail.html", ctx)


@login_required
def functional_areas(request):
    plan = _plan_or_404()
    period, ctx = _page_ctx(request, plan, "areas")
    indicators = queries.indicators(plan)
    ctx["groups"] = dashboard.functional_area_groups(plan, period, request.user, indicators)
    ctx["indicators"] = indicators
    ctx["judged"] = period.annual and period.year is not None and period.year > plan.base_year
    ctx["area_sum"] = Parcel.objects.aggregate(s=Sum("area_km2"))["s"]
    return render(request, "indicators/functional_areas.html", ctx)

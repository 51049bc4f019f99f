"""The plan editor's pages (the office only): thin views over planning.queries, planning.services and the forms."""

from __future__ import annotations

import tempfile
from functools import wraps
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parcels.access import is_office

from .. import formulas, reference
from ..models import Indicator, Plan
from . import checks, forms, queries, services


def office_only(view):
    """Let only the office in: anyone else gets 403 on the list, 404 on a plan's pages (a draft is not there)."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_office(request.user):
            if "plan" in kwargs:
                raise Http404
            raise PermissionDenied
        request.plan = kwargs.get("plan")  # the header's plan bar shows the plan being edited
        return view(request, *args, **kwargs)

    return wrapper


def _render(request, template: str, context: dict, status: int = 200):
    return render(request, f"planning/{template}", {"nav": "planning", **context}, status=status)


def _refused(form, exc: ValidationError) -> None:
    """Put a service's refusal on the form, on its field when it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@office_only
@require_GET
def plan_list(request):
    return _render(
        request,
        "plan_list.html",
        {"rows": queries.plan_rows(), "copy_form": forms.CopyForm(), "upload_form": forms.UploadForm()},
    )


@office_only
@require_http_methods(["GET", "POST"])
def plan_copy(request):
    form = forms.CopyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.copy_plan(source=form.cleaned_data["source_plan"], plan=form.instance, user=request.user)
        except ValidationError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("已复制为草稿规划“%(code)s”") % {"code": plan.code})
            return redirect("planning:plan", plan=plan)
    return _render(request, "plan_new.html", {"copy_form": form, "upload_form": forms.UploadForm()})


@office_only
@require_POST
def plan_upload(request):
    form = forms.UploadForm(request.POST, request.FILES)
    errors: list[str] = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / Path(upload.name).name
            path.write_bytes(upload.read())
            try:
                plan = services.create_plan_from_file(path=path, user=request.user)
            except reference.ReferenceDataError as exc:
                errors = str(exc).splitlines()
            else:
                messages.success(request, _("已从文件载入草稿规划“%(code)s”") % {"code": plan.code})
                return redirect("planning:plan", plan=plan)
    context = {"copy_form": forms.CopyForm(), "upload_form": form, "upload_errors": errors}
    return _render(request, "plan_new.html", context, status=400)


@office_only
@require_http_methods(["GET", "POST"])
def plan_edit(request, plan: Plan):
    form = forms.PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_plan(
                plan=form.instance,
                parcels=list(form.cleaned_data["parcels"]),
                functional_areas=list(form.cleaned_data["functional_areas"]),
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("规划已保存"))
            return redirect("planning:plan", plan=plan)
    context = {
        "form": form,
        "edited": plan,
        "indicators": queries.plan_indicators(plan),
        "needs_reason": services.needs_reason(plan),
    }
    return _render(request, "plan_edit.html", context)


@office_only
@require_http_methods(["GET", "POST"])
def indicator_edit(request, plan: Plan, code: str | None = None):
    indicator = get_object_or_404(Indicator, plan=plan, code=code) if code else Indicator(plan=plan)
    form = forms.IndicatorForm(request.POST or None, instance=indicator, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_indicator(
                indicator=form.instance,
                responsible_users=form.cleaned_data["responsible_users"],
                split_targets=form.split_values,
                user=request.user,
                reason=form.cleaned_data["reason"],
                base=form.base(),
            )
        except ValidationError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("指标“%(code)s”已保存") % {"code": form.instance.code})
            return redirect("planning:plan", plan=plan)
    context = {"form": form, "edited": plan, "indicator": indicator, "needs_reason": services.needs_reason(plan)}
    return _render(request, "indicator_form.html", context)


@office_only
@require_POST
def indicator_drop(request, plan: Plan, code: str):
    indicator = get_object_or_404(Indicator, plan=plan, code=code)
    try:
        services.drop_indicator(indicator=indicator, user=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("指标“%(code)s”已删除") % {"code": code})
    return redirect("planning:plan", plan=plan)


@office_only
@require_GET
def formula_check(request, plan: Plan):
    """Check a formula as it is typed: its error (line, column) or its park value for the latest periods."""
    text = request.GET.get("formula", "")
    try:
        decimals = min(max(int(request.GET.get("decimals", "2")), 0), 6)
    except ValueError:
        decimals = 2
    cumulative = request.GET.get("target_kind") == Indicator.TargetKind.CUMULATIVE
    try:
        rows = queries.formula_values(plan, text, decimals=decimals, cumulative=cumulative)
    except formulas.FormulaError as exc:
        return JsonResponse({"ok": False, "error": str(exc), "line": exc.line, "column": exc.column})
    return JsonResponse({"ok": True, "values": rows})


@office_only
@require_http_methods(["GET", "POST"])
def element_new(request, plan: Plan):
    form = forms.ElementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            element = services.add_data_element(element=form.instance, user=request.user, plan=plan)
        except ValidationError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("统计指标项“%(code)s”已添加") % {"code": element.code})
            return redirect("planning:plan", plan=plan)
    return _render(request, "element_form.html", {"form": form, "edited": plan})


@office_only
@require_http_methods(["GET", "POST"])
def plan_check(request, plan: Plan):
    """The check list, and publishing (refused while errors remain)."""
    form = forms.PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            retired = services.publish_plan(plan=plan, user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("规划“%(code)s”已发布") % {"code": plan.code})
            for example in retired:
                messages.info(request, _("示例规划“%(code)s”已撤下") % {"code": example.code})
            return redirect("planning:plan", plan=plan)
    found = queries.plan_problems(plan)
    context = {
        "form": form,
        "edited": plan,
        "problems": found,
        "errors": checks.errors(found),
        "retiring": [] if plan.example else queries.overlapping(plan, example=True),
    }
    return _render(request, "plan_check.html", context)


@office_only
@require_GET
def plan_history(request, plan: Plan):
    return _render(request, "plan_history.html", {"edited": plan, "rows": queries.history(plan)})

"""Admin for the plan: indicators, base and benchmark values, parcel targets, and the computed results."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from parcels.models import Parcel
from parkplan.admin import EventAdmin, ReadOnlyAdmin

from . import compute, formulas, queries
from .models import (
    BaseValue,
    BenchmarkValue,
    EarlyWarning,
    Indicator,
    IndicatorValue,
    KeyIndustry,
    Narrative,
    ParcelOutline,
    ParcelTarget,
    Plan,
    Progress,
    RecomputeState,
    Report,
    ReportFile,
    ReviewFigure,
    SchematicBlock,
)

COUNT_ONLY = _("只有计数类指标（I4 高新技术企业、I5 行业龙头企业、I6 科技上市企业）可以分解到地块。")


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "start_year", "end_year", "base_year", "park_area_km2", "parcel_area_total"]
    search_fields = ["code", "name_zh", "name_en"]

    @admin.display(description=_("各地块面积合计(平方公里)"))
    def parcel_area_total(self, plan: Plan):
        # The plan states 30.63 km² but its ten parcels add up to 30.62; show both, fix neither.
        return Parcel.objects.aggregate(total=Sum("area_km2"))["total"]


@admin.register(KeyIndustry)
class KeyIndustryAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "kind", "order", "plan"]
    list_filter = ["plan", "kind"]
    search_fields = ["name_zh", "name_en"]


class BaseValueInline(admin.TabularInline):
    model = BaseValue
    extra = 0


class BenchmarkValueInline(admin.TabularInline):
    model = BenchmarkValue
    extra = 0
    readonly_fields = ["updated_by", "updated_at"]


class IndicatorForm(forms.ModelForm):
    """An indicator as the office edits it: its formula is checked against the data elements before it is saved."""

    def clean_formula(self) -> str:
        text = self.cleaned_data["formula"]
        try:
            formulas.check(formulas.parse(text), queries.element_reads()[1])
        except formulas.FormulaError as exc:
            raise forms.ValidationError(_("计算表达式有误：%(error)s") % {"error": exc}) from None
        return text


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    form = IndicatorForm
    list_display = [
        "code",
        "name_zh",
        "unit",
        "attribute",
        "target_kind",
        "target_text_zh",
        "target_year",
        "responsible_unit",
        "plan",
    ]
    list_display_links = ["code", "name_zh"]
    list_filter = ["plan", "target_kind", "attribute"]
    search_fields = ["code", "name_zh", "name_en"]
    filter_horizontal = ["responsible_users"]
    inlines = [BaseValueInline, BenchmarkValueInline]

    def save_formset(self, request, form, formset, change: bool) -> None:
        for instance in formset.save(commit=False):
            if isinstance(instance, BenchmarkValue):
                instance.updated_by = request.user
            instance.save()
        for instance in formset.deleted_objects:
            instance.delete()


@admin.register(BaseValue)
class BaseValueAdmin(admin.ModelAdmin):
    list_display = ["indicator", "year", "value", "derived", "source"]
    list_filter = ["indicator", "derived"]
    list_select_related = ["indicator"]
    search_fields = ["indicator__code", "indicator__name_zh", "source"]


@admin.register(BenchmarkValue)
class BenchmarkValueAdmin(admin.ModelAdmin):
    list_display = ["indicator", "year", "value", "source", "updated_by", "updated_at"]
    list_filter = ["indicator", "year"]
    list_select_related = ["indicator", "updated_by"]
    search_fields = ["indicator__code", "source"]
    readonly_fields = ["updated_by", "updated_at"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "indicator":
            kwargs["queryset"] = Indicator.objects.filter(target_kind=compute.BENCHMARK)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj: BenchmarkValue, form, change: bool) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


class ParcelTargetForm(forms.ModelForm):
    """Split a park-wide count target among parcels; ratio indicators are judged against the park's target."""

    class Meta:
        model = ParcelTarget
        fields = ["indicator", "parcel", "value", "note"]
        error_messages = {"indicator": {"invalid_choice": COUNT_ONLY}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        counts = [indicator.pk for indicator in Indicator.objects.all() if indicator.is_count]
        self.fields["indicator"].queryset = Indicator.objects.filter(pk__in=counts)

    def clean_indicator(self) -> Indicator:
        indicator = self.cleaned_data["indicator"]
        if not indicator.is_count:
            raise forms.ValidationError(COUNT_ONLY, code="not_count")
        return indicator


@admin.register(ParcelTarget)
class ParcelTargetAdmin(admin.ModelAdmin):
    form = ParcelTargetForm
    list_display = ["indicator", "parcel", "value", "note", "updated_by", "updated_at"]
    list_filter = ["indicator", "parcel"]
    list_select_related = ["indicator", "parcel", "updated_by"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(self, request, obj: ParcelTarget, form, change: bool) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ReviewFigure)
class ReviewFigureAdmin(admin.ModelAdmin):
    list_display = ["order", "label_zh", "value", "change_zh", "year", "plan"]
    list_display_links = ["label_zh"]
    list_filter = ["plan", "year"]
    search_fields = ["label_zh", "label_en", "source"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "parcel", "year", "quarter", "value", "enterprises", "data_version", "computed_at"]
    list_filter = ["indicator", "year", "quarter", "parcel"]
    list_select_related = ["indicator", "parcel"]


@admin.register(Progress)
class ProgressAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "parcel", "year", "value", "target", "status_display", "pace", "provisional"]
    list_filter = ["indicator", "year", "status", "parcel"]
    list_select_related = ["indicator", "parcel"]

    @admin.display(description=_("进度状态"), ordering="status")
    def status_display(self, progress: Progress) -> str:
        return progress.status_word


@admin.register(RecomputeState)
class RecomputeStateAdmin(ReadOnlyAdmin):
    list_display = ["id", "computed_version", "computed_at", "data_as_of", "duration_ms"]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["id", "year", "kind", "language", "state", "data_version", "created_by", "created_at"]
    list_filter = ["year", "kind", "state"]
    exclude = ["snapshot"]


@admin.register(ReportFile)
class ReportFileAdmin(ReadOnlyAdmin):
    list_display = ["report", "format", "size", "sha256"]
    exclude = ["content"]


for _tracked in (Plan, Indicator, BaseValue, BenchmarkValue, ParcelTarget, ParcelOutline):
    admin.site.register(_tracked.pgh_event_model, EventAdmin)


@admin.register(Narrative)
class NarrativeAdmin(ReadOnlyAdmin):
    """Every version of the narratives, as written on the indicator pages (never changed here)."""

    list_display = ["indicator", "year", "version", "written_by", "written_at"]
    list_filter = ["indicator", "year"]
    list_select_related = ["indicator", "written_by"]


@admin.register(EarlyWarning)
class EarlyWarningAdmin(ReadOnlyAdmin):
    """The early-warning lists as the beat task keeps them (docs/method.md §9), with when each change was e-mailed."""

    list_display = [
        "indicator",
        "parcel",
        "reason",
        "year",
        "entered_at",
        "left_at",
        "entered_mailed_at",
        "left_mailed_at",
    ]
    list_filter = ["indicator__plan", "reason", "year"]
    list_select_related = ["indicator", "parcel"]


@admin.register(SchematicBlock)
class SchematicBlockAdmin(admin.ModelAdmin):
    """Where the schematic map places each block of a parcel (a plan file's "schematic" section loads them)."""

    list_display = ["parcel", "block", "x", "y", "width", "height"]
    list_select_related = ["parcel"]


@admin.register(ParcelOutline)
class ParcelOutlineAdmin(ReadOnlyAdmin):
    """Outlines arrive as a checked GeoJSON upload on the map page, never by hand."""

    list_display = ["parcel", "filename", "uploaded_by", "uploaded_at"]
    list_select_related = ["parcel", "uploaded_by"]

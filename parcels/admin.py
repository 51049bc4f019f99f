"""Admin for parcels, functional areas, enterprises and their statistics."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from parkplan.admin import EventAdmin, ReadOnlyAdmin

from . import queries, services, statfields
from .models import (
    Boundary,
    DataChange,
    DataElement,
    Enterprise,
    FunctionalArea,
    ImportBatch,
    Parcel,
    ParcelManager,
    ParcelReturn,
    PendingUpload,
    ReminderSent,
    ReturnRow,
    Statistic,
)
from .returns import queries as returns_queries


class BoundaryInline(admin.StackedInline):
    model = Boundary
    extra = 0


@admin.register(Parcel)
class ParcelAdmin(admin.ModelAdmin):
    list_display = ["order", "code", "name_zh", "name_en", "area_km2"]
    list_display_links = ["code", "name_zh"]
    search_fields = ["code", "name_zh", "name_en"]
    inlines = [BoundaryInline]


@admin.register(Boundary)
class BoundaryAdmin(admin.ModelAdmin):
    list_display = ["parcel", "block", "east", "south", "west", "north"]
    list_filter = ["parcel"]
    list_select_related = ["parcel"]
    search_fields = ["parcel__name_zh", "east", "south", "west", "north"]


@admin.register(FunctionalArea)
class FunctionalAreaAdmin(admin.ModelAdmin):
    list_display = ["order", "name_zh", "kind", "parcel_names", "lead_industries_zh"]
    list_display_links = ["name_zh"]
    list_filter = ["kind", "parcels"]
    search_fields = ["code", "name_zh", "name_en", "lead_industries_zh"]
    filter_horizontal = ["parcels"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("parcels")

    @admin.display(description=_("地块"))
    def parcel_names(self, area: FunctionalArea) -> str:
        return "、".join(parcel.name_zh for parcel in area.parcels.all())


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["credit_code", "name", "parcel", "updated_at"]
    list_filter = ["parcel"]
    list_select_related = ["parcel"]
    search_fields = ["credit_code", "name"]


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ["filename", "source", "created_by", "created_at", "created", "updated", "unchanged"]
    list_filter = ["source"]
    search_fields = ["filename", "sha256"]


def element_form_field(element: statfields.StatField) -> forms.Field:
    """Return the form field of an added data element: 是/否, a date, or a number with its places and range."""
    options = {"required": False, "label": element.heading, "help_text": element.help}
    if element.kind == statfields.FLAG:
        return forms.NullBooleanField(**options)
    if element.kind == statfields.DATE:
        return forms.DateField(**options)
    bounds = {"min_value": element.min_value, "max_value": element.max_value}
    if element.decimals == 0:
        return forms.IntegerField(**options, **bounds)
    return forms.DecimalField(**options, **bounds, decimal_places=element.decimals, max_digits=14 + element.decimals)


class StatisticForm(forms.ModelForm):
    """A statistic's figures, the added elements' too; refuse an edit of a locked parcel-quarter with the message
    that says who approved it and when."""

    # The data elements stored in ``extra``, each a form field of its own (``StatisticAdmin.get_form``).
    added: tuple[statfields.StatField, ...] = ()

    class Meta:
        model = Statistic
        fields = [
            "enterprise",
            "parcel",
            "year",
            "quarter",
            *(f.column for f in statfields.BUILT_IN),
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for element in self.added:
            self.initial.setdefault(element.name, statfields.figure(self.instance, element))

    def clean(self):
        cleaned = super().clean()
        for element in self.added:
            if element.name in cleaned:
                statfields.set_figure(self.instance, element, cleaned[element.name])
        periods = set()
        if self.instance.pk:
            periods.add((self.instance.parcel_id, self.instance.year, self.instance.quarter))
        parcel, year, quarter = cleaned.get("parcel"), cleaned.get("year"), cleaned.get("quarter")
        if parcel and year and quarter:
            periods.add((parcel.id, year, quarter))
        try:
            services.check_unlocked(periods)
        except services.LockedPeriod as locked:
            raise ValidationError(str(locked)) from None
        return cleaned


@admin.register(Statistic)
class StatisticAdmin(admin.ModelAdmin):
    form = StatisticForm
    list_display = [
        "enterprise",
        "parcel",
        "year",
        "quarter",
        "revenue",
        "employees",
        "high_tech",
        "added_figures",
        "source",
    ]
    list_filter = ["year", "quarter", "parcel", "source"]
    list_select_related = ["enterprise", "parcel"]
    search_fields = ["enterprise__credit_code", "enterprise__name"]
    raw_id_fields = ["enterprise"]
    readonly_fields = ["source", "batch", "recorded_by", "recorded_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The form with a field per data element added after the thirteen (read afresh for every request)."""
        added = queries.data_elements().extra_fields
        fields = {element.name: element_form_field(element) for element in added}
        kwargs["form"] = type("StatisticForm", (self.form,), {**fields, "added": added})
        return super().get_form(request, obj, change, **kwargs)

    @admin.display(description=_("其他指标项"))
    def added_figures(self, statistic: Statistic) -> str:
        return "；".join(f"{code}: {value}" for code, value in sorted((statistic.extra or {}).items())) or "—"

    def save_model(self, request, obj: Statistic, form, change: bool) -> None:
        # The service checks the lock again inside its transaction.
        services.save_statistic(statistic=obj, user=request.user, source=Statistic.Source.ADMIN)

    def has_delete_permission(self, request, obj: Statistic | None = None) -> bool:
        if obj is not None and returns_queries.is_locked(obj.parcel_id, obj.year, obj.quarter):
            return False  # locked: only the office can unlock it, on the return's review page
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj: Statistic) -> None:
        self.delete_queryset(request, Statistic.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset) -> None:
        try:
            services.delete_statistics(statistics=list(queryset), user=request.user, source=Statistic.Source.ADMIN)
        except services.LockedPeriod as locked:
            self.message_user(request, str(locked), messages.ERROR)


class DataElementForm(forms.ModelForm):
    """A data element: the code and the kind of one with data never change (a clear message says why)."""

    class Meta:
        model = DataElement
        fields = [*DataElement.DESCRIBED_BY, "order", "first_period", "last_period"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            edited = DataElement(
                pk=self.instance.pk,
                code=cleaned.get("code", self.instance.code),
                kind=cleaned.get("kind", self.instance.kind),
                decimals=cleaned.get("decimals", self.instance.decimals),
            )
            problem = queries.element_change_problem(edited)
            if problem:
                raise ValidationError(problem)
        return cleaned


@admin.register(DataElement)
class DataElementAdmin(admin.ModelAdmin):
    """The office adds, edits and retires data elements here; the next return form and template have them."""

    form = DataElementForm
    list_display = ["order", "code", "label_zh", "unit", "kind", "decimals", "allowed", "required", "periods", "column"]
    list_display_links = ["code", "label_zh"]
    list_filter = ["kind", "required", "may_not_apply"]
    search_fields = ["code", "label_zh", "label_en"]
    readonly_fields = ["column"]

    @admin.display(description=_("允许范围"))
    def allowed(self, element: DataElement) -> str:
        if element.kind not in statfields.NUMBER_KINDS:
            return "—"
        low, high = element.min_value, element.max_value
        shown = [statfields.show_bound(b) if b is not None else "" for b in (low, high)]
        return "—" if low is None and high is None else f"{shown[0]} ~ {shown[1]}"

    @admin.display(description=_("填报期别"))
    def periods(self, element: DataElement) -> str:
        return f"{element.first_period or ''} ~ {element.last_period or ''}"

    def save_model(self, request, obj: DataElement, form, change: bool) -> None:
        try:
            services.save_data_element(element=obj, user=request.user)
        except services.ElementInUse as refused:  # changed by someone else since the form was checked
            self.message_user(request, str(refused), messages.ERROR)

    def has_delete_permission(self, request, obj: DataElement | None = None) -> bool:
        if obj is not None and queries.element_delete_problem(obj):
            return False  # retire it instead: its data and history stay
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj: DataElement) -> None:
        self.delete_queryset(request, DataElement.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset) -> None:
        try:
            for element in queryset:
                services.delete_data_element(element=element, user=request.user)
        except services.ElementInUse as refused:
            self.message_user(request, str(refused), messages.ERROR)


@admin.register(ParcelManager)
class ParcelManagerAdmin(admin.ModelAdmin):
    list_display = ["user", "parcel", "created_at"]
    list_filter = ["parcel"]
    list_select_related = ["user", "parcel"]
    search_fields = ["user__username", "parcel__name_zh"]
    raw_id_fields = ["user"]


@admin.register(ParcelReturn)
class ParcelReturnAdmin(ReadOnlyAdmin):
    """Returns change only through their pages (review, approval and unlock keep the history and the lock)."""

    list_display = ["parcel", "year", "quarter", "state", "version", "submitted_at", "approved_by", "approved_at"]
    list_filter = ["state", "year", "quarter", "parcel"]
    list_select_related = ["parcel", "approved_by"]


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin):
    list_display = ["parcel", "user", "year", "quarter", "offset_days", "sent_at"]
    list_filter = ["year", "quarter"]


@admin.register(DataChange)
class DataChangeAdmin(ReadOnlyAdmin):
    list_display = ["id", "table", "periods", "at"]
    list_filter = ["table"]


@admin.register(ReturnRow)
class ReturnRowAdmin(ReadOnlyAdmin):
    list_display = ["parcel_return", "position", "credit_code", "enterprise_name", "moved_out", "revenue", "employees"]
    list_select_related = ["parcel_return__parcel"]
    search_fields = ["credit_code", "enterprise_name"]


@admin.register(PendingUpload)
class PendingUploadAdmin(ReadOnlyAdmin):
    list_display = ["filename", "user", "parcel", "year", "quarter", "mode", "base_version", "created_at"]
    list_select_related = ["user", "parcel"]
    exclude = ["rows"]


for _tracked in (Enterprise, Statistic, ParcelManager, ParcelReturn, ReturnRow, DataElement):
    admin.site.register(_tracked.pgh_event_model, EventAdmin)

"""Admin for parcels, functional areas, enterprises and their statistics."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from parkplan.admin import EventAdmin, ReadOnlyAdmin

from . import services, statfields
from .models import (
    Boundary,
    DataChange,
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


class StatisticForm(forms.ModelForm):
    """Refuse an edit of a locked parcel-quarter with the message that says who approved it and when."""

    class Meta:
        model = Statistic
        fields = [
            "enterprise",
            "parcel",
            "year",
            "quarter",
            *(f.name for f in statfields.FIELDS),
        ]

    def clean(self):
        cleaned = super().clean()
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
    list_display = ["enterprise", "parcel", "year", "quarter", "revenue", "employees", "high_tech", "source"]
    list_filter = ["year", "quarter", "parcel", "source"]
    list_select_related = ["enterprise", "parcel"]
    search_fields = ["enterprise__credit_code", "enterprise__name"]
    raw_id_fields = ["enterprise"]
    readonly_fields = ["source", "batch", "recorded_by", "recorded_at"]

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


for _tracked in (Enterprise, Statistic, ParcelManager, ParcelReturn, ReturnRow):
    admin.site.register(_tracked.pgh_event_model, EventAdmin)

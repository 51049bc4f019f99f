"""Admin for parcels, functional areas, enterprises and their statistics."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Boundary, DataChange, Enterprise, FunctionalArea, ImportBatch, Parcel, Statistic


class ReadOnlyAdmin(admin.ModelAdmin):
    """Show rows that code writes (results, logs) without letting anyone add, change or delete them."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


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


@admin.register(Statistic)
class StatisticAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "parcel", "year", "quarter", "revenue", "employees", "high_tech", "source"]
    list_filter = ["year", "quarter", "parcel", "source"]
    list_select_related = ["enterprise", "parcel"]
    search_fields = ["enterprise__credit_code", "enterprise__name"]
    raw_id_fields = ["enterprise"]
    readonly_fields = ["source", "batch", "recorded_by", "recorded_at"]

    def save_model(self, request, obj: Statistic, form, change: bool) -> None:
        obj.source = Statistic.Source.ADMIN
        obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(DataChange)
class DataChangeAdmin(ReadOnlyAdmin):
    list_display = ["id", "table", "periods", "at"]
    list_filter = ["table"]

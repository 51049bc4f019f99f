"""Admin classes both apps use: read-only lists of what code writes, and recorded history."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class ReadOnlyAdmin(admin.ModelAdmin):
    """Show rows that code writes (results, logs) without letting anyone add, change or delete them."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class EventAdmin(ReadOnlyAdmin):
    """The recorded history of a tracked model: what changed, when, by whom and from where (read-only)."""

    list_display = ["pgh_created_at", "pgh_label", "pgh_obj_id", "context"]
    list_filter = ["pgh_label"]
    date_hierarchy = "pgh_created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("pgh_context")

    @admin.display(description=_("来源"))
    def context(self, event) -> str:
        metadata = event.pgh_context.metadata if event.pgh_context_id and event.pgh_context else {}
        return ", ".join(f"{key}={value}" for key, value in sorted(metadata.items()))

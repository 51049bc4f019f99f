"""Reads of the parcel map: the uploaded outlines, the schematic blocks, the names a GeoJSON may use."""

from __future__ import annotations

from parcels.models import Parcel

from ..models import ParcelOutline, SchematicBlock


def outlines() -> list[ParcelOutline]:
    """Return the uploaded outlines in the parcels' order (empty until the office uploads a file)."""
    return list(ParcelOutline.objects.select_related("parcel", "uploaded_by").order_by("parcel__order"))


def schematic_blocks() -> list[SchematicBlock]:
    """Return the schematic map's blocks in the parcels' order."""
    return list(SchematicBlock.objects.select_related("parcel").order_by("parcel__order", "block"))


def parcel_names() -> dict[str, str]:
    """Return every name a GeoJSON feature may give its parcel (code, Chinese and English name) → the code."""
    names: dict[str, str] = {}
    for code, zh, en in Parcel.objects.values_list("code", "name_zh", "name_en"):
        names.update({code: code, zh: code, en: code})
    return names

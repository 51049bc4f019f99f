"""Writes of the parcel map: replace the uploaded outlines, or remove them (back to the schematic map)."""

from __future__ import annotations

import pghistory
from django.db import transaction
from django.utils import timezone

from parcels.models import Parcel

from ..models import ParcelOutline


def replace_outlines(*, rings: dict[str, list], filename: str, user) -> int:
    """Store a checked file's outlines (parcel code → rings) in place of all earlier ones; return the parcels."""
    now = timezone.now()
    with transaction.atomic(), pghistory.context(source="upload", user=user.pk if user else None):
        parcels = {p.code: p for p in Parcel.objects.filter(code__in=rings)}
        ParcelOutline.objects.all().delete()
        ParcelOutline.objects.bulk_create(
            ParcelOutline(parcel=parcels[code], rings=value, filename=filename, uploaded_by=user, uploaded_at=now)
            for code, value in rings.items()
        )
    return len(rings)


def remove_outlines(*, user) -> int:
    """Remove every uploaded outline: the map goes back to the schematic blocks. Return how many were removed."""
    with transaction.atomic(), pghistory.context(source="web", user=user.pk if user else None):
        removed, _detail = ParcelOutline.objects.all().delete()
    return removed

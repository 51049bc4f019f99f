"""Reads of the narratives: the current text of a year, its versions, the earlier year's text, who may write."""

from __future__ import annotations

from parcels import access

from ..models import Indicator, Narrative, Plan


def may_write(user, indicator: Indicator) -> bool:
    """Tell whether the user writes the indicator's narrative: the office, or a user of its unit responsible."""
    if access.is_office(user):
        return True
    return user.is_authenticated and indicator.responsible_users.filter(pk=user.pk).exists()


def versions(indicator: Indicator, year: int) -> list[Narrative]:
    """Return every version of the indicator's narrative for `year`, newest first, with who wrote it."""
    return list(
        Narrative.objects.filter(indicator=indicator, year=year).select_related("written_by").order_by("-version")
    )


def current(indicator: Indicator, year: int) -> Narrative | None:
    """Return the latest version of the indicator's narrative for `year`, or None."""
    return (
        Narrative.objects.filter(indicator=indicator, year=year)
        .select_related("written_by")
        .order_by("-version")
        .first()
    )


def earlier(indicator: Indicator, year: int) -> Narrative | None:
    """Return the latest version of the latest earlier year that has a narrative: what a new year starts from."""
    return (
        Narrative.objects.filter(indicator=indicator, year__lt=year)
        .select_related("written_by")
        .order_by("-year", "-version")
        .first()
    )


def current_for_plan(plan: Plan, year: int) -> dict[int, Narrative]:
    """Return indicator id → the latest version of its narrative for `year`, for every indicator of the plan."""
    rows = (
        Narrative.objects.filter(indicator__plan=plan, year=year)
        .select_related("written_by")
        .order_by("indicator_id", "-version")
        .distinct("indicator_id")
    )
    return {n.indicator_id: n for n in rows}

"""Reads of the API: the querysets its lists page through, filtered and ordered as the exports are."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from parcels import access
from parcels.models import FunctionalArea, Parcel

from .. import queries as indicator_queries
from ..models import Indicator, IndicatorValue, Plan, Progress

# The `parcel` filter's word for the whole park (rows without a parcel).
PARK = "park"


def parcels(user, plan: Plan | None) -> QuerySet[Parcel]:
    """Return the parcels the plan covers in order, each `managed` when the user may write its enterprise data.

    None for the plan (the schema, made before any plan is loaded): none.
    """
    mine = access.parcels_for(user).filter(pk=OuterRef("pk"))
    covered = indicator_queries.plan_parcel_ids(plan) if plan else []
    return (
        Parcel.objects.filter(pk__in=covered)
        .annotate(managed=Exists(mine))
        .prefetch_related("boundaries", "functional_areas")
        .order_by("order")
    )


def functional_areas(plan: Plan | None) -> QuerySet[FunctionalArea]:
    """Return the plan's functional areas in order, with their parcels (none without a plan)."""
    return indicator_queries.functional_areas(plan) if plan else FunctionalArea.objects.none()


def indicators(plan: Plan | None) -> QuerySet[Indicator]:
    """Return the plan's indicators in order, with base values, benchmark series and parcel targets."""
    return (
        Indicator.objects.filter(plan=plan)
        .prefetch_related("base_values", "benchmark_values", "parcel_targets__parcel")
        .order_by("order")
    )


def _scoped(rows: QuerySet, *, indicator: str | None, parcel: str | None, year: int | None) -> QuerySet:
    """Keep the rows of one indicator (code), one parcel (code, or PARK) and one year; None (or empty) keeps all."""
    if indicator:
        rows = rows.filter(indicator__code=indicator)
    if parcel:
        rows = rows.filter(parcel__isnull=True) if parcel == PARK else rows.filter(parcel__code=parcel)
    if year is not None:
        rows = rows.filter(year=year)
    return rows


def indicator_values(
    plan: Plan | None,
    *,
    indicator: str | None = None,
    parcel: str | None = None,
    year: int | None = None,
    quarter: int | None = None,
) -> QuerySet[IndicatorValue]:
    """Return the plan's computed values, ordered as export_indicator_values: indicator, parcel (park last), period.

    Each row carries what the recompute decided it may show to whom (withheld, previous_withheld).
    """
    rows = IndicatorValue.objects.filter(indicator__plan=plan).select_related("indicator", "parcel")
    rows = _scoped(rows, indicator=indicator, parcel=parcel, year=year)
    if quarter is not None:
        rows = rows.filter(quarter=quarter)
    return rows.order_by("indicator__order", "parcel__order", "year", "quarter")


def progress(
    plan: Plan | None, *, indicator: str | None = None, parcel: str | None = None, year: int | None = None
) -> QuerySet[Progress]:
    """Return the plan's progress rows ordered by indicator, parcel (park last) and year.

    Each row carries what the recompute decided it may show to whom (withheld, projection_withheld).
    """
    rows = Progress.objects.filter(indicator__plan=plan).select_related("indicator", "parcel")
    rows = _scoped(rows, indicator=indicator, parcel=parcel, year=year)
    return rows.order_by("indicator__order", "parcel__order", "year")

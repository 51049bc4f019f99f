"""Reads for the early warnings: the progress they are decided from, the stored list, who is told."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from parcels import access
from parcels.models import ParcelManager

from .. import queries
from ..dashboard.results import Results
from ..models import EarlyWarning, Indicator, Plan


def judged_year(plan: Plan) -> int | None:
    """Return the year the current list is decided for: the latest with annual park values, after the base year."""
    year = queries.latest_data_year(plan)
    return year if year is not None and year > plan.base_year else None


def progress_rows(plan: Plan, year: int) -> list[dict]:
    """Return the stored progress of every indicator and scope in `year` (queries.progress_frame records)."""
    return queries.progress_frame(plan, year=year).to_dict("records")


def binding_codes(plan: Plan) -> set[str]:
    """Return the codes of the plan's binding (约束性) indicators."""
    return set(
        Indicator.objects.filter(plan=plan, attribute=Indicator.Attribute.BINDING).values_list("code", flat=True)
    )


def parcel_results(plan: Plan, year: int) -> Results:
    """Return the parcels' annual values of `year` and of the base year (what the disclosure check reads)."""
    frame = queries.value_frame(plan, scope="parcels", quarters=(4,))
    return Results.of(frame[frame["year"].isin([year, plan.base_year])])


def open_warnings(plan: Plan) -> QuerySet[EarlyWarning]:
    """Return the items on the list now, in the plan's order of indicators and parcels."""
    return (
        EarlyWarning.objects.filter(indicator__plan=plan, left_at__isnull=True)
        .select_related("indicator", "parcel")
        .order_by("indicator__order", "parcel__order", "reason")
    )


def left_since(plan: Plan, since: dt.datetime) -> QuerySet[EarlyWarning]:
    """Return the items that left the list since `since`, latest first."""
    return (
        EarlyWarning.objects.filter(indicator__plan=plan, left_at__gte=since)
        .select_related("indicator", "parcel")
        .order_by("-left_at")
    )


def unmailed_ids() -> list[int]:
    """Return the ids of the items whose entering or leaving has not been e-mailed yet, oldest first."""
    rows = EarlyWarning.objects.filter(
        Q(entered_mailed_at__isnull=True) | Q(left_at__isnull=False, left_mailed_at__isnull=True)
    )
    return list(rows.order_by("entered_at", "id").values_list("id", flat=True))


def office_addresses() -> list[str]:
    """Return the e-mail addresses of the active office users and administrators."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    office = users.filter(Q(is_superuser=True) | Q(groups__name=access.OFFICE)).distinct()
    return sorted({u.email for u in office})


def parcel_managers(parcel_id: int) -> list:
    """Return the active managers of a parcel who have an e-mail address."""
    rows = ParcelManager.objects.filter(parcel_id=parcel_id, user__is_active=True).exclude(user__email="")
    return [m.user for m in rows.select_related("user")]

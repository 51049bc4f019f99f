"""Reads for the early warnings: the progress they are decided from, the stored list, who is told."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from parcels import access

from .. import queries
from ..dashboard.results import Results
from ..models import EarlyWarning, Indicator, Plan
from . import rules


def plans() -> list[Plan]:
    """Return every plan (each keeps its own list; a plan whose end year is past keeps none)."""
    return queries.plans()


def judged_year(plan: Plan) -> int | None:
    """Return the year a plan's list is decided for: its latest year with annual park values, None when it warns
    for none (no judged year, the target year reached, or the plan's end year past)."""
    year = queries.latest_data_year(plan)
    year = year if year is not None and year > plan.base_year else None
    return year if rules.warns(end_year=plan.end_year, year=year, this_year=timezone.localdate().year) else None


def progress_rows(plan: Plan, year: int) -> list[dict]:
    """Return the stored progress of every indicator and scope in `year` (queries.progress_frame records)."""
    return queries.progress_frame(plan, year=year).to_dict("records")


def binding_codes(plan: Plan) -> set[str]:
    """Return the codes of the plan's binding (约束性) indicators."""
    rows = Indicator.objects.filter(plan=plan, attribute=Indicator.Attribute.BINDING)
    return set(rows.values_list("code", flat=True))


def indicator_ids(plan: Plan) -> dict[str, int]:
    return dict(Indicator.objects.filter(plan=plan).values_list("code", "id"))


def parcel_results(plan: Plan, year: int) -> Results:
    """Return the parcels' annual values and progress of `year` (the disclosure decisions the check reads)."""
    frame = queries.value_frame(plan, scope="parcels", quarters=(4,))
    progress = queries.progress_frame(plan, scope="parcels", year=year)
    return Results.of(frame[frame["year"] == year], progress)


def open_warnings(plan: Plan) -> QuerySet[EarlyWarning]:
    """Return the plan's items on the list now, in the plan's order of indicators and parcels."""
    return (
        EarlyWarning.objects.filter(indicator__plan=plan, left_at__isnull=True)
        .select_related("indicator", "parcel")
        .order_by("indicator__order", "parcel__order", "reason")
    )


def left_since(plan: Plan, since: dt.datetime) -> QuerySet[EarlyWarning]:
    """Return the plan's items that left the list since `since`, latest first."""
    return (
        EarlyWarning.objects.filter(indicator__plan=plan, left_at__gte=since)
        .select_related("indicator", "parcel")
        .order_by("-left_at", "indicator__order", "parcel__order")
    )


def unmailed(plan: Plan) -> QuerySet[EarlyWarning]:
    """Return the plan's items whose entering or leaving is not e-mailed yet, locked (others skip them)."""
    rows = EarlyWarning.objects.filter(indicator__plan=plan).filter(
        Q(entered_mailed_at__isnull=True) | Q(left_at__isnull=False, left_mailed_at__isnull=True, left_quietly=False)
    )
    return (
        rows.select_for_update(skip_locked=True, of=("self",))
        .select_related("indicator__plan", "parcel")
        .order_by("indicator__order", "parcel__order", "reason")
    )


def office_users() -> list:
    """Return the active office users and administrators who have an e-mail address."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    return list(users.filter(Q(is_superuser=True) | Q(groups__name=access.OFFICE)).distinct().order_by("id"))


def responsible_users(indicator: Indicator) -> list:
    """Return the indicator's unit responsible (its responsible_users) who are active and have an e-mail address."""
    return list(indicator.responsible_users.filter(is_active=True).exclude(email="").order_by("id"))

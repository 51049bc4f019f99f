"""The preview of a saved return: the parcel's official values beside the values the return would give."""

from __future__ import annotations

from django.utils.translation import gettext as _

from parcels import queries as parcel_queries
from parcels.models import ParcelReturn
from parkplan.formatting import fmt_number

from .. import compute, queries


def page(parcel_return: ParcelReturn) -> dict:
    """Return each indicator's current official value and its value by the return's saved rows, and the period."""
    parcel_id, year, quarter = parcel_return.parcel_id, parcel_return.year, parcel_return.quarter
    # The plan whose years hold the return's (the latest that does: a base year is also the last plan's final year).
    plans = queries.plans_for_year(year)[-1:]
    records = parcel_queries.return_records(parcel_return)
    specs, terms = queries.value_specs(plans)
    after = compute.parcel_values(records, specs, terms, parcel_id=parcel_id, areas=queries.parcel_areas())
    preview = []
    for plan in plans:
        current = queries.parcel_period_values(plan=plan, parcel_id=parcel_id, year=year, quarter=quarter)
        preview += [
            {
                "code": indicator.code,
                "name": indicator.name,
                "unit": indicator.unit,
                "current": fmt_number(current.get(indicator.code), indicator.decimals),
                "after": fmt_number(after.get(indicator.id), indicator.decimals),
            }
            for indicator in queries.indicators(plan)
        ]
    label = _("%(year)s年1–%(months)s月累计") % {"year": year, "months": quarter * 3}
    return {"preview": preview, "label": label}

"""The preview of a saved return: the parcel's official values beside the values the return would give."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from parcels import queries as parcel_queries
from parcels.models import ParcelReturn
from parkplan.formatting import fmt_number

from .. import compute, queries


def page(parcel_return: ParcelReturn) -> dict:
    """Return each indicator's current official value and its value by the return's saved rows, and the period."""
    plan = queries.current_plan()
    parcel_id, year, quarter = parcel_return.parcel_id, parcel_return.year, parcel_return.quarter
    records = parcel_queries.return_records(parcel_return)
    listing_from = dt.date(plan.start_year, 1, 1) if plan else dt.date(year, 1, 1)
    after = compute.parcel_values(records, parcel_id=parcel_id, listing_from=listing_from)
    current = queries.parcel_period_values(parcel_id=parcel_id, year=year, quarter=quarter)
    preview = [
        {
            "code": indicator.code,
            "name": indicator.name,
            "unit": indicator.unit,
            "current": fmt_number(current.get(indicator.code), indicator.decimals),
            "after": fmt_number(after.get(indicator.code), indicator.decimals),
        }
        for indicator in (queries.indicators(plan) if plan else [])
    ]
    label = _("%(year)s年1–%(months)s月累计") % {"year": year, "months": quarter * 3}
    return {"preview": preview, "label": label}

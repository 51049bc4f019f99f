"""The preview of a return's effect on its parcel's indicators: an HTML fragment the return page fetches."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from parcels import access, validation
from parcels import queries as parcel_queries
from parkplan.formatting import fmt_number

from . import queries
from .models import Indicator, IndicatorValue
from .preview import parcel_values


@login_required
def return_preview(request, pk: int):
    """Render the parcel's current official values beside the values its saved return would give."""
    parcel_return = access.return_or_404(request.user, pk)
    plan = queries.current_plan()
    rows = parcel_queries.return_rows(parcel_return)
    codes = [row["credit_code"] for row in rows]
    checked = validation.check_return(
        rows,
        parcel_queries.validation_context(parcel_return.parcel_id, parcel_return.year, parcel_return.quarter, codes),
    )
    records = parcel_queries.rows_frame(
        parcel_return.parcel_id, parcel_return.year, parcel_return.quarter, checked.rows
    )
    listing_from = dt.date(plan.start_year, 1, 1) if plan else dt.date(parcel_return.year, 1, 1)
    after = parcel_values(records, parcel_id=parcel_return.parcel_id, listing_from=listing_from)
    current = dict(
        IndicatorValue.objects.filter(
            parcel_id=parcel_return.parcel_id, year=parcel_return.year, quarter=parcel_return.quarter
        ).values_list("indicator__code", "value")
    )
    preview = []
    for indicator in Indicator.objects.filter(plan=plan) if plan else []:
        old = current.get(indicator.code)
        preview.append(
            {
                "code": indicator.code,
                "name": indicator.name,
                "unit": indicator.unit,
                "current": fmt_number(None if old is None else float(old), indicator.decimals),
                "after": fmt_number(after.get(indicator.code), indicator.decimals),
            }
        )
    label = _("%(year)s年1–%(months)s月累计") % {"year": parcel_return.year, "months": parcel_return.quarter * 3}
    return render(request, "parcels/return_preview.html", {"preview": preview, "label": label})

"""What approving a return does to the park's indicators: registered with parcels' approval (IndicatorsConfig).

The park's values of the return's period before and after, computed by
``compute`` from the official records of the period (``parcels.queries``) with
the parcel's records replaced by the return's, as the return preview does for
the parcel (``dashboard.preview``).
"""

from __future__ import annotations

import pandas as pd
from django.utils.translation import gettext as _

from parcels import queries as parcel_queries
from parcels.services import ApprovalChange, Effect
from parkplan.numbers import is_missing

from . import compute, queries


def park_indicator_effects(change: ApprovalChange) -> list[Effect]:
    """Return each park indicator of the return's period before and after its approval.

    Nothing when the parcel has no official figures of the period yet: the
    published park values of the period do not hold it (they are incomplete),
    so there is nothing its approval could move; the parcel's own count of
    enterprises is compared with last quarter's instead (parcels' own check).
    """
    plans = queries.plans_for_year(change.year)
    if not plans:
        return []
    official = parcel_queries.period_records(change.year, change.quarter)
    mine = official["parcel"] == change.parcel_id
    if not mine.any():
        return []
    specs, terms = queries.value_specs(plans)
    areas = queries.parcel_areas()
    before = _park_values(official, specs, terms, areas)
    after = _park_values(pd.concat([official[~mine], change.records], ignore_index=True), specs, terms, areas)
    return [
        Effect(
            f"{plan.code}:{indicator.code}" if len(plans) > 1 else indicator.code,
            _("园区 %(code)s %(name)s") % {"code": indicator.code, "name": indicator.name},
            before.get(indicator.id),
            after.get(indicator.id),
            indicator.decimals,
        )
        for plan in plans
        for indicator in queries.indicators(plan)
    ]


def _park_values(records: pd.DataFrame, specs, terms, areas) -> dict[int, float | None]:
    """Return the park's value of each indicator (by id) computed from one period's records (None where none)."""
    if records.empty:
        return {}
    values = compute.values_from_sums(compute.sums_from_records(records, terms), specs, areas=areas)
    park = values[values["parcel"].map(is_missing)]
    return {key: None if is_missing(v) else float(v) for key, v in zip(park["indicator"], park["value"], strict=True)}

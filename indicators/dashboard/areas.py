"""The functional areas page: the plan's areas grouped by kind, each with its parcels' heat-map cells."""

from __future__ import annotations

from parcels.models import FunctionalArea

from .. import queries
from ..models import Plan
from .parcels import heat_grid
from .periods import Period
from .words import in_language


def page(plan: Plan, period: Period, user) -> dict:
    """Return the functional areas grouped by kind as the plan does, each with its parcels' cells."""
    indicators = queries.indicators(plan)
    parcels = queries.parcels(plan)
    grid = heat_grid(plan, period, user, parcels, indicators)
    cells_by_parcel = {p.id: row for p, row in zip(parcels, grid, strict=True)}
    groups: dict[str, dict] = {}
    for area in queries.functional_areas(plan):
        group = groups.setdefault(area.kind, {"kind": area.kind, "label": area.get_kind_display(), "areas": []})
        group["areas"].append(
            {
                "area": area,
                "note": in_language(area.note, area.note_en),
                "parcels": [
                    {"parcel": p, "cells": cells_by_parcel[p.id]} for p in area.parcels.all() if p.id in cells_by_parcel
                ],
            }
        )
    order = [kind for kind, _label in FunctionalArea.Kind.choices]
    return {"groups": [groups[k] for k in order if k in groups], "indicators": indicators}

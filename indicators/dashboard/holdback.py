"""Who holds each target back: the one or two parcels pulling an indicator down most in a judged year.

For a parcel judged against a target (the ratios, and counts split among parcels) that is the
parcel furthest behind it (the largest gap, only parcels still short of it); for a count
without split targets, the parcel with the smallest share of the park's change since the base
year. A parcel whose figures the reader may not see is never named (visibility.parcel_hidden).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from parkplan.formatting import fmt_number, fmt_percent
from parkplan.numbers import is_missing

from ..models import Indicator, Plan
from .results import Results
from .visibility import parcel_hidden
from .words import unit_of

NAMED = 2  # parcels named on a card


def holding_back(plan: Plan, indicator: Indicator, parcels: list, results: Results, *, year: int, user) -> list[dict]:
    """Return up to two parcels holding the indicator back in `year`, each {"name", "code", "why"}.

    `results` holds the parcels' progress of `year` and their annual values of `year` and the base year.
    """
    code = indicator.code
    candidates = []
    for parcel in parcels:
        p = results.progress_of(code, parcel.id, year)
        if p is None or parcel_hidden(
            results, code, parcel.id, year=year, quarter=4, base_year=plan.base_year, user=user
        ):
            continue
        gap, share = p.get("gap"), p.get("share_of_change")
        if p.get("status") and not is_missing(gap) and gap > 0:
            candidates.append((0, -gap, parcel, _behind_by(indicator, gap)))
        elif not p.get("status") and not is_missing(share):
            candidates.append((1, share, parcel, _("占增量%(share)s") % {"share": fmt_percent(share)}))
    candidates.sort(key=lambda c: (c[0], c[1], c[2].order))
    return [
        {"name": parcel.name, "code": parcel.code, "why": why, "why_text": _("（%(why)s）") % {"why": why}}
        for _k, _v, parcel, why in candidates[:NAMED]
    ]


def _behind_by(indicator: Indicator, gap: float) -> str:
    return _("距目标差%(gap)s %(unit)s") % {"gap": fmt_number(gap, indicator.decimals), "unit": unit_of(indicator)}

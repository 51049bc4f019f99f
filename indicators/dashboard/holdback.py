"""Who holds each target back: the one or two parcels pulling an indicator down most in a judged year.

For a parcel judged against a target (a ratio indicator, or a count the office split among
parcels) that is the parcel furthest behind it: the largest remaining gap relative to its
target, among the parcels still short of it. For a count without split targets, the parcel
with the smallest share of the park's change since the base year. A parcel whose figures the
reader may not see (results.withheld) is never named, nor is one the plan does not cover.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from parcels.models import Parcel
from parkplan.formatting import fmt_number, fmt_percent
from parkplan.numbers import is_missing

from ..models import Indicator, Plan
from .results import Results, withheld
from .words import unit_of

NAMED = 2  # parcels named on a card


def holding_back(plan: Plan, indicator: Indicator, parcels: list[Parcel], results: Results, *, year: int, user) -> list:
    """Return up to NAMED parcels holding the indicator back in `year`, each {"name", "code", "why"}.

    `results` holds the parcels' progress of `year` and their annual values of `year` and the base year.
    """
    code = indicator.code
    ranked = []
    for parcel in parcels:
        progress = results.progress_of(code, parcel.id, year)
        value = results.value(code, parcel.id, year, 4)
        if progress is None or withheld(value, user) or withheld(progress, user):
            continue
        candidate = _candidate(indicator, progress)
        if candidate is not None:
            kind, score, why = candidate
            ranked.append(((kind, score, parcel.order), {"name": parcel.name, "code": parcel.code, "why": why}))
    ranked.sort(key=lambda item: item[0])
    return [named for _key, named in ranked[:NAMED]]


def _candidate(indicator: Indicator, progress: dict) -> tuple[int, float, str] | None:
    """Return (kind, score, why) for a parcel that pulls the indicator down, lower scores first; None for none.

    Kind 0: judged against a target and still short of it, by the gap relative to the target (largest first);
    kind 1: a count without a parcel target, by its share of the park's change (smallest first).
    """
    gap, target, share = progress.get("gap"), progress.get("target"), progress.get("share_of_change")
    if progress.get("status") and not is_missing(gap) and gap > 0:
        relative = gap / abs(target) if not is_missing(target) and target else gap
        return (
            0,
            -relative,
            _("距目标差%(gap)s %(unit)s")
            % {
                "gap": fmt_number(gap, indicator.decimals),
                "unit": unit_of(indicator),
            },
        )
    if not progress.get("status") and indicator.is_count and not is_missing(share):
        return 1, share, _("占增量%(share)s") % {"share": fmt_percent(share)}
    return None

"""The early warnings (预警) as the pages show them: the overview's panel and the office's list page."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from parcels.models import Parcel
from parkplan.formatting import fmt_number

from ..early_warnings import queries as warning_queries
from ..early_warnings import rules
from ..models import EarlyWarning, Indicator, Plan
from .periods import Period
from .results import Results, withheld
from .words import local_time, status_word, unit_of

LEFT_SHOWN_DAYS = 180  # the list page shows the items that left the list this recently


def panel(plan: Plan, period: Period, user, results: Results, *, indicators: list, parcels: list) -> dict | None:
    """Return the warnings of the shown year by the rules of the list, for the overview's panel.

    None when the period is not judged; {"closed": True} when the plan warns no more (its end
    year is past, or the target year is shown: the final assessment is no warning). `results`
    holds the year's progress of the park and the parcels, and the parcels' annual values of the
    year and the base year. Parcels whose figures the reader may not see are left out.
    """
    if not period.judged(plan):
        return None
    if not rules.warns(end_year=plan.end_year, year=period.year, this_year=timezone.localdate().year):
        return {"year": period.year, "closed": True, "items": 0, "rows": []}
    by_code = {i.code: i for i in indicators}
    by_id = {p.id: p for p in parcels}
    rows = [row for (_c, parcel, year), row in results.progress.items() if year == period.year]
    binding = {code for code, i in by_code.items() if i.attribute == Indicator.Attribute.BINDING}
    shown = []
    for item in rules.items(rows, binding=binding, end_year=plan.end_year):
        if item.parcel is not None and (item.parcel not in by_id or _hidden(plan, results, item, user)):
            continue
        indicator, parcel = by_code[item.indicator], by_id.get(item.parcel)
        shown.append(_row(plan, indicator, parcel, item.reason, item.year, item.details))
    shown.sort(key=lambda r: (r["order"], r["reason"], r["parcel_order"]))
    return {"year": period.year, "closed": False, "items": len(shown), "rows": _grouped(shown)}


def _hidden(plan: Plan, results: Results, item: rules.Item, user) -> bool:
    """Tell whether the disclosure rules withhold the parcel's figures of the item's year from the reader."""
    value = results.value(item.indicator, item.parcel, item.year, 4)
    progress = results.progress_of(item.indicator, item.parcel, item.year)
    return bool(withheld(value, user) or withheld(progress, user))


def _grouped(rows: list[dict]) -> list[dict]:
    """Return the items one line per indicator and reason: the park's figures, and the parcels named."""
    groups: dict[tuple[str, str], dict] = {}
    for row in rows:
        group = groups.setdefault(
            (row["code"], row["reason"]),
            {**{k: row[k] for k in ("code", "name", "reason", "reason_text")}, "park": "", "parcels": []},
        )
        if row["parcel_code"]:
            group["parcels"].append({"name": row["scope"], "code": row["parcel_code"], "figures": row["figures"]})
        else:
            group["park"] = row["figures"]
    return list(groups.values())


def page(plan: Plan, *, now: dt.datetime | None = None) -> dict:
    """Return a plan's stored list for the office: the items on it now and those that left it lately."""
    since = (now or timezone.now()) - dt.timedelta(days=LEFT_SHOWN_DAYS)
    return {
        "year": warning_queries.judged_year(plan),
        "closed": not rules.warns(end_year=plan.end_year, year=plan.base_year, this_year=timezone.localdate().year),
        "current": [_stored_row(plan, w) for w in warning_queries.open_warnings(plan)],
        "left": [_stored_row(plan, w) for w in warning_queries.left_since(plan, since)],
        "left_days": LEFT_SHOWN_DAYS,
    }


def _stored_row(plan: Plan, warning: EarlyWarning) -> dict:
    row = _row(plan, warning.indicator, warning.parcel, warning.reason, warning.year, warning.details or {})
    mailed = warning.left_mailed_at if warning.left_at else warning.entered_mailed_at
    row.update(
        entered_at=local_time(warning.entered_at),
        left_at=local_time(warning.left_at),
        mailed=local_time(mailed) if mailed else "",
        quietly=warning.left_quietly,
        responsible=warning.indicator.responsible_unit,
    )
    return row


def _row(plan: Plan, indicator: Indicator, parcel: Parcel | None, reason: str, year: int, details: dict) -> dict:
    """Return one item as a table row: the indicator, the scope, the reason and the figures behind it."""
    return {
        "code": indicator.code,
        "name": indicator.name,
        "order": indicator.order,
        "parcel_order": parcel.order if parcel else 0,
        "scope": parcel.name if parcel else _("园区整体"),
        "parcel_code": parcel.code if parcel else "",
        "reason": reason,
        "reason_text": EarlyWarning.Reason(reason).label,
        "year": year,
        "figures": _figures(plan, indicator, reason, year, details),
        "status": details.get("status") or "",
        "status_word": status_word(details.get("status") or ""),
    }


def _figures(plan: Plan, indicator: Indicator, reason: str, year: int, details: dict) -> str:
    """Say the figures an item was judged on: its value and target, and the projection when that is the reason."""
    d, unit = indicator.decimals, unit_of(indicator)
    words = _("%(year)s年%(value)s，目标%(target)s %(unit)s") % {
        "year": year,
        "value": fmt_number(details.get("value"), d),
        "target": fmt_number(details.get("target"), d),
        "unit": unit,
    }
    if reason == rules.PROJECTION and details.get("projected") is not None:
        words += _("；按趋势预计%(end)s年%(value)s") % {
            "end": plan.end_year,
            "value": fmt_number(details["projected"], d),
        }
    return words

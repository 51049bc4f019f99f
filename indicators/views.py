"""Pages: thin views that read through queries and render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.shortcuts import render
from django.utils.translation import get_language

from parcels.models import Parcel

from . import compute, queries
from .formatting import fmt_number, fmt_percent
from .models import Indicator


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


@login_required
def overview(request):
    plan = queries.current_plan()
    year = queries.latest_data_year(plan) if plan else None
    cards = []
    counts: dict[str, int] = {}
    if plan:
        progress = {p.indicator_id: p for p in queries.progress_rows(plan).filter(parcel__isnull=True, year=year)}
        for indicator in Indicator.objects.filter(plan=plan):
            p = progress.get(indicator.id)
            status = p.status if p else ""
            if status:
                counts[status] = counts.get(status, 0) + 1
            cards.append(
                {
                    "indicator": indicator,
                    "value": fmt_number(p.value if p else None, indicator.decimals),
                    "target": fmt_number(p.target, indicator.decimals) if p and p.target is not None else None,
                    "benchmark_year": p.benchmark_year if p else None,
                    "provisional": p.provisional if p else False,
                    "completion": fmt_percent(p.completion) if p else "—",
                    "status": status,
                    "status_word": compute.status_word(status, _lang()),
                }
            )
    summary = [(compute.status_word(s, _lang()), counts[s], s) for s in compute.STATUS_ORDER if counts.get(s)]
    ctx = {"nav": "overview", "year": year, "cards": cards, "summary": summary, "total": len(cards)}
    return render(request, "indicators/overview.html", ctx)


@login_required
def parcels(request):
    plan = queries.current_plan()
    rows = Parcel.objects.prefetch_related("functional_areas", "boundaries")
    total = rows.aggregate(s=Sum("area_km2"))["s"]
    ctx = {"nav": "parcels", "parcels": rows, "area_sum": total, "area_stated": plan.park_area_km2 if plan else None}
    return render(request, "indicators/parcel_list.html", ctx)

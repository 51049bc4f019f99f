"""A parcel's page: its own value, progress and trend chart for each indicator."""

from __future__ import annotations

from dataclasses import dataclass

from parcels.models import Parcel
from parkplan.formatting import fmt_number, fmt_percent, fmt_year_on_year

from .. import charts, compute, disclosure, queries
from ..models import Indicator, Plan
from .periods import Period
from .results import Results, hidden_words, withheld
from .trends import benchmark_series, plan_years, projection
from .words import status_word, target_text, trend_labels, unit_of


def page(plan: Plan, parcel: Parcel, period: Period, user) -> dict:
    """Return a parcel's own value, progress and trend chart for each indicator."""
    judged = period.judged(plan)
    results = Results.of(queries.value_frame(plan, scope=parcel.id), queries.progress_frame(plan, scope=parcel.id))
    view = _ParcelView(plan, parcel, period, user, results, judged)
    labels = trend_labels(plan)
    indicators = queries.indicators(plan)
    rows = [view.row(indicator, labels) for indicator in indicators]
    # Every value of a parcel and period counts the same enterprises: read them off the first indicator's.
    first = indicators[0].code if indicators else None
    enterprises = (results.value(first, parcel.id, period.year, period.q) or {}).get("enterprises")
    return {"parcel": parcel, "rows": rows, "enterprises": enterprises, "judged": judged}


@dataclass(frozen=True)
class _ParcelView:
    """One parcel in one period, as its page shows each indicator."""

    plan: Plan
    parcel: Parcel
    period: Period
    user: object
    results: Results
    judged: bool  # a year after the base year: the parcel's progress

    def row(self, indicator: Indicator, labels: dict) -> dict:
        """Return an indicator's row of the parcel's table, with its trend chart."""
        code, parcel, period = indicator.code, self.parcel.id, self.period
        value = self.results.value(code, parcel, period.year, period.q)
        base = self.results.value(code, parcel, self.plan.base_year, 4)
        p = self.results.progress_of(code, parcel, period.year) if self.judged else None
        hidden = disclosure.strongest((withheld(value, self.user), withheld(p, self.user)))
        if hidden:
            shown = _withheld_figures(hidden)
        else:
            shown = _figures(indicator, value, p, compared=withheld(value, self.user, "previous_withheld"))
        has_target = (p or {}).get("target") is not None or not indicator.is_count
        unit = unit_of(indicator)
        trend = self.trend(indicator, base_hidden=bool(withheld(base, self.user)))
        return {
            "code": code,
            "name": indicator.name,
            "unit": unit,
            "hidden": hidden,
            **shown,
            "target": target_text(indicator, p) if has_target else "—",
            "figure": charts.indicator_trend(
                trend, labels=labels, unit=unit, decimals=indicator.decimals, kind=indicator.target_kind, height=260
            ),
        }

    def trend(self, indicator: Indicator, *, base_hidden: bool) -> list[dict]:
        """Return the rows of the parcel's trend chart, leaving out what the reader may not see."""
        code, plan = indicator.code, self.plan
        last_year = self.period.last_annual_year(plan)
        actuals = {}
        for y in range(plan.base_year, last_year + 1):
            annual = self.results.value(code, self.parcel.id, y, 4)
            if annual is not None and not withheld(annual, self.user):
                actuals[y] = annual.get("value")
        # The target, base and benchmark are the same every year: any year's progress row has them.
        last = self.results.progress_of(code, self.parcel.id, last_year)
        any_p = last or self.results.earliest_progress(code)
        line_hidden = base_hidden or bool(withheld(last, self.user, "projection_withheld"))
        return charts.trend_rows(
            years=plan_years(plan),
            actuals=actuals,
            kind=indicator.target_kind,
            target=_trend_target(indicator, any_p),
            base_year=plan.base_year,
            base_value=None if base_hidden else (any_p or {}).get("base_value"),
            benchmark=benchmark_series(any_p),
            projection=None if line_hidden else projection(last),
            target_year=plan.end_year,
        )


def _trend_target(indicator: Indicator, progress: dict | None) -> float | None:
    """Return the fixed target a parcel's trend draws: its own (split) target, else the park's for a ratio."""
    if indicator.target_kind == compute.BENCHMARK:
        return None
    target = (progress or {}).get("target")
    if target is None and not indicator.is_count:
        target = None if indicator.target_value is None else float(indicator.target_value)
    return target


def _figures(indicator: Indicator, value: dict | None, progress: dict | None, *, compared: str) -> dict:
    """Return a parcel's figures of an indicator as the table shows them; `compared`: why its 同比 is withheld."""
    status = (progress or {}).get("status") or ""
    share = (progress or {}).get("share_of_change")
    return {
        "value": fmt_number((value or {}).get("value"), indicator.decimals),
        "completion": fmt_percent((progress or {}).get("completion")),
        "status": status,
        "status_word": status_word(status),
        "share": "" if share is None else fmt_percent(share),
        "change": hidden_words(compared) if compared else _year_on_year(indicator, value),
    }


def _year_on_year(indicator: Indicator, value: dict | None) -> str:
    return fmt_year_on_year((value or {}).get("value"), (value or {}).get("previous"), unit=indicator.unit, decimals=2)


def _withheld_figures(reason: str) -> dict:
    """Return the figures of a parcel withheld from the reader: the notice with its reason in place of the value."""
    return {
        "value": hidden_words(reason),
        "completion": "",
        "status": "",
        "status_word": "",
        "share": "",
        "change": "",
    }

"""The period a page shows: read from ?year=&quarter=, and offered in the period form."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from parkplan.formatting import period_label

from .. import queries
from ..models import Plan


@dataclass(frozen=True)
class Period:
    """The period a page shows: a year (annual values, quarter 4) or a quarter's year-to-date values."""

    year: int | None
    quarter: int | None = None  # 1–3 for year to date; None for the year

    @property
    def annual(self) -> bool:
        return self.quarter is None

    @property
    def q(self) -> int:
        return 4 if self.quarter is None else self.quarter

    @property
    def query(self) -> str:
        if self.year is None:
            return ""
        return f"?year={self.year}" + ("" if self.quarter is None else f"&quarter={self.quarter}")

    @property
    def label(self) -> str:
        return period_label(self.year, self.quarter) if self.year else _("暂无数据")

    def judged(self, plan: Plan) -> bool:
        """Tell whether the period has progress: a whole year after the plan's base year."""
        return self.annual and self.year is not None and self.year > plan.base_year

    def last_annual_year(self, plan: Plan) -> int:
        """Return the last year a trend shows: the shown year, or the year before for a quarter."""
        year = self.year or plan.base_year
        return year if self.annual else year - 1


def choose_period(params, plan: Plan) -> tuple[Period, str]:
    """Read ?year=&quarter= (by default the latest period with data: the latest year, or the current year to date);
    return the period and a note on bad input."""
    default = Period(*queries.latest_period(plan))
    latest = default.year
    raw_year, raw_quarter = params.get("year", ""), params.get("quarter", "")
    if not raw_year and not raw_quarter:
        return default, ""
    years = range(plan.base_year, plan.end_year + 1)
    try:
        year = int(raw_year) if raw_year else latest
    except ValueError:
        year = None
    if year not in years:
        note = _("无法显示“%(value)s”年：可选%(first)s–%(last)s年，已显示默认期间。") % {
            "value": raw_year,
            "first": years[0],
            "last": years[-1],
        }
        return default, note
    if raw_quarter in ("", "4"):
        return Period(year), ""
    if raw_quarter in ("1", "2", "3"):
        return Period(year, int(raw_quarter)), ""
    note = _("无法识别季度“%(value)s”：可选1、2、3季度或全年，已显示%(year)s年全年。") % {
        "value": raw_quarter,
        "year": year,
    }
    return Period(year), note


def period_choices(plan: Plan, period: Period) -> dict:
    """Return what the period form offers: years of the plan (with or without data) and the quarter views."""
    available = set(queries.park_periods(plan))
    years = [
        {
            "year": y,
            "base": y == plan.base_year,
            "has_data": any((y, q) in available for q in range(1, 5)),
            "selected": y == period.year,
        }
        for y in range(plan.base_year, plan.end_year + 1)
    ]
    quarters = [
        {"value": "", "label": _("全年"), "selected": period.quarter is None},
        {"value": "1", "label": _("1–3月累计"), "selected": period.quarter == 1},
        {"value": "2", "label": _("1–6月累计"), "selected": period.quarter == 2},
        {"value": "3", "label": _("1–9月累计"), "selected": period.quarter == 3},
    ]
    latest_quarter = max((q for y, q in available if y == period.year), default=None)
    return {"years": years, "quarters": quarters, "latest_quarter": latest_quarter, "available": available}


def page_context(params, plan: Plan, nav: str) -> tuple[Period, dict]:
    """Return the period of a page and what every page's head shows of it (the label, the form, a note)."""
    period, note = choose_period(params, plan)
    ctx = {
        "nav": nav,
        "period": period,
        "period_note": note,
        "period_qs": period.query,
        "choices": period_choices(plan, period),
    }
    return period, ctx

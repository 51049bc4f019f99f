"""Which plan a page shows, and what every page's head says of the plans.

Every page of a plan has two addresses: /plans/<code>/… names the plan, and
the same path without the prefix means the plan in force (the one whose period
contains today), answered in place rather than redirected, so addresses saved
before plans were several still mean what they meant. Every link a page builds
names its plan (`{% url 'indicator' plan code %}`), so a reader who entered a
plan stays in it. The URL converter `plan` turns a code into the Plan (an
unknown code matches no address: 404); `plan_page` hands a view its plan and
sets `request.plan`; `header` is the head's plan switcher and the previous
plan's final assessment.
"""

from __future__ import annotations

import re
from functools import wraps

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from parcels import access

from .. import queries
from ..models import Plan
from ..reports import queries as report_queries


class PlanConverter:
    """The `<plan:plan>` part of an address: a plan's code in the URL, the Plan in the view."""

    regex = r"[-a-zA-Z0-9_]+"
    regex_anchored = f"^{regex}$"

    @classmethod
    def is_code(cls, text: str) -> bool:
        """Tell whether a text has the shape of a plan code (a slug), before asking the database for it."""
        return re.fullmatch(cls.regex, text) is not None

    def to_python(self, value: str) -> Plan:
        plan = queries.plan_by_code(value)
        if plan is None:
            raise ValueError(value)  # no address matches: 404
        return plan

    def to_url(self, value: Plan | str) -> str:
        return value.code if isinstance(value, Plan) else str(value)


def plan_page(view):
    """Give a page view its plan: the one the address names, else the plan in force (404 when none is loaded)."""

    @wraps(view)
    def wrapper(request, *args, plan: Plan | None = None, **kwargs):
        plan = plan or queries.plan_in_force()
        if plan is None:
            raise Http404(_("尚未载入规划"))
        if not queries.may_see(request.user, plan):
            raise Http404  # a draft is the office's until published: to anyone else it does not exist
        request.plan = plan
        return view(request, plan, *args, **kwargs)

    return wrapper


def shown_plan(request) -> Plan | None:
    """Return the plan a request shows: the page's, or the plan in force on pages of no plan (returns, health)."""
    return getattr(request, "plan", None) or queries.plan_in_force()


def period_text(plan: Plan) -> str:
    return _("%(start)s—%(end)s年") % {"start": plan.start_year, "end": plan.end_year}


def header(request, plan: Plan | None) -> dict:
    """Return what the head of every page shows of the plans.

    plan_period: the shown plan's years; plan_links (when there are several
    plans): one per plan, earliest first, with the address of the same page
    under that plan or the nearest it has (_SamePage), and whether it is the
    shown one; first_indicator: the code the head's 指标 link opens;
    previous_final: the previous plan's final assessment (its target year's
    overview and, for the office, its final assessment report), or None.
    """
    if plan is None:
        return {}
    every = queries.plans_with_first_indicator()
    shown = next((p for p in every if p.pk == plan.pk), plan)
    links = []
    if len(every) > 1:
        same_page = _SamePage(getattr(request, "resolver_match", None), every)
        links = [
            {"plan": other, "period": period_text(other), "url": same_page.url(other), "current": other.pk == plan.pk}
            for other in every
        ]
    return {
        "plan_period": period_text(plan),
        "plan_links": links,
        "first_indicator": getattr(shown, "first_indicator", None),
        "previous_final": previous_final(_previous(plan, every), request.user),
    }


def _previous(plan: Plan, every: list[Plan]) -> Plan | None:
    """Return the plan that ended latest before `plan` began, from the plans at hand (as queries.previous_plan)."""
    earlier = [p for p in every if p.end_year < plan.start_year]
    return max(earlier, key=lambda p: p.end_year, default=None)


def previous_final(previous: Plan | None, user) -> dict | None:
    """Return the links to a previous plan's final assessment: its target year's overview, and the office its report."""
    if previous is None:
        return None
    link = {
        "plan": previous,
        "year": previous.end_year,
        "url": reverse("overview", args=[previous]) + f"?year={previous.end_year}",
        "report_url": "",
    }
    if access.is_office(user):
        report = report_queries.final_report(previous)
        if report is not None:
            link["report_url"] = reverse("report_detail", args=[previous, report.id])
    return link


# The pages that exist in every plan, and those whose object may not (an indicator code, a parcel).
_EVERY_PLAN = {"overview", "parcels", "functional_areas", "reports", "map", "warnings"}
_INDICATOR_PAGES = {"indicator", "indicator_data", "indicator_narrative"}


class _SamePage:
    """The page a request shows, under each plan: the same page where the plan has it, else the nearest it has.

    An indicator the plan lacks: its overview; a parcel it does not cover: its parcels.
    """

    def __init__(self, match, every: list[Plan]):
        self.name = getattr(match, "view_name", None) or ""  # with its namespace: returns:… is no page of a plan
        self.code = getattr(match, "kwargs", {}).get("code", "")
        self.having: set[int] = set()  # the plans that have this page's indicator or parcel
        if self.name in _INDICATOR_PAGES:
            self.having = queries.plans_with_indicator(self.code)
        elif self.name == "parcel":
            self.having = {p.pk for p in every if queries.plan_covers(p, self.code)}

    def url(self, plan: Plan) -> str:
        if self.name in _EVERY_PLAN:
            return reverse(self.name, args=[plan])
        if self.name in _INDICATOR_PAGES and plan.pk in self.having:
            return reverse("indicator", args=[plan, self.code])
        if self.name == "parcel":
            return (
                reverse("parcel", args=[plan, self.code]) if plan.pk in self.having else reverse("parcels", args=[plan])
            )
        if self.name.startswith("report"):
            return reverse("reports", args=[plan])
        return reverse("overview", args=[plan])

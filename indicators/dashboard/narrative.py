"""The narrative block of an indicator page: the year's 原因分析 and 下一步措施, their versions, and the form."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..models import Indicator, Narrative
from ..narratives import queries
from ..narratives.forms import NarrativeForm
from .periods import Period
from .words import local_time


def block(indicator: Indicator, period: Period, user, *, form: NarrativeForm | None = None, error: str = "") -> dict:
    """Return the narrative of the page's year; empty outside the plan period.

    Readers see the current version and the earlier ones with who wrote them
    and when. A writer (the office, or the unit responsible) gets the form,
    filled with the current text or, for a year without one, with the latest
    earlier year's text as a draft to edit (nothing is saved until they save).
    """
    plan, year = indicator.plan, period.year
    if year is None or not plan.start_year <= year <= plan.end_year:
        return {}
    history = queries.versions(indicator, year)
    current = history[0] if history else None
    writer = queries.may_write(user, indicator)
    carried = queries.earlier(indicator, year) if writer and current is None else None
    if writer and form is None:
        start = current or carried
        form = NarrativeForm(
            initial={
                "year": year,
                "based_on": current.version if current else 0,
                "reasons": start.reasons if start else "",
                "measures": start.measures if start else "",
            }
        )
    return {
        "year": year,
        "responsible_unit": indicator.responsible_unit,
        "current": _version(current) if current else None,
        "earlier_versions": [_version(n) for n in history[1:]],
        "may_write": writer,
        "form": form if writer else None,
        "carried_from": carried.year if carried else None,
        "error": error,
    }


def _version(narrative: Narrative) -> dict:
    who = narrative.written_by
    return {
        "version": narrative.version,
        "reasons": narrative.reasons,
        "measures": narrative.measures,
        "author": (who.get_full_name() or who.get_username()) if who else _("（已删除的用户）"),
        "at": local_time(narrative.written_at),
    }

"""The e-mails of the early warnings: what entered a plan's list and what left it."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from parkplan.formatting import fmt_number

from ..compute import status_word
from ..models import EarlyWarning, Plan


def digest(plan: Plan, changes: list[tuple[EarlyWarning, bool]]) -> tuple[str, str]:
    """Return the subject and body of one e-mail about items entering (True) or leaving (False) a plan's list."""
    entered = [w for w, entering in changes if entering]
    left = [w for w, entering in changes if not entering]
    subject = _("【预警】%(plan)s：新列入%(entered)s项、移出%(left)s项") % {
        "plan": plan.short_zh,
        "entered": len(entered),
        "left": len(left),
    }
    lines: list[str] = []
    if entered:
        lines += [_("新列入预警名单："), *(_item_line(w) for w in entered), ""]
    if left:
        lines += [_("移出预警名单（已不再符合预警条件）："), *(_item_line(w) for w in left), ""]
    url = settings.SITE_URL.rstrip("/") + reverse("warnings", args=[plan])
    lines += [_("预警名单：%(url)s") % {"url": url}, "", plan.name_zh]
    return subject, "\n".join(lines)


def _item_line(warning: EarlyWarning) -> str:
    """Return one item as a line: the indicator, the scope, the reason, the figures and the unit responsible."""
    indicator = warning.indicator
    scope = warning.parcel.name_zh if warning.parcel_id else _("园区整体")
    parts = [
        _("%(code)s %(name)s（%(scope)s）：%(reason)s")
        % {"code": indicator.code, "name": indicator.name_zh, "scope": scope, "reason": warning.get_reason_display()},
        *_figures(warning),
    ]
    if indicator.responsible_unit:
        parts.append(_("责任单位：%(unit)s") % {"unit": indicator.responsible_unit})
    return "- " + _("；").join(parts)


def _figures(warning: EarlyWarning) -> list[str]:
    """Return the figures the item was judged on: its value, target, status and, for a projection, the projection."""
    details, indicator = warning.details or {}, warning.indicator
    d, unit = indicator.decimals, indicator.unit
    lines = []
    if details.get("value") is not None:
        lines.append(
            _("%(year)s年实际值%(value)s%(unit)s")
            % {"year": warning.year, "value": fmt_number(details["value"], d), "unit": unit}
        )
    if details.get("target") is not None:
        lines.append(_("目标值%(value)s%(unit)s") % {"value": fmt_number(details["target"], d), "unit": unit})
    if details.get("status"):
        lines.append(_("进度状态：%(word)s") % {"word": status_word(details["status"])})
    if details.get("projected") is not None and warning.reason == EarlyWarning.Reason.PROJECTION:
        lines.append(
            _("按趋势外推%(end)s年预计%(value)s%(unit)s，距目标尚差%(gap)s%(unit)s")
            % {
                "end": indicator.plan.end_year,
                "value": fmt_number(details["projected"], d),
                "gap": fmt_number(details.get("projected_gap"), d),
                "unit": unit,
            }
        )
    return lines

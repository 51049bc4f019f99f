"""Writes of the narratives: a new version of an indicator's 原因分析 and 下一步措施 for a year."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Indicator, Narrative
from . import queries

TEXT_MAX = 4000


def _clean(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").strip()


def _check(*, indicator: Indicator, year: int, reasons: str, measures: str) -> None:
    plan = indicator.plan
    if not plan.start_year <= year <= plan.end_year:
        raise ValidationError(
            _("年度“%(year)s”不在规划期%(start)s—%(end)s年内，不能填写原因分析和下一步措施。")
            % {"year": year, "start": plan.start_year, "end": plan.end_year}
        )
    for label, text in ((_("原因分析"), reasons), (_("下一步措施"), measures)):
        if len(text) > TEXT_MAX:
            raise ValidationError(
                _("%(field)s有%(length)s字，超过%(max)s字，未保存。")
                % {"field": label, "length": len(text), "max": TEXT_MAX}
            )


def record_narrative(
    *, indicator: Indicator, year: int, reasons: str, measures: str, based_on: int, user
) -> tuple[Narrative, bool]:
    """Save the indicator's narrative for `year` as its next version; return it and whether a version was added.

    `based_on` is the version the writer started from (0 for none): when someone
    saved a newer one meanwhile, nothing is saved and the message names them.
    The same texts as the current version add no version.
    """
    if not queries.may_write(user, indicator):
        raise PermissionDenied
    reasons, measures = _clean(reasons), _clean(measures)
    _check(indicator=indicator, year=year, reasons=reasons, measures=measures)
    try:
        with transaction.atomic():
            latest = (
                Narrative.objects.select_for_update()
                .filter(indicator=indicator, year=year)
                .order_by("-version")
                .first()
            )
            _check_version(latest, based_on)
            if latest is not None and (latest.reasons, latest.measures) == (reasons, measures):
                return latest, False
            if latest is None and not reasons and not measures:
                raise ValidationError(_("原因分析和下一步措施均为空，未保存。"))
            narrative = Narrative.objects.create(
                indicator=indicator,
                year=year,
                version=(latest.version if latest else 0) + 1,
                reasons=reasons,
                measures=measures,
                written_by=user,
                written_at=timezone.now().replace(microsecond=0),
            )
    except IntegrityError:
        # Two first versions saved at once: the other one won; nothing of this one is stored.
        _check_version(queries.current(indicator, year), based_on)
        raise
    return narrative, True


def _check_version(latest: Narrative | None, based_on: int) -> None:
    """Refuse to save over a version the writer has not seen."""
    current = latest.version if latest else 0
    if current == based_on:
        return
    who = (
        (latest.written_by.get_full_name() or latest.written_by.get_username()) if latest and latest.written_by else "—"
    )
    when = timezone.localtime(latest.written_at).strftime("%Y-%m-%d %H:%M") if latest else ""
    raise ValidationError(
        _("%(who)s已于%(when)s保存了第%(version)s版，您的修改未保存：请查看最新内容后再修改。")
        % {"who": who, "when": when, "version": current},
        code="conflict",
    )


def save_from_form(form, *, indicator: Indicator, user) -> bool:
    """Save a posted narrative form as the next version; return whether a version was added.

    Raises ValidationError with the form's problems (nothing is saved) or the service's.
    """
    if not form.is_valid():
        problems = " ".join(f"{form.fields[name].label or name}：{m}" for name, ms in form.errors.items() for m in ms)
        raise ValidationError(_("填写内容有误，未保存。%(problems)s") % {"problems": problems})
    data = form.cleaned_data
    _narrative, added = record_narrative(
        indicator=indicator,
        year=data["year"],
        reasons=data["reasons"],
        measures=data["measures"],
        based_on=data["based_on"],
        user=user,
    )
    return added

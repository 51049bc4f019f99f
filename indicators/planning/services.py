"""Writes of the plan editor: each atomic, each recorded in the history with who and why (pghistory context).

A draft changes freely (the history still says who); a published plan (or a
retired one, or one with reports: reference.RevisionRequired's rule) changes
only with a reason, which the history keeps beside the change.
"""

from __future__ import annotations

from pathlib import Path

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcels import services as parcel_services
from parcels.models import DataElement, FunctionalArea, Parcel

from .. import reference
from ..models import BaseValue, BenchmarkValue, Indicator, KeyIndustry, ParcelTarget, Plan
from . import checks, queries

SOURCE = "planning"


def _context(*, user, reason: str = "", **more):
    return pghistory.context(source=SOURCE, user=user.pk if user else None, reason=reason.strip() or None, **more)


def needs_reason(plan: Plan) -> bool:
    """Tell whether a change to the plan needs a reason: every plan but a draft, and a plan with reports."""
    return not plan.is_draft or queries.has_reports(plan)


def _require_reason(plan: Plan, reason: str) -> None:
    if needs_reason(plan) and not reason.strip():
        raise ValidationError({"reason": _("规划“%(code)s”已发布，修改须填写修改原因") % {"code": plan.code}})


def copy_plan(*, source: Plan, plan: Plan, user) -> Plan:
    """Create `plan` (unsaved: code, names, period, base year) as a draft copy of `source`.

    Copied: the park area, issuer, parcels covered, functional areas, key
    industries, and every indicator with its target (the target year moved to
    the new plan's end), split targets, responsible unit and users, and its
    benchmark series (the benchmark's yearly facts hold whatever plan reads
    them). A base value is copied only for the new base year: the source's
    base-year figures describe its own base year. Review figures describe the
    period before the source and are not copied.
    """
    with transaction.atomic(), _context(user=user, copied_from=source.code):
        plan.status, plan.published_at, plan.example = Plan.Status.DRAFT, None, False
        plan.park_area_km2, plan.issuer, plan.source = source.park_area_km2, source.issuer, source.source
        plan.issuer_en = source.issuer_en
        plan.full_clean()
        plan.save()
        plan.parcels.set(source.parcels.all())
        plan.functional_areas.set(source.functional_areas.all())
        KeyIndustry.objects.bulk_create(
            KeyIndustry(plan=plan, kind=i.kind, name_zh=i.name_zh, name_en=i.name_en, order=i.order)
            for i in source.industries.all()
        )
        for indicator in queries.plan_indicators(source):
            _copy_indicator(indicator, plan)
    return plan


def _copy_indicator(indicator: Indicator, plan: Plan) -> Indicator:
    targets = list(indicator.parcel_targets.all())
    users = list(indicator.responsible_users.all())
    bases = list(indicator.base_values.filter(year=plan.base_year))
    benchmarks = list(indicator.benchmark_values.all())
    indicator.pk, indicator.id, indicator.plan, indicator.target_year = None, None, plan, plan.end_year
    indicator._state.adding = True
    indicator._prefetched_objects_cache = {}  # the source's related rows, not the copy's
    indicator.save()
    indicator.responsible_users.set(users)
    ParcelTarget.objects.bulk_create(
        ParcelTarget(indicator=indicator, parcel_id=t.parcel_id, value=t.value, note=t.note) for t in targets
    )
    BaseValue.objects.bulk_create(
        BaseValue(indicator=indicator, year=b.year, value=b.value, derived=b.derived, source=b.source) for b in bases
    )
    BenchmarkValue.objects.bulk_create(
        BenchmarkValue(indicator=indicator, year=b.year, value=b.value, source=b.source) for b in benchmarks
    )
    return indicator


def create_plan_from_file(*, path: str | Path, user) -> Plan:
    """Load a plan file (reference.load_plan: the schema, then the formulas) as a new DRAFT plan.

    Refused (reference.ReferenceDataError) when the file breaks the schema
    (every place, by its path) or a formula, or when its plan code exists: an
    existing plan is changed here or by `load_plan FILE --revise`.
    """
    document = reference.read_plan_file(path)
    code = document["plan"]["code"]
    if Plan.objects.filter(code=code).exists():
        raise reference.ReferenceDataError(
            _("规划代码“%(code)s”已存在：请在编辑页修改该规划，或换一个代码") % {"code": code}
        )
    with transaction.atomic():
        reference.load_plan(path, user=user.pk if user else None)
        with _context(user=user, loaded_from=Path(path).name):
            plan = Plan.objects.select_for_update().get(code=code)
            plan.status, plan.published_at = Plan.Status.DRAFT, None
            plan.save(update_fields=["status", "published_at"])
    return plan


def update_plan(*, plan: Plan, parcels: list[Parcel], functional_areas: list[FunctionalArea], user, reason: str = ""):
    """Save the plan's fields (validated by its form) and the parcels and functional areas it covers."""
    _require_reason(plan, reason)
    with transaction.atomic(), _context(user=user, reason=reason):
        plan.save()
        plan.parcels.set(parcels)
        plan.functional_areas.set(functional_areas)
    return plan


def save_indicator(
    *, indicator: Indicator, responsible_users, split_targets: dict, user, reason: str = "", base=None
) -> Indicator:
    """Save an indicator (new or edited) with its responsible users, split targets and published base value.

    `split_targets`: parcel id → (value, note) for the parcels with a share;
    the parcels left out lose theirs. `base`: (value, source) of the plan's
    base year, or None for none (the base is then computed from the records).
    """
    _require_reason(indicator.plan, reason)
    with transaction.atomic(), _context(user=user, reason=reason, indicator=indicator.code):
        indicator.save()
        indicator.responsible_users.set(responsible_users)
        indicator.parcel_targets.exclude(parcel_id__in=list(split_targets)).delete()
        for parcel_id, (value, note) in split_targets.items():
            ParcelTarget.objects.update_or_create(
                indicator=indicator, parcel_id=parcel_id, defaults={"value": value, "note": note, "updated_by": user}
            )
        _save_base(indicator, base)
    return indicator


def _save_base(indicator: Indicator, base) -> None:
    year = indicator.plan.base_year
    if base is None:
        indicator.base_values.filter(year=year).delete()
        return
    value, source = base
    stored = indicator.base_values.filter(year=year).first()
    if stored is None:
        BaseValue.objects.create(indicator=indicator, year=year, value=value, source=source)
    elif (stored.value, stored.source) != (value, source):
        stored.value, stored.source = value, source
        stored.save(update_fields=["value", "source"])


def drop_indicator(*, indicator: Indicator, user, reason: str = "") -> None:
    """Delete an indicator with its targets and values; refused once a report cites the plan."""
    plan = indicator.plan
    if queries.has_reports(plan):
        raise ValidationError(_("规划“%(code)s”已有评估报告，不能删除其指标") % {"code": plan.code})
    _require_reason(plan, reason)
    with transaction.atomic(), _context(user=user, reason=reason, indicator=indicator.code):
        indicator.delete()


def add_data_element(*, element: DataElement, user, plan: Plan | None = None) -> DataElement:
    """Add a data element (统计指标项) from the editor: parcels.services.save_data_element, named in the history."""
    with transaction.atomic(), _context(user=user, plan=plan.code if plan else None):
        return parcel_services.save_data_element(element=element, user=user)


def publish_plan(*, plan: Plan, user, reason: str = "") -> list[Plan]:
    """Publish a draft; return the illustrative plans it retired.

    Refused (ValidationError listing them) while the check finds errors. A
    plan that is not illustrative retires every published illustrative plan
    whose period overlaps its own: the adopted plan replaces the example.
    """
    with transaction.atomic(), _context(user=user, reason=reason or _("发布规划")):
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        if not plan.is_draft:
            raise ValidationError(_("规划“%(code)s”不是草稿，无需发布") % {"code": plan.code})
        found = checks.errors(queries.plan_problems(plan))
        if found:
            raise ValidationError([_("尚有 %(n)s 个错误，不能发布") % {"n": len(found)}, *(p.message for p in found)])
        retired = [] if plan.example else queries.overlapping(plan, example=True)
        for example in retired:
            example.status = Plan.Status.RETIRED
            example.save(update_fields=["status"])
        plan.status, plan.published_at = Plan.Status.PUBLISHED, timezone.now()
        plan.save(update_fields=["status", "published_at"])
    return retired

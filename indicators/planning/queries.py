"""Reads of the plan editor: the plans with their status, a formula's values, the check's facts, the history."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count

from parcels import queries as parcel_queries
from parcels.models import DataElement, Statistic
from parkplan.formatting import fmt_number, period_label

from .. import compute, formulas
from .. import queries as indicator_queries
from ..models import Indicator, Plan
from . import checks

PREVIEW_PERIODS = 4  # the formula preview shows the park's value of the last four quarters with data


def plan_rows() -> list[Plan]:
    """Return every plan, whatever its status, the latest first, each with `indicator_count`."""
    rows = Plan.objects.annotate(indicator_count=Count("indicators")).order_by("-start_year", "code")
    return list(rows)


def plan_indicators(plan: Plan) -> list[Indicator]:
    """Return the plan's indicators in order, with their split targets and responsible users."""
    return list(plan.indicators.order_by("order").prefetch_related("parcel_targets__parcel", "responsible_users"))


def latest_periods(count: int = PREVIEW_PERIODS) -> list[tuple[int, int]]:
    """Return the last `count` (year, quarter) periods with any statistics, oldest first."""
    rows = Statistic.objects.values_list("year", "quarter").distinct().order_by("-year", "-quarter")[:count]
    return sorted(rows)


def formula_values(
    plan: Plan, text: str, *, decimals: int = 2, cumulative: bool = False, periods: list[tuple[int, int]] | None = None
) -> list[dict]:
    """Compute a formula's park value for the latest periods with data, as the recompute would (not stored).

    Raise formulas.FormulaError when it does not parse or does not fit the
    data elements. Each row: year, quarter, label (“YYYY年第4季度”), value
    (float or None) and text (formatted with `decimals`).
    """
    reads, kinds = indicator_queries.element_reads()
    formula = formulas.parse(text)
    formulas.check(formula, kinds)
    wanted = latest_periods() if periods is None else periods
    if not wanted:
        return []
    values = _park_values(plan, {"preview": (formula, cumulative)}, set(wanted), reads, kinds)
    rows = []
    for year, quarter in wanted:
        value = values.get(("preview", year, quarter))
        rows.append(
            {
                "year": year,
                "quarter": quarter,
                "label": period_label(year, quarter),
                "value": value,
                "text": fmt_number(value, decimals),
            }
        )
    return rows


def _park_values(plan: Plan, wanted: dict, periods: set[tuple[int, int]], reads, kinds) -> dict:
    """Compute park values of parsed formulas (key → (formula, cumulative)): (key, year, quarter) → value."""
    terms = formulas.Terms()
    context = indicator_queries.sql_context(plan, reads, kinds)
    area = float(plan.park_area_km2)
    specs = [
        compute.ValueSpec(key, terms.add(formula, context, cumulative=cumulative), area)
        for key, (formula, cumulative) in wanted.items()
    ]
    sums = indicator_queries.period_sums(terms, periods=periods)
    if sums.empty:
        return {}
    frame = compute.values_from_sums(
        sums,
        specs,
        parcels=indicator_queries.parcel_ids(),
        areas=indicator_queries.parcel_areas(),
        first_reported=indicator_queries.first_reported(),
    )
    park = frame[frame["parcel"].isna()]
    return {
        (row.indicator, int(row.year), int(row.quarter)): (None if row.value is None else float(row.value))
        for row in park.itertuples()
        if (int(row.year), int(row.quarter)) in periods
    }


def computed_bases(plan: Plan, indicators: list[Indicator]) -> dict[int, float | None]:
    """Return indicator id → its park value for the plan's base year (quarter 4) from the records (None: none)."""
    reads, kinds = indicator_queries.element_reads()
    wanted = {}
    for indicator in indicators:
        try:
            formula = formulas.parse(indicator.formula)
            formulas.check(formula, kinds)
        except formulas.FormulaError:
            continue
        wanted[indicator.id] = (formula, indicator.target_kind == Indicator.TargetKind.CUMULATIVE)
    if not wanted:
        return {}
    values = _park_values(plan, wanted, {(plan.base_year, 4)}, reads, kinds)
    return {key: values.get((key, plan.base_year, 4)) for key in wanted}


def element_facts() -> tuple[dict[str, str], dict[str, int]]:
    """Return element code → kind (every element) and code → last period for the retired (or retiring) ones."""
    rows = DataElement.objects.values_list("code", "kind", "last_period")
    return {code: kind for code, kind, _ in rows}, {code: last for code, _, last in rows if last}


def overlapping(plan: Plan, *, example: bool | None = None) -> list[Plan]:
    """Return the other published plans whose period overlaps `plan`'s; `example`: only (or no) illustrative ones."""
    rows = Plan.objects.filter(status=Plan.Status.PUBLISHED)
    rows = rows.filter(start_year__lte=plan.end_year, end_year__gte=plan.start_year)
    if example is not None:
        rows = rows.filter(example=example)
    return list(rows.exclude(pk=plan.pk).order_by("start_year", "code"))


def plan_facts(plan: Plan) -> checks.PlanFacts:
    """Return what the check needs of a plan and its indicators."""
    indicators = list(
        plan.indicators.order_by("order").prefetch_related("base_values", "benchmark_values", "parcel_targets__parcel")
    )
    published = {i.id for i in indicators if any(b.year == plan.base_year for b in i.base_values.all())}
    bases = computed_bases(plan, [i for i in indicators if i.id not in published])
    return checks.PlanFacts(
        code=plan.code,
        start_year=plan.start_year,
        end_year=plan.end_year,
        base_year=plan.base_year,
        parcels=tuple(plan.parcels.order_by("order").values_list("code", flat=True)),
        overlapping=tuple(p.code for p in overlapping(plan, example=False)),
        indicators=tuple(
            checks.IndicatorFacts(
                code=i.code,
                name=i.name_zh,
                kind=i.target_kind,
                target_value=None if i.target_value is None else float(i.target_value),
                target_year=i.target_year,
                formula=i.formula,
                benchmark_years=tuple(b.year for b in i.benchmark_values.all()),
                published_base=i.id in published,
                computed_base=bases.get(i.id),
                split_parcels=tuple(t.parcel.code for t in i.parcel_targets.all()),
                responsible_unit=i.responsible_unit,
            )
            for i in indicators
        ),
    )


def plan_problems(plan: Plan) -> list[checks.Problem]:
    """Return what is missing or wrong in the plan (indicators.planning.checks)."""
    kinds, retired = element_facts()
    return checks.problems(plan_facts(plan), kinds, retired)


# --- the history --------------------------------------------------------------

HISTORY_MODELS = ("PlanEvent", "IndicatorEvent", "ParcelTargetEvent", "BaseValueEvent", "BenchmarkValueEvent")
HIDDEN_FIELDS = {"id", "plan_id", "indicator_id", "updated_by_id"}


def history(plan: Plan) -> list[dict]:
    """Return every recorded change of the plan, its indicators and their targets and values, newest first.

    Each row: at, model (Plan, Indicator, …), label (insert/update/delete),
    what (the indicator's code, or the plan's), who (username or —), reason,
    source, changes ([{field, before, after}]).
    """
    event = {name: apps.get_model("indicators", name) for name in HISTORY_MODELS}
    indicator_ids = set(event["IndicatorEvent"].objects.filter(plan_id=plan.pk).values_list("pgh_obj_id", flat=True))
    codes = dict(event["IndicatorEvent"].objects.filter(plan_id=plan.pk).values_list("pgh_obj_id", "code"))
    querysets = [
        ("indicators.PlanEvent", event["PlanEvent"].objects.filter(pgh_obj_id=plan.pk)),
        ("indicators.IndicatorEvent", event["IndicatorEvent"].objects.filter(plan_id=plan.pk)),
    ]
    for name in HISTORY_MODELS[2:]:
        querysets.append((f"indicators.{name}", event[name].objects.filter(indicator_id__in=indicator_ids)))
    entries = [(label, e) for label, rows in querysets for e in rows.select_related("pgh_context")]
    rows = parcel_queries.render_events(entries)
    user_ids = {row["context"].get("user") for row in rows} - {None}
    names = dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "username"))
    for row in rows:
        _describe(row, names, codes, plan)
    return list(reversed(rows))


def _describe(row: dict, names: dict, codes: dict, plan: Plan) -> None:
    data, context = row["data"], row["context"]
    model = apps.get_model("indicators", row["model"])
    row["who"] = names.get(context.get("user"), "—")
    row["reason"] = context.get("reason") or ""
    row["source"] = context.get("source") or ""
    row["kind"] = model._meta.verbose_name
    indicator = codes.get(data.get("indicator_id")) or data.get("code") or plan.code
    row["what"] = f"{indicator} · {data['year']}" if "year" in data else indicator
    row["changes"] = [
        {"field": _label(model, name), "before": _shown(before), "after": _shown(after)}
        for name, (before, after) in row["diff"].items()
        if name not in HIDDEN_FIELDS
    ]


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name.removesuffix("_id")).verbose_name)
    except FieldDoesNotExist:  # a field the model no longer has
        return name


def _shown(value) -> str:
    return "—" if value in (None, "") else str(value)


def has_reports(plan: Plan) -> bool:
    return plan.reports.exists()


def responsible_choices():
    """Return the users who may be named as writers for an indicator's responsible unit (active ones)."""
    return get_user_model().objects.filter(is_active=True).order_by("username")


def parcels_of(plan: Plan):
    """Return the parcels a split target may name: those the plan covers, in order."""
    return indicator_queries.parcels(plan)

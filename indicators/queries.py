"""Reads: the database as DataFrames for the computation and the pages."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

import pandas as pd
from django.db import connection
from django.db.models import Exists, Max, OuterRef, Subquery
from django.utils import timezone

from parcels import access
from parcels import queries as parcel_queries
from parcels.models import DataChange, FunctionalArea, Parcel, ParcelManager, bilingual

from . import compute, disclosure, formulas
from .models import Indicator, IndicatorValue, Plan, Progress, RecomputeState

log = logging.getLogger(__name__)

# The recompute's one aggregate: every distinct sum or count of every formula of
# every plan (indicators.formulas.Terms), per parcel and period, and the park's
# as the exact (numeric) totals of the parcels' sums of records, so the park's
# ratios are still ratios of its records' sums, never a combination of parcel
# values. Two plain GROUP BYs run in parallel workers, which GROUPING SETS would
# not. The terms' SQL is compiled from the formulas' trees and the element map
# (indicators.formulas.aggregate_sql), never taken from text a user typed.
PERIOD_SUMS_SQL = """
WITH parcel_sums AS (
    SELECT parcel_id AS parcel, year, quarter, count(*) AS records{inner}
    FROM parcels_statistic s
    WHERE %(every_period)s OR (year, quarter) IN %(periods)s
    GROUP BY parcel_id, year, quarter
)
SELECT parcel, year, quarter, records::float8 AS records{by_parcel}
FROM parcel_sums
UNION ALL
SELECT NULL, year, quarter, sum(records)::float8{park}
FROM parcel_sums
GROUP BY year, quarter
"""


def period_sums(terms: Iterable[formulas.Term], *, periods: set[tuple[int, int]] | None = None) -> pd.DataFrame:
    """Sum the statistics per scope and period for every term, in the database, in one query.

    Columns: parcel (int, None for the park), year, quarter (int), records and
    each term's alias (floats; the counts are whole; a largest term the largest
    record's part, the park's the largest of its parcels', None where no record
    counts). `periods`, (year, quarter) pairs, None for every period.
    """
    every = list(terms)
    terms = [t for t in every if not t.carried]
    sql = PERIOD_SUMS_SQL.format(
        inner="".join(f",\n           {t.sql} AS {t.alias}" for t in terms),
        by_parcel="".join(f", {t.alias}::float8 AS {t.alias}" for t in terms),
        park="".join(f", {'max' if t.largest else 'sum'}({t.alias})::float8" for t in terms),
    )
    params = {
        "every_period": periods is None,
        "periods": tuple(sorted(periods)) if periods else ((0, 0),),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        rows = cursor.fetchall()
    frame = pd.DataFrame(rows, columns=["parcel", *names[1:]]).astype(object)
    frame = frame.where(frame.notna(), None)
    carried = [t for t in every if t.carried]
    if not carried:
        return frame
    if frame.empty:
        return frame.assign(**{t.alias: [] for t in carried})
    return compute.add_carried_counts(frame, carried, _carried_records(carried))


# The records a carried count may count: those meeting any carried condition within the plans' periods.
CARRIED_SQL = """
SELECT enterprise_id AS enterprise, parcel_id AS parcel, year, quarter{conditions}
FROM parcels_statistic s
WHERE year >= %(first_year)s AND ({any_condition})
"""


def _carried_records(terms: list[formulas.Term]) -> pd.DataFrame:
    """Return the records meeting a carried count's condition: enterprise, parcel, year, quarter, one bool per term."""
    sql = CARRIED_SQL.format(
        conditions="".join(f", {t.condition_sql} AS {t.alias}" for t in terms),
        any_condition=" OR ".join(t.condition_sql for t in terms),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"first_year": min(t.context.plan_start.year for t in terms)})
        names = [c.name for c in cursor.description]
        return pd.DataFrame(cursor.fetchall(), columns=names)


def first_reported() -> dict[int, int]:
    """Return parcel id → its first period with statistics (year × 10 + quarter)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT parcel_id, min(year * 10 + quarter) FROM parcels_statistic GROUP BY parcel_id")
        return dict(cursor.fetchall())


def element_reads() -> tuple[dict[str, str], dict[str, str]]:
    """Return how a formula reads each data element: code → SQL on a statistics row ``s``, and code → kind."""
    elements = parcel_queries.data_elements()
    reads = {}
    for element in elements.fields:
        if element.column:
            reads[element.name] = f's."{element.column}"'
        else:
            reads[element.name] = f"(s.extra->>'{element.name}')::{_SQL_TYPES[element.kind]}"
    return reads, {element.name: element.kind for element in elements.fields}


_SQL_TYPES = {"flow": "numeric", "stock": "numeric", "flag": "boolean", "date": "date"}


def sql_context(plan: Plan, reads: dict[str, str], kinds: dict[str, str]) -> formulas.SqlContext:
    return formulas.SqlContext(reads, dt.date(plan.start_year, 1, 1), dt.date(plan.end_year, 12, 31), kinds)


def value_specs(plans: Iterable[Plan]) -> tuple[list[compute.ValueSpec], formulas.Terms]:
    """Compile every indicator of `plans`: what values_from_sums needs, and the terms of the one aggregate.

    The key of each spec is the indicator's id. An indicator whose formula no
    longer fits the data elements (checked when it was saved) is left out and
    logged: it reads 数据不足 until it is corrected.
    """
    reads, kinds = element_reads()
    terms = formulas.Terms()
    specs = []
    for plan in plans:
        context = sql_context(plan, reads, kinds)
        area = float(plan.park_area_km2)
        for indicator in plan.indicators.all():
            try:
                formula = formulas.parse(indicator.formula)
                formulas.check(formula, kinds)
            except formulas.FormulaError as exc:
                log.error("%s %s: %s", plan.code, indicator.code, exc)
                continue
            cumulative = indicator.target_kind == Indicator.TargetKind.CUMULATIVE
            specs.append(compute.ValueSpec(indicator.id, terms.add(formula, context, cumulative=cumulative), area))
    return specs, terms


def plans(*, with_indicators: bool = False, drafts: bool = False) -> list[Plan]:
    """Return the published plans, the earliest first; with `drafts`, every plan (the recompute keeps drafts current
    for the office's preview). With `with_indicators`, their indicators are fetched in one more query."""
    rows = Plan.objects.order_by("start_year", "code")
    if not drafts:
        rows = rows.filter(status=Plan.Status.PUBLISHED)
    return list(rows.prefetch_related("indicators") if with_indicators else rows)


def plan_in_force(today: dt.date | None = None) -> Plan | None:
    """Return the plan whose period contains today (else the latest that has begun, else the earliest)."""
    year = (today or timezone.localdate()).year
    every = plans()
    containing = [p for p in every if p.start_year <= year <= p.end_year]
    begun = [p for p in every if p.start_year <= year]
    return (containing or begun or every or [None])[-1]


def plan_years(today: dt.date) -> range | None:
    """Return the years of the plan in force on `today`, its base year to its target year (None without a plan)."""
    plan = plan_in_force(today)
    return range(plan.base_year, plan.end_year + 1) if plan else None


def plan_by_code(code: str) -> Plan | None:
    """Return the plan with this code whatever its status (who may read it is `may_see`'s question)."""
    return Plan.objects.filter(code=code).first()


def may_see(user, plan: Plan) -> bool:
    """Tell whether a user may read a plan: a published one everyone; a draft or retired one only the office."""
    return plan.is_published or access.is_office(user)


def previous_plan(plan: Plan) -> Plan | None:
    """Return the plan that ended before `plan` began (its final assessment sits beside this plan's monitoring)."""
    earlier = Plan.objects.filter(status=Plan.Status.PUBLISHED, end_year__lt=plan.start_year)
    return earlier.order_by("-end_year").first()


def plans_for_year(year: int) -> list[Plan]:
    """Return the plans whose period contains `year` (a return of that year moves their indicators)."""
    rows = Plan.objects.filter(status=Plan.Status.PUBLISHED, start_year__lte=year, end_year__gte=year)
    return list(rows.order_by("start_year", "code"))


def parcel_areas() -> dict[int, float]:
    """Return parcel id → area in km² (for formulas per unit of land)."""
    return {pk: float(area) for pk, area in Parcel.objects.values_list("id", "area_km2")}


def plan_parcel_ids(plan: Plan) -> list[int]:
    """Return the ids of the parcels a plan covers, in order (every parcel when it lists none)."""
    return list(_covered(plan).values_list("id", flat=True))


def parcel_ids() -> list[int]:
    return list(Parcel.objects.order_by("order").values_list("id", flat=True))


def annual_values(plan: Plan) -> pd.DataFrame:
    """Return the stored annual (quarter 4) values: indicator (id), parcel, year, value, withheld (the reason)."""
    rows = IndicatorValue.objects.filter(indicator__plan=plan, quarter=4).values_list(
        "indicator_id", "parcel_id", "year", "value", "withheld"
    )
    return pd.DataFrame(list(rows), columns=["indicator", "parcel", "year", "value", "withheld"])


def disclosure_structure() -> disclosure.Structure:
    """Return how the scopes add up for the disclosure rules, and what each park manager knows besides.

    Every parcel in order (the park's sums are every parcel's, whichever a plan
    covers), every functional area's parcels, and each manager's parcels, whose
    records they read themselves.
    """
    areas = {area.id: [p.id for p in area.parcels.all()] for area in FunctionalArea.objects.prefetch_related("parcels")}
    managed: dict[int, set[int]] = {}
    for user, parcel in ParcelManager.objects.values_list("user_id", "parcel_id"):
        managed.setdefault(user, set()).add(parcel)
    insiders = sorted({tuple(sorted(parcels)) for parcels in managed.values()})
    return disclosure.Structure(parcels=parcel_ids(), areas=areas, insiders=insiders)


def indicator_specs(plan: Plan) -> list[compute.IndicatorSpec]:
    """Return what progress needs of each indicator (docs/method.md §3–§5).

    Its target kind and figure as the plan states it (per cent for growth and
    change), direction, tolerance, the plan's published base-year figure
    (BaseValue; the computed base comes with the annual values), benchmark
    series, split targets, and whether it is a count.
    """
    specs = []
    indicators = Indicator.objects.filter(plan=plan).prefetch_related(
        "base_values", "benchmark_values", "parcel_targets"
    )
    for indicator in indicators:
        base = {b.year: float(b.value) for b in indicator.base_values.all()}
        specs.append(
            compute.IndicatorSpec(
                code=indicator.id,
                kind=indicator.target_kind,
                target=None if indicator.target_value is None else float(indicator.target_value),
                plan_base=base.get(plan.base_year),
                benchmark={b.year: float(b.value) for b in indicator.benchmark_values.all()},
                parcel_targets={t.parcel_id: float(t.value) for t in indicator.parcel_targets.all()},
                is_count=_is_count(indicator),
                lower_is_better=indicator.lower_is_better,
                tolerance=None if indicator.tolerance is None else float(indicator.tolerance),
            )
        )
    return specs


def _is_count(indicator: Indicator) -> bool:
    try:
        return indicator.is_count
    except formulas.FormulaError:
        return False


def data_version() -> int:
    """Return the latest data version: the id of the last recorded data change."""
    return DataChange.objects.aggregate(v=Max("id"))["v"] or 0


def changes_since(version: int) -> list[DataChange]:
    return list(DataChange.objects.filter(id__gt=version).order_by("id"))


def recompute_state() -> RecomputeState:
    return RecomputeState.objects.get_or_create(id=1)[0]


def latest_data_year(plan: Plan) -> int | None:
    """Return the latest year with annual (quarter 4) park values within the plan period."""
    return IndicatorValue.objects.filter(
        indicator__plan=plan, parcel__isnull=True, quarter=4, year__lte=plan.end_year
    ).aggregate(y=Max("year"))["y"]


# --- reads for the pages ------------------------------------------------------

# Beside the figures, why each reaches the office only (indicators.disclosure; "" when published).
VALUE_DISCLOSURE_COLUMNS = ["withheld", "previous_withheld"]
PROGRESS_DISCLOSURE_COLUMNS = ["withheld", "projection_withheld"]
VALUE_FRAME_COLUMNS = [*compute.VALUE_COLUMNS, compute.MISSING, *VALUE_DISCLOSURE_COLUMNS, "computed_at"]
PROGRESS_FRAME_COLUMNS = [*compute.PROGRESS_COLUMNS, *PROGRESS_DISCLOSURE_COLUMNS, "computed_at"]


def _scoped(queryset, scope):
    """Filter by scope: "park" (parcel NULL), "parcels" (every parcel), "all", or one parcel id."""
    if scope == "park":
        return queryset.filter(parcel__isnull=True)
    if scope == "parcels":
        return queryset.filter(parcel__isnull=False)
    if scope == "all":
        return queryset
    return queryset.filter(parcel_id=scope)


def indicators(plan: Plan) -> list[Indicator]:
    """Return the plan's indicators in the plan's order."""
    return list(Indicator.objects.filter(plan=plan).order_by("order"))


def value_frame(
    plan: Plan,
    *,
    scope="all",
    codes: list[str] | None = None,
    years: tuple[int, int] | None = None,
    quarters: tuple[int, ...] | None = None,
) -> pd.DataFrame:
    """Return stored indicator values as a frame, one row per indicator, scope and period.

    Columns VALUE_FRAME_COLUMNS: indicator (code, str), parcel (int id, None for
    the park), year, quarter (int), value, numerator, denominator, previous
    (float or None), enterprises (int), missing_parcels, withheld and
    previous_withheld (why the figures and the 同比 reach the office only, ""
    when published), computed_at (datetime). `scope` as in
    `_scoped`; `years` an inclusive (first, last) range; `quarters` to keep.
    """
    rows = _scoped(IndicatorValue.objects.filter(indicator__plan=plan), scope)
    if codes is not None:
        rows = rows.filter(indicator__code__in=codes)
    if years is not None:
        rows = rows.filter(year__gte=years[0], year__lte=years[1])
    if quarters is not None:
        rows = rows.filter(quarter__in=quarters)
    values = rows.values_list("indicator__code", "parcel_id", *VALUE_FRAME_COLUMNS[2:])
    # dtype=object keeps None as None (not NaN) and ids and years as ints.
    return pd.DataFrame(list(values), columns=VALUE_FRAME_COLUMNS, dtype=object)


def progress_frame(plan: Plan, *, scope="all", codes: list[str] | None = None, year: int | None = None) -> pd.DataFrame:
    """Return stored progress results as a frame, one row per indicator, scope and year.

    Columns PROGRESS_FRAME_COLUMNS (as indicators.models.Progress; indicator is
    the code, parcel the id or None for the park, inputs a dict, withheld and
    projection_withheld the disclosure reasons). `scope` as in
    `_scoped`; `year` None for every year.
    """
    rows = _scoped(Progress.objects.filter(indicator__plan=plan), scope)
    if codes is not None:
        rows = rows.filter(indicator__code__in=codes)
    if year is not None:
        rows = rows.filter(year=year)
    fields = ["indicator__code", "parcel_id", *PROGRESS_FRAME_COLUMNS[2:]]
    return pd.DataFrame(list(rows.values_list(*fields)), columns=PROGRESS_FRAME_COLUMNS, dtype=object)


def latest_period(plan: Plan) -> tuple[int | None, int | None]:
    """Return the latest period with park values in the plan's years: (year, None) for a whole year, (year, 1–3)
    for a year whose fourth quarter is not in yet (a plan's current year shows its year to date), (None, None)."""
    periods = park_periods(plan)
    if not periods:
        return None, None
    year, quarter = periods[-1]
    return year, None if quarter == 4 else quarter


def park_periods(plan: Plan) -> list[tuple[int, int]]:
    """Return the (year, quarter) periods with stored park values, oldest first."""
    rows = (
        IndicatorValue.objects.filter(indicator__plan=plan, parcel__isnull=True)
        .values_list("year", "quarter")
        .distinct()
        .order_by("year", "quarter")
    )
    return list(rows)


def parcel_period_values(*, plan: Plan, parcel_id: int, year: int, quarter: int) -> dict[str, float | None]:
    """Return a parcel's stored values of a period under a plan: indicator code → value (None where there is none)."""
    rows = IndicatorValue.objects.filter(indicator__plan=plan, parcel_id=parcel_id, year=year, quarter=quarter)
    return dict(rows.values_list("indicator__code", "value"))


def values_for_export(plan: Plan):
    """Return every stored value of the plan in the export's order, as tuples.

    Each: indicator code, parcel code (None for the park), year, quarter,
    value, numerator, denominator (float or None), enterprises (int),
    withheld (why the figures reach the office only, "" when published).
    """
    rows = IndicatorValue.objects.filter(indicator__plan=plan).order_by(
        "indicator__order", "parcel__order", "year", "quarter"
    )
    fields = [
        "indicator__code",
        "parcel__code",
        "year",
        "quarter",
        "value",
        "numerator",
        "denominator",
        "enterprises",
        "withheld",
    ]
    return rows.values_list(*fields).iterator()


def progress_for_export(plan: Plan):
    """Return the plan's stored progress from its first year in the export's order, with indicator and parcel."""
    rows = (
        Progress.objects.filter(indicator__plan=plan, year__gte=plan.start_year)
        .select_related("indicator", "parcel")
        .order_by("indicator__order", "parcel__order", "year")
    )
    return rows.iterator()


def parcels(plan: Plan) -> list[Parcel]:
    """Return the parcels the plan covers, in order."""
    return list(_covered(plan))


def _covered(plan: Plan):
    """Return the parcels the plan covers in order (every parcel when it lists none), as a queryset (one query)."""
    listed = Plan.parcels.through.objects.filter(plan_id=plan.pk)
    covered = Exists(listed.filter(parcel_id=OuterRef("pk"))) | ~Exists(listed)
    return Parcel.objects.filter(covered).order_by("order")


def plans_with_indicator(code: str) -> set[int]:
    """Return the ids of the plans that have an indicator with this code."""
    return set(Indicator.objects.filter(code=code).values_list("plan_id", flat=True))


def plan_covers(plan: Plan, parcel_code: str) -> bool:
    """Tell whether the plan covers the parcel with this code."""
    return _covered(plan).filter(code=parcel_code).exists()


def plans_with_first_indicator() -> list[Plan]:
    """Return every plan, the earliest first, each with `first_indicator`, the code of its first indicator (or None)."""
    first = Indicator.objects.filter(plan=OuterRef("pk")).order_by("order").values("code")[:1]
    published = Plan.objects.filter(status=Plan.Status.PUBLISHED)
    return list(published.annotate(first_indicator=Subquery(first)).order_by("start_year", "code"))


def benchmark_sources(indicator: Indicator) -> dict[int, str]:
    """Return year → source of the indicator's benchmark values, in English for an English reader where there is one."""
    rows = indicator.benchmark_values.values_list("year", "source", "source_en")
    return {year: bilingual(source, source_en) for year, source, source_en in rows}


def review_figures(plan: Plan):
    """Return the review figures of the previous plan period the plan starts from, in the plan's order."""
    return plan.review_figures.order_by("order")


def parcels_with_areas(plan: Plan):
    """Return the parcels the plan covers in order, with their functional areas and boundaries prefetched."""
    return _covered(plan).prefetch_related("functional_areas", "boundaries")


def functional_areas(plan: Plan):
    """Return the plan's functional areas in order (every area when it lists none), with their parcels prefetched."""
    rows = FunctionalArea.objects.order_by("order").prefetch_related("parcels")
    return rows.filter(plans=plan) if plan.functional_areas.exists() else rows


# --- reads for the recompute service --------------------------------------------


def data_change_time(version: int) -> dt.datetime | None:
    """Return when the data change numbered `version` was recorded (None when there is none)."""
    return DataChange.objects.filter(id=version).values_list("at", flat=True).first()

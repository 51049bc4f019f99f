"""Reads: the database as DataFrames for the computation and the pages."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.db import connection
from django.db.models import Max, Q

from parcels.models import DataChange, FunctionalArea, Parcel, bilingual

from . import compute
from .models import Indicator, IndicatorValue, Plan, Progress, RecomputeState

# Sums over the statistics records of every parcel and of the park, with exactly
# the columns of compute.sums_from_records. Every record belongs to one parcel,
# so the park's sums are the exact (numeric) totals of the parcels' sums of
# records: the park's ratios are still ratios of its records' sums, never a
# combination of parcel values. Two plain GROUP BYs run in parallel workers,
# which GROUPING SETS would not.
PERIOD_SUMS_SQL = """
WITH parcel_sums AS (
    SELECT parcel_id AS parcel, year, quarter,
           count(*) AS records,
           sum(rd_expenditure) AS rd_expenditure,
           sum(value_added) AS value_added,
           sum(invention_patents) AS invention_patents,
           sum(employees) AS employees,
           count(*) FILTER (WHERE above_scale) AS above_scale_records,
           coalesce(sum(sei_output) FILTER (WHERE above_scale), 0) AS sei_output,
           coalesce(sum(industrial_output) FILTER (WHERE above_scale), 0) AS industrial_output,
           sum(foreign_returnee) AS foreign_returnee,
           sum(masters_plus) AS masters_plus,
           count(*) FILTER (WHERE high_tech) AS high_tech,
           count(*) FILTER (WHERE revenue >= %(leader_revenue)s) AS leaders,
           count(*) FILTER (
               WHERE listed_date >= %(listing_from)s
                 AND listed_date < make_date(year + quarter / 4, quarter * 3 %% 12 + 1, 1)
           ) AS listed
    FROM parcels_statistic
    WHERE %(every_period)s OR (year, quarter) IN %(periods)s
    GROUP BY parcel_id, year, quarter
)
SELECT parcel, year, quarter,
       records::float8 AS records,
       rd_expenditure::float8 AS rd_expenditure,
       value_added::float8 AS value_added,
       invention_patents::float8 AS invention_patents,
       employees::float8 AS employees,
       above_scale_records::float8 AS above_scale_records,
       sei_output::float8 AS sei_output,
       industrial_output::float8 AS industrial_output,
       foreign_returnee::float8 AS foreign_returnee,
       masters_plus::float8 AS masters_plus,
       high_tech::float8 AS high_tech,
       leaders::float8 AS leaders,
       listed::float8 AS listed
FROM parcel_sums
UNION ALL
SELECT NULL, year, quarter,
       sum(records)::float8,
       sum(rd_expenditure)::float8,
       sum(value_added)::float8,
       sum(invention_patents)::float8,
       sum(employees)::float8,
       sum(above_scale_records)::float8,
       sum(sei_output)::float8,
       sum(industrial_output)::float8,
       sum(foreign_returnee)::float8,
       sum(masters_plus)::float8,
       sum(high_tech)::float8,
       sum(leaders)::float8,
       sum(listed)::float8
FROM parcel_sums
GROUP BY year, quarter
"""


def period_sums(*, listing_from: dt.date, periods: set[tuple[int, int]] | None = None) -> pd.DataFrame:
    """Sum the statistics per scope and period, in the database.

    Columns: parcel (int, None for the park), year, quarter (int) and
    compute.SUM_COLUMNS (floats; the counts are whole). `periods`, (year, quarter)
    pairs, None for every period.
    """
    params = {
        "leader_revenue": compute.LEADER_REVENUE,
        "listing_from": listing_from,
        "every_period": periods is None,
        "periods": tuple(sorted(periods)) if periods else ((0, 0),),
    }
    with connection.cursor() as cursor:
        cursor.execute(PERIOD_SUMS_SQL, params)
        names = [c.name for c in cursor.description]
        rows = cursor.fetchall()
    frame = pd.DataFrame(rows, columns=names).astype(object)
    return frame.where(frame.notna(), None)


def current_plan() -> Plan:
    """Return the plan in force: the latest one loaded."""
    return Plan.objects.order_by("-start_year").first()


def parcel_ids() -> list[int]:
    return list(Parcel.objects.order_by("order").values_list("id", flat=True))


def annual_values(plan: Plan) -> pd.DataFrame:
    """Return the stored annual (quarter 4) values: indicator (code), parcel, year, value."""
    rows = IndicatorValue.objects.filter(indicator__plan=plan, quarter=4).values_list(
        "indicator__code", "parcel_id", "year", "value"
    )
    return pd.DataFrame(list(rows), columns=["indicator", "parcel", "year", "value"])


def indicator_specs(plan: Plan) -> list[compute.IndicatorSpec]:
    """Return what progress needs of each indicator: target, plan base figure, benchmark, split targets."""
    specs = []
    indicators = Indicator.objects.filter(plan=plan).prefetch_related(
        "base_values", "benchmark_values", "parcel_targets"
    )
    for indicator in indicators:
        base = {b.year: float(b.value) for b in indicator.base_values.all()}
        specs.append(
            compute.IndicatorSpec(
                code=indicator.code,
                kind=indicator.target_kind,
                target=None if indicator.target_value is None else float(indicator.target_value),
                plan_base=base.get(plan.base_year),
                benchmark={b.year: float(b.value) for b in indicator.benchmark_values.all()},
                parcel_targets={t.parcel_id: float(t.value) for t in indicator.parcel_targets.all()},
            )
        )
    return specs


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

VALUE_FRAME_COLUMNS = [*compute.VALUE_COLUMNS, "computed_at"]
PROGRESS_FRAME_COLUMNS = [*compute.PROGRESS_COLUMNS, "computed_at"]


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
    (float or None), enterprises (int), computed_at (datetime). `scope` as in
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
    the code, parcel the id or None for the park, inputs a dict). `scope` as in
    `_scoped`; `year` None for every year.
    """
    rows = _scoped(Progress.objects.filter(indicator__plan=plan), scope)
    if codes is not None:
        rows = rows.filter(indicator__code__in=codes)
    if year is not None:
        rows = rows.filter(year=year)
    fields = ["indicator__code", "parcel_id", *PROGRESS_FRAME_COLUMNS[2:]]
    return pd.DataFrame(list(rows.values_list(*fields)), columns=PROGRESS_FRAME_COLUMNS, dtype=object)


def park_periods(plan: Plan) -> list[tuple[int, int]]:
    """Return the (year, quarter) periods with stored park values, oldest first."""
    rows = (
        IndicatorValue.objects.filter(indicator__plan=plan, parcel__isnull=True)
        .values_list("year", "quarter")
        .distinct()
        .order_by("year", "quarter")
    )
    return list(rows)


def parcel_period_values(*, parcel_id: int, year: int, quarter: int) -> dict[str, float | None]:
    """Return a parcel's stored values of a period: indicator code → value (None where there is none)."""
    rows = IndicatorValue.objects.filter(parcel_id=parcel_id, year=year, quarter=quarter)
    return dict(rows.values_list("indicator__code", "value"))


def values_for_export(plan: Plan):
    """Return every stored value of the plan in the export's order, as tuples.

    Each: indicator code, parcel code (None for the park), year, quarter,
    value, numerator, denominator (float or None), enterprises (int).
    """
    rows = IndicatorValue.objects.filter(indicator__plan=plan).order_by(
        "indicator__order", "parcel__order", "year", "quarter"
    )
    fields = ["indicator__code", "parcel__code", "year", "quarter", "value", "numerator", "denominator", "enterprises"]
    return rows.values_list(*fields).iterator()


def progress_for_export(plan: Plan):
    """Return the plan's stored progress from its first year in the export's order, with indicator and parcel."""
    rows = (
        Progress.objects.filter(indicator__plan=plan, year__gte=plan.start_year)
        .select_related("indicator", "parcel")
        .order_by("indicator__order", "parcel__order", "year")
    )
    return rows.iterator()


def parcels() -> list[Parcel]:
    """Return the parcels in the plan's order."""
    return list(Parcel.objects.order_by("order"))


def benchmark_sources(indicator: Indicator) -> dict[int, str]:
    """Return year → source of the indicator's benchmark values, in English for an English reader where there is one."""
    rows = indicator.benchmark_values.values_list("year", "source", "source_en")
    return {year: bilingual(source, source_en) for year, source, source_en in rows}


def review_figures(plan: Plan):
    """Return the 13th-FYP review figures of the plan, in the plan's order."""
    return plan.review_figures.order_by("order")


def parcels_with_areas():
    """Return the parcels in order, with their functional areas and boundaries prefetched."""
    return Parcel.objects.order_by("order").prefetch_related("functional_areas", "boundaries")


def functional_areas():
    """Return the functional areas in the plan's order, with their parcels prefetched."""
    return FunctionalArea.objects.order_by("order").prefetch_related("parcels")


# --- reads for the recompute service --------------------------------------------


def data_change_time(version: int) -> dt.datetime | None:
    """Return when the data change numbered `version` was recorded (None when there is none)."""
    return DataChange.objects.filter(id=version).values_list("at", flat=True).first()


def indicator_ids(plan: Plan) -> dict[str, int]:
    """Return indicator code → id for the plan's indicators."""
    return dict(plan.indicators.values_list("code", "id"))


# --- reads for the overview (issue 16) -------------------------------------------------


def overview_frames(plan: Plan, *, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return what a judged year's overview reads, in two queries: every stored value and progress row of the
    park, the parcels' annual values of `year` and of the base year, and the parcels' progress of `year`.

    Columns as value_frame and progress_frame.
    """
    values = IndicatorValue.objects.filter(indicator__plan=plan).filter(
        Q(parcel__isnull=True) | Q(quarter=4, year__in=[plan.base_year, year])
    )
    value_rows = values.values_list("indicator__code", "parcel_id", *VALUE_FRAME_COLUMNS[2:])
    progress = Progress.objects.filter(indicator__plan=plan).filter(Q(parcel__isnull=True) | Q(year=year))
    progress_rows = progress.values_list("indicator__code", "parcel_id", *PROGRESS_FRAME_COLUMNS[2:])
    return (
        pd.DataFrame(list(value_rows), columns=VALUE_FRAME_COLUMNS, dtype=object),
        pd.DataFrame(list(progress_rows), columns=PROGRESS_FRAME_COLUMNS, dtype=object),
    )

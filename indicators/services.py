"""Writes: recomputing the stored indicator values and progress."""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass

import pghistory
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from parkplan.numbers import is_missing

from . import compute, disclosure, queries
from .models import BenchmarkValue, Indicator, IndicatorValue, Progress, RecomputeState

log = logging.getLogger(__name__)

# Serializes recomputes across processes (web, worker, command).
RECOMPUTE_LOCK = 0x5041524B  # "PARK"


@dataclass(frozen=True)
class RecomputeSummary:
    """What a recompute did."""

    status: str  # "done", "up_to_date" or "busy"
    version: int = 0
    periods: tuple[tuple[int, int], ...] | None = None  # (year, quarter) whose values were recomputed; None: all
    values: int = 0
    progress: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        if self.status != "done":
            return f"{self.status} version={self.version}"
        if self.periods is None:
            periods = "all"
        elif len(self.periods) > 8:
            periods = f"{len(self.periods)} periods"
        else:
            periods = ",".join(f"{y}Q{q}" for y, q in self.periods) or "none"
        return (
            f"recomputed version={self.version} periods={periods} values={self.values} "
            f"progress={self.progress} seconds={self.seconds:.2f}"
        )


def thresholds() -> compute.Thresholds:
    return compute.Thresholds(ahead=settings.PROGRESS_AHEAD_PACE, on_track=settings.PROGRESS_ON_TRACK_PACE)


def disclosure_rules() -> disclosure.Rules:
    return disclosure.Rules(
        min_enterprises=settings.DISCLOSURE_MIN_ENTERPRISES, dominance=settings.DISCLOSURE_DOMINANCE
    )


def recompute(*, full: bool = False, wait: bool = True) -> RecomputeSummary:
    """Bring the stored values and progress up to the latest data version.

    Recomputes the values of the years whose statistics changed since the
    last run (and the year after, whose 同比 depends on them), or of every
    period when `full`, with what each may show to whom (indicators.disclosure:
    a year's quarters are decided together); then all progress. One transaction, one consistent snapshot: the
    results carry the data version they were computed from. Safe to run twice.
    """
    started = time.perf_counter()
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        with connection.cursor() as cursor:
            if outermost:  # nested in a caller's transaction, that transaction's snapshot rules
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            if wait:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RECOMPUTE_LOCK])
            else:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [RECOMPUTE_LOCK])
                if not cursor.fetchone()[0]:
                    return RecomputeSummary("busy")
        state = RecomputeState.objects.select_for_update().get_or_create(id=1)[0]
        version = queries.data_version()
        if not full and state.computed_version >= version and state.computed_at is not None:
            return RecomputeSummary("up_to_date", version=version)
        plans = queries.plans(with_indicators=True, drafts=True)
        if not plans:
            return RecomputeSummary("up_to_date", version=version)

        periods = None if full or state.computed_at is None else _periods_to_recompute(state.computed_version)
        now = timezone.now()
        # Every plan from the same statistics: a late correction to the last plan's final
        # year moves its final assessment as much as it moves the current plan's base.
        n_values = _recompute_values(plans, periods=periods, version=version, now=now)
        n_progress = sum(_recompute_progress(plan, version=version, now=now) for plan in plans)

        state.computed_version = version
        state.computed_at = now
        state.data_as_of = queries.data_change_time(version)
        state.duration_ms = int((time.perf_counter() - started) * 1000)
        state.save()
    summary = RecomputeSummary(
        "done",
        version=version,
        periods=None if periods is None else tuple(sorted(periods)),
        values=n_values,
        progress=n_progress,
        seconds=time.perf_counter() - started,
    )
    log.info("%s", summary)
    return summary


# Changes to these tables change which values exist or how they are computed.
VALUE_TABLES = frozenset({"indicators_indicator", "indicators_plan", "indicators_plan_parcels"})


def _periods_to_recompute(since: int) -> set[tuple[int, int]] | None:
    """Return the (year, quarter) periods whose values a change since `since` affects; None for all.

    Every quarter of a changed year (the disclosure rules decide a year's
    quarters together) and of the year after (its 同比 compares with this one).
    """
    years: set[int] = set()
    for change in queries.changes_since(since):
        if change.table in VALUE_TABLES:
            return None  # a formula, an indicator or a plan's period changed: every value may move
        if change.table != "parcels_statistic":
            continue  # targets, benchmarks and base values move progress only
        if not change.periods:
            return None  # a truncate
        years.update(y for code in change.periods for y in (code // 10, code // 10 + 1))
    return {(year, quarter) for year in years for quarter in range(1, 5)}


def _recompute_values(plans, *, periods: set[tuple[int, int]] | None, version: int, now: dt.datetime) -> int:
    if periods is not None and not periods:
        return 0
    specs, terms = queries.value_specs(plans)
    # The same quarter a year earlier is read too, for 同比.
    read = None if periods is None else periods | {(y - 1, q) for y, q in periods}
    sums = queries.period_sums(terms, periods=read)
    values = compute.values_from_sums(
        sums,
        specs,
        parcels=queries.parcel_ids(),
        areas=queries.parcel_areas(),
        first_reported=queries.first_reported(),
    )
    values = _disclose(values, specs, terms)
    # A plan keeps the values of its own years, from its base year to its target year.
    years = {i.id: (p.base_year, p.end_year) for p in plans for i in p.indicators.all()}
    keep = [
        indicator in years and years[indicator][0] <= year <= years[indicator][1]
        for indicator, year in zip(values["indicator"], values["year"], strict=True)
    ]
    stale = IndicatorValue.objects.all()
    if periods is not None:
        keep = [k and (y, q) in periods for k, y, q in zip(keep, values["year"], values["quarter"], strict=True)]
        stale = stale.filter(Q.create([Q(year=y, quarter=q) for y, q in periods], connector=Q.OR))
    values = values[keep]
    stale.delete()
    rows = _value_rows(values, version=version, now=now)
    IndicatorValue.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _value_rows(values, *, version: int, now: dt.datetime) -> list[IndicatorValue]:
    """Return the values to store, with the disclosure decisions beside the figures."""
    if values.empty:
        return []
    return [
        IndicatorValue(
            indicator_id=indicator,
            parcel_id=_parcel_id(parcel),
            year=year,
            quarter=quarter,
            value=value,
            numerator=numerator,
            denominator=denominator,
            enterprises=enterprises,
            previous=previous,
            missing_parcels=missing,
            numerator_share=_plain(numerator_share),
            denominator_share=_plain(denominator_share),
            withheld=withheld,
            previous_withheld=previous_withheld,
            data_version=version,
            computed_at=now,
        )
        for (
            indicator,
            parcel,
            year,
            quarter,
            value,
            numerator,
            denominator,
            enterprises,
            previous,
            missing,
            numerator_share,
            denominator_share,
            withheld,
            previous_withheld,
        ) in values[[*VALUE_ROW, "withheld", "previous_withheld"]].itertuples(index=False)
    ]


VALUE_ROW = [*compute.VALUE_COLUMNS, compute.MISSING, *compute.SHARES]


def _disclose(values, specs, terms):
    """Decide what each value may show to readers other than the office (indicators.disclosure), every plan's
    values together: two plans publishing the same sum of the same parcel publish it once."""
    _reads, kinds = queries.element_reads()
    by_alias = {term.alias: term for term in terms}
    quantities = {spec.key: disclosure.quantities_of(spec.compiled, kinds, by_alias) for spec in specs}
    values = disclosure.disclose(
        values, structure=queries.disclosure_structure(), quantities=quantities, rules=disclosure_rules()
    )
    values["previous_withheld"] = disclosure.comparison_withheld(values)
    return values


def _recompute_progress(plan, *, version: int, now: dt.datetime) -> int:
    annual = queries.annual_values(plan)
    last = annual["year"].max() if not annual.empty else None
    years = range(plan.start_year, min(plan.end_year, int(last)) + 1) if last is not None else range(0)
    table = compute.progress_table(
        annual,
        queries.indicator_specs(plan),
        parcels=queries.plan_parcel_ids(plan),
        years=years,
        plan=compute.Plan(base_year=plan.base_year, target_year=plan.end_year),
        thresholds=thresholds(),
    )
    table = table.join(disclosure.progress_withheld(table, annual, base_year=plan.base_year))
    Progress.objects.filter(indicator__plan=plan).delete()
    rows = []
    for record in table.to_dict("records"):
        indicator = record.pop("indicator")
        parcel = _parcel_id(record.pop("parcel"))
        record = {k: _plain(v) for k, v in record.items()}
        rows.append(
            Progress(
                indicator_id=indicator,
                parcel_id=parcel,
                data_version=version,
                computed_at=now,
                **record,
            )
        )
    Progress.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _plain(value):
    """Turn NaN into None: no value rather than NaN."""
    return None if is_missing(value) else value


def _parcel_id(value) -> int | None:
    """Return a parcel id from a frame cell (None, NaN or a float in a column with gaps)."""
    value = _plain(value)
    return None if value is None else int(value)


@dataclass(frozen=True)
class BenchmarkCounts:
    created: int
    updated: int
    unchanged: int


def save_benchmarks(*, plan, rows, user=None, source: str = "cli") -> BenchmarkCounts:
    """Load or revise benchmark values (checked rows of indicators.benchmarks); write only what differs."""
    with transaction.atomic(), pghistory.context(source=source, user=user.pk if user else None):
        indicators = {i.code: i for i in Indicator.objects.filter(plan=plan, target_kind=compute.BENCHMARK)}
        stored = {
            (b.indicator.code, b.year): b
            for b in BenchmarkValue.objects.filter(indicator__in=indicators.values()).select_related("indicator")
        }
        created = updated = unchanged = 0
        for row in rows:
            current = stored.get((row.indicator, row.year))
            if current is None:
                BenchmarkValue.objects.create(
                    indicator=indicators[row.indicator],
                    year=row.year,
                    value=row.value,
                    source=row.source,
                    updated_by=user,
                )
                created += 1
            elif current.value != row.value or current.source != row.source:
                current.value, current.source, current.updated_by = row.value, row.source, user
                current.save(update_fields=["value", "source", "updated_by", "updated_at"])
                updated += 1
            else:
                unchanged += 1
    return BenchmarkCounts(created, updated, unchanged)

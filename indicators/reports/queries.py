"""Reads of the assessment report: the stored results a snapshot freezes, the reports and their files."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max, Prefetch, QuerySet

from parcels.models import Parcel, Statistic

from .. import queries as indicator_queries
from ..models import Indicator, IndicatorValue, Narrative, Plan, Progress, Report, ReportFile
from ..narratives import queries as narrative_queries

# The report list shows the latest reports only.
LIST_LIMIT = 50


@dataclass(frozen=True)
class StoredResults:
    """The stored results of a plan up to a year, keyed for the snapshot to look up."""

    parcels: list[Parcel]  # in the plan's order
    indicators: list[Indicator]  # base_values and benchmark_values prefetched
    progress: dict[tuple[int, int | None, int], Progress]  # (indicator id, parcel id or None, year) → row
    enterprises: dict[tuple[int, int | None], int]  # (indicator id, parcel id) → enterprises in the year's value
    base_actual: dict[int, float]  # indicator id → the park's computed value of the base year
    narratives: dict[int, Narrative]  # indicator id → the latest narrative of the year


def stored_results(plan: Plan, year: int) -> StoredResults:
    """Read the plan's stored progress from its first year to `year`, with the counts and bases beside it."""
    progress = Progress.objects.filter(indicator__plan=plan, year__gte=plan.start_year, year__lte=year)
    enterprises = IndicatorValue.objects.filter(indicator__plan=plan, year=year, quarter=4).values_list(
        "indicator_id", "parcel_id", "enterprises"
    )
    base_actual = IndicatorValue.objects.filter(
        indicator__plan=plan, year=plan.base_year, quarter=4, parcel__isnull=True
    ).values_list("indicator_id", "value")
    return StoredResults(
        parcels=indicator_queries.parcels(plan),
        indicators=list(Indicator.objects.filter(plan=plan).prefetch_related("base_values", "benchmark_values")),
        progress={(p.indicator_id, p.parcel_id, p.year): p for p in progress},
        enterprises={(indicator, parcel): n for indicator, parcel, n in enterprises},
        base_actual=dict(base_actual),
        narratives=narrative_queries.current_for_plan(plan, year),
    )


def year_to_date_quarter(plan: Plan, year: int) -> int | None:
    """Return the latest quarter of `year` the plan's park values reach when it is not the fourth, else None.

    A year whose fourth quarter is not yet in has year-to-date values only:
    a report of it gives those, with 同比, and no status (docs/method.md §2).
    """
    quarters = IndicatorValue.objects.filter(indicator__plan=plan, year=year, parcel__isnull=True)
    latest = quarters.aggregate(latest=Max("quarter"))["latest"]
    return latest if latest is not None and latest < 4 else None


def year_to_date_values(plan: Plan, year: int, quarter: int) -> dict[tuple[int, int | None], IndicatorValue]:
    """Return (indicator id, parcel id or None) → the stored value of the plan's indicators for one quarter."""
    rows = IndicatorValue.objects.filter(indicator__plan=plan, year=year, quarter=quarter)
    return {(v.indicator_id, v.parcel_id): v for v in rows}


def has_demo_records(year: int) -> bool:
    """Tell whether any demonstration statistic of the plan's years up to `year` stands behind the results."""
    return Statistic.objects.filter(source=Statistic.Source.DEMO, year__lte=year).exists()


def indicator_codes(plan: Plan) -> set[str]:
    """Return the codes of the plan's indicators."""
    return set(plan.indicators.values_list("code", flat=True))


def plan_indicators(plan: Plan | None) -> list[Indicator]:
    """Return the plan's indicators in the plan's order (none without a plan)."""
    return list(Indicator.objects.filter(plan=plan)) if plan else []


def previous_report(*, plan: Plan, year: int, kind: str) -> Report | None:
    """Return the plan's latest report of the year and kind that did not fail: the one a new report compares with."""
    return (
        Report.objects.filter(plan=plan, year=year, kind=kind)
        .exclude(state=Report.State.FAILED)
        .order_by("-created_at", "-id")
        .first()
    )


def final_report(plan: Plan) -> Report | None:
    """Return the plan's latest finished final assessment (of its target year), or None."""
    return (
        Report.objects.filter(plan=plan, year=plan.end_year, kind=Report.Kind.FINAL, state=Report.State.DONE)
        .defer("snapshot")
        .order_by("-created_at", "-id")
        .first()
    )


def queued_report_ids(*, limit: int) -> list[int]:
    """Return the ids of the oldest queued reports, oldest first, up to `limit`."""
    queued = Report.objects.filter(state=Report.State.QUEUED).order_by("created_at", "id")
    return list(queued.values_list("id", flat=True)[:limit])


def report_for_generation(report_id: int) -> Report:
    """Return a report with what generating it reads: the previous report (its snapshot) and the author."""
    return Report.objects.select_related("previous", "created_by").get(id=report_id)


def report(report_id: int) -> Report:
    """Return a report as it is stored now."""
    return Report.objects.get(id=report_id)


def listed_reports(plan: Plan) -> list[Report]:
    """Return the plan's latest reports for the list page, with their authors and their files' formats and sizes.

    Two queries whatever the number of reports: the reports with their authors
    (without their snapshots), and their files (without their contents).
    """
    files = Prefetch("files", ReportFile.objects.only("id", "report_id", "format", "size"))
    reports = Report.objects.filter(plan=plan).select_related("created_by", "plan").defer("snapshot")
    return list(reports.prefetch_related(files)[:LIST_LIMIT])


def shown_report(report_id: int) -> Report | None:
    """Return a report with its author and plan for its page, or None."""
    return Report.objects.select_related("created_by", "plan").filter(id=report_id).first()


def file_sizes(report: Report) -> dict[str, int]:
    """Return format → size in bytes of a report's stored files."""
    return dict(ReportFile.objects.filter(report=report).values_list("format", "size"))


def stored_file(report: Report, fmt: str) -> ReportFile | None:
    """Return a report's stored file of one format (docx, pdf or xlsx), or None."""
    return ReportFile.objects.filter(report=report, format=fmt).first()


def api_reports(plan: Plan | None) -> QuerySet[Report]:
    """Return the plan's reports for the API, newest first, with authors and files (formats, sizes, hashes)."""
    return (
        Report.objects.filter(plan=plan)
        .defer("snapshot", "comments")
        .select_related("created_by", "plan")
        .prefetch_related(Prefetch("files", ReportFile.objects.defer("content").order_by("format")))
        .order_by("-created_at", "-id")
    )

"""What the report pages show: the list with its form, a report's facts, its progress and downloads."""

from __future__ import annotations

from collections.abc import Mapping

from django.urls import reverse
from django.utils.translation import gettext as _

from parkplan.formatting import fmt_number

from .. import queries as indicator_queries
from ..models import Indicator, Plan, Report, ReportFile
from . import content, queries
from .changes import short_time
from .files import FORMATS


def _years(plan: Plan | None) -> list[int]:
    return list(range(plan.start_year, plan.end_year + 1)) if plan else []


def default_form(plan: Plan | None) -> dict[str, str]:
    """Return the start form as first shown: the latest year with data, the kind by the year, in Chinese."""
    years = _years(plan)
    year = indicator_queries.latest_data_year(plan) or (years[-1] if years else "")
    return {"year": str(year), "kind": "", "language": "zh", "audience": Report.Audience.OFFICE}


def list_page(plan: Plan, *, indicators: list[Indicator], form: Mapping[str, str], error: str) -> dict:
    """Build the list page: the start form (the plan's years and kinds, a comment box per indicator), its reports."""
    years = _years(plan)
    kinds = dict(Report.Kind.choices)
    return {
        "nav": "reports",
        "is_office": True,
        "years": years,
        "kinds": Report.Kind.choices,
        "default_kinds": {
            y: kinds[content.default_kind(y, start_year=plan.start_year, end_year=plan.end_year)] for y in years
        },
        "kinds_note": kinds_note(plan),
        "indicators": indicators,
        "form": form,
        "error": error,
        "rows": [_list_row(report) for report in queries.listed_reports(plan)],
    }


def kinds_note(plan: Plan) -> str:
    """Say which kind a year gets by default, and that a final assessment is of the target year only."""
    middle = (plan.start_year + plan.end_year) // 2
    return _("按年度自动（%(middle)s年中期评估、%(end)s年终期评估，其余年份年度监测）") % {
        "middle": middle,
        "end": plan.end_year,
    }


def _list_row(report: Report) -> dict:
    """Return one report's row of the list; its files' sizes come prefetched (queries.listed_reports)."""
    return {
        "report": report,
        "kind": report.get_kind_display(),
        "language": report.get_language_display(),
        "audience": report.get_audience_display(),
        "author": content.author_name(report.created_by) or "—",
        "downloads": downloads(report, {f.format: f.size for f in report.files.all()}),
    }


def detail_page(report: Report) -> dict:
    """Build a report's page: its progress and downloads, and the facts of its data."""
    return {
        "nav": "reports",
        "is_office": True,
        "report": report,
        "status": status(report),
        "author": content.author_name(report.created_by) or "—",
        "as_of": short_time(report.snapshot.get("data_as_of")),
        "previous": report.previous_id,
    }


def status(report: Report) -> dict:
    """Return what the page's progress bar shows (also its JSON for polling)."""
    return {
        "id": report.id,
        "state": report.state,
        "state_label": report.get_state_display(),
        "progress": report.progress,
        "message": report.message,
        "downloads": downloads(report),
        "may_retry": report.state == Report.State.FAILED,
    }


def downloads(report: Report, sizes: Mapping[str, int] | None = None) -> list[dict]:
    """Return a finished report's download links in FORMATS order, with sizes (looked up unless given)."""
    if report.state != Report.State.DONE:
        return []
    if sizes is None:
        sizes = queries.file_sizes(report)
    labels = dict(ReportFile.Format.choices)
    return [
        {
            "format": fmt,
            "label": labels[fmt],
            "url": reverse("report_download", args=[report.plan, report.id, fmt]),
            "size": f"{fmt_number(sizes[fmt] / 1024, 0)} KB",
        }
        for fmt in FORMATS
        if fmt in sizes
    ]

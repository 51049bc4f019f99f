"""A report's stored files as downloads: the formats, their content types, the file name, the HTTP answer."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from ..models import EXAMPLE_MARK, Report, ReportFile

FORMATS = ("docx", "pdf", "xlsx")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def download_name(report: Report, fmt: str) -> str:
    """Return the name a downloaded file is saved under: the report's title, year, kind and number
    (and 示例 for an illustrative plan's)."""
    mark = f"_{EXAMPLE_MARK}" if report.plan.example else ""
    return f"宝山园规划实施情况评估报告_{report.year}年{report.get_kind_display()}_{report.id}{mark}.{fmt}"


def download(report: Report, stored: ReportFile, *, cache_forever: bool = False) -> HttpResponse:
    """Answer with a stored file as an attachment, its sha256 as the ETag.

    `cache_forever`: a stored file never changes, so the pages let the browser keep it.
    """
    response = HttpResponse(bytes(stored.content), content_type=CONTENT_TYPES[stored.format])
    response["Content-Disposition"] = content_disposition_header(True, download_name(report, stored.format))
    response["ETag"] = f'"{stored.sha256}"'
    if cache_forever:
        response["Cache-Control"] = "private, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response

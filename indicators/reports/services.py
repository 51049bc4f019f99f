"""Writes: start a report (freeze its data), generate its files once, and store them."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections.abc import Callable, Mapping
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import queries as indicator_queries
from ..models import Plan, Report, ReportFile
from . import changes, content, figures, queries, render
from .docx import write_docx
from .pdf import write_pdf
from .snapshot import build_snapshot, snapshot_hash
from .xlsx import write_xlsx

log = logging.getLogger(__name__)
COMMENT_MAX = 4000
# A report still "running" after this long lost its worker: it is queued again.
STALE_AFTER = dt.timedelta(minutes=15)

ProgressCallback = Callable[[int, str], None]


def start_report(
    *,
    year: int,
    kind: str | None = None,
    language: str = "zh",
    audience: str = Report.Audience.OFFICE,
    comments=None,
    user=None,
) -> Report:
    """Freeze the stored results for `year` and record a report to generate (state queued).

    Checks the year against the plan period, the kind, language and audience
    against their choices, and the comments (indicator code → text). The
    office's report shows every figure (内部资料); one for officials withholds
    what the pages withhold from them. The previous report of the same year,
    kind and audience is linked so the new one can say what changed.
    """
    plan = indicator_queries.current_plan()
    if plan is None:
        raise ValidationError(_("尚未载入规划，无法生成评估报告。"))
    _check_year(plan, year)
    kind = kind or content.default_kind(year, end_year=plan.end_year, start_year=plan.start_year)
    if kind not in Report.Kind.values:
        raise ValidationError(_("评估类型“%(kind)s”无效。") % {"kind": kind})
    if language not in Report.Language.values:
        raise ValidationError(_("报告语言“%(language)s”无效。") % {"language": language})
    if audience not in Report.Audience.values:
        raise ValidationError(_("阅读范围“%(audience)s”无效。") % {"audience": audience})
    clean = _clean_comments(comments or {}, codes=queries.indicator_codes(plan))
    with transaction.atomic():
        snapshot = build_snapshot(year=year, plan=plan, audience=audience)
        return Report.objects.create(
            year=year,
            kind=kind,
            language=language,
            audience=audience,
            comments=clean,
            snapshot=snapshot,
            snapshot_sha256=snapshot_hash(snapshot),
            data_version=snapshot["data_version"],
            previous=queries.previous_report(year=year, kind=kind, audience=audience),
            created_by=user,
            created_at=timezone.now().replace(microsecond=0),
        )


def _check_year(plan: Plan, year: int) -> None:
    if not plan.start_year <= year <= plan.end_year:
        raise ValidationError(
            _("评估年度“%(year)s”不在规划期%(start)s—%(end)s年内。")
            % {"year": year, "start": plan.start_year, "end": plan.end_year}
        )


def _clean_comments(comments: Mapping[str, str], *, codes: set[str]) -> dict[str, str]:
    """Return the non-empty comments, stripped, with Unix line ends; refuse an unknown indicator or a long text."""
    clean = {}
    for code, text in sorted(comments.items()):
        text = (text or "").strip()
        if not text:
            continue
        if code not in codes:
            raise ValidationError(_("指标“%(code)s”不存在，无法填写意见。") % {"code": code})
        if len(text) > COMMENT_MAX:
            raise ValidationError(_("指标%(code)s的意见超过%(max)s字。") % {"code": code, "max": COMMENT_MAX})
        clean[code] = text.replace("\r\n", "\n")
    return clean


def _local(when: dt.datetime) -> str:
    return when.astimezone(ZoneInfo(settings.TIME_ZONE)).strftime("%Y-%m-%d %H:%M")


def document_for(report: Report) -> dict:
    """Lay out the report's content from its frozen snapshot (and the previous report's, for the changes)."""
    previous = report.previous.snapshot if report.previous_id else None
    return content.build_document(
        report.snapshot,
        language=report.language,
        kind=report.kind,
        comments=report.comments,
        created_at=_local(report.created_at),
        author=content.author_name(report.created_by),
        snapshot_sha256=report.snapshot_sha256,
        changes=changes.compare(previous, report.snapshot, language=report.language),
    )


def render_images(report: Report, *, progress: ProgressCallback | None = None) -> dict[str, bytes]:
    """Render the report's figures to PNG (the slow part: one browser, ~0.25 s a figure)."""
    figs = figures.indicator_figures(report.snapshot, report.language)

    def step(done: int, total: int) -> None:
        if progress:
            progress(
                5 + int(60 * done / total), _("正在绘制图表（%(done)s/%(total)s）") % {"done": done, "total": total}
            )

    return render.render_pngs(figs, progress=step)


def build_files(
    report: Report, images: Mapping[str, bytes], *, progress: ProgressCallback | None = None
) -> dict[str, bytes]:
    """Write the three files of a report from its snapshot and chart images; same input, same bytes."""
    doc = document_for(report)
    author = content.author_name(report.created_by) or "张江高新区宝山园规划实施监测平台"
    files = {}
    if progress:
        progress(70, _("正在生成Word文件"))
    files["docx"] = write_docx(doc, images, created=report.created_at, author=author)
    if progress:
        progress(80, _("正在生成PDF文件"))
    files["pdf"] = write_pdf(doc, images, created=report.created_at, author=author)
    if progress:
        progress(92, _("正在生成Excel文件"))
    tables = figures.chart_tables(report.snapshot, report.language)
    files["xlsx"] = write_xlsx(doc, tables, created=report.created_at, author=author)
    return files


def _set_progress(report_id: int, percent: int, message: str) -> None:
    Report.objects.filter(id=report_id).update(progress=max(0, min(percent, 100)), message=message)


def _claim(report_id: int) -> bool:
    """Mark a queued report running; False when another run has it or it is finished."""
    return bool(
        Report.objects.filter(id=report_id, state=Report.State.QUEUED).update(
            state=Report.State.RUNNING, progress=1, message=_("开始生成"), started_at=timezone.now()
        )
    )


def generate_report(report_id: int, progress_callback: ProgressCallback | None = None) -> Report:
    """Generate and store the files of a queued report; safe to run twice (a finished report is left as it is).

    Progress (0–100) and a message are saved as it goes, for the page's
    progress bar; `progress_callback(percent, message)` is told too. On an
    error the report is marked failed with the reason, and nothing half-written is stored.
    """
    if not _claim(report_id):
        return queries.report(report_id)
    started = time.perf_counter()

    def progress(percent: int, message: str) -> None:
        _set_progress(report_id, percent, message)
        if progress_callback:
            progress_callback(percent, message)

    report = queries.report_for_generation(report_id)
    try:
        images = render_images(report, progress=progress)
        files = build_files(report, images, progress=progress)
        with transaction.atomic():
            for fmt, blob in files.items():
                ReportFile.objects.create(
                    report=report, format=fmt, content=blob, sha256=hashlib.sha256(blob).hexdigest(), size=len(blob)
                )
            Report.objects.filter(id=report_id).update(
                state=Report.State.DONE,
                progress=100,
                message=_("已完成"),
                finished_at=timezone.now(),
                duration_ms=int((time.perf_counter() - started) * 1000),
            )
        if progress_callback:
            progress_callback(100, _("已完成"))
    except Exception as exc:
        log.exception("report %s failed", report_id)
        Report.objects.filter(id=report_id).update(
            state=Report.State.FAILED,
            message=_("生成失败：%(reason)s") % {"reason": str(exc)[:500]},
            finished_at=timezone.now(),
        )
    return queries.report(report_id)


def requeue_stale(now: dt.datetime | None = None) -> int:
    """Queue again the reports left running by a worker that died; return how many."""
    limit = (now or timezone.now()) - STALE_AFTER
    return Report.objects.filter(state=Report.State.RUNNING, started_at__lt=limit).update(
        state=Report.State.QUEUED, progress=0, message=_("重新排队")
    )


def run_queued_reports(*, limit: int = 5) -> int:
    """Generate the oldest queued reports, up to `limit`; return how many were generated."""
    requeue_stale()
    done = 0
    for report_id in queries.queued_report_ids(limit=limit):
        report = generate_report(report_id)
        done += report.state == Report.State.DONE
    return done

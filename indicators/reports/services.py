"""Writes: start a report (freeze its data), generate its files once, and store them."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
import time
from collections.abc import Callable, Mapping
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
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

ProgressCallback = Callable[[int, str], None]


def start_report(
    *,
    year: int,
    plan: Plan | None = None,
    kind: str | None = None,
    language: str = "zh",
    audience: str = Report.Audience.OFFICE,
    comments=None,
    user=None,
) -> Report:
    """Freeze the plan's stored results for `year` and record a report of the plan to generate (state queued).

    `plan` defaults to the plan in force. Checks the year against the plan's
    period and the kind against the year (a final assessment only in the
    plan's target year), the language against its choices, and the comments
    (indicator code → text). `audience`: the office's own report (every
    figure, 内部资料 on every page) or one for officials (what the pages
    withhold from them withheld, with the reason). The previous report of the same plan, year and
    kind is linked so the new one can say what changed.
    """
    plan = plan or indicator_queries.plan_in_force()
    if plan is None:
        raise ValidationError(_("尚未载入规划，无法生成评估报告。"))
    if not plan.is_published:
        raise ValidationError(_("%(plan)s尚未发布，不能生成评估报告；请先发布规划。") % {"plan": plan.short})
    _check_year(plan, year)
    kind = kind or content.default_kind(year, start_year=plan.start_year, end_year=plan.end_year)
    _check_kind(plan, year, kind)
    if language not in Report.Language.values:
        raise ValidationError(_("报告语言“%(language)s”无效。") % {"language": language})
    if audience not in Report.Audience.values:
        raise ValidationError(_("阅读范围“%(audience)s”无效。") % {"audience": audience})
    clean = _clean_comments(comments or {}, codes=queries.indicator_codes(plan))
    with transaction.atomic():
        snapshot = build_snapshot(year=year, plan=plan, audience=audience)
        return Report.objects.create(
            plan=plan,
            year=year,
            kind=kind,
            language=language,
            audience=audience,
            comments=clean,
            snapshot=snapshot,
            snapshot_sha256=snapshot_hash(snapshot),
            data_version=snapshot["data_version"],
            previous=queries.previous_report(plan=plan, year=year, kind=kind),
            created_by=user,
            created_at=timezone.now().replace(microsecond=0),
        )


def _check_year(plan: Plan, year: int) -> None:
    if not plan.start_year <= year <= plan.end_year:
        raise ValidationError(
            _("评估年度“%(year)s”不在%(plan)s的规划期%(start)s—%(end)s年内。")
            % {"year": year, "plan": plan.short, "start": plan.start_year, "end": plan.end_year}
        )


def _check_kind(plan: Plan, year: int, kind: str) -> None:
    """Refuse an unknown kind, and a final assessment of any year but the plan's target year."""
    if kind not in Report.Kind.values:
        raise ValidationError(_("评估类型“%(kind)s”无效。") % {"kind": kind})
    if kind == Report.Kind.FINAL and year != plan.end_year:
        raise ValidationError(
            _("终期评估只能针对%(plan)s的目标年%(end)s年，不能针对%(year)s年。")
            % {"plan": plan.short, "end": plan.end_year, "year": year}
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
    Report.objects.filter(id=report_id, state=Report.State.RUNNING).update(
        progress=max(0, min(percent, 100)), message=message
    )


def _claim(report_id: int) -> bool:
    """Mark a queued report running; False when another run has it or it is finished."""
    now = timezone.now()
    return bool(
        Report.objects.filter(id=report_id, state=Report.State.QUEUED).update(
            state=Report.State.RUNNING, progress=1, message=_("开始生成"), started_at=now, heartbeat_at=now
        )
    )


class Heartbeat:
    """Renew a running report's heartbeat from a thread of its own while the job renders it.

    The job's own steps can take longer than a heartbeat (a PDF, a database
    lock), so the beat does not wait on them; it stops with the job, and with
    the worker when the worker dies.
    """

    def __init__(self, report_id: int):
        self.report_id = report_id
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"report-{report_id}-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        self.thread.join()

    def _run(self) -> None:
        try:
            while not self.stopped.wait(settings.REPORT_HEARTBEAT_SECONDS):
                Report.objects.filter(id=self.report_id, state=Report.State.RUNNING).update(heartbeat_at=timezone.now())
        except Exception:  # a missed beat only makes the report look stale sooner
            log.exception("report %s heartbeat failed", self.report_id)
        finally:
            connection.close()


class _Abandoned(Exception):
    """The report stopped running while its files were made (marked failed as stale): store nothing."""


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
        with Heartbeat(report_id):
            images = render_images(report, progress=progress)
            files = build_files(report, images, progress=progress)
            _store_files(report, files, started=started)
        if progress_callback:
            progress_callback(100, _("已完成"))
    except _Abandoned:
        log.warning("report %s was marked failed while it ran; its files are not stored", report_id)
    except Exception as exc:
        log.exception("report %s failed", report_id)
        Report.objects.filter(id=report_id, state=Report.State.RUNNING).update(
            state=Report.State.FAILED,
            message=_("生成失败：%(reason)s") % {"reason": str(exc)[:500]},
            finished_at=timezone.now(),
        )
    return queries.report(report_id)


def _store_files(report: Report, files: Mapping[str, bytes], *, started: float) -> None:
    """Store the files and mark the report done, in one transaction, if it is still running.

    The files first: the report's row stays free for the heartbeat until the
    last statement.
    """
    with transaction.atomic():
        for fmt, blob in files.items():
            ReportFile.objects.create(
                report=report, format=fmt, content=blob, sha256=hashlib.sha256(blob).hexdigest(), size=len(blob)
            )
        done = Report.objects.filter(id=report.id, state=Report.State.RUNNING).update(
            state=Report.State.DONE,
            progress=100,
            message=_("已完成"),
            finished_at=timezone.now(),
            duration_ms=int((time.perf_counter() - started) * 1000),
        )
        if not done:
            raise _Abandoned


def fail_stale_reports(now: dt.datetime | None = None) -> int:
    """Mark failed the reports left running by a worker that died (no heartbeat for REPORT_STALE_SECONDS).

    The office sees why and retries with one click (``retry_report``).
    Return how many were marked.
    """
    now = now or timezone.now()
    limit = now - dt.timedelta(seconds=settings.REPORT_STALE_SECONDS)
    stale = Report.objects.filter(state=Report.State.RUNNING).filter(
        Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, started_at__lt=limit)
    )
    marked = 0
    for report_id, heartbeat_at, progress in stale.values_list("id", "heartbeat_at", "progress"):
        last = timezone.localtime(heartbeat_at).strftime("%H:%M:%S") if heartbeat_at else "—"
        message = _(
            "生成中断：后台进程已停止（进度 %(progress)s%%，最后一次心跳 %(last)s），请点击“重试”重新生成。"
        ) % {
            "progress": progress,
            "last": last,
        }
        marked += Report.objects.filter(id=report_id, state=Report.State.RUNNING, heartbeat_at=heartbeat_at).update(
            state=Report.State.FAILED, message=message, finished_at=now
        )
    if marked:
        log.warning("marked %s report(s) failed: their worker stopped", marked)
    return marked


def retry_report(*, report_id: int, user=None) -> Report:
    """Queue a failed report again, from its frozen snapshot (the office's one click); other states are refused."""
    queued = Report.objects.filter(id=report_id, state=Report.State.FAILED).update(
        state=Report.State.QUEUED,
        progress=0,
        message=_("已重新排队（%(who)s）") % {"who": content.author_name(user) or "—"},
        started_at=None,
        heartbeat_at=None,
        finished_at=None,
    )
    if not queued:
        raise ValidationError(_("只有生成失败的报告才能重试。"))
    return queries.report(report_id)


def run_queued_reports(*, limit: int = 5) -> int:
    """Generate the oldest queued reports, up to `limit`; return how many were generated."""
    fail_stale_reports()
    done = 0
    for report_id in queries.queued_report_ids(limit=limit):
        report = generate_report(report_id)
        done += report.state == Report.State.DONE
    return done

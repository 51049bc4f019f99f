"""Every write of the returns workflow: save and submit, approve into the official data, send back, unlock, remind.

The web forms, the upload, the API, the task and the command all write through
here. Official statistics are written through ``parcels.services``, which
keeps the lock of an approved parcel-quarter.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pghistory
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parkplan.formatting import fmt_number
from parkplan.periods import last_ended_period

from .. import queries as parcel_queries
from .. import statfields
from ..imports import StatisticRow
from ..models import (
    Enterprise,
    Parcel,
    ParcelManager,
    ParcelReturn,
    PendingUpload,
    ReminderSent,
    ReturnRow,
    Statistic,
)
from ..services import (
    ApprovalChange,
    Effect,
    LockedPeriod,
    ReturnError,
    approval_effects,
    lock_message,
    upsert_statistics,
)
from . import queries, uploads, validation

log = logging.getLogger(__name__)


class ReturnConflict(ReturnError):
    """Someone else saved the return since this user loaded it; ``current`` is the return as it is now."""

    def __init__(self, current: ParcelReturn):
        self.current = current
        who = current.updated_by.get_username() if current.updated_by else _("他人")
        at = timezone.localtime(current.updated_at).strftime("%Y-%m-%d %H:%M:%S")
        super().__init__(
            _(
                "保存冲突：%(who)s 已于 %(at)s 保存了此报表（版本 %(v)s），您的修改未保存。"
                "下方为当前数据，请核对后重新修改并保存。"
            )
            % {"who": who, "at": at, "v": current.version}
        )


class ReturnInvalid(ReturnError):
    """The rows break a hard rule (or, to submit, carry an unexplained warning); ``checked`` has the findings."""

    def __init__(self, checked: validation.Checked):
        self.checked = checked
        if checked.errors:
            message = _("有 %(n)s 处错误，未保存，请修改标红的单元格。") % {"n": len(checked.errors)}
        else:
            message = _("有 %(n)s 处需要说明的异常值，请在对应企业的“情况说明”中填写原因后再提交。") % {
                "n": len(checked.unexplained())
            }
        super().__init__(message)


# How an approved return's rows are recorded in the official statistics.
STATISTIC_SOURCE = {
    ParcelReturn.Source.FORM: Statistic.Source.FORM,
    ParcelReturn.Source.UPLOAD: Statistic.Source.UPLOAD,
    ParcelReturn.Source.API: Statistic.Source.API,
}

# The fields of a return's row a save writes: its identity, every built-in element's column, the added
# elements' ``extra``, the explanation and the 不适用 marks.
ROW_FIELDS = (
    "enterprise_name",
    "moved_out",
    *(f.column for f in statfields.BUILT_IN),
    "extra",
    "explanation",
    "not_applicable",
)


# --- saving and submitting -------------------------------------------------------------


def save_return(
    *,
    parcel: Parcel,
    year: int,
    quarter: int,
    rows: Sequence[Mapping[str, object]],
    version: int,
    user: AbstractBaseUser,
    submit: bool = False,
    source: str = ParcelReturn.Source.FORM,
    upload_name: str = "",
) -> tuple[ParcelReturn, validation.Checked]:
    """Save a parcel's return for a quarter as a draft, or submit it for review.

    ``rows`` map credit_code, enterprise_name, moved_out, the data elements
    in use in the quarter by code (raw text or typed) and explanation. ``version`` is the version
    the user loaded (0 for a return not yet started): if the return has moved
    on since, ReturnConflict is raised and nothing is written. A hard-rule
    error raises ReturnInvalid; so does an unexplained warning when
    submitting. An approved (locked) or submitted return cannot be changed.
    Every write is recorded in the history with the user and the source.
    """
    with transaction.atomic(), pghistory.context(source=source, user=user.pk):
        lock_period(parcel.id, year, quarter)
        parcel_return = _return_to_change(parcel, year, quarter, version=version)
        checked = queries.check_rows(parcel=parcel, year=year, quarter=quarter, rows=rows, complete=submit)
        if checked.errors or (submit and checked.unexplained()):
            raise ReturnInvalid(checked)
        if parcel_return is None:
            parcel_return = _create_return(parcel, year, quarter, user=user, source=source)
        pghistory.context(parcel_return=parcel_return.pk)
        _write_rows(parcel_return, checked.rows, parcel_queries.data_elements())
        _record_save(parcel_return, user=user, source=source, upload_name=upload_name, submit=submit)
    return parcel_return, checked


# The key space of pg_advisory_xact_lock(int, int) the returns use: (RETURN_LOCK, parcel-quarter).
RETURN_LOCK = 13_001


def lock_period(parcel_id: int, year: int, quarter: int) -> None:
    """Hold the parcel-quarter's return until the transaction ends, existing or not.

    A row lock cannot hold a return that does not exist yet: two people saving
    a new return at once would both create it, and the second would meet the
    unique constraint. Under this lock the second waits, then finds the first's
    return and gets the conflict message.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [RETURN_LOCK, parcel_id * 100_000 + year * 10 + quarter])


def _create_return(parcel: Parcel, year: int, quarter: int, *, user: AbstractBaseUser, source: str) -> ParcelReturn:
    """Create the return; a return created meanwhile (by a writer that skipped the lock) is a conflict, not a 500."""
    try:
        with transaction.atomic():
            return ParcelReturn.objects.create(
                parcel=parcel, year=year, quarter=quarter, created_by=user, updated_by=user, source=source
            )
    except IntegrityError:
        current = ParcelReturn.objects.select_related("parcel", "updated_by").get(
            parcel=parcel, year=year, quarter=quarter
        )
        raise ReturnConflict(current) from None


def _return_to_change(parcel: Parcel, year: int, quarter: int, *, version: int) -> ParcelReturn | None:
    """Lock and return the stored return (None if not started) after checking the user may still change it."""
    parcel_return = (
        ParcelReturn.objects.select_for_update(of=("self",))
        .select_related("parcel", "approved_by", "updated_by")
        .filter(parcel=parcel, year=year, quarter=quarter)
        .first()
    )
    if parcel_return is None:
        if version != 0:
            raise ReturnError(_("此报表已不存在，请刷新页面。"))
        imported = queries.imported_period(parcel, year, quarter)
        if imported is not None:
            raise LockedPeriod(import_message(parcel, year, quarter, imported))
        return None
    if parcel_return.locked:
        raise LockedPeriod(lock_message(parcel_return))
    if parcel_return.version != version:
        raise ReturnConflict(parcel_return)
    if parcel_return.state == ParcelReturn.State.SUBMITTED:
        raise ReturnError(_("此报表已提交，正在等待审核，不能修改；如需修改，请联系联席会议办公室退回。"))
    return parcel_return


def _record_save(
    parcel_return: ParcelReturn, *, user: AbstractBaseUser, source: str, upload_name: str, submit: bool
) -> None:
    """Move the return to its next version and state (submitted, or a draft that stays 已退回 if it was)."""
    now = timezone.now()
    parcel_return.version += 1
    parcel_return.updated_by = user
    parcel_return.source = source
    if upload_name or source == ParcelReturn.Source.FORM:
        parcel_return.upload_name = upload_name[:255]
    if submit:
        parcel_return.state = ParcelReturn.State.SUBMITTED
        parcel_return.submitted_by, parcel_return.submitted_at = user, now
        parcel_return.first_submitted_at = parcel_return.first_submitted_at or now
    elif parcel_return.state != ParcelReturn.State.RETURNED:
        parcel_return.state = ParcelReturn.State.DRAFT
    parcel_return.save()


def _row_values(row: validation.CheckedRow, elements: statfields.Elements) -> dict[str, object]:
    """Return what a row stores, by model field: its figures (none for an enterprise moved out, none of an element
    not in use), 不适用 marks, explanation."""
    stored = ReturnRow(
        enterprise_name=row.enterprise_name,
        moved_out=row.moved_out,
        explanation=row.explanation,
        not_applicable=[] if row.moved_out else sorted(row.not_applicable),
    )
    for element in elements:
        statfields.set_figure(stored, element, None if row.moved_out else row.values.get(element.name))
    return {name: getattr(stored, name) for name in ROW_FIELDS}


def _write_rows(
    parcel_return: ParcelReturn, rows: Sequence[validation.CheckedRow], elements: statfields.Elements
) -> None:
    """Bring the stored rows in line with ``rows``: only changed rows are written, so the history shows edits.

    ``elements``: every data element (a row stores none of those not in use in its quarter).
    """
    stored = {row.credit_code: row for row in ReturnRow.objects.filter(parcel_return=parcel_return)}
    wanted = {row.credit_code for row in rows}
    ReturnRow.objects.filter(parcel_return=parcel_return).exclude(credit_code__in=wanted).delete()
    create, update = [], []
    for row in rows:
        values = {"position": row.position, **_row_values(row, elements)}
        current = stored.get(row.credit_code)
        if current is None:
            create.append(ReturnRow(parcel_return=parcel_return, credit_code=row.credit_code, **values))
        elif any(getattr(current, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(current, name, value)
            update.append(current)
    ReturnRow.objects.bulk_create(create)
    ReturnRow.objects.bulk_update(update, ["position", *ROW_FIELDS])


def import_message(parcel: Parcel, year: int, quarter: int, imported: Mapping[str, object]) -> str:
    """Say who brought an imported quarter's data in and when, and that the office can open it for revision."""
    at = timezone.localtime(imported["at"]).strftime("%Y-%m-%d %H:%M")
    return _(
        "%(parcel)s %(year)s年第%(quarter)s季度的数据已由 %(who)s 于 %(at)s 导入（%(source)s），视同已审核，"
        "不能在此修改；如需修改，请联系联席会议办公室开放修订。"
    ) % {
        "parcel": parcel,
        "year": year,
        "quarter": quarter,
        "who": imported["who"] or _("联席会议办公室"),
        "at": at,
        "source": imported["source"],
    }


def open_imported_period(
    *, parcel: Parcel, year: int, quarter: int, user: AbstractBaseUser, reason: str
) -> ParcelReturn:
    """Open a quarter imported without a return for revision (the office, with a reason), as unlocking does.

    The return starts from the official figures and goes to the managers as
    已退回 with the reason; the official data stay as imported until the
    revised return is approved.
    """
    reason = reason.strip()
    if not reason:
        raise ReturnError(_("开放修订时必须填写原因。"))
    with transaction.atomic(), pghistory.context(source="unlock", user=user.pk):
        lock_period(parcel.id, year, quarter)
        if queries.imported_period(parcel, year, quarter) is None:
            raise ReturnError(_("本季度不是导入的数据，或已有报表，不能开放修订。"))
        checked = queries.check_rows(
            parcel=parcel, year=year, quarter=quarter, rows=queries.initial_rows(parcel, year, quarter)
        )
        now = timezone.now()
        parcel_return = ParcelReturn.objects.create(
            parcel=parcel,
            year=year,
            quarter=quarter,
            state=ParcelReturn.State.RETURNED,
            created_by=user,
            updated_by=user,
            unlocked_by=user,
            unlocked_at=now,
            unlock_reason=reason,
            comment=_("已开放修订：%(reason)s") % {"reason": reason},
        )
        pghistory.context(parcel_return=parcel_return.pk)
        _write_rows(parcel_return, checked.rows, parcel_queries.data_elements())
    return parcel_return


# --- uploads: a preview first, then the confirmation ----------------------------------------------

# The most rows an upload may keep between its preview and its confirmation.
MAX_PENDING_ROWS = 5000


@dataclass(frozen=True)
class UploadSaved:
    """What confirming an upload did: its counts (new, changed, unchanged, removed, kept) and whether it saved."""

    counts: Mapping[str, int]
    saved: bool


def stage_upload(
    *,
    user: AbstractBaseUser,
    parcel: Parcel,
    year: int,
    quarter: int,
    filename: str,
    sha256: str,
    rows: Sequence[StatisticRow],
    mode: str,
) -> PendingUpload:
    """Keep an upload's checked rows until the manager confirms its preview; replaces the user's earlier one.

    The upload is bound to the return's version now: a confirmation after the
    return has moved on is refused. Uploads left unconfirmed expire.
    """
    if len(rows) > MAX_PENDING_ROWS:
        raise ReturnError(_("文件有 %(n)s 行，超过上限 %(max)s 行。") % {"n": len(rows), "max": MAX_PENDING_ROWS})
    if mode not in PendingUpload.Mode.values:
        raise ReturnError(_("未知的上传方式。"))
    with transaction.atomic():
        PendingUpload.objects.filter(created_at__lt=timezone.now() - queries.PENDING_UPLOAD_MAX_AGE).delete()
        PendingUpload.objects.filter(user=user, parcel=parcel, year=year, quarter=quarter).delete()
        return PendingUpload.objects.create(
            user=user,
            parcel=parcel,
            year=year,
            quarter=quarter,
            base_version=queries.return_version(parcel, year, quarter),
            mode=mode,
            filename=filename[:255],
            sha256=sha256,
            rows=uploads.pending_rows(rows),
        )


def confirm_upload(*, pending: PendingUpload, user: AbstractBaseUser, confirm_removals: bool = False) -> UploadSaved:
    """Write a previewed upload into the return's draft, if the return is still as it was when previewed.

    A replacement that removes enterprises needs ``confirm_removals``. An
    upload that changes nothing saves nothing. The pending upload is used once.
    """
    with transaction.atomic():
        kept = PendingUpload.objects.select_for_update().filter(pk=pending.pk, user=user).first()
        if kept is None:
            raise ReturnError(_("该预览已确认或已失效，请重新上传文件。"))
        parcel, year, quarter = kept.parcel, kept.year, kept.quarter
        lock_period(parcel.id, year, quarter)
        version, base = queries.base_rows(parcel, year, quarter)
        if version != kept.base_version:
            raise ReturnError(
                _("预览之后报表已被修改（现为版本 %(v)s），为免覆盖较新的数据，请重新上传文件。") % {"v": version}
            )
        plan = uploads.plan_upload(
            base,
            uploads.rows_from_pending(kept.rows, parcel_queries.data_elements()),
            mode=kept.mode,
            parcel_id=parcel.id,
            period=(year, quarter),
        )
        if plan.preview.removed and not confirm_removals:
            raise ReturnError(
                _("替换整张报表将删除 %(n)s 家企业的行，请勾选确认后再导入。") % {"n": len(plan.preview.removed)}
            )
        kept.delete()
        if plan.preview.changes_nothing:
            return UploadSaved(plan.preview.counts, saved=False)
        save_return(
            parcel=parcel,
            year=year,
            quarter=quarter,
            rows=plan.rows,
            version=version,
            user=user,
            source=ParcelReturn.Source.UPLOAD,
            upload_name=kept.filename,
        )
    return UploadSaved(plan.preview.counts, saved=True)


# --- the office's review -------------------------------------------------------------------


def _locked_return(pk: int) -> ParcelReturn:
    return ParcelReturn.objects.select_for_update(of=("self",)).select_related("parcel").get(pk=pk)


class ApprovalNeedsConfirmation(ReturnError):
    """The approval would move the parcel's enterprises or a park indicator by more than APPROVAL_CONFIRM_CHANGE.

    ``effects`` are every figure it changes, ``over`` those beyond the limit:
    approving needs a reason, given after seeing them.
    """

    def __init__(self, effects: Sequence[Effect], over: Sequence[Effect]):
        self.effects, self.over = list(effects), list(over)
        super().__init__(
            _("本次审核将使以下数据变化超过%(limit)s：%(items)s。请核对影响，填写原因后再次确认审核通过。")
            % {"limit": f"{confirm_limit():.0%}", "items": "；".join(effect_text(e) for e in over)}
        )


def confirm_limit() -> float:
    """Return the change (a share) beyond which an approval needs a second confirmation with a reason."""
    return float(getattr(settings, "APPROVAL_CONFIRM_CHANGE", 0.05))


def effect_text(effect: Effect) -> str:
    """Say one effect: its label, before → after, and the relative change where there is one."""
    before, after = (fmt_number(v, effect.decimals) for v in (effect.before, effect.after))
    change = f"（{effect.change:+.1%}）" if effect.change is not None else ""
    return f"{effect.label} {before} → {after}{change}"


@dataclass(frozen=True)
class ApprovalResult:
    """What an approval did to the official data of its parcel-quarter, enterprise by enterprise."""

    added: int
    changed: int
    removed: int
    moved_in: int
    moved_out: int
    unchanged: int
    reason: str = ""


def approve_return(*, parcel_return: ParcelReturn, user: AbstractBaseUser, reason: str = "") -> ApprovalResult:
    """Approve a submitted return: write its rows into the official statistics and lock the parcel-quarter.

    In one transaction: the rows are checked again (data may have moved since
    the submission), written through ``upsert_statistics``, official rows of
    enterprises no longer in the return are removed, enterprises moved out are
    detached from the parcel, and the return becomes 已审核. An approval that
    moves the parcel's enterprises or a park indicator by more than
    APPROVAL_CONFIRM_CHANGE is refused (ApprovalNeedsConfirmation) unless a
    ``reason`` is given; the reason and the effects go into the history.
    """
    with transaction.atomic(), pghistory.context(source="approval", user=user.pk, parcel_return=parcel_return.pk):
        ret = _locked_return(parcel_return.pk)
        if ret.state != ParcelReturn.State.SUBMITTED:
            raise ReturnError(_("只有已提交的报表才能审核通过（当前状态：%(s)s）。") % {"s": ret.get_state_display()})
        checked = queries.check_rows(
            parcel=ret.parcel, year=ret.year, quarter=ret.quarter, rows=parcel_queries.return_rows(ret), complete=True
        )
        if checked.errors:
            raise ReturnInvalid(checked)
        reason = _confirm_effects(ret, checked, reason=reason)
        summary = queries.approval_summary(ret, checked.rows)
        _write_approved(ret, checked, user=user)
    parcel_return.refresh_from_db()
    return ApprovalResult(**summary, reason=reason)


def _confirm_effects(ret: ParcelReturn, checked: validation.Checked, *, reason: str) -> str:
    """Refuse an approval whose effects exceed the limit without a reason; record the reason and the effects."""
    effects = effects_of(ret, checked.rows)
    over = [effect for effect in effects if effect.exceeds(confirm_limit())]
    reason = reason.strip()[:2000]
    if over and not reason:
        raise ApprovalNeedsConfirmation(effects, over)
    if over:
        pghistory.context(reason=reason, effects=[effect_text(effect) for effect in over])
    return reason if over else ""


def effects_of(parcel_return: ParcelReturn, rows: Sequence[validation.CheckedRow]) -> list[Effect]:
    """Return what approving the return's checked rows would change (every registered check)."""
    records = parcel_queries.rows_frame(parcel_return.parcel_id, parcel_return.year, parcel_return.quarter, rows)
    change = ApprovalChange(parcel_return.parcel_id, parcel_return.year, parcel_return.quarter, records)
    return approval_effects(change)


def enterprise_count_effect(change: ApprovalChange) -> list[Effect]:
    """The parcel's number of enterprises: the period's official count (or last quarter's) against the return's."""
    before = queries.official_enterprises(change.parcel_id, change.year, change.quarter)
    if not before:
        return []
    return [Effect("enterprises", _("本地块企业数"), float(before), float(len(change.records)))]


def _write_approved(ret: ParcelReturn, checked: validation.Checked, *, user: AbstractBaseUser) -> None:
    active = [row for row in checked.rows if not row.moved_out]
    upsert_statistics(
        rows=[_statistic_row(ret, row) for row in active],
        source=STATISTIC_SOURCE[ret.source],
        user=user,
        filename=ret.upload_name or f"{ret.parcel.code} {ret.year}Q{ret.quarter}",
        approving=ret,
    )
    Statistic.objects.filter(parcel=ret.parcel, year=ret.year, quarter=ret.quarter).exclude(
        enterprise__credit_code__in=[row.credit_code for row in active]
    ).delete()
    moved = [row.credit_code for row in checked.rows if row.moved_out]
    Enterprise.objects.filter(credit_code__in=moved, parcel=ret.parcel).update(parcel=None, updated_at=timezone.now())
    now = timezone.now()
    ret.state = ParcelReturn.State.APPROVED
    ret.approved_by = ret.reviewed_by = user
    ret.approved_at = ret.reviewed_at = now
    ret.comment = ""
    ret.version += 1
    ret.save()


def _statistic_row(parcel_return: ParcelReturn, row: validation.CheckedRow) -> StatisticRow:
    """Return a checked row of an approved return as a row of the official statistics."""
    return StatisticRow(
        row=row.position,
        credit_code=row.credit_code,
        enterprise_name=row.enterprise_name,
        parcel_id=parcel_return.parcel_id,
        year=parcel_return.year,
        quarter=parcel_return.quarter,
        values=dict(row.values),
    )


def send_back_return(*, parcel_return: ParcelReturn, user: AbstractBaseUser, comment: str) -> ParcelReturn:
    """Return a submitted return to its managers with the office's comment (required)."""
    comment = comment.strip()
    if not comment:
        raise ReturnError(_("退回时必须填写审核意见。"))
    with transaction.atomic(), pghistory.context(source="review", user=user.pk, parcel_return=parcel_return.pk):
        ret = _locked_return(parcel_return.pk)
        if ret.state != ParcelReturn.State.SUBMITTED:
            raise ReturnError(_("只有已提交的报表才能退回（当前状态：%(s)s）。") % {"s": ret.get_state_display()})
        ret.state = ParcelReturn.State.RETURNED
        ret.reviewed_by, ret.reviewed_at, ret.comment = user, timezone.now(), comment
        ret.version += 1
        ret.save()
    return ret


def unlock_return(*, parcel_return: ParcelReturn, user: AbstractBaseUser, reason: str) -> ParcelReturn:
    """Unlock an approved parcel-quarter for correction (the office, with a reason); it goes back as 已退回.

    The official statistics stay as approved until the corrected return is approved.
    """
    reason = reason.strip()
    if not reason:
        raise ReturnError(_("解锁时必须填写原因。"))
    with transaction.atomic(), pghistory.context(source="unlock", user=user.pk, parcel_return=parcel_return.pk):
        ret = _locked_return(parcel_return.pk)
        if ret.state != ParcelReturn.State.APPROVED:
            raise ReturnError(_("只有已审核的报表才能解锁。"))
        now = timezone.now()
        ret.state = ParcelReturn.State.RETURNED
        ret.unlocked_by, ret.unlocked_at, ret.unlock_reason = user, now, reason
        ret.comment = _("已解锁：%(reason)s") % {"reason": reason}
        ret.version += 1
        ret.save()
    return ret


# --- reminders -----------------------------------------------------------------


@dataclass(frozen=True)
class ReminderSummary:
    period: tuple[int, int]
    sent: int
    skipped_no_email: int

    def __str__(self) -> str:
        year, quarter = self.period
        return f"reminders {year}Q{quarter} sent={self.sent} no_email={self.skipped_no_email}"


def send_reminders(*, today: dt.date) -> ReminderSummary:
    """E-mail the managers of parcels whose return for the last ended quarter is not submitted yet.

    A reminder goes out on each day of RETURN_REMINDER_OFFSETS relative to the
    deadline (negative: before it), once per manager, parcel and offset; a run
    that missed a day sends the latest due reminder only. Safe to run twice.
    """
    year, quarter = last_ended_period(today)
    due = queries.deadline(year, quarter)
    offset = _reminder_offset(today, due)
    if offset is None:
        return ReminderSummary((year, quarter), 0, 0)
    sent = no_email = 0
    for assignment in queries.unsubmitted_assignments(year, quarter):
        if not assignment.user.email:
            no_email += 1
        elif _remind(assignment, year=year, quarter=quarter, offset=offset, due=due, today=today):
            sent += 1
    summary = ReminderSummary((year, quarter), sent, no_email)
    log.info("%s", summary)
    return summary


def _reminder_offset(today: dt.date, due: dt.date) -> int | None:
    """Return the offset of the latest reminder due by ``today``, or None when none is (too early or too late)."""
    late_by = (today - due).days
    offsets = sorted(o for o in settings.RETURN_REMINDER_OFFSETS if late_by >= o)
    if not offsets or late_by > max(settings.RETURN_REMINDER_OFFSETS):
        return None
    return offsets[-1]


def _remind(assignment: ParcelManager, *, year: int, quarter: int, offset: int, due: dt.date, today: dt.date) -> bool:
    """Send one manager the reminder of an offset unless it went out before; tell whether it was sent."""
    user, parcel = assignment.user, assignment.parcel
    with transaction.atomic():
        _row, created = ReminderSent.objects.get_or_create(
            parcel=parcel, user=user, year=year, quarter=quarter, offset_days=offset
        )
        if not created:
            return False
        subject, body = _reminder_mail(assignment, year=year, quarter=quarter, due=due, today=today)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return True


def _reminder_mail(
    assignment: ParcelManager, *, year: int, quarter: int, due: dt.date, today: dt.date
) -> tuple[str, str]:
    """Return the subject and body of a reminder: how long until (or since) the deadline, and the return's link."""
    user, parcel = assignment.user, assignment.parcel
    url = settings.SITE_URL.rstrip("/") + reverse("returns:edit", args=[parcel.id, year, quarter])
    days = (due - today).days
    if days > 0:
        when = _("还有 %(d)s 天截止") % {"d": days}
    elif days == 0:
        when = _("今天截止")
    else:
        when = _("已逾期 %(d)s 天") % {"d": -days}
    subject = _("【催报】%(parcel)s %(year)s年第%(quarter)s季度统计报表（%(when)s）") % {
        "parcel": parcel,
        "year": year,
        "quarter": quarter,
        "when": when,
    }
    body = _(
        "%(name)s：\n\n%(parcel)s %(year)s年第%(quarter)s季度的企业统计报表尚未提交，"
        "截止日期为 %(due)s（%(when)s）。\n"
        "请登录平台填报并提交：%(url)s\n\n张江高新区宝山园规划实施监测平台"
    ) % {
        "name": user.get_full_name() or user.get_username(),
        "parcel": parcel,
        "year": year,
        "quarter": quarter,
        "due": due.isoformat(),
        "when": when,
        "url": url,
    }
    return subject, body

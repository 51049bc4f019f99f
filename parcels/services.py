"""Every write to the parcels app's data goes through here."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import pghistory
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import queries, statfields, validation
from .imports import StatisticRow
from .models import Enterprise, ImportBatch, Parcel, ParcelManager, ParcelReturn, ReminderSent, ReturnRow, Statistic

log = logging.getLogger(__name__)

CHUNK = 2000  # keys per IN (...) lookup and rows per bulk statement

COMPARED_FIELDS = ("parcel_id", *(f.name for f in statfields.FIELDS))


@dataclass(frozen=True)
class UpsertResult:
    created: int
    updated: int
    unchanged: int
    batch: ImportBatch | None  # None for a dry run

    def __str__(self) -> str:
        return f"created={self.created} updated={self.updated} unchanged={self.unchanged}"


def _chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _latest_rows(rows: Sequence[StatisticRow]) -> dict[str, StatisticRow]:
    """Return each enterprise's row for its latest period in the file."""
    latest: dict[str, StatisticRow] = {}
    for row in rows:
        if row.credit_code not in latest or row.period > latest[row.credit_code].period:
            latest[row.credit_code] = row
    return latest


def upsert_statistics(
    *,
    rows: Sequence[StatisticRow],
    source: str,
    user: AbstractBaseUser | None = None,
    filename: str = "",
    sha256: str = "",
    dry_run: bool = False,
    approving: ParcelReturn | None = None,
) -> UpsertResult:
    """Write checked rows keyed by (credit code, year, quarter), all in one transaction.

    A new key is created, a key whose values differ is updated in place (a
    revision), an identical key is left alone: not even a no-op UPDATE, since
    every UPDATE is recorded as a data change. Missing enterprises are created;
    an enterprise's name and current parcel follow its latest period in the
    file unless the database already holds a later period of it. Written rows
    get ``source``, the new ImportBatch and ``user``. The rows must have unique
    keys (``read_statistics_file`` ensures it). With ``dry_run`` only the
    counts are computed and nothing is written (``batch`` is None).

    A parcel-quarter whose return the office approved is locked: rows that
    would write into it (or move a row out of it) raise LockedPeriod, unless
    ``approving`` is that very return or the source is the command line or the
    demo data, which are authoritative. Every change is recorded in the
    history with the source, the user and the batch.
    """
    codes = sorted({row.credit_code for row in rows})
    years = sorted({row.year for row in rows})
    with transaction.atomic(), pghistory.context(source=source, user=user.pk if user else None):
        enterprises: dict[str, Enterprise] = {}
        for chunk in _chunks(codes):
            enterprises.update((e.credit_code, e) for e in Enterprise.objects.filter(credit_code__in=chunk))
        existing: dict[tuple[str, int, int], Statistic] = {}
        latest_stored: dict[int, int] = {}
        ids = [e.id for e in enterprises.values()]
        code_of = {e.id: code for code, e in enterprises.items()}
        for chunk in _chunks(ids):
            for stat in Statistic.objects.filter(enterprise_id__in=chunk, year__in=years):
                existing[(code_of[stat.enterprise_id], stat.year, stat.quarter)] = stat
            latest_stored.update(
                Statistic.objects.filter(enterprise_id__in=chunk)
                .values("enterprise_id")
                .annotate(period=Max(F("year") * 10 + F("quarter")))
                .values_list("enterprise_id", "period")
            )

        # The periods the rows would write into, including where a revised row moves out of.
        touched = {(row.parcel_id, row.year, row.quarter) for row in rows}
        touched |= {(existing[row.key].parcel_id, row.year, row.quarter) for row in rows if row.key in existing}
        to_create: list[StatisticRow] = []
        to_update: list[Statistic] = []
        changed_fields: set[str] = set()
        for row in rows:
            stat = existing.get(row.key)
            if stat is None:
                to_create.append(row)
                continue
            new_values = {"parcel_id": row.parcel_id, **row.values}
            changed = [name for name in COMPARED_FIELDS if getattr(stat, name) != new_values[name]]
            if changed:
                for name in changed:
                    setattr(stat, name, new_values[name])
                changed_fields.update(changed)
                to_update.append(stat)
        unchanged = len(rows) - len(to_create) - len(to_update)
        if source not in AUTHORITATIVE:
            check_unlocked(touched, approving=approving)
        if dry_run:
            return UpsertResult(len(to_create), len(to_update), unchanged, None)

        now = timezone.now()
        batch = ImportBatch.objects.create(
            source=source,
            filename=filename[:255],
            sha256=sha256,
            created_by=user,
            created=len(to_create),
            updated=len(to_update),
            unchanged=unchanged,
        )
        pghistory.context(batch=batch.pk, filename=filename[:255])
        _save_enterprises(rows, enterprises, latest_stored, now)

        Statistic.objects.bulk_create(
            [
                Statistic(
                    enterprise=enterprises[row.credit_code],
                    parcel_id=row.parcel_id,
                    year=row.year,
                    quarter=row.quarter,
                    source=source,
                    batch=batch,
                    recorded_by=user,
                    **row.values,
                )
                for row in to_create
            ],
            batch_size=CHUNK,
        )
        attribution = {
            "source": source,
            "batch": batch.pk,
            "recorded_by": user.pk if user else None,
            "recorded_at": now,
        }
        _update_statistics(to_update, sorted(changed_fields), attribution)
    return UpsertResult(len(to_create), len(to_update), unchanged, batch)


def _update_statistics(stats: Sequence[Statistic], names: Sequence[str], same_for_all: dict[str, object]) -> None:
    """Write the named fields of many statistics, plus values that are the same for all, by primary key.

    One ``UPDATE ... FROM (VALUES ...)`` per chunk: Django's bulk_update builds
    a CASE expression per row and field in Python, which takes seconds for
    tens of thousands of rows.
    """
    if not stats:
        return
    meta = Statistic._meta
    quote = connection.ops.quote_name
    fields = [meta.pk, *(meta.get_field(name) for name in names)]
    columns = ", ".join(quote(f.column) for f in fields)
    row_sql = "(" + ", ".join(f"%s::{f.cast_db_type(connection)}" for f in fields) + ")"
    assignments = [f"{quote(f.column)} = v.{quote(f.column)}" for f in fields[1:]]
    assignments += [f"{quote(meta.get_field(name).column)} = %s" for name in same_for_all]
    with connection.cursor() as cursor:
        for chunk in _chunks(stats):
            params = list(same_for_all.values())
            for stat in chunk:
                params += [f.get_db_prep_save(getattr(stat, f.attname), connection) for f in fields]
            cursor.execute(
                f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)} "  # noqa: S608 -- names from the model
                f"FROM (VALUES {', '.join([row_sql] * len(chunk))}) AS v({columns}) "
                f"WHERE {quote(meta.db_table)}.{quote(meta.pk.column)} = v.{quote(meta.pk.column)}",
                params,
            )


def _save_enterprises(
    rows: Sequence[StatisticRow],
    enterprises: dict[str, Enterprise],
    latest_stored: dict[int, int],
    now,
) -> None:
    """Create missing enterprises and bring names and current parcels up to date; fills ``enterprises``."""
    new: list[Enterprise] = []
    changed: list[Enterprise] = []
    for code, row in _latest_rows(rows).items():
        enterprise = enterprises.get(code)
        if enterprise is None:
            new.append(Enterprise(credit_code=code, name=row.enterprise_name, parcel_id=row.parcel_id))
            continue
        stored = latest_stored.get(enterprise.id)
        if stored is not None and row.year * 10 + row.quarter < stored:
            continue  # the file is older than what is stored: keep the current name and parcel
        if (enterprise.name, enterprise.parcel_id) != (row.enterprise_name, row.parcel_id):
            enterprise.name, enterprise.parcel_id, enterprise.updated_at = row.enterprise_name, row.parcel_id, now
            changed.append(enterprise)
    for enterprise in Enterprise.objects.bulk_create(new, batch_size=CHUNK):
        enterprises[enterprise.credit_code] = enterprise
    Enterprise.objects.bulk_update(changed, ["name", "parcel", "updated_at"], batch_size=CHUNK)


# --- locks ---------------------------------------------------------------------

# Sources that are official by themselves and may write into an approved quarter.
AUTHORITATIVE = (Statistic.Source.CLI, Statistic.Source.DEMO)


class ReturnError(Exception):
    """A write to a return or to official data that cannot be done; the message is for the user."""


class LockedPeriod(ReturnError):
    """The parcel-quarter was approved by the office and is locked."""


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

    def __init__(self, checked: validation.Checked, *, submitting: bool = False):
        self.checked = checked
        if checked.errors:
            message = _("有 %(n)s 处错误，未保存，请修改标红的单元格。") % {"n": len(checked.errors)}
        else:
            message = _("有 %(n)s 处需要说明的异常值，请在对应企业的“情况说明”中填写原因后再提交。") % {
                "n": len(checked.unexplained())
            }
        self.submitting = submitting
        super().__init__(message)


# How an approved return's rows are recorded in the official statistics.
STATISTIC_SOURCE = {
    ParcelReturn.Source.FORM: Statistic.Source.FORM,
    ParcelReturn.Source.UPLOAD: Statistic.Source.UPLOAD,
    ParcelReturn.Source.API: Statistic.Source.API,
}


def lock_message(parcel_return: ParcelReturn) -> str:
    """Say who approved a parcel-quarter and when, and who can unlock it."""
    who = parcel_return.approved_by.get_username() if parcel_return.approved_by else _("联席会议办公室")
    at = timezone.localtime(parcel_return.approved_at).strftime("%Y-%m-%d %H:%M")
    return _(
        "%(parcel)s %(year)s年第%(quarter)s季度的数据已由 %(who)s 于 %(at)s 审核通过并锁定，不能修改；"
        "如需修改，请联系联席会议办公室解锁。"
    ) % {
        "parcel": parcel_return.parcel,
        "year": parcel_return.year,
        "quarter": parcel_return.quarter,
        "who": who,
        "at": at,
    }


def check_unlocked(periods: Iterable[tuple[int, int, int]], *, approving: ParcelReturn | None = None) -> None:
    """Raise LockedPeriod if any (parcel id, year, quarter) belongs to an approved return (other than ``approving``).

    Locks the approved returns' rows until the transaction ends, so an unlock
    cannot interleave with a write.
    """
    periods = set(periods)
    if not periods:
        return
    condition = Q()
    for parcel_id, year, quarter in periods:
        condition |= Q(parcel_id=parcel_id, year=year, quarter=quarter)
    locked = (
        ParcelReturn.objects.select_for_update(of=("self",))
        .filter(condition, state=ParcelReturn.State.APPROVED)
        .select_related("parcel", "approved_by")
        .order_by("year", "quarter", "parcel__order")
    )
    for parcel_return in locked:
        if approving is None or parcel_return.pk != approving.pk:
            raise LockedPeriod(lock_message(parcel_return))


def save_statistic(
    *, statistic: Statistic, user: AbstractBaseUser | None, source: str = Statistic.Source.ADMIN
) -> None:
    """Save one statistic edited by hand (the admin), unless its old or new parcel-quarter is locked."""
    with transaction.atomic(), pghistory.context(source=source, user=user.pk if user else None):
        periods = {(statistic.parcel_id, statistic.year, statistic.quarter)}
        if statistic.pk:
            old = Statistic.objects.filter(pk=statistic.pk).values_list("parcel_id", "year", "quarter").first()
            if old:
                periods.add(old)
        check_unlocked(periods)
        statistic.source = source
        statistic.recorded_by = user
        statistic.save()


def delete_statistics(*, statistics: Iterable[Statistic], user: AbstractBaseUser | None, source: str) -> int:
    """Delete statistics, unless one of them is in a locked parcel-quarter; return how many were deleted."""
    ids = [s.pk for s in statistics]
    with transaction.atomic(), pghistory.context(source=source, user=user.pk if user else None):
        rows = Statistic.objects.filter(pk__in=ids)
        check_unlocked(set(rows.values_list("parcel_id", "year", "quarter")))
        deleted, _detail = rows.delete()
    return deleted


# --- assignments ---------------------------------------------------------------


def assign_manager(*, user: AbstractBaseUser, parcel: Parcel, by: AbstractBaseUser | None = None) -> ParcelManager:
    """Let a park manager read and write a parcel's enterprise data (recorded in the history)."""
    from django.contrib.auth.models import Group

    from .access import MANAGER

    with transaction.atomic(), pghistory.context(source="assignment", user=by.pk if by else None):
        user.groups.add(Group.objects.get_or_create(name=MANAGER)[0])
        return ParcelManager.objects.get_or_create(user=user, parcel=parcel)[0]


def unassign_manager(*, user: AbstractBaseUser, parcel: Parcel, by: AbstractBaseUser | None = None) -> None:
    with transaction.atomic(), pghistory.context(source="assignment", user=by.pk if by else None):
        ParcelManager.objects.filter(user=user, parcel=parcel).delete()


# --- quarterly returns -----------------------------------------------------------

ROW_FIELDS = ("enterprise_name", "moved_out", *(f.name for f in statfields.FIELDS), "explanation")


def check_rows(*, parcel: Parcel, year: int, quarter: int, rows: Sequence[Mapping[str, object]]) -> validation.Checked:
    """Read and check a return's rows against the parcel's previous quarter and last year (no writes)."""
    codes = [str(row.get("credit_code") or "").strip().upper() for row in rows]
    return validation.check_return(rows, queries.validation_context(parcel.id, year, quarter, codes))


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

    ``rows`` map credit_code, enterprise_name, moved_out, the thirteen
    statfields (raw text or typed) and explanation. ``version`` is the version
    the user loaded (0 for a return not yet started): if the return has moved
    on since, ReturnConflict is raised and nothing is written. A hard-rule
    error raises ReturnInvalid; so does an unexplained warning when
    submitting. An approved (locked) or submitted return cannot be changed.
    Every write is recorded in the history with the user and the source.
    """
    with transaction.atomic(), pghistory.context(source=source, user=user.pk):
        parcel_return = (
            ParcelReturn.objects.select_for_update(of=("self",))
            .select_related("parcel", "approved_by", "updated_by")
            .filter(parcel=parcel, year=year, quarter=quarter)
            .first()
        )
        if parcel_return is not None:
            if parcel_return.locked:
                raise LockedPeriod(lock_message(parcel_return))
            if parcel_return.version != version:
                raise ReturnConflict(parcel_return)
            if parcel_return.state == ParcelReturn.State.SUBMITTED:
                raise ReturnError(_("此报表已提交，正在等待审核，不能修改；如需修改，请联系联席会议办公室退回。"))
        elif version != 0:
            raise ReturnError(_("此报表已不存在，请刷新页面。"))
        checked = check_rows(parcel=parcel, year=year, quarter=quarter, rows=rows)
        if checked.errors or (submit and checked.unexplained()):
            raise ReturnInvalid(checked, submitting=submit)

        now = timezone.now()
        if parcel_return is None:
            parcel_return = ParcelReturn.objects.create(
                parcel=parcel, year=year, quarter=quarter, created_by=user, updated_by=user, source=source
            )
        pghistory.context(parcel_return=parcel_return.pk)
        _write_rows(parcel_return, checked.rows)
        parcel_return.version += 1
        parcel_return.updated_by = user
        parcel_return.source = source
        if upload_name or source == ParcelReturn.Source.FORM:
            parcel_return.upload_name = upload_name[:255]
        if submit:
            parcel_return.state = ParcelReturn.State.SUBMITTED
            parcel_return.submitted_by, parcel_return.submitted_at = user, now
            parcel_return.first_submitted_at = parcel_return.first_submitted_at or now
        else:
            parcel_return.state = (
                ParcelReturn.State.RETURNED
                if parcel_return.state == ParcelReturn.State.RETURNED
                else ParcelReturn.State.DRAFT
            )
        parcel_return.save()
    return parcel_return, checked


def _row_values(row: validation.CheckedRow) -> dict[str, object]:
    values = {name: row.values.get(name) for name in (f.name for f in statfields.FIELDS)}
    if row.moved_out:  # its figures are not part of the return
        values = {
            f.name: (None if f.kind == statfields.DATE else False if f.kind == statfields.FLAG else 0)
            for f in statfields.FIELDS
        }
    return {
        "enterprise_name": row.enterprise_name,
        "moved_out": row.moved_out,
        **values,
        "explanation": row.explanation,
    }


def _write_rows(parcel_return: ParcelReturn, rows: Sequence[validation.CheckedRow]) -> None:
    """Bring the stored rows in line with ``rows``: only changed rows are written, so the history shows edits."""
    stored = {row.credit_code: row for row in ReturnRow.objects.filter(parcel_return=parcel_return)}
    wanted = {row.credit_code for row in rows}
    ReturnRow.objects.filter(parcel_return=parcel_return).exclude(credit_code__in=wanted).delete()
    create, update = [], []
    for row in rows:
        values = {"position": row.position, **_row_values(row)}
        current = stored.get(row.credit_code)
        if current is None:
            create.append(ReturnRow(parcel_return=parcel_return, credit_code=row.credit_code, **values))
        elif any(getattr(current, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(current, name, value)
            update.append(current)
    ReturnRow.objects.bulk_create(create)
    ReturnRow.objects.bulk_update(update, ["position", *ROW_FIELDS])


def _locked_return(pk: int) -> ParcelReturn:
    return ParcelReturn.objects.select_for_update(of=("self",)).select_related("parcel").get(pk=pk)


def approve_return(*, parcel_return: ParcelReturn, user: AbstractBaseUser) -> UpsertResult:
    """Approve a submitted return: write its rows into the official statistics and lock the parcel-quarter.

    In one transaction: the rows are checked again (data may have moved since
    the submission), written through ``upsert_statistics``, official rows of
    enterprises no longer in the return are removed, enterprises moved out are
    detached from the parcel, and the return becomes 已审核.
    """
    with transaction.atomic(), pghistory.context(source="approval", user=user.pk, parcel_return=parcel_return.pk):
        ret = _locked_return(parcel_return.pk)
        if ret.state != ParcelReturn.State.SUBMITTED:
            raise ReturnError(_("只有已提交的报表才能审核通过（当前状态：%(s)s）。") % {"s": ret.get_state_display()})
        checked = check_rows(parcel=ret.parcel, year=ret.year, quarter=ret.quarter, rows=queries.return_rows(ret))
        if checked.errors:
            raise ReturnInvalid(checked)
        active = [row for row in checked.rows if not row.moved_out]
        statistic_rows = [
            StatisticRow(
                row=row.position,
                credit_code=row.credit_code,
                enterprise_name=row.enterprise_name,
                parcel_id=ret.parcel_id,
                year=ret.year,
                quarter=ret.quarter,
                values=dict(row.values),
            )
            for row in active
        ]
        result = upsert_statistics(
            rows=statistic_rows,
            source=STATISTIC_SOURCE[ret.source],
            user=user,
            filename=ret.upload_name or f"{ret.parcel.code} {ret.year}Q{ret.quarter}",
            approving=ret,
        )
        Statistic.objects.filter(parcel=ret.parcel, year=ret.year, quarter=ret.quarter).exclude(
            enterprise__credit_code__in=[row.credit_code for row in active]
        ).delete()
        moved = [row.credit_code for row in checked.rows if row.moved_out]
        Enterprise.objects.filter(credit_code__in=moved, parcel=ret.parcel).update(
            parcel=None, updated_at=timezone.now()
        )
        now = timezone.now()
        ret.state = ParcelReturn.State.APPROVED
        ret.approved_by = ret.reviewed_by = user
        ret.approved_at = ret.reviewed_at = now
        ret.comment = ""
        ret.version += 1
        ret.save()
    parcel_return.refresh_from_db()
    return result


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


def send_reminders(*, today) -> ReminderSummary:
    """E-mail the managers of parcels whose return for the last ended quarter is not submitted yet.

    A reminder goes out on each day of RETURN_REMINDER_OFFSETS relative to the
    deadline (negative: before it), once per manager, parcel and offset; a run
    that missed a day sends the latest due reminder only. Safe to run twice.
    """
    year, quarter = queries.last_ended_period(today)
    due = queries.deadline(year, quarter)
    offsets = sorted(o for o in settings.RETURN_REMINDER_OFFSETS if (today - due).days >= o)
    if not offsets or (today - due).days > max(settings.RETURN_REMINDER_OFFSETS):
        return ReminderSummary((year, quarter), 0, 0)
    offset = offsets[-1]
    done = ParcelReturn.objects.filter(
        year=year, quarter=quarter, state__in=[ParcelReturn.State.SUBMITTED, ParcelReturn.State.APPROVED]
    ).values_list("parcel_id", flat=True)
    # Official data imported from the command line counts as approved.
    imported = Statistic.objects.filter(year=year, quarter=quarter).values_list("parcel_id", flat=True)
    assignments = (
        ParcelManager.objects.exclude(parcel_id__in=done)
        .exclude(parcel_id__in=imported)
        .filter(user__is_active=True)
        .select_related("parcel", "user")
        .order_by("parcel__order", "user__username")
    )
    sent = no_email = 0
    for assignment in assignments:
        user, parcel = assignment.user, assignment.parcel
        if not user.email:
            no_email += 1
            continue
        with transaction.atomic():
            _row, created = ReminderSent.objects.get_or_create(
                parcel=parcel, user=user, year=year, quarter=quarter, offset_days=offset
            )
            if not created:
                continue
            url = settings.SITE_URL.rstrip("/") + reverse("returns:edit", args=[parcel.id, year, quarter])
            days = (due - today).days
            when = (
                _("还有 %(d)s 天截止") % {"d": days}
                if days > 0
                else _("今天截止")
                if days == 0
                else _("已逾期 %(d)s 天") % {"d": -days}
            )
            subject = _("【催报】%(parcel)s %(year)s年第%(quarter)s季度统计报表（%(when)s）") % {
                "parcel": parcel,
                "year": year,
                "quarter": quarter,
                "when": when,
            }
            body = _(
                "%(name)s：\n\n%(parcel)s %(year)s年第%(quarter)s季度的企业统计报表尚未提交，"
                "截止日期为 %(due)s（%(when)s）。\n"
                "请登录平台填报并提交：%(url)s\n\n张江高新区宝山园“十四五”规划实施监测平台"
            ) % {
                "name": user.get_full_name() or user.get_username(),
                "parcel": parcel,
                "year": year,
                "quarter": quarter,
                "due": due.isoformat(),
                "when": when,
                "url": url,
            }
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
            sent += 1
    summary = ReminderSummary((year, quarter), sent, no_email)
    log.info("%s", summary)
    return summary

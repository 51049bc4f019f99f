"""Every write to the official data of the parcels app: statistics, enterprises, manager assignments.

Each write respects the lock of a parcel-quarter whose return the office
approved (``check_unlocked``). The returns workflow's own writes are in
parcels.returns.services.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd
import pghistory
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import queries, statfields
from .imports import StatisticRow
from .models import DataElement, Enterprise, ImportBatch, Parcel, ParcelManager, ParcelReturn, Statistic
from .queries import CHUNK, chunks


@dataclass(frozen=True)
class UpsertResult:
    created: int
    updated: int
    unchanged: int
    batch: ImportBatch | None  # None for a dry run

    def __str__(self) -> str:
        return f"created={self.created} updated={self.updated} unchanged={self.unchanged}"


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
    keys (``read_statistics_file`` ensures it). A row's ``values`` name the
    data elements it carries (those in use in its period): each is compared
    and written through ``statfields.figure`` / ``set_figure`` (its column, or
    ``extra``); an element a row does not carry keeps its stored figure. With
    ``dry_run`` only the counts are computed and nothing is written
    (``batch`` is None).

    A parcel-quarter whose return the office approved is locked: rows that
    would write into it (or move a row out of it) raise LockedPeriod, unless
    ``approving`` is that very return or the source is the command line or the
    demo data, which are authoritative. Every change is recorded in the
    history with the source, the user and the batch.
    """
    codes = sorted({row.credit_code for row in rows})
    years = sorted({row.year for row in rows})
    with transaction.atomic(), pghistory.context(source=source, user=user.pk if user else None):
        elements = queries.data_elements()
        enterprises = queries.enterprises_by_code(codes)
        plan = _plan_upsert(rows, queries.statistics_by_key(enterprises, years), elements)
        latest_stored = queries.latest_periods([e.id for e in enterprises.values()])
        if source not in AUTHORITATIVE:
            check_unlocked(plan.touched, approving=approving)
        if dry_run:
            return UpsertResult(len(plan.create), len(plan.update), plan.unchanged, None)

        now = timezone.now()
        batch = _record_batch(plan, source=source, user=user, filename=filename, sha256=sha256)
        _save_enterprises(rows, enterprises, latest_stored, now)
        _create_statistics(plan.create, enterprises, elements, source=source, batch=batch, user=user)
        attribution = {
            "source": source,
            "batch": batch.pk,
            "recorded_by": user.pk if user else None,
            "recorded_at": now,
        }
        _update_statistics(plan.update, sorted(plan.changed_fields), attribution)
    return UpsertResult(len(plan.create), len(plan.update), plan.unchanged, batch)


def _record_batch(
    plan: _UpsertPlan, *, source: str, user: AbstractBaseUser | None, filename: str, sha256: str
) -> ImportBatch:
    """Create the batch the upsert's rows belong to, and name it in the history's context."""
    batch = ImportBatch.objects.create(
        source=source,
        filename=filename[:255],
        sha256=sha256,
        created_by=user,
        created=len(plan.create),
        updated=len(plan.update),
        unchanged=plan.unchanged,
    )
    pghistory.context(batch=batch.pk, filename=filename[:255])
    return batch


@dataclass
class _UpsertPlan:
    """What an upsert will write: rows to create, statistics changed in memory, and the periods it touches."""

    touched: set[tuple[int, int, int]]  # (parcel id, year, quarter)
    create: list[StatisticRow] = field(default_factory=list)
    update: list[Statistic] = field(default_factory=list)
    changed_fields: set[str] = field(default_factory=set)
    unchanged: int = 0


def _plan_upsert(
    rows: Sequence[StatisticRow], existing: Mapping[tuple[str, int, int], Statistic], elements: statfields.Elements
) -> _UpsertPlan:
    """Sort the rows into new and revised statistics; the revised ones take their new values in memory.

    ``changed_fields`` collects the model fields to write: an element's column, or ``extra``.
    """
    # The periods the rows would write into, including where a revised row moves out of
    # (taken before the revised statistics take their new parcel).
    touched = {(row.parcel_id, row.year, row.quarter) for row in rows}
    touched |= {(existing[row.key].parcel_id, row.year, row.quarter) for row in rows if row.key in existing}
    plan = _UpsertPlan(touched)
    for row in rows:
        stat = existing.get(row.key)
        if stat is None:
            plan.create.append(row)
            continue
        changed = {"parcel_id"} if stat.parcel_id != row.parcel_id else set()
        stat.parcel_id = row.parcel_id
        for name, value in row.values.items():
            element = elements.by_name[name]
            if statfields.figure(stat, element) != value:
                statfields.set_figure(stat, element, value)
                changed.add(element.column or "extra")
        if changed:
            plan.changed_fields.update(changed)
            plan.update.append(stat)
    plan.unchanged = len(rows) - len(plan.create) - len(plan.update)
    return plan


def _create_statistics(
    rows: Sequence[StatisticRow],
    enterprises: Mapping[str, Enterprise],
    elements: statfields.Elements,
    *,
    source: str,
    batch: ImportBatch,
    user: AbstractBaseUser | None,
) -> None:
    """Create the new statistics; a built-in element a row does not carry (not in use then) has no figure."""
    nothing = dict.fromkeys(f.column for f in statfields.BUILT_IN)
    stats = []
    for row in rows:
        stat = Statistic(
            enterprise=enterprises[row.credit_code],
            parcel_id=row.parcel_id,
            year=row.year,
            quarter=row.quarter,
            source=source,
            batch=batch,
            recorded_by=user,
            **nothing,
        )
        for name, value in row.values.items():
            statfields.set_figure(stat, elements.by_name[name], value)
        stats.append(stat)
    Statistic.objects.bulk_create(stats, batch_size=CHUNK)


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
        for chunk in chunks(stats):
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


# --- the lock of an approved parcel-quarter ----------------------------------------

# Sources that are official by themselves and may write into an approved quarter.
AUTHORITATIVE = (Statistic.Source.CLI, Statistic.Source.DEMO)


class ReturnError(Exception):
    """A write to a return or to official data that cannot be done; the message is for the user."""


class LockedPeriod(ReturnError):
    """The parcel-quarter was approved by the office and is locked."""


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


# --- data elements -------------------------------------------------------------


class ElementInUse(Exception):
    """A change to a data element that its data forbid (its code or kind, its deletion); the message is for the user."""


def save_data_element(*, element: DataElement, user: AbstractBaseUser | None) -> DataElement:
    """Save a data element the office added or edited (the admin), recorded in the history.

    Refused (ElementInUse) when it changes the code or the kind of an element
    that holds data, or what a built-in element's column stores. Retiring is
    setting ``last_period``: the data and the history stay.
    """
    with transaction.atomic(), pghistory.context(source="admin", user=user.pk if user else None):
        if element.pk:
            DataElement.objects.select_for_update().filter(pk=element.pk).first()
        problem = queries.element_change_problem(element)
        if problem:
            raise ElementInUse(problem)
        element.save()
    return element


def delete_data_element(*, element: DataElement, user: AbstractBaseUser | None) -> None:
    """Delete a data element nobody has filled in; one with data (or a built-in one) can only be retired."""
    with transaction.atomic(), pghistory.context(source="admin", user=user.pk if user else None):
        problem = queries.element_delete_problem(element)
        if problem:
            raise ElementInUse(problem)
        element.delete()


def ensure_built_in_elements(data_element_model: type[DataElement] = DataElement, using: str = "default") -> int:
    """Create the thirteen built-in elements when there are no elements at all; return how many were created.

    The data migration creates them; this restores them after the whole
    database was emptied (``flush``), as Django restores content types.
    """
    manager = data_element_model._default_manager.using(using)
    if manager.exists():
        return 0
    manager.bulk_create(
        [
            data_element_model(
                code=f.name,
                label_zh=f.label_zh,
                label_en=f.label_en,
                unit=f.unit,
                unit_en=f.unit_en,
                kind=f.kind,
                decimals=f.decimals,
                min_value=f.min_value,
                max_value=f.max_value,
                may_not_apply=f.may_not_apply,
                required=f.required,
                order=order,
                column=f.column,
            )
            for order, f in enumerate(statfields.BUILT_IN, start=1)
        ]
    )
    return len(statfields.BUILT_IN)


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


# --- what approving a return would change: checks other apps may add -------------------


@dataclass(frozen=True)
class Effect:
    """One figure an approval would change: the parcel's enterprises, a park indicator (before and after)."""

    code: str  # "enterprises", or an indicator's code
    label: str  # what the figure is, in the user's language
    before: float | None
    after: float | None
    decimals: int = 0

    @property
    def change(self) -> float | None:
        """Return the relative change (0.05 is 5%), None where there is nothing to compare with."""
        if self.before is None or self.after is None or self.before == 0:
            return None
        return (self.after - self.before) / abs(self.before)

    def exceeds(self, limit: float) -> bool:
        """Tell whether the figure moves by more than ``limit`` (a share): or appears from 0, or disappears."""
        if self.before is None:
            return False
        if self.after is None:
            return True
        if self.before == 0:
            return self.after != 0
        return abs(self.change or 0.0) > limit + 1e-12


@dataclass(frozen=True)
class ApprovalChange:
    """What an approval writes: a parcel-quarter's rows as enterprise records (``queries.rows_frame``)."""

    parcel_id: int
    year: int
    quarter: int
    records: pd.DataFrame


EffectCheck = Callable[[ApprovalChange], list[Effect]]
_EFFECT_CHECKS: list[EffectCheck] = []


def register_effect_check(check: EffectCheck) -> EffectCheck:
    """Add a check of what an approval changes (indicators adds the park's indicators); registered once."""
    if check not in _EFFECT_CHECKS:
        _EFFECT_CHECKS.append(check)
    return check


def approval_effects(change: ApprovalChange) -> list[Effect]:
    """Return every registered check's effects of an approval, in the order the checks were registered."""
    return [effect for check in _EFFECT_CHECKS for effect in check(change)]

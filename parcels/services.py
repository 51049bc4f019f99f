"""Every write to the parcels app's data goes through here."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone

from . import statfields
from .imports import StatisticRow
from .models import Enterprise, ImportBatch, Statistic

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
    """
    codes = sorted({row.credit_code for row in rows})
    years = sorted({row.year for row in rows})
    with transaction.atomic():
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

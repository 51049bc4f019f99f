"""Benchmark what the history triggers cost a bulk import through upsert_statistics.

Makes a scratch database beside DATABASE_URL's (dropped first), then imports
N new rows and revises all of them, once with the history triggers on and once
with them off (the data-change triggers stay on in both). Prints seconds and
event rows written.

Run: DATABASE_URL=... .venv/bin/python bench/history.py [--rows N]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HISTORY_TRIGGERS = ("insert_insert", "update_update", "delete_delete")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    parts = urlsplit(url)
    scratch = "parkplan_bench_history"
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + scratch))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkplan.settings")
    os.environ.setdefault("DEBUG", "1")

    import psycopg2

    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        cursor.execute(f'CREATE DATABASE "{scratch}"')

    import django

    django.setup()
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from parcels import services
    from parcels.imports import StatisticRow
    from parcels.models import Parcel, Statistic
    from parkplan import creditcode

    parcel = Parcel.objects.create(code="bench", name_zh="基准地块", name_en="Bench", area_km2=1, order=1)

    def rows(offset: int, revenue: int) -> list[StatisticRow]:
        values = {
            "revenue": Decimal(revenue), "industrial_output": Decimal(50), "above_scale": False,
            "sei_output": Decimal(0), "value_added": Decimal(20), "rd_expenditure": Decimal(1), "tax": Decimal(2),
            "employees": 10, "masters_plus": 1, "foreign_returnee": 0, "invention_patents": 0,
            "high_tech": False, "listed_date": None,
        }  # fmt: skip
        return [
            StatisticRow(i, creditcode.make_code(f"91310113{offset + i:09d}"), f"企业{i}", parcel.id, 2024, 4, values)
            for i in range(args.rows)
        ]

    def switch(on: bool) -> None:
        with connection.cursor() as cursor:
            for table in ("parcels_statistic", "parcels_enterprise"):
                for name in HISTORY_TRIGGERS:
                    cursor.execute(
                        "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname LIKE %s",
                        [table, f"pgtrigger_{name}%"],
                    )
                    for (trigger,) in cursor.fetchall():
                        cursor.execute(f'ALTER TABLE {table} {"ENABLE" if on else "DISABLE"} TRIGGER "{trigger}"')

    for label, on, offset in (("history on ", True, 0), ("history off", False, 10_000_000)):
        switch(on)
        started = time.perf_counter()
        services.upsert_statistics(rows=rows(offset, 100), source="cli")
        created = time.perf_counter() - started
        started = time.perf_counter()
        services.upsert_statistics(rows=rows(offset, 250), source="cli")
        updated = time.perf_counter() - started
        print(f"{label}: create {args.rows} rows {created:.2f}s, revise them {updated:.2f}s")
    switch(True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM parcels_statisticevent")
        print(f"statistic events written: {cursor.fetchone()[0]} (for {Statistic.objects.count()} rows)")
    connection.close()
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')


if __name__ == "__main__":
    main()

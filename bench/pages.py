"""Benchmark the dashboard pages against one million enterprise-period records.

Uses the scratch database of bench/recompute.py (parkplan_bench, beside
DATABASE_URL's): reuses it when it holds the records, else creates it and
generates them the same way (it is never dropped here). Then times, with
Django's test Client in this process (the server's side only, no network):
every dashboard page (the overview, an indicator, the parcels, a parcel, the
functional areas, the parcel map), the median of --repeat requests each, and the queries each
makes; and the overview's transfer: its HTML and every static
file it references, each gzipped (what a browser with an empty cache fetches).

Run: scripts/bench   (or: DATABASE_URL=... .venv/bin/python bench/pages.py)
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from recompute import generate, scratch_url  # noqa: E402 - the generator of bench/recompute.py

PAGES = {
    "overview": "/",
    "indicator": "/indicators/I3/",
    "parcels": "/parcels/",
    "parcel": "/parcels/nanda/",
    "areas": "/areas/",
    "map": "/map/",
}


def ensure_database(base_url: str, name: str) -> bool:
    """Create the scratch database if it is missing; return whether it existed."""
    import psycopg2

    admin = psycopg2.connect(scratch_url(base_url, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cur.fetchone() is not None
        if not exists:
            cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return exists


def ensure_records(enterprises: int, years: int) -> None:
    """Generate the bench records (as bench/recompute.py does) unless they are there; recompute if stale."""
    from django.core.management import call_command

    from indicators import queries, services
    from parcels.models import Statistic

    call_command("migrate", verbosity=0)
    call_command("load_plan", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    if Statistic.objects.count() != enterprises * years * 4:
        started = time.perf_counter()
        generate(enterprises, years)
        print(f"generated {Statistic.objects.count():,} records in {time.perf_counter() - started:.1f}s")
    state = queries.recompute_state()
    if state.computed_at is None or state.computed_version < queries.data_version():
        print(services.recompute(full=True))


def leave_two_enterprises(code: str, year: int = 2024) -> None:
    """Move all but two of a parcel's enterprises' records of `year` to the next parcel, so the pages withhold cells.

    The number of records stays (the next run reuses the database); the
    results are recomputed, with what each may show to whom.
    """
    from django.db import connection, transaction

    from indicators import services
    from indicators.models import IndicatorValue
    from parcels.models import Parcel, Statistic

    parcel = Parcel.objects.get(code=code)
    other = Parcel.objects.exclude(pk=parcel.pk).order_by("order").first()
    rows = Statistic.objects.filter(parcel=parcel, year=year)
    keep = list(rows.order_by("enterprise_id").values_list("enterprise_id", flat=True).distinct()[:2])
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL session_replication_role = replica")
        moved = rows.exclude(enterprise_id__in=keep).update(parcel=other)
    print(services.recompute(full=True))
    withheld = IndicatorValue.objects.exclude(withheld="").count()
    print(f"{code}: {moved:,} records of {year} moved to {other.code}; values withheld from officials: {withheld}")


def time_pages(client, repeat: int, connection) -> dict:
    """Time each page (median of `repeat`); print it with its queries and the demo-data check's share."""
    results = {}
    for name, path in PAGES.items():
        for _ in range(3):  # warm the caches and the connection
            assert client.get(path).status_code == 200
        times, demo_times, counts = [], [], []
        for _ in range(repeat):
            spent = {"demo": 0.0, "queries": 0}

            def watch(execute, sql, params, many, context, spent=spent):
                started = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    spent["queries"] += 1
                    if '"parcels_statistic"."source"' in sql:
                        spent["demo"] += time.perf_counter() - started

            with connection.execute_wrapper(watch):
                started = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
            demo_times.append(spent["demo"])
            counts.append(spent["queries"])
        results[name] = response
        median = statistics.median(times) * 1000
        print(
            f"  {name:<10} {path:<16} median {median:6.1f} ms of {repeat}"
            f"   min {min(times) * 1000:6.1f}   max {max(times) * 1000:6.1f}   queries {max(counts)}"
            f"   of which the demo-data check: median {statistics.median(demo_times) * 1000:.1f} ms"
        )
    return results


def referenced_static(html: str) -> list[str]:
    """Return the static URLs a page references (stylesheets, scripts, icons)."""
    return sorted(set(re.findall(r'(?:href|src)="(/static/[^"?#]+)"', html)))


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=50_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database", default="parkplan_bench")
    parser.add_argument(
        "--small-parcel",
        default="",
        help="leave this parcel two enterprises in 2024 first (as the disclosure issue found), so the pages withhold "
        "cells; changes the scratch database's records",
    )
    args = parser.parse_args()

    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:54321/parkplan")
    existed = ensure_database(base_url, args.database)
    os.environ["DATABASE_URL"] = scratch_url(base_url, args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkplan.settings")
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ.setdefault("HTTPS", "0")
    import django
    from django.conf import settings

    django.setup()
    # Static URLs without a collectstatic run; the files themselves come from the finders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.contrib.staticfiles import finders
    from django.db import connection
    from django.test import Client

    from parcels import access
    from parcels.models import Statistic

    print(f"database {args.database} ({'reused' if existed else 'created'})")
    ensure_records(args.enterprises, args.years)
    if args.small_parcel:
        leave_two_enterprises(args.small_parcel)

    user, _ = get_user_model().objects.get_or_create(username="bench-official")
    user.groups.add(Group.objects.get_or_create(name=access.OFFICIAL)[0])
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)

    print(f"records                        {Statistic.objects.count():,}")
    results = time_pages(client, args.repeat, connection)

    html = results["overview"].content
    total = html_gz = gzip_size(html)
    print(f"overview transfer (gzip): HTML {len(html) / 1024:.1f} KiB → {html_gz / 1024:.1f} KiB")
    for url in referenced_static(html.decode()):
        found = finders.find(
            url.removeprefix(settings.STATIC_URL if url.startswith(settings.STATIC_URL) else "/static/")
        )
        if not found:
            raise SystemExit(f"static file not found: {url}")
        data = Path(found).read_bytes()
        size = gzip_size(data)
        total += size
        print(f"  {url:<44} {len(data) / 1024:8.1f} KiB → {size / 1024:8.1f} KiB")
    print(f"overview total transfer (gzip) {total / 1024 / 1024:.2f} MiB")


if __name__ == "__main__":
    main()

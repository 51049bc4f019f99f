"""Benchmark the generation of a full assessment report: sixteen charts, Word, PDF and Excel.

Makes a scratch database beside DATABASE_URL's (dropped first), loads the
plan, seeds demo data (300 enterprises by default), recomputes, then times
`--repeat` full reports for one year (the first includes starting the chart
browser). Prints each run's seconds by phase and the files' sizes.

Run: DATABASE_URL=... .venv/bin/python bench/report.py [--year 2023] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def scratch_url(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def _recreate(base_url: str, name: str, *, create: bool) -> None:
    """Drop the scratch database (and create it afresh when `create`), through the postgres database."""
    import psycopg2

    admin = psycopg2.connect(scratch_url(base_url, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if create:
            cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def _prepare(enterprises: int) -> None:
    """Migrate the scratch database, load the plan, seed demo data and recompute."""
    from django.core.management import call_command

    from indicators import services as indicator_services
    from parcels import demo

    call_command("migrate", verbosity=0)
    call_command("load_plan", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    demo.seed_demo(enterprises=enterprises, seed=1)
    indicator_services.recompute(full=True)


def _run(run: int, year: int) -> float:
    """Start and generate one full report; print its phases and file sizes; return its seconds."""
    from indicators.reports import services

    marks: dict[str, float] = {}
    last = [time.perf_counter()]

    def phase(percent: int, message: str) -> None:
        now = time.perf_counter()
        key = "charts" if percent <= 65 else {70: "charts", 80: "docx", 92: "pdf", 100: "xlsx"}.get(percent, "other")
        marks[key] = marks.get(key, 0.0) + now - last[0]
        last[0] = now

    started = time.perf_counter()
    report = services.start_report(year=year)
    frozen = time.perf_counter() - started
    last[0] = time.perf_counter()
    report = services.generate_report(report.id, phase)
    total = time.perf_counter() - started
    sizes = {f.format: f.size for f in report.files.all()}
    phases = " ".join(f"{k}={v:.2f}s" for k, v in marks.items())
    print(
        f"run {run}: total={total:.2f}s freeze={frozen:.2f}s {phases} state={report.state} "
        + " ".join(f"{k}={v / 1024:,.0f}KB" for k, v in sorted(sizes.items()))
    )
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2023)
    parser.add_argument("--enterprises", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database", default="parkplan_bench_report")
    args = parser.parse_args()

    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:54321/parkplan")
    _recreate(base_url, args.database, create=True)
    os.environ["DATABASE_URL"] = scratch_url(base_url, args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkplan.settings")
    os.environ.setdefault("SECRET_KEY", "bench")
    import logging

    import django

    django.setup()
    logging.disable(logging.INFO)
    _prepare(args.enterprises)
    totals = [_run(run, args.year) for run in range(1, args.repeat + 1)]
    print(f"full report ({args.year}, 16 charts, docx+pdf+xlsx): median {statistics.median(totals):.2f}s")

    from django.db import connections

    connections.close_all()
    _recreate(base_url, args.database, create=False)


if __name__ == "__main__":
    main()

"""Benchmark the indicator recompute on one million enterprise-period records carrying 20 data elements.

Makes a scratch database beside DATABASE_URL's (dropped first), loads the 14th
plan and a second plan (2026–2030) whose six more indicators read seven data
elements added as data (stored in the records' ``extra`` JSON, as the office
adds them), generates 50 000 enterprises × 5 years × 4 quarters, then times, in
the same run: (a) a full recompute of every plan's values and progress, (b) a
plain SQL GROUP BY parcel, year, quarter summing the same twenty elements over
the same table, (c) the recompute after one parcel's quarter changes. Prints
medians, their ratio and peak memory.

Run: scripts/bench   (or: DATABASE_URL=... .venv/bin/python bench/recompute.py)
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PLAIN_GROUP_BY = """
SELECT parcel_id, year, quarter, count(*),
       sum(revenue), sum(industrial_output), sum(sei_output), sum(value_added), sum(rd_expenditure),
       sum(tax), sum(employees), sum(masters_plus), sum(foreign_returnee), sum(invention_patents),
       count(*) FILTER (WHERE high_tech), count(*) FILTER (WHERE above_scale), count(listed_date),
       sum((extra->>'tech_contracts')::numeric), sum((extra->>'high_value_patents')::numeric),
       count(*) FILTER (WHERE (extra->>'specialised')::boolean), sum((extra->>'energy_tce')::numeric),
       sum((extra->>'export_value')::numeric), sum((extra->>'new_product_sales')::numeric),
       count(*) FILTER (WHERE (extra->>'green_factory')::boolean)
FROM parcels_statistic GROUP BY parcel_id, year, quarter
"""

# The seven elements added as data: (code, label, unit, kind, decimals).
ADDED_ELEMENTS = [
    ("tech_contracts", "技术合同成交额", "万元", "flow", 2),
    ("high_value_patents", "高价值发明专利拥有量", "件", "stock", 0),
    ("specialised", "是否专精特新企业", "", "flag", 0),
    ("energy_tce", "综合能源消费量", "吨标准煤", "flow", 2),
    ("export_value", "出口交货值", "万元", "flow", 2),
    ("new_product_sales", "新产品销售收入", "万元", "flow", 2),
    ("green_factory", "是否绿色工厂", "", "flag", 0),
]

# The second plan's indicators over the added elements (docs/method.md §2), besides the 14th plan's eight.
LATER_INDICATORS = [
    ("N1", "growth", 7, "sum(rd_expenditure)"),
    ("N2", "level", 60, "10000 * sum(high_value_patents) / sum(employees)"),
    ("N3", "level", 500000, "sum(tech_contracts)"),
    ("N4", "cumulative", 200, "count(specialised)"),
    ("N5", "level", 300, "sum(tax) / parcel.area_mu"),
    ("N6", "change", 13.5, "sum(energy_tce) / sum(value_added)"),
]

GENERATE = """
INSERT INTO parcels_statistic (
    enterprise_id, parcel_id, year, quarter, revenue, industrial_output, above_scale, sei_output,
    value_added, rd_expenditure, tax, employees, masters_plus, foreign_returnee, invention_patents,
    high_tech, listed_date, extra, source, recorded_at)
SELECT e.id, e.parcel_id, y, q,
       round((random() * 20000 * q)::numeric, 2) AS revenue,
       round((o * q)::numeric, 2),
       random() < 0.3,
       round((o * q * random() * 0.6)::numeric, 2),
       round((random() * 5000 * q)::numeric, 2),
       round((random() * 300 * q)::numeric, 2),
       round((random() * 800 * q)::numeric, 2),
       emp, floor(emp * random() * 0.1), floor(emp * random() * 0.02), floor(random() * 3 * q),
       random() < 0.15,
       CASE WHEN random() < 0.0005 THEN date '2021-01-01' + (random() * 1800)::int END,
       jsonb_build_object(
           'tech_contracts', round((random() * 500 * q)::numeric, 2)::text,
           'high_value_patents', floor(random() * 5)::text,
           'specialised', random() < 0.05,
           'energy_tce', round((random() * 2000 * q)::numeric, 2)::text,
           'export_value', round((random() * 3000 * q)::numeric, 2)::text,
           'new_product_sales', round((random() * 4000 * q)::numeric, 2)::text,
           'green_factory', random() < 0.02),
       'cli', now()
FROM parcels_enterprise e
CROSS JOIN generate_series(%(first)s, %(last)s) AS y
CROSS JOIN generate_series(1, 4) AS q
CROSS JOIN LATERAL (SELECT random() * 30000 AS o, 10 + floor(random() * 400)::int AS emp) AS r
"""


def generate(enterprises: int, years: int) -> None:
    """Replace every enterprise and statistic with generated ones, in one transaction.

    The writes are setup, not what is measured: the history and data-change
    triggers are skipped (session_replication_role = replica), and the stored
    results are marked stale so the next recompute is a full one.
    """
    from django.db import connection, transaction

    from indicators.models import RecomputeState
    from parcels.models import Enterprise, Parcel
    from parkplan import creditcode

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL session_replication_role = replica")
        cur.execute("DELETE FROM parcels_statistic")
        cur.execute("DELETE FROM parcels_enterprise")
        parcels = list(Parcel.objects.values_list("id", flat=True))
        Enterprise.objects.bulk_create(
            [
                Enterprise(
                    credit_code=creditcode.make_code(f"91310113{i:09d}"),
                    name=f"基准测试企业{i}",
                    parcel_id=parcels[i % len(parcels)],
                )
                for i in range(enterprises)
            ],
            batch_size=10_000,
        )
        cur.execute("SELECT setseed(0.42)")
        cur.execute(GENERATE, {"first": 2027 - years, "last": 2026})
        RecomputeState.objects.update_or_create(id=1, defaults={"computed_at": None})
    with connection.cursor() as cur:
        cur.execute("ANALYZE parcels_statistic")


def scratch_url(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def median_time(fn, repeat: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def create_database(base_url: str, name: str, *, keep: bool) -> None:
    """Create the scratch database beside base_url's (dropped first, unless `keep` and it is there)."""
    import psycopg2

    admin = psycopg2.connect(scratch_url(base_url, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cur.fetchone() is not None
        if exists and not keep:
            cur.execute(f'DROP DATABASE "{name}"')
        if not exists or not keep:
            cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def add_later_plan() -> None:
    """Add the seven elements and a 2026–2030 plan: the 14th plan's indicators and six over the new elements."""
    import json
    import tempfile

    from indicators.reference import load_plan
    from parcels.models import DataElement

    for order, (code, label, unit, kind, decimals) in enumerate(ADDED_ELEMENTS, start=100):
        DataElement.objects.get_or_create(
            code=code,
            defaults={
                "label_zh": label,
                "label_en": code,
                "unit": unit,
                "kind": kind,
                "decimals": decimals,
                "order": order,
                "may_not_apply": True,
                "required": False,
            },
        )
    document = json.loads((ROOT / "fixtures" / "plan-14th.json").read_text(encoding="utf-8"))
    document["plan"].update(code="bench-2030", start_year=2026, end_year=2030, base_year=2025)
    first = document["indicators"][0]
    for indicator in document["indicators"]:
        indicator.update(target_year=2030, base_values=[])
    for order, (code, kind, target, formula) in enumerate(LATER_INDICATORS, start=20):
        document["indicators"].append(
            {
                **first,
                "code": code,
                "order": order,
                "target_kind": kind,
                "target_value": target,
                "formula": formula,
                "benchmark_values": [],
                "base_values": [],
                "lower_is_better": kind == "change",
            }
        )
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(document, f, ensure_ascii=False)
    load_plan(f.name)


def load_records(enterprises: int, years: int) -> None:
    """Migrate, load both plans and generate the records unless they are there."""
    from django.core.management import call_command

    from parcels.models import Statistic

    call_command("migrate", verbosity=0)
    call_command("load_plan", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    add_later_plan()
    if Statistic.objects.count() != enterprises * years * 4:
        started = time.perf_counter()
        generate(enterprises, years)
        print(f"generated {Statistic.objects.count():,} records in {time.perf_counter() - started:.1f}s")


def measure(repeat: int) -> dict[str, tuple[float, list[float]]]:
    """Time the full recompute, the plain GROUP BY and the recompute after one parcel-quarter changes."""
    import django
    from django.db import connection

    from indicators import services
    from parcels.models import Parcel, Statistic

    services.recompute(full=True)  # warm caches once

    def plain():
        with connection.cursor() as cur:
            cur.execute(PLAIN_GROUP_BY)
            cur.fetchall()

    parcel = Parcel.objects.order_by("order").first()

    def one_quarter():
        Statistic.objects.filter(parcel=parcel, year=2024, quarter=2).update(tax=django.db.models.F("tax") + 1)
        started = time.perf_counter()
        summary = services.recompute()
        assert summary.status == "done", summary
        return time.perf_counter() - started

    timings = {
        "full": median_time(lambda: services.recompute(full=True), repeat),
        "group_by": median_time(plain, repeat),
    }
    incremental = [one_quarter() for _ in range(repeat)]
    timings["incremental"] = statistics.median(incremental), incremental
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=50_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database", default="parkplan_bench")
    parser.add_argument("--keep", action="store_true", help="reuse the scratch database if it has the data")
    args = parser.parse_args()

    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:54321/parkplan")
    create_database(base_url, args.database, keep=args.keep)
    os.environ["DATABASE_URL"] = scratch_url(base_url, args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkplan.settings")
    os.environ.setdefault("SECRET_KEY", "bench")
    import django

    django.setup()
    from parcels.models import Statistic

    load_records(args.enterprises, args.years)
    timings = measure(args.repeat)
    (full, full_all), (group_by, group_all) = timings["full"], timings["group_by"]
    incremental, incremental_all = timings["incremental"]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def runs(times):
        return ", ".join(f"{t:.2f}" for t in times)

    from indicators.models import Indicator, Plan
    from parcels.models import DataElement

    print(f"records                       {Statistic.objects.count():,}")
    print(
        f"plans / indicators / elements {Plan.objects.count()} / {Indicator.objects.count()} / "
        f"{DataElement.objects.count()}"
    )
    print(f"full recompute (median of {args.repeat})   {full:.3f} s   runs {runs(full_all)}")
    print(f"plain GROUP BY (median of {args.repeat})   {group_by:.3f} s   runs {runs(group_all)}")
    print(f"ratio recompute / GROUP BY    {full / group_by:.2f}")
    print(f"one parcel-quarter changed    {incremental:.3f} s   runs {runs(incremental_all)}")
    print(f"peak memory (this process)    {peak:.0f} MiB")


if __name__ == "__main__":
    main()

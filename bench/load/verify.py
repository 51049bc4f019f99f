"""Check a load-test run: saved returns against successful responses, no 5xx, and the latency figures.

Reads LOAD_DIR/plan.json, client.json and requests.csv (written by the
locustfile) and the database of DATABASE_URL. Prints, per request group,
count, p50, p95 and max for the whole run and for the peak (from the moment
the last user had signed in), then the checks; exits 1 when a check fails:

- no response with a 5xx status and no connection error;
- for every return of the test, the saves the database holds (a return is
  created at version 1 and each save adds one, so version − 1; the returns
  started absent) equal the successes the clients counted, and so do the
  totals;
- p95 under LOAD_P95_LIMIT seconds (2 by default) for page views and saves
  at the peak.

Run: .venv/bin/python bench/load/verify.py [--dir .var/load]
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], p: float) -> float:
    """Return the nearest-rank percentile (what locust reports, without its bucketing)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def group_of(name: str) -> str:
    if name.startswith("page:"):
        return "page views"
    if name.startswith("save:"):
        return "saves"
    if name.startswith("upload:"):
        return "uploads"
    return name


def table(rows: list[tuple[float, str, str, int, float]], title: str) -> dict[str, list[float]]:
    by: dict[str, list[float]] = defaultdict(list)
    for _start, _method, name, _status, ms in rows:
        by[name].append(ms)
        by["= " + group_of(name)].append(ms)
    print(f"\n{title}")
    print(f"  {'request':<26}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for name in sorted(by, key=lambda n: (n.startswith("="), n)):
        ms = by[name]
        print(f"  {name:<26}{len(ms):>7}{percentile(ms, 50):>9.0f}{percentile(ms, 95):>9.0f}{max(ms):>9.0f}")
    return by


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=Path(os.getenv("LOAD_DIR", ROOT / ".var" / "load")))
    args = parser.parse_args()
    limit_ms = float(os.getenv("LOAD_P95_LIMIT", "2")) * 1000

    plan = json.loads((args.dir / "plan.json").read_text(encoding="utf-8"))
    client = json.loads((args.dir / "client.json").read_text(encoding="utf-8"))
    with (args.dir / "requests.csv").open(encoding="utf-8") as f:
        rows = [
            (float(r["start"]), r["method"], r["name"], int(r["status"]), float(r["ms"])) for r in csv.DictReader(f)
        ]
    first = min((r[0] for r in rows), default=0.0)
    duration = max((r[0] + r[4] / 1000 for r in rows), default=0.0) - first
    table(rows, f"whole run ({len(rows)} requests in {duration:.0f} s, {len(rows) / max(duration, 1):.1f}/s)")
    peak_rows = [r for r in rows if r[0] >= client["last_login"]]
    peak_span = max((r[0] + r[4] / 1000 for r in peak_rows), default=0.0) - client["last_login"]
    peak = table(
        peak_rows,
        f"peak: every user signed in ({len(peak_rows)} requests in {peak_span:.0f} s, "
        f"{len(peak_rows) / max(peak_span, 1):.1f}/s; signed in {client['last_login'] - first:.0f} s after the start)",
    )

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkplan.settings")
    import django

    django.setup()
    from parcels.models import ParcelReturn

    stored_returns = ParcelReturn.objects.values_list("parcel_id", "year", "quarter", "version")
    versions = {f"{parcel}:{year}:{quarter}": version for parcel, year, quarter, version in stored_returns}
    failures = []
    mismatched = []
    totals = {}
    for kind, role in (("form", "managers"), ("upload", "uploaders")):
        saved = succeeded = 0
        for entry in plan[role]:
            key = f"{entry['parcel']}:{entry['year']}:{entry['quarter']}"
            stored = versions[key] - 1 if key in versions else 0
            counted = client["successes"].get(f"{kind}:{key}", 0)
            saved += stored
            succeeded += counted
            if stored != counted:
                mismatched.append(f"{kind} {key}: database {stored}, clients {counted}")
        totals[kind] = (saved, succeeded)
    server_errors = [r for r in rows if r[3] >= 500 or r[3] < 0]

    print("\nchecks")
    print(f"  logins: {client['logins']}")
    for kind, (saved, succeeded) in totals.items():
        label = "form saves" if kind == "form" else "uploads"
        print(f"  {label}: saved in the database {saved}, success responses {succeeded}")
    for reason, n in sorted(client["refusals"].items()):
        print(f"  not saved ({reason}): {n}")
    print(f"  5xx or connection errors: {len(server_errors)}")
    if server_errors:
        failures.append(f"{len(server_errors)} responses with 5xx or no response")
    if mismatched:
        failures.append("saved returns differ from success responses: " + "; ".join(mismatched[:10]))
    for group in ("= page views", "= saves"):
        p95 = percentile(peak.get(group, []), 95)
        if not p95 <= limit_ms:
            failures.append(f"{group[2:]}: p95 {p95:.0f} ms at the peak, limit {limit_ms:.0f} ms")
    for failure in failures:
        print(f"  FAIL {failure}")
    print("  all checks passed" if not failures else f"  {len(failures)} check(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

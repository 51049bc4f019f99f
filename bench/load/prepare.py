"""Prepare the quarter-end load test: its users, their returns cleared, the 1 MB upload files, a plan for locust.

Idempotent; run by scripts/load after migrate, load_plan, seed_demo and the
recompute. Writes OUT/plan.json (read by bench/load/locustfile.py) and
OUT/uploads/*.csv. Every load user is named ``load-…`` and shares one password
(hashed once: the hasher costs ~0.3 s a call and 270 calls would dominate).

Who saves what, so that "saved returns = success responses" measures the
server and not a race the test itself made up:

- 200 managers: parcel p (10) × year 2021–2025 × quarter 1–4 = 200 distinct
  returns; manager k is assigned to one parcel and saves only its own
  (parcel, year, quarter). Twenty managers of one parcel do race for that
  parcel's enterprise rows in the database, as at a real quarter end.
- 20 uploaders: the parcels' 2020 Q3 and Q4 returns (10 × 2), each with its
  own ~1 MB CSV in the import template of that quarter's data elements
  (``parcels.queries.data_elements``, added elements included): the parcel's
  enterprises with the period's official figures, then generated enterprises
  (valid credit codes, plausible figures) until the file reaches the size.
- 50 officials (group official) read the dashboard.

Every return of these periods is deleted first (with its rows; the history
keeps the deletion), so after the run each return's ``version`` − 1 (a return
is created at version 1, and every save adds one) is the number of saves that
succeeded on it.

Run: .venv/bin/python bench/load/prepare.py --out .var/load [--managers 200 --uploaders 20 --officials 50]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

MANAGER_YEARS = range(2021, 2026)
UPLOAD_YEAR, UPLOAD_QUARTERS = 2020, (3, 4)
PASSWORD = "Load-Peak-Quarter-2025"  # noqa: S105 -- a throw-away login of the load database only
UPLOAD_BYTES = 1024 * 1024


def _csv_rows(parcel, year: int, quarter: int, target_bytes: int, salt: int) -> bytes:
    """Return a CSV in the import template for one parcel-quarter, grown to ``target_bytes`` with valid rows."""
    from parcels import queries
    from parkplan import creditcode

    elements = queries.data_elements(year, quarter)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([label for _key, label in elements.columns])

    def cell(name: str, value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "是" if value else "否"
        return str(value)

    official = queries.period_values(parcel.id, year, quarter, elements)
    names = dict(parcel.enterprises.values_list("credit_code", "name"))
    for code in sorted(official):
        values = official[code]
        name = names.get(code) or code
        writer.writerow([code, name, parcel.code, year, quarter, *(cell(f.name, values.get(f.name)) for f in elements)])
    size = len(buffer.getvalue().encode("utf-8"))
    i = 0
    while size < target_bytes:
        i += 1
        # 17 characters: 9131 0113 + a per-file salt + a serial; the check character follows.
        code = creditcode.make_code(f"913101139{salt:02d}{i:06d}")
        employees = 20 + i % 180
        values = {
            "revenue": f"{1200 + i % 900}.{i % 100:02d}",
            "industrial_output": f"{600 + i % 300}.00",
            "above_scale": "否",
            "sei_output": f"{100 + i % 200}.00",
            "value_added": f"{300 + i % 250}.50",
            "rd_expenditure": f"{40 + i % 60}.25",
            "tax": f"{60 + i % 90}.10",
            "employees": str(employees),
            "masters_plus": str(employees // 10),
            "foreign_returnee": str(employees // 50),
            "invention_patents": str(i % 4),
            "high_tech": "是" if i % 3 == 0 else "否",
            "listed_date": "",
        }
        line = io.StringIO()
        csv.writer(line, lineterminator="\r\n").writerow(
            [code, f"上海宝山园负载测试企业有限公司（{salt:02d}-{i:05d}）", parcel.code, year, quarter]
            + [values[f.name] if f.name in values else _generated(f, i) for f in elements]
        )
        buffer.write(line.getvalue())
        size += len(line.getvalue().encode("utf-8"))
    return buffer.getvalue().encode("utf-8")


def _generated(element, i: int) -> str:
    """A plausible cell of an added data element for the i-th generated enterprise: within its range and places."""
    from decimal import Decimal

    if element.kind == "flag":
        return "是" if i % 2 else "否"
    if element.kind == "date":
        return ""
    low = element.min_value if element.min_value is not None else Decimal(0)
    high = element.max_value if element.max_value is not None else low + 1000
    value = low + (high - low) * Decimal(i % 97) / 97
    return str(value.quantize(Decimal(1).scaleb(-element.decimals)))


def prepare(out: Path, *, managers: int, uploaders: int, officials: int) -> dict:
    """Create or reuse the load users, clear their returns, write the upload files; return the plan."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import transaction

    from indicators.models import Indicator
    from parcels import access, services
    from parcels.models import Parcel, ParcelManager, ParcelReturn

    User = get_user_model()
    parcels = list(Parcel.objects.order_by("order"))
    manager_periods = [(p, y, q) for y in MANAGER_YEARS for q in (1, 2, 3, 4) for p in parcels]
    upload_periods = [(p, UPLOAD_YEAR, q) for q in UPLOAD_QUARTERS for p in parcels]
    if managers > len(manager_periods) or uploaders > len(upload_periods):
        raise SystemExit(f"at most {len(manager_periods)} managers and {len(upload_periods)} uploaders")
    password_hash = make_password(PASSWORD)
    uploads_dir = out / "uploads"
    uploads_dir.mkdir(parents=True, exist_ok=True)

    def user(name: str, group: str):
        obj, created = User.objects.get_or_create(username=name, defaults={"password": password_hash})
        if not created and not obj.check_password(PASSWORD):
            obj.password = password_hash
            obj.save(update_fields=["password"])
        obj.groups.add(Group.objects.get(name=group))
        return obj

    plan: dict = {"password": PASSWORD, "managers": [], "uploaders": [], "officials": []}
    with transaction.atomic():
        for name in access.ROLE_NAMES:
            Group.objects.get_or_create(name=name)
        for role, periods, count in (
            ("managers", manager_periods, managers),
            ("uploaders", upload_periods, uploaders),
        ):
            for k, (parcel, year, quarter) in enumerate(periods[:count], start=1):
                name = f"load-{role[:-1]}{k:03d}"
                u = user(name, access.MANAGER)
                ParcelManager.objects.filter(user=u).exclude(parcel=parcel).delete()
                services.assign_manager(user=u, parcel=parcel)
                entry = {"username": name, "parcel": parcel.id, "year": year, "quarter": quarter}
                if role == "uploaders":
                    path = uploads_dir / f"{parcel.code}-{year}Q{quarter}.csv"
                    path.write_bytes(_csv_rows(parcel, year, quarter, UPLOAD_BYTES, salt=k))
                    entry["file"] = str(path)
                plan[role].append(entry)
        for k in range(1, officials + 1):
            name = f"load-official{k:03d}"
            user(name, access.OFFICIAL)
            plan["officials"].append({"username": name})
        # Start without these returns: afterwards each one's version − 1 counts its successful saves.
        cleared = (
            ParcelReturn.objects.filter(
                year__in=[*MANAGER_YEARS, UPLOAD_YEAR],
            )
            .delete()[1]
            .get("parcels.ParcelReturn", 0)
        )
    plan["indicators"] = list(Indicator.objects.order_by("order").values_list("code", flat=True))
    plan["cleared_returns"] = cleared
    (out / "plan.json").write_text(json.dumps(plan, ensure_ascii=False, indent=1), encoding="utf-8")
    return plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / ".var" / "load")
    parser.add_argument("--managers", type=int, default=200)
    parser.add_argument("--uploaders", type=int, default=20)
    parser.add_argument("--officials", type=int, default=50)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkplan.settings")
    import django

    django.setup()
    plan = prepare(args.out, managers=args.managers, uploaders=args.uploaders, officials=args.officials)
    sizes = [Path(u["file"]).stat().st_size for u in plan["uploaders"]]
    print(
        f"load users: managers={len(plan['managers'])} uploaders={len(plan['uploaders'])} "
        f"officials={len(plan['officials'])}; returns cleared={plan['cleared_returns']}; "
        f"upload files {min(sizes, default=0) / 1e6:.2f}–{max(sizes, default=0) / 1e6:.2f} MB"
    )


if __name__ == "__main__":
    main()

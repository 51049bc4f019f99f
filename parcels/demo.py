"""Deterministic, plausible demo enterprises and quarterly statistics for 2020–2025.

Calibrated to what the plan publishes: 327 certified high-tech enterprises at
the end of 2020, and 2020 totals close to the 2019 figures of the 13th-FYP
review (revenue 2378亿元, industrial output 433.1亿元, value added 232.5亿元,
tax 81.7亿元) grown by a few per cent. Growth is set so that some indicators
run ahead of their targets and some fall behind. Every row is marked
source=demo, and pages say 演示数据 while such rows exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.db import transaction

from parkplan import creditcode

from .models import Enterprise, Parcel, Statistic

YEARS = range(2020, 2026)
# Share of the full year's flows reached by the end of each quarter (year-to-date).
YTD = (0.23, 0.48, 0.74, 1.0)

# 2020 park totals in 万元: the 2019 figures of the plan's review, grown ~3%.
REVENUE_2020 = 2378e4 * 1.03
OUTPUT_2020 = 433.1e4 * 1.03
VALUE_ADDED_2020 = 232.5e4 * 1.03
TAX_2020 = 81.7e4 * 1.03

# Park-level paths the demo follows, year by year from 2020.
HIGH_TECH = (327, 410, 500, 590, 655, 730)  # 800 by 2025: on schedule early, then behind
LISTINGS = (0, 1, 2, 4, 5, 6)  # cumulative new listings since 2021: target 5 met early
PATENTS_PER_10K = (91.0, 94.0, 97.5, 101.0, 104.0, 107.0)  # target 100: met early
SEI_SHARE = (35.0, 36.2, 37.5, 38.6, 39.8, 41.0)  # vs. Shanghai ≈ 40–44%: behind
FOREIGN_SHARE = (1.00, 1.12, 1.24, 1.36, 1.47, 1.58)  # target 1.5: on schedule
MASTERS_SHARE = (4.50, 4.72, 4.95, 5.15, 5.35, 5.55)  # target 6: behind
RD_SHARE = (5.2, 5.6, 6.0, 6.3, 6.7, 7.0)  # no benchmark shipped: 基准缺失
GROWTH = 1.07  # nominal growth of flows a year
GIANT_SHARE = 0.45


@dataclass(frozen=True)
class DemoSummary:
    enterprises: int
    statistics: int


def _weights(rng: np.random.Generator, n: int, parcel_factor: np.ndarray, sigma: float) -> np.ndarray:
    w = rng.lognormal(0.0, sigma, n) * parcel_factor
    return w / w.sum()


@dataclass(frozen=True)
class _Traits:
    """What each enterprise is, drawn once: arrays indexed by enterprise."""

    parcel_of: np.ndarray
    lag: np.ndarray
    entry_year: np.ndarray
    industrial: np.ndarray
    above_scale: np.ndarray
    size: np.ndarray
    revenue_share: np.ndarray
    employees_base: np.ndarray
    rd_weight: np.ndarray
    patent_weight: np.ndarray
    sei_weight: np.ndarray
    talent: np.ndarray
    order: np.ndarray  # enterprises in the order they are certified high-tech


def build(*, enterprises: int, seed: int, parcel_ids: list[int]) -> tuple[list[dict], list[dict]]:
    """Return (enterprise rows, statistics rows) as plain dicts; pure and deterministic.

    Every draw comes from one generator in a fixed order: the helpers below are
    called in that order, so the same seed gives the same data.
    """
    rng = np.random.default_rng(seed)
    n, n_parcels = enterprises, len(parcel_ids)
    traits = _traits(rng, n, n_parcels)
    listed_date = _listing_dates(rng, traits.order)
    # A few enterprises moved parcel in some year.
    movers = {int(i): int(rng.integers(2021, 2026)) for i in rng.choice(n, size=max(1, n // 100), replace=False)}
    new_parcel = {i: int(rng.integers(0, n_parcels)) for i in movers}

    companies = []
    for i in range(n):
        code = creditcode.make_code(f"91310113{i:04d}{rng.integers(0, 10**5):05d}")
        final = new_parcel[i] if i in movers else int(traits.parcel_of[i])
        companies.append({"credit_code": code, "name": _name(rng, i), "parcel": parcel_ids[final]})

    rows = []
    for yi, year in enumerate(YEARS):
        figures = _year_figures(rng, traits, yi, year)
        for i in np.flatnonzero(traits.entry_year <= year):
            i = int(i)
            parcel = companies[i]["parcel"]
            if i in movers and year >= movers[i]:
                parcel = parcel_ids[new_parcel[i]]
            base = {"credit_code": companies[i]["credit_code"], "parcel": parcel, "year": year}
            rows += _quarter_rows(base, figures, i, listed_date.get(i))
    return companies, rows


def _traits(rng: np.random.Generator, n: int, n_parcels: int) -> _Traits:
    # Bigger parcels hold more enterprises; some parcels lag on every measure.
    parcel_of = rng.choice(
        n_parcels, size=n, p=np.linspace(2.0, 0.6, n_parcels) / np.linspace(2.0, 0.6, n_parcels).sum()
    )
    lag = np.linspace(1.25, 0.7, n_parcels)[parcel_of]
    entry_year = np.where(rng.random(n) < 0.85, 2020, rng.integers(2021, 2026, n))
    industrial = rng.random(n) < 0.45
    above_scale = industrial & (rng.random(n) < 0.8)

    size = _weights(rng, n, lag, 1.6)
    # One platform giant (like the steel e-commerce leader the plan names) takes
    # a large share of revenue, so only a score of enterprises pass 10亿元.
    revenue_share = size * (1 - GIANT_SHARE)
    revenue_share[np.argmax(size)] += GIANT_SHARE
    employees_base = np.maximum(5, (size * 185_000 * rng.uniform(0.6, 1.4, n)).round()).astype(int)
    rd_weight = _weights(rng, n, lag, 1.0)
    patent_weight = _weights(rng, n, lag, 1.2)
    sei_weight = rng.uniform(0.1, 0.9, n) * lag
    talent = rng.uniform(0.3, 1.7, n) * lag

    # High-tech status: a latent score decides the order in which enterprises are certified.
    hi_score = rng.random(n) + 0.3 * lag + np.log(size * n) * 0.05
    return _Traits(
        parcel_of=parcel_of,
        lag=lag,
        entry_year=entry_year,
        industrial=industrial,
        above_scale=above_scale,
        size=size,
        revenue_share=revenue_share,
        employees_base=employees_base,
        rd_weight=rd_weight,
        patent_weight=patent_weight,
        sei_weight=sei_weight,
        talent=talent,
        order=np.argsort(-hi_score),
    )


def _listing_dates(rng: np.random.Generator, order: np.ndarray) -> dict[int, dt.date]:
    """Return the listing date of each enterprise that lists: the largest high-scoring ones, one date each."""
    listing_candidates = order[: max(LISTINGS) * 3 : 3]
    listed_date: dict[int, dt.date] = {}
    listed_so_far = 0
    for i, year in enumerate(YEARS):
        for k in range(LISTINGS[i] - listed_so_far):
            who = int(listing_candidates[listed_so_far + k])
            listed_date[who] = dt.date(year, int(rng.integers(1, 13)), int(rng.integers(1, 29)))
        listed_so_far = LISTINGS[i]
    return listed_date


def _year_figures(rng: np.random.Generator, t: _Traits, yi: int, year: int) -> dict[str, object]:
    """Return the full-year figures of every enterprise for the ``yi``-th demo year, and who is certified."""
    n = len(t.size)
    active = t.entry_year <= year
    growth = GROWTH**yi
    revenue = t.revenue_share * REVENUE_2020 * growth * rng.uniform(0.9, 1.1, n)
    output = np.where(t.industrial, t.size * OUTPUT_2020 / max(t.size[t.industrial].sum(), 1e-9) * growth, 0.0)
    value_added = t.size * VALUE_ADDED_2020 * growth * rng.uniform(0.9, 1.1, n)
    tax = t.size * TAX_2020 * growth * rng.uniform(0.85, 1.15, n)
    employees = (t.employees_base * (1.03**yi) * rng.uniform(0.97, 1.03, n)).round().astype(int)
    total_employees = employees[active].sum()
    expected_patents = t.patent_weight / t.patent_weight[active].sum() * PATENTS_PER_10K[yi] * total_employees / 1e4
    patents = np.floor(expected_patents + rng.random(n))  # unbiased rounding keeps the park total
    rd = t.rd_weight / t.rd_weight[active].sum() * value_added[active].sum() * RD_SHARE[yi] / 100
    reporting = t.above_scale & active
    share = t.sei_weight * SEI_SHARE[yi] / 100 / np.average(t.sei_weight[reporting], weights=output[reporting])
    foreign_draw = rng.uniform(0.5, 1.5, n)
    return {
        "revenue": revenue,
        "industrial_output": output,
        "above_scale": t.above_scale,
        "sei_output": np.minimum(output * share, output),
        "value_added": value_added,
        "rd_expenditure": rd,
        "tax": tax,
        "employees": employees,
        "masters_plus": np.minimum(employees, np.floor(employees * MASTERS_SHARE[yi] / 100 * t.talent)),
        "foreign_returnee": np.minimum(
            employees, np.floor(employees * FOREIGN_SHARE[yi] / 100 * t.talent * foreign_draw)
        ),
        "invention_patents": patents,
        "certified": set(int(i) for i in t.order[active[t.order]][: HIGH_TECH[yi]]),
    }


def _quarter_rows(base: dict[str, object], figures: dict[str, object], i: int, listed: dt.date | None) -> list[dict]:
    """Return enterprise ``i``'s four year-to-date rows of one year (``base``: code, parcel, year)."""
    rows = []
    year = base["year"]
    for q, share_ytd in enumerate(YTD, start=1):
        wobble = 1.0 if q == 4 else share_ytd
        end = dt.date(year, 3 * q, 28)
        rows.append(
            {
                **base,
                "quarter": q,
                "revenue": _money(figures["revenue"][i] * wobble),
                "industrial_output": _money(figures["industrial_output"][i] * wobble),
                "above_scale": bool(figures["above_scale"][i]),
                "sei_output": _money(figures["sei_output"][i] * wobble),
                "value_added": _money(figures["value_added"][i] * wobble),
                "rd_expenditure": _money(figures["rd_expenditure"][i] * wobble),
                "tax": _money(figures["tax"][i] * wobble),
                "employees": int(figures["employees"][i]),
                "masters_plus": int(figures["masters_plus"][i]),
                "foreign_returnee": int(figures["foreign_returnee"][i]),
                "invention_patents": int(np.floor(figures["invention_patents"][i] * wobble + 0.5)),
                "high_tech": i in figures["certified"],
                "listed_date": listed if listed and listed <= end else None,
            }
        )
    return rows


def _money(x: float) -> Decimal:
    return Decimal(f"{max(x, 0.0):.2f}")


SURNAMES = "宝罗泰富华申沪通江丰兴联新瑞杰恒"
TRADES = [
    "智能装备",
    "新材料",
    "生物医药",
    "机器人",
    "电子商务",
    "信息技术",
    "精密机械",
    "医疗器械",
    "环保科技",
    "文化传媒",
]


def _name(rng: np.random.Generator, i: int) -> str:
    a, b = rng.choice(list(SURNAMES), 2, replace=False)
    return f"上海{a}{b}{TRADES[i % len(TRADES)]}有限公司（演示{i + 1:04d}）"


@transaction.atomic
def seed_demo(*, enterprises: int = 1500, seed: int = 2021) -> DemoSummary:
    """Replace the demo enterprises and statistics with a freshly generated set."""
    parcel_ids = list(Parcel.objects.order_by("order").values_list("id", flat=True))
    if not parcel_ids:
        raise ValueError("no parcels: run load_plan first")
    companies, rows = build(enterprises=enterprises, seed=seed, parcel_ids=parcel_ids)
    demo = Statistic.objects.filter(source=Statistic.Source.DEMO)
    demo_enterprises = set(demo.values_list("enterprise_id", flat=True))
    demo.delete()
    Enterprise.objects.filter(id__in=demo_enterprises, statistics__isnull=True).delete()
    existing = dict(Enterprise.objects.values_list("credit_code", "id"))
    Enterprise.objects.bulk_create(
        [
            Enterprise(credit_code=c["credit_code"], name=c["name"], parcel_id=c["parcel"])
            for c in companies
            if c["credit_code"] not in existing
        ],
        batch_size=2000,
    )
    ids = dict(Enterprise.objects.values_list("credit_code", "id"))
    stored = set(Statistic.objects.values_list("enterprise_id", "year", "quarter"))
    objs = []
    for row in rows:
        enterprise_id = ids[row.pop("credit_code")]
        if (enterprise_id, row["year"], row["quarter"]) in stored:
            continue  # never overwrite real data with demo data
        objs.append(
            Statistic(enterprise_id=enterprise_id, parcel_id=row.pop("parcel"), source=Statistic.Source.DEMO, **row)
        )
    Statistic.objects.bulk_create(objs, batch_size=5000)
    return DemoSummary(enterprises=len(companies), statistics=len(objs))

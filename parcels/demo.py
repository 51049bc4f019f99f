"""Deterministic, plausible demo enterprises and quarterly statistics for 2020–2025 and 2026 Q1–Q3.

Calibrated to what the plan publishes: 327 certified high-tech enterprises at
the end of 2020, and 2020 totals close to the 2019 figures of the 13th-FYP
review (revenue 2378亿元, industrial output 433.1亿元, value added 232.5亿元,
tax 81.7亿元) grown by a few per cent. Growth is set so that some indicators
run ahead of their targets and some fall behind. Every row is marked
source=demo, and pages say 演示数据 while such rows exist.

The years 2020–2025 are drawn from one generator in a fixed order, so the same
seed gives the same figures whatever comes after. What the illustrative 15th
plan adds is drawn from a second generator of the same seed (``_later``):
2026 Q1–Q3 of the thirteen built-in elements (Q4 is not yet due), and the
elements that plan defines (``LATER_ELEMENTS``) for 2025, its base year, and
2026. ``seed_demo`` stores those elements in ``extra`` only where they are
defined (the plan file that needs them is loaded).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.db import transaction

from parkplan import creditcode

from . import queries, statfields
from .models import Enterprise, Parcel, Statistic

YEARS = range(2020, 2026)
# The first year of the next plan: its quarters so far (the fourth is not yet due).
LATER_YEAR = 2026
LATER_QUARTERS = (1, 2, 3)
# Share of the full year's flows reached by the end of each quarter (year-to-date).
YTD = (0.23, 0.48, 0.74, 1.0)

# 2020 park totals in 万元: the 2019 figures of the plan's review, grown ~3%.
REVENUE_2020 = 2378e4 * 1.03
OUTPUT_2020 = 433.1e4 * 1.03
VALUE_ADDED_2020 = 232.5e4 * 1.03
TAX_2020 = 81.7e4 * 1.03

# Park-level paths the demo follows, year by year from 2020.
# The seventh figure of each is 2026 (the illustrative 15th plan's first year).
HIGH_TECH = (327, 410, 500, 590, 655, 730, 800)  # 800 by 2025: on schedule early, then behind
LISTINGS = (0, 1, 2, 4, 5, 6)  # cumulative new listings since 2021: target 5 met early
LISTINGS_LATER = 1  # new listings in 2026 (by September)
PATENTS_PER_10K = (91.0, 94.0, 97.5, 101.0, 104.0, 107.0, 110.0)  # target 100: met early
SEI_SHARE = (35.0, 36.2, 37.5, 38.6, 39.8, 41.0, 41.9)  # vs. Shanghai ≈ 40–44%: behind
FOREIGN_SHARE = (1.00, 1.12, 1.24, 1.36, 1.47, 1.58, 1.66)  # target 1.5: on schedule
MASTERS_SHARE = (4.50, 4.72, 4.95, 5.15, 5.35, 5.55, 5.80)  # target 6: behind
RD_SHARE = (5.2, 5.6, 6.0, 6.3, 6.7, 7.0, 7.2)  # no benchmark shipped: 基准缺失

# The elements the illustrative 15th plan defines, 2025 (its base) and 2026, park-wide.
LATER_ELEMENTS = ("high_value_patents", "tech_contract_turnover", "specialized_sme", "energy_use")
HIGH_VALUE_PER_10K = (40.0, 44.0)  # stock: high-value invention patents per 10 000 employees
TECH_CONTRACTS = (35e4, 38.5e4)  # full-year technology contract turnover, 万元 (35亿元, then +10%)
SPECIALIZED = (70, 82)  # 专精特新 enterprises
ENERGY_INTENSITY = (0.085, 0.082)  # 吨标准煤 per 万元 of value added
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

    def parcel_in(i: int, year: int) -> int:
        return parcel_ids[new_parcel[i]] if i in movers and year >= movers[i] else companies[i]["parcel"]

    rows = []
    for yi, year in enumerate(YEARS):
        figures = _year_figures(rng, traits, yi, year)
        for i in np.flatnonzero(traits.entry_year <= year):
            i = int(i)
            base = {"credit_code": companies[i]["credit_code"], "parcel": parcel_in(i, year), "year": year}
            rows += _quarter_rows(base, figures, i, listed_date.get(i))
    rows += _later(np.random.default_rng([seed, LATER_YEAR]), traits, figures, rows, listed_date, companies, parcel_in)
    return companies, rows


def _later(rng, traits: _Traits, last: dict[str, object], rows: list[dict], listed_date, companies, parcel_in):
    """Add what the next plan needs (module docstring) and return the next year's rows so far.

    ``rng`` is the second generator; ``last`` the base year's figures; the
    base year's ``rows`` get the next plan's elements in ``extra``.
    """
    later = _year_figures(rng, traits, len(YEARS), LATER_YEAR)
    base_extras, later_extras = _later_elements(rng, traits, (last, later))
    index = {c["credit_code"]: i for i, c in enumerate(companies)}
    for row in rows:
        if row["year"] == YEARS[-1]:
            row["extra"] = _element_row(base_extras, index[row["credit_code"]], row["quarter"])
    listed_date = {**listed_date, **_later_listings(rng, traits.order, listed_date)}
    out = []
    for i in np.flatnonzero(traits.entry_year <= LATER_YEAR):
        i = int(i)
        base = {"credit_code": companies[i]["credit_code"], "parcel": parcel_in(i, LATER_YEAR), "year": LATER_YEAR}
        for row in _quarter_rows(base, later, i, listed_date.get(i))[: len(LATER_QUARTERS)]:
            out.append({**row, "extra": _element_row(later_extras, i, row["quarter"])})
    return out


def _later_listings(rng: np.random.Generator, order: np.ndarray, listed: dict[int, dt.date]) -> dict[int, dt.date]:
    """Return the next year's new listings: the next high-scoring enterprises not yet listed, before October."""
    candidates = [int(i) for i in order[max(LISTINGS) * 3 :: 3] if int(i) not in listed][:LISTINGS_LATER]
    return {i: dt.date(LATER_YEAR, int(rng.integers(1, 10)), int(rng.integers(1, 29))) for i in candidates}


def _later_elements(rng: np.random.Generator, t: _Traits, years: tuple[dict, dict]) -> list[dict[str, np.ndarray]]:
    """Return the later plan's elements (full-year flows, period-end stocks and flags) for the base year and the next.

    Drawn once per enterprise and scaled to the park-wide paths above: high-value patents follow
    the patent weights, technology contracts the R&D weights (about a third of the enterprises
    have any), 专精特新 the smaller enterprises with a high draw, energy the value added (industry
    uses about five times as much per 万元 as services).
    """
    n = len(t.size)
    contracts = (rng.random(n) < 0.35) * t.rd_weight * rng.lognormal(0.0, 0.8, n)
    contracts = contracts / max(contracts.sum(), 1e-12)  # none may have any in a tiny demo
    small = t.size < np.quantile(t.size, 0.95)
    specialized_order = np.argsort(-(rng.random(n) + 0.3 * t.lag) * small)
    intensity = np.where(t.industrial, 5.0, 1.0) * rng.uniform(0.7, 1.3, n)
    out = []
    for k, figures in enumerate(years):
        employees = np.asarray(figures["employees"], dtype=float)
        patents = t.patent_weight / t.patent_weight.sum() * HIGH_VALUE_PER_10K[k] * employees.sum() / 1e4
        value_added = np.asarray(figures["value_added"])
        energy = intensity * value_added
        out.append(
            {
                "high_value_patents": np.floor(patents + rng.random(n)),
                "tech_contract_turnover": contracts * TECH_CONTRACTS[k] * rng.uniform(0.9, 1.1, n),
                "specialized_sme": np.isin(np.arange(n), specialized_order[: SPECIALIZED[k]]),
                "energy_use": energy * ENERGY_INTENSITY[k] * value_added.sum() / energy.sum(),
            }
        )
    return out


def _element_row(figures: dict[str, np.ndarray], i: int, quarter: int) -> dict[str, object]:
    """Return enterprise ``i``'s later-plan elements for one quarter (flows year-to-date)."""
    ytd = 1.0 if quarter == 4 else YTD[quarter - 1]
    return {
        "high_value_patents": int(figures["high_value_patents"][i]),
        "tech_contract_turnover": _money(figures["tech_contract_turnover"][i] * ytd),
        "specialized_sme": bool(figures["specialized_sme"][i]),
        "energy_use": _money(figures["energy_use"][i] * ytd),
    }


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
    # The later plan's elements are stored only where they are defined (its plan file is loaded).
    defined = [f for f in queries.data_elements().extra_fields if f.name in LATER_ELEMENTS]
    objs = []
    for row in rows:
        enterprise_id = ids[row.pop("credit_code")]
        if (enterprise_id, row["year"], row["quarter"]) in stored:
            continue  # never overwrite real data with demo data
        figures = row.pop("extra", {})
        extra = {f.name: statfields.to_json(f, figures[f.name]) for f in defined if f.name in figures}
        objs.append(
            Statistic(
                enterprise_id=enterprise_id,
                parcel_id=row.pop("parcel"),
                source=Statistic.Source.DEMO,
                extra=extra,
                **row,
            )
        )
    Statistic.objects.bulk_create(objs, batch_size=5000)
    return DemoSummary(enterprises=len(companies), statistics=len(objs))

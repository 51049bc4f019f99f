"""Imported statistics → recompute → exports, against an independent computation."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math

import pytest
from django.core.management import call_command

from indicators import services
from indicators.models import Indicator, IndicatorValue, Progress, RecomputeState
from parcels import demo, statfields
from parcels.models import DataChange, Parcel, Statistic
from parkplan import creditcode

pytestmark = pytest.mark.django_db


def write_csv(path, rows, parcel_codes):
    """Write statistics rows in the import template (Chinese headers), as a real office would."""
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow([zh for _, zh in statfields.BUILT_IN.columns])
        for r in rows:
            w.writerow(
                [
                    r["credit_code"],
                    r.get("name", "测试企业"),
                    parcel_codes[r["parcel"]],
                    r["year"],
                    r["quarter"],
                    *[
                        ("是" if r[f.name] else "否")
                        if f.kind == statfields.FLAG
                        else (r[f.name].isoformat() if r[f.name] else "")
                        if f.kind == statfields.DATE
                        else r[f.name]
                        for f in statfields.BUILT_IN.fields
                    ],
                ]
            )


def independent_values(rows, parcel_codes):
    """Compute every value straight from docs/method.md §1–§2, one record at a time (no pandas, no SQL)."""
    sums: dict[tuple, dict] = {}
    for r in rows:
        end = {1: dt.date(r["year"], 3, 31), 2: dt.date(r["year"], 6, 30), 3: dt.date(r["year"], 9, 30)}.get(
            r["quarter"], dt.date(r["year"], 12, 31)
        )
        for scope in ("", parcel_codes[r["parcel"]]):
            s = sums.setdefault((scope, r["year"], r["quarter"]), {"n": 0, "n3": 0, **dict.fromkeys("abcdefghijkl", 0)})
            s["n"] += 1
            s["a"] += float(r["rd_expenditure"])
            s["b"] += float(r["value_added"])
            s["c"] += r["invention_patents"]
            s["d"] += r["employees"]
            if r["above_scale"]:
                s["n3"] += 1
                s["e"] += float(r["sei_output"])
                s["f"] += float(r["industrial_output"])
            s["g"] += 1 if r["high_tech"] else 0
            s["h"] += 1 if r["revenue"] >= 100_000 else 0
            s["i"] += 1 if r["listed_date"] and dt.date(2021, 1, 1) <= r["listed_date"] <= end else 0
            s["j"] += r["foreign_returnee"]
            s["k"] += r["masters_plus"]

    def ratio(n, d, k):
        return None if d == 0 else n / d * k

    out = {}
    for (scope, y, q), s in sums.items():
        out[("I1", scope, y, q)] = (ratio(s["a"], s["b"], 100), s["n"])
        out[("I2", scope, y, q)] = (ratio(s["c"], s["d"], 10_000), s["n"])
        out[("I3", scope, y, q)] = (ratio(s["e"], s["f"], 100), s["n3"])
        out[("I4", scope, y, q)] = (s["g"], s["n"])
        out[("I5", scope, y, q)] = (s["h"], s["n"])
        out[("I6", scope, y, q)] = (s["i"], s["n"])
        out[("I7", scope, y, q)] = (ratio(s["j"], s["d"], 100), s["n"])
        out[("I8", scope, y, q)] = (ratio(s["k"], s["d"], 100), s["n"])
    return out


def export_values() -> str:
    out = io.StringIO()
    call_command("export_indicator_values", stdout=out)
    return out.getvalue()


def export_progress() -> str:
    out = io.StringIO()
    call_command("export_progress", stdout=out)
    return out.getvalue()


@pytest.fixture
def imported(plan, tmp_path):
    """A few hundred enterprises' 2020–2025 returns imported through the CLI."""
    parcels = list(Parcel.objects.order_by("order"))
    parcel_codes = {p.id: p.code for p in parcels}
    _, rows = demo.build(enterprises=120, seed=7, parcel_ids=[p.id for p in parcels])
    rows = [r for r in rows if r["year"] <= 2025]  # the 14th plan's years (the demo goes on into 2026)
    # Edge cases the formulas must get right.
    rows[0].update(revenue=demo._money(100_000), year=rows[0]["year"])  # exactly 10亿元
    rows[1].update(revenue=demo._money(99_999.99))
    path = tmp_path / "returns.csv"
    write_csv(path, rows, parcel_codes)
    out = io.StringIO()
    call_command("import_statistics", str(path), stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == f"created={len(rows)} updated=0 unchanged=0"
    return rows, parcel_codes


def test_it_agrees_with_an_independent_computation_on_every_value(imported):
    rows, parcel_codes = imported
    call_command("recompute_indicators", stdout=io.StringIO())
    expected = independent_values(rows, parcel_codes)

    exported = list(csv.DictReader(io.StringIO(export_values())))
    decimals = dict(Indicator.objects.values_list("code", "decimals"))
    stored = {
        (v.indicator.code, v.parcel.code if v.parcel_id else "", v.year, v.quarter): v.value
        for v in IndicatorValue.objects.select_related("indicator", "parcel")
    }
    seen = set()
    for r in exported:
        key = (r["indicator"], r["parcel"], int(r["year"]), int(r["quarter"]))
        seen.add(key)
        if key not in expected:
            # A parcel with no records in a period: counts 0, ratios empty, nobody behind them.
            assert r["enterprises"] == "0"
            assert r["value"] in ("", "0")
            continue
        value, enterprises = expected[key]
        assert int(r["enterprises"]) == enterprises, key
        if value is None:
            assert r["value"] == "", key
        else:
            # Stored to full precision; exported in the published precision (the indicator's decimals).
            assert math.isclose(stored[key], value, rel_tol=1e-9, abs_tol=1e-12), (key, stored[key], value)
            half_unit = 0.5 * 10 ** -decimals[key[0]]
            assert abs(float(r["value"]) - value) <= half_unit + 1e-9, (key, r["value"], value)
    assert set(expected) <= seen


def test_it_counts_revenue_of_exactly_ten_yi_as_an_industry_leader(imported):
    rows, _ = imported
    call_command("recompute_indicators", stdout=io.StringIO())
    year, quarter = rows[0]["year"], rows[0]["quarter"]
    leaders = sum(1 for r in rows if r["year"] == year and r["quarter"] == quarter and r["revenue"] >= 100_000)
    stored = IndicatorValue.objects.get(indicator__code="I5", parcel=None, year=year, quarter=quarter)
    assert stored.value == leaders


def test_it_gives_byte_identical_exports_when_run_twice(imported):
    call_command("recompute_indicators", stdout=io.StringIO())
    first = (export_values(), export_progress())
    counts = (IndicatorValue.objects.count(), Progress.objects.count())
    call_command("recompute_indicators", stdout=io.StringIO())
    assert (export_values(), export_progress()) == first
    assert (IndicatorValue.objects.count(), Progress.objects.count()) == counts


def test_it_recomputes_only_what_changed_and_ends_where_a_full_run_does(imported):
    call_command("recompute_indicators", stdout=io.StringIO())
    stat = Statistic.objects.filter(year=2023, quarter=2).order_by("id").first()
    stat.employees += 500
    stat.save()
    summary = services.recompute()
    assert summary.status == "done"
    # The whole year (its quarters are disclosed together) and the year after (同比).
    assert summary.periods == tuple((y, q) for y in (2023, 2024) for q in (1, 2, 3, 4))
    incremental = (export_values(), export_progress(), withheld_cells())
    call_command("recompute_indicators", stdout=io.StringIO())
    assert (export_values(), export_progress(), withheld_cells()) == incremental


def withheld_cells() -> tuple[set, set]:
    """What every stored value and progress row withholds from readers other than the office, and why."""
    values = IndicatorValue.objects.values_list(
        "indicator_id", "parcel_id", "year", "quarter", "withheld", "previous_withheld"
    )
    progress = Progress.objects.values_list("indicator_id", "parcel_id", "year", "withheld", "projection_withheld")
    return set(values), set(progress)


def test_it_records_a_data_change_in_the_same_transaction_as_the_save(imported):
    before = DataChange.objects.count()
    stat = Statistic.objects.filter(year=2022).first()
    stat.tax += 1
    stat.save()
    change = DataChange.objects.order_by("-id").first()
    assert DataChange.objects.count() == before + 1
    assert (change.table, change.periods) == ("parcels_statistic", [stat.year * 10 + stat.quarter])


def test_it_reports_up_to_date_when_nothing_changed(imported):
    services.recompute()
    assert services.recompute().status == "up_to_date"


def test_it_stamps_results_with_the_data_version_and_time(imported):
    summary = services.recompute()
    state = RecomputeState.objects.get()
    assert state.computed_version == summary.version == DataChange.objects.latest("id").id
    assert set(IndicatorValue.objects.values_list("data_version", flat=True)) == {summary.version}
    assert state.data_as_of is not None and state.computed_at >= state.data_as_of


def test_it_moves_progress_when_a_benchmark_is_revised(imported, plan):
    services.recompute()
    p = Progress.objects.get(indicator__code="I3", parcel=None, year=2022)
    assert (p.benchmark_year, p.provisional, p.target) == (2020, True, 40.0)
    plan.indicators.get(code="I3").benchmark_values.create(year=2022, value=42.5, source="测试")
    summary = services.recompute()
    assert summary.periods == ()
    p = Progress.objects.get(indicator__code="I3", parcel=None, year=2022)
    assert (p.benchmark_year, p.provisional, p.target) == (2022, False, 42.5)


def test_it_marks_every_i1_result_benchmark_missing_without_a_series(imported):
    services.recompute()
    statuses = set(Progress.objects.filter(indicator__code="I1", parcel=None).values_list("status", flat=True))
    assert statuses == {"benchmark_missing"}


def test_it_keeps_the_park_base_of_high_tech_enterprises_from_the_plan(imported):
    services.recompute()
    p = Progress.objects.get(indicator__code="I4", parcel=None, year=2021)
    assert p.base_value == 327
    assert p.inputs["base_source"] == "plan"


def test_it_exports_count_parcels_only_with_a_split_target(imported, plan):
    services.recompute()
    rows = list(csv.DictReader(io.StringIO(export_progress())))
    assert not [r for r in rows if r["indicator"] == "I4" and r["parcel"]]
    parcel = Parcel.objects.get(code="robot-park")
    plan.indicators.get(code="I4").parcel_targets.create(parcel=parcel, value=60)
    services.recompute()
    rows = list(csv.DictReader(io.StringIO(export_progress())))
    split = [r for r in rows if r["indicator"] == "I4" and r["parcel"]]
    assert {r["parcel"] for r in split} == {"robot-park"}
    assert {r["target"] for r in split} == {"60"}
    assert all(r["status"] for r in split)


def test_it_writes_the_progress_columns_and_status_words(imported):
    services.recompute()
    text = export_progress()
    header = text.splitlines()[0].split(",")
    assert header == [
        "indicator", "parcel", "year", "value", "target", "target_kind", "benchmark_year", "provisional",
        "base_year", "base_value", "expected", "completion", "pace", "status", "gap", "needed_per_year",
        "projected", "projected_gap",
    ]  # fmt: skip
    words = {r["status"] for r in csv.DictReader(io.StringIO(text))}
    assert words <= {"提前实现", "快于预期", "基本符合预期", "滞后", "已实现", "未实现", "基准缺失", "数据不足"}
    assert {r["year"] for r in csv.DictReader(io.StringIO(text))} == {"2021", "2022", "2023", "2024", "2025"}


def test_it_keeps_demo_codes_valid():
    companies, _ = demo.build(enterprises=50, seed=1, parcel_ids=[1, 2, 3])
    assert all(creditcode.is_valid(c["credit_code"]) for c in companies)
    assert len({c["credit_code"] for c in companies}) == 50

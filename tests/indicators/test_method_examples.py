"""The worked examples of docs/method.md §6 (one per target kind) and §8, computed by the engine."""

from __future__ import annotations

import math

import pytest

from indicators import compute

PLAN14 = compute.Plan(base_year=2020, target_year=2025)  # the 14th plan's years

# The 15th plan's illustrative indicators run from 2025 to 2030.
PLAN_15 = compute.Plan(base_year=2025, target_year=2030)


def approx(value: float, within: float = 0.005) -> object:
    return pytest.approx(value, abs=within)


def test_it_works_the_level_example():
    result = compute.judge(
        plan=PLAN14,
        year=2023,
        kind=compute.LEVEL,
        actuals={2020: 327, 2021: 420, 2022: 510, 2023: 600},
        base_value=327,
        base_source="plan",
        target=800,
    )
    assert (result.gap, result.inputs["base_distance"]) == (200, 473)
    assert result.inputs["progress_share"] == approx(0.5772)
    assert result.pace == pytest.approx(0.962, abs=0.0005)
    assert result.status == compute.ON_TRACK
    assert result.expected == approx(610.8)
    assert result.completion == approx(0.75)
    assert result.needed_per_year == approx(100)
    assert result.inputs["projection_slope"] == approx(90.9)
    assert (result.projected, result.projected_gap) == (approx(782.4), approx(17.6))


def test_it_works_the_lower_is_better_example():
    result = compute.judge(
        year=2027,
        kind=compute.LEVEL,
        actuals={2026: 9.3, 2027: 8.9},
        base_value=9.6,
        base_source="computed",
        target=8,
        lower_is_better=True,
        plan=PLAN_15,
    )
    assert result.inputs["direction"] == "lower"
    assert (result.gap, result.inputs["base_distance"]) == (approx(0.9), approx(1.6))
    assert result.inputs["progress_share"] == approx(0.4375, 0.00005)
    assert result.pace == approx(1.094, 0.0005)
    assert result.status == compute.ON_TRACK
    assert result.expected == approx(8.96)
    assert result.completion == approx(0.4375, 0.00005)
    assert result.needed_per_year == approx(0.3)
    assert result.inputs["projection_slope"] == approx(-0.35)
    assert (result.projected, result.projected_gap) == (approx(7.867, 0.0005), approx(-0.133, 0.0005))


def test_it_works_the_approximately_example():
    actuals = {2026: 6.8, 2027: 7.1, 2028: 7.88}
    kwargs = {"base_value": 6.5, "base_source": "computed", "target": 8, "plan": PLAN_15}
    result = compute.judge(year=2027, kind=compute.APPROXIMATELY, actuals=actuals, **kwargs)
    assert result.inputs["tolerance"] == approx(0.16)
    assert result.inputs["direction"] == "higher"
    assert (result.gap, result.inputs["base_distance"]) == (approx(0.9), approx(1.5))
    assert (result.inputs["progress_share"], result.pace) == (approx(0.4), approx(1.0))
    assert result.status == compute.ON_TRACK
    assert (result.expected, result.completion) == (approx(7.1), approx(0.8875, 0.00005))
    assert (result.projected, result.projected_gap) == (approx(8.0), approx(-0.16))
    met = compute.judge(year=2028, kind=compute.APPROXIMATELY, actuals=actuals, **kwargs)
    assert met.status == compute.ACHIEVED_EARLY


BENCHMARK = {2020: 40, 2023: 43.9, 2024: 43.6}
I3_VALUES = {2020: 36.0, 2021: 37.5, 2022: 38.2, 2023: 40.1, 2024: 41.0}


def test_it_works_the_benchmark_example():
    result = compute.judge(
        plan=PLAN14,
        year=2024,
        kind=compute.BENCHMARK,
        actuals=I3_VALUES,
        base_value=36.0,
        base_source="computed",
        benchmark=BENCHMARK,
    )
    assert (result.target, result.benchmark_year, result.provisional) == (43.6, 2024, False)
    assert (result.gap, result.inputs["base_distance"]) == (approx(2.6), approx(4))
    assert result.inputs["progress_share"] == approx(0.35)
    assert result.pace == approx(0.44)
    assert result.status == compute.BEHIND
    distances = [d for _, d in result.inputs["projection_distances"]]
    assert distances == [approx(4.0), approx(2.5), approx(1.8), approx(3.8), approx(2.6)]
    assert result.projected_gap == approx(2.49)
    assert result.inputs["projected_reaches_benchmark"] is False


def test_it_judges_the_target_year_against_a_provisional_benchmark():
    result = compute.judge(
        year=2025,
        kind=compute.BENCHMARK,
        actuals={**I3_VALUES, 2025: 42.0},
        base_value=36.0,
        base_source="computed",
        benchmark=BENCHMARK,
        plan=PLAN14,
    )
    assert (result.target, result.benchmark_year, result.provisional) == (43.6, 2024, True)
    assert result.gap == approx(1.6)
    assert result.status == compute.NOT_ACHIEVED
    assert (result.projected, result.projected_gap) == (None, None)


@pytest.mark.parametrize(
    ("year", "status", "base_distance"),
    [
        pytest.param(2021, compute.BENCHMARK_MISSING, None, id="2021-before-the-series"),
        pytest.param(2022, compute.BENCHMARK_MISSING, None, id="2022-before-the-series"),
        pytest.param(2023, compute.BEHIND, 43.9 - 36.0, id="2023-d0-from-43.9"),
    ],
)
def test_it_works_the_benchmark_example_with_a_series_from_2023(year, status, base_distance):
    series = {2023: 43.9, 2024: 43.6}
    result = compute.judge(
        plan=PLAN14,
        year=year,
        kind=compute.BENCHMARK,
        actuals=I3_VALUES,
        base_value=36.0,
        base_source="computed",
        benchmark=series,
    )
    assert result.status == status
    assert result.inputs.get("base_distance") == (None if base_distance is None else approx(base_distance))
    if base_distance is not None:
        assert result.provisional is True


def test_it_works_the_cumulative_example():
    result = compute.judge(
        plan=PLAN14,
        year=2024,
        kind=compute.CUMULATIVE,
        actuals={2021: 1, 2022: 2, 2023: 2, 2024: 3},
        base_value=0.0,
        base_source="cumulative",
        target=5,
    )
    assert (result.gap, result.inputs["base_distance"]) == (2, 5)
    assert result.inputs["progress_share"] == approx(0.6)
    assert result.pace == approx(0.75)
    assert result.status == compute.BEHIND
    assert (result.expected, result.needed_per_year) == (approx(4), approx(2))
    assert (result.projected, result.projected_gap) == (approx(3.7), approx(1.3))


def test_it_works_the_growth_example():
    result = compute.judge(
        year=2027,
        kind=compute.GROWTH,
        actuals={2026: 128_000, 2027: 135_000},
        base_value=120_000,
        base_source="plan",
        target=7,
        plan=PLAN_15,
    )
    assert result.target == approx(168_306, 0.5)
    assert result.inputs["rate_achieved"] == approx(0.0607, 0.00005)
    assert result.pace == approx(0.867, 0.0005)
    assert result.status == compute.BEHIND
    assert result.expected == approx(137_388, 0.5)
    assert result.completion == approx(0.802, 0.0005)
    assert result.inputs["rate_needed"] == approx(0.0763, 0.00005)
    assert result.needed_per_year == approx(11_102, 0.5)
    assert result.inputs["projection_log_slope"] == approx(0.0589, 0.00005)
    assert result.inputs["projection_rate"] == approx(0.0607, 0.00005)
    assert math.log(result.projected / 120_000) == approx(0.2963, 0.00005)
    assert (result.projected, result.projected_gap) == (approx(161_391, 0.5), approx(6_915, 0.5))


def test_it_works_the_relative_change_example():
    result = compute.judge(
        year=2027,
        kind=compute.CHANGE,
        actuals={2026: 0.39, 2027: 0.375},
        base_value=0.40,
        base_source="computed",
        target=17,
        lower_is_better=True,
        plan=PLAN_15,
    )
    assert result.target == approx(0.332, 0.00005)
    assert (result.gap, result.inputs["base_distance"]) == (approx(0.043, 0.00005), approx(0.068, 0.00005))
    assert result.inputs["progress_share"] == approx(0.368, 0.0005)
    assert result.pace == approx(0.919, 0.0005)
    assert result.status == compute.ON_TRACK
    assert result.inputs["change_achieved"] == approx(-0.0625, 0.00005)
    assert result.expected == approx(0.3728, 0.00005)
    assert result.completion == approx(0.368, 0.0005)
    assert result.needed_per_year == approx(0.0143, 0.00005)
    assert (result.projected, result.projected_gap) == (approx(0.3383, 0.00005), approx(0.0063, 0.00005))


@pytest.mark.parametrize(
    ("computed", "difference"),
    [pytest.param(300, -0.083, id="300-note"), pytest.param(321, None, id="321-no-note")],
)
def test_it_works_the_coverage_note_example(computed, difference):
    note = compute.coverage_note(327, computed)
    if difference is None:
        assert note is None
    else:
        assert note["difference"] == approx(difference, 0.0005)

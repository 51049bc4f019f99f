"""The worked examples of docs/method.md §6, computed by the engine."""

from __future__ import annotations

import pytest

from indicators import compute

PLAN = compute.Plan(base_year=2020, target_year=2025)  # the worked examples are the 14th plan's


def approx(value: float) -> object:
    return pytest.approx(value, abs=0.005)


def test_it_works_the_absolute_example():
    result = compute.judge(
        plan=PLAN,
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


def test_it_works_the_cumulative_example():
    result = compute.judge(
        plan=PLAN,
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


BENCHMARK = {2020: 40, 2023: 43.9, 2024: 43.6}
I3_VALUES = {2020: 36.0, 2021: 37.5, 2022: 38.2, 2023: 40.1, 2024: 41.0}


def test_it_works_the_benchmark_example():
    result = compute.judge(
        plan=PLAN,
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
        plan=PLAN,
        year=2025,
        kind=compute.BENCHMARK,
        actuals={**I3_VALUES, 2025: 42.0},
        base_value=36.0,
        base_source="computed",
        benchmark=BENCHMARK,
    )
    assert (result.target, result.benchmark_year, result.provisional) == (43.6, 2024, True)
    assert result.gap == approx(1.6)
    assert result.status == compute.NOT_ACHIEVED

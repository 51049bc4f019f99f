"""Every target kind of docs/method.md §3 in every status, its edge cases, and its parcels (§5, §8).

Table-driven, no database. The plan is a 15th plan: base year 2025, target
year 2030, N = 5, elapsed share s = (y − 2025)/5. Every expected number is
worked out by hand in the comment beside it, never by calling compute.py.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from indicators import compute
from indicators.compute import (
    APPROXIMATELY,
    BENCHMARK,
    CHANGE,
    CUMULATIVE,
    GROWTH,
    LEVEL,
    IndicatorSpec,
    Plan,
    coverage_note,
    judge,
    progress_table,
)

PLAN = Plan(base_year=2025, target_year=2030)
ACHIEVED_EARLY, AHEAD, ON_TRACK, BEHIND = compute.ACHIEVED_EARLY, compute.AHEAD, compute.ON_TRACK, compute.BEHIND
ACHIEVED, NOT_ACHIEVED = compute.ACHIEVED, compute.NOT_ACHIEVED
INSUFFICIENT, BENCHMARK_MISSING = compute.INSUFFICIENT_DATA, compute.BENCHMARK_MISSING


def approx(value):
    return None if value is None else pytest.approx(value, rel=1e-9, abs=1e-9)


def judged(kind: str, year: int, value, *, base, actuals=None, **kw) -> compute.Result:
    """Judge `value` in `year` (with any earlier `actuals`) under the 2025–2030 plan."""
    return judge(
        year=year,
        kind=kind,
        actuals={**(actuals or {}), year: value},
        base_value=base,
        base_source="computed",
        plan=PLAN,
        **kw,
    )


# --- every kind in every status ------------------------------------------------------------------

# (kind, options, base, year, value, status, pace)
STATUS_CASES = [
    # level, higher is better: B 50, T 100, d0 50
    pytest.param(LEVEL, {"target": 100}, 50, 2027, 72, AHEAD, 1.10, id="level-p0.44-s0.4-exactly-1.10-ahead"),
    pytest.param(LEVEL, {"target": 100}, 50, 2027, 70, ON_TRACK, 1.0, id="level-p0.4-on-track"),
    pytest.param(LEVEL, {"target": 100}, 50, 2027, 68, ON_TRACK, 0.90, id="level-p0.36-exactly-0.90-on-track"),
    pytest.param(LEVEL, {"target": 100}, 50, 2027, 60, BEHIND, 0.5, id="level-p0.2-behind"),
    pytest.param(LEVEL, {"target": 100}, 50, 2028, 100, ACHIEVED_EARLY, 1 / 0.6, id="level-met-2028-early"),
    pytest.param(LEVEL, {"target": 100}, 50, 2030, 100, ACHIEVED, 1.0, id="level-2030-met"),
    pytest.param(LEVEL, {"target": 100}, 50, 2030, 99, NOT_ACHIEVED, 0.98, id="level-2030-short"),
    # level, lower is better: B 1.0, T 0.8, d = A − 0.8, d0 = 0.2
    pytest.param(LEVEL, {"target": 0.8, "lower_is_better": True}, 1.0, 2027, 0.9, AHEAD, 1.25, id="lower-d0.1-ahead"),
    # d = 0.112, p = 0.44, R = 1.10 (a tie in decimal, 1.0999… in binary)
    pytest.param(
        LEVEL, {"target": 0.8, "lower_is_better": True}, 1.0, 2027, 0.912, AHEAD, 1.10, id="lower-exactly-1.10-ahead"
    ),
    pytest.param(LEVEL, {"target": 0.8, "lower_is_better": True}, 1.0, 2027, 0.92, ON_TRACK, 1.0, id="lower-on-track"),
    pytest.param(LEVEL, {"target": 0.8, "lower_is_better": True}, 1.0, 2027, 0.95, BEHIND, 0.625, id="lower-behind"),
    pytest.param(LEVEL, {"target": 0.8, "lower_is_better": True}, 1.0, 2027, 1.05, BEHIND, -0.625, id="lower-rose"),
    pytest.param(
        LEVEL, {"target": 0.8, "lower_is_better": True}, 1.0, 2028, 0.75, ACHIEVED_EARLY, 1.25 / 0.6, id="lower-early"
    ),
    pytest.param(LEVEL, {"target": 0.8, "lower_is_better": True}, 1.0, 2030, 0.8, ACHIEVED, 1.0, id="lower-2030-met"),
    pytest.param(
        LEVEL, {"target": 0.8, "lower_is_better": True}, 1.0, 2030, 0.81, NOT_ACHIEVED, 0.95, id="lower-2030-short"
    ),
    # approximately 100 (t = 2% of 100 = 2), B 80 < T: higher, d0 20
    pytest.param(APPROXIMATELY, {"target": 100}, 80, 2027, 98, ACHIEVED_EARLY, 0.9 / 0.4, id="approx-98-inside"),
    # 97.9 is outside the band: d 2.1, p 0.895, R 2.2375
    pytest.param(APPROXIMATELY, {"target": 100}, 80, 2027, 97.9, AHEAD, 0.895 / 0.4, id="approx-97.9-outside-ahead"),
    pytest.param(APPROXIMATELY, {"target": 100}, 80, 2027, 88, ON_TRACK, 1.0, id="approx-88-on-track"),
    pytest.param(APPROXIMATELY, {"target": 100}, 80, 2027, 84, BEHIND, 0.5, id="approx-84-behind"),
    # past the band before the end: d −10 > … not met, read by the level rule: p 1.5, R 3.75
    pytest.param(APPROXIMATELY, {"target": 100}, 80, 2027, 110, AHEAD, 3.75, id="approx-overshoot-before-the-end"),
    pytest.param(APPROXIMATELY, {"target": 100}, 80, 2030, 102, ACHIEVED, 1.1, id="approx-2030-upper-edge"),
    pytest.param(APPROXIMATELY, {"target": 100}, 80, 2030, 102.1, NOT_ACHIEVED, 1.105, id="approx-2030-overshoot"),
    pytest.param(APPROXIMATELY, {"target": 100}, 80, 2030, 97, NOT_ACHIEVED, 0.85, id="approx-2030-short"),
    # stated tolerance 5: 95 inside, 94.9 outside
    pytest.param(APPROXIMATELY, {"target": 100, "tolerance": 5}, 80, 2030, 95, ACHIEVED, 0.75, id="approx-t5-inside"),
    pytest.param(
        APPROXIMATELY, {"target": 100, "tolerance": 5}, 80, 2030, 94.9, NOT_ACHIEVED, 0.745, id="approx-t5-outside"
    ),
    # B 120 > T: lower, d0 20; A 112: d 12, p 0.4, R 1.0
    pytest.param(APPROXIMATELY, {"target": 100}, 120, 2027, 112, ON_TRACK, 1.0, id="approx-from-above-on-track"),
    # a percentage: T 1.5, t 0.03; 1.53 − 1.5 is 0.030000000000000027 in binary, still inside
    pytest.param(APPROXIMATELY, {"target": 1.5}, 1.2, 2030, 1.53, ACHIEVED, 1.1, id="approx-float-edge"),
    # benchmark {2026: 40, 2028: 44}, B 30 (d0 from 2026's 40, provisional): d0 10
    pytest.param(BENCHMARK, {"benchmark": {2026: 40, 2028: 44}}, 30, 2026, 36, AHEAD, 3.0, id="bench-2026-ahead"),
    pytest.param(BENCHMARK, {"benchmark": {2026: 40, 2028: 44}}, 30, 2027, 34, ON_TRACK, 1.0, id="bench-on-track"),
    pytest.param(BENCHMARK, {"benchmark": {2026: 40, 2028: 44}}, 30, 2027, 32, BEHIND, 0.5, id="bench-behind"),
    pytest.param(BENCHMARK, {"benchmark": {2026: 40, 2028: 44}}, 30, 2028, 45, ACHIEVED_EARLY, 1.1 / 0.6, id="bench-e"),
    pytest.param(BENCHMARK, {"benchmark": {2026: 40, 2028: 44}}, 30, 2030, 44, ACHIEVED, 1.0, id="bench-2030-met"),
    pytest.param(BENCHMARK, {"benchmark": {2026: 40, 2028: 44}}, 30, 2030, 43, NOT_ACHIEVED, 0.9, id="bench-2030-no"),
    # benchmark, lower is better: {2025: 0.5}, B 0.6, d0 0.1; A 0.56: d 0.06, p 0.4
    pytest.param(
        BENCHMARK, {"benchmark": {2025: 0.5}, "lower_is_better": True}, 0.6, 2027, 0.56, ON_TRACK, 1.0, id="bench-lower"
    ),
    # cumulative 5 from B 0
    pytest.param(CUMULATIVE, {"target": 5}, 0, 2026, 0, BEHIND, 0.0, id="cumulative-none-yet"),
    pytest.param(CUMULATIVE, {"target": 5}, 0, 2027, 2, ON_TRACK, 1.0, id="cumulative-on-track"),
    pytest.param(CUMULATIVE, {"target": 5}, 0, 2027, 3, AHEAD, 1.5, id="cumulative-ahead"),
    pytest.param(CUMULATIVE, {"target": 5}, 0, 2028, 5, ACHIEVED_EARLY, 1 / 0.6, id="cumulative-early"),
    pytest.param(CUMULATIVE, {"target": 5}, 0, 2030, 5, ACHIEVED, 1.0, id="cumulative-2030-met"),
    pytest.param(CUMULATIVE, {"target": 5}, 0, 2030, 4, NOT_ACHIEVED, 0.8, id="cumulative-2030-short"),
    # growth 10% from B 100: T = 100·1.1^5 = 161.051; in 2027 (k 2) R = r/0.1 with r = √(A/100) − 1
    pytest.param(GROWTH, {"target": 10}, 100, 2027, 121, ON_TRACK, 1.0, id="growth-r0.10-on-track"),
    pytest.param(GROWTH, {"target": 10}, 100, 2027, 123.21, AHEAD, 1.10, id="growth-r0.11-exactly-1.10-ahead"),
    pytest.param(GROWTH, {"target": 10}, 100, 2027, 125.44, AHEAD, 1.2, id="growth-r0.12-ahead"),
    pytest.param(GROWTH, {"target": 10}, 100, 2027, 118.81, ON_TRACK, 0.90, id="growth-r0.09-exactly-0.90-on-track"),
    pytest.param(GROWTH, {"target": 10}, 100, 2027, 116.64, BEHIND, 0.8, id="growth-r0.08-behind"),
    pytest.param(GROWTH, {"target": 10}, 100, 2027, 90.25, BEHIND, -0.5, id="growth-fell-behind"),
    # 2028: 170 ≥ 161.051, r = 1.7^(1/3) − 1
    pytest.param(GROWTH, {"target": 10}, 100, 2028, 170, ACHIEVED_EARLY, (1.7 ** (1 / 3) - 1) / 0.1, id="growth-early"),
    pytest.param(GROWTH, {"target": 10}, 100, 2030, 161.051, ACHIEVED, 1.0, id="growth-2030-met"),
    pytest.param(GROWTH, {"target": 10}, 100, 2030, 160, NOT_ACHIEVED, (1.6**0.2 - 1) / 0.1, id="growth-2030-short"),
    # relative change, 累计下降17% from B 0.5: T = 0.415, d0 0.085
    pytest.param(CHANGE, {"target": 17, "lower_is_better": True}, 0.5, 2027, 0.449, AHEAD, 1.5, id="down-ahead"),
    pytest.param(CHANGE, {"target": 17, "lower_is_better": True}, 0.5, 2027, 0.466, ON_TRACK, 1.0, id="down-on-track"),
    pytest.param(CHANGE, {"target": 17, "lower_is_better": True}, 0.5, 2027, 0.483, BEHIND, 0.5, id="down-behind"),
    pytest.param(
        CHANGE,
        {"target": 17, "lower_is_better": True},
        0.5,
        2029,
        0.41,
        ACHIEVED_EARLY,
        (0.09 / 0.085) / 0.8,
        id="down-e",
    ),
    pytest.param(CHANGE, {"target": 17, "lower_is_better": True}, 0.5, 2030, 0.415, ACHIEVED, 1.0, id="down-2030-met"),
    pytest.param(
        CHANGE, {"target": 17, "lower_is_better": True}, 0.5, 2030, 0.42, NOT_ACHIEVED, 0.08 / 0.085, id="down-2030-no"
    ),
    # 累计提高20% from B 200: T 240, d0 40
    pytest.param(CHANGE, {"target": 20}, 200, 2027, 216, ON_TRACK, 1.0, id="up-on-track"),
    pytest.param(CHANGE, {"target": 20}, 200, 2030, 240, ACHIEVED, 1.0, id="up-2030-met"),
]


@pytest.mark.parametrize(("kind", "options", "base", "year", "value", "status", "pace"), STATUS_CASES)
def test_it_gives_every_kind_each_status(kind, options, base, year, value, status, pace):
    result = judged(kind, year, value, base=base, **options)
    assert result.status == status
    assert result.pace == approx(pace)
    assert result.inputs["kind"] == kind


# (kind, options, base, year, value, target T, direction, expected E, completion, gap d, needed per year)
FIGURE_CASES = [
    # E = B + (T − B)·s = 50 + 50·0.4; completion A/T; needed 28/3
    pytest.param(LEVEL, {"target": 100}, 50, 2027, 72, 100, "higher", 70, 0.72, 28, 28 / 3, id="level"),
    # E = B − (B − T)·s = 1 − 0.2·0.4 = 0.92; completion p = 1 − 0.1/0.2 = 0.5
    pytest.param(
        LEVEL,
        {"target": 0.8, "lower_is_better": True},
        1.0,
        2027,
        0.9,
        0.8,
        "lower",
        0.92,
        0.5,
        0.1,
        0.1 / 3,
        id="lower",
    ),
    # lower, above the target: d −0.05, completion p = 1 + 0.05/0.2 = 1.25, nothing needed
    pytest.param(
        LEVEL,
        {"target": 0.8, "lower_is_better": True},
        1.0,
        2028,
        0.75,
        0.8,
        "lower",
        0.88,
        1.25,
        -0.05,
        0,
        id="lower-past",
    ),
    # approximately from above: lower, E = 120 − 20·0.4 = 112, completion p 0.4
    pytest.param(APPROXIMATELY, {"target": 100}, 120, 2027, 112, 100, "lower", 112, 0.4, 12, 4, id="approx-above"),
    pytest.param(APPROXIMATELY, {"target": 100}, 80, 2027, 88, 100, "higher", 88, 0.88, 12, 4, id="approx-below"),
    # benchmark 2027 uses 2026's 40: E = 40 − 10·0.6 = 34
    pytest.param(
        BENCHMARK, {"benchmark": {2026: 40, 2028: 44}}, 30, 2027, 32, 40, "higher", 34, 0.8, 8, 8 / 3, id="benchmark"
    ),
    # cumulative: E = T·s = 5·0.4
    pytest.param(CUMULATIVE, {"target": 5}, 0, 2027, 2, 5, "higher", 2, 0.4, 3, 1, id="cumulative"),
    # a cumulative count is higher-is-better whatever the flag says
    pytest.param(
        CUMULATIVE, {"target": 5, "lower_is_better": True}, 0, 2027, 2, 5, "higher", 2, 0.4, 3, 1, id="cumulative-flag"
    ),
    # growth: E = B·1.1² = 121; T 161.051; completion 121/161.051; needed (161.051 − 121)/3
    pytest.param(
        GROWTH, {"target": 10}, 100, 2027, 121, 161.051, "higher", 121, 121 / 161.051, 40.051, 40.051 / 3, id="growth"
    ),
    # growth has no lower-is-better reading: T = B·(1 + g)^N, higher
    pytest.param(
        GROWTH,
        {"target": 10, "lower_is_better": True},
        100,
        2027,
        121,
        161.051,
        "higher",
        121,
        121 / 161.051,
        40.051,
        40.051 / 3,
        id="growth-flag",
    ),
    # 累计下降17%: E = 0.5 − 0.085·0.4 = 0.466, completion p = 0.4
    pytest.param(
        CHANGE,
        {"target": 17, "lower_is_better": True},
        0.5,
        2027,
        0.466,
        0.415,
        "lower",
        0.466,
        0.4,
        0.051,
        0.017,
        id="down",
    ),
    # 累计提高20%: T 240, E = 200 + 40·0.4 = 216, completion 216/240
    pytest.param(CHANGE, {"target": 20}, 200, 2027, 216, 240, "higher", 216, 0.9, 24, 8, id="up"),
]


@pytest.mark.parametrize(
    ("kind", "options", "base", "year", "value", "target", "direction", "expected", "completion", "gap", "needed"),
    FIGURE_CASES,
)
def test_it_reduces_every_kind_to_a_level_and_a_direction(
    kind, options, base, year, value, target, direction, expected, completion, gap, needed
):
    result = judged(kind, year, value, base=base, **options)
    assert result.target == approx(target)
    assert result.inputs["target"] == approx(target)
    assert result.inputs["direction"] == direction
    assert result.expected == approx(expected)
    assert result.completion == approx(completion)
    assert result.gap == approx(gap)
    assert result.needed_per_year == approx(needed)


# --- what decided each kind's result, in its inputs -----------------------------------------------


def test_it_keeps_the_growth_rates_in_the_inputs():
    # r = √1.21 − 1 = 0.10; still needed: (161.051/121)^(1/3) − 1 = 1.331^(1/3) − 1 = 0.10
    result = judged(GROWTH, 2027, 121, base=100, target=10)
    assert result.inputs["stated_target"] == 10
    assert result.inputs["rate"] == approx(0.10)
    assert result.inputs["rate_achieved"] == approx(0.10)
    assert result.inputs["rate_needed"] == approx(0.10)
    assert result.inputs["base_target"] == approx(161.051)


@pytest.mark.parametrize(
    ("year", "value", "needed"),
    [
        # (161.051/116.64)^(1/3) − 1: 1.3807…^(1/3) − 1 = 0.1135…
        pytest.param(2027, 116.64, (161.051 / 116.64) ** (1 / 3) - 1, id="behind-needs-more-than-g"),
        # already past T: nothing more is needed
        pytest.param(2028, 170, 0.0, id="past-the-target"),
        # one year left: 161.051/150 − 1
        pytest.param(2029, 150, 161.051 / 150 - 1, id="last-year"),
    ],
)
def test_it_says_the_growth_rate_still_needed(year, value, needed):
    result = judged(GROWTH, year, value, base=100, target=10)
    assert result.inputs["rate_needed"] == approx(needed)


def test_it_has_no_rate_still_needed_in_the_target_year():
    assert "rate_needed" not in judged(GROWTH, 2030, 150, base=100, target=10).inputs


@pytest.mark.parametrize(
    ("options", "base", "value", "change"),
    [
        pytest.param({"target": 17, "lower_is_better": True}, 0.5, 0.466, -0.068, id="down"),
        pytest.param({"target": 20}, 200, 216, 0.08, id="up"),
        pytest.param({"target": 20}, 200, 190, -0.05, id="up-but-fell"),
    ],
)
def test_it_reports_the_achieved_change(options, base, value, change):
    result = judged(CHANGE, 2027, value, base=base, **options)
    assert result.inputs["change_achieved"] == approx(change)
    assert result.inputs["rate"] == approx(options["target"] / 100)


def test_it_keeps_the_tolerance_of_an_approximate_target():
    assert judged(APPROXIMATELY, 2027, 88, base=80, target=100).inputs["tolerance"] == approx(2)
    assert judged(APPROXIMATELY, 2027, 88, base=80, target=100, tolerance=5).inputs["tolerance"] == approx(5)


# --- the base already meets the target (docs/method.md §8) ------------------------------------------


@pytest.mark.parametrize(
    ("kind", "options", "base", "value", "status", "expected"),
    [
        # level 100 from B 120: d0 −20; E is T itself
        pytest.param(LEVEL, {"target": 100}, 120, 105, ACHIEVED_EARLY, 100, id="level-held"),
        pytest.param(LEVEL, {"target": 100}, 120, 95, BEHIND, 100, id="level-lost"),
        # lower: T 0.8 from B 0.7
        pytest.param(LEVEL, {"target": 0.8, "lower_is_better": True}, 0.7, 0.75, ACHIEVED_EARLY, 0.8, id="lower-held"),
        pytest.param(LEVEL, {"target": 0.8, "lower_is_better": True}, 0.7, 0.85, BEHIND, 0.8, id="lower-lost"),
        # approximately from exactly T: d0 0
        pytest.param(APPROXIMATELY, {"target": 100}, 100, 101, ACHIEVED_EARLY, 100, id="approx-held"),
        pytest.param(APPROXIMATELY, {"target": 100}, 100, 103, BEHIND, 100, id="approx-lost"),
        # benchmark {2025: 40} from B 45
        pytest.param(BENCHMARK, {"benchmark": {2025: 40}}, 45, 42, ACHIEVED_EARLY, 40, id="benchmark-held"),
        pytest.param(BENCHMARK, {"benchmark": {2025: 40}}, 45, 38, BEHIND, 40, id="benchmark-lost"),
        # growth 0%: T = B = 100
        pytest.param(GROWTH, {"target": 0}, 100, 100, ACHIEVED_EARLY, 100, id="growth-zero-held"),
        pytest.param(GROWTH, {"target": 0}, 100, 99, BEHIND, 100, id="growth-zero-lost"),
        # change 0%: T = B
        pytest.param(CHANGE, {"target": 0, "lower_is_better": True}, 0.5, 0.55, BEHIND, 0.5, id="change-zero-lost"),
    ],
)
def test_it_expects_the_target_held_when_the_base_met_it(kind, options, base, value, status, expected):
    result = judged(kind, 2027, value, base=base, **options)
    assert result.inputs["base_distance"] <= 0
    assert result.status == status
    assert result.pace is None
    assert result.expected == approx(expected)


def test_it_gives_no_completion_for_a_reduction_the_plan_did_not_need():
    # lower is better, B 0.7 already under T 0.8: no planned reduction to complete
    assert judged(LEVEL, 2027, 0.75, base=0.7, target=0.8, lower_is_better=True).completion is None


# --- missing figures: zero and negative bases, missing values ---------------------------------------


@pytest.mark.parametrize(
    ("kind", "options", "base", "value", "missing", "target"),
    [
        pytest.param(GROWTH, {"target": 10}, 0, 10, "positive_base_value", None, id="growth-zero-base"),
        pytest.param(GROWTH, {"target": 10}, -5, 10, "positive_base_value", None, id="growth-negative-base"),
        pytest.param(GROWTH, {"target": 10}, None, 10, "base_value", None, id="growth-no-base"),
        # the target is known from B; the value is not
        pytest.param(GROWTH, {"target": 10}, 100, 0, "positive_value", 161.051, id="growth-zero-value"),
        pytest.param(GROWTH, {"target": 10}, 100, -3, "positive_value", 161.051, id="growth-negative-value"),
        pytest.param(GROWTH, {"target": 10}, 100, None, "value", 161.051, id="growth-no-value"),
        pytest.param(CHANGE, {"target": 17, "lower_is_better": True}, 0, 0.4, "positive_base_value", None, id="ch-0"),
        pytest.param(CHANGE, {"target": 17}, -2, 1, "positive_base_value", None, id="change-negative-base"),
        pytest.param(CHANGE, {"target": 17}, None, 1, "base_value", None, id="change-no-base"),
        # a level may start from 0 or below; only a missing base stops it
        pytest.param(LEVEL, {"target": 100}, None, 50, "base_value", 100, id="level-no-base"),
        pytest.param(APPROXIMATELY, {"target": 100}, None, 50, "base_value", 100, id="approx-no-base"),
        pytest.param(LEVEL, {"target": None}, 50, 60, "target", None, id="level-no-target"),
        pytest.param(GROWTH, {"target": None}, 100, 110, "target", None, id="growth-no-target"),
    ],
)
def test_it_says_insufficient_data_for_what_a_kind_cannot_judge(kind, options, base, value, missing, target):
    result = judged(kind, 2027, value, base=base, **options)
    assert result.status == INSUFFICIENT
    assert result.inputs["missing"] == missing
    assert result.target == approx(target)
    assert (result.pace, result.projected) == (None, None)


def test_it_judges_a_level_from_a_zero_or_negative_base():
    # B −10, T 10: d0 20, A 2 in 2027: d 8, p 0.6, R 1.5
    result = judged(LEVEL, 2027, 2, base=-10, target=10)
    assert (result.status, result.pace) == (AHEAD, approx(1.5))


def test_it_skips_missing_years_in_the_projection():
    # points (2025, 50) (2027, 62) (2028, 64): x 0, 2, 3; x̄ 5/3, ȳ 176/3; Sxx 14/3, Sxy 68/3: slope 34/7;
    # at x 5: 176/3 + 34/7·10/3 = 1572/21
    result = judged(LEVEL, 2028, 64, base=50, target=100, actuals={2026: None, 2027: 62})
    assert result.inputs["projection_points"] == [[2025, 50], [2027, 62], [2028, 64]]
    assert result.projected == approx(1572 / 21)
    assert result.projected_gap == approx(100 - 1572 / 21)


# --- benchmark gaps before and after the series (docs/method.md §8) --------------------------------------


@pytest.mark.parametrize(
    ("series", "year", "value", "status", "target", "benchmark_year", "provisional"),
    [
        # the series starts in 2027: 2026 has no benchmark
        pytest.param({2027: 40}, 2026, 34, BENCHMARK_MISSING, None, None, False, id="before-the-series"),
        # 2027 has its own value; d0 = 40 − 30 from the earliest value, provisional; d 3, p 0.7, R 1.75
        pytest.param({2027: 40}, 2027, 37, AHEAD, 40, 2027, True, id="first-year-base-provisional"),
        # after the series ends: the latest earlier value, provisional; 41 ≥ 40
        pytest.param({2026: 40}, 2029, 41, ACHIEVED_EARLY, 40, 2026, True, id="after-the-series"),
        pytest.param({}, 2027, 37, BENCHMARK_MISSING, None, None, False, id="empty-series"),
        # a gap inside the series: 2027 takes 2026's 40; d0 = 38 − 30 = 8, d 4.8, p 0.4, R 1.0
        pytest.param({2025: 38, 2026: 40, 2028: 44}, 2027, 35.2, ON_TRACK, 40, 2026, True, id="gap-inside"),
    ],
)
def test_it_reads_a_benchmark_before_during_and_after_its_series(
    series, year, value, status, target, benchmark_year, provisional
):
    result = judged(BENCHMARK, year, value, base=30, benchmark=series)
    assert result.status == status
    assert result.target == approx(target)
    assert result.benchmark_year == benchmark_year
    assert result.provisional is provisional


def test_it_says_when_the_benchmark_series_starts():
    result = judged(BENCHMARK, 2026, 34, base=30, benchmark={2027: 40})
    assert result.status == BENCHMARK_MISSING
    assert result.inputs["benchmark_starts"] == 2027
    assert compute.status_word(result.status) == "基准缺失"


def test_it_projects_benchmark_distances_only_from_the_years_the_series_covers():
    # series {2027: 40}; B 30 (d0 10 from the earliest value); 2026 has no benchmark and is left out;
    # distances (2025, 10) (2027, 4) (2028, 2): x 0, 2, 3; x̄ 5/3, ȳ 16/3; Sxx 14/3, Sxy −38/3: slope −19/7;
    # at x 5: 16/3 − 19/7·10/3 = −26/7, reaches the benchmark
    result = judged(BENCHMARK, 2028, 38, base=30, benchmark={2027: 40}, actuals={2026: 33, 2027: 36})
    assert result.inputs["projection_distances"] == [[2025, 10], [2027, 4], [2028, 2]]
    assert result.projected_gap == approx(-26 / 7)
    assert result.inputs["projected_reaches_benchmark"] is True


# --- projections per kind, and none in the target year ---------------------------------------------------


def test_it_projects_growth_through_the_logarithms():
    # 100, 110, 121: ln-values on a line of slope ln 1.1, so 2030 is 100·1.1^5 = 161.051, the target exactly
    result = judged(GROWTH, 2027, 121, base=100, target=10, actuals={2026: 110})
    assert result.projected == approx(161.051)
    assert result.projected_gap == pytest.approx(0, abs=1e-9)
    assert result.inputs["projection_rate"] == approx(0.1)
    assert result.inputs["projection_log_slope"] == approx(math.log(1.1))
    assert "projection_slope" not in result.inputs  # no straight line to draw


def test_it_projects_a_growth_that_falls_short():
    # 100, 105: rate 5%, 2030 at 100·1.05^5 = 127.62815625; T 161.051, gap 33.42284375
    result = judged(GROWTH, 2026, 105, base=100, target=10)
    assert result.projected == approx(127.62815625)
    assert result.projected_gap == approx(161.051 - 127.62815625)


def test_it_projects_a_lower_is_better_level():
    # (2025, 1.0) (2026, 0.95) (2027, 0.9): slope −0.05, 2030 at 0.75; gap 0.75 − 0.8 = −0.05 (reached)
    result = judged(LEVEL, 2027, 0.9, base=1.0, target=0.8, lower_is_better=True, actuals={2026: 0.95})
    assert result.projected == approx(0.75)
    assert result.projected_gap == approx(-0.05)


@pytest.mark.parametrize(
    ("value_2027", "projected", "gap"),
    [
        # (2025, 80) (2026, 88) (2027, 92): slope 6, 2030 at 86⅔ + 24 = 110⅔: 10⅔ − 2 outside the band
        pytest.param(92, 332 / 3, 332 / 3 - 100 - 2, id="overshoots-the-band"),
        # (2025, 80) (2026, 88) (2027, 89): slope 4.5, 2030 at 85⅔ + 18 = 103⅔: 3⅔ − 2
        pytest.param(89, 311 / 3, 311 / 3 - 100 - 2, id="just-outside"),
        # (2025, 80) (2026, 86) (2027, 87): slope 3.5, 2030 at 84⅓ + 14 = 98⅓: 1⅔ − 2 < 0, inside
        pytest.param(87, 295 / 3, 100 - 295 / 3 - 2, id="inside"),
    ],
)
def test_it_projects_an_approximate_target_against_its_band(value_2027, projected, gap):
    actuals = {2026: 86 if value_2027 == 87 else 88}
    result = judged(APPROXIMATELY, 2027, value_2027, base=80, target=100, actuals=actuals)
    assert result.projected == approx(projected)
    assert result.projected_gap == approx(gap)


@pytest.mark.parametrize(
    ("kind", "options", "base"),
    [
        pytest.param(LEVEL, {"target": 100}, 50, id="level"),
        pytest.param(LEVEL, {"target": 0.8, "lower_is_better": True}, 1.0, id="lower"),
        pytest.param(APPROXIMATELY, {"target": 100}, 80, id="approximately"),
        pytest.param(BENCHMARK, {"benchmark": {2026: 40, 2028: 44}}, 30, id="benchmark"),
        pytest.param(CUMULATIVE, {"target": 5}, 0, id="cumulative"),
        pytest.param(GROWTH, {"target": 10}, 100, id="growth"),
        pytest.param(CHANGE, {"target": 17, "lower_is_better": True}, 0.5, id="change"),
    ],
)
def test_it_measures_the_target_year_and_projects_nothing(kind, options, base):
    values = {2026: base * 1.1 + 1, 2027: base * 1.2 + 2, 2028: base * 1.3 + 3, 2029: base * 1.4 + 4}
    result = judged(kind, 2030, base * 1.5 + 5, base=base, actuals=values, **options)
    assert result.status in (ACHIEVED, NOT_ACHIEVED)
    assert (result.projected, result.projected_gap, result.needed_per_year) == (None, None, None)
    assert "projection_points" not in result.inputs
    before = judged(kind, 2029, values[2029], base=base, actuals=values, **options)
    assert before.projected is not None  # the year before is projected: the test can tell the two apart


# --- the published base and the platform's own (docs/method.md §8) --------------------------------------


@pytest.mark.parametrize(
    ("published", "computed", "note"),
    [
        pytest.param(327, 300, {"published": 327, "computed": 300, "difference": 300 / 327 - 1}, id="8.3%-lower"),
        pytest.param(100, 102, None, id="exactly-2%-no-note"),
        pytest.param(100, 98, None, id="exactly-minus-2%-no-note"),
        pytest.param(100, 102.01, {"published": 100, "computed": 102.01, "difference": 0.0201}, id="2.01%-note"),
        pytest.param(327, 321, None, id="1.8%-no-note"),
        pytest.param(None, 300, None, id="no-published-figure"),
        pytest.param(327, None, None, id="no-computed-figure"),
        pytest.param(0, 5, {"published": 0, "computed": 5, "difference": None}, id="published-zero"),
        pytest.param(0, 0, None, id="both-zero"),
    ],
)
def test_it_notes_a_published_base_the_statistics_do_not_match(published, computed, note):
    found = coverage_note(published, computed)
    if note is None:
        assert found is None
    else:
        assert found == {k: approx(v) for k, v in note.items()}


def annual(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["indicator", "parcel", "year", "value"])


def row_of(table: pd.DataFrame, parcel, year: int) -> dict:
    scope = table["parcel"].isna() if parcel is None else table["parcel"] == parcel
    found = table[scope & (table["year"] == year)]
    assert len(found) == 1
    return found.iloc[0].to_dict()


def test_it_judges_the_park_from_the_published_base_and_keeps_both():
    # growth 10% from the published 100 (the statistics say 90): T = 161.051; 2027 A 121: R 1.0
    frame = annual([("R", None, 2025, 90), ("R", None, 2027, 121)])
    spec = IndicatorSpec("R", GROWTH, target=10, plan_base=100)
    park = row_of(progress_table(frame, [spec], parcels=[], years=[2027], plan=PLAN), None, 2027)
    assert park["base_value"] == 100
    assert park["target"] == approx(161.051)
    assert park["status"] == ON_TRACK
    inputs = park["inputs"]
    assert (inputs["base_source"], inputs["base_published"], inputs["base_computed"]) == ("plan", 100, 90)
    assert inputs["coverage_note"] == {"published": 100, "computed": 90, "difference": approx(-0.1)}


def test_it_judges_the_park_from_its_computed_base_without_a_published_one():
    # 累计下降17% from the computed 0.5: T 0.415
    frame = annual([("E", None, 2025, 0.5), ("E", None, 2027, 0.466)])
    spec = IndicatorSpec("E", CHANGE, target=17, lower_is_better=True)
    park = row_of(progress_table(frame, [spec], parcels=[], years=[2027], plan=PLAN), None, 2027)
    assert (park["base_value"], park["target"], park["status"]) == (0.5, approx(0.415), ON_TRACK)
    assert park["inputs"]["base_source"] == "computed"
    assert park["inputs"]["base_published"] is None
    assert "coverage_note" not in park["inputs"]


def test_it_gives_growth_insufficient_data_without_a_base_year_value():
    frame = annual([("R", None, 2027, 121)])
    park = row_of(
        progress_table(frame, [IndicatorSpec("R", GROWTH, target=10)], parcels=[], years=[2027], plan=PLAN), None, 2027
    )
    assert park["status"] == INSUFFICIENT
    assert park["inputs"]["missing"] == "base_value"


# --- parcels per kind (docs/method.md §5) ---------------------------------------------------------------

# A ratio indicator: park 2025 100 → 2027 121; parcel 1: 50 → 60.5; parcel 2: 200 → 210; parcel 3: none in 2025.
RATIO = annual(
    [
        ("X", None, 2025, 100),
        ("X", None, 2027, 121),
        ("X", 1, 2025, 50),
        ("X", 1, 2027, 60.5),
        ("X", 2, 2025, 200),
        ("X", 2, 2027, 210),
        ("X", 3, 2027, 70),
    ]
)


@pytest.mark.parametrize(
    ("spec", "parcel", "target", "status"),
    [
        # growth: each parcel's T from its own base, same g: 50·1.61051 = 80.5255; r = √1.21 − 1 = 0.1 → 1.0
        pytest.param(IndicatorSpec("X", GROWTH, target=10), 1, 80.5255, ON_TRACK, id="growth-own-base"),
        # 200·1.61051 = 322.102; r = √1.05 − 1 = 0.0247 → R 0.247
        pytest.param(IndicatorSpec("X", GROWTH, target=10), 2, 322.102, BEHIND, id="growth-own-base-behind"),
        pytest.param(IndicatorSpec("X", GROWTH, target=10), 3, None, INSUFFICIENT, id="growth-no-own-base"),
        # 累计提高20%: parcel 1's T = 60, A 60.5 ≥ 60 → 提前实现
        pytest.param(IndicatorSpec("X", CHANGE, target=20), 1, 60, ACHIEVED_EARLY, id="change-own-base"),
        # level 150: the park's T; parcel 2 from 200 already above: 210 ≥ 150 → 提前实现
        pytest.param(IndicatorSpec("X", LEVEL, target=150), 2, 150, ACHIEVED_EARLY, id="level-park-target"),
        # level, lower is better, T 55: parcel 1 from 50 already under, 60.5 > 55 → 滞后
        pytest.param(IndicatorSpec("X", LEVEL, target=55, lower_is_better=True), 1, 55, BEHIND, id="lower-park-target"),
        # approximately 100 (t 2): parcel 2 from 200 (lower): d0 100, d 110 → p −0.1 → 滞后
        pytest.param(IndicatorSpec("X", APPROXIMATELY, target=100), 2, 100, BEHIND, id="approx-park-target"),
        # parcel 1 from 50 (higher): d0 50, d 39.5, p 0.21, R 0.525 → 滞后
        pytest.param(IndicatorSpec("X", APPROXIMATELY, target=100), 1, 100, BEHIND, id="approx-from-below"),
        # benchmark: the park's series; parcel 1: d0 40 − 50 < 0, 60.5 ≥ 40 → 提前实现
        pytest.param(IndicatorSpec("X", BENCHMARK, benchmark={2025: 40}), 1, 40, ACHIEVED_EARLY, id="benchmark"),
    ],
)
def test_it_judges_a_ratio_parcel_by_its_kind(spec, parcel, target, status):
    row = row_of(progress_table(RATIO, [spec], parcels=[1, 2, 3], years=[2027], plan=PLAN), parcel, 2027)
    assert row["target"] == approx(target)
    assert row["status"] == status
    assert row["share_of_change"] is None
    assert "coverage_note" not in row["inputs"]  # a parcel's base is only ever its own


# A count: park 2025 40 → 2027 52; parcel 1: 10 → 16; parcel 2: 30 → 36.
COUNT = annual(
    [
        ("N", None, 2025, 40),
        ("N", None, 2027, 52),
        ("N", 1, 2025, 10),
        ("N", 1, 2027, 16),
        ("N", 2, 2025, 30),
        ("N", 2, 2027, 36),
    ]
)


@pytest.mark.parametrize(
    ("kind", "split", "parcel", "target", "status", "share"),
    [
        # without split targets: no status, the share of the park's change (6/12, 6/12)
        pytest.param(GROWTH, {}, 1, None, "", 0.5, id="growth-no-split"),
        pytest.param(CHANGE, {}, 2, None, "", 0.5, id="change-no-split"),
        pytest.param(APPROXIMATELY, {}, 1, None, "", 0.5, id="approx-no-split"),
        # a split growth target is a rate, from the parcel's own base: 10·1.2^5 = 24.8832; r = √1.6 − 1, R 1.32
        pytest.param(GROWTH, {1: 20}, 1, 24.8832, AHEAD, 0.5, id="growth-split-rate"),
        # a split change target is a percentage of the parcel's own base: 30·1.5 = 45; d0 15, d 9, p 0.4 → R 1.0
        pytest.param(CHANGE, {2: 50}, 2, 45, ON_TRACK, 0.5, id="change-split"),
        # a split level: parcel 1 to 20: d0 10, d 4, p 0.6 → R 1.5
        pytest.param(LEVEL, {1: 20}, 1, 20, AHEAD, 0.5, id="level-split"),
        # a split approximate target: 16 within 2% of 16.2 (0.324) → 提前实现
        pytest.param(APPROXIMATELY, {1: 16.2}, 1, 16.2, ACHIEVED_EARLY, 0.5, id="approx-split"),
        # the other parcel has no split target: no status
        pytest.param(LEVEL, {1: 20}, 2, None, "", 0.5, id="level-split-other-parcel"),
    ],
)
def test_it_judges_a_count_parcel_only_against_a_split_target(kind, split, parcel, target, status, share):
    spec = IndicatorSpec("N", kind, target=10 if kind in (GROWTH, CHANGE) else 60, parcel_targets=split, is_count=True)
    row = row_of(progress_table(COUNT, [spec], parcels=[1, 2], years=[2027], plan=PLAN), parcel, 2027)
    assert row["target"] == approx(target)
    assert row["status"] == status
    assert row["share_of_change"] == approx(share)


def test_it_counts_a_cumulative_parcel_from_zero_against_its_split_target():
    # cumulative 10 over the plan, parcel 1's share 4: 2027 A 2 → d0 4, d 2, p 0.5, R 1.25
    frame = annual([("L", None, 2027, 3), ("L", 1, 2027, 2), ("L", 2, 2027, 1)])
    spec = IndicatorSpec("L", CUMULATIVE, target=10, parcel_targets={1: 4}, is_count=True)
    table = progress_table(frame, [spec], parcels=[1, 2], years=[2027], plan=PLAN)
    one, two = row_of(table, 1, 2027), row_of(table, 2, 2027)
    assert (one["base_value"], one["target"], one["status"], one["pace"]) == (0, 4, AHEAD, approx(1.25))
    assert (two["status"], two["share_of_change"]) == ("", approx(1 / 3))


def test_it_passes_the_direction_and_tolerance_to_every_scope():
    # level 0.8, lower is better, park B 1.0 → A 0.92 in 2027: on track; tolerance kept for an approximate park
    frame = annual([("E", None, 2025, 1.0), ("E", None, 2027, 0.92)])
    lower = IndicatorSpec("E", LEVEL, target=0.8, lower_is_better=True)
    park = row_of(progress_table(frame, [lower], parcels=[], years=[2027], plan=PLAN), None, 2027)
    assert (park["inputs"]["direction"], park["status"]) == ("lower", ON_TRACK)
    approximately = IndicatorSpec("E", APPROXIMATELY, target=0.93, tolerance=0.01)
    park = row_of(progress_table(frame, [approximately], parcels=[], years=[2027], plan=PLAN), None, 2027)
    assert (park["inputs"]["tolerance"], park["status"]) == (approx(0.01), ACHIEVED_EARLY)


def test_it_refuses_an_unknown_kind():
    with pytest.raises(ValueError, match="unknown target kind"):
        judged("average", 2027, 1, base=1, target=1)


# --- through the recompute, the indicator page and the report (docs/method.md §5, §8) ----------------------


@pytest.fixture
def recomputed(plan):
    from indicators import services
    from parcels import demo

    demo.seed_demo(enterprises=60, seed=3)
    services.recompute(full=True)
    return plan


def park_progress(plan, code: str, year: int):
    from indicators.models import Progress

    return Progress.objects.get(indicator__plan=plan, indicator__code=code, parcel__isnull=True, year=year)


def computed_base(plan, code: str) -> float | None:
    from indicators.models import IndicatorValue

    row = IndicatorValue.objects.get(
        indicator__plan=plan, indicator__code=code, parcel__isnull=True, year=plan.base_year, quarter=4
    )
    return row.value


@pytest.mark.django_db
def test_the_recompute_keeps_the_computed_base_beside_the_published_one(recomputed):
    plan = recomputed
    own = computed_base(plan, "I4")
    assert abs(own / 327 - 1) > 0.02  # sixty demo enterprises are far from the plan's 327
    i4 = park_progress(plan, "I4", 2023)
    assert (i4.base_value, i4.inputs["base_source"]) == (327, "plan")
    assert (i4.inputs["base_published"], i4.inputs["base_computed"]) == (327, approx(own))
    assert i4.inputs["coverage_note"] == {
        "published": 327,
        "computed": approx(own),
        "difference": approx(own / 327 - 1),
    }
    # I2's plan figures are for 2015 and 2019, not the base year: its base is the computed one
    i2 = park_progress(plan, "I2", 2023)
    assert i2.inputs["base_source"] == "computed"
    assert i2.base_value == approx(computed_base(plan, "I2"))
    assert i2.inputs["base_published"] is None
    assert "coverage_note" not in i2.inputs


@pytest.mark.django_db
def test_the_recompute_projects_nothing_in_the_target_year(recomputed):
    from indicators.models import Progress

    rows = Progress.objects.filter(indicator__plan=recomputed)
    assert rows.filter(year=2024, projected__isnull=False).exists()  # the year before is projected
    assert not rows.filter(year=2025, projected__isnull=False).exists()
    assert not rows.filter(year=2025, projected_gap__isnull=False).exists()


@pytest.mark.django_db
def test_the_indicator_page_shows_the_coverage_note_and_no_projection_in_the_target_year(recomputed, client):
    from parcels import access
    from tests.factories import make_user

    client.force_login(make_user("official_kinds", role=access.OFFICIAL))
    own = computed_base(recomputed, "I4")
    html = client.get("/indicators/I4/?year=2023").content.decode()
    assert f"口径说明：基期值为规划所载327 家，按2020年企业统计数据计算为{own:,.0f} 家" in html
    assert "外推" in html  # before the target year the page speaks of the projection
    html = client.get("/indicators/I4/?year=2025").content.decode()
    assert "口径说明" in html
    assert "外推" not in html
    assert "虚线为基期至目标年目标的直线路径。" in html


@pytest.mark.django_db
def test_the_report_notes_the_coverage_in_the_indicator_section_and_projects_nothing_in_the_target_year(recomputed):
    from indicators.reports import content, snapshot

    def paragraphs(year: int) -> list[dict]:
        document = content.build_document(snapshot.build_snapshot(year=year, plan=recomputed))
        return [b for b in document["blocks"] if b.get("kind") == "paragraph"]

    notes = [p["text"] for p in paragraphs(2023) if p["style"] == "note"]
    assert any(n.startswith("经认定的高新技术企业：基期值为规划所载327家") and "口径不同" in n for n in notes)
    assert any("趋势推算" in p["text"] for p in paragraphs(2024))  # the year before is projected
    assert not any("趋势推算" in p["text"] or "预计" in p["text"] for p in paragraphs(2025))


# --- the words a reader gets for the new kinds -------------------------------------------------------------


def test_the_indicator_page_explains_a_growth_pace_by_its_rates():
    from types import SimpleNamespace

    from indicators.dashboard.reasons import progress_reason

    # r = √1.1664 − 1 = 8%, R = 0.8/1 → 滞后
    result = judged(GROWTH, 2027, 116.64, base=100, target=10)
    text = progress_reason(SimpleNamespace(**result.as_dict()), unit="万元", decimals=2, target_year=2030)
    assert "目标为年均增长10.0%，2025年以来年均增长8.0%，进度比为0.80（实际年均增速÷目标年均增速" in text
    assert "判定为“滞后”" in text
    assert "应缩小差距" not in text  # the pace of a growth target is not p/s


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        pytest.param(
            "zh",
            "2027年万元增加值用水量为8.90立方米，完成计划降幅的43.8%，进度基本符合预期，2028—2030年每年需降低0.30立方米。",
            id="zh",
        ),
        pytest.param(
            "en",
            "In 2027, water per 10,000 yuan of value added was 8.90 m³; 43.8% of the planned reduction; on schedule; "
            "a further cut of 0.30 m³ needed each year in 2028–2030.",
            id="en",
        ),
    ],
)
def test_the_report_words_a_lower_is_better_target_as_a_reduction(language, expected):
    from indicators.reports.sentences import Measure, indicator_sentence

    m = Measure(
        year=2027,
        name="万元增加值用水量" if language == "zh" else "water per 10,000 yuan of value added",
        unit="立方米" if language == "zh" else "m³",
        decimals=2,
        is_count=False,
        kind=LEVEL,
        value=8.9,
        target=8.0,
        completion=0.4375,
        status=ON_TRACK,
        gap=0.9,
        needed_per_year=0.3,
        lower_is_better=True,
        target_year=2030,
    )
    assert indicator_sentence(m, language) == expected


@pytest.mark.django_db
def test_a_new_plan_takes_its_base_from_the_statistics_with_the_published_figure_beside_it(plan):
    from decimal import Decimal

    from indicators import services
    from indicators.models import BaseValue, Indicator, IndicatorValue
    from indicators.models import Plan as PlanModel
    from parcels.models import Parcel
    from tests.factories import make_enterprise, make_statistic

    fifteenth = PlanModel.objects.create(
        code="fyp-15-kinds",
        name_zh="测试“十五五”规划",
        name_en="Test 15th plan",
        short_zh="十五五",
        short_en="15th",
        start_year=2026,
        end_year=2030,
        base_year=2025,
        park_area_km2=Decimal("30.63"),
        issuer="测试",
        source="测试",
    )
    common = {"plan": fifteenth, "unit": "万元", "unit_en": "10k yuan", "target_year": 2030, "decimals": 2}
    words = {"formula_zh": "-", "formula_en": "-", "definition_zh": "-", "definition_en": "-"}
    growth = Indicator.objects.create(
        code="R1",
        order=1,
        name_zh="研发经费支出",
        name_en="R&D",
        target_kind=GROWTH,
        target_value=10,
        target_text_zh="年均增长10%以上",
        target_text_en="10% a year",
        formula="sum(rd_expenditure)",
        **common,
        **words,
    )
    change = Indicator.objects.create(
        code="E1",
        order=2,
        name_zh="研发强度",
        name_en="R&D intensity",
        target_kind=CHANGE,
        target_value=17,
        lower_is_better=True,
        target_text_zh="累计下降17%",
        target_text_en="down 17%",
        formula="100 * sum(rd_expenditure) / sum(value_added)",
        **common,
        **words,
    )
    BaseValue.objects.create(indicator=growth, year=2025, value=1000, source="规划所载")
    parcel = Parcel.objects.order_by("order").first()
    enterprise = make_enterprise(parcel=parcel)
    make_statistic(enterprise=enterprise, year=2025, rd_expenditure=800, value_added=4000)
    make_statistic(enterprise=enterprise, year=2026, rd_expenditure=1100, value_added=5800)
    services.recompute(full=True)

    # the base year's value is the platform's own: 800 (R1), 100·800/4000 = 20 (E1)
    stored = IndicatorValue.objects.filter(parcel__isnull=True, year=2025, quarter=4)
    assert stored.get(indicator=growth).value == approx(800)
    assert stored.get(indicator=change).value == approx(20)
    # R1 from the published 1000: T = 1 610.51, r = 1100/1000 − 1 = 10% → 1.0 (from 800 it would be 37.5%)
    r1 = park_progress(fifteenth, "R1", 2026)
    assert (r1.base_value, r1.target, r1.status, r1.pace) == (1000, approx(1610.51), ON_TRACK, approx(1.0))
    assert (r1.inputs["base_published"], r1.inputs["base_computed"]) == (1000, approx(800))
    assert r1.inputs["coverage_note"]["difference"] == approx(-0.2)
    # E1 from the computed 20: T = 16.6, A = 100·1100/5800 = 18.9655…, d0 3.4, p = 1 − 2.3655…/3.4, s 0.2
    e1 = park_progress(fifteenth, "E1", 2026)
    value = 110000 / 5800
    assert (e1.base_value, e1.target, e1.status) == (approx(20), approx(16.6), AHEAD)
    assert e1.pace == approx((1 - (value - 16.6) / 3.4) / 0.2)
    assert e1.inputs["change_achieved"] == approx(value / 20 - 1)
    assert (e1.inputs["base_source"], e1.inputs["base_published"]) == ("computed", None)
    # the parcel of the ratio is judged from its own base, the sum's parcel only with a split target
    from indicators.models import Progress

    parcel_rows = Progress.objects.filter(indicator__plan=fifteenth, parcel=parcel, year=2026)
    assert parcel_rows.get(indicator=change).status == AHEAD
    assert parcel_rows.get(indicator=growth).status == ""


def test_the_trend_chart_draws_no_benchmark_before_the_series_starts():
    from indicators import charts

    # series from 2027; B 30 in 2025: the base year takes the earliest value, provisional; 2026 has none
    rows = charts.trend_rows(
        years=list(range(2025, 2031)),
        actuals={2025: 30, 2026: 33, 2027: 36},
        kind=BENCHMARK,
        target=None,
        base_year=2025,
        base_value=30,
        benchmark={2027: 40},
        target_year=2030,
    )
    by_year = {r["year"]: r for r in rows}
    assert (by_year[2025]["target"], by_year[2025]["provisional"]) == (40, True)
    assert (by_year[2026]["target"], by_year[2026]["expected"], by_year[2026]["actual"]) == (None, None, 33)
    assert (by_year[2027]["target"], by_year[2027]["provisional"]) == (40, False)

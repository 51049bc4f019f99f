"""Pure computation of indicator values and progress (docs/method.md §2 and §3).

No Django, no Celery: DataFrames and numbers in, DataFrames and dicts out.
Every number an official reads is made here, so every rule is in one place:

- ``sums_from_records`` turns enterprise records into the sums the formulas need
  (indicators.formulas; the database does the same aggregate in SQL, with the
  same columns);
- ``values_from_sums`` applies each indicator's formula to those sums
  (``parcel_values`` does both for a return's preview);
- ``judge`` decides the progress of one indicator in one scope and year.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import cast

import pandas as pd

from parkplan.numbers import is_missing

from . import formulas

# Target kinds (docs/method.md §3).
LEVEL, APPROXIMATELY, BENCHMARK = "level", "approximately", "benchmark"
CUMULATIVE, GROWTH, CHANGE = "cumulative", "growth", "change"

# Ties are decided as the decimal figures read: a pace of exactly 1.10 computed
# in binary floating point is 1.0999999999999999, and must still count as 1.10.
TOLERANCE = 1e-9

ACHIEVED_EARLY = "achieved_early"
AHEAD = "ahead"
ON_TRACK = "on_track"
BEHIND = "behind"
ACHIEVED = "achieved"
NOT_ACHIEVED = "not_achieved"
BENCHMARK_MISSING = "benchmark_missing"
INSUFFICIENT_DATA = "insufficient_data"

STATUS_WORDS = {
    ACHIEVED_EARLY: ("提前实现", "Achieved early"),
    AHEAD: ("快于预期", "Ahead of schedule"),
    ON_TRACK: ("基本符合预期", "On schedule"),
    BEHIND: ("滞后", "Behind"),
    ACHIEVED: ("已实现", "Achieved"),
    NOT_ACHIEVED: ("未实现", "Not achieved"),
    BENCHMARK_MISSING: ("基准缺失", "Benchmark missing"),
    INSUFFICIENT_DATA: ("数据不足", "Insufficient data"),
}
STATUS_ORDER = [ACHIEVED_EARLY, AHEAD, ON_TRACK, BEHIND, ACHIEVED, NOT_ACHIEVED, BENCHMARK_MISSING, INSUFFICIENT_DATA]


def status_word(status: str, language: str = "zh") -> str:
    """Return the Chinese (or English) word for a status code; empty for no status."""
    if not status:
        return ""
    zh, en = STATUS_WORDS[status]
    return en if language.startswith("en") else zh


# --- values -----------------------------------------------------------------


@dataclass(frozen=True)
class ValueSpec:
    """What the values need of one indicator: its compiled formula and the park's stated area."""

    key: Hashable  # identifies the indicator in the output (its id; its code for a single plan)
    compiled: formulas.Compiled
    park_area_km2: float | None = None  # the plan's stated park area (parcel.area_mu for the park)


def sums_from_records(records: pd.DataFrame, terms: Iterable[formulas.Term]) -> pd.DataFrame:
    """Sum enterprise records per scope and period: the pandas twin of the recompute's SQL aggregate.

    In: one row per enterprise record with columns parcel (parcel id), year,
    quarter and the data elements by code (numbers, NaN or None where missing;
    flags bool or None; dates or None). Out: one row per (parcel, year,
    quarter) and one for the park with parcel None, columns parcel, year,
    quarter, records and each term's alias. The park row is summed from the
    records, never from the parcel rows.

    A missing figure (未填写 or 不适用) is no value, never 0: a ratio's sums take
    an enterprise only where both sides are present (pairwise), and a count
    never counts a missing flag (docs/method.md §2).
    """
    keys = ["parcel", "year", "quarter"]
    terms = list(terms)
    columns = ["records", *(t.alias for t in terms)]
    if records.empty:
        return pd.DataFrame(columns=[*keys, *columns])
    parts = pd.DataFrame(
        {
            "parcel": records["parcel"],
            "year": records["year"].astype(int),
            "quarter": records["quarter"].astype(int),
            "records": 1,
        }
    )
    for term in terms:
        parts[term.alias] = formulas.term_parts(term, records)
    by_parcel = parts.groupby(keys, as_index=False)[columns].sum()
    park = parts.groupby(["year", "quarter"], as_index=False)[columns].sum()
    park.insert(0, "parcel", None)
    return pd.concat([by_parcel, park], ignore_index=True)


# The columns of a computed value, as values_from_sums returns them and IndicatorValue stores them.
VALUE_COLUMNS = [
    "indicator",
    "parcel",
    "year",
    "quarter",
    "value",
    "numerator",
    "denominator",
    "enterprises",
    "previous",
]


def values_from_sums(
    sums: pd.DataFrame,
    specs: Iterable[ValueSpec],
    *,
    parcels: Iterable[int] = (),
    areas: Mapping[int, float] | None = None,
) -> pd.DataFrame:
    """Apply every indicator's formula to the sums of every scope and period.

    In: the frame of ``sums_from_records`` (or the SQL aggregate); the ids of
    every parcel (a parcel with no records in a period where the park has data
    gets sums of 0: counts of 0 and no ratio values); parcel id → area in km²
    for formulas per unit of land.
    Out: one row per indicator, scope and period, VALUE_COLUMNS: indicator
    (the spec's key), parcel (None for the park), year, quarter, value,
    numerator, denominator (None for a count or a sum), enterprises, previous
    (the value for the same period a year earlier). The value is
    scale × numerator ÷ denominator, None where the denominator is zero.
    """
    specs = list(specs)
    if sums.empty or not specs:
        return pd.DataFrame(columns=VALUE_COLUMNS)
    sums = _fill_missing_parcels(sums, parcels)
    frames = [_values_of(spec, sums, areas or {}) for spec in specs]
    values = pd.concat(frames, ignore_index=True)
    values["scope"] = values["parcel"].map(_scope_key)
    before = values[["indicator", "scope", "year", "quarter", "value"]].copy()
    before["year"] += 1
    values = values.merge(
        before.rename(columns={"value": "previous"}), on=["indicator", "scope", "year", "quarter"], how="left"
    )
    values = values.drop(columns="scope").astype(object)
    values = values.where(values.notna(), None)
    return values[VALUE_COLUMNS].sort_values(
        ["indicator", "parcel", "year", "quarter"], key=_sort_key, ignore_index=True
    )


def _values_of(spec: ValueSpec, sums: pd.DataFrame, areas: Mapping[int, float]) -> pd.DataFrame:
    formula = spec.compiled.formula
    columns = {a: sums[alias].astype(float) for a, alias in spec.compiled.columns.items()}
    scope = _scope_attributes(formula, sums, areas, spec.park_area_km2)
    numerator = _series(formulas.evaluate(formula.numerator, columns, scope), sums.index)
    scale = float(formula.scale)
    if formula.denominator is None:
        denominator = pd.Series(float("nan"), index=sums.index)
        value = numerator * scale if scale != 1 else numerator
    else:
        denominator = _series(formulas.evaluate(formula.denominator, columns, scope), sums.index)
        value = (numerator / denominator.where(denominator != 0)) * scale
    return pd.DataFrame(
        {
            "indicator": [spec.key] * len(sums),
            "parcel": sums["parcel"],
            "year": sums["year"].astype(int),
            "quarter": sums["quarter"].astype(int),
            "value": value,
            "numerator": numerator,
            "denominator": denominator,
            "enterprises": sums[spec.compiled.enterprises].astype(int),
        }
    )


def _series(value, index) -> pd.Series:
    """A formula part as a float Series (a constant part is repeated)."""
    if isinstance(value, pd.Series):
        return value.astype(float)
    return pd.Series(float("nan") if value is None else float(value), index=index)


def _scope_attributes(formula, sums: pd.DataFrame, areas: Mapping[int, float], park_area: float | None) -> dict:
    """The land attributes of each row's scope: the parcel's area, the plan's stated area for the park."""
    used = formulas.scope_attributes(formula.numerator) | formulas.scope_attributes(formula.denominator)
    if not used:
        return {}
    km2 = sums["parcel"].map(lambda p: park_area if is_missing(p) else areas.get(int(p))).astype(float)
    return {"parcel.area_km2": km2, "parcel.area_mu": km2 * formulas.MU_PER_KM2}


def parcel_values(records: pd.DataFrame, specs: Iterable[ValueSpec], terms, *, parcel_id: int, areas=None) -> dict:
    """Return the values of one parcel and period computed from its records (a return's preview).

    In: the records of one parcel and one period (the columns of
    ``sums_from_records``). Out: spec key → value, None where a ratio has no
    denominator; every key present.
    """
    specs = list(specs)
    empty = dict.fromkeys(spec.key for spec in specs)
    if records.empty:
        return empty
    values = values_from_sums(sums_from_records(records, terms), specs, areas=areas)
    mine = values[values["parcel"].map(lambda p: p is not None and int(p) == parcel_id)]
    out = dict(empty)
    for key, value in zip(mine["indicator"], mine["value"], strict=True):
        out[key] = None if is_missing(value) else float(value)
    return out


def _scope_key(parcel) -> int:
    return -1 if is_missing(parcel) else int(parcel)


def _sort_key(column: pd.Series) -> pd.Series:
    if column.name == "parcel":
        return column.map(_scope_key)
    if column.name == "indicator":
        return column.map(str)
    return column


def _fill_missing_parcels(sums: pd.DataFrame, parcels: Iterable[int]) -> pd.DataFrame:
    parcels = list(parcels)
    if not parcels:
        return sums
    periods = sums.loc[sums["parcel"].isna(), ["year", "quarter"]].drop_duplicates()
    grid = periods.merge(pd.DataFrame({"parcel": parcels}), how="cross")
    present = sums.loc[sums["parcel"].notna(), ["parcel", "year", "quarter"]].astype(int)
    missing = grid.merge(present, how="left", indicator=True)
    missing = missing.loc[missing["_merge"] == "left_only", ["parcel", "year", "quarter"]]
    if missing.empty:
        return sums
    for column in sums.columns.difference(["parcel", "year", "quarter"]):
        missing[column] = 0
    return pd.concat([sums, missing], ignore_index=True)


# --- progress ---------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    ahead: float = 1.10  # pace at or above this: 快于预期
    on_track: float = 0.90  # pace at or above this: 基本符合预期


@dataclass(frozen=True)
class Plan:
    """The years of a plan that progress depends on: its base year and its target year."""

    base_year: int
    target_year: int


@dataclass
class Result:
    """The progress of one indicator in one scope and year, with everything that decided it."""

    year: int
    value: float | None
    target: float | None
    benchmark_year: int | None
    provisional: bool
    base_year: int
    base_value: float | None
    expected: float | None
    completion: float | None
    pace: float | None
    status: str
    gap: float | None
    needed_per_year: float | None
    projected: float | None
    projected_gap: float | None
    inputs: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def benchmark_for(series: Mapping[int, float], year: int) -> tuple[float | None, int | None, bool]:
    """Return (value, year used, provisional) of a benchmark series for a year.

    The year's own value if there is one; else the latest earlier value; else,
    for a series that starts later, its earliest value; provisional unless the
    year's own value was used. (None, None, False) for an empty series.
    """
    if not series:
        return None, None, False
    if year in series:
        return float(series[year]), year, False
    earlier = [y for y in series if y < year]
    used = max(earlier) if earlier else min(series)
    return float(series[used]), used, True


def least_squares(points: list[tuple[int, float]], at: int) -> tuple[float, float, float] | None:
    """Fit a straight line through (year, value) points; return (value at `at`, slope, intercept).

    None with fewer than two points or a single distinct year.
    """
    if len(points) < 2:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    if sxx == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx
    intercept = mean_y - slope * mean_x
    return intercept + slope * at, slope, intercept


def judge(
    *,
    year: int,
    kind: str,
    actuals: Mapping[int, float | None],
    base_value: float | None,
    base_source: str,
    target: float | None = None,
    benchmark: Mapping[int, float] | None = None,
    plan: Plan,
    thresholds: Thresholds = Thresholds(),
) -> Result:
    """Judge the progress of one indicator in one scope in `year` (docs/method.md §3).

    kind: LEVEL or CUMULATIVE (with `target`), or BENCHMARK (with the
    `benchmark` series, year → value). actuals: the annual values by year
    (missing or None where there is none). base_value: the value in the base
    year (the plan's figure or the one computed from the base year's data; 0
    for a cumulative target).
    """
    b = plan.base_year
    if not b < year:
        raise ValueError(f"progress is judged after the base year {b}, not in {year}")
    elapsed = (year - b) / (plan.target_year - b)
    inputs: dict = {
        "kind": kind,
        "base_year": b,
        "base_value": base_value,
        "base_source": base_source,
        "elapsed_share": elapsed,
        "thresholds": {"ahead": thresholds.ahead, "on_track": thresholds.on_track},
    }
    value = actuals.get(year)
    result = unjudged(year=year, value=value, base_year=b, base_value=base_value, inputs=inputs)
    targets = _targets(result, kind=kind, target=target, benchmark=benchmark)
    if targets is None:
        return result
    if value is None or base_value is None:
        result.status = INSUFFICIENT_DATA
        inputs["missing"] = "value" if value is None else "base_value"
        return result
    distance, base_distance = _measure(
        result, value=value, base_value=base_value, targets=targets, elapsed=elapsed, target_year=plan.target_year
    )
    met = _at_most_zero(distance, targets[0])
    result.status = _status(
        year,
        met=met,
        base_distance=base_distance,
        pace=result.pace,
        target_year=plan.target_year,
        thresholds=thresholds,
    )
    _project(result, kind=kind, actuals=actuals, base_value=base_value, benchmark=benchmark or {}, plan=plan)
    return result


def unjudged(*, year: int, value: float | None, base_year: int, base_value: float | None, inputs: dict) -> Result:
    """Return a result with no target, figures or status yet: what `judge` fills in, or leaves as it is."""
    return Result(
        year=year,
        value=value,
        target=None,
        benchmark_year=None,
        provisional=False,
        base_year=base_year,
        base_value=base_value,
        expected=None,
        completion=None,
        pace=None,
        status="",
        gap=None,
        needed_per_year=None,
        projected=None,
        projected_gap=None,
        inputs=inputs,
    )


def _targets(result: Result, *, kind: str, target, benchmark) -> tuple[float, float | None] | None:
    """Set the target of the year on `result`; return it with the base year's, or None with the status that says why."""
    inputs = result.inputs
    if kind == BENCHMARK:
        series = {int(y): float(v) for y, v in (benchmark or {}).items()}
        inputs["benchmark_series"] = {str(y): v for y, v in sorted(series.items())}
        target_y, used_y, provisional_y = benchmark_for(series, result.year)
        target_0, used_0, provisional_0 = benchmark_for(series, result.base_year)
        if target_y is None:
            result.status = BENCHMARK_MISSING
            return None
        result.benchmark_year, result.provisional = used_y, provisional_y or provisional_0
        inputs["benchmark_year"] = used_y
        inputs["base_benchmark_year"] = used_0
        inputs["base_provisional"] = provisional_0
    elif target is None:
        result.status = INSUFFICIENT_DATA
        inputs["missing"] = "target"
        return None
    else:
        target_y = target_0 = float(target)
    result.target = target_y
    inputs["target"] = target_y
    inputs["base_target"] = target_0
    return target_y, target_0


def _measure(
    result: Result, *, value: float, base_value: float, targets: tuple, elapsed: float, target_year: int
) -> tuple[float, float]:
    """Fill the distance to the target, the expected value, the completion and the pace; return both distances."""
    target_y, target_0 = targets
    year = result.year
    d = target_y - value
    d0 = target_0 - base_value
    result.gap = d
    result.expected = target_y - d0 * (1 - elapsed)
    result.completion = value / target_y if target_y else None
    result.needed_per_year = max(d, 0.0) / (target_year - year) if year < target_year else None
    result.inputs["distance"] = d
    result.inputs["base_distance"] = d0
    if d0 > 0:
        p = 1 - d / d0
        result.pace = p / elapsed
        result.inputs["progress_share"] = p
        result.inputs["pace"] = result.pace
    return d, d0


def _status(
    year: int, *, met: bool, base_distance: float, pace: float | None, target_year: int, thresholds: Thresholds
) -> str:
    """Return the status of a measured result: met or not in the target year, else by its pace."""
    if year >= target_year:
        return ACHIEVED if met else NOT_ACHIEVED
    if met:
        return ACHIEVED_EARLY
    if base_distance <= 0 or pace is None:
        return BEHIND  # met in the base year, no longer met (the pace is measured only from a distance)
    if pace >= thresholds.ahead - TOLERANCE:
        return AHEAD
    if pace >= thresholds.on_track - TOLERANCE:
        return ON_TRACK
    return BEHIND


def _at_most_zero(distance: float, scale: float) -> bool:
    """Whether a distance is ≤ 0, forgiving the last bits a float sum may add to an exact tie."""
    return distance <= TOLERANCE * max(1.0, abs(scale))


def _project(result: Result, *, kind, actuals, base_value, benchmark, plan: Plan) -> None:
    """Fill the target year's projection: a least-squares line through the base and the annual values so far."""
    years = [y for y in range(plan.base_year + 1, result.year + 1) if actuals.get(y) is not None]
    points = [(plan.base_year, float(base_value))] + [(y, float(actuals[y])) for y in years]
    fit = least_squares(points, plan.target_year)
    result.inputs["projection_points"] = [[x, v] for x, v in points]
    if fit is None:
        return
    projected, slope, _ = fit
    result.projected = projected
    result.inputs["projection_slope"] = slope
    if kind == BENCHMARK:
        # Project the distance to the moving benchmark the same way.
        series = {int(y): float(v) for y, v in benchmark.items()}
        # Every year has a benchmark value here: the series is not empty, or the status would be 基准缺失.
        distances = [(x, cast(float, benchmark_for(series, x)[0]) - v) for x, v in points]
        distance_fit = least_squares(distances, plan.target_year)
        result.inputs["projection_distances"] = [[x, d] for x, d in distances]
        if distance_fit is not None:
            result.projected_gap = distance_fit[0]
            result.inputs["projected_reaches_benchmark"] = distance_fit[0] <= 0
    else:
        result.projected_gap = cast(float, result.target) - projected  # judged, so the target is known


def share_of_change(parcel_now: float | None, parcel_base: float | None, park_now, park_base) -> float | None:
    """Return a parcel's share of the park's change since the base year (None if the park did not change)."""
    if parcel_now is None or parcel_base is None or park_now is None or park_base is None:
        return None
    change = park_now - park_base
    if change == 0:
        return None
    return (parcel_now - parcel_base) / change


@dataclass(frozen=True)
class IndicatorSpec:
    """What progress needs to know of an indicator."""

    code: Hashable  # identifies the indicator in the annual values and the output (its id)
    kind: str
    target: float | None = None  # the park target (None for a benchmark target)
    plan_base: float | None = None  # the plan's own base-year figure for the park, if it gives one
    benchmark: Mapping[int, float] = field(default_factory=dict)
    parcel_targets: Mapping[int, float] = field(default_factory=dict)  # parcel id → split target
    is_count: bool = False  # a count or a sum (its formula divides by nothing): parcels judged on split targets only


PROGRESS_COLUMNS = [
    "indicator",
    "parcel",
    "year",
    "value",
    "target",
    "benchmark_year",
    "provisional",
    "base_year",
    "base_value",
    "expected",
    "completion",
    "pace",
    "status",
    "gap",
    "needed_per_year",
    "projected",
    "projected_gap",
    "share_of_change",
    "inputs",
]


def progress_columns(*, after: Mapping[str, Sequence[str]] | None = None, without: Sequence[str] = ()) -> list[str]:
    """Return PROGRESS_COLUMNS with `after` (column → the columns to put right after it) added and `without` left out.

    The one list of progress columns: the frames, the CSV export and the API
    each take their view of it from here.
    """
    columns = []
    for column in PROGRESS_COLUMNS:
        if column not in without:
            columns.append(column)
        columns.extend((after or {}).get(column, ()))
    return columns


def progress_table(
    annual: pd.DataFrame,
    specs: Iterable[IndicatorSpec],
    *,
    parcels: Iterable[int],
    years: Iterable[int],
    plan: Plan,
    thresholds: Thresholds = Thresholds(),
) -> pd.DataFrame:
    """Judge every indicator for the park and each parcel in each of `years`.

    In: annual values (quarter 4), columns indicator, parcel (None for the
    park), year, value. Out: PROGRESS_COLUMNS, one row per indicator, scope and
    year. The park's base is the plan's own figure where it gives one, else the
    computed base-year value; a parcel's base is its own computed value. A
    count indicator's parcel has a status only against a split target;
    otherwise its row carries its share of the park's change and no status.
    """
    lookup: dict[tuple[str, int, int], float | None] = {}
    for code, parcel, year, value in annual[["indicator", "parcel", "year", "value"]].itertuples(index=False):
        lookup[(code, _scope_key(parcel), int(year))] = None if is_missing(value) else float(value)

    def actuals(code: str, scope: int) -> dict[int, float | None]:
        return {y: lookup.get((code, scope, y)) for y in range(plan.base_year, plan.target_year + 1)}

    rows: list[dict] = []
    years = list(years)
    for spec in specs:
        park = actuals(spec.code, -1)
        for scope in [-1, *parcels]:
            own = park if scope == -1 else actuals(spec.code, scope)
            judged = _Scope.of(spec, scope, own=own, park=park, plan=plan)
            rows.extend(judged.row(year, plan=plan, thresholds=thresholds) for year in years)
    table = pd.DataFrame(rows, columns=PROGRESS_COLUMNS).astype(object)
    return table.where(table.notna(), None)


@dataclass(frozen=True)
class _Scope:
    """One indicator in one scope (-1: the park, else a parcel id) as progress_table judges it."""

    spec: IndicatorSpec
    scope: int
    own: Mapping[int, float | None]  # the scope's annual values by year
    park: Mapping[int, float | None]  # the park's
    base: float | None
    source: str  # where the base comes from: plan, computed or cumulative
    target: float | None
    split: bool  # a parcel of a count indicator: judged only against its split target

    @classmethod
    def of(cls, spec: IndicatorSpec, scope: int, *, own, park, plan: Plan) -> _Scope:
        if scope == -1:
            if spec.kind == CUMULATIVE:
                base, source = 0.0, "cumulative"
            elif spec.plan_base is not None:
                base, source = float(spec.plan_base), "plan"
            else:
                base, source = park.get(plan.base_year), "computed"
            target = spec.target
        elif spec.kind == CUMULATIVE:
            base, source, target = 0.0, "cumulative", spec.parcel_targets.get(scope)
        else:
            base, source = own.get(plan.base_year), "computed"
            target = spec.parcel_targets.get(scope) if spec.is_count else spec.target
        split = scope != -1 and spec.is_count
        return cls(spec, scope, own, park, base, source, target, split)

    def row(self, year: int, *, plan: Plan, thresholds: Thresholds) -> dict:
        """Return the PROGRESS_COLUMNS of this scope in `year`."""
        spec = self.spec
        if self.split and self.target is None:
            inputs = {"kind": spec.kind, "base_source": self.source, "split_target": False}
            result = unjudged(
                year=year, value=self.own.get(year), base_year=plan.base_year, base_value=self.base, inputs=inputs
            )
        else:
            result = judge(
                year=year,
                kind=spec.kind,
                actuals=self.own,
                base_value=self.base,
                base_source=self.source,
                target=self.target,
                benchmark=spec.benchmark,
                plan=plan,
                thresholds=thresholds,
            )
            if self.split:
                result.inputs["split_target"] = True
        row = result.as_dict()
        row["indicator"] = spec.code
        row["parcel"] = None if self.scope == -1 else self.scope
        row["share_of_change"] = self.share_of_change(year, plan=plan) if self.split else None
        return row

    def share_of_change(self, year: int, *, plan: Plan) -> float | None:
        park_base = 0.0 if self.spec.kind == CUMULATIVE else self.park.get(plan.base_year)
        return share_of_change(self.own.get(year), self.base, self.park.get(year), park_base)

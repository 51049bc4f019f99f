"""Pure computation of indicator values and progress (docs/method.md §2 to §5, §8).

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

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import cast

import pandas as pd

from parkplan.numbers import is_missing

from . import formulas

# Target kinds (docs/method.md §3.1).
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
    records, never from the parcel rows. A largest term (formulas.largest_sql)
    is the largest record's part, not a sum (NaN where no record counts).

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
    how = {c: "sum" for c in columns} | {t.alias: "max" for t in terms if t.largest}
    by_parcel = parts.groupby(keys, as_index=False).agg(how)
    park = parts.groupby(["year", "quarter"], as_index=False).agg(how)
    park.insert(0, "parcel", None)
    return pd.concat([by_parcel, park], ignore_index=True)


def add_carried_counts(sums: pd.DataFrame, terms: Iterable[formulas.Term], records: pd.DataFrame) -> pd.DataFrame:
    """Set each carried count's column: every enterprise that met its condition in a period of the plan
    up to the row's period, counted at the parcel of its latest such record (docs/method.md §7a).

    An enterprise that stops reporting, or moves away, still counts where it
    was: a cumulative count never falls for the wrong reason. records: the
    records meeting any carried condition, columns enterprise, parcel, year,
    quarter and one bool per term's alias.
    """
    sums = sums.copy()
    periods = sums[["year", "quarter"]].drop_duplicates()
    codes = records["year"].astype(int) * 10 + records["quarter"].astype(int) if not records.empty else None
    for term in terms:
        counts: dict[tuple, int] = {}
        start = term.context.plan_start.year * 10 + 1
        for year, quarter in periods.itertuples(index=False):
            end = int(year) * 10 + int(quarter)
            if codes is None:
                continue
            met = (records[term.alias].astype(bool)) & (codes >= start) & (codes <= end)
            latest = records[met].assign(code=codes[met].to_numpy())
            latest = latest.sort_values("code").drop_duplicates("enterprise", keep="last")
            for parcel, n in latest.groupby("parcel").size().items():
                counts[(_scope_key(parcel), int(year), int(quarter))] = int(n)
            counts[(-1, int(year), int(quarter))] = len(latest)
        sums[term.alias] = [
            float(counts.get((_scope_key(p), int(y), int(q)), 0))
            for p, y, q in zip(sums["parcel"], sums["year"], sums["quarter"], strict=True)
        ]
    return sums


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


# A stored value also says which parcels' returns its period lacks (docs/method.md §7a).
MISSING = "missing_parcels"
# And the largest enterprise's share of its numerator and of its denominator (the dominance rule of
# indicators.disclosure; None for a count, a part without sums, or a sum that is not positive).
SHARES = ["numerator_share", "denominator_share"]


def values_from_sums(
    sums: pd.DataFrame,
    specs: Iterable[ValueSpec],
    *,
    parcels: Iterable[int] = (),
    areas: Mapping[int, float] | None = None,
    first_reported: Mapping[int, int] | None = None,
) -> pd.DataFrame:
    """Apply every indicator's formula to the sums of every scope and period.

    In: the frame of ``sums_from_records`` (or the SQL aggregate); the ids of
    every parcel; parcel id → area in km² for formulas per unit of land;
    parcel id → its first period with records (year × 10 + quarter).
    A parcel with no records in a period where the park has data has not
    reported (未报送) when it had records before: no value at all, and the
    park's value of the period lists it (不完整, docs/method.md §7a). A parcel
    that never had records gets sums of 0: counts of 0 and no ratio values.
    Out: one row per indicator, scope and period, VALUE_COLUMNS: indicator
    (the spec's key), parcel (None for the park), year, quarter, value,
    numerator, denominator (None for a count or a sum), enterprises, previous
    (the value for the same period a year earlier); MISSING, the ids of
    the parcels whose returns the row's period lacks (the park's row lists
    them all; a parcel's row itself); and SHARES. The value is scale ×
    numerator ÷ denominator, None where the denominator is zero.
    """
    specs = list(specs)
    if sums.empty or not specs:
        return pd.DataFrame(columns=[*VALUE_COLUMNS, MISSING, *SHARES])
    sums = _fill_missing_parcels(sums, parcels, first_reported or {})
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
    return values[[*VALUE_COLUMNS, MISSING, *SHARES]].sort_values(
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
            "enterprises": sums[spec.compiled.enterprises].fillna(0).astype(int),
            MISSING: sums[MISSING],
            "numerator_share": _largest_share(spec.compiled, formula.numerator, sums),
            "denominator_share": _largest_share(spec.compiled, formula.denominator, sums),
        }
    )


def _largest_share(compiled: formulas.Compiled, part: formulas.Node | None, sums: pd.DataFrame) -> pd.Series:
    """The largest enterprise's share of a numerator or denominator per row: Σ largest ÷ Σ sums of its sums.

    Exact for a part of one sum (a constant or a parcel's area does not change
    a share); for a part of several sums an upper bound (one enterprise gives
    at most the largest record of each). NaN for a part with a count or no sum
    (a count is judged by the number of enterprises alone) or a total ≤ 0.
    """
    aggregates = [n for n in formulas.walk(part) if isinstance(n, formulas.Aggregate)]
    if not aggregates or any(a.function != "sum" or a not in compiled.largest for a in aggregates):
        return pd.Series(float("nan"), index=sums.index)
    zero = pd.Series(0.0, index=sums.index)
    total = sum((sums[compiled.columns[a]].astype(float) for a in aggregates), zero)
    largest = sum((sums[compiled.largest[a]].astype(float).fillna(0.0) for a in aggregates), zero)
    return largest / total.where(total > 0)


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


def _fill_missing_parcels(sums: pd.DataFrame, parcels: Iterable[int], first: Mapping[int, int]) -> pd.DataFrame:
    """Add the parcels absent from a period the park has data for: 未报送 (no sums) or empty (sums of 0)."""
    sums = sums.copy()
    sums[MISSING] = [[] for _ in range(len(sums))]
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
    code = missing["year"] * 10 + missing["quarter"]
    unreported = [first.get(int(p), code) < code for p, code in zip(missing["parcel"], code, strict=True)]
    for column in sums.columns.difference(["parcel", "year", "quarter", MISSING]):
        missing[column] = [float("nan") if u else 0 for u in unreported]
    missing[MISSING] = [[int(p)] if u else [] for p, u in zip(missing["parcel"], unreported, strict=True)]
    lacking: dict[tuple[int, int], list[int]] = {}
    for parcel, year, quarter in missing.loc[unreported, ["parcel", "year", "quarter"]].itertuples(index=False):
        lacking.setdefault((int(year), int(quarter)), []).append(int(parcel))
    sums[MISSING] = [
        sorted(lacking.get((int(y), int(q)), [])) if is_missing(p) else []
        for p, y, q in zip(sums["parcel"], sums["year"], sums["quarter"], strict=True)
    ]
    return pd.concat([sums, missing], ignore_index=True)


# --- progress ---------------------------------------------------------------

HIGHER, LOWER = "higher", "lower"
KINDS = (LEVEL, APPROXIMATELY, BENCHMARK, CUMULATIVE, GROWTH, CHANGE)
# A 左右 target's tolerance when the plan states none: this share of the target (docs/method.md §3.1).
DEFAULT_TOLERANCE_SHARE = 0.02
# The platform's own base-year figure may differ from the plan's by this share of it
# before a result carries a coverage note (口径说明, docs/method.md §8).
COVERAGE_DIFFERENCE = 0.02


@dataclass(frozen=True)
class Thresholds:
    """The pace thresholds of the statuses (docs/method.md §3.3), stored with every result."""

    ahead: float = 1.10  # pace at or above this: 快于预期
    on_track: float = 0.90  # pace at or above this: 基本符合预期


@dataclass(frozen=True)
class Plan:
    """The years progress is judged between: the base year b and the target year e (docs/method.md §3)."""

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


@dataclass(frozen=True)
class Aim:
    """What a target kind reduces to (docs/method.md §3.1): an end-year level and a direction.

    `level` is T for the year judged (a benchmark target's value of that year),
    `base_level` the level the base-year distance d0 is measured to (a
    benchmark's base-year value; T otherwise); `rate` g for average annual
    growth and x for a relative change, as fractions; `tolerance` t of a 左右
    target.
    """

    level: float
    base_level: float
    higher: bool
    rate: float | None = None
    tolerance: float | None = None

    def distance(self, value: float, level: float | None = None) -> float:
        """Return how far `value` is from `level` (T by default) in the good direction: ≤ 0 once there."""
        to = self.level if level is None else level
        return to - value if self.higher else value - to


def benchmark_for(series: Mapping[int, float], year: int) -> tuple[float | None, int | None, bool]:
    """Return (value, year used, provisional) of a benchmark series for a year (docs/method.md §3.1).

    The year's own value if there is one; else the latest earlier value; else,
    for a series that starts later, its earliest value (what the base-year
    distance uses; `judge` says 基准缺失 for a judged year before the series
    starts); provisional unless the year's own value was used. (None, None,
    False) for an empty series.
    """
    if not series:
        return None, None, False
    if year in series:
        return float(series[year]), year, False
    earlier = [y for y in series if y < year]
    used = max(earlier) if earlier else min(series)
    return float(series[used]), used, True


def least_squares(points: list[tuple[int, float]], at: int) -> tuple[float, float, float] | None:
    """Fit a straight line through (year, value) points; return (value at `at`, slope, intercept) (method §4).

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
    lower_is_better: bool = False,
    tolerance: float | None = None,
    plan: Plan,
    thresholds: Thresholds = Thresholds(),
) -> Result:
    """Judge the progress of one indicator in one scope in `year` (docs/method.md §3, §4, §8).

    kind: one of KINDS. target: the plan's figure, as the plan states it: the
    level T for LEVEL, APPROXIMATELY and CUMULATIVE; the rate in per cent for
    GROWTH (7 for 年均增长7%) and CHANGE (17 for 累计下降17%); None for
    BENCHMARK, which takes the `benchmark` series (year → value) instead.
    lower_is_better: the direction of LEVEL, BENCHMARK and CHANGE (an
    APPROXIMATELY target takes its direction from the base; GROWTH and
    CUMULATIVE are higher is better). tolerance: an APPROXIMATELY target's t
    (None: 2% of T). actuals: the annual values by year (missing or None
    where there is none). base_value: B, the value the plan starts from (0 for
    a cumulative target).
    """
    value = actuals.get(year)
    result = _started(year, kind=kind, value=value, base_value=base_value, base_source=base_source, plan=plan)
    result.inputs["thresholds"] = {"ahead": thresholds.ahead, "on_track": thresholds.on_track}
    if not _has_target(result, kind=kind, target=target, benchmark=benchmark):
        return result
    # The target is set even when a value is missing, where it can be (growth and change need B).
    aim = _aim(
        result,
        kind=kind,
        target=target,
        benchmark=benchmark,
        base_value=base_value,
        lower_is_better=lower_is_better,
        tolerance=tolerance,
        plan=plan,
    )
    missing = _missing(kind, value=value, base_value=base_value)
    if missing or aim is None or value is None or base_value is None:
        result.status = INSUFFICIENT_DATA
        result.inputs["missing"] = missing
        return result
    base_distance = _measure(result, kind=kind, value=value, base_value=base_value, aim=aim, plan=plan)
    met = _met(aim, value=value, distance=cast(float, result.gap))
    result.status = _status(year, met=met, d0=base_distance, pace=result.pace, plan=plan, thresholds=thresholds)
    if year < plan.target_year:  # the target year is measured, not projected (docs/method.md §8)
        _project(result, kind=kind, aim=aim, actuals=actuals, base_value=base_value, benchmark=benchmark, plan=plan)
    return result


def _started(year: int, *, kind: str, value, base_value, base_source: str, plan: Plan) -> Result:
    """Return the result of `year` before it is judged, its inputs saying what it starts from."""
    if kind not in KINDS:
        raise ValueError(f"unknown target kind {kind!r}")
    b = plan.base_year
    if not b < year:
        raise ValueError(f"progress is judged after the base year {b}, not in {year}")
    inputs = {
        "kind": kind,
        "base_year": b,
        "base_value": base_value,
        "base_source": base_source,
        "elapsed_share": (year - b) / (plan.target_year - b),
    }
    return unjudged(year=year, value=value, base_year=b, base_value=base_value, inputs=inputs)


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


def _series_of(benchmark: Mapping[int, float] | None) -> dict[int, float]:
    return {int(y): float(v) for y, v in (benchmark or {}).items()}


def _has_target(result: Result, *, kind: str, target, benchmark) -> bool:
    """Whether there is a target to judge the year against; else set the status that says why not.

    A benchmark target has none without a benchmark value, or in a year
    before its series starts (基准缺失, docs/method.md §8); any other kind has
    none without the plan's figure (数据不足).
    """
    if kind == BENCHMARK:
        series = _series_of(benchmark)
        result.inputs["benchmark_series"] = {str(y): v for y, v in sorted(series.items())}
        if series and result.year >= min(series):
            return True
        result.status = BENCHMARK_MISSING
        if series:
            result.inputs["benchmark_starts"] = min(series)
        return False
    if target is None:
        result.status = INSUFFICIENT_DATA
        result.inputs["missing"] = "target"
        return False
    return True


def _missing(kind: str, *, value: float | None, base_value: float | None) -> str | None:
    """Return which figure the judgement lacks (docs/method.md §3.4), None when it has them all."""
    if value is None:
        return "value"
    if base_value is None:
        return "base_value"
    if kind in (GROWTH, CHANGE) and base_value <= 0:
        return "positive_base_value"  # a rate of a zero or negative base means nothing
    if kind == GROWTH and value <= 0:
        return "positive_value"
    return None


def _aim(
    result: Result,
    *,
    kind: str,
    target,
    benchmark,
    base_value: float | None,
    lower_is_better: bool,
    tolerance,
    plan: Plan,
) -> Aim | None:
    """Reduce the target kind to its level and direction (docs/method.md §3.1); set the target on `result`.

    None for growth and relative change without a positive base B.
    """
    if kind in (GROWTH, CHANGE) and (base_value is None or base_value <= 0):
        return None
    inputs = result.inputs
    if kind == BENCHMARK:
        aim = _benchmark_aim(result, _series_of(benchmark), higher=not lower_is_better)
    elif kind in (GROWTH, CHANGE):
        aim = _rated_aim(kind, float(target) / 100, cast(float, base_value), lower_is_better=lower_is_better, plan=plan)
    elif kind == APPROXIMATELY:
        level = float(target)
        t = DEFAULT_TOLERANCE_SHARE * abs(level) if tolerance is None else abs(float(tolerance))
        aim = Aim(level, level, higher=base_value is None or base_value < level, tolerance=t)
    else:  # LEVEL, CUMULATIVE (a count from the year after the base: higher is better)
        level = float(target)
        aim = Aim(level, level, higher=kind == CUMULATIVE or not lower_is_better)
    result.target = aim.level
    inputs.update(target=aim.level, base_target=aim.base_level, direction=HIGHER if aim.higher else LOWER)
    if aim.rate is not None:
        inputs.update(stated_target=float(target), rate=aim.rate)
    if aim.tolerance is not None:
        inputs["tolerance"] = aim.tolerance
    return aim


def _rated_aim(kind: str, rate: float, base_value: float, *, lower_is_better: bool, plan: Plan) -> Aim:
    """T of average annual growth, B·(1 + g)^N, or of a relative change, B·(1 − x) or B·(1 + x) (§3.1)."""
    if kind == GROWTH:
        level = base_value * (1 + rate) ** (plan.target_year - plan.base_year)
        return Aim(level, level, higher=True, rate=rate)
    level = base_value * (1 - rate if lower_is_better else 1 + rate)
    return Aim(level, level, higher=not lower_is_better, rate=rate)


def _benchmark_aim(result: Result, series: Mapping[int, float], *, higher: bool) -> Aim:
    """The benchmark of the year judged, and of the base year for d0 (its earliest value, provisional, if later)."""
    level, used, provisional = benchmark_for(series, result.year)
    base_level, base_used, base_provisional = benchmark_for(series, result.base_year)
    result.benchmark_year, result.provisional = used, provisional or base_provisional
    result.inputs.update(benchmark_year=used, base_benchmark_year=base_used, base_provisional=base_provisional)
    return Aim(cast(float, level), cast(float, base_level), higher=higher)  # the series is not empty here


def _measure(result: Result, *, kind: str, value: float, base_value: float, aim: Aim, plan: Plan) -> float:
    """Fill the distance, the pace, the expected value, the completion and what is still needed; return d0."""
    inputs, year, e = result.inputs, result.year, plan.target_year
    d, d0 = aim.distance(value), aim.distance(base_value, aim.base_level)
    result.gap = d
    inputs.update(distance=d, base_distance=d0)
    p = None
    if d0 > 0:  # pace is measured only from a distance (docs/method.md §8)
        p = 1 - d / d0
        result.pace = p / inputs["elapsed_share"]
        inputs["progress_share"] = p
    if kind == GROWTH:
        _growth_rates(result, value=value, base_value=base_value, aim=aim, plan=plan, d0=d0)
    if kind == CHANGE:
        inputs["change_achieved"] = value / base_value - 1
    if result.pace is not None:
        inputs["pace"] = result.pace
    result.expected = _expected(aim, kind=kind, base_value=base_value, d0=d0, year=year, plan=plan)
    if aim.higher:
        result.completion = value / aim.level if aim.level else None
    else:
        result.completion = p  # the share of the planned reduction achieved
    result.needed_per_year = max(d, 0.0) / (e - year) if year < e else None
    return d0


def _growth_rates(result: Result, *, value: float, base_value: float, aim: Aim, plan: Plan, d0: float) -> None:
    """Average annual growth (docs/method.md §3.1): the pace is the achieved rate r over the planned g."""
    g, year, e = cast(float, aim.rate), result.year, plan.target_year
    r = (value / base_value) ** (1 / (year - plan.base_year)) - 1
    result.inputs["rate_achieved"] = r
    result.pace = r / g if d0 > 0 and g > 0 else None
    if year < e and aim.level > 0:
        result.inputs["rate_needed"] = max((aim.level / value) ** (1 / (e - year)) - 1, 0.0)


def _expected(aim: Aim, *, kind: str, base_value: float, d0: float, year: int, plan: Plan) -> float:
    """The value expected in `year` on the plan's path (docs/method.md §4); the target itself once the base met it."""
    if d0 <= 0:
        return aim.level
    if kind == GROWTH:
        return base_value * (1 + cast(float, aim.rate)) ** (year - plan.base_year)
    elapsed = (year - plan.base_year) / (plan.target_year - plan.base_year)
    return aim.level - (d0 if aim.higher else -d0) * (1 - elapsed)


def _met(aim: Aim, *, value: float, distance: float) -> bool:
    """Whether the target is met: within the tolerance of a 左右 target, else at or past the level."""
    if aim.tolerance is not None:
        return abs(value - aim.level) <= aim.tolerance + TOLERANCE * max(1.0, abs(aim.level))
    return _at_most_zero(distance, aim.level)


def _status(year: int, *, met: bool, d0: float, pace: float | None, plan: Plan, thresholds: Thresholds) -> str:
    """Return the status of a measured result: met or not in the target year, else by its pace (docs/method.md §3.3)."""
    if year >= plan.target_year:
        return ACHIEVED if met else NOT_ACHIEVED
    if met:
        return ACHIEVED_EARLY
    if d0 <= 0 or pace is None:
        return BEHIND  # met in the base year, no longer met (the pace is measured only from a distance)
    if pace >= thresholds.ahead - TOLERANCE:
        return AHEAD
    if pace >= thresholds.on_track - TOLERANCE:
        return ON_TRACK
    return BEHIND


def _at_most_zero(distance: float, scale: float) -> bool:
    """Whether a distance is ≤ 0, forgiving the last bits a float sum may add to an exact tie."""
    return distance <= TOLERANCE * max(1.0, abs(scale))


def _project(result: Result, *, kind: str, aim: Aim, actuals, base_value: float, benchmark, plan: Plan) -> None:
    """Fill the projection to the target year (docs/method.md §4): a least-squares line through the base and the values.

    The values are the annual values so far; the line goes through their
    logarithms for average annual growth; for a benchmark target the distances
    to the benchmark are projected the same way.
    """
    b, e = plan.base_year, plan.target_year
    years = [y for y in range(b + 1, result.year + 1) if actuals.get(y) is not None]
    points = [(b, float(base_value))] + [(y, float(actuals[y])) for y in years]
    result.inputs["projection_points"] = [[x, v] for x, v in points]
    if kind == GROWTH:
        _project_growth(result, points, aim=aim, target_year=e)
        return
    fit = least_squares(points, e)
    if fit is None:
        return
    projected, slope, _ = fit
    result.projected = projected
    result.inputs["projection_slope"] = slope
    if kind == BENCHMARK:
        _project_distance(result, points, aim=aim, series=_series_of(benchmark), target_year=e)
    elif aim.tolerance is not None:
        result.projected_gap = abs(projected - aim.level) - aim.tolerance  # ≤ 0: inside the tolerance
    else:
        result.projected_gap = aim.distance(projected)


def _project_growth(result: Result, points: list[tuple[int, float]], *, aim: Aim, target_year: int) -> None:
    """Project growth by a straight line through the logarithms of the (positive) values: a constant rate."""
    logs = [(x, math.log(v)) for x, v in points if v > 0]
    fit = least_squares(logs, target_year)
    if fit is None:
        return
    at, slope, _ = fit
    result.projected = math.exp(at)
    result.projected_gap = aim.distance(result.projected)
    result.inputs["projection_log_slope"] = slope
    result.inputs["projection_rate"] = math.exp(slope) - 1


def _project_distance(
    result: Result, points: list[tuple[int, float]], *, aim: Aim, series: Mapping[int, float], target_year: int
) -> None:
    """Project the distance to a moving benchmark; a year before the series starts has none (but the base year)."""
    base_year, first = points[0][0], min(series)
    distances = [
        (x, aim.distance(v, cast(float, benchmark_for(series, x)[0])))
        for x, v in points
        if x == base_year or x >= first
    ]
    result.inputs["projection_distances"] = [[x, d] for x, d in distances]
    fit = least_squares(distances, target_year)
    if fit is not None:
        result.projected_gap = fit[0]
        result.inputs["projected_reaches_benchmark"] = fit[0] <= 0


def share_of_change(parcel_now: float | None, parcel_base: float | None, park_now, park_base) -> float | None:
    """Return a parcel's share of the park's change since the base year, None if the park did not change (§5)."""
    if parcel_now is None or parcel_base is None or park_now is None or park_base is None:
        return None
    change = park_now - park_base
    if change == 0:
        return None
    return (parcel_now - parcel_base) / change


def coverage_note(published: float | None, computed: float | None) -> dict | None:
    """Compare the plan's published base figure with the platform's own (docs/method.md §8).

    Return {published, computed, difference} (difference: computed ÷
    published − 1, None for a published 0) when they differ by more than
    COVERAGE_DIFFERENCE of the published figure; None when they agree or
    either is missing.
    """
    if published is None or computed is None:
        return None
    if published == 0:
        difference = None if abs(computed) > TOLERANCE else 0.0
    else:
        difference = computed / published - 1
        if abs(difference) <= COVERAGE_DIFFERENCE + TOLERANCE:
            return None
    if difference == 0.0:
        return None
    return {"published": float(published), "computed": float(computed), "difference": difference}


@dataclass(frozen=True)
class IndicatorSpec:
    """What progress needs to know of an indicator (indicators.queries.indicator_specs maps the model into it)."""

    code: Hashable  # identifies the indicator in the annual values and the output (its id)
    kind: str  # one of KINDS
    target: float | None = (
        None  # the plan's figure as stated: a level, or per cent for GROWTH and CHANGE; None for BENCHMARK
    )
    plan_base: float | None = None  # the plan's own (published) base-year figure for the park, if it gives one
    benchmark: Mapping[int, float] = field(default_factory=dict)
    parcel_targets: Mapping[int, float] = field(default_factory=dict)  # parcel id → split target, read as `target`
    is_count: bool = False  # a count or a sum (its formula divides by nothing): parcels judged on split targets only
    lower_is_better: bool = False
    tolerance: float | None = None  # an APPROXIMATELY target's t in the indicator's unit (None: 2% of T)


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
    """Judge every indicator for the park and each parcel in each of `years` (docs/method.md §3–§5).

    In: annual values (quarter 4) from the base year on, columns indicator,
    parcel (None for the park), year, value. Out: PROGRESS_COLUMNS, one row
    per indicator, scope and year. The park's base is the plan's published
    figure where it gives one, else its value computed for the base year;
    either way the inputs keep both (base_published, base_computed) and a
    coverage note when they differ by more than 2%. A parcel's base is its own
    computed value. A count indicator's parcel has a status only against a
    split target; otherwise its row carries its share of the park's change
    and no status.
    """
    lookup: dict[tuple[Hashable, int, int], float | None] = {}
    for code, parcel, year, value in annual[["indicator", "parcel", "year", "value"]].itertuples(index=False):
        lookup[(code, _scope_key(parcel), int(year))] = None if is_missing(value) else float(value)

    def actuals(code: Hashable, scope: int) -> dict[int, float | None]:
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
    """One indicator in one scope (-1: the park, else a parcel id) as progress_table judges it (docs/method.md §5)."""

    spec: IndicatorSpec
    scope: int
    own: Mapping[int, float | None]  # the scope's annual values by year
    park: Mapping[int, float | None]  # the park's
    base: float | None
    source: str  # where the base comes from: plan, computed or cumulative
    target: float | None
    split: bool  # a parcel of a count indicator: judged only against its split target
    base_inputs: Mapping  # the base figures kept beside the one used, and the coverage note

    @classmethod
    def of(cls, spec: IndicatorSpec, scope: int, *, own, park, plan: Plan) -> _Scope:
        computed = own.get(plan.base_year)
        published = spec.plan_base if scope == -1 else None
        base_inputs: dict = {}
        if spec.kind == CUMULATIVE:
            base, source = 0.0, "cumulative"  # counted from the year after the base year
        else:
            base, source = (float(published), "plan") if published is not None else (computed, "computed")
            base_inputs = {"base_computed": computed, "base_published": published}
            note = coverage_note(published, computed)
            if note is not None:
                base_inputs["coverage_note"] = note
        split = scope != -1 and spec.is_count
        target = spec.parcel_targets.get(scope) if split else spec.target
        return cls(spec, scope, own, park, base, source, target, split, base_inputs)

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
                lower_is_better=spec.lower_is_better,
                tolerance=None if self.split else spec.tolerance,  # a split target's tolerance: 2% of it
                plan=plan,
                thresholds=thresholds,
            )
            if self.split:
                result.inputs["split_target"] = True
        result.inputs.update(self.base_inputs)
        row = result.as_dict()
        row["indicator"] = spec.code
        row["parcel"] = None if self.scope == -1 else self.scope
        row["share_of_change"] = self.share_of_change(year, plan=plan) if self.split else None
        return row

    def share_of_change(self, year: int, *, plan: Plan) -> float | None:
        park_base = 0.0 if self.spec.kind == CUMULATIVE else self.park.get(plan.base_year)
        return share_of_change(self.own.get(year), self.base, self.park.get(year), park_base)

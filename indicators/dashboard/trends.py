"""What a trend chart takes from the stored progress: the plan's years, the benchmark series, the projection."""

from __future__ import annotations

from ..models import Plan


def plan_years(plan: Plan) -> list[int]:
    """Return the years a trend chart spans: the plan's base year to its end year."""
    return list(range(plan.base_year, plan.end_year + 1))


def benchmark_series(progress: dict | None) -> dict[int, float]:
    """Return the benchmark series (year → value) a progress row was judged with; empty for none."""
    inputs = (progress or {}).get("inputs") or {}
    return {int(y): v for y, v in (inputs.get("benchmark_series") or {}).items()}


def projection(progress: dict | None) -> tuple[float, float] | None:
    """Return the (slope, value in the target year) of a progress row's projection; None without one."""
    if not progress or progress.get("projected") is None:
        return None
    return progress["inputs"].get("projection_slope"), progress["projected"]

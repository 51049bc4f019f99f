"""What is missing or wrong in a plan before it is published (pure: facts in, problems out).

`problems` takes the plan's facts (`PlanFacts`, `IndicatorFacts`, read by
indicators.planning.queries.plan_facts) and the data elements, and returns
every problem in the plan's order. An error (`ERROR`) refuses publishing; a
warning (`WARNING`) is shown and publishing goes on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from indicators import compute, formulas
from parkplan.text import _

ERROR, WARNING = "error", "warning"
PLAN_YEARS = 5  # a five-year plan


@dataclass(frozen=True)
class IndicatorFacts:
    """One indicator as the check needs it."""

    code: str
    name: str
    kind: str
    target_value: float | None
    target_year: int
    formula: str
    benchmark_years: tuple[int, ...] = ()
    published_base: bool = False  # a BaseValue of the plan's base year
    computed_base: float | None = None  # the value the base year's records give (None: none)
    split_parcels: tuple[str, ...] = ()  # codes of the parcels with a split target
    responsible_unit: str = ""


@dataclass(frozen=True)
class PlanFacts:
    """The plan as the check needs it."""

    code: str
    start_year: int
    end_year: int
    base_year: int
    parcels: tuple[str, ...]  # codes of the parcels it covers (as chosen: empty when none are)
    overlapping: tuple[str, ...] = ()  # codes of other published, non-illustrative plans whose period overlaps
    indicators: tuple[IndicatorFacts, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Problem:
    level: str  # ERROR or WARNING
    message: str
    indicator: str = ""  # the indicator's code; empty for the plan itself

    @property
    def is_error(self) -> bool:
        return self.level == ERROR


def problems(plan: PlanFacts, kinds: Mapping[str, str], retired: Mapping[str, int]) -> list[Problem]:
    """Return every problem of the plan: the plan's own first, then each indicator's in order.

    `kinds`: element code → kind (every element, retired ones too); `retired`:
    element code → its last period (year × 10 + quarter) for the elements
    that stop being collected.
    """
    found = _plan_problems(plan)
    for indicator in plan.indicators:
        found += _indicator_problems(indicator, plan, kinds, retired)
    return found


def _plan_problems(plan: PlanFacts) -> list[Problem]:
    found = []
    if not plan.parcels:
        found.append(Problem(ERROR, _("规划未选择覆盖地块")))
    if not plan.indicators:
        found.append(Problem(ERROR, _("规划还没有指标")))
    if plan.end_year - plan.start_year + 1 != PLAN_YEARS:
        found.append(
            Problem(
                WARNING,
                _("规划期 {start}—{end} 年不是五年").format(start=plan.start_year, end=plan.end_year),
            )
        )
    if plan.base_year != plan.start_year - 1:
        found.append(
            Problem(
                WARNING,
                _("基期年 {base} 不是规划起始年的前一年（{year}）").format(
                    base=plan.base_year, year=plan.start_year - 1
                ),
            )
        )
    for other in plan.overlapping:
        found.append(Problem(WARNING, _("规划期与已发布的规划 {code} 重叠").format(code=other)))
    return found


def _indicator_problems(
    indicator: IndicatorFacts, plan: PlanFacts, kinds: Mapping[str, str], retired: Mapping[str, int]
) -> list[Problem]:
    found = [Problem(level, message, indicator.code) for level, message in _target_problems(indicator, plan)]
    found += [Problem(ERROR, message, indicator.code) for message in _formula_problems(indicator, plan, kinds, retired)]
    if not indicator.responsible_unit.strip():
        found.append(Problem(WARNING, _("未填写责任单位"), indicator.code))
    return found


def _target_problems(indicator: IndicatorFacts, plan: PlanFacts) -> list[tuple[str, str]]:
    found = []
    if indicator.kind == compute.BENCHMARK:
        if not any(plan.base_year <= year <= plan.end_year for year in indicator.benchmark_years):
            # The office enters the benchmark's figures year by year: until then progress reads 基准缺失.
            found.append((WARNING, _("对标目标尚无规划期内的对标基准值（进度将显示为基准缺失）")))
    elif indicator.target_value is None:
        found.append((ERROR, _("没有目标值")))
    elif not indicator.published_base and indicator.computed_base is None:
        found.append(
            (
                ERROR,
                _("目标没有基期值：{year}年既无规划公布的基期值，也无法由该年的统计数据算出").format(
                    year=plan.base_year
                ),
            )
        )
    if not plan.start_year <= indicator.target_year <= plan.end_year:
        found.append(
            (
                ERROR,
                _("目标年 {year} 不在规划期 {start}—{end} 年内").format(
                    year=indicator.target_year, start=plan.start_year, end=plan.end_year
                ),
            )
        )
    outside = [code for code in indicator.split_parcels if plan.parcels and code not in plan.parcels]
    if outside:
        found.append((WARNING, _("分解目标的地块 {codes} 不在规划覆盖范围内").format(codes="、".join(outside))))
    return found


def _formula_problems(
    indicator: IndicatorFacts, plan: PlanFacts, kinds: Mapping[str, str], retired: Mapping[str, int]
) -> list[str]:
    try:
        formula = formulas.parse(indicator.formula)
        formulas.check(formula, kinds)
    except formulas.FormulaError as exc:
        return [_("计算表达式“{formula}”有误：{error}").format(formula=indicator.formula, error=exc)]
    found = []
    last_wanted = plan.end_year * 10 + 4
    for code in sorted(formula.elements):
        last = retired.get(code)
        if last is not None and last < last_wanted:
            found.append(
                _("计算表达式使用了已停用的统计指标项“{code}”（最后填报 {year}年第{quarter}季度）").format(
                    code=code, year=last // 10, quarter=last % 10
                )
            )
    if indicator.split_parcels and formula.is_ratio:
        found.append(_("比率类指标不能分解到地块"))
    return found


def errors(found: list[Problem]) -> list[Problem]:
    return [problem for problem in found if problem.is_error]

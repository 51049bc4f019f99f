"""The formula language (indicators.formulas): what it reads, what it refuses and where, and its SQL.

Pure: no database. The SQL twin is checked against PostgreSQL in test_missing_values and test_plans.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from indicators import compute, formulas

KINDS = {
    "revenue": "flow",
    "tax": "flow",
    "rd_expenditure": "flow",
    "value_added": "flow",
    "sei_output": "flow",
    "industrial_output": "flow",
    "employees": "stock",
    "invention_patents": "flow",
    "above_scale": "flag",
    "high_tech": "flag",
    "listed_date": "date",
}
READS = {code: f's."{code}"' for code in KINDS}
CONTEXT = formulas.SqlContext(READS, dt.date(2021, 1, 1), dt.date(2025, 12, 31), KINDS)


def parsed(text: str) -> formulas.Formula:
    formula = formulas.parse(text)
    formulas.check(formula, KINDS)
    return formula


# text, ratio?, scale, the SQL of each aggregate (pairwise filters included), the enterprises' SQL
EXAMPLES = [
    (
        "100 * sum(rd_expenditure) / sum(value_added)",
        True,
        100,
        [
            'coalesce(sum(s."rd_expenditure") FILTER (WHERE s."value_added" IS NOT NULL), 0)',
            'coalesce(sum(s."value_added") FILTER (WHERE s."rd_expenditure" IS NOT NULL), 0)',
        ],
        "count(*)",
    ),
    (
        "100 * sum(sei_output where above_scale) / sum(industrial_output where above_scale)",
        True,
        100,
        [
            'coalesce(sum(s."sei_output") FILTER (WHERE coalesce(s."above_scale", false)'
            ' AND s."industrial_output" IS NOT NULL), 0)',
            'coalesce(sum(s."industrial_output") FILTER (WHERE coalesce(s."above_scale", false)'
            ' AND s."sei_output" IS NOT NULL), 0)',
        ],
        'count(*) FILTER (WHERE coalesce(s."above_scale", false))',
    ),
    ("count(high_tech)", False, 1, ['count(*) FILTER (WHERE coalesce(s."high_tech", false))'], "count(*)"),
    ("count(revenue >= 100000)", False, 1, ['count(*) FILTER (WHERE (s."revenue" >= 100000::numeric))'], "count(*)"),
    (
        "count(listed_date between plan.start and period.end)",
        False,
        1,
        [
            'count(*) FILTER (WHERE (s."listed_date" >= date \'2021-01-01\' AND s."listed_date" <= '
            "(make_date(year + quarter / 4, quarter * 3 %% 12 + 1, 1) - 1)))"
        ],
        "count(*)",
    ),
    ("sum(tax) / parcel.area_mu", True, 1, ['coalesce(sum(s."tax"), 0)'], "count(*)"),
    ("sum(tax)", False, 1, ['coalesce(sum(s."tax"), 0)'], "count(*)"),
    ("sum(revenue) / 10000", False, Decimal("0.0001"), ['coalesce(sum(s."revenue"), 0)'], "count(*)"),
    (
        "10000 * sum(invention_patents) / sum(employees)",
        True,
        10000,
        [
            'coalesce(sum(s."invention_patents") FILTER (WHERE s."employees" IS NOT NULL), 0)',
            'coalesce(sum(s."employees") FILTER (WHERE s."invention_patents" IS NOT NULL), 0)',
        ],
        "count(*)",
    ),
]


@pytest.mark.parametrize(("text", "ratio", "scale", "sql", "enterprises"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_it_reads_each_example_and_compiles_it(text, ratio, scale, sql, enterprises):
    formula = parsed(text)

    assert formula.is_ratio is ratio
    assert formula.scale == Decimal(str(scale))
    assert [formulas.aggregate_sql(a, CONTEXT) for a in formula.aggregates] == sql
    assert formulas.enterprises_sql(formula, CONTEXT) == enterprises


# text, (line, column) of the error, words the message must say
ERRORS = [
    ("sum(revenue", (1, 12), "不完整"),
    ("sum(foo)", (1, 5), "没有统计指标项“foo”"),
    ("sum(high_tech)", (1, 5), "应为数值"),
    ("count(revenue)", (1, 7), "应为是否项"),
    ("count(listed_date between 1 and period.end)", (1, 27), "应为日期"),
    ("revenue + 1", (1, 1), "须写在 sum(…) 或 count(…) 中"),
    ("100 * sum(tax) /\n  sum(tax # 2)", (2, 11), "不能识别的字符“#”"),
    ("sum(sum(revenue))", (1, 8), "此处不能出现"),
    ("sum(revenue where plan.end)", None, "应为"),
    ("sum(parcel.area_mu)", (1, 5), "未知的属性"),
    ("", None, "为空"),
    ("1 + 2", (1, 1), "没有 sum"),
    ("sum(tax) / 0", (1, 12), "除数不能为0"),
]


@pytest.mark.parametrize(("text", "where", "words"), ERRORS, ids=[e[0] or "empty" for e in ERRORS])
def test_it_refuses_a_wrong_formula_saying_where(text, where, words):
    with pytest.raises(formulas.FormulaError) as caught:
        parsed(text)

    assert words in str(caught.value)
    if where is not None:
        assert (caught.value.line, caught.value.column) == where
        assert f"第{where[0]}行第{where[1]}列" in str(caught.value)


ATTACKS = [
    "__import__('os').system('true')",
    "sum(revenue); DROP TABLE parcels_statistic",
    "sum((SELECT 1))",
    "sum(revenue) FROM parcels_statistic --",
    "count(revenue >= 1 OR 1=1)",
    "sum(revenue)'",
    "open('/etc/passwd')",
    "sum(revenue.__class__)",
    "lambda: 1",
    "[x for x in ()]",
    "sum(s.revenue)",
]


@pytest.mark.parametrize("text", ATTACKS)
def test_it_never_lets_a_formula_reach_python_or_sql(text):
    with pytest.raises(formulas.FormulaError):
        parsed(text)


def test_it_compiles_only_from_the_element_map_and_numbers():
    """No identifier of the formula's text reaches the SQL: an element reads only as the map says."""
    formula = parsed("count(revenue >= 100000 and not high_tech or above_scale)")
    context = formulas.SqlContext({**READS, "revenue": "READ(revenue)"}, CONTEXT.plan_start, CONTEXT.plan_end)

    sql = formulas.aggregate_sql(formula.aggregates[0], context)

    assert "READ(revenue)" in sql and " revenue " not in sql


def test_it_shares_one_column_between_formulas_and_plans_that_need_the_same_sum():
    terms = formulas.Terms()
    first = terms.add(parsed("count(high_tech)"), CONTEXT)
    later = formulas.SqlContext(READS, dt.date(2026, 1, 1), dt.date(2030, 12, 31), KINDS)
    again = terms.add(parsed("count(high_tech)"), later)
    listed = terms.add(parsed("count(listed_date between plan.start and period.end)"), CONTEXT)
    listed_later = terms.add(parsed("count(listed_date between plan.start and period.end)"), later)

    assert first.columns == again.columns  # the plan's dates do not enter this sum
    assert listed.columns != listed_later.columns  # they enter this one
    assert len(list(terms)) == 4  # count(high_tech), count(*), and one listing count per plan


RECORDS = pd.DataFrame(
    [
        # parcel, year, quarter, revenue, tax, employees, invention_patents, high_tech, listed_date
        (1, 2025, 4, 120_000.0, 30.0, 100.0, 2.0, True, dt.date(2022, 5, 1)),
        (1, 2025, 4, 5_000.0, None, 50.0, None, None, None),
        (2, 2025, 4, 90_000.0, 10.0, 10.0, 1.0, False, dt.date(2020, 1, 1)),
    ],
    columns=[
        "parcel",
        "year",
        "quarter",
        "revenue",
        "tax",
        "employees",
        "invention_patents",
        "high_tech",
        "listed_date",
    ],
)


# formula, park value, parcel 1 value, parcel 2 value (areas: parcel 1 = 2 km², parcel 2 = 1 km², park 30 km²)
VALUES = [
    ("count(high_tech)", 1, 1, 0),
    ("count(revenue >= 100000)", 1, 1, 0),
    ("count(listed_date between plan.start and period.end)", 1, 1, 0),
    ("count(not high_tech)", 2, 1, 1),
    ("10000 * sum(invention_patents) / sum(employees)", 10_000 * 3 / 110, 200, 1000),
    ("sum(tax) / parcel.area_mu", 40 / (30 * 1500), 30 / 3000, 10 / 1500),
    ("sum(revenue - tax)", 120_000 - 30 + 90_000 - 10, 120_000 - 30, 90_000 - 10),
]


@pytest.mark.parametrize(("text", "park", "first", "second"), VALUES, ids=[v[0] for v in VALUES])
def test_its_values_follow_the_formula_pairwise(text, park, first, second):
    terms = formulas.Terms()
    spec = compute.ValueSpec("X", terms.add(parsed(text), CONTEXT), park_area_km2=30)

    values = compute.values_from_sums(compute.sums_from_records(RECORDS, terms), [spec], areas={1: 2.0, 2: 1.0})

    by_scope = {None if pd.isna(p) else int(p): v for p, v in zip(values["parcel"], values["value"], strict=True)}
    assert by_scope == {None: pytest.approx(park), 1: pytest.approx(first), 2: pytest.approx(second)}


def test_it_compiles_the_largest_record_of_a_sum_with_the_sums_filter():
    """The dominance rule's input (docs/disclosure.md): max beside sum, the same FILTER, no coalesce (NULL: none)."""
    numerator, denominator = parsed("100 * sum(sei_output where above_scale) / sum(industrial_output)").aggregates
    assert formulas.largest_sql(numerator, CONTEXT) == (
        'max(s."sei_output") FILTER (WHERE coalesce(s."above_scale", false) AND s."industrial_output" IS NOT NULL)'
    )
    assert formulas.largest_sql(denominator, CONTEXT) == (
        'max(s."industrial_output") FILTER (WHERE s."sei_output" IS NOT NULL)'
    )
    terms = formulas.Terms()
    compiled = terms.add(parsed("100 * sum(rd_expenditure) / sum(value_added)"), CONTEXT)
    assert set(compiled.largest) == set(compiled.formula.aggregates)
    assert [t.largest for t in terms].count(True) == 2
    assert not terms.add(parsed("count(high_tech)"), CONTEXT).largest  # a count has no enterprise's amount

"""The disclosure rules on their own (indicators/disclosure.py, docs/disclosure.md): pure tables in, decisions out."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators import disclosure
from indicators.disclosure import DERIVABLE, DOMINANT, FEW, Rules, Structure
from tests.indicators import plan14

# The 14th plan's indicators (I1–I8) as the recompute sees them: each one's formula and the sums it is made of.
FORMULAS = {spec.key: spec.compiled.formula for spec in plan14.SPECS}
QUANTITIES = {
    spec.key: disclosure.quantities_of(spec.compiled, plan14.KINDS, {t.alias: t for t in plan14.TERMS})
    for spec in plan14.SPECS
}

PARCELS = [1, 2, 3, 4, 5]
STRUCTURE = Structure(parcels=PARCELS)


def cell(code, parcel, *, num, den=None, n=10, year=2024, quarter=4, num_share=0.3, den_share=0.3, area=None):
    formula = FORMULAS[code]
    ratio = formula.denominator is not None
    return {
        "indicator": code,
        "parcel": parcel,
        "area": area,
        "year": year,
        "quarter": quarter,
        "value": (num / den * float(formula.scale) if den else None) if ratio else num,
        "numerator": num,
        "denominator": den if ratio else None,
        "enterprises": n,
        "numerator_share": num_share if ratio else None,
        "denominator_share": den_share if ratio else None,
    }


def table(code, parts: dict, *, year=2024, quarter=4) -> list[dict]:
    """Cells of one indicator and period: the parcels' (num, den, n) and the park as their sum."""
    rows = [cell(code, p, num=num, den=den, n=n, year=year, quarter=quarter) for p, (num, den, n) in parts.items()]
    num = sum(v[0] for v in parts.values())
    den = sum(v[1] or 0 for v in parts.values())
    rows.append(cell(code, None, num=num, den=den, n=sum(v[2] for v in parts.values()), year=year, quarter=quarter))
    return rows


def decide(rows, structure=STRUCTURE, rules=None) -> dict:
    out = disclosure.disclose(pd.DataFrame(rows), structure=structure, quantities=QUANTITIES, rules=rules or Rules())
    return {
        (r.indicator, None if pd.isna(r.parcel) else int(r.parcel), r.year, r.quarter): r.withheld
        for r in out.itertuples()
    }


def withheld(decisions: dict) -> dict:
    return {k: v for k, v in decisions.items() if v}


# --- the primary rule -------------------------------------------------------------------


def test_it_withholds_a_parcel_figure_from_fewer_than_three_enterprises_but_not_from_none():
    parts = {1: (50, 500, 10), 2: (30, 300, 8), 3: (20, 100, 5), 4: (5, 80, 2), 5: (0, 0, 0)}
    decisions = decide(table("I2", parts))
    assert decisions[("I2", 4, 2024, 4)] == FEW
    assert decisions[("I2", 5, 2024, 4)] == ""  # no enterprise stands behind it: nothing to protect
    assert decisions[("I2", None, 2024, 4)] == ""  # the park total is always published


def test_it_withholds_a_figure_one_enterprise_dominates_in_its_numerator_or_denominator():
    rows = table("I1", {1: (50, 500, 10), 2: (30, 300, 8), 3: (20, 100, 5), 4: (40, 400, 6), 5: (25, 300, 7)})
    rows[1]["numerator_share"] = 0.86
    rows[2]["denominator_share"] = 0.851
    rows[3]["numerator_share"] = 0.85  # at the threshold: not above it
    decisions = decide(rows)
    assert decisions[("I1", 2, 2024, 4)] == DOMINANT and decisions[("I1", 3, 2024, 4)] == DOMINANT
    assert decisions[("I1", 4, 2024, 4)] == ""


def test_it_judges_a_count_of_enterprises_by_the_number_of_enterprises_alone():
    rows = table("I4", {1: (1, None, 10), 2: (3, None, 8), 3: (2, None, 5), 4: (4, None, 6), 5: (2, None, 7)})
    assert not withheld(decide(rows))  # one high-tech enterprise of ten is not a dominated amount


def test_it_takes_its_thresholds_from_the_rules():
    parts = {1: (50, 500, 10), 2: (30, 300, 8), 3: (20, 100, 3), 4: (40, 400, 6), 5: (25, 300, 7)}
    assert decide(table("I2", parts), rules=Rules(min_enterprises=4))[("I2", 3, 2024, 4)] == FEW
    rows = table("I2", parts)
    rows[0]["numerator_share"] = 0.7
    assert decide(rows, rules=Rules(dominance=0.6))[("I2", 1, 2024, 4)] == DOMINANT


# --- the secondary rule: the park's total minus the published parcels -------------------


def test_it_withholds_the_smallest_other_parcel_beside_a_single_withheld_one():
    parts = {1: (50, 500, 10), 2: (30, 300, 8), 3: (20, 100, 5), 4: (5, 80, 2), 5: (40, 900, 9)}
    assert withheld(decide(table("I2", parts))) == {("I2", 4, 2024, 4): FEW, ("I2", 3, 2024, 4): DERIVABLE}


def test_it_leaves_two_withheld_parcels_alone_when_each_protects_the_other():
    parts = {1: (50, 500, 10), 2: (30, 300, 2), 3: (20, 100, 5), 4: (25, 280, 2), 5: (40, 900, 9)}
    assert set(withheld(decide(table("I2", parts)))) == {("I2", 2, 2024, 4), ("I2", 4, 2024, 4)}


def test_it_adds_a_complement_when_the_other_withheld_parcel_is_too_small_to_protect():
    # Parcel 4 carries 1 of parcel 2's 300: the park minus the published parcels would miss parcel 2 by 0.3%.
    parts = {1: (50, 500, 10), 2: (300, 3000, 2), 3: (35, 400, 5), 4: (1, 10, 2), 5: (40, 900, 9)}
    decisions = withheld(decide(table("I2", parts)))
    assert decisions[("I2", 3, 2024, 4)] == DERIVABLE  # the smallest that carries 10% of parcel 2's sums
    assert ("I2", 1, 2024, 4) not in decisions


def test_it_protects_a_count_by_a_parcel_that_has_some():
    rows = table("I5", {1: (0, None, 10), 2: (3, None, 8), 3: (0, None, 5), 4: (1, None, 2), 5: (2, None, 7)})
    # Parcels 1 and 3 have none: withholding them would leave the park minus the rest = parcel 4's count.
    assert withheld(decide(rows)) == {("I5", 4, 2024, 4): FEW, ("I5", 5, 2024, 4): DERIVABLE}


def test_it_stops_an_exact_subtraction_with_a_zero_when_nothing_else_is_left():
    rows = table("I6", {1: (0, None, 10), 2: (0, None, 8), 3: (0, None, 5), 4: (1, None, 2), 5: (0, None, 7)})
    decisions = withheld(decide(rows))
    assert decisions[("I6", 4, 2024, 4)] == FEW and len(decisions) == 2  # a parcel of 0 that a reader cannot tell


def test_it_withholds_the_same_complement_for_every_indicator_made_of_the_same_sum():
    """I2, I7 and I8 share the employees: a parcel shown in one would give the withheld one's head count away."""
    rows = []
    for code in ("I2", "I7", "I8"):
        rows += table(code, {1: (50, 500, 10), 2: (30, 300, 8), 3: (20, 100, 5), 4: (5, 80, 2), 5: (40, 900, 9)})
    decisions = withheld(decide(rows))
    assert {k[1] for k in decisions} == {3, 4}
    assert all(decisions[(code, 3, 2024, 4)] == DERIVABLE for code in ("I2", "I7", "I8"))


def test_a_denominator_another_indicator_publishes_needs_no_complement_of_its_own():
    rows = []
    for code in ("I2", "I7"):
        rows += table(code, {1: (50, 500, 10), 2: (30, 300, 8), 3: (20, 100, 5), 4: (6, 80, 6), 5: (40, 900, 9)})
    rows[3]["numerator_share"] = 0.95  # I2 of parcel 4: one enterprise holds the patents
    decisions = withheld(decide(rows))
    # Its head count is I7's denominator and stays published; its patents need a complement.
    assert decisions == {("I2", 4, 2024, 4): DOMINANT, ("I2", 3, 2024, 4): DERIVABLE}


def test_it_holds_against_a_park_manager_who_knows_the_complements_records():
    parts = {1: (50, 500, 10), 2: (30, 300, 8), 3: (20, 100, 5), 4: (5, 80, 2), 5: (40, 900, 9)}
    everyone = withheld(decide(table("I2", parts)))
    assert set(everyone) == {("I2", 4, 2024, 4), ("I2", 3, 2024, 4)}
    # The manager of parcel 3 reads its records: the park minus the rest would give parcel 4 to them.
    structure = Structure(parcels=PARCELS, insiders=[[3], [1, 2]])
    decisions = withheld(decide(table("I2", parts), structure))
    hidden = {k[1] for k in decisions}
    assert hidden == {2, 3, 4}  # one more, outside what the manager of parcel 3 knows
    for known in (set(), {3}, {1, 2}):
        assert not determined(Structure(parcels=PARCELS), hidden - known), known


# --- functional areas ----------------------------------------------------------------------


def test_it_protects_a_withheld_parcel_inside_a_published_area_total():
    structure = Structure(parcels=PARCELS, areas={7: [1, 2]})
    parts = {1: (50, 500, 10), 2: (5, 80, 2), 3: (20, 100, 5), 4: (30, 300, 8), 5: (40, 900, 9)}
    rows = table("I2", parts)
    rows.append(cell("I2", None, num=55, den=580, n=12, area=7))
    decisions = withheld(decide(rows, structure))
    # The area minus parcel 1 would give parcel 2: parcel 1 goes too (and with it the park's route is closed).
    assert decisions[("I2", 1, 2024, 4)] == DERIVABLE and decisions[("I2", 2, 2024, 4)] == FEW


def test_it_closes_a_route_through_two_overlapping_areas():
    structure = Structure(parcels=PARCELS, areas={7: [1, 2, 3], 8: [3, 4]})
    parts = {1: (50, 500, 10), 2: (5, 80, 2), 3: (20, 100, 5), 4: (30, 300, 8), 5: (40, 900, 9)}
    rows = table("I2", parts)
    rows.append(cell("I2", None, num=75, den=680, n=17, area=7))
    rows.append(cell("I2", None, num=50, den=400, n=13, area=8))
    out = disclosure.disclose(pd.DataFrame(rows), structure=structure, quantities=QUANTITIES)
    hidden = {int(r.parcel) for r in out.itertuples() if r.withheld and not pd.isna(r.parcel)}
    assert 2 in hidden and not determined(structure, hidden)


def determined(structure: Structure, hidden: set[int]) -> set[int]:
    """The withheld parcels that the park's and the areas' totals determine (an independent rank check)."""
    names = sorted(hidden)
    relations = [structure.parcels, *structure.areas.values()]
    rows = [[1.0 if p in members else 0.0 for p in names] for members in relations]
    matrix = np.array([r for r in rows if any(r)])
    if not len(matrix):
        return set()
    rank = np.linalg.matrix_rank(matrix)
    return {p for i, p in enumerate(names) if np.linalg.matrix_rank(np.vstack([matrix, np.eye(len(names))[i]])) == rank}


# --- year-to-date quarters -------------------------------------------------------------------


def test_it_withholds_the_earlier_quarters_of_a_withheld_flow():
    rows = []
    for quarter in (1, 2, 3, 4):
        parts = {
            1: (50, 500, 10),
            2: (30, 300, 8),
            3: (20, 100, 5),
            4: (25 * quarter, 280 * quarter, 6),
            5: (40, 90, 9),
        }
        rows += table("I1", parts, quarter=quarter)
    rows[1 * 6 + 3]["numerator_share"] = 0.9  # parcel 4 in quarter 2: one enterprise dominates
    decisions = withheld(decide(rows))
    # Quarter 1 ≤ quarter 2 ≤ quarter 3: with both neighbours published quarter 2 would be pinned.
    assert decisions[("I1", 4, 2024, 2)] == DOMINANT and decisions[("I1", 4, 2024, 1)] == DERIVABLE
    assert ("I1", 4, 2024, 3) not in decisions and ("I1", 4, 2024, 4) not in decisions
    # Its complement's earlier quarter goes too: quarter 1 then has two withheld parcels of its own.
    [complement] = {p for (_c, p, _y, q), r in decisions.items() if q == 2 and r == DERIVABLE}
    assert decisions[("I1", complement, 2024, 1)] == DERIVABLE


def test_it_leaves_the_quarters_of_a_stock_alone():
    rows = []
    for quarter in (1, 2, 3):
        parts = {1: (50, 500, 10), 2: (30, 300, 8), 3: (20, 100, 5), 4: (25, 280, 6), 5: (40, 900, 9)}
        rows += table("I7", parts, quarter=quarter)
    rows[1 * 6 + 3]["numerator_share"] = 0.9
    assert ("I7", 4, 2024, 1) not in withheld(decide(rows))


# --- comparisons and progress -----------------------------------------------------------------


def test_it_withholds_a_comparison_when_either_period_is_withheld():
    parts = {1: (50, 500, 10), 2: (30, 300, 8), 3: (20, 100, 5), 4: (5, 80, 6), 5: (40, 900, 9)}
    rows = table("I2", parts, year=2023) + table("I2", {**parts, 4: (5, 80, 2)}, year=2024)
    rows += table("I2", parts, year=2025)
    out = disclosure.disclose(pd.DataFrame(rows), structure=STRUCTURE, quantities=QUANTITIES)
    out["previous_withheld"] = disclosure.comparison_withheld(out)
    by_key = {(r.parcel, r.year): r.previous_withheld for r in out.itertuples() if r.parcel == 4}
    assert by_key == {(4, 2023): "", (4, 2024): FEW, (4, 2025): FEW}


def test_it_withholds_progress_from_a_withheld_year_or_base_and_a_projection_through_any_withheld_year():
    annual = pd.DataFrame(
        [("I8", 4, y, FEW if y == 2022 else "") for y in range(2020, 2025)]
        + [("I8", 5, y, DERIVABLE if y == 2020 else "") for y in range(2020, 2025)],
        columns=["indicator", "parcel", "year", "withheld"],
    )
    progress = pd.DataFrame(
        [("I8", p, y) for p in (4, 5, None) for y in range(2021, 2025)], columns=["indicator", "parcel", "year"]
    )
    decided = progress.join(disclosure.progress_withheld(progress, annual, base_year=2020))
    rows = {
        (None if pd.isna(r.parcel) else int(r.parcel), r.year): (r.withheld, r.projection_withheld)
        for r in decided.itertuples()
    }
    assert rows[(4, 2021)] == ("", "") and rows[(4, 2022)] == (FEW, FEW) and rows[(4, 2023)] == ("", FEW)
    assert rows[(5, 2023)] == (DERIVABLE, DERIVABLE)  # its base year is withheld
    assert all(rows[(None, y)] == ("", "") for y in range(2021, 2025))


# --- what a reader is told ----------------------------------------------------------------------


def test_it_says_why_in_the_same_words_everywhere():
    assert disclosure.hidden_text(FEW, language="zh") == "不予公开（不足3家企业）"
    assert disclosure.hidden_text(DOMINANT, language="zh") == "不予公开（单一企业占比过高）"
    assert disclosure.hidden_text(DERIVABLE, language="zh") == "不予公开（为防止推算而隐藏）"
    assert disclosure.hidden_text(FEW, min_enterprises=4, language="en") == "Withheld (fewer than 4 enterprises)"
    assert disclosure.withheld_for(FEW, sees_everything=True) == ""
    assert disclosure.withheld_for(FEW, sees_everything=False) == FEW
    assert disclosure.strongest([DERIVABLE, "", FEW]) == FEW


# --- on random tables: no withheld figure can be rebuilt from the published ones ------------------


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000))
def test_no_withheld_sum_of_a_random_table_is_determined_or_poorly_protected(seed):
    rng = random.Random(seed)
    parcels = list(range(1, rng.randint(2, 10) + 1))
    areas = {100 + i: rng.sample(parcels, rng.randint(1, len(parcels))) for i in range(rng.randint(0, 2))}
    insiders = [rng.sample(parcels, rng.randint(1, max(1, len(parcels) // 3))) for _ in range(rng.randint(0, 2))]
    structure = Structure(parcels=parcels, areas=areas, insiders=insiders)
    parts = {
        p: (rng.choice([0, rng.randint(1, 500)]), rng.randint(1, 900), rng.choice([1, 2, 3, 5, 20])) for p in parcels
    }
    rows = table("I2", parts) + table("I7", {p: (rng.randint(0, 90), d, n) for p, (_x, d, n) in parts.items()})
    for area, members in areas.items():
        for code in ("I2", "I7"):
            mine = [r for r in rows if r["indicator"] == code and r["parcel"] in members]
            num, den = sum(r["numerator"] for r in mine), sum(r["denominator"] for r in mine)
            rows.append(cell(code, None, num=num, den=den, n=sum(r["enterprises"] for r in mine), area=area))
    for row in rows:
        if row["parcel"] is not None and rng.random() < 0.15:
            row["numerator_share"] = 0.9
    out = disclosure.disclose(pd.DataFrame(rows), structure=structure, quantities=QUANTITIES)
    for code, column in (("I2", "numerator"), ("I7", "numerator"), ("I2", "denominator")):
        users = ("I2", "I7") if column == "denominator" else (code,)
        mine, theirs = out[out["indicator"] == code], out[out["indicator"].isin(users)]
        shown = theirs[theirs["withheld"] == ""]
        hidden = {int(p) for p in mine["parcel"].dropna()} - {int(p) for p in shown["parcel"].dropna()}
        hidden_areas = {int(a) for a in mine["area"].dropna()} - {int(a) for a in shown["area"].dropna()}
        published = Structure(parcels=parcels, areas={a: m for a, m in areas.items() if a not in hidden_areas})
        assert not determined(published, hidden), (seed, code, column, hidden)
        primary = {int(p) for p in theirs.loc[theirs["withheld"].isin([FEW, DOMINANT]), "parcel"].dropna()}
        for known in map(set, insiders):  # a manager reads their own parcels' records
            given_away = determined(published, hidden - known) & (primary - known)
            # Unless the manager knows every parcel that is left to withhold.
            assert not given_away or set(parcels) - known <= hidden, (seed, code, column, known)
        amounts = {int(r.parcel): getattr(r, column) for r in mine.itertuples() if not pd.isna(r.parcel)}
        for p in primary & hidden:
            others = sum(amounts[q] for q in hidden if q != p)
            rest = sum(amounts.values()) - amounts[p]
            # Protected by at least 10% of it, or by everything else there is.
            assert (others > 0 and others >= 0.1 * amounts[p] - 1e-9) or others == pytest.approx(rest), (seed, p)


@pytest.mark.parametrize("reason", [FEW, DOMINANT, DERIVABLE])
def test_its_english_words_match_the_translation_file(reason):
    with open("locale/en/LC_MESSAGES/django.po", encoding="utf-8") as f:
        po = f.read()
    zh, en = disclosure.WORDS[reason]
    assert f'msgid "{zh}"\nmsgstr "{en}"' in po
    assert f'msgid "{disclosure.HIDDEN[0]}"\nmsgstr "{disclosure.HIDDEN[1]}"' in po


def test_the_worked_example_of_docs_disclosure_md():
    parcels = [  # enterprises, masters, employees: I8 in 2024
        (6, 120, 1900),
        (5, 93, 1469),
        (6, 107, 1674),
        (4, 65, 996),
        (5, 90, 1382),
        (6, 149, 2313),
        (4, 64, 1003),
        (5, 108, 1668),
        (4, 70, 1150),
        (2, 112, 569),
    ]
    rows = table("I8", {i: (m, e, n) for i, (n, m, e) in enumerate(parcels, start=1)})
    assert (rows[-1]["numerator"], rows[-1]["denominator"], rows[-1]["enterprises"]) == (978, 14124, 47)
    decisions = decide(rows, Structure(parcels=list(range(1, 11))))
    assert withheld(decisions) == {("I8", 10, 2024, 4): FEW, ("I8", 7, 2024, 4): DERIVABLE}
    with open("docs/disclosure.md", encoding="utf-8") as f:
        text = f.read()
    assert "| 电子商务示范基地(北块) | 4 | 不予公开（为防止推算而隐藏） | | |" in text
    assert "176 masters,\n1,572 employees, 11.20%" in text

"""Disclosure control (统计资料保密): which parcel figures may reach a reader other than the office.

Pure: no Django. The rules are the domain brief's §9, written out with a worked
example in docs/disclosure.md. The recompute (indicators/services.py) runs them
once over every stored value and stores each decision beside the figure, so
every output (pages, chart data, downloads, exports, the API, the report for
officials) reads the same decision; the office sees everything.

- ``quantities_of`` names what an indicator's figure is made of: its numerator
  and denominator as sums of the recompute's aggregate (formulas.Terms), so two
  indicators of any plans that publish the same sum are seen to publish it;
- ``disclose`` decides, for a table of cells (indicator × scope × period with
  numerator, denominator, enterprises and the largest enterprise's shares),
  which are withheld and why: the primary rule (fewer than ``min_enterprises``
  enterprises, or one enterprise above ``dominance`` of a numerator or
  denominator), then the secondary rule (complementary suppression) until no
  withheld figure can be rebuilt by subtraction from the park's (or a
  functional area's) total, from the earlier year-to-date quarters, or
  through a numerator or denominator another indicator publishes.
- ``comparison_withheld`` and ``progress_withheld`` carry the decisions to
  what is built from two periods: 同比 and 'previous', progress (its status,
  completion, gap, share of the park's change) and its projection.
- ``withheld_for``, ``reason_words`` and ``hidden_text`` are what a reader is
  told, the same words everywhere.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import cast

import numpy as np
import pandas as pd

from parkplan.numbers import is_missing
from parkplan.text import _

from . import formulas

FEW = "few"  # 不足3家企业
DOMINANT = "dominant"  # 单一企业占比过高
DERIVABLE = "derivable"  # 为防止推算而隐藏
REASONS = (FEW, DOMINANT, DERIVABLE)  # strongest first: a figure withheld for two reasons gives the first
PRIMARY = (FEW, DOMINANT)

Scope = tuple[str, int | None]  # ("park", None), ("parcel", id) or ("area", id)
Relation = tuple[Scope, tuple[Scope, ...]]  # a total and the parts it is the sum of
PARK: Scope = ("park", None)


@dataclass(frozen=True)
class Rules:
    """The thresholds of the rules (settings DISCLOSURE_MIN_ENTERPRISES and DISCLOSURE_DOMINANCE)."""

    min_enterprises: int = 3  # a figure from fewer enterprises (but at least one) is withheld
    dominance: float = 0.85  # a figure one enterprise gives more than this share of is withheld
    # A withheld figure's complements together carry at least this share of it, so the park's
    # total minus the published parcels misses it by at least this much.
    protection: float = 0.10
    # A withheld ratio and the ratio of the withheld group's sums (what the park minus the
    # published parcels gives) differ by more than this share of it.
    ratio_margin: float = 0.02


@dataclass(frozen=True)
class Quantities:
    """What an indicator's figure is made of: the sums behind its numerator and denominator.

    `parts`: a key per part that sums enterprise records (the numerator's, and
    the denominator's for a ratio over sums; a parcel's area is public and no
    part); two parts with the same key are the same sum. `flows`: the parts
    that grow through the year (year-to-date flows, counts up to the period's
    end), whose earlier quarters bracket a later one.
    """

    parts: tuple[str, ...]
    flows: frozenset[str] = frozenset()


def quantities_of(
    compiled: formulas.Compiled, kinds: Mapping[str, str], terms: Mapping[str, formulas.Term] | None = None
) -> Quantities:
    """Return the sums an indicator's figure is made of.

    kinds: data element code → kind (flow, stock, flag, date); terms: the
    recompute's terms by alias. With them a sum is named by its SQL without
    the pairwise filter (docs/method.md §2), under its plan's dates: two
    indicators of any plans that sum the same element under the same
    condition publish the same sum wherever no figure is missing (a head count
    behind two ratios), and are taken as one. Without them, by its column.
    """

    def name(aggregate: formulas.Aggregate) -> str:
        term = (terms or {}).get(compiled.columns[aggregate])
        if term is None:
            return compiled.columns[aggregate]
        plain = formulas.aggregate_sql(replace(aggregate, present=()), term.context)
        return f"carried {plain}" if term.carried else plain

    parts: list[str] = []
    flows: set[str] = set()
    formula = compiled.formula
    for part in (formula.numerator, formula.denominator):
        aggregates = [n for n in formulas.walk(part) if isinstance(n, formulas.Aggregate)]
        if part is None or not aggregates:
            break  # a numerator without sums: nothing of the enterprises' (a denominator without: public)
        key = _part_key(part, name)
        parts.append(key)
        nodes = [n for a in aggregates for n in formulas.walk(a)]
        if any(isinstance(n, formulas.Element) and kinds.get(n.code) == "flow" for n in nodes) or any(
            isinstance(n, formulas.Attribute) and n.name == "period.end" for n in nodes
        ):
            flows.add(key)
    return Quantities(tuple(parts), frozenset(flows))


def _part_key(node: formulas.Node, name: Callable[[formulas.Aggregate], str]) -> str:
    if isinstance(node, formulas.Aggregate):
        return name(node)
    if isinstance(node, formulas.Num):
        return str(node.value)
    if isinstance(node, formulas.Attribute):
        return node.name
    if isinstance(node, formulas.Neg):
        return f"-({_part_key(node.operand, name)})"
    if isinstance(node, formulas.Binary):
        return f"({_part_key(node.left, name)} {node.op} {_part_key(node.right, name)})"
    raise TypeError(node)  # pragma: no cover - a formula's part holds nothing else


@dataclass(frozen=True)
class Structure:
    """How the scopes add up: the park is the sum of every parcel, a functional area of its parcels."""

    parcels: Sequence[int]  # parcel ids in the plan's order (the order breaks ties)
    areas: Mapping[int, Sequence[int]] = field(default_factory=dict)  # area id → its parcel ids
    # Parcels a reader knows from their own records (a park manager's): a withheld figure of
    # another parcel must hold against each such reader too.
    insiders: Sequence[Sequence[int]] = ()


# --- what a reader is told -------------------------------------------------------------


def withheld_for(reason: str | None, *, sees_everything: bool) -> str:
    """Return why a figure is withheld from this reader: its stored reason, or "" (published, or the office)."""
    if sees_everything or not reason:
        return ""
    return reason


def strongest(reasons: Iterable[str | None]) -> str:
    """Return the strongest of several reasons (as REASONS orders them), "" for none."""
    present = {r for r in reasons if r}
    return next((r for r in REASONS if r in present), "")


# The words, in Chinese and English: the pages translate the Chinese through gettext (the
# same English is in locale/en); a report, written in its own language, takes them from here.
WORDS = {
    FEW: ("不足%(n)s家企业", "fewer than %(n)s enterprises"),
    DOMINANT: ("单一企业占比过高", "one enterprise dominates"),
    DERIVABLE: ("为防止推算而隐藏", "to prevent derivation"),
}
HIDDEN = ("不予公开（%(reason)s）", "Withheld (%(reason)s)")
WITHHELD = ("不予公开", "Withheld")  # the first line where a cell is too narrow for the words on one


def _say(pair: tuple[str, str], language: str | None) -> str:
    """Return the words in `language` ("zh" or "en"), or through gettext in the active language when None."""
    if language is None:
        return _(pair[0])
    return pair[1] if language.startswith("en") else pair[0]


def reason_words(reason: str, *, min_enterprises: int = 3, language: str | None = None) -> str:
    """Return why a figure is withheld, in words: 不足3家企业, 单一企业占比过高 or 为防止推算而隐藏."""
    words = _say(WORDS.get(reason, WORDS[DERIVABLE]), language)
    return words % {"n": min_enterprises} if reason == FEW else words


def hidden_text(reason: str, *, min_enterprises: int = 3, language: str | None = None) -> str:
    """Return what stands in place of a withheld figure: 不予公开（不足3家企业） and the like."""
    words = reason_words(reason, min_enterprises=min_enterprises, language=language)
    return _say(HIDDEN, language) % {"reason": words}


def hidden_lines(reason: str, *, min_enterprises: int = 3, language: str | None = None) -> list[str]:
    """Return the same words on short lines, for a narrow cell: 不予公开 / 不足3家企业."""
    words = reason_words(reason, min_enterprises=min_enterprises, language=language)
    return [_say(WITHHELD, language), *textwrap.wrap(words, 14)]


# --- the decisions ------------------------------------------------------------------------


def scope_of(parcel, area=None) -> Scope:
    """Return the scope of a cell from its parcel and area columns (both missing: the park)."""
    if not is_missing(parcel):
        return ("parcel", int(parcel))
    if not is_missing(area):
        return ("area", int(area))
    return PARK


def primary(cells: pd.DataFrame, rules: Rules) -> pd.Series:
    """Return the primary rule's reason for each cell ("" for none); the park's figures are always published.

    Fewer than ``min_enterprises`` (but at least one) enterprises: FEW; else
    one enterprise above ``dominance`` of the numerator or the denominator:
    DOMINANT. The shares are those compute.values_from_sums gives, for amounts
    only: a count of enterprises (I4–I6) is judged by the number of
    enterprises alone, as frequency tables are.
    """
    total = cells["parcel"].map(is_missing)
    if "area" in cells:
        total &= cells["area"].map(is_missing)
    n = pd.to_numeric(cells["enterprises"], errors="coerce").fillna(0)
    shares = [pd.to_numeric(cells[c], errors="coerce") for c in ("numerator_share", "denominator_share") if c in cells]
    share = pd.concat(shares, axis=1).max(axis=1).fillna(0) if shares else pd.Series(0.0, index=cells.index)
    few = ~total & (n > 0) & (n < rules.min_enterprises)
    dominant = ~total & ~few & (share > rules.dominance)
    return pd.Series(np.select([few, dominant], [FEW, DOMINANT], ""), index=cells.index, dtype=object)


def disclose(
    cells: pd.DataFrame,
    *,
    structure: Structure,
    quantities: Mapping[object, Quantities],
    rules: Rules = Rules(),
) -> pd.DataFrame:
    """Decide which cells are withheld from readers other than the office, and why.

    In: one row per indicator, scope and period with columns indicator (a key
    of `quantities`), parcel (id; None for the park or an area), optionally
    area (id), year, quarter, numerator, denominator, enterprises,
    numerator_share and denominator_share (the largest enterprise's share,
    None where not assessed). Out: a copy with `withheld`: "" when published,
    else FEW, DOMINANT or DERIVABLE (withheld by the secondary rule). Each
    year is settled on its own: its four quarters together, since a quarter's
    year-to-date figure lies between its neighbours'.
    """
    out = cells.copy()
    out["withheld"] = primary(out, rules) if len(out) else pd.Series(dtype=object)
    settled: dict[object, str] = {}
    for _year, rows in out.groupby("year", sort=True):
        if rows["withheld"].astype(bool).any():  # nothing withheld, nothing to protect
            settled.update(_Year(rows, structure=structure, quantities=quantities, rules=rules).settle())
    if settled:
        out["withheld"] = pd.Series(settled, dtype=object).reindex(out.index).fillna("")
    return out


def comparison_withheld(cells: pd.DataFrame) -> pd.Series:
    """Return for each cell why its comparison with the same period a year earlier is withheld ("" if not).

    In: the frame ``disclose`` returned. A comparison (同比, 'previous') is
    withheld when either of its periods is: the cell's own reason, else the
    earlier cell's.
    """
    if cells.empty:
        return pd.Series(dtype=object)
    keys = [_key(r) for r in cells.itertuples(index=False)]
    reasons = dict(zip(keys, cells["withheld"], strict=True))
    earlier = [reasons.get((code, scope, year - 1, quarter), "") for code, scope, year, quarter in keys]
    return pd.Series(
        [strongest((own, before)) for own, before in zip(cells["withheld"], earlier, strict=True)],
        index=cells.index,
        dtype=object,
    )


def progress_withheld(progress: pd.DataFrame, annual: pd.DataFrame, *, base_year: int) -> pd.DataFrame:
    """Return for each progress row why it is withheld and why its projection is.

    In: progress rows (indicator, parcel, year) and the annual (quarter-4)
    decisions (indicator, parcel, year, withheld). A row's figures (value,
    status, completion, gap, expected, pace, share of the park's change) come
    from its year and the base year: withheld if either is. Its projection
    (a line through every year from the base to its year) is withheld if any
    of those years is. Out: columns withheld and projection_withheld, on
    progress' index.
    """
    reasons = {
        (code, scope_of(parcel), int(year)): reason or ""
        for code, parcel, year, reason in annual[["indicator", "parcel", "year", "withheld"]].itertuples(index=False)
    }
    own, line = [], []
    for code, parcel, year in progress[["indicator", "parcel", "year"]].itertuples(index=False):
        scope = scope_of(parcel)
        own.append(strongest((reasons.get((code, scope, int(year))), reasons.get((code, scope, base_year)))))
        line.append(strongest(reasons.get((code, scope, y)) for y in range(base_year, int(year) + 1)))
    return pd.DataFrame({"withheld": own, "projection_withheld": line}, index=progress.index, dtype=object)


def _key(row) -> tuple:
    return (row.indicator, scope_of(row.parcel, getattr(row, "area", None)), int(row.year), int(row.quarter))


class _Year:
    """One year's cells (every quarter, indicator and scope) and the decisions made on them so far."""

    def __init__(
        self, rows: pd.DataFrame, *, structure: Structure, quantities: Mapping[object, Quantities], rules: Rules
    ):
        self.rules = rules
        self.quantities = quantities
        self.reason: dict[tuple, str] = {}  # (quarter, indicator, scope) → reason, "" when published
        self.index: dict[tuple, object] = {}  # the same key → the row's label in the frame
        self.amount: dict[tuple, float] = {}  # (quarter, sum column, scope) → the sum
        self.users: dict[str, list[str]] = defaultdict(list)  # sum column → the indicators made of it
        for label, row in zip(rows.index, rows.itertuples(index=False), strict=True):
            code, scope, _year, quarter = _key(row)
            key = (quarter, code, scope)
            self.reason[key], self.index[key] = str(row.withheld or ""), label
            for column, value in zip(self._parts(code), (row.numerator, row.denominator), strict=False):
                if not is_missing(value):
                    self.amount[(quarter, column, scope)] = float(cast(float, value))
                if code not in self.users[column]:
                    self.users[column].append(code)
        self.order: dict[Scope, int] = {("parcel", p): i for i, p in enumerate(structure.parcels)}
        self.relations: list[Relation] = [
            (PARK, tuple(("parcel", p) for p in structure.parcels)),
            *((("area", a), tuple(("parcel", p) for p in members)) for a, members in structure.areas.items()),
        ]
        self.quarters = sorted({q for q, _code, _scope in self.reason}, reverse=True)
        self.ratios = sorted({code for _q, code, _s in self.reason if len(self._parts(code)) == 2})
        self.withheld_count: dict[Scope, int] = defaultdict(int)  # scope → its withheld cells in the year
        for (_q, _code, scope), reason in self.reason.items():
            self.withheld_count[scope] += bool(reason)
        # What each reader knows besides the published figures: nothing, or a manager's own parcels.
        known = {frozenset(("parcel", p) for p in group) for group in structure.insiders if group}
        self.views: list[frozenset[Scope]] = [frozenset(), *sorted(known, key=sorted)]

    def _parts(self, code) -> tuple[str, ...]:
        """Return the sums an indicator's figure is made of (none for an indicator not in `quantities`)."""
        found = self.quantities.get(code)
        return found.parts if found is not None else ()

    def _flows(self, code) -> frozenset[str]:
        found = self.quantities.get(code)
        return found.flows if found is not None else frozenset()

    def settle(self) -> dict[object, str]:
        """Apply the secondary rule until nothing changes; return row label → reason for every cell."""
        changed = True
        while changed:
            changed = self._bracket()
            for quarter in self.quarters:  # the year (quarter 4) first: its complements carry down
                changed |= self._complement_quarter(quarter)
                changed |= self._separate_ratios(quarter)
        return {self.index[key]: reason for key, reason in self.reason.items()}

    # -- year-to-date quarters -------------------------------------------------------------

    def _bracket(self) -> bool:
        """Withhold the earlier quarters of the year of every withheld flow.

        Year-to-date figures of the same enterprises only grow (the returns'
        checks refuse a smaller one): with an earlier quarter published, a
        withheld one would lie between it and the next published quarter, and
        the year would be the earlier quarter plus one quarter's flow, which
        the park's and the published parcels' quarters give nearly away.
        """
        changed = False
        for quarter, code, scope in list(self.reason):
            if quarter > 1 and self.reason[(quarter, code, scope)] and self._flows(code):
                for earlier in range(1, quarter):
                    changed |= self._withhold((earlier, code, scope))
        return changed

    def _withhold(self, key: tuple) -> bool:
        if key not in self.reason or self.reason[key]:
            return False
        self.reason[key] = DERIVABLE
        self.withheld_count[key[2]] += 1
        return True

    # -- sums that add up ----------------------------------------------------------------

    def _complement_quarter(self, quarter: int) -> bool:
        """Withhold complements in one quarter until no withheld sum can be rebuilt from a total."""
        changed = False
        for column in list(self.users):
            while True:
                fixed = False
                for relation, need, exact, view in self._problems(quarter, column):
                    chosen = self._complement(quarter, column, relation, need, exact=exact, view=view)
                    if chosen is not None:
                        for code in self.users[column]:
                            fixed |= self._withhold((quarter, code, chosen))
                        break
                if not fixed:
                    break
                changed = True
        return changed

    # -- ratios of what is left ------------------------------------------------------------

    def _separate_ratios(self, quarter: int) -> bool:
        """Withhold one more part where the withheld parts' sums give a withheld ratio nearly away.

        The park minus the published parcels leaves the withheld group's
        numerator and denominator: their ratio is a reader's best guess of each
        withheld ratio in the group. Where it lands within ``ratio_margin`` of
        a ratio the primary rule withholds, the smallest published part that
        moves it far enough is withheld too (none: left as it is).
        """
        changed = False
        for code in self.ratios:
            for total, members in self.relations:
                group = [m for m in members if self.reason.get((quarter, code, m))]
                if not group or not self._shown(quarter, self._parts(code)[0], total):
                    continue
                chosen = self._separating_part(quarter, code, members, group)
                if chosen is not None:
                    changed |= self._withhold((quarter, code, chosen))
        return changed

    def _separating_part(self, quarter: int, code: str, members, group: list[Scope]) -> Scope | None:
        """Return the part to withhold so the group's ratio misses its withheld ratios (None: none needed or helps)."""
        num, den = self._parts(code)
        primary = [m for m in group if self.reason[(quarter, code, m)] in PRIMARY]

        def unknown(column: str, m: Scope, extra: Scope | None) -> bool:
            if m != extra:
                return not self._shown(quarter, column, m)
            others = [c for c in self.users[column] if c != code]
            return not any(self.reason.get((quarter, c, m)) == "" for c in others)

        def close(extra: Scope | None = None) -> bool:
            parts = [*group, extra] if extra else group
            n = sum(self._amount(quarter, num, m) for m in parts if unknown(num, m, extra))
            for h in primary:
                d_h = self._amount(quarter, den, h)
                d = (
                    d_h
                    if not unknown(den, h, extra)
                    else sum(self._amount(quarter, den, m) for m in parts if unknown(den, m, extra))
                )
                ratio = self._amount(quarter, num, h) / d_h if d_h > 0 else None
                if d > 0 and ratio is not None and abs(n / d - ratio) <= self.rules.ratio_margin * abs(ratio):
                    return True
            return False

        if not primary or not close():
            return None
        candidates = [m for m in members if (quarter, code, m) in self.reason and m not in group]
        candidates.sort(key=lambda m: (-self._withheld_count(m), self._amount(quarter, den, m), self.order.get(m, 0)))
        return next((m for m in candidates if self._amount(quarter, den, m) > 0 and not close(m)), None)

    def _shown(self, quarter: int, column: str, scope: Scope) -> bool:
        """Whether a sum is published in some cell (a denominator may be published by another indicator)."""
        return any(self.reason.get((quarter, code, scope)) == "" for code in self.users[column])

    def _sensitive(self, quarter: int, column: str, scope: Scope) -> bool:
        return any(self.reason.get((quarter, code, scope)) in PRIMARY for code in self.users[column])

    def _problems(self, quarter: int, column: str) -> list[tuple[Relation, float, bool, frozenset[Scope]]]:
        """Return (relation, amount still needed, exact, view) for each withheld sum given away or protected too little.

        Given away (exact): the sum is determined exactly by the published
        totals and parts (a linear combination of the relations). Too little: a
        sum withheld by the primary rule whose fellow withheld parts of a
        relation carry less than ``protection`` of it (or nothing at all). Each
        reader's view: what everyone sees, and what a manager sees besides of
        their own parcels (against whom only the primary rule's sums of other
        parcels are protected).
        """
        relations = [
            (total, tuple(m for m in members if (quarter, column, m) in self.amount))
            for total, members in self.relations
            if (quarter, column, total) in self.amount
        ]
        scopes = {s for total, members in relations for s in (total, *members)}
        withheld = {s for s in scopes if not self._shown(quarter, column, s)}
        problems = []
        for view in self.views if withheld else ():
            unknown = withheld - view
            problems += [(*p, view) for p in self._given_away(quarter, column, relations, unknown, insider=bool(view))]
            problems += [(*p, view) for p in self._too_little(quarter, column, relations, unknown)]
        return problems

    def _given_away(self, quarter: int, column: str, relations: list[Relation], unknown: set[Scope], *, insider: bool):
        for scope in _determined(relations, unknown):
            sensitive = self._sensitive(quarter, column, scope)
            if insider and not sensitive:
                continue  # a complement is no secret of its own
            need = _need(self._amount(quarter, column, scope), self.rules, 0.0) if sensitive else 1e-9
            # Each relation that holds it is a way to close the route; else another total that
            # combined with them gives it away (the park's minus an area's).
            known = [r for r in relations if r[0] not in unknown]
            yield from ((r, need, True) for r in known if scope in r[1])
            yield from ((r, need, True) for r in known if scope not in r[1] and r[0] != PARK)

    def _too_little(self, quarter: int, column: str, relations: list[Relation], unknown: set[Scope]):
        for total, members in relations:
            if total in unknown:
                continue
            hidden = [m for m in members if m in unknown]
            for part in (m for m in hidden if self._sensitive(quarter, column, m)):
                others = sum(abs(self._amount(quarter, column, m)) for m in hidden if m != part)
                need = _need(self._amount(quarter, column, part), self.rules, others)
                if need > 0:
                    yield (total, members), need, False

    def _amount(self, quarter: int, column: str, scope: Scope) -> float:
        return self.amount.get((quarter, column, scope), 0.0)

    def _complement(
        self, quarter: int, column: str, relation, need: float, *, exact: bool, view: frozenset[Scope]
    ) -> Scope | None:
        """Return the part to withhold next: the smallest published part that is enough, else the largest.

        A part already withheld somewhere in the year comes first (the same
        parcel then stands in for every indicator), then the smaller sum, then
        the plan's order. A part of 0 protects nothing but stops an exact
        subtraction (the reader cannot know it is 0): used only for that, when
        no published part carries anything. With no part left, a functional
        area's total itself (never the park's). None when nothing is left.
        """
        total, members = relation
        shown = [m for m in members if self._shown(quarter, column, m) and m not in view]
        candidates = [m for m in shown if abs(self._amount(quarter, column, m)) > 0]
        if not candidates:
            zeros = sorted(shown, key=lambda m: (-self._withheld_count(m), self.order.get(m, 0)))
            if exact and zeros:
                return zeros[0]
            return total if total != PARK and self._shown(quarter, column, total) else None
        enough = [m for m in candidates if abs(self._amount(quarter, column, m)) >= need]
        if enough:
            return min(
                enough,
                key=lambda m: (-self._withheld_count(m), abs(self._amount(quarter, column, m)), self.order.get(m, 0)),
            )
        return max(candidates, key=lambda m: (abs(self._amount(quarter, column, m)), -self.order.get(m, 0)))

    def _withheld_count(self, scope: Scope) -> int:
        return self.withheld_count[scope]


def _need(amount: float, rules: Rules, others: float) -> float:
    """Return how much more the other withheld parts must carry to protect `amount` (0: enough already)."""
    want = rules.protection * abs(amount)
    if others > 0 and others >= want:
        return 0.0
    return max(want - others, 1e-9)


def _determined(relations: Sequence[Relation], unknown: set[Scope]) -> list[Scope]:
    """Return the unknown sums the relations (total = Σ parts) determine exactly, whatever the others are.

    Relations that share no unknown sum determine only their lone unknowns;
    otherwise a sum is determined when its unit vector lies in the relations'
    row space (its column of the null space is zero).
    """
    groups = [{s for s in (total, *members) if s in unknown} for total, members in relations]
    groups = [g for g in groups if g]
    if sum(len(g) for g in groups) == len(set().union(*groups)):  # no unknown in two relations
        return sorted((next(iter(g)) for g in groups if len(g) == 1), key=repr)
    names = sorted(unknown, key=repr)
    column = {s: i for i, s in enumerate(names)}
    matrix = np.zeros((len(relations), len(names)))
    for i, (total, members) in enumerate(relations):
        if total in column:
            matrix[i, column[total]] = 1.0
        for m in members:
            if m in column:
                matrix[i, column[m]] -= 1.0
    _u, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    null = vt[rank:]
    return [s for s, i in column.items() if not null.size or np.all(np.abs(null[:, i]) < 1e-9)]

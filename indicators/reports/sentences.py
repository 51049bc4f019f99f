"""Turn the numbers of the assessment into Chinese (or English) sentences that state facts.

Pure: no Django. The report's language is chosen when the report is made and
frozen with it, so the wording lives here, in code, beside the numbers it
reads, rather than in a catalogue that may change after the report is made.

Every sentence is built from the same figures the report's tables print, and
formats them the same way, so no sentence can say what a table does not:
status words are the table's words, numbers the table's numbers, and the
target year is measured, never projected (docs/method.md §3, §5).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from parkplan.formatting import fmt_number, fmt_percent

STATUS_ORDER = (
    "achieved_early",
    "ahead",
    "on_track",
    "behind",
    "achieved",
    "not_achieved",
    "benchmark_missing",
    "insufficient_data",
)
STATUS_WORDS = {
    "achieved_early": ("提前实现", "achieved early"),
    "ahead": ("快于预期", "ahead of schedule"),
    "on_track": ("基本符合预期", "on schedule"),
    "behind": ("滞后", "behind"),
    "achieved": ("已实现", "achieved"),
    "not_achieved": ("未实现", "not achieved"),
    "benchmark_missing": ("基准缺失", "benchmark missing"),
    "insufficient_data": ("数据不足", "insufficient data"),
    # A year whose fourth quarter is not yet in: year-to-date values get no status (docs/method.md §2).
    "year_to_date": ("年内累计，不评价", "year to date, not judged"),
    "": ("—", "—"),
}
# Statuses that hold the plan back: section 四 (problems) takes these indicators.
LAGGING = ("behind", "not_achieved")
# Statuses of indicators going well: section 三 (achievements) takes these.
GOOD = ("achieved_early", "ahead", "on_track", "achieved")
# How many parcels a sentence names before it counts them instead.
NAMED_AT_MOST = 3
# The lowest (or largest) few a sentence names, unless a tie makes it more.
PICKED = 2
CN_NUMBERS = "一二三四五六七八九十"


def _en(language: str) -> bool:
    return language.startswith("en")


def status_word(status: str, language: str = "zh") -> str:
    """Return the word for a status code ('—' for none)."""
    zh, en = STATUS_WORDS.get(status or "", (status, status))
    return en if _en(language) else zh


def number(value: float | None, decimals: int = 2) -> str:
    """Format a number with thousands separators and fixed decimals; '—' for none."""
    return fmt_number(value, decimals)


def percent(share: float | None, decimals: int = 1) -> str:
    """Format a share (0.764) as a percentage (76.4%)."""
    return fmt_percent(share, decimals)


def years_span(first: int, last: int, language: str = "zh") -> str:
    """Return '2027—2028年' (or '2028年' for a single year)."""
    if _en(language):
        return str(first) if first == last else f"{first}–{last}"
    return f"{first}年" if first == last else f"{first}—{last}年"


def ordinal(n: int, language: str = "zh") -> str:
    """Return the numbering of a sub-heading: '（一）' … '（十）' in Chinese, '1.' in English."""
    if _en(language):
        return f"{n}. "
    return f"（{CN_NUMBERS[n - 1]}）" if 1 <= n <= len(CN_NUMBERS) else f"（{n}）"


def joined(names: Sequence[str], language: str = "zh") -> str:
    """Join names: 'A、B和C' / 'A, B and C'."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    if _en(language):
        return ", ".join(names[:-1]) + " and " + names[-1]
    return "、".join(names[:-1]) + "和" + names[-1]


@dataclass(frozen=True)
class Measure:
    """One indicator of one scope in one year, as the sentences need it."""

    year: int
    name: str
    unit: str
    decimals: int
    is_count: bool
    kind: str  # absolute, cumulative or benchmark
    value: float | None
    target: float | None
    completion: float | None
    status: str
    target_year: int  # the plan's target year
    gap: float | None = None
    needed_per_year: float | None = None
    lower_is_better: bool = False  # the target is a ceiling or a reduction (docs/method.md §3.1)
    benchmark_year: int | None = None
    provisional: bool = False


def _amount(value: float, m: Measure, language: str) -> str:
    """Say an amount of the indicator: '95家', '0.42个百分点', '3.10件/万人'."""
    if m.is_count:
        text = fmt_number(math.ceil(value - 1e-9), 0)
        return f"{text} {m.unit}" if _en(language) else f"{text}{m.unit}"
    if value > 0 and number(value, m.decimals) == number(0.0, m.decimals):
        # Too small to print: say so rather than 'needs 0.00 more'.
        return ("less than " if _en(language) else "不足") + _amount(10.0**-m.decimals, m, language)
    if m.unit == "%":
        return (
            f"{number(value, m.decimals)} percentage points"
            if _en(language)
            else f"{number(value, m.decimals)}个百分点"
        )
    return f"{number(value, m.decimals)} {m.unit}" if _en(language) else f"{number(value, m.decimals)}{m.unit}"


def value_text(value: float | None, *, unit: str, decimals: int, language: str = "zh") -> str:
    """Say a value with its unit: '730家', '41.00%', '107.40 patents per 10,000 employees'."""
    sep = "" if unit == "%" or not _en(language) else " "
    return f"{number(value, decimals)}{sep}{unit}"


def _value(value: float | None, m: Measure, language: str) -> str:
    return value_text(value, unit=m.unit, decimals=0 if m.is_count else m.decimals, language=language)


def ytd_period(year: int, quarter: int, language: str = "zh") -> str:
    """Return a year-to-date period: '2026年1–9月累计', 'January–September 2026 (year to date)'."""
    if _en(language):
        return f"January–{MONTHS_EN[quarter * 3 - 1]} {year} (year to date)"
    return f"{year}年1–{quarter * 3}月累计"


MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September")


def year_on_year_text(value: float | None, previous: float | None, *, unit: str, language: str = "zh") -> str:
    """Say the change on the same period a year earlier: points for a ratio in %, else a growth rate; '' for none."""
    if value is None or previous is None:
        return ""
    en = _en(language)
    if unit == "%":
        change = value - previous
        word = ("up" if change >= 0 else "down") if en else ("提高" if change >= 0 else "下降")
        return f"{word} {abs(change):.2f} points" if en else f"{word}{abs(change):.2f}个百分点"
    if previous == 0:
        return ""
    rate = (value - previous) / abs(previous)
    word = ("up" if rate >= 0 else "down") if en else ("增长" if rate >= 0 else "下降")
    return f"{word} {percent(abs(rate))}" if en else f"{word}{percent(abs(rate))}"


def year_to_date_sentence(m: Measure, *, quarter: int, previous: float | None, language: str = "zh") -> str:
    """Say an indicator's year-to-date value and its change on the same period a year earlier, with no status.

    E.g. '2026年1–9月累计企业研发经费支出为191,611万元，同比增长10.6%（上年同期173,304万元）；年内累计值不作进度评价。'
    """
    en = _en(language)
    period = ytd_period(m.year, quarter, language)
    if m.value is None:
        return f"{period}: no value for {m.name}." if en else f"{period}{m.name}暂无数据。"
    change = year_on_year_text(m.value, previous, unit=m.unit, language=language)
    earlier = _value(previous, m, language)
    if en:
        since = f", {change} on a year earlier ({earlier})" if change else ""
        return f"{period}: {m.name} {_value(m.value, m, language)}{since}; year-to-date values are not judged."
    since = f"，同比{change}（上年同期{earlier}）" if change else ""
    return f"{period}{m.name}为{_value(m.value, m, language)}{since}；年内累计值不作进度评价。"


def indicator_sentence(m: Measure, language: str = "zh") -> str:
    """Say what one indicator's numbers mean in a year.

    E.g. '2023年高新技术企业达到611家，完成目标的76.4%，进度基本符合预期，2024—{target year}年每年需新增95家。'
    """
    en = _en(language)
    if m.value is None:
        if en:
            return f"In {m.year} there is no value for {m.name}; progress cannot be judged."
        return f"{m.year}年{m.name}暂无数据，无法评价进度。"
    parts = [
        _value_part(m, language),
        _completion_part(m, language),
        _status_phrase(m, language),
        _needed_part(m, language),
        _shortfall_part(m, language),
    ]
    sep = "; " if en else "，"
    end = "." if en else "。"
    return sep.join(part for part in parts if part) + end


def _value_part(m: Measure, language: str) -> str:
    """Say the value: 'In 2023, X reached 611' / '2023年X达到611家'."""
    if _en(language):
        verb = "reached" if m.is_count else "was"
        return f"In {m.year}, {m.name} {verb} {_value(m.value, m, language)}"
    verb = "达到" if m.is_count else "为"
    return f"{m.year}年{m.name}{verb}{_value(m.value, m, language)}"


def _completion_part(m: Measure, language: str) -> str:
    """Say the completion against the target (or the benchmark); empty without one."""
    if m.completion is None or m.target is None:
        return ""
    en = _en(language)
    if m.lower_is_better and m.kind != "benchmark":
        # Completion is the share of the planned reduction achieved (docs/method.md §4).
        return f"{percent(m.completion)} of the planned reduction" if en else f"完成计划降幅的{percent(m.completion)}"
    if m.kind != "benchmark":
        return f"{percent(m.completion)} of the target" if en else f"完成目标的{percent(m.completion)}"
    used = m.benchmark_year or m.year
    target = _value(m.target, m, language)
    if en:
        note = f", provisionally the {used} value" if m.provisional else f", {used}"
        return f"{percent(m.completion)} of the benchmark ({target}{note})"
    note = f"，暂用{used}年基准值" if m.provisional else f"，{used}年"
    return f"相当于对标基准值（{target}{note}）的{percent(m.completion)}"


def _needed_part(m: Measure, language: str) -> str:
    """Say what is still needed each remaining year; empty once judged for good, or when nothing is needed."""
    remaining_first = m.year + 1
    judged_before_the_end = m.status not in ("benchmark_missing", "insufficient_data", "achieved", "not_achieved")
    needed = m.needed_per_year
    if not judged_before_the_end or needed is None or needed <= 1e-9 or remaining_first > m.target_year:
        return ""
    span = years_span(remaining_first, m.target_year, language)
    amount = _amount(needed, m, language)
    if _en(language):
        each = "each year " if remaining_first < m.target_year else ""
        more = "a further cut of " if m.lower_is_better else ""
        return f"{more}{amount}{'' if m.lower_is_better else ' more'} needed {each}in {span}"
    grow = "降低" if m.lower_is_better else "新增" if m.is_count else "提高"
    if remaining_first < m.target_year:
        return f"{span}每年需{grow}{amount}"
    return f"{span}需{grow}{amount}"


def _shortfall_part(m: Measure, language: str) -> str:
    """Say by how much a target not achieved was missed; empty otherwise."""
    if m.status != "not_achieved" or m.gap is None or m.gap <= 0:
        return ""
    amount = _amount(m.gap, m, language)
    return f"short by {amount}" if _en(language) else f"尚差{amount}"


def _status_phrase(m: Measure, language: str) -> str:
    ty = m.target_year
    zh = {
        "achieved_early": f"已提前实现{ty}年目标",
        "ahead": "进度快于预期",
        "on_track": "进度基本符合预期",
        "behind": "进度滞后",
        "achieved": f"已实现{ty}年目标",
        "not_achieved": f"未实现{ty}年目标",
        "benchmark_missing": "对标基准缺失，暂无法评价进度",
        "insufficient_data": "数据不足，暂无法评价进度",
    }
    en = {
        "achieved_early": f"the {ty} target has been achieved early",
        "ahead": "ahead of schedule",
        "on_track": "on schedule",
        "behind": "behind schedule",
        "achieved": f"the {ty} target has been achieved",
        "not_achieved": f"the {ty} target has not been achieved",
        "benchmark_missing": "the benchmark is missing, so progress cannot be judged",
        "insufficient_data": "there are too few data to judge progress",
    }
    table = en if _en(language) else zh
    return table.get(m.status, "no status" if _en(language) else "暂无评价")


def projection_sentence(
    m: Measure, *, projected: float | None, projected_gap: float | None, base_year: int, language: str = "zh"
) -> str:
    """Say where the trend since the base year leads in the target year; empty in the target year itself.

    The target year is measured, not projected: its report states the value
    and the status, never an estimate of the same year.
    """
    if projected is None or m.year >= m.target_year or m.value is None:
        return ""
    en = _en(language)
    value = _value(projected, m, language)
    ty = m.target_year
    if en:
        reach = (
            ""
            if projected_gap is None
            else ("; the target would be met" if projected_gap <= 0 else "; short of the target")
        )
        return f"On the trend since {base_year}, the value in {ty} would be about {value}{reach}."
    reach = "" if projected_gap is None else ("，可达到目标" if projected_gap <= 0 else "，低于目标")
    return f"按{base_year}年以来的趋势推算，{ty}年预计约为{value}{reach}。"


# --- the parcels ------------------------------------------------------------------------


@dataclass(frozen=True)
class ParcelFact:
    """One disclosed parcel of an indicator in the assessed year, as its table row prints it."""

    name: str
    value: float | None
    change: float | None  # value − the parcel's own base-year value
    completion: float | None = None
    status: str = ""
    share: float | None = None  # share of the park's change since the base year


def _named_or_counted(names: Sequence[str], language: str) -> str:
    """Name up to NAMED_AT_MOST parcels; say how many beyond that."""
    if len(names) <= NAMED_AT_MOST:
        return joined(names, language)
    return f"{len(names)} parcels" if _en(language) else f"{len(names)}个地块"


def _lowest(facts: Sequence[ParcelFact], key, shown) -> list[ParcelFact]:
    """Return the PICKED facts with the smallest key, with every fact tied (as shown) with the last one picked."""
    ordered = sorted(facts, key=key)
    if len(ordered) <= PICKED:
        return ordered
    cut = shown(ordered[PICKED - 1])
    return ordered[:PICKED] + [f for f in ordered[PICKED:] if shown(f) == cut]


def judged_parcels_sentence(
    facts: Sequence[ParcelFact], *, split: bool, base_year: int, hidden: int = 0, language: str = "zh"
) -> str:
    """Say how the parcels judged stand: how many in each status, and the lowest completions among those behind.

    Ratio indicators judge each parcel against the park's target from its own
    base-year value; count indicators only where the target was split among
    the parcels (`split`).
    """
    en = _en(language)
    statuses = [f.status for f in facts if f.status]
    if not statuses:
        return _hidden_note(hidden, language).strip()
    basis = _basis(split=split, base_year=base_year, language=language)
    if set(statuses) == {"benchmark_missing"}:
        text = "No parcel is judged either: the benchmark is missing." if en else "各地块同样因对标基准缺失未作评价。"
        return text + _hidden_note(hidden, language)
    counts = [(s, statuses.count(s)) for s in STATUS_ORDER if s in statuses]
    if en:
        listed = ", ".join(f"{status_word(s, language)} {n}" for s, n in counts)
        text = f"By parcel ({basis}): {listed}."
    else:
        listed = "、".join(f"{status_word(s)}{n}个" for s, n in counts)
        text = f"分地块看（{basis}），{listed}。"
    return text + _lowest_parcels(facts, language) + _hidden_note(hidden, language)


def _basis(*, split: bool, base_year: int, language: str) -> str:
    if _en(language):
        if split:
            return "against the targets split among the parcels"
        return f"each against the park's target from its own {base_year} value"
    if split:
        return "按分解到各地块的目标评价"
    return f"各地块以自身{base_year}年数值为基期、对照园区目标评价"


def _lowest_parcels(facts: Sequence[ParcelFact], language: str) -> str:
    """Name the parcels behind (or not achieved) with the lowest completion; ties named completely or counted."""
    lagging = [f for f in facts if f.status in LAGGING and f.completion is not None]
    if not lagging:
        return ""
    picked = _lowest(lagging, key=lambda f: f.completion, shown=lambda f: percent(f.completion))
    en = _en(language)
    if len(picked) > NAMED_AT_MOST + 1:
        low = percent(picked[0].completion)
        if en:
            return f" The lowest completion, {low}, is shared by {len(picked)} parcels."
        return f"完成目标比例最低的{len(picked)}个地块同为{low}。"
    items = [f"{f.name} ({percent(f.completion)})" if en else f"{f.name}（{percent(f.completion)}）" for f in picked]
    word = status_word(picked[0].status, language) if len({f.status for f in picked}) == 1 else ""
    if en:
        among = f" among those {word}" if word else ""
        return f" Lowest completion{among}: {joined(items, language)}."
    among = f"{word}的地块中" if word else ""
    return f"{among}完成目标比例最低的是{joined(items, language)}。"


def _hidden_note(hidden: int, language: str) -> str:
    if not hidden:
        return ""
    if _en(language):
        return f" The figures of {hidden} more parcel(s) are withheld under statistical confidentiality."
    return f"另有{hidden}个地块的数值依统计资料保密规定不予公开。"


def unsplit_parcels_sentence(
    facts: Sequence[ParcelFact], *, unit: str, base_year: int, hidden: int = 0, language: str = "zh"
) -> str:
    """Say how the parcels moved for a count whose target was never split among them: no judgement, shares only.

    The parcels' increases are described by their shares of the park's change
    since the base year; parcels that did not change are named (or counted),
    never picked; decreases are named with their amounts.
    """
    en = _en(language)
    lead = (
        "The target is not split among the parcels, so no parcel is judged."
        if en
        else "园区目标未分解到地块，不评价各地块进度。"
    )
    known = [f for f in facts if f.change is not None]
    parts = [
        _largest_shares(known, base_year, language),
        _unchanged(known, base_year, language),
        _decreases(known, unit, base_year, language),
    ]
    body = ("; " if en else "；").join(p for p in parts if p)
    if body:
        body = (" " + body[0].upper() + body[1:] + ".") if en else body + "。"
    return lead + body + _hidden_note(hidden, language)


def _largest_shares(facts: Sequence[ParcelFact], base_year: int, language: str) -> str:
    growing = [f for f in facts if f.change and f.change > 0 and f.share is not None and f.share > 0]
    if not growing:
        return ""
    picked = _lowest(growing, key=lambda f: -f.share, shown=lambda f: percent(f.share))
    en = _en(language)
    if len(picked) > NAMED_AT_MOST + 1:
        top = percent(picked[0].share)
        if en:
            return f"the largest share of the increase since {base_year}, {top}, is shared by {len(picked)} parcels"
        return f"{base_year}年以来园区增量中占比最高的{len(picked)}个地块同为{top}"
    items = [f"{f.name} ({percent(f.share)})" if en else f"{f.name}（{percent(f.share)}）" for f in picked]
    if en:
        return f"the largest shares of the park's change since {base_year}: {joined(items, language)}"
    return f"{base_year}年以来园区增量中占比最高的是{joined(items, language)}"


def _unchanged(facts: Sequence[ParcelFact], base_year: int, language: str) -> str:
    same = [f.name for f in facts if f.change == 0]
    if not same:
        return ""
    if _en(language):
        verb = "is" if len(same) == 1 else "are"
        return f"{_named_or_counted(same, language)} {verb} unchanged since {base_year}"
    if len(same) > NAMED_AT_MOST:
        return f"{len(same)}个地块与{base_year}年持平"
    return f"{joined(same, language)}与{base_year}年持平"


def _decreases(facts: Sequence[ParcelFact], unit: str, base_year: int, language: str) -> str:
    down = sorted((f for f in facts if f.change is not None and f.change < 0), key=lambda f: f.change or 0)
    if not down:
        return ""
    en = _en(language)
    if len(down) > NAMED_AT_MOST:
        return f"{len(down)} parcels fell since {base_year}" if en else f"{len(down)}个地块较{base_year}年减少"
    items = [
        f"{f.name} (down {number(-(f.change or 0), 0)} {unit})"
        if en
        else f"{f.name}减少{number(-(f.change or 0), 0)}{unit}"
        for f in down
    ]
    if en:
        return f"{joined(items, language)} since {base_year}"
    return f"较{base_year}年，{joined(items, language)}"


# --- the summary ------------------------------------------------------------------------


def summary_sentence(counts: Mapping[str, int], total: int, language: str = "zh") -> str:
    """Say how many indicators are in each status: '8项指标中：已实现2项、未实现5项、基准缺失1项。'"""
    present = [(s, counts[s]) for s in STATUS_ORDER if counts.get(s)]
    if _en(language):
        body = ", ".join(f"{status_word(s, language)} {n}" for s, n in present) or "none judged"
        return f"Of {total} indicators: {body}."
    body = "、".join(f"{status_word(s)}{n}项" for s, n in present) or "均暂无评价"
    return f"{total}项指标中：{body}。"


def status_lists_sentence(names: Mapping[str, Sequence[str]], language: str = "zh") -> str:
    """Name every indicator of each status, in the table's order: '已实现：A、B；未实现：C。'"""
    present = [(s, names[s]) for s in STATUS_ORDER if names.get(s)]
    if not present:
        return ""
    if _en(language):
        return " ".join(f"{status_word(s, language).capitalize()}: {'; '.join(n)}." for s, n in present)
    return "；".join(f"{status_word(s)}：{'、'.join(n)}" for s, n in present) + "。"


def provisional_sentence(name: str, *, year: int, used: int, language: str = "zh") -> str:
    """Say that a benchmark indicator was judged against an earlier year's benchmark value."""
    if _en(language):
        return (
            f"{name}: the {year} benchmark value is not yet available; the assessment provisionally uses "
            f"the {used} value and is itself provisional."
        )
    return f"{name}：{year}年对标基准值尚未录入，评价暂用{used}年基准值，结论为暂定。"


def benchmark_missing_sentence(name: str, language: str = "zh") -> str:
    if _en(language):
        return f"{name}: no benchmark value has been entered, so the indicator is not judged."
    return f"{name}：尚未录入对标基准值，未作评价。"


def demo_sentence(language: str = "zh") -> str:
    if _en(language):
        return (
            "The enterprise statistics behind this report are demonstration data made by the system, not real figures."
        )
    return "本报告所用企业统计数据为系统生成的演示数据，不代表真实情况。"


def lagging_intro(names: Sequence[str], *, final: bool, language: str = "zh") -> str:
    """Open the recommendations: which indicators are behind (or not achieved); empty when none."""
    if not names:
        return ""
    n = len(names)
    if _en(language):
        word = "were not achieved" if final else "are behind schedule"
        return f"{n} indicator(s) {word}: {'; '.join(names)}."
    word = "未实现" if final else "进度滞后"
    return f"{word}的指标{n}项：{'、'.join(names)}。"


# --- changes since the previous report --------------------------------------------------


def change_sentences(changes: Mapping, language: str = "zh") -> list[str]:
    """Say what changed since the previous report (the dict of indicators.reports.changes.compare)."""
    en = _en(language)
    if not changes.get("previous"):
        return [
            "This is the first report for this year and kind." if en else "此为本年度同类首份报告，无可比较的上次报告。"
        ]
    out = [_version_sentence(changes, language)]
    out += [text for item in changes.get("indicators", []) if (text := _indicator_change(item, language))]
    out += [_benchmark_change(item, language) for item in changes.get("benchmarks", [])]
    out += [_narrative_change(item, language) for item in changes.get("narratives", [])]
    if len(out) == 1:
        out.append(
            "No indicator value, status or narrative changed."
            if en
            else "各指标当年实际值、评价和原因分析、下一步措施均无变化。"
        )
    return out


def _version_sentence(changes: Mapping, language: str) -> str:
    """Say whether the data version moved since the previous report."""
    prev = changes["previous"]
    if not changes.get("data_version_changed"):
        version = changes["data_version"]
        return f"The data version is unchanged ({version})." if _en(language) else f"数据版本未变（{version}）。"
    if _en(language):
        return (
            f"The data version moved from {prev['data_version']} (data as of {prev['data_as_of']}) "
            f"to {changes['data_version']} (data as of {changes['data_as_of']})."
        )
    return (
        f"数据版本由{prev['data_version']}（数据截至{prev['data_as_of']}）"
        f"更新为{changes['data_version']}（数据截至{changes['data_as_of']}）。"
    )


def _indicator_change(item: Mapping, language: str) -> str:
    """Say how an indicator's value, target and status moved; empty when none did."""
    en = _en(language)
    bits = []
    if item.get("value"):
        before, after = item["value"]
        bits.append(f"value {before} → {after}" if en else f"当年实际由{before}变为{after}")
    if item.get("target"):
        before, after = item["target"]
        bits.append(f"target {before} → {after}" if en else f"当年目标值由{before}变为{after}")
    if item.get("status"):
        before, after = (status_word(s, language) for s in item["status"])
        bits.append(f"status {before} → {after}" if en else f"评价由“{before}”变为“{after}”")
    if not bits:
        return ""
    return f"{item['name']}: {'; '.join(bits)}." if en else f"{item['name']}：{'，'.join(bits)}。"


def _benchmark_change(item: Mapping, language: str) -> str:
    """Say how a benchmark value of a year was revised."""
    before, after = item["before"], item["after"]
    if _en(language):
        return f"Benchmark of {item['name']} for {item['year']}: {before} → {after}."
    return f"{item['name']}{item['year']}年对标基准值由{before}变为{after}。"


def _narrative_change(item: Mapping, language: str) -> str:
    """Say which parts of an indicator's narrative were written or revised, by whom and when."""
    en = _en(language)
    parts = [p for p in ("reasons", "measures") if p in item["parts"]]
    words = {"reasons": ("原因分析", "the analysis of causes"), "measures": ("下一步措施", "the next steps")}
    what = (" and " if en else "和").join(words[p][1 if en else 0] for p in parts)
    by = item.get("by") or "—"
    if en:
        return f"{item['name']}: {what} revised (version {item['version']}, {by}, {item['at']})."
    return f"{item['name']}：{what}已修改（第{item['version']}版，{by}，{item['at']}）。"

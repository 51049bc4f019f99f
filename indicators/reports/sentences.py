"""Turn the numbers of the assessment into Chinese (or English) sentences.

Pure: no Django. The report's language is chosen when the report is made and
frozen with it, so the wording lives here, in code, beside the numbers it
reads, rather than in a catalogue that may change after the report is made.
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
    "": ("—", "—"),
}
# Statuses that hold the plan back: these indicators are named in the summary.
LAGGING = ("behind", "not_achieved")


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
    """Return '2024—2025年' (or '2025年' for a single year)."""
    if _en(language):
        return str(first) if first == last else f"{first}–{last}"
    return f"{first}年" if first == last else f"{first}—{last}年"


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
    gap: float | None = None
    needed_per_year: float | None = None
    benchmark_year: int | None = None
    provisional: bool = False
    target_year: int = 2025


def _amount(value: float, m: Measure, language: str) -> str:
    """Say an amount of the indicator: '95家', '0.42个百分点', '3.10件/万人'."""
    if m.is_count:
        text = fmt_number(math.ceil(value - 1e-9), 0)
        return f"{text} {m.unit}" if _en(language) else f"{text}{m.unit}"
    if m.unit == "%":
        return (
            f"{number(value, m.decimals)} percentage points"
            if _en(language)
            else f"{number(value, m.decimals)}个百分点"
        )
    return f"{number(value, m.decimals)} {m.unit}" if _en(language) else f"{number(value, m.decimals)}{m.unit}"


def _value(value: float | None, m: Measure, language: str) -> str:
    if m.is_count:
        text = number(value, 0)
        return f"{text} {m.unit}" if _en(language) else f"{text}{m.unit}"
    sep = "" if m.unit == "%" or not _en(language) else " "
    return f"{number(value, m.decimals)}{sep}{m.unit}"


def indicator_sentence(m: Measure, language: str = "zh") -> str:
    """Say what one indicator's numbers mean in a year.

    E.g. '2023年高新技术企业达到611家，完成目标的76.4%，进度基本符合预期，2024—2025年每年需新增95家。'
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
        return f"{amount} more needed {each}in {span}"
    grow = "新增" if m.is_count else "提高"
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


def summary_sentence(counts: Mapping[str, int], total: int, language: str = "zh") -> str:
    """Say how many indicators are in each status: '8项指标中：已实现2项、未实现5项、基准缺失1项。'"""
    present = [(s, counts[s]) for s in STATUS_ORDER if counts.get(s)]
    if _en(language):
        body = ", ".join(f"{status_word(s, language)} {n}" for s, n in present) or "none judged"
        return f"Of {total} indicators: {body}."
    body = "、".join(f"{status_word(s)}{n}项" for s, n in present) or "均暂无评价"
    return f"{total}项指标中：{body}。"


def lagging_sentence(names: Sequence[str], *, final: bool, language: str = "zh") -> str:
    """Name the indicators behind schedule (or not achieved in the target year); empty when none."""
    if not names:
        if _en(language):
            return "No indicator is behind schedule." if not final else "Every judged indicator has been achieved."
        return "无进度滞后的指标。" if not final else "已评价的指标均已实现。"
    if _en(language):
        lead = "Not achieved" if final else "Behind schedule"
        return f"{lead}: {'; '.join(names)}."
    lead = "未实现的指标" if final else "进度滞后的指标"
    return f"{lead}：{'、'.join(names)}。"


@dataclass(frozen=True)
class Drag:
    """A parcel holding an indicator back: by its completion, or by its change since the base year."""

    parcel: str
    completion: float | None = None
    change: float | None = None


def holding_back_sentence(
    name: str, drags: Sequence[Drag], *, unit: str, base_year: int, decimals: int = 0, language: str = "zh"
) -> str:
    """Say which parcels hold an indicator back; empty when none is named."""
    if not drags:
        return ""
    en = _en(language)
    items = []
    for d in drags:
        if d.completion is not None:
            note = f"{percent(d.completion)} of the target" if en else f"完成目标的{percent(d.completion)}"
        elif d.change is not None:
            amount = number(abs(d.change), decimals)
            unit_text = f" {unit}" if en else unit
            if d.change < 0:
                note = (
                    f"down {amount}{unit_text} since {base_year}" if en else f"较{base_year}年减少{amount}{unit_text}"
                )
            elif d.change == 0:
                note = f"unchanged since {base_year}" if en else f"与{base_year}年持平"
            else:
                note = (
                    f"up only {amount}{unit_text} since {base_year}"
                    if en
                    else f"较{base_year}年仅增加{amount}{unit_text}"
                )
        else:
            note = ""
        items.append(f"{d.parcel} ({note})" if en else f"{d.parcel}（{note}）")
    if en:
        return f"{name}: held back mainly by {', '.join(items)}."
    return f"{name}：主要受{'、'.join(items)}拖累。"


def pick_drags(rows: Sequence[Mapping], *, limit: int = 2) -> list[Drag]:
    """Pick the parcels that hold an indicator back most.

    In: one mapping per parcel with name, completion (None without a status),
    status and change (value − base value; None without both). Parcels judged
    behind (or not achieved) come first, lowest completion first; without any
    status (count indicators not split among parcels), the parcels whose
    change since the base year is smallest, if it is below the average change.
    """
    judged = [r for r in rows if r.get("status") in LAGGING and r.get("completion") is not None]
    if judged:
        judged.sort(key=lambda r: (r["completion"], r["name"]))
        return [Drag(r["name"], completion=r["completion"]) for r in judged[:limit]]
    unjudged = [r for r in rows if not r.get("status") and r.get("change") is not None]
    if not unjudged:
        return []
    mean = sum(r["change"] for r in unjudged) / len(unjudged)
    below = sorted((r for r in unjudged if r["change"] < mean), key=lambda r: (r["change"], r["name"]))
    return [Drag(r["name"], change=r["change"]) for r in below[:limit]]


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
    if len(out) == 1 and not changes.get("indicators") and not changes.get("benchmarks"):
        out.append("No indicator value or status changed." if en else "各指标当年实际值和评价均无变化。")
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

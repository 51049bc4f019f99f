"""The reason for a stored progress status, in words, for the indicator page.

Pure: no Django (words are translated through parkplan.text).
"""

from __future__ import annotations

from dataclasses import dataclass

from parkplan.formatting import fmt_number, fmt_percent
from parkplan.text import _, language

from .. import compute


def progress_reason(progress, *, unit: str, decimals: int, target_year: int, benchmark_name: str = "") -> str:
    """Explain a stored progress result in words, from its stored inputs.

    In: an object with the attributes of indicators.models.Progress (year,
    status, value, target, base_year, base_value, pace, provisional,
    benchmark_year, projected, projected_gap, inputs); the unit and
    decimals of the indicator; the plan's target year (where the projection
    leads); the benchmark's name for a benchmark target.
    Out: one or a few sentences in the active language.
    """
    status = progress.status
    if status == compute.BENCHMARK_MISSING:
        return _("尚无%(benchmark)s的数值，无法判定进度（基准缺失）。请联席会议办公室录入对标基准值。") % {
            "benchmark": benchmark_name or _("对标基准")
        }
    if status == compute.INSUFFICIENT_DATA:
        return _missing_data((progress.inputs or {}).get("missing"))
    if not status:
        return ""
    words = _Words(unit=unit, decimals=decimals, word=compute.status_word(status, language()), target_year=target_year)
    return "".join(
        (
            _facts(progress, words),
            _coverage(progress, words),
            _benchmark_used(progress),
            _judgement(progress, words),
            _outlook(progress, words),
        )
    )


@dataclass(frozen=True)
class _Words:
    """How the sentences write a figure of the indicator, and the status word."""

    unit: str
    decimals: int
    word: str
    target_year: int

    def n(self, value) -> str:
        return fmt_number(value, self.decimals)


def _missing_data(missing: str | None) -> str:
    figures: dict[str | None, str] = {"value": _("当年数值"), "base_value": _("基期数值"), "target": _("目标值")}
    return _("缺少%(what)s，无法判定进度（数据不足）。") % {"what": figures.get(missing, _("所需数据"))}


def _facts(progress, words: _Words) -> str:
    """Say the year's value, the target and the base with its source."""
    sources: dict[str | None, str] = {
        "plan": _("规划所载数值"),
        "computed": _("按基期年数据计算"),
        "cumulative": _("累计指标，基期为0"),
    }
    source = sources.get((progress.inputs or {}).get("base_source"), "")
    return _(
        "%(year)s年实际值为%(value)s %(unit)s，目标值为%(target)s %(unit)s；"
        "基期（%(base_year)s年，%(source)s）为%(base)s %(unit)s。"
    ) % {
        "year": progress.year,
        "value": words.n(progress.value),
        "target": words.n(progress.target),
        "unit": words.unit,
        "base_year": progress.base_year,
        "source": source,
        "base": words.n(progress.base_value),
    }


def _coverage(progress, words: _Words) -> str:
    """Say when the platform's own base-year figure differs from the plan's by more than 2% (口径说明, method §8)."""
    note = (progress.inputs or {}).get("coverage_note")
    if not note:
        return ""
    return _(
        "口径说明：基期值为规划所载%(published)s %(unit)s，按%(base_year)s年企业统计数据计算为%(computed)s %(unit)s，"
        "进度按规划所载数值计算。"
    ) % {
        "published": words.n(note.get("published")),
        "computed": words.n(note.get("computed")),
        "unit": words.unit,
        "base_year": progress.base_year,
    }


def _benchmark_used(progress) -> str:
    """Say which year's benchmark value stood for the target, if the target is a benchmark."""
    if progress.benchmark_year is None:
        return ""
    if progress.provisional:
        return _("对标基准暂用%(used)s年基准值（%(year)s年基准值尚未录入）。") % {
            "used": progress.benchmark_year,
            "year": progress.year,
        }
    return _("对标基准取%(used)s年基准值。") % {"used": progress.benchmark_year}


def _judgement(progress, words: _Words) -> str:
    """Say why the status: met or not in the target year, met early, lost since the base year, or the pace."""
    inputs = progress.inputs or {}
    status, d0, d = progress.status, inputs.get("base_distance"), inputs.get("distance")
    if status == compute.ACHIEVED:
        return _("目标年实际值已达到目标，判定为“%(word)s”。") % {"word": words.word}
    if status == compute.NOT_ACHIEVED:
        return _("目标年实际值距目标尚差%(gap)s %(unit)s，判定为“%(word)s”。") % {
            "gap": words.n(d),
            "unit": words.unit,
            "word": words.word,
        }
    if status == compute.ACHIEVED_EARLY:
        return _("实际值已达到或超过目标，判定为“%(word)s”。") % {"word": words.word}
    if d0 is not None and d0 <= 0:
        return _("基期已达到目标，但当年未达到（差距%(gap)s），判定为“%(word)s”。") % {
            "gap": words.n(d),
            "word": words.word,
        }
    if progress.pace is None:
        return ""
    thresholds = inputs.get("thresholds") or {}
    if inputs.get("rate_achieved") is not None:
        return _growth_judgement(progress, words, thresholds)
    return _(
        "基期距目标%(d0)s，目前距目标%(d)s，已完成应缩小差距的%(done)s；"
        "规划期已过%(elapsed)s，进度比为%(pace)s（≥%(ahead)s为快于预期，≥%(on_track)s为基本符合预期），"
        "判定为“%(word)s”。"
    ) % {
        "d0": words.n(d0),
        "d": words.n(d),
        "done": fmt_percent(inputs.get("progress_share")),
        "elapsed": fmt_percent(inputs.get("elapsed_share"), 0),
        "pace": fmt_number(progress.pace, 2),
        "ahead": fmt_number(thresholds.get("ahead"), 2),
        "on_track": fmt_number(thresholds.get("on_track"), 2),
        "word": words.word,
    }


def _growth_judgement(progress, words: _Words, thresholds: dict) -> str:
    """Say why the status of an average-annual-growth target: the achieved rate against the planned one."""
    inputs = progress.inputs
    return _(
        "目标为年均增长%(rate)s，%(base_year)s年以来年均增长%(achieved)s，进度比为%(pace)s"
        "（实际年均增速÷目标年均增速，≥%(ahead)s为快于预期，≥%(on_track)s为基本符合预期），判定为“%(word)s”。"
    ) % {
        "rate": fmt_percent(inputs.get("rate")),
        "base_year": progress.base_year,
        "achieved": fmt_percent(inputs.get("rate_achieved")),
        "pace": fmt_number(progress.pace, 2),
        "ahead": fmt_number(thresholds.get("ahead"), 2),
        "on_track": fmt_number(thresholds.get("on_track"), 2),
        "word": words.word,
    }


def _outlook(progress, words: _Words) -> str:
    """Say where the trend since the base year leads by the plan's target year, before the target year."""
    if progress.projected is None or progress.status in (compute.ACHIEVED, compute.NOT_ACHIEVED):
        return ""
    gap = progress.projected_gap
    if gap is not None and gap <= 0:
        outlook = _("预计可以实现目标")
    elif gap is not None:
        outlook = _("预计距目标尚差%(gap)s %(unit)s") % {"gap": words.n(gap), "unit": words.unit}
    else:
        outlook = ""
    return _("按%(base_year)s年以来的趋势线性外推，%(target_year)s年预计为%(value)s %(unit)s，%(outlook)s。") % {
        "base_year": progress.base_year,
        "target_year": words.target_year,
        "value": words.n(progress.projected),
        "unit": words.unit,
        "outlook": outlook,
    }

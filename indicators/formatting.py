"""Numbers and words the Chinese way for the pages: thousands separators, fixed decimals per unit.

The number formatters are pure; `progress_reason` and `hidden_text` speak the
active language through Django's translation functions.
"""

from __future__ import annotations

import math

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import compute


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_number(value: float | None, decimals: int = 2, dash: str = "—") -> str:
    """Format a number with thousands separators and fixed decimals; a dash for none."""
    if _missing(value):
        return dash
    return f"{value:,.{decimals}f}"


def fmt_percent(share: float | None, decimals: int = 1) -> str:
    """Format a share (0.764) as a percentage (76.4%)."""
    if _missing(share):
        return "—"
    return f"{share * 100:,.{decimals}f}%"


def fmt_signed(value: float | None, decimals: int = 2) -> str:
    """Format a change with its sign (+1.20, −0.35); a dash for none."""
    if _missing(value):
        return "—"
    text = f"{abs(value):,.{decimals}f}"
    if float(text.replace(",", "")) == 0:
        return text
    return ("+" if value > 0 else "−") + text


def fmt_wan(value: float | None, decimals: int = 2, language: str = "zh") -> str:
    """Format an amount in 万元, switching to 亿元 from one hundred million yuan (English: CNY m / bn)."""
    if _missing(value):
        return "—"
    if language.startswith("en"):
        yuan = value * 10_000
        if abs(yuan) >= 1e9:
            return f"CNY {yuan / 1e9:,.{decimals}f} bn"
        return f"CNY {yuan / 1e6:,.{decimals}f} m"
    if abs(value) >= 10_000:
        return f"{value / 10_000:,.{decimals}f}亿元"
    return f"{value:,.{decimals}f}万元"


def year_on_year(value: float | None, previous: float | None, *, points: bool) -> float | None:
    """Return the change on the same period last year: in percentage points when `points`, else a growth share."""
    if _missing(value) or _missing(previous):
        return None
    if points:
        return value - previous
    if previous == 0:
        return None
    return (value - previous) / abs(previous)


def fmt_year_on_year(value: float | None, previous: float | None, *, unit: str, decimals: int) -> str:
    """Format 同比: a ratio in % moves by percentage points (个百分点), anything else by a growth rate."""
    points = unit == "%"
    change = year_on_year(value, previous, points=points)
    if change is None:
        return "—"
    if points:
        return _("%(change)s个百分点") % {"change": fmt_signed(change, decimals)}
    return fmt_signed(change * 100, 1) + "%"


def language() -> str:
    """Return "en" when English is active, else "zh"."""
    return "en" if (get_language() or "").startswith("en") else "zh"


def hidden_text() -> str:
    """Return the words shown in place of a figure built from fewer than three enterprises."""
    return _("<3家，不予公开")


def period_label(year: int, quarter: int | None) -> str:
    """Return the words for a period: 2024年 (annual) or 2024年1–9月累计 (year to date)."""
    if quarter is None or quarter == 4:
        return _("%(year)s年") % {"year": year}
    return _("%(year)s年1–%(month)s月累计") % {"year": year, "month": quarter * 3}


def progress_reason(progress, *, unit: str, decimals: int, benchmark_name: str = "") -> str:
    """Explain a stored progress result in words, from its stored inputs.

    In: an object with the attributes of indicators.models.Progress (year,
    status, value, target, base_year, base_value, pace, provisional,
    benchmark_year, projected_2025, projected_gap_2025, inputs); the unit and
    decimals of the indicator; the benchmark's name for a benchmark target.
    Out: one or a few sentences in the active language.
    """
    inputs = progress.inputs or {}
    status = progress.status

    def n(value) -> str:
        return fmt_number(value, decimals)

    word = compute.status_word(status, get_language() or "zh") if status else ""
    if status == compute.BENCHMARK_MISSING:
        return _("尚无%(benchmark)s的数值，无法判定进度（基准缺失）。请联席会议办公室录入对标基准值。") % {
            "benchmark": benchmark_name or _("对标基准")
        }
    if status == compute.INSUFFICIENT_DATA:
        missing = inputs.get("missing")
        what = {"value": _("当年数值"), "base_value": _("基期数值"), "target": _("目标值")}.get(missing, _("所需数据"))
        return _("缺少%(what)s，无法判定进度（数据不足）。") % {"what": what}
    if not status:
        return ""
    parts = []
    source = {
        "plan": _("规划所载数值"),
        "computed": _("按基期年数据计算"),
        "cumulative": _("累计指标，基期为0"),
    }.get(inputs.get("base_source"), "")
    parts.append(
        _(
            "%(year)s年实际值为%(value)s %(unit)s，目标值为%(target)s %(unit)s；"
            "基期（%(base_year)s年，%(source)s）为%(base)s %(unit)s。"
        )
        % {
            "year": progress.year,
            "value": n(progress.value),
            "target": n(progress.target),
            "unit": unit,
            "base_year": progress.base_year,
            "source": source,
            "base": n(progress.base_value),
        }
    )
    if progress.benchmark_year is not None:
        if progress.provisional:
            parts.append(
                _("对标基准暂用%(used)s年基准值（%(year)s年基准值尚未录入）。")
                % {"used": progress.benchmark_year, "year": progress.year}
            )
        else:
            parts.append(_("对标基准取%(used)s年基准值。") % {"used": progress.benchmark_year})
    d0 = inputs.get("base_distance")
    d = inputs.get("distance")
    thresholds = inputs.get("thresholds") or {}
    if status in (compute.ACHIEVED, compute.NOT_ACHIEVED):
        if status == compute.ACHIEVED:
            parts.append(_("目标年实际值已达到目标，判定为“%(word)s”。") % {"word": word})
        else:
            parts.append(
                _("目标年实际值距目标尚差%(gap)s %(unit)s，判定为“%(word)s”。")
                % {"gap": n(d), "unit": unit, "word": word}
            )
    elif status == compute.ACHIEVED_EARLY:
        parts.append(_("实际值已达到或超过目标，判定为“%(word)s”。") % {"word": word})
    elif d0 is not None and d0 <= 0:
        parts.append(_("基期已达到目标，但当年未达到（差距%(gap)s），判定为“%(word)s”。") % {"gap": n(d), "word": word})
    elif progress.pace is not None:
        parts.append(
            _(
                "基期距目标%(d0)s，目前距目标%(d)s，已完成应缩小差距的%(done)s；"
                "规划期已过%(elapsed)s，进度比为%(pace)s（≥%(ahead)s为快于预期，≥%(on_track)s为基本符合预期），"
                "判定为“%(word)s”。"
            )
            % {
                "d0": n(d0),
                "d": n(d),
                "done": fmt_percent(inputs.get("progress_share")),
                "elapsed": fmt_percent(inputs.get("elapsed_share"), 0),
                "pace": fmt_number(progress.pace, 2),
                "ahead": fmt_number(thresholds.get("ahead"), 2),
                "on_track": fmt_number(thresholds.get("on_track"), 2),
                "word": word,
            }
        )
    if progress.projected_2025 is not None and status not in (compute.ACHIEVED, compute.NOT_ACHIEVED):
        gap = progress.projected_gap_2025
        if gap is not None and gap <= 0:
            outlook = _("预计可以实现目标")
        elif gap is not None:
            outlook = _("预计距目标尚差%(gap)s %(unit)s") % {"gap": n(gap), "unit": unit}
        else:
            outlook = ""
        parts.append(
            _("按%(base_year)s年以来的趋势线性外推，2025年预计为%(value)s %(unit)s，%(outlook)s。")
            % {"base_year": progress.base_year, "value": n(progress.projected_2025), "unit": unit, "outlook": outlook}
        )
    return "".join(parts)

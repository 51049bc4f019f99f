"""The reason for a stored progress status, in words, for the indicator and parcel pages."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from parkplan.formatting import fmt_number, fmt_percent

from . import compute


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

"""The words of the pages in the reader's language: units, texts, status words, targets, chart labels, times."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from parkplan.formatting import fmt_number, language

from .. import compute
from ..models import Indicator, Plan


def in_language(zh: str, en: str) -> str:
    """Return the English text when English is active and there is one, else the Chinese."""
    return en if language() == "en" and en else zh


def unit_of(indicator: Indicator) -> str:
    return in_language(indicator.unit, indicator.unit_en)


def text_of(indicator: Indicator, name: str) -> str:
    """Return an indicator's text (definition, formula, target_text, benchmark_name) in the reader's language."""
    return in_language(getattr(indicator, f"{name}_zh"), getattr(indicator, f"{name}_en"))


def status_word(status: str) -> str:
    return compute.status_word(status, language())


def local_time(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def target_text(indicator: Indicator, progress: dict | None) -> str:
    """Return the target as a reader sees it: the value, or the benchmark value and its year."""
    unit = unit_of(indicator)
    if indicator.target_kind == compute.BENCHMARK:
        if progress and progress.get("target") is not None:
            words = _("%(value)s %(unit)s（%(year)s年基准）") % {
                "value": fmt_number(progress["target"], indicator.decimals),
                "unit": unit,
                "year": progress["benchmark_year"],
            }
            if progress.get("provisional"):
                words += _("（暂用）")
            return words
        return text_of(indicator, "target_text")
    if indicator.target_kind in (compute.GROWTH, compute.CHANGE):
        # The plan states a rate; the level it means follows from the base (docs/method.md §3.1).
        stated = text_of(indicator, "target_text")
        if not progress or progress.get("target") is None:
            return stated
        return _("%(stated)s（%(year)s年%(value)s %(unit)s）") % {
            "stated": stated,
            "year": indicator.target_year,
            "value": fmt_number(progress["target"], indicator.decimals),
            "unit": unit,
        }
    return _("%(value)s %(unit)s（%(year)s年）") % {
        "value": fmt_number(float(indicator.target_value), indicator.decimals),
        "unit": unit,
        "year": indicator.target_year,
    }


def trend_labels(plan: Plan) -> dict:
    """Return the names of a trend chart's traces (charts.indicator_trend's labels), the plan's target year in them."""
    end = {"end": plan.end_year}
    return {
        "actual": _("实际值"),
        "expected": _("规划路径（基期至目标的直线）"),
        "projected": _("趋势外推至%(end)s年") % end,
        "target": _("%(end)s年目标") % end,
        "benchmark": _("对标基准"),
        "provisional": _("（暂用{year}年基准值）"),
        "year": _("年份"),
    }

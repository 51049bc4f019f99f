"""Pure computation of indicator values and progress (domain.md §4 and §7).

No Django, no Celery: DataFrames and numbers in, DataFrames and dicts out.
"""

from __future__ import annotations

ABSOLUTE, BENCHMARK, CUMULATIVE = "absolute", "benchmark", "cumulative"
COUNT_INDICATORS = ("I4", "I5", "I6")
RATIO_INDICATORS = ("I1", "I2", "I3", "I7", "I8")

ACHIEVED_EARLY = "achieved_early"
AHEAD = "ahead"
ON_TRACK = "on_track"
BEHIND = "behind"
ACHIEVED = "achieved"
NOT_ACHIEVED = "not_achieved"
BENCHMARK_MISSING = "benchmark_missing"
INSUFFICIENT_DATA = "insufficient_data"

STATUS_WORDS = {
    ACHIEVED_EARLY: ("提前实现", "Achieved early"),
    AHEAD: ("快于预期", "Ahead of schedule"),
    ON_TRACK: ("基本符合预期", "On schedule"),
    BEHIND: ("滞后", "Behind"),
    ACHIEVED: ("已实现", "Achieved"),
    NOT_ACHIEVED: ("未实现", "Not achieved"),
    BENCHMARK_MISSING: ("基准缺失", "Benchmark missing"),
    INSUFFICIENT_DATA: ("数据不足", "Insufficient data"),
}


def status_word(status: str, language: str = "zh") -> str:
    """Return the Chinese (or English) word for a status code; empty for no status."""
    if not status:
        return ""
    zh, en = STATUS_WORDS[status]
    return en if language.startswith("en") else zh

"""Numbers and words the Chinese way: thousands separators, fixed decimals, percentages, 同比, periods.

Pure Python, no Django (words are translated through parkplan.text). The pages,
exports, report and API all format through here.
"""

from __future__ import annotations

from .numbers import is_missing
from .text import _, language

__all__ = [
    "fmt_number",
    "fmt_percent",
    "fmt_signed",
    "fmt_year_on_year",
    "language",
    "period_label",
    "year_on_year",
]


def fmt_number(value: float | None, decimals: int = 2, dash: str = "—") -> str:
    """Format a number with thousands separators and fixed decimals; a dash for none."""
    if is_missing(value):
        return dash
    return f"{value:,.{decimals}f}"


def fmt_percent(share: float | None, decimals: int = 1) -> str:
    """Format a share (0.764) as a percentage (76.4%)."""
    if is_missing(share):
        return "—"
    return f"{share * 100:,.{decimals}f}%"


def fmt_signed(value: float | None, decimals: int = 2) -> str:
    """Format a change with its sign (+1.20, −0.35); a dash for none."""
    if is_missing(value):
        return "—"
    text = f"{abs(value):,.{decimals}f}"
    if float(text.replace(",", "")) == 0:
        return text
    return ("+" if value > 0 else "−") + text


def year_on_year(value: float | None, previous: float | None, *, points: bool) -> float | None:
    """Return the change on the same period last year: in percentage points when `points`, else a growth share."""
    if is_missing(value) or is_missing(previous):
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


def period_label(year: int, quarter: int | None) -> str:
    """Return the words for a period: 2024年 (annual) or 2024年1–9月累计 (year to date)."""
    if quarter is None or quarter == 4:
        return _("%(year)s年") % {"year": year}
    return _("%(year)s年1–%(month)s月累计") % {"year": year, "month": quarter * 3}

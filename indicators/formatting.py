"""Numbers the Chinese way for the pages: thousands separators, fixed decimals per unit."""

from __future__ import annotations

import math


def fmt_number(value: float | None, decimals: int = 2, dash: str = "—") -> str:
    """Format a number with thousands separators and fixed decimals; a dash for none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return dash
    return f"{value:,.{decimals}f}"


def fmt_percent(share: float | None, decimals: int = 1) -> str:
    """Format a share (0.764) as a percentage (76.4%)."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "—"
    return f"{share * 100:,.{decimals}f}%"


def fmt_wan(value: float | None, decimals: int = 2) -> str:
    """Format an amount in 万元, switching to 亿元 from one hundred million yuan."""
    if value is None:
        return "—"
    if abs(value) >= 10_000:
        return f"{value / 10_000:,.{decimals}f}亿元"
    return f"{value:,.{decimals}f}万元"

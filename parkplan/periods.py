"""Periods: a year and a quarter, as the statistical returns count them.

Pure Python, no Django. A quarter's flows are year-to-date; quarter 4 is the year.
"""

from __future__ import annotations

import datetime as dt


def quarter_end(year: int, quarter: int) -> dt.date:
    """Return the last day of a quarter."""
    if quarter == 4:
        return dt.date(year, 12, 31)
    return dt.date(year, 3 * quarter + 1, 1) - dt.timedelta(days=1)


def previous_period(year: int, quarter: int) -> tuple[int, int]:
    """Return the quarter before (year, quarter)."""
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def last_ended_period(today: dt.date) -> tuple[int, int]:
    """Return the latest quarter that has ended by ``today``."""
    return previous_period(today.year, (today.month - 1) // 3 + 1)

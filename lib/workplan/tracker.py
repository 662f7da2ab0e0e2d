"""Periods of partial dates: the project's one way to turn a date and its precision into days.

The plan gives dates as precisely as it knows them: a year (2026年), a month (2026年3月) or a day. A
date column holds the first day of that period and a `*_precision` column says which; an end
(2027年2月に終了, 2031年5月) is inclusive, so the period it closes runs to the end of that month or
year. Every period here is half-open: [first day, first day after).

    >>> period("2026-03-01", "month")
    (Timestamp('2026-03-01 00:00:00'), Timestamp('2026-04-01 00:00:00'))
    >>> span("2027-06-01", "month", "2031-05-01", "month")   # 2027年6月-2031年5月（4年間）
    (Timestamp('2027-06-01 00:00:00'), Timestamp('2031-06-01 00:00:00'))
    >>> months_between(*span("2027-06-01", "month", "2031-05-01", "month"))
    48
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

PRECISIONS = ("day", "month", "year")


def period(date: Any, precision: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The day, month or year `date` names: (its first day, the first day after it)."""
    day = pd.Timestamp(date)
    if pd.isna(day):
        raise ValueError("a period needs a date, got a missing value")
    if precision == "day":
        first = day.normalize()
        return first, first + pd.Timedelta(days=1)
    if precision == "month":
        first = pd.Timestamp(day.year, day.month, 1)
        return first, first + pd.DateOffset(months=1)
    if precision == "year":
        return pd.Timestamp(day.year, 1, 1), pd.Timestamp(day.year + 1, 1, 1)
    raise ValueError(f"precision {precision!r}: expected one of {', '.join(PRECISIONS)}")


def span(
    start: Any, start_precision: str, end: Any = None, end_precision: str | None = None
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """[first day of the start's period, first day after the end's period); the end is inclusive.

    Without an end the span is the start's own period ("2026年" is the whole of 2026).
    """
    first, after = period(start, start_precision)
    if end is not None and not pd.isna(end):
        if end_precision is None:
            raise ValueError("an end date needs its precision")
        after = period(end, end_precision)[1]
    if after <= first:
        raise ValueError(f"the end ({after.date()}) must come after the start ({first.date()})")
    return first, after


def months_between(first: Any, after: Any) -> int:
    """Whole months from `first` up to (not including) `after`; both must be first days of months."""
    a, b = pd.Timestamp(first), pd.Timestamp(after)
    if a.day != 1 or b.day != 1:
        raise ValueError(f"months are counted between first days of months, got {a.date()} and {b.date()}")
    return (b.year - a.year) * 12 + b.month - a.month


def contains(first: Any, after: Any, day: str | dt.date | pd.Timestamp) -> bool:
    """Whether `day` falls in the half-open period [first, after)."""
    return pd.Timestamp(first) <= pd.Timestamp(day) < pd.Timestamp(after)

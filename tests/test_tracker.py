"""Periods of partial dates, dated items and their status on a date."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from workplan.tracker import PRECISIONS, contains, months_between, period, span

DAYS = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31))


# --- periods -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "precision", "first", "after"),
    [
        ("2026-03-01", "month", "2026-03-01", "2026-04-01"),
        ("2026-12-01", "month", "2026-12-01", "2027-01-01"),
        ("2024-02-01", "month", "2024-02-01", "2024-03-01"),
        ("2026-01-01", "year", "2026-01-01", "2027-01-01"),
        ("2025-12-31", "day", "2025-12-31", "2026-01-01"),
    ],
)
def test_period_of_a_partial_date(date, precision, first, after):
    assert period(date, precision) == (pd.Timestamp(first), pd.Timestamp(after))


def test_period_refuses_an_unknown_precision_and_a_missing_date():
    with pytest.raises(ValueError, match="expected one of day, month, year"):
        period("2026-03-01", "week")
    with pytest.raises(ValueError, match="missing"):
        period(pd.NaT, "month")


def test_span_refuses_an_end_before_its_start_and_an_end_without_precision():
    with pytest.raises(ValueError, match="must come after"):
        span("2027-06-01", "month", "2027-04-01", "month")
    with pytest.raises(ValueError, match="precision"):
        span("2027-06-01", "month", "2027-08-01", None)


def test_months_are_counted_between_first_days_only():
    assert months_between("2027-03-01", "2027-06-01") == 3
    with pytest.raises(ValueError, match="first days of months"):
        months_between("2027-03-15", "2027-06-01")


@given(day=DAYS, precision=st.sampled_from(PRECISIONS))
def test_a_period_contains_its_date_and_starts_on_its_first_day(day, precision):
    first, after = period(day, precision)
    assert first <= pd.Timestamp(day) < after
    assert contains(first, after, day) and not contains(first, after, after)
    assert first == period(first, precision)[0]  # any day of the period names the same period
    assert period(after - pd.Timedelta(days=1), precision) == (first, after)  # its last day too
    assert period(after, precision)[0] == after  # the next period starts where this one ends
    if precision != "day":
        assert first.day == 1
    if precision == "year":
        assert (first.month, after.year) == (1, first.year + 1)


@given(
    start=DAYS,
    end=DAYS,
    start_precision=st.sampled_from(PRECISIONS),
    end_precision=st.sampled_from(PRECISIONS),
)
def test_a_span_runs_from_its_start_to_the_end_of_its_end(start, end, start_precision, end_precision):
    if period(end, end_precision)[1] <= period(start, start_precision)[0]:
        with pytest.raises(ValueError):
            span(start, start_precision, end, end_precision)
        return
    first, after = span(start, start_precision, end, end_precision)
    assert first == period(start, start_precision)[0]
    assert after == period(end, end_precision)[1]  # the end is inclusive
    assert contains(first, after, end) and contains(first, after, start)


@given(first=DAYS, months=st.integers(min_value=0, max_value=600))
def test_months_between_counts_what_was_added(first, months):
    start = period(first, "month")[0]
    assert months_between(start, start + pd.DateOffset(months=months)) == months


@given(year=st.integers(min_value=1990, max_value=2100), last_month=st.integers(min_value=1, max_value=12))
def test_month_precise_ends_are_inclusive(year, last_month):
    """'N年1月～N年M月' covers M months, January to M inclusive."""
    first, after = span(f"{year}-01-01", "month", f"{year}-{last_month:02d}-01", "month")
    assert months_between(first, after) == last_month

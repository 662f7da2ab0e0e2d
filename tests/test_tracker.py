"""Periods of partial dates, dated items and their status on a date."""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from workplan import tracker
from workplan.data import Catalog, source_text, strip_whitespace
from workplan.errors import ParameterError
from workplan.paths import PROJECT_ROOT
from workplan.tracker import PRECISIONS, contains, months_between, period, span

DAYS = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31))
# Properties are checked on the same examples every run (no flaky CI), with no time limit on a busy machine.
PROPERTY = settings(derandomize=True, database=None, deadline=None, max_examples=200)


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
    with pytest.raises(ValueError, match="^a period needs a date, got a missing value$"):
        period(pd.NaT, "month")


def test_span_refuses_an_end_before_its_start_and_an_end_without_precision():
    with pytest.raises(ValueError, match="must not come before"):
        span("2027-06-01", "month", "2027-04-01", "month")
    with pytest.raises(ValueError, match="^an end date needs its precision$"):
        span("2027-06-01", "month", "2027-08-01", None)


def test_months_are_counted_between_first_days_only():
    assert months_between("2027-03-01", "2027-06-01") == 3
    with pytest.raises(ValueError, match="first days of months"):
        months_between("2027-03-15", "2027-06-01")


@PROPERTY
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


@PROPERTY
@given(
    start=DAYS,
    end=DAYS,
    start_precision=st.sampled_from(PRECISIONS),
    end_precision=st.sampled_from(PRECISIONS),
)
def test_a_span_runs_from_its_start_to_the_end_of_its_end(start, end, start_precision, end_precision):
    if period(end, end_precision)[0] < period(start, start_precision)[0]:
        with pytest.raises(ValueError, match="must not come before"):
            span(start, start_precision, end, end_precision)
        return
    first, after = span(start, start_precision, end, end_precision)
    assert first == period(start, start_precision)[0]
    assert after == period(end, end_precision)[1]  # the end is inclusive
    assert contains(first, after, first) and contains(first, after, end)
    assert not contains(first, after, after)


@PROPERTY
@given(first=DAYS, months=st.integers(min_value=0, max_value=600))
def test_months_between_counts_what_was_added(first, months):
    start = period(first, "month")[0]
    assert months_between(start, start + pd.DateOffset(months=months)) == months


@PROPERTY
@given(year=st.integers(min_value=1990, max_value=2100), last_month=st.integers(min_value=1, max_value=12))
def test_month_precise_ends_are_inclusive(year, last_month):
    """'N年1月～N年M月' covers M months, January to M inclusive."""
    first, after = span(f"{year}-01-01", "month", f"{year}-{last_month:02d}-01", "month")
    assert months_between(first, after) == last_month


# --- dated items: one home per fact ------------------------------------------------------------------

DATA_DIR = PROJECT_ROOT / "data"
DESCRIPTOR = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {r["name"]: r for r in DESCRIPTOR["resources"]}
PLAN_QUOTED = [n for n, r in RESOURCES.items() if r.get("x-source-quote", "plan") == "plan"]
RAW_FLAT = strip_whitespace(source_text())


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return Catalog(DATA_DIR).load_all()


@pytest.fixture(scope="module")
def items() -> pd.DataFrame:
    return tracker.dated_items()


def _spans(quote: str) -> list[tuple[int, int]]:
    """Where the quote's words sit in the source (whitespace removed)."""
    needle = strip_whitespace(quote)
    return [(m.start(), m.start() + len(needle)) for m in re.finditer(re.escape(needle), RAW_FLAT)]


def _overlap(a: str, b: str) -> bool:
    return any(x0 < y1 and y0 < x1 for x0, x1 in _spans(a) for y0, y1 in _spans(b))


def _dates_of_row(name: str, row: pd.Series) -> set[tuple[int, int | None]]:
    """Every (year, month) a row dates itself with (month None at year precision); as-of dates of counts aside."""
    found: set[tuple[int, int | None]] = set()
    for f in RESOURCES[name]["schema"]["fields"]:
        column = f["name"]
        value = row[column]
        if pd.isna(value) or column.startswith("as_of"):
            continue
        if f.get("type") == "date":
            precision = row.get(f"{column}_precision", row.get(column.removesuffix("_date") + "_precision"))
            found.add((value.year, None))
            if precision in ("month", "day"):
                found.add((value.year, value.month))
        elif f.get("type") == "integer" and (column == "year" or column.endswith("_year")):
            found.add((int(value), None))
    return found


def _event_date(row: pd.Series) -> tuple[int, int | None]:
    return (row["date"].year, None if row["date_precision"] == "year" else row["date"].month)


def _facts_held_twice(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Pairs of rows of different tables that date the same words of the source with the same date.

    A 'fact' is a date read from a place in the source: two rows whose quotes cover the same words and
    that carry a common date (year, or year and month) hold it twice.
    """
    rows = [
        (name, row, _dates_of_row(name, row)) for name in PLAN_QUOTED for _, row in tables[name].iterrows()
    ]
    rows = [(name, row, dates) for name, row, dates in rows if dates and isinstance(row["source_quote"], str)]
    twice = []
    for i, (name_a, a, dates_a) in enumerate(rows):
        for name_b, b, dates_b in rows[i + 1 :]:
            if name_a == name_b or not (dates_a & dates_b):
                continue
            if _overlap(a["source_quote"], b["source_quote"]):
                twice.append(
                    f"{name_a} {a.iloc[0]} and {name_b} {b.iloc[0]}: {sorted(dates_a & dates_b, key=str)}"
                )
    return twice


def test_no_dated_fact_is_held_twice(tables):
    twice = _facts_held_twice(tables)
    assert not twice, "facts held twice:\n" + "\n".join(twice)


@pytest.mark.parametrize(
    ("owner", "key", "date", "precision"),
    [
        ("ivo_forums", "year", "date", "date_precision"),
        ("ajccbc_support", "phase_id", "end_date", "end_precision"),
    ],
)
def test_the_duplicate_check_catches_an_event_mirroring_an_owner_row(tables, owner, key, date, precision):
    """An events row repeating a forum or the end of a support period (as events once did) is caught."""
    source = tables[owner].iloc[0]
    mirror = tables["events"].iloc[[0]].copy()
    mirror["event_id"] = "mirror"
    mirror["date"] = source[date]
    mirror["date_precision"] = source[precision]
    mirror["source_quote"] = source["source_quote"]
    copy = dict(tables, events=pd.concat([tables["events"], mirror], ignore_index=True))
    assert any(f"events mirror and {owner} {source[key]}" in t for t in _facts_held_twice(copy))


def test_every_table_with_a_plan_date_feeds_the_timeline_or_says_why_not():
    dated = {
        name
        for name, r in RESOURCES.items()
        for f in r["schema"]["fields"]
        if f.get("type") == "date" or (f.get("type") == "integer" and re.fullmatch(r"(\w+_)?year", f["name"]))
    }
    assert dated == set(tracker.OWNERS) | set(tracker.NOT_ITEMS)
    assert not set(tracker.OWNERS) & set(tracker.NOT_ITEMS)


def test_dated_items_hold_every_dated_row_of_their_owners_once(items, tables):
    assert items["item_id"].is_unique
    counts = items.groupby("dataset").size().to_dict()
    undated_actions = int(tables["actions"]["year"].isna().sum())
    expected = {name: len(tables[name]) for name in tracker.OWNERS}
    expected["actions"] -= undated_actions
    everything = tracker.dated.all_items(Catalog())
    for alias in tables["item_links"].query("relation == 'same_as'")["item_id"]:  # one commitment, one item
        expected[everything.set_index("item_id").loc[alias, "dataset"]] -= 1
    assert counts == expected
    assert list(items.columns)[: len(tracker.ITEM_COLUMNS)] == tracker.ITEM_COLUMNS
    events = items[items["dataset"] == "events"].set_index("item_id")
    folded = set(tables["item_links"].query("relation == 'same_as'")["item_id"])
    assert set(events.index) == set(tables["events"]["event_id"]) - folded
    kept = items.set_index("item_id")["same_as_ids"].dropna()
    assert {alias for ids in kept for alias in ids.split(", ")} == folded
    others = items[~items["dataset"].isin(["events", "actions"])]
    assert (others["item_id"] == others["dataset"] + ":" + others["key"]).all()
    assert set(items["kind"].astype(str)) <= set(DESCRIPTOR["x-vocabularies"]["item_kind"])
    assert items["date"].is_monotonic_increasing
    for quote in items["source_quote"]:
        assert strip_whitespace(quote) in RAW_FLAT


def test_an_action_without_a_year_has_its_date_in_another_table(items, tables):
    actions = tables["actions"]
    assert (actions["year"].isna() == actions["year_basis"].isna()).all()
    for row in actions[actions["year"].isna()].itertuples():
        others = items[(items["dataset"] != "actions")]
        assert any(_overlap(row.source_quote, q) for q in others["source_quote"]), row.action_id


def test_owner_items_sit_in_the_initiative_of_their_slide(items, tables):
    """The pillar and initiative given to a forum, support period, approval... is that of its slide's text."""
    statements = tables["statements"].dropna(subset=["initiative_id"])
    for row in items[~items["dataset"].isin(["events", "actions"])].itertuples():
        (start, _), *_ = _spans(row.source_quote)
        section = _section_at(start)
        initiatives = set(statements.loc[statements["section_id"] == section, "initiative_id"])
        assert row.initiative_id in initiatives, (row.item_id, section, initiatives)
        assert int(row.initiative_id.split(".")[0]) == row.pillar_id


SECTION_LINES = {
    section: tuple(int(n) for n in re.match(r"raw lines L(\d+)-L(\d+)", text).groups())
    for section, text in DESCRIPTOR["x-vocabularies"]["section_id"].items()
}
_RAW_LINES = source_text().split("\n")
_FLAT_LINE = [n for n, line in enumerate(_RAW_LINES, start=1) for _ in strip_whitespace(line)]


def _section_at(flat_position: int) -> str:
    line = _FLAT_LINE[flat_position]
    return next(s for s, (a, b) in SECTION_LINES.items() if a <= line <= b)


# --- status on a date: boundaries (outcome fixtures of their own) --------------------------------------

NO_OUTCOMES = pd.DataFrame(
    columns=["outcome_id", "item_id", "status", "date", "date_precision", "source_date"]
)


def _status_on(day: str, item_id: str, outcomes: pd.DataFrame = NO_OUTCOMES) -> str:
    table = tracker.status(day, outcomes=outcomes).set_index("item_id")
    return str(table.loc[item_id, "status"])


def _month_of(pattern: str) -> tuple[int, int]:
    year, month = re.search(pattern, RAW_FLAT).groups()
    return int(year), int(month)


def test_a_month_is_upcoming_then_in_its_period_then_overdue():
    """広島AIプロセス・フレンズグループ対面会合（2026年3月）: overdue from the first day after March."""
    year, month = _month_of(r"フレンズグループ対面会合（(\d{4})年(\d{1,2})月）")
    first = pd.Timestamp(year, month, 1)
    after = first + pd.DateOffset(months=1)
    item = "friends_group_in_person_meeting_2026"
    assert _status_on(str((first - pd.Timedelta(days=1)).date()), item) == "upcoming"
    assert _status_on(str(first.date()), item) == "in_period"
    assert _status_on(str((after - pd.Timedelta(days=1)).date()), item) == "in_period"
    assert _status_on(str(after.date()), item) == "overdue"


def test_a_year_is_in_its_period_until_its_last_day():
    """本年 (2026): in its period on 31 December, overdue from 1 January of the next year."""
    item = "ivo_proposal_targets:KHM/2026"
    assert _status_on("2025-12-31", item) == "upcoming"
    assert _status_on("2026-01-01", item) == "in_period"
    assert _status_on("2026-12-31", item) == "in_period"
    assert _status_on("2027-01-01", item) == "overdue"


def test_a_provisional_period_covers_its_stated_months_inclusive():
    """支援期間 2027年6月-2031年5月: in its period from June 2027 to the last day of May 2031."""
    item = "ajccbc_support:next"
    assert _status_on("2027-05-31", item) == "upcoming"
    assert _status_on("2027-06-01", item) == "in_period"
    assert _status_on("2031-05-31", item) == "in_period"
    assert _status_on("2031-06-01", item) == "ended"  # a period that ends is not overdue


def test_an_open_ended_period_stays_in_its_period():
    """総務省は基金創設以降、毎年拠出を継続: no end is stated."""
    item = "mic_ict_fund_annual_contributions"
    assert _status_on("2008-12-31", item) == "upcoming"
    assert _status_on("2009-01-01", item) == "in_period"
    assert _status_on("2090-01-01", item) == "in_period"


def test_what_the_plan_reports_as_held_is_held_once_it_has_begun():
    item = "hap_launch"  # 2023年5月
    assert _status_on("2023-04-30", item) == "upcoming"
    assert _status_on("2023-05-01", item) == "held"
    assert _status_on("2026-11-27", item) == "held"
    jaif = "ajccbc_support:jaif"  # completed 2018-2022: within the span it is in its period
    assert _status_on("2020-06-30", jaif) == "in_period"
    assert _status_on("2022-12-31", jaif) == "in_period"
    assert _status_on("2023-01-01", jaif) == "ended"  # a funding period is never "held"


def _outcome(outcome_id: str, status: str, date: str, source_date: str, **extra: str) -> dict:
    row = {
        "outcome_id": outcome_id,
        "item_id": "friends_group_in_person_meeting_2026",
        "status": status,
        "date": date,
        "date_precision": "day",
        "source_title": f"Title {outcome_id}",
        "source_publisher": "Publisher",
        "source_url": f"https://example.org/{outcome_id}",
        "source_date": source_date,
        "source_quote": f"words of {outcome_id}",
        "note_ja": pd.NA,
        "note_en": f"note {outcome_id}",
    }
    row.update(extra)
    return row


def test_an_outcome_counts_only_once_its_source_is_published():
    outcomes = pd.DataFrame([_outcome("met", "held", "2026-03-15", "2026-03-16")])
    item = "friends_group_in_person_meeting_2026"
    assert _status_on("2026-03-15", item, outcomes) == "in_period"  # held that day, not yet reported
    assert _status_on("2026-03-16", item, outcomes) == "held"
    on = tracker.status("2026-11-27", outcomes=outcomes).set_index("item_id").loc[item]
    assert on["outcome_id"] == "met" and on["source_url"] == "https://example.org/met"
    assert on["outcome_date"] == pd.Timestamp("2026-03-15") and on["outcome_date_precision"] == "day"
    assert on["source_date"] == pd.Timestamp("2026-03-16") and on["outcome_quote"] == "words of met"
    assert on["source_title"] == "Title met" and on["note_en"] == "note met" and pd.isna(on["note_ja"])
    before = tracker.status("2026-03-15", outcomes=outcomes).set_index("item_id").loc[item]
    assert pd.isna(before["outcome_id"]) and pd.isna(before["source_url"])


def test_the_latest_reported_outcome_wins():
    outcomes = pd.DataFrame(
        [
            _outcome("late", "held", "2026-05-20", "2026-05-21"),
            _outcome("delay", "postponed", "2026-02-10", "2026-02-10"),
        ]
    )
    item = "friends_group_in_person_meeting_2026"
    assert _status_on("2026-02-09", item, outcomes) == "upcoming"
    assert _status_on("2026-02-10", item, outcomes) == "postponed"
    assert _status_on("2026-04-01", item, outcomes) == "postponed"  # reported, so not overdue
    assert _status_on("2026-05-21", item, outcomes) == "held"


@pytest.mark.parametrize("status", ["held", "completed", "in_progress", "postponed", "cancelled", "changed"])
def test_each_outcome_status_is_the_status(status):
    outcomes = pd.DataFrame([_outcome("x", status, "2026-03-01", "2026-03-02")])
    assert _status_on("2026-03-02", "friends_group_in_person_meeting_2026", outcomes) == status


def test_outcome_statuses_are_statuses_and_the_vocabulary_is_ordered():
    enum = next(f for f in RESOURCES["outcomes"]["schema"]["fields"] if f["name"] == "status")["constraints"]
    assert set(enum["enum"]) <= set(tracker.STATUSES)
    assert tracker.STATUSES[:3] == ("upcoming", "in_period", "overdue")
    table = tracker.status("2026-11-27", outcomes=NO_OUTCOMES)
    assert list(table["status"].cat.categories) == list(tracker.STATUSES)
    assert list(table.columns) == tracker.STATUS_COLUMNS


def test_the_monitor_on_the_scheduled_day():
    """As of 2026-11-27: the March meeting is overdue (nothing recorded), the November forum in its period."""
    table = tracker.status("2026-11-27", outcomes=NO_OUTCOMES).set_index("item_id")
    assert table.loc["friends_group_in_person_meeting_2026", "status"] == "overdue"
    assert table.loc["ivo_forums:2026", "status"] == "in_period"
    assert table.loc["ajccbc_support:jica", "status"] == "in_period"
    assert table.loc["ajccbc_support:next", "status"] == "upcoming"


# --- status on a date: properties -----------------------------------------------------------------------

PLAN_STATUSES = ["held", "completed", "approved", "ongoing", "planned", "provisional"]
ITEM_KINDS = list(
    json.loads((PROJECT_ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))["x-vocabularies"][
        "item_kind"
    ]
)


@PROPERTY
@given(
    start=DAYS,
    precision=st.sampled_from(PRECISIONS),
    plan_status=st.sampled_from(PLAN_STATUSES),
    day=DAYS,
    later=st.integers(min_value=0, max_value=5000),
    kind=st.sampled_from(ITEM_KINDS),
)
def test_status_from_dates_follows_the_period(start, precision, plan_status, day, later, kind):
    first, after = period(start, precision)
    today = pd.Timestamp(day)
    status = tracker.status_from_dates(plan_status, first, after, today, is_span=False, kind=kind)
    assert status in ("upcoming", "in_period", "overdue", "ended", "held", "approved", "completed")
    assert (status == "upcoming") == (today < first)
    if status == "in_period":
        assert first <= today < after and (plan_status not in tracker.PLAN_HELD or kind == "period")
    if status == "overdue":
        assert today >= after and plan_status not in tracker.PLAN_HELD and kind != "period"
    if status == "ended":
        assert today >= after and kind == "period"
    if status in ("held", "approved", "completed"):
        assert plan_status in tracker.PLAN_HELD and today >= first and kind != "period"
        assert (status == "held") == (kind in tracker.HELD_KINDS) and (status == "approved") == (
            kind == "approval"
        )
    # once past the period, the status no longer changes without an outcome
    if today >= after:
        again = tracker.status_from_dates(
            plan_status, first, after, today + pd.Timedelta(days=later), is_span=False, kind=kind
        )
        assert again == status


@PROPERTY
@given(
    start=DAYS,
    months=st.integers(min_value=1, max_value=120),
    day=DAYS,
    plan_status=st.sampled_from(PLAN_STATUSES),
)
def test_a_span_is_in_its_period_from_start_to_end(start, months, day, plan_status):
    first = period(start, "month")[0]
    after = first + pd.DateOffset(months=months)
    today = pd.Timestamp(day)
    status = tracker.status_from_dates(plan_status, first, after, today, is_span=True, kind="period")
    if first <= today < after:
        assert status == "in_period"
    elif today >= after:
        assert status == "ended"  # a support or funding period ends; it is neither held nor overdue
    assert tracker.status_from_dates(
        plan_status, first, None, max(today, first), is_span=True, kind="period"
    ) == ("in_period")


def test_each_recorded_outcome_sets_its_item_from_its_source_date_on(tables):
    """The real outcomes: known from their source_date (or, where the page gives none, from the first search
    that found them), not a day before."""
    outcomes = tables["outcomes"]
    checks = tables["outcome_checks"]
    assert not outcomes.empty
    for row in outcomes.itertuples():
        found = checks.loc[
            (checks["outcome_id"] == row.outcome_id) & (checks["result"] == "found"), "checked_on"
        ]
        day = row.source_date if not pd.isna(row.source_date) else found.min()
        on = tracker.status(day).set_index("item_id").loc[row.item_id]
        later = outcomes[(outcomes["item_id"] == row.item_id) & (outcomes["source_date"] > day)]
        if later.empty:
            assert (on["status"], on["outcome_id"]) == (row.status, row.outcome_id)
        before = tracker.status(day - pd.Timedelta(days=1)).set_index("item_id").loc[row.item_id]
        assert pd.isna(before["outcome_id"]) or before["outcome_id"] != row.outcome_id


# --- dated items and their periods, row by row, written by hand from the source ---------------------------

# One row or more of each owner table, as the source gives it (raw line numbers). Columns left out are
# empty: no end, not open-ended, no country, no place.
NO_END = {
    "end_date": None,
    "end_precision": None,
    "open_ended": False,
    "country_iso3": None,
    "place_ja": None,
    "place_en": None,
}
BY_HAND_ITEMS = {
    # L232: 第18回日ASEAN政策会議 (2025年10月@東京): the policy meeting of initiative 2.2
    "cyber_policy_meeting_18": {
        "dataset": "events",
        "key": "cyber_policy_meeting_18",
        "kind": "meeting",
        "title_ja": "第18回日ASEAN政策会議",
        "title_en": "18th ASEAN-Japan Cybersecurity Policy Meeting",
        "pillar_id": 2,
        "initiative_id": "2.2",
        "date": "2025-10-01",
        "date_precision": "month",
        "plan_status": "held",
        "date_basis": "stated",
        "country_iso3": "JPN",
        "place_ja": "東京",
        "place_en": "Tokyo",
        "period": ("2025-10-01", "2025-11-01"),
    },
    # L308: 2009年に…創設された基金であり、総務省は基金創設以降、毎年拠出を継続: from 2009, no end
    "mic_ict_fund_annual_contributions": {
        "dataset": "events",
        "kind": "period",
        "pillar_id": 4,
        "initiative_id": "4.1",
        "date": "2009-01-01",
        "date_precision": "year",
        "open_ended": True,
        "plan_status": "ongoing",
        "date_basis": "stated",
        "period": ("2009-01-01", None),
    },
    # L54 (initiative 1.1, 開発): an action dated by the plan's title, 2026
    "1.1-3": {
        "dataset": "actions",
        "key": "1.1-3",
        "kind": "action",
        "title_ja": "ASEAN諸国の文化、言語等に関する多様性に配慮したAIの開発・安全性に関する協力を実施",
        "title_en": "Cooperate on the development and safety of AI that takes account of the diversity of "
        "ASEAN Member States, including in culture and language.",
        "pillar_id": 1,
        "initiative_id": "1.1",
        "date": "2026-01-01",
        "date_precision": "year",
        "plan_status": "planned",
        "date_basis": "plan_title",
        "period": ("2026-01-01", "2027-01-01"),
    },
    # L112: 日ASEAN ICT基金（2026年も本基金への拠出を継続）: an action that states its year
    "4.1-1": {
        "dataset": "actions",
        "key": "4.1-1",
        "kind": "action",
        "pillar_id": 4,
        "initiative_id": "4.1",
        "date": "2026-01-01",
        "date_precision": "year",
        "date_basis": "stated",
    },
    # L289: 2021.11: オンライン開催 (initiative 3.3, ASEAN IVO)
    "ivo_forums:2021": {
        "dataset": "ivo_forums",
        "key": "2021",
        "kind": "forum",
        "title_ja": "ASEAN IVOフォーラム2021",
        "title_en": "ASEAN IVO Forum 2021",
        "pillar_id": 3,
        "initiative_id": "3.3",
        "date": "2021-11-01",
        "date_precision": "month",
        "plan_status": "held",
        "date_basis": "stated",
        "place_ja": "オンライン開催",
        "place_en": "held online",
    },
    # L287: 2026.11: Kuala Lumpur (Malaysia) (予定)
    "ivo_forums:2026": {
        "dataset": "ivo_forums",
        "kind": "forum",
        "pillar_id": 3,
        "initiative_id": "3.3",
        "date": "2026-11-01",
        "date_precision": "month",
        "plan_status": "planned",
        "country_iso3": "MYS",
        "place_ja": "クアラルンプール",
        "place_en": "Kuala Lumpur",
        "period": ("2026-11-01", "2026-12-01"),
    },
    # L199: 2022年のJAIF支援終了後; its start (2018, AJCCBC's establishment, L198) rests on an outside source
    "ajccbc_support:jaif": {
        "dataset": "ajccbc_support",
        "key": "jaif",
        "kind": "period",
        "title_ja": "AJCCBCへの支援：JAIF支援",
        "title_en": "Support for AJCCBC: JAIF support",
        "pillar_id": 2,
        "initiative_id": "2.1",
        "date": "2018-01-01",
        "date_precision": "year",
        "end_date": "2022-01-01",
        "end_precision": "year",
        "plan_status": "completed",
        "date_basis": "outside",
        "period": ("2018-01-01", "2023-01-01"),
    },
    # L205: 支援期間 2027年6月-2031年5月（4年間） ※暫定
    "ajccbc_support:next": {
        "dataset": "ajccbc_support",
        "date": "2027-06-01",
        "date_precision": "month",
        "end_date": "2031-05-01",
        "end_precision": "month",
        "plan_status": "provisional",
        "date_basis": "stated",
        "period": ("2027-06-01", "2031-06-01"),
    },
    # L315: ASEANで自動運転を実現するための国境を越えたデータ流通プロジェクト 2023年承認 提案国：インドネシア
    "ict_fund_projects:2": {
        "dataset": "ict_fund_projects",
        "key": "2",
        "kind": "approval",
        "title_ja": "日ASEAN ICT基金による承認：ASEANで自動運転を実現するための国境を越えたデータ流通プロジェクト",
        "title_en": "Approved for the Japan-ASEAN ICT Fund: "
        "Cross-border data flow project for realising autonomous driving in ASEAN",
        "pillar_id": 4,
        "initiative_id": "4.1",
        "date": "2023-01-01",
        "date_precision": "year",
        "plan_status": "approved",
        "date_basis": "stated",
        "country_iso3": "IDN",
        "period": ("2023-01-01", "2024-01-01"),
    },
    # L258-L262: 2026年はASEAN 2 か国と連携して…遠隔周産期医療に関する国際共同研究（フィリピン）
    "apt_joint_research:2": {
        "dataset": "apt_joint_research",
        "key": "2",
        "kind": "activity",
        "title_ja": "島嶼・山間部での強靱な情報通信網の構築及び遠隔周産期医療に関する国際共同研究",
        "title_en": "International joint research on building resilient information and communications "
        "networks in island and mountain areas and on remote perinatal care",
        "pillar_id": 3,
        "initiative_id": "3.2",
        "date": "2026-01-01",
        "date_precision": "year",
        "plan_status": "planned",
        "date_basis": "stated",
        "country_iso3": "PHL",
    },
    # L98: 本年も、…カンボジア、ラオス、ミャンマーからの提案採択を予定
    "ivo_proposal_targets:LAO/2026": {
        "dataset": "ivo_proposal_targets",
        "key": "LAO/2026",
        "kind": "activity",
        "title_ja": "ASEAN IVO：ラオスからの提案採択",
        "title_en": "ASEAN IVO: adoption of proposals from Lao PDR",
        "pillar_id": 3,
        "initiative_id": "3.3",
        "date": "2026-01-01",
        "date_precision": "year",
        "plan_status": "planned",
        "date_basis": "this_year",
        "country_iso3": "LAO",
    },
}


def _same(actual, expected) -> bool:
    if expected is None:
        return bool(pd.isna(actual))
    if isinstance(expected, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", expected):
        return actual == pd.Timestamp(expected)
    return actual == expected


@pytest.mark.parametrize("item_id", list(BY_HAND_ITEMS))
def test_dated_items_hold_what_the_source_says(items, item_id):
    expected = {**NO_END, **{k: v for k, v in BY_HAND_ITEMS[item_id].items() if k != "period"}}
    row = items.set_index("item_id").loc[item_id]
    wrong = {c: (row[c], v) for c, v in expected.items() if not _same(row[c], v)}
    assert not wrong, wrong


def test_dated_items_are_typed_and_numbered_from_zero(items):
    kinds = list(DESCRIPTOR["x-vocabularies"]["item_kind"])
    assert isinstance(items["kind"].dtype, pd.CategoricalDtype)
    assert list(items["kind"].cat.categories) == kinds  # the vocabulary's order, for legends
    assert str(items["pillar_id"].dtype) == "Int64" and str(items["open_ended"].dtype) == "boolean"
    assert str(items["date"].dtype) == "datetime64[s]" and str(items["end_date"].dtype) == "datetime64[s]"
    assert items.index.tolist() == list(range(len(items)))


@pytest.mark.parametrize("item_id", [i for i, row in BY_HAND_ITEMS.items() if "period" in row])
def test_each_items_period_is_the_day_month_year_or_span_the_source_gives(item_id):
    first, after = BY_HAND_ITEMS[item_id]["period"]
    row = tracker.status("2026-11-27", outcomes=NO_OUTCOMES).set_index("item_id").loc[item_id]
    assert row["period_start"] == pd.Timestamp(first)
    assert _same(row["period_end"], after)


def test_the_tracker_reads_the_data_folder_it_is_given(tmp_path):
    """A copy of data/ with one event renamed and an outcome of its own: the tracker and the loader's check
    of outcomes follow the copy, not the project's data."""
    import shutil

    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    events = copy / "events.csv"
    events.write_text(
        events.read_text(encoding="utf-8").replace(
            "hap_leaders_statement_2023_12", "hap_statement_2023_december"
        ),
        encoding="utf-8",
    )
    with (copy / "outcomes.csv").open("a", encoding="utf-8", newline="") as f:
        f.write(
            "copy_forum_held,ivo_forums:2026,held,2026-11-20,,day,en,Report,,Publisher,,https://example.org/r,,"
            "2026-11-21,page,The forum was held.,,Test fixture.\n"
        )
    catalog = Catalog(copy)
    ids = tracker.item_ids(catalog)
    assert "hap_statement_2023_december" in ids and "hap_leaders_statement_2023_12" not in ids
    assert "hap_statement_2023_december" in set(tracker.dated_items(catalog)["item_id"])
    on = tracker.status("2026-11-27", catalog=catalog).set_index("item_id")
    assert "hap_statement_2023_december" in on.index
    assert (on.loc["ivo_forums:2026", "status"], on.loc["ivo_forums:2026", "outcome_id"]) == (
        "held",
        "copy_forum_held",
    )
    assert tracker.status("2026-11-27").set_index("item_id").loc["ivo_forums:2026", "status"] == "in_period"


def test_an_event_given_an_end_carries_it_and_is_no_longer_open_ended(tmp_path):
    """No event of the plan has an end today; one given an end in a copy of data/ (the MIC contributions
    ending in 2009, a year their quote gives, so the copy stays valid) is a closed span to the end of it."""
    import shutil

    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    events = copy / "events.csv"
    text = events.read_text(encoding="utf-8")
    row = "mic_ict_fund_annual_contributions,2009-01-01,year,,,"
    assert row in text
    events.write_text(text.replace(row, "mic_ict_fund_annual_contributions,2009-01-01,year,2009-01-01,year,"))
    catalog = Catalog(copy)
    item = tracker.dated_items(catalog).set_index("item_id").loc["mic_ict_fund_annual_contributions"]
    assert (item["end_date"], item["end_precision"], item["open_ended"]) == (
        pd.Timestamp("2009-01-01"),
        "year",
        False,
    )
    on = tracker.status("2026-11-27", outcomes=NO_OUTCOMES, catalog=catalog).set_index("item_id")
    assert on.loc["mic_ict_fund_annual_contributions", "period_end"] == pd.Timestamp("2010-01-01")


def test_two_owners_giving_the_same_item_id_are_refused_naming_it(monkeypatch, tables):
    monkeypatch.setitem(tracker.OWNERS, "events_again", tracker.OWNERS["events"])
    with pytest.raises(ValueError) as info:
        tracker.dated_items()
    repeated = ", ".join(tables["events"]["event_id"])  # every event, in the file's order
    assert str(info.value) == f"item ids must be unique; repeated: {repeated}"


def test_an_outcome_shows_its_publisher_and_notes_in_both_languages():
    outcomes = pd.DataFrame([_outcome("met", "held", "2026-03-15", "2026-03-16", note_ja="対面で開催")])
    on = tracker.status("2026-11-27", outcomes=outcomes).set_index("item_id")
    row = on.loc["friends_group_in_person_meeting_2026"]
    assert (row["source_publisher"], row["note_ja"], row["note_en"]) == (
        "Publisher",
        "対面で開催",
        "note met",
    )
    # the meeting is the plan's example of action 1.1-2 (item_links example_of): the action shows it too
    assert (on.loc["1.1-2", "status"], on.loc["1.1-2", "outcome_id"]) == ("activity_recorded", "met")
    assert on.drop(index=["friends_group_in_person_meeting_2026", "1.1-2"])["outcome_id"].isna().all()


def test_an_outcome_with_a_status_outside_the_vocabulary_is_refused_naming_both():
    outcomes = pd.DataFrame(
        [
            _outcome("x", "finished", "2026-03-01", "2026-03-02"),
            _outcome("y", "done", "2026-03-01", "2026-03-02", item_id="ivo_forums:2026"),
        ]
    )
    with pytest.raises(ValueError) as info:
        tracker.status("2026-11-27", outcomes=outcomes)
    assert str(info.value) == (
        "outcome status(es) done, finished: expected one of upcoming, in_period, overdue, ended, held, approved, "
        "completed, activity_recorded, in_progress, postponed, changed, cancelled"
    )


def test_outcomes_without_a_required_column_are_refused_naming_it():
    outcomes = pd.DataFrame([_outcome("x", "held", "2026-03-01", "2026-03-02")]).drop(
        columns=["source_date", "status"]
    )
    with pytest.raises(ValueError) as info:
        tracker.status("2026-11-27", outcomes=outcomes)
    assert str(info.value) == "outcomes lack column(s) status, source_date"


@pytest.mark.parametrize("bad", ["2026-02-30", "yesterday", None, ""])
def test_a_bad_as_of_names_the_parameter_the_value_and_the_format(bad):
    with pytest.raises(ParameterError) as info:
        tracker.status(bad, outcomes=NO_OUTCOMES)
    assert (info.value.name, info.value.value, info.value.allowed) == ("as_of", bad, "a date YYYY-MM-DD")

"""The plan's dated items and their status on any date: the monitor's logic.

Public API (the notebooks code against exactly this)::

    from workplan import tracker
    tracker.dated_items()                 # one row per dated commitment, from the tables that own the dates
    tracker.status("2026-11-27")          # the same rows with their status on that date
    tracker.status(day, outcomes=frame)   # ... with other outcomes than data/outcomes.csv (tests)
    tracker.STATUSES                      # the status vocabulary, in display order
    tracker.period(date, precision)       # [first day, first day after) of a partial date

`dated_items()` columns: item_id (unique: the event_id of an events row, the action_id of an action,
otherwise "<dataset>:<key>" such as "ivo_forums:2026", "ajccbc_support:next",
"ivo_proposal_targets:KHM/2026"), dataset, key, kind (x-vocabularies.item_kind), title_ja, title_en,
pillar_id (Int64), initiative_id, date, date_precision (day|month|year), end_date, end_precision (periods),
open_ended (a period with a start and no stated end), plan_status (what the plan says in January 2026:
held|completed|approved|ongoing|planned|provisional; approved: an ICT Fund approval), date_basis (x-vocabularies.date_basis: stated | this_year |
plan_title | outside), country_iso3 (where the item takes place or the country it concerns: forum host,
research partner, proposing country), place_ja, place_en, source_quote (the plan's words), same_as_ids
(the items data/item_links.csv says are the same commitment, folded into this one).

Who owns the dates: events (items no other table holds), actions (dated to the plan's year, see
date_basis), ivo_forums, ajccbc_support, ict_fund_projects (approval year), apt_joint_research and
ivo_proposal_targets. Each fact has one home; workplan.dated only joins them. A commitment the plan writes
twice is one item: item_links `same_as` folds one into the other, so no count holds it twice.

`status(as_of, outcomes=None, checks=None)` adds period_start and period_end (first day after; empty for
open-ended periods), status, and, for the outcome used: outcome_id, outcome_item_id (the item the outcome
was recorded for: this one, one folded into it, or an example or part of it), outcome_date,
outcome_end_date, outcome_date_precision, source_title, source_publisher, source_url, archive_url,
source_date, outcome_quote, note_ja, note_en; and, from data/outcome_checks.csv, last_checked (the latest
search made by `as_of`) and last_check_result (found | nothing_found).
The status on `as_of`, first rule that applies (data/README.md, *The monitor*, defines each per kind):

1. the latest outcome of the item known on `as_of` (its source_date ≤ as_of or, where no source_date was
   read, the first search that found it ≤ as_of; latest first, then date, then outcome_id), an outcome of
   an item folded into it included: its status (held, completed, in_progress, postponed, cancelled,
   changed). An outcome published after `as_of` is not known yet;
2. `activity_recorded`: an outcome is known of an example or a part of the item (item_links example_of,
   part_of) reporting it held, completed, in progress or changed (not postponed or cancelled): something
   the item commits to is on record, not the whole of it;
3. `upcoming`: the item's period (its day, month or year; a period's start) has not begun;
4. what the plan already reports, once begun: `approved` (an ICT Fund approval), `held` (a meeting,
   forum, launch, statement or publication the plan says was held), `completed` (another item the plan
   says was held or completed); a period the plan reports follows rules 5-6;
5. `in_period`: `as_of` falls within the day, month or year the plan gives, or within the start–end
   span (ends inclusive), or after the start of an open-ended period;
6. `ended`: a period (support, funding) whose stated end has passed: it ended as the plan says;
7. `overdue` (shown as "period passed, no outcome recorded"): any other item whose period has passed with
   no outcome recorded.

Precision matters: "2026年3月" is overdue from 2026-04-01, "2026年" only from 2027-01-01.

Periods: a date column holds the first day of the period the plan names, and a `*_precision` column says
whether that is a day, a month or a year; an end (2027年2月に終了, 2031年5月) is inclusive. Every
period here is half-open, [first day, first day after):

    >>> period("2026-03-01", "month")
    (Timestamp('2026-03-01 00:00:00'), Timestamp('2026-04-01 00:00:00'))
    >>> span("2027-06-01", "month", "2031-05-01", "month")   # 2027年6月-2031年5月（4年間）
    (Timestamp('2027-06-01 00:00:00'), Timestamp('2031-06-01 00:00:00'))
    >>> months_between(*span("2027-06-01", "month", "2031-05-01", "month"))
    48
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from . import dated
from .dated import ITEM_COLUMNS, NOT_ITEMS, OWNERS, PRECISIONS, contains, months_between, period, span
from .errors import ParameterError

if TYPE_CHECKING:
    from .data import Catalog

__all__ = [
    "ITEM_COLUMNS",
    "NOT_ITEMS",
    "OWNERS",
    "PRECISIONS",
    "STATUSES",
    "contains",
    "dated_items",
    "item_ids",
    "months_between",
    "period",
    "span",
    "status",
    "status_from_dates",
]

# Statuses on a date, in display order: the ones the dates and the plan give, then the outcomes' vocabulary.
STATUSES = (
    "upcoming",
    "in_period",
    "overdue",
    "ended",
    "held",
    "approved",
    "completed",
    "activity_recorded",
    "in_progress",
    "postponed",
    "changed",
    "cancelled",
)
PLAN_HELD = ("held", "completed", "approved")  # what the plan reports as done
HELD_KINDS = ("meeting", "forum", "launch", "statement", "publication")
# Outcomes of an example or a part that count as activity on the action it serves (not postponed or cancelled)
ACTIVITY = ("held", "completed", "in_progress", "changed")

OUTCOME_COLUMNS = [
    "outcome_id",
    "outcome_item_id",
    "outcome_date",
    "outcome_end_date",
    "outcome_date_precision",
    "source_title",
    "source_publisher",
    "source_url",
    "archive_url",
    "source_date",
    "outcome_quote",
    "note_ja",
    "note_en",
]
CHECK_COLUMNS = ["last_checked", "last_check_result"]
STATUS_COLUMNS = [
    *ITEM_COLUMNS,
    "same_as_ids",
    "period_start",
    "period_end",
    "status",
    *OUTCOME_COLUMNS,
    *CHECK_COLUMNS,
]


def _catalog(catalog: Catalog | None) -> Catalog:
    if catalog is not None:
        return catalog
    from .data import default_catalog  # noqa: PLC0415 - the one way in from the tracker to the loader

    return default_catalog()


def dated_items(catalog: Catalog | None = None) -> pd.DataFrame:
    """One row per dated commitment, joined from the tables that own the dates (see the module doc)."""
    return dated.dated_items(_catalog(catalog))


def item_ids(catalog: Catalog | None = None) -> set[str]:
    """Every item_id an outcome may refer to (items folded into another by item_links included)."""
    return dated.item_ids(_catalog(catalog))


# --- status on a date ----------------------------------------------------------------------------------


def _as_of(value: Any) -> pd.Timestamp:
    try:
        day = pd.Timestamp(value)
    except (TypeError, ValueError):
        day = pd.NaT
    if pd.isna(day):
        raise ParameterError("as_of", value, "a date YYYY-MM-DD")
    return day.normalize()


def outcome_known_from(outcomes: pd.DataFrame, checks: pd.DataFrame | None) -> pd.Series:
    """The day each outcome is known from: its source_date or, where the page gives none, the first
    search that found it (outcome_checks.checked_on); NaT where neither says."""
    known_from = pd.to_datetime(outcomes["source_date"])
    if checks is not None and not checks.empty:
        found = checks[checks["result"].astype(str) == "found"]
        first = pd.to_datetime(found["checked_on"]).groupby(found["outcome_id"].astype(str)).min()
        known_from = known_from.fillna(outcomes["outcome_id"].astype(str).map(first))
    return known_from


def _known_outcomes(
    outcomes: pd.DataFrame, day: pd.Timestamp, folded: dict[str, str], checks: pd.DataFrame | None
) -> pd.DataFrame:
    """The latest outcome per item among those known by `day`; an outcome of an item folded into
    another (same_as) counts for the item kept. Indexed by that item; outcome_item_id keeps the original.

    An outcome is known from its source_date; one whose source_date was not read, from the first search
    that found it (outcome_checks.checked_on), and never without one."""
    required = ["outcome_id", "item_id", "status", "date", "date_precision", "source_date"]
    missing = [c for c in required if c not in outcomes.columns]
    if missing:
        raise ValueError(f"outcomes lack column(s) {', '.join(missing)}")
    frame = outcomes.copy()
    for column in ("date", "source_date"):
        frame[column] = pd.to_datetime(frame[column])
    frame["known_from"] = outcome_known_from(outcomes, checks)
    frame["outcome_item_id"] = frame["item_id"].astype(str)
    frame["item_id"] = [folded.get(i, i) for i in frame["outcome_item_id"]]
    known = frame[frame["known_from"] <= day]
    known = known.sort_values(["known_from", "date", "outcome_id"], kind="stable")
    return known.groupby("item_id", sort=False).tail(1).set_index("item_id")


def _served(links: pd.DataFrame, folded: dict[str, str]) -> dict[str, list[str]]:
    """{item: the items that are an example or a part of it} (item_links example_of, part_of)."""
    out: dict[str, list[str]] = {}
    for row in links.itertuples(index=False):
        if str(row.relation) in ("example_of", "part_of"):
            target = folded.get(str(row.other_item_id), str(row.other_item_id))
            out.setdefault(target, []).append(folded.get(str(row.item_id), str(row.item_id)))
    return out


def _last_checks(checks: pd.DataFrame | None, day: pd.Timestamp, folded: dict[str, str]) -> pd.DataFrame:
    """The latest search per item made by `day` (outcome_checks): checked_on and result."""
    if checks is None or checks.empty:
        return pd.DataFrame(columns=["checked_on", "result"])
    frame = checks.copy()
    frame["checked_on"] = pd.to_datetime(frame["checked_on"])
    frame["item_id"] = [folded.get(str(i), str(i)) for i in frame["item_id"]]
    frame = frame[frame["checked_on"] <= day]
    # the latest day; on one day, a search that found something outranks one that did not
    frame = frame.assign(found=frame["result"].astype(str) == "found")
    frame = frame.sort_values(["checked_on", "found", "check_id"], kind="stable")
    return frame.groupby("item_id", sort=False).tail(1).set_index("item_id")[["checked_on", "result"]]


def status_from_dates(
    plan_status: str,
    start: pd.Timestamp,
    end: pd.Timestamp | None,
    day: pd.Timestamp,
    *,
    is_span: bool,
    kind: str = "activity",
) -> str:
    """Rules 3-7 of the module doc: the status the plan's dates give on `day`, with no outcome recorded.

    `start`/`end` are the item's half-open period ([first day, first day after); `end` None for an
    open-ended period); `is_span` is True for an item with a start and an end date; `kind` is its item_kind.
    """
    if day < start:
        return "upcoming"
    if kind == "period":
        return "in_period" if end is None or day < end else "ended"
    if plan_status in PLAN_HELD and not (is_span and end is not None and day < end):
        if kind == "approval":
            return "approved"
        return "held" if kind in HELD_KINDS else "completed"
    if end is None or day < end:
        return "in_period"
    return "overdue"


_SOURCES = {
    "outcome_id": "outcome_id",
    "outcome_item_id": "outcome_item_id",
    "outcome_date": "date",
    "outcome_end_date": "end_date",
    "outcome_date_precision": "date_precision",
    "source_title": "source_title",
    "source_publisher": "source_publisher",
    "source_url": "source_url",
    "archive_url": "archive_url",
    "source_date": "source_date",
    "outcome_quote": "source_quote",
    "note_ja": "note_ja",
    "note_en": "note_en",
}
_DATES = ("outcome_date", "outcome_end_date", "source_date", "last_checked")


def status(
    as_of: Any,
    outcomes: pd.DataFrame | None = None,
    catalog: Catalog | None = None,
    checks: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """dated_items() with each item's status on `as_of` and the outcome it comes from (see module doc).

    `outcomes` and `checks` replace data/outcomes.csv and data/outcome_checks.csv (tests); given outcomes
    without checks, no search is on record.
    """
    day = _as_of(as_of)
    c = _catalog(catalog)
    if outcomes is None and checks is None:  # the data's own outcomes: worked out once per day
        key = ("tracker.status", day, dated.owners_key())
        return c.derived(key, lambda: _status(day, c, None, None))
    return _status(day, c, outcomes, checks)


def _status(
    day: pd.Timestamp, c: Catalog, outcomes: pd.DataFrame | None, checks: pd.DataFrame | None
) -> pd.DataFrame:
    items = dated.dated_items(c)
    folded = dated.same_as(c)
    if checks is None and outcomes is None and "outcome_checks" in c.resources:
        checks = c.load("outcome_checks")
    latest = _known_outcomes(c.load("outcomes") if outcomes is None else outcomes, day, folded, checks)
    served = _served(dated.links(c), folded)
    searched = _last_checks(checks, day, folded)
    starts, ends, statuses = [], [], []
    found: dict[str, list[Any]] = {column: [] for column in [*OUTCOME_COLUMNS, *CHECK_COLUMNS]}
    for item in items.itertuples(index=False):
        start, after = span(item.date, item.date_precision, item.end_date, item.end_precision)
        end = None if item.open_ended else after
        starts.append(start)
        ends.append(pd.NaT if end is None else end)
        outcome = latest.loc[item.item_id] if item.item_id in latest.index else None
        if outcome is not None:
            statuses.append(str(outcome["status"]))
        else:
            parts = [
                latest.loc[i]
                for i in served.get(item.item_id, [])
                if i in latest.index and str(latest.loc[i, "status"]) in ACTIVITY
            ]
            if parts:
                outcome = max(parts, key=lambda o: (o["known_from"], o["date"], o["outcome_id"]))
                statuses.append("activity_recorded")
            else:
                is_span = not pd.isna(item.end_date)
                statuses.append(
                    status_from_dates(item.plan_status, start, end, day, is_span=is_span, kind=str(item.kind))
                )
        for column, source in _SOURCES.items():
            value = outcome.get(source, pd.NA) if outcome is not None else pd.NA
            found[column].append(pd.NA if value is None else value)
        check = searched.loc[item.item_id] if item.item_id in searched.index else None
        found["last_checked"].append(pd.NaT if check is None else check["checked_on"])
        found["last_check_result"].append(pd.NA if check is None else str(check["result"]))
    out = items.copy()
    out["period_start"] = pd.to_datetime(pd.Series(starts, index=out.index)).astype("datetime64[s]")
    out["period_end"] = pd.to_datetime(pd.Series(ends, index=out.index)).astype("datetime64[s]")
    unknown = sorted(set(statuses) - set(STATUSES))
    if unknown:
        raise ValueError(f"outcome status(es) {', '.join(unknown)}: expected one of {', '.join(STATUSES)}")
    out["status"] = pd.Categorical(statuses, categories=list(STATUSES))
    for column in [*OUTCOME_COLUMNS, *CHECK_COLUMNS]:
        values = pd.Series(found[column], index=out.index, dtype=object)
        if column in _DATES:
            out[column] = pd.to_datetime(values).astype("datetime64[s]")
        else:
            out[column] = values.astype("string")
    return out[STATUS_COLUMNS]

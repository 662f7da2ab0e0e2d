"""The plan's dated items and their status on any date: the monitor's logic.

Public API (the notebooks code against exactly this)::

    from workplan import tracker
    tracker.dated_items()                 # one row per dated plan item, from the tables that own the dates
    tracker.status("2026-11-27")          # the same rows with their status on that date
    tracker.status(day, outcomes=frame)   # ... with other outcomes than data/outcomes.csv (tests)
    tracker.STATUSES                      # the status vocabulary, in display order
    tracker.period(date, precision)       # [first day, first day after) of a partial date

`dated_items()` columns: item_id (unique: the event_id of an events row, the action_id of an action,
otherwise "<dataset>:<key>" such as "ivo_forums:2026", "ajccbc_support:next",
"ivo_proposal_targets:KHM/2026"), dataset, key, kind (x-vocabularies.item_kind), title_ja, title_en,
pillar_id (Int64), initiative_id, date, date_precision (day|month|year), end_date, end_precision (periods),
open_ended (a period with a start and no stated end), plan_status (what the plan says in January 2026:
held|completed|ongoing|planned|provisional), date_basis (x-vocabularies.date_basis: stated | this_year |
plan_title | outside), country_iso3 (where the item takes place or the country it concerns: forum host,
research partner, proposing country), place_ja, place_en, source_quote (the plan's words).

Who owns the dates: events (items no other table holds), actions (dated to the plan's year, see
date_basis), ivo_forums, ajccbc_support, ict_fund_projects (approval year), apt_joint_research and
ivo_proposal_targets. Each fact has one home; this module only joins them.

`status(as_of, outcomes=None)` adds period_start and period_end (first day after; empty for open-ended
periods), status, and, for the outcome used: outcome_id, outcome_date, outcome_date_precision,
source_title, source_publisher, source_url, source_date, outcome_quote, note_ja, note_en.
The status on `as_of`, first rule that applies:

1. the latest outcome known on `as_of` (its source_date ≤ as_of; latest source_date, then date, then
   outcome_id): its status (held, completed, in_progress, postponed, cancelled, changed). An outcome
   published after `as_of` is simply not known yet;
2. `upcoming`: the item's period (its day, month or year; a period's start) has not begun;
3. `held`: the plan says held/completed and the item has begun (a period: once its whole span is over;
   within it, `in_period`);
4. `in_period`: `as_of` falls within the day, month or year the plan gives, or within the start–end
   span (ends inclusive), or after the start of an open-ended period;
5. `overdue`: the period has ended and no outcome is recorded.

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

import datetime as dt
from typing import TYPE_CHECKING, Any

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
        end_first, after = period(end, end_precision)
        if end_first < first:
            raise ValueError(f"the end ({end_first.date()}) must not come before the start ({first.date()})")
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


# --- dated items ---------------------------------------------------------------------------------------

# Statuses on a date, in display order: the three the dates give, then the outcomes' vocabulary.
STATUSES = (
    "upcoming",
    "in_period",
    "overdue",
    "held",
    "completed",
    "in_progress",
    "postponed",
    "changed",
    "cancelled",
)
PLAN_HELD = ("held", "completed")

ITEM_COLUMNS = [
    "item_id",
    "dataset",
    "key",
    "kind",
    "title_ja",
    "title_en",
    "pillar_id",
    "initiative_id",
    "date",
    "date_precision",
    "end_date",
    "end_precision",
    "open_ended",
    "plan_status",
    "date_basis",
    "country_iso3",
    "place_ja",
    "place_en",
    "source_quote",
]
OUTCOME_COLUMNS = [
    "outcome_id",
    "outcome_date",
    "outcome_date_precision",
    "source_title",
    "source_publisher",
    "source_url",
    "source_date",
    "outcome_quote",
    "note_ja",
    "note_en",
]
STATUS_COLUMNS = [*ITEM_COLUMNS, "period_start", "period_end", "status", *OUTCOME_COLUMNS]

if TYPE_CHECKING:
    from .data import Catalog


def _catalog(catalog: Catalog | None) -> Catalog:
    from .data import default_catalog

    return catalog if catalog is not None else default_catalog()


def _year_start(years: pd.Series) -> list[pd.Timestamp]:
    return [pd.Timestamp(int(y), 1, 1) for y in years]


def _items(dataset: str, table: pd.DataFrame, keys: list[str], **columns: Any) -> pd.DataFrame:
    """Dated-item rows of one owner table; `columns` are Series or constants."""
    out = pd.DataFrame(index=table.index)
    if dataset in ("events", "actions"):
        out["item_id"] = table[keys[0]].astype(str)
    else:
        out["item_id"] = [f"{dataset}:{k}" for k in _keys(table, keys)]
    out["dataset"] = dataset
    out["key"] = _keys(table, keys)
    for name in ITEM_COLUMNS[3:]:
        out[name] = columns.get(name, pd.NA)
    return out


def _keys(table: pd.DataFrame, keys: list[str]) -> list[str]:
    return ["/".join(str(v) for v in row) for row in table[keys].itertuples(index=False)]


def _events(c: Catalog) -> pd.DataFrame:
    e = c.load("events")
    return _items(
        "events",
        e,
        ["event_id"],
        kind=e["kind"].astype(str),
        title_ja=e["title_ja"],
        title_en=e["title_en"],
        pillar_id=e["pillar_id"],
        initiative_id=e["initiative_id"],
        date=e["date"],
        date_precision=e["date_precision"].astype(str),
        end_date=e["end_date"],
        end_precision=e["end_precision"].astype("string"),
        open_ended=(e["kind"] == "period") & e["end_date"].isna(),
        plan_status=e["status"].astype(str),
        date_basis="stated",
        country_iso3=e["country_iso3"].astype("string"),
        place_ja=e["place_ja"],
        place_en=e["place_en"],
        source_quote=e["source_quote"],
    )


def _actions(c: Catalog) -> pd.DataFrame:
    a = c.load("actions").merge(c.load("initiatives")[["initiative_id", "pillar_id"]], on="initiative_id")
    a = a[a["year"].notna()]  # an action without a year has its date held by another table (see actions.year)
    return _items(
        "actions",
        a,
        ["action_id"],
        kind="action",
        title_ja=a["text_ja"],
        title_en=a["text_en"],
        pillar_id=a["pillar_id"],
        initiative_id=a["initiative_id"],
        date=_year_start(a["year"]),
        date_precision="year",
        plan_status="planned",
        date_basis=a["year_basis"].astype(str),
        source_quote=a["source_quote"],
    )


def _ivo_forums(c: Catalog) -> pd.DataFrame:
    f = c.load("ivo_forums")
    online = f["format"] == "online"
    return _items(
        "ivo_forums",
        f,
        ["year"],
        kind="forum",
        title_ja=[f"ASEAN IVOフォーラム{y}" for y in f["year"]],
        title_en=[f"ASEAN IVO Forum {y}" for y in f["year"]],
        pillar_id=3,  # initiative 3.3 (raw L98: ASEAN IVOフォーラム2026)
        initiative_id="3.3",
        date=f["date"],
        date_precision=f["date_precision"].astype(str),
        plan_status=f["status"].astype(str),
        date_basis="stated",
        country_iso3=f["country_iso3"].astype("string"),
        place_ja=f["online_wording_ja"].where(online, f["city_ja"]),
        place_en=f["online_wording_en"].where(online, f["city_en"]),
        source_quote=f["source_quote"],
    )


def _ajccbc_support(c: Catalog) -> pd.DataFrame:
    s = c.load("ajccbc_support")
    return _items(
        "ajccbc_support",
        s,
        ["phase_id"],
        kind="period",
        title_ja=[f"AJCCBCへの支援：{v}" for v in s["label_ja"]],
        title_en=[f"Support for AJCCBC: {v}" for v in s["label_en"]],
        pillar_id=2,  # initiative 2.1 (AJCCBC)
        initiative_id="2.1",
        date=s["start_date"],
        date_precision=s["start_precision"].astype(str),
        end_date=s["end_date"],
        end_precision=s["end_precision"].astype("string"),
        open_ended=s["end_date"].isna(),
        plan_status=s["status"].astype(str),
        date_basis=["outside" if isinstance(o, str) else "stated" for o in s["outside_source"]],
        source_quote=s["source_quote"],
    )


def _ict_fund_projects(c: Catalog) -> pd.DataFrame:
    p = c.load("ict_fund_projects")
    return _items(
        "ict_fund_projects",
        p,
        ["project_id"],
        kind="approval",
        title_ja=[f"日ASEAN ICT基金による承認：{v}" for v in p["title_ja"]],
        title_en=[f"Approved for the Japan-ASEAN ICT Fund: {v}" for v in p["title_en"]],
        pillar_id=4,  # initiative 4.1 (日ASEAN ICT基金等による支援)
        initiative_id="4.1",
        date=_year_start(p["approved_year"]),
        date_precision="year",
        plan_status="held",  # listed under 直近の実績 (recent results): approved before the plan
        date_basis="stated",
        country_iso3=p["proposer_iso3"].astype("string"),
        source_quote=p["source_quote"],
    )


def _apt_joint_research(c: Catalog) -> pd.DataFrame:
    r = c.load("apt_joint_research")
    return _items(
        "apt_joint_research",
        r,
        ["research_id"],
        kind="activity",
        title_ja=r["title_ja"],
        title_en=r["title_en"],
        pillar_id=3,  # initiative 3.2 (APTを通じた人材育成等)
        initiative_id="3.2",
        date=_year_start(r["year"]),
        date_precision="year",
        plan_status=r["status"].astype(str),
        date_basis="stated",
        country_iso3=r["partner_iso3"].astype("string"),
        source_quote=r["source_quote"],
    )


def _ivo_proposal_targets(c: Catalog) -> pd.DataFrame:
    t = c.load("ivo_proposal_targets")
    return _items(
        "ivo_proposal_targets",
        t,
        ["iso3", "year"],
        kind="activity",
        title_ja=[f"ASEAN IVO：{n}からの提案採択" for n in t["name_ja"]],
        title_en=[f"ASEAN IVO: adoption of proposals from {n}" for n in t["name_en"]],
        pillar_id=3,  # initiative 3.3 (action 3.3-2)
        initiative_id="3.3",
        date=_year_start(t["year"]),
        date_precision="year",
        plan_status=t["status"].astype(str),
        date_basis="this_year",  # 本年も
        country_iso3=t["iso3"].astype("string"),
        source_quote=t["source_quote"],
    )


# Every table that holds a plan date, and how its rows become dated items. Tables with dates that are
# not plan items (key_figures.as_of and memberships.as_of date a count; countries.asean_joined and
# ivo_projects.fiscal_year are facts about the past, not commitments) are listed in NOT_ITEMS.
OWNERS = {
    "events": _events,
    "actions": _actions,
    "ivo_forums": _ivo_forums,
    "ajccbc_support": _ajccbc_support,
    "ict_fund_projects": _ict_fund_projects,
    "apt_joint_research": _apt_joint_research,
    "ivo_proposal_targets": _ivo_proposal_targets,
}
NOT_ITEMS = {
    "key_figures": "as_of dates a count, not an item",
    "memberships": "as_of dates a membership list, not an item",
    "countries": "asean_joined is an outside fact about membership",
    "ivo_projects": "fiscal_year counts past projects per year",
    "outcomes": "outcomes report on dated items; they are not items themselves",
}


def dated_items(catalog: Catalog | None = None) -> pd.DataFrame:
    """One row per dated plan item, joined from the tables that own the dates (see the module doc)."""
    c = _catalog(catalog)
    frames = [build(c) for build in OWNERS.values()]
    items = pd.concat(frames, ignore_index=True)[ITEM_COLUMNS]
    kinds = list(c.descriptor["x-vocabularies"]["item_kind"])
    items = items.astype(
        {
            "item_id": "string",
            "dataset": "string",
            "key": "string",
            "title_ja": "string",
            "title_en": "string",
            "pillar_id": "Int64",
            "initiative_id": "string",
            "date_precision": "string",
            "end_precision": "string",
            "open_ended": "boolean",
            "plan_status": "string",
            "date_basis": "string",
            "country_iso3": "string",
            "place_ja": "string",
            "place_en": "string",
            "source_quote": "string",
        }
    )
    items["kind"] = pd.Categorical(items["kind"].astype(str), categories=kinds)
    items["open_ended"] = items["open_ended"].fillna(False)
    for column in ("date", "end_date"):
        items[column] = pd.to_datetime(items[column]).astype("datetime64[s]")
    duplicated = items.loc[items["item_id"].duplicated(), "item_id"].tolist()
    if duplicated:
        raise ValueError(f"item ids must be unique; repeated: {', '.join(duplicated)}")
    return items.sort_values(["date", "item_id"], kind="stable").reset_index(drop=True)


def item_ids(catalog: Catalog | None = None) -> set[str]:
    """Every item_id an outcome may refer to."""
    return set(dated_items(catalog)["item_id"].astype(str))


# --- status on a date ----------------------------------------------------------------------------------


def _as_of(value: Any) -> pd.Timestamp:
    from .errors import ParameterError

    try:
        day = pd.Timestamp(value)
    except (TypeError, ValueError):
        day = pd.NaT
    if pd.isna(day):
        raise ParameterError("as_of", value, "a date YYYY-MM-DD")
    return day.normalize()


def _known_outcomes(outcomes: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """The latest outcome per item among those published by `day`."""
    required = ["outcome_id", "item_id", "status", "date", "date_precision", "source_date"]
    missing = [c for c in required if c not in outcomes.columns]
    if missing:
        raise ValueError(f"outcomes lack column(s) {', '.join(missing)}")
    frame = outcomes.copy()
    for column in ("date", "source_date"):
        frame[column] = pd.to_datetime(frame[column])
    known = frame[frame["source_date"] <= day]
    known = known.sort_values(["source_date", "date", "outcome_id"], kind="stable")
    return known.groupby("item_id", sort=False).tail(1).set_index("item_id")


def status_from_dates(
    plan_status: str, start: pd.Timestamp, end: pd.Timestamp | None, day: pd.Timestamp, *, is_span: bool
) -> str:
    """Rules 2-5 of the module doc: the status the plan's dates give on `day`, with no outcome recorded.

    `start`/`end` are the item's half-open period ([first day, first day after); `end` None for an
    open-ended period); `is_span` is True for an item with a start and an end date.
    """
    if day < start:
        return "upcoming"
    if plan_status in PLAN_HELD and not (is_span and end is not None and day < end):
        return "held"
    if end is None or day < end:
        return "in_period"
    return "overdue"


def status(as_of: Any, outcomes: pd.DataFrame | None = None, catalog: Catalog | None = None) -> pd.DataFrame:
    """dated_items() with each item's status on `as_of` and the outcome it comes from (see module doc)."""
    day = _as_of(as_of)
    c = _catalog(catalog)
    items = dated_items(c)
    latest = _known_outcomes(c.load("outcomes") if outcomes is None else outcomes, day)
    starts, ends, statuses = [], [], []
    found: dict[str, list[Any]] = {column: [] for column in OUTCOME_COLUMNS}
    sources = {
        "outcome_id": "outcome_id",
        "outcome_date": "date",
        "outcome_date_precision": "date_precision",
        "source_title": "source_title",
        "source_publisher": "source_publisher",
        "source_url": "source_url",
        "source_date": "source_date",
        "outcome_quote": "source_quote",
        "note_ja": "note_ja",
        "note_en": "note_en",
    }
    for item in items.itertuples(index=False):
        start, after = span(item.date, item.date_precision, item.end_date, item.end_precision)
        end = None if item.open_ended else after
        starts.append(start)
        ends.append(pd.NaT if end is None else end)
        outcome = latest.loc[item.item_id] if item.item_id in latest.index else None
        if outcome is not None:
            statuses.append(str(outcome["status"]))
        else:
            is_span = not pd.isna(item.end_date)
            statuses.append(status_from_dates(item.plan_status, start, end, day, is_span=is_span))
        for column, source in sources.items():
            value = outcome.get(source, pd.NA) if outcome is not None else pd.NA
            found[column].append(pd.NA if value is None else value)
    out = items.copy()
    out["period_start"] = pd.to_datetime(pd.Series(starts, index=out.index)).astype("datetime64[s]")
    out["period_end"] = pd.to_datetime(pd.Series(ends, index=out.index)).astype("datetime64[s]")
    unknown = sorted(set(statuses) - set(STATUSES))
    if unknown:
        raise ValueError(f"outcome status(es) {', '.join(unknown)}: expected one of {', '.join(STATUSES)}")
    out["status"] = pd.Categorical(statuses, categories=list(STATUSES))
    for column in OUTCOME_COLUMNS:
        values = pd.Series(found[column], index=out.index, dtype=object)
        if column in ("outcome_date", "source_date"):
            out[column] = pd.to_datetime(values).astype("datetime64[s]")
        else:
            out[column] = values.astype("string")
    return out[STATUS_COLUMNS]

"""The plan's dated items, joined from the tables that own the dates, and the periods their dates name.

This module holds what both the loader's checks (workplan.checks) and the tracker (workplan.tracker) need,
so neither imports the other: it takes a loaded Catalog and never imports workplan.data. The public API is
workplan.tracker's, which re-exports `period`, `span`, `months_between`, `contains` and builds on
`dated_items` (see its module doc for the columns and rules).
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
if TYPE_CHECKING:
    from .data import Catalog


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
        plan_status="approved",  # listed under 直近の実績 (recent results): approved before the plan
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
    "outcome_checks": "checked_on dates a search for an outcome, not an item",
}


def owners_key() -> tuple[tuple[str, Any], ...]:
    """Part of the key of what is worked out from OWNERS, once per catalog: the same owners."""
    return tuple(OWNERS.items())


def all_items(c: Catalog) -> pd.DataFrame:
    """One row per dated row of the owner tables, before item_links folds a same_as pair into one item."""
    return c.derived(("dated.all_items", owners_key()), lambda: _all_items(c))


def _all_items(c: Catalog) -> pd.DataFrame:
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


def item_ids(c: Catalog) -> set[str]:
    """Every item_id an outcome, a check or a link may refer to (the same_as items included)."""
    return set(all_items(c)["item_id"].astype(str))


def links(c: Catalog) -> pd.DataFrame:
    """item_links (item_id, relation, other_item_id, ...), or an empty frame where the package has none."""
    if "item_links" not in c.resources:
        return pd.DataFrame(columns=["item_id", "relation", "other_item_id"], dtype="string")
    table = c.load("item_links")
    return table.astype({"relation": "string"})


def same_as(c: Catalog) -> dict[str, str]:
    """{item_id: the item_id kept}: each item that item_links says is the same commitment as another."""
    return c.derived("dated.same_as", lambda: _same_as(c))


def _same_as(c: Catalog) -> dict[str, str]:
    link = links(c)
    pairs = link[link["relation"] == "same_as"]
    return dict(zip(pairs["item_id"].astype(str), pairs["other_item_id"].astype(str), strict=True))


def dated_items(c: Catalog) -> pd.DataFrame:
    """One row per dated commitment: all_items() without the items item_links names same_as another; the
    kept item lists them in same_as_ids (comma-separated)."""
    return c.derived(("dated.dated_items", owners_key()), lambda: _dated_items(c))


def _dated_items(c: Catalog) -> pd.DataFrame:
    items = all_items(c)
    folded = same_as(c)
    kept: dict[str, list[str]] = {}
    for alias, target in folded.items():
        kept.setdefault(target, []).append(alias)
    items = items[~items["item_id"].isin(list(folded))].reset_index(drop=True)
    items["same_as_ids"] = pd.array(
        [", ".join(sorted(kept[i])) if i in kept else pd.NA for i in items["item_id"]], dtype="string"
    )
    return items

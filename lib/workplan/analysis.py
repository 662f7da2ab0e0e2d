"""Derived tables, built only from the loaded datasets (never typed by hand).

Every function here is language-neutral: it returns both `_ja` and `_en` columns where text is
involved; the report layer picks one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from . import load
from .countries import members_on

PRECISION_OFFSETS = {
    "year": pd.DateOffset(years=1),
    "month": pd.DateOffset(months=1),
    "day": pd.DateOffset(days=1),
}

PLAN_PUBLISHED = pd.Timestamp("2026-01-01")  # the plan is dated January 2026 (month precision)


def period_end(start: pd.Timestamp, precision: str) -> pd.Timestamp:
    """The first day after the period a partial date names: 2026-03 (month) → 2026-04-01."""
    return pd.Timestamp(start) + PRECISION_OFFSETS[precision]


# --- structure -------------------------------------------------------------------------------------


def structure() -> pd.DataFrame:
    """Pillar → initiative → number of actions, one row per initiative, in plan order."""
    initiatives = load("initiatives")
    pillars = load("pillars")
    counts = load("actions").groupby("initiative_id", observed=True).size().rename("actions")
    table = initiatives.merge(pillars, on="pillar_id", suffixes=("", "_pillar"))
    table = table.merge(counts, left_on="initiative_id", right_index=True, how="left")
    table["actions"] = table["actions"].fillna(0).astype("Int64")
    columns = ["pillar_id", "name_ja_pillar", "name_en_pillar", "initiative_id", "name_ja", "name_en", "actions"]
    return table[columns].sort_values("initiative_id").reset_index(drop=True)


def counts_by_pillar() -> pd.DataFrame:
    """Initiatives and actions per pillar."""
    s = structure()
    out = s.groupby(["pillar_id", "name_ja_pillar", "name_en_pillar"], observed=True).agg(
        initiatives=("initiative_id", "count"), actions=("actions", "sum")
    )
    return out.reset_index().astype({"initiatives": "Int64", "actions": "Int64"})


def counts_by_kind() -> pd.DataFrame:
    """Actions per kind and pillar (long form), kinds in the vocabulary's order."""
    actions = load("actions").merge(load("initiatives")[["initiative_id", "pillar_id"]], on="initiative_id")
    out = actions.groupby(["kind", "pillar_id"], observed=True).size().rename("actions").reset_index()
    return out.astype({"actions": "Int64"})


# --- time ----------------------------------------------------------------------------------------


def status_on(status: str, start: pd.Timestamp, precision: str, end: pd.Timestamp | None,
              end_precision: str | None, as_of: str | dt.date) -> str:
    """What the plan's status means on `as_of`.

    The source's statuses describe January 2026. On another date: a held item that lies after
    `as_of` had not yet happened; a planned or provisional item whose whole period lies before
    `as_of` is "due" (the plan cannot say whether it happened); a period that has begun and not
    ended is ongoing.
    """
    day = pd.Timestamp(as_of)
    first = pd.Timestamp(start)
    open_ended = status == "ongoing" and (end is None or pd.isna(end))
    if open_ended:
        return "ongoing" if day >= first else "not_yet"
    last = period_end(end, end_precision) if end is not None and not pd.isna(end) else period_end(first, precision)
    if day < first:
        return "not_yet" if status in ("held", "completed", "ongoing") else status
    if day < last and end is not None and not pd.isna(end):
        return "ongoing" if status in ("held", "completed", "ongoing") else status
    if status in ("planned", "provisional"):
        return "due" if day >= last else status
    if status == "completed":
        return "held"
    if status == "ongoing" and day >= last:
        return "held"
    return status


def timeline(as_of: str) -> pd.DataFrame:
    """Every dated item of the plan, with its status on `as_of` beside the status the plan gives."""
    events = load("events")
    events["status_on_as_of"] = [
        status_on(r.status, r.date, r.date_precision, r.end_date, r.end_precision, as_of)
        for r in events.itertuples()
    ]
    events["status_on_as_of"] = events["status_on_as_of"].astype("string")
    events["is_period"] = events["end_date"].notna()
    return events.sort_values(["date", "event_id"]).reset_index(drop=True)


# --- pillar 1 --------------------------------------------------------------------------------------


def ai_principles_by_category() -> pd.DataFrame:
    principles = load("ai_principles")
    out = principles.groupby(["category_id", "category_order", "category_ja", "category_en"], observed=True).agg(
        points=("number", "count"), numbers=("number", lambda s: ", ".join(str(n) for n in s))
    )
    return out.reset_index().sort_values("category_order").reset_index(drop=True)


def friends_group(as_of: str) -> pd.DataFrame:
    """ASEAN members on `as_of` and whether the plan lists them in the Friends Group (as of 2025-12-31)."""
    members = members_on(as_of)
    group = load("memberships")
    group = group[group["body"] == "hiroshima_ai_process_friends_group"]
    out = members[["iso3", "name_ja", "name_en", "asean_joined"]].copy()
    out["in_group"] = out["iso3"].isin(group["iso3"]).astype("boolean")
    out["recorded_as_of"] = group["as_of"].max()
    return out


# --- pillar 2 --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    """Months between the end of one support phase and the start of the next (derived)."""

    after: str
    before: str
    first_day: pd.Timestamp  # first day not covered
    next_start: pd.Timestamp
    months: int


def ajccbc_phases() -> pd.DataFrame:
    """Support phases with the first day after each (end date's precision applied)."""
    phases = load("ajccbc_support").sort_values("phase_order").reset_index(drop=True)
    phases["covered_until"] = [
        period_end(r.end_date, r.end_precision) for r in phases.itertuples()
    ]
    return phases


def ajccbc_gaps() -> list[Gap]:
    """Uncovered stretches between consecutive phases, in whole months."""
    phases = ajccbc_phases()
    gaps = []
    for prev, nxt in zip(phases.itertuples(), phases.iloc[1:].itertuples(), strict=False):
        first_day, next_start = prev.covered_until, pd.Timestamp(nxt.start_date)
        if next_start > first_day:
            months = (next_start.year - first_day.year) * 12 + next_start.month - first_day.month
            gaps.append(Gap(prev.phase_id, nxt.phase_id, first_day, next_start, months))
    return gaps


# --- pillar 3 --------------------------------------------------------------------------------------


def figure(metric: str) -> pd.Series:
    """One row of key_figures."""
    figures = load("key_figures").set_index("metric")
    return figures.loc[metric]


def ivo_projects_total_check() -> dict[str, float | bool]:
    projects = load("ivo_projects")
    counted = int(projects["projects"].sum())
    stated = int(figure("ivo_projects_total")["value"])
    return {"counted": counted, "stated": stated, "agrees": counted == stated}


def forum_hosts(as_of: str) -> pd.DataFrame:
    """Members on `as_of`, with the forums (held by `as_of`, or planned) they host."""
    forums = load("ivo_forums")
    members = members_on(as_of)[["iso3", "name_ja", "name_en"]].copy()
    day = pd.Timestamp(as_of)
    rows = []
    for m in members.itertuples():
        hosted = forums[forums["country_iso3"] == m.iso3]
        held = hosted[(hosted["status"] == "held") & (hosted["date"] <= day)]
        upcoming = hosted[~hosted.index.isin(held.index)]
        rows.append({
            "iso3": m.iso3, "name_ja": m.name_ja, "name_en": m.name_en,
            "forums_hosted": len(held),
            "years_hosted": ", ".join(str(y) for y in held["year"]),
            "forums_upcoming": len(upcoming),
            "years_upcoming": ", ".join(str(y) for y in upcoming["year"]),
        })
    return pd.DataFrame(rows).astype({"forums_hosted": "Int64", "forums_upcoming": "Int64"})


def ivo_institution_growth() -> pd.DataFrame:
    metrics = ["ivo_founding_institutions", "ivo_member_institutions"]
    figures = load("key_figures")
    return figures[figures["metric"].isin(metrics)].sort_values("as_of").reset_index(drop=True)


# --- pillar 4 --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FundAverage:
    """The ICT Fund's average yearly contribution: derived, not stated by the source."""

    cumulative_usd: float
    first_year: int
    last_year: int
    years: int
    average_usd: float


def ict_fund_average() -> FundAverage:
    """Cumulative contribution ÷ the years 2009 to 2025 (one per year, as the source says; 2026 is future).

    The source states the fund's creation (2009), contributions every year since, and the
    cumulative total in the plan of January 2026; it gives no yearly amounts.
    """
    cumulative = float(figure("ict_fund_cumulative_contribution")["value"])
    events = load("events").set_index("event_id")
    first_year = int(events.loc["ict_fund_creation", "date"].year)
    last_year = PLAN_PUBLISHED.year - 1
    years = last_year - first_year + 1
    return FundAverage(cumulative, first_year, last_year, years, cumulative / years)


def fund_projects_by_year_and_proposer() -> pd.DataFrame:
    projects = load("ict_fund_projects")
    out = projects.groupby(["approved_year", "proposer_iso3"], observed=True).size().rename("projects")
    return out.reset_index().astype({"projects": "Int64"})

"""Derived tables that several notebooks use, or that are too subtle to write inline, built only
from the loaded datasets (never typed by hand). Each is tested against facts read from the source.

Everything else a report shows is derived in its notebook, in plain pandas a reader can follow.
Every function here is language-neutral: it returns both `_ja` and `_en` columns where text is
involved; the notebook picks one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import load
from .countries import members_on
from .tracker import months_between, span

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
    """Support phases with `covered_from` / `covered_until` (first day after: ends are inclusive).

    `months` is the length in whole months where both ends are month- or year-precise, so the
    next support, 2027年6月-2031年5月, is 48 months.
    """
    phases = load("ajccbc_support").sort_values("phase_order").reset_index(drop=True)
    spans = [span(r.start_date, r.start_precision, r.end_date, r.end_precision) for r in phases.itertuples()]
    phases["covered_from"] = [first for first, _ in spans]
    phases["covered_until"] = [after for _, after in spans]
    phases["months"] = pd.array([months_between(first, after) for first, after in spans], dtype="Int64")
    return phases


def ajccbc_gaps() -> list[Gap]:
    """Uncovered stretches between consecutive phases, in whole months."""
    phases = ajccbc_phases()
    gaps = []
    for prev, nxt in zip(phases.itertuples(), phases.iloc[1:].itertuples(), strict=False):
        first_day, next_start = prev.covered_until, nxt.covered_from
        if next_start > first_day:
            gaps.append(
                Gap(prev.phase_id, nxt.phase_id, first_day, next_start, months_between(first_day, next_start))
            )
    return gaps


# --- pillar 3 --------------------------------------------------------------------------------------


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
        rows.append(
            {
                "iso3": m.iso3,
                "name_ja": m.name_ja,
                "name_en": m.name_en,
                "forums_hosted": len(held),
                "years_hosted": ", ".join(str(y) for y in held["year"]),
                "forums_upcoming": len(upcoming),
                "years_upcoming": ", ".join(str(y) for y in upcoming["year"]),
            }
        )
    return pd.DataFrame(rows).astype({"forums_hosted": "Int64", "forums_upcoming": "Int64"})


# --- country lens -----------------------------------------------------------------------------------

# What naming a country in each (dataset, column) means. Every country-code column of the data
# package must be listed here or in NOT_ENGAGEMENT (a test checks), so a new dataset cannot be missed.
ENGAGEMENT_ROLES: dict[tuple[str, str], str] = {
    ("ivo_forums", "country_iso3"): "forum_host",
    ("ict_fund_projects", "proposer_iso3"): "fund_proposer",
    ("apt_joint_research", "partner_iso3"): "research_partner",
    ("memberships", "iso3"): "friends_group",
    ("ivo_proposal_targets", "iso3"): "ivo_proposal",
    ("events", "country_iso3"): "event_place",
    ("apt_trainings", "place_iso3"): "training_place",
}
NOT_ENGAGEMENT = {("countries", "iso3")}  # the member list itself
ROLE_ORDER = list(dict.fromkeys(ENGAGEMENT_ROLES.values()))
_YEAR_COLUMNS = ("year", "approved_year", "fiscal_year")
_DATE_COLUMNS = ("date", "as_of", "start_date")


def country_columns() -> list[tuple[str, str]]:
    """Every (dataset, column) of the data package that holds an ISO 3166 alpha-3 code."""
    from .data import default_catalog

    found = []
    for name, resource in default_catalog().resources.items():
        for f in resource.fields:
            if f.name == "iso3" or f.name.endswith("_iso3"):
                found.append((name, f.name))
    return found


def _row_year(row: pd.Series) -> int | None:
    for column in _YEAR_COLUMNS:
        if column in row and not pd.isna(row[column]):
            return int(row[column])
    for column in _DATE_COLUMNS:
        if column in row and not pd.isna(row[column]):
            return int(pd.Timestamp(row[column]).year)
    return None


def _row_text(row: pd.Series, lang: str) -> str:
    for column in ("title", "body", "city", "name", "text"):
        key = f"{column}_{lang}"
        if key in row and isinstance(row[key], str):
            return row[key]
    return ""


def engagement() -> pd.DataFrame:
    """Country × programme engagement: one row per row of any dataset that names an ASEAN member.

    Columns: iso3, role, dataset, key, year, status, text_ja, text_en, source_quote. Each fact has
    one home (events holds only dated items no other table owns), so nothing counts twice.
    """
    from .data import default_catalog

    catalog = default_catalog()
    members = set(load("countries")["iso3"].astype(str))
    rows = []
    for dataset, column in country_columns():
        if (dataset, column) in NOT_ENGAGEMENT:
            continue
        role = ENGAGEMENT_ROLES[(dataset, column)]
        table = load(dataset)
        key_columns = list(catalog.resource(dataset).primary_key)
        for _, row in table.iterrows():
            code = row[column]
            if pd.isna(code) or str(code) not in members:
                continue
            rows.append(
                {
                    "iso3": str(code),
                    "role": role,
                    "dataset": dataset,
                    "key": ", ".join(str(row[k]) for k in key_columns),
                    "year": _row_year(row),
                    "status": str(row["status"]) if "status" in row and not pd.isna(row["status"]) else pd.NA,
                    "text_ja": _row_text(row, "ja"),
                    "text_en": _row_text(row, "en"),
                    "source_quote": row["source_quote"],
                }
            )
    columns = ["iso3", "role", "dataset", "key", "year", "status", "text_ja", "text_en", "source_quote"]
    out = pd.DataFrame(rows, columns=columns)
    out["role"] = pd.Categorical(out["role"], categories=ROLE_ORDER)
    out = out.astype(
        {
            "iso3": "string",
            "dataset": "string",
            "key": "string",
            "year": "Int64",
            "status": "string",
            "text_ja": "string",
            "text_en": "string",
            "source_quote": "string",
        }
    )
    return out.sort_values(["iso3", "year", "role", "key"], na_position="last").reset_index(drop=True)


def engagement_matrix(as_of: str) -> pd.DataFrame:
    """Members on `as_of` (rows, in the dataset's order) × roles (columns): number of rows naming them."""
    members = members_on(as_of)["iso3"].astype(str).to_list()
    table = engagement()
    counts = table.groupby(["iso3", "role"], observed=False).size().unstack("role", fill_value=0)
    counts = counts.reindex(index=members, fill_value=0)
    roles = [r for r in ROLE_ORDER if r in counts.columns and counts[r].sum() > 0]
    return counts[roles].astype("int64")

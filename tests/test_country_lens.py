"""The country lens: the engagement table is derived from the datasets and agrees with the source."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import workplan
from workplan import analysis
from workplan.countries import members_on, resolve_country
from workplan.data import source_text, strip_whitespace
from workplan.errors import ParameterError
from workplan.report import CountryReport, OverviewReport

FLAT = strip_whitespace(source_text())
ENGAGEMENT = analysis.engagement()
NAME_TO_ISO3 = {
    **dict(
        zip(
            workplan.load("countries")["name_en"], workplan.load("countries")["iso3"].astype(str), strict=True
        )
    ),
    "Laos": "LAO",
    "Vietnam": "VNM",
    "Brunei": "BRN",  # the spellings the slide uses
}


def test_every_country_code_column_has_a_declared_role():
    for column in analysis.country_columns():
        assert column in analysis.ENGAGEMENT_ROLES or column in analysis.NOT_ENGAGEMENT, column


def test_forum_hosts_in_the_engagement_table_are_the_ones_the_source_lists():
    # The slide's "開催地:" block, whitespace removed: "2019.11:Manila(Philippines)" …
    block = FLAT[FLAT.index("開催地:") : FLAT.index("ASEANIVO共同連携")]
    entries = re.findall(r"(\d{4})\.\d{1,2}:(.+?)(?=\d{4}\.\d|$)", block)
    countries = {}
    for year, place in entries:
        named = re.search(r"\(([A-Za-z]+)\)", place)
        if named:
            countries[year] = named.group(1)
        elif place in NAME_TO_ISO3:  # a city-state printed alone: "Singapore"
            countries[year] = place
    assert len(entries) == 12 and len(countries) == 10  # two were online
    assert countries["2019"] == "Philippines" and countries["2025"] == "Singapore"
    rows = ENGAGEMENT[ENGAGEMENT["role"] == "forum_host"]
    got = {(str(y), c) for y, c in zip(rows["year"], rows["iso3"], strict=True)}
    expected = {(y, NAME_TO_ISO3[c]) for y, c in countries.items()}
    assert got == expected


def test_friends_group_rows_are_the_nine_members_the_source_names():
    listed = re.search(r"ASEAN9か国（(.+?)）", FLAT).group(1).split("、")
    by_ja = dict(
        zip(
            workplan.load("countries")["name_ja"], workplan.load("countries")["iso3"].astype(str), strict=True
        )
    )
    rows = ENGAGEMENT[ENGAGEMENT["role"] == "friends_group"]
    assert sorted(rows["iso3"]) == sorted(by_ja[name] for name in listed)


def test_planned_ivo_proposals_and_apt_partners_match_the_source():
    assert "カンボジア、ラオス、ミャンマーからの提案採択を予定" in FLAT
    proposals = ENGAGEMENT[ENGAGEMENT["role"] == "ivo_proposal"]
    assert sorted(proposals["iso3"]) == ["KHM", "LAO", "MMR"]
    assert set(proposals["status"]) == {"planned"}
    partners = ENGAGEMENT[ENGAGEMENT["role"] == "research_partner"]
    assert sorted(partners["iso3"]) == ["MYS", "PHL"] and set(partners["year"]) == {2026}


def test_fund_proposers_count_only_asean_members():
    assert FLAT.count("提案国：インドネシア") == 2 and FLAT.count("提案国：日本") == 2
    rows = ENGAGEMENT[ENGAGEMENT["role"] == "fund_proposer"]
    assert rows["iso3"].tolist() == ["IDN", "IDN"]


def test_each_engagement_row_carries_its_source_words():
    for quote in ENGAGEMENT["source_quote"]:
        assert strip_whitespace(quote) in FLAT


def test_nothing_is_counted_twice_from_mirrored_events():
    assert not (ENGAGEMENT["dataset"] == "events").any()
    assert not ENGAGEMENT.duplicated(["dataset", "key", "role"]).any()


@pytest.mark.parametrize(("day", "members", "has_tls"), [("2025-10-25", 10, False), ("2025-10-26", 11, True)])
def test_membership_follows_the_as_of_date(day, members, has_tls):
    assert len(members_on(day)) == members
    matrix = analysis.engagement_matrix(day)
    assert len(matrix) == members and ("TLS" in matrix.index) == has_tls


def test_country_report_says_when_the_plan_names_the_country_nowhere():
    report = CountryReport(lang="en", as_of="2026-01-31", country="Timor-Leste")
    assert report.rows.empty
    assert "names Timor-Leste nowhere" in repr(report.summary())
    ja = CountryReport(lang="ja", as_of="2026-01-31", country="tl")
    assert "一度も言及していません" in repr(ja.summary())


def test_country_report_before_joining_says_not_a_member():
    report = CountryReport(lang="en", as_of="2025-06-30", country="TLS")
    assert "was not yet a member of ASEAN on 30 June 2025" in repr(report.title())
    assert "TLS" not in report.engagement_counts().index


def test_the_plans_ten_countries_and_eleven_members_are_not_silently_mixed():
    assert "ASEAN10カ国107機関" in FLAT
    after = OverviewReport(lang="en", as_of="2026-01-31").membership_note()
    assert after is not None and "10 ASEAN countries" in repr(after) and "11 members" in repr(after)
    before = OverviewReport(lang="en", as_of="2025-06-30").membership_note()
    assert before is None  # ten members then, as the plan counts


def test_khm_report_lists_its_engagements_with_quotes():
    report = CountryReport(lang="en", as_of="2026-01-31", country="KHM")
    table = report.engagements()
    assert sorted(report.rows["role"].astype(str)) == ["forum_host", "friends_group", "ivo_proposal"]
    assert "Phnom Penh" in repr(table) and "Source wording" in table._repr_html_()


@pytest.mark.parametrize("value", ["Atlantis", "JP", "", None, 5, "Laos"])
def test_unknown_countries_are_refused_naming_the_allowed_codes(value):
    with pytest.raises(ParameterError) as info:
        resolve_country(value)
    assert "KHM (Cambodia)" in str(info.value) and "TLS (Timor-Leste)" in str(info.value)


def test_engagement_table_is_built_from_the_datasets_not_typed():
    forums = workplan.load("ivo_forums")
    hosted = forums["country_iso3"].dropna()
    assert (ENGAGEMENT["role"] == "forum_host").sum() == len(hosted)
    assert isinstance(ENGAGEMENT["year"].dtype, pd.Int64Dtype)

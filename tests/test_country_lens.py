"""The country lens: the engagement table is derived from the datasets and agrees with the source."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pandas as pd
import pytest
import workplan
from notebook_run import run_notebook
from workplan import analysis
from workplan.countries import members_on, resolve_country
from workplan.data import source_text, strip_whitespace
from workplan.errors import ParameterError
from workplan.show import Table

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


def shown(notebook: str, **params) -> str:
    return "\n".join(repr(part) for part in run_notebook(notebook, **params))


def test_country_report_says_when_the_plan_names_the_country_nowhere():
    en = run_notebook("country.ipynb", lang="en", as_of="2026-01-31", country="Timor-Leste")
    assert "names Timor-Leste nowhere" in "\n".join(map(repr, en))
    assert not [p for p in en if isinstance(p, Table)]  # no empty table
    assert "一度も言及していません" in shown("country.ipynb", lang="ja", as_of="2026-01-31", country="tl")


def test_country_report_before_joining_says_not_a_member():
    parts = run_notebook("country.ipynb", lang="en", as_of="2025-06-30", country="TLS")
    assert "was not yet a member of ASEAN on 30 June 2025" in repr(parts[0])
    comparison = next(p for p in parts if getattr(p, "title", "") == "Rows of the plan naming each member")
    assert "TLS" not in comparison.data["iso3"].tolist() and len(comparison.data) == 10


def test_the_plans_ten_countries_and_eleven_members_are_not_silently_mixed():
    assert "ASEAN10カ国107機関" in FLAT
    after = shown("overview.ipynb", lang="en", as_of="2026-01-31")
    assert "the plan counts 10 ASEAN countries in ASEAN IVO; on 31 January 2026 ASEAN has 11 members" in after
    before = shown("overview.ipynb", lang="en", as_of="2025-06-30")
    assert "the plan counts 10 ASEAN countries" not in before  # ten members then, as the plan counts


def test_khm_report_lists_its_engagements_with_quotes():
    parts = run_notebook("country.ipynb", lang="en", as_of="2026-01-31", country="KHM")
    (table,) = [
        p for p in parts if isinstance(p, Table) and p.caption == "Everything in the plan that names Cambodia"
    ]
    assert table.frame["Role"].tolist() == [
        "ASEAN IVO Forum host",
        "Hiroshima AI Process Friends Group",
        "ASEAN IVO proposals to be adopted (2026)",
    ]
    assert table.frame["Year"].tolist() == [2024, 2025, 2026]
    assert "Phnom Penh" in repr(table) and "Source wording" in table._repr_html_()
    assert "The plan names Cambodia in **3** places" in "\n".join(
        p.markdown for p in parts if hasattr(p, "markdown")
    )


@pytest.mark.parametrize("value", ["Atlantis", "JP", "", None, 5, "Laos"])
def test_unknown_countries_are_refused_naming_the_allowed_codes(value):
    with pytest.raises(ParameterError) as info:
        resolve_country(value)
    assert (info.value.name, info.value.value) == ("country", value)
    assert info.value.allowed == (
        "an ASEAN member as ISO alpha-3, alpha-2 or English name: IDN (Indonesia), MYS (Malaysia), "
        "PHL (Philippines), SGP (Singapore), THA (Thailand), BRN (Brunei Darussalam), VNM (Viet Nam), "
        "LAO (Lao PDR), MMR (Myanmar), KHM (Cambodia), TLS (Timor-Leste)"
    )


@pytest.mark.parametrize(
    ("value", "iso3"),
    [
        ("khm", "KHM"),
        (" KH ", "KHM"),
        ("cambodia", "KHM"),
        ("Viet Nam", "VNM"),
        ("tl", "TLS"),
        ("MMR", "MMR"),
    ],
)
def test_a_member_is_found_by_any_of_its_codes_or_its_english_name(value, iso3):
    assert resolve_country(value) == iso3


def test_members_on_a_date_keep_the_member_lists_columns_and_order():
    members = members_on("1990-01-01")
    assert members["iso3"].tolist() == [
        "IDN",
        "MYS",
        "PHL",
        "SGP",
        "THA",
        "BRN",
    ]  # the five founders, Brunei 1984
    assert list(members.columns) == list(workplan.load("countries").columns)
    assert members.index.tolist() == list(range(6))


def test_members_on_a_date_from_a_member_list_of_ones_own():
    """A notebook may pass the member list it already holds (as recorded on another date)."""
    mine = workplan.load("countries").iloc[[10, 9, 0]]  # TLS, KHM, IDN
    assert members_on("2026-01-31", mine)["iso3"].tolist() == ["TLS", "KHM", "IDN"]
    assert members_on("1999-04-30", mine)["iso3"].tolist() == ["KHM", "IDN"]  # the day Cambodia joined


def test_the_member_list_reads_the_same_whatever_the_locales_encoding():
    """countries.csv is UTF-8: a machine whose default encoding is not (Windows' cp1252 or cp932, a bare
    C locale) reads the same Japanese names."""
    code = "import json; from workplan.countries import country_rows; print(json.dumps([r['name_ja'] for r in country_rows()]))"
    env = dict(os.environ, LC_ALL="C", LANG="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == workplan.load("countries")["name_ja"].tolist()
    ascii_only = [sys.executable, "-c", "import locale; print(locale.getpreferredencoding(False))"]
    assert subprocess.run(ascii_only, env=env, capture_output=True, text=True).stdout.strip() != "UTF-8"


# Rows naming each member, counted by hand from the source: forum hosts (開催地, L286-L292: ten in
# person, two online), ICT Fund proposers (提案国, L311-L320: Indonesia twice, Japan twice), APT joint
# research partners (L258-L262: Malaysia, the Philippines), the Friends Group (ASEAN 9 か国, L188), and
# the ASEAN IVO proposals to adopt in 2026 (カンボジア、ラオス、ミャンマー, L112).
BY_HAND = {
    "IDN": {"forum_host": 1, "fund_proposer": 2, "friends_group": 1},  # Jakarta 2018
    "MYS": {"forum_host": 2, "research_partner": 1, "friends_group": 1},  # Kuala Lumpur 2015, 2026
    "PHL": {"forum_host": 1, "research_partner": 1, "friends_group": 1},  # Manila 2019
    "SGP": {"forum_host": 1, "friends_group": 1},  # Singapore 2025
    "THA": {"forum_host": 1, "friends_group": 1},  # Bangkok 2022
    "BRN": {"forum_host": 1, "friends_group": 1},  # Bandar Seri Begawan 2017
    "VNM": {"forum_host": 1, "friends_group": 1},  # Hanoi 2016
    "LAO": {"forum_host": 1, "friends_group": 1, "ivo_proposal": 1},  # Vientiane 2023
    "KHM": {"forum_host": 1, "friends_group": 1, "ivo_proposal": 1},  # Phnom Penh 2024
    "MMR": {"ivo_proposal": 1},
    "TLS": {},  # joined ASEAN after the plan's lists were drawn up; named nowhere
}


def test_engagement_counts_are_the_ones_counted_by_hand_from_the_source():
    matrix = analysis.engagement_matrix("2026-01-31")
    got = {c: {r: int(n) for r, n in row.items() if n} for c, row in matrix.iterrows()}
    assert got == BY_HAND
    assert list(matrix.index) == ["IDN", "MYS", "PHL", "SGP", "THA", "BRN", "VNM", "LAO", "MMR", "KHM", "TLS"]
    assert isinstance(ENGAGEMENT["year"].dtype, pd.Int64Dtype)


def test_reading_the_member_list_is_recorded_for_the_build(monkeypatch):
    """A report that only checks its country parameter still depends on countries.csv: the build must
    see the read to rebuild it when the file changes."""
    from workplan import digest
    from workplan.countries import country_rows

    monkeypatch.setattr(digest, "READS", set())
    country_rows()
    assert sorted(digest.READS) == ["countries.csv"]

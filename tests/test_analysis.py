"""Derived tables of workplan.analysis, checked against facts read from the source text.

What a report derives in its own notebook is checked in test_report_facts.py."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from workplan import analysis
from workplan.data import source_text, strip_whitespace
from workplan.errors import ParameterError
from workplan.params import check, check_mapping
from workplan.tracker import contains

RAW = source_text()
FLAT = strip_whitespace(RAW)


# --- pillar facts --------------------------------------------------------------------------------------


def _months_of_source(text: str) -> list[tuple[int, int]]:
    return [(int(y), int(m)) for y, m in re.findall(r"(\d{4})年(\d{1,2})月", text)]


def test_next_ajccbc_support_lasts_the_years_the_source_states():
    """2027年6月-2031年5月（4年間）: both ends inclusive, 48 months."""
    stated = re.search(r"支援期間(\d{4}年\d{1,2}月)-(\d{4}年\d{1,2}月)（(\d+)年間）", FLAT)
    (y1, m1), (y2, m2) = _months_of_source(stated.group(1) + stated.group(2))
    phases = analysis.ajccbc_phases().set_index("phase_id")
    nxt = phases.loc["next"]
    assert nxt["covered_from"] == pd.Timestamp(y1, m1, 1)
    assert nxt["covered_until"] == pd.Timestamp(y2, m2, 1) + pd.DateOffset(months=1)
    assert nxt["months"] == int(stated.group(3)) * 12 == 48


def test_current_jica_support_covers_february_2027_and_not_march():
    """現行支援期間が2027年2月に終了: the support runs to the end of February 2027."""
    ((year, month),) = _months_of_source(re.search(r"現行支援期間が(\d{4}年\d{1,2}月)に終了", FLAT).group(1))
    jica = analysis.ajccbc_phases().set_index("phase_id").loc["jica"]
    last_day = pd.Timestamp(year, month, 1) + pd.offsets.MonthEnd(0)
    assert contains(jica["covered_from"], jica["covered_until"], last_day)
    assert not contains(jica["covered_from"], jica["covered_until"], last_day + pd.Timedelta(days=1))


def test_ajccbc_gap_is_march_to_may_2027():
    (gap,) = analysis.ajccbc_gaps()
    assert (gap.after, gap.before) == ("jica", "next")
    assert gap.first_day == pd.Timestamp("2027-03-01") and gap.next_start == pd.Timestamp("2027-06-01")
    assert gap.months == 3  # March, April, May 2027
    assert [d.month for d in pd.date_range(gap.first_day, gap.next_start, freq="MS", inclusive="left")] == [
        3,
        4,
        5,
    ]


def test_forum_hosts_follow_the_as_of_date():
    # 開催地 (L286-L292): Kuala Lumpur 2015 and 2026 (予定), Singapore 2025; Myanmar is named nowhere.
    hosts = analysis.forum_hosts("2026-01-31").set_index("iso3")
    assert hosts.loc["MYS", "years_hosted"] == "2015" and hosts.loc["MYS", "years_upcoming"] == "2026"
    assert hosts.loc["MMR", "forums_hosted"] == 0 and hosts.loc["TLS", "forums_hosted"] == 0
    later = analysis.forum_hosts("2026-12-31").set_index("iso3")
    assert later.loc["MYS", "forums_hosted"] == 1  # the plan does not record 2026 as held
    before = analysis.forum_hosts("2020-01-01").set_index("iso3")
    assert "TLS" not in before.index
    assert before.loc["SGP", "forums_hosted"] == 0 and before.loc["SGP", "years_upcoming"] == "2025"


# --- parameters -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("lang", "fr"),
        ("lang", 'en"; import os; os.system("x") #'),
        ("pillar", 7),
        ("pillar", True),
        ("pillar", "2"),
        ("as_of", "2026-02-30"),
        ("as_of", "26/01/2026"),
        ("country", "Atlantis"),
        ("country", "JPN"),
    ],
)
def test_bad_parameters_are_refused_naming_the_parameter(name, value):
    with pytest.raises(ParameterError) as info:
        check(**{name: value})
    assert info.value.name == name
    assert f"parameter {name!r}" in str(info.value) and "allowed" in str(info.value)


def test_a_parameter_the_notebook_does_not_declare_is_refused():
    with pytest.raises(ParameterError, match="parameters of this notebook: lang, as_of"):
        check_mapping({"lang": "en", "as_of": "2026-01-31", "pillar": 2}, ("lang", "as_of"))


# --- derived tables in full, written by hand from the source ---------------------------------------------


def test_ajccbc_phases_are_in_order_numbered_from_zero_with_whole_months():
    # L199 (JAIF 2018-2022), L204 (JICA to February 2027), L205 (2027年6月-2031年5月（4年間）)
    phases = analysis.ajccbc_phases()
    assert phases.index.tolist() == [0, 1, 2] and "index" not in phases.columns
    assert phases["phase_id"].tolist() == ["jaif", "jica", "next"]
    assert str(phases["months"].dtype) == "Int64"
    assert phases["months"].tolist() == [60, 50, 48]


# 開催地 (L286-L292): each member's forums on 2026-01-31; 2021 and 2020 were online (no host).
FORUM_HOSTS_2026_01_31 = [
    ("IDN", "インドネシア", "Indonesia", 1, "2018", 0, ""),
    ("MYS", "マレーシア", "Malaysia", 1, "2015", 1, "2026"),
    ("PHL", "フィリピン", "Philippines", 1, "2019", 0, ""),
    ("SGP", "シンガポール", "Singapore", 1, "2025", 0, ""),
    ("THA", "タイ", "Thailand", 1, "2022", 0, ""),
    ("BRN", "ブルネイ", "Brunei Darussalam", 1, "2017", 0, ""),
    ("VNM", "ベトナム", "Viet Nam", 1, "2016", 0, ""),
    ("LAO", "ラオス", "Lao PDR", 1, "2023", 0, ""),
    ("MMR", "ミャンマー", "Myanmar", 0, "", 0, ""),
    ("KHM", "カンボジア", "Cambodia", 1, "2024", 0, ""),
    ("TLS", "東ティモール", "Timor-Leste", 0, "", 0, ""),
]


def test_forum_hosts_in_full_on_the_plans_date():
    hosts = analysis.forum_hosts("2026-01-31")
    assert list(hosts.columns) == [
        "iso3",
        "name_ja",
        "name_en",
        "forums_hosted",
        "years_hosted",
        "forums_upcoming",
        "years_upcoming",
    ]
    assert [tuple(row) for row in hosts.itertuples(index=False)] == FORUM_HOSTS_2026_01_31
    assert str(hosts["forums_hosted"].dtype) == "Int64" and str(hosts["forums_upcoming"].dtype) == "Int64"


def test_a_member_with_two_forums_lists_both_years_comma_separated():
    """Kuala Lumpur 2026 and 2015 (L286, L292): before either, both are to come, in the plan's order."""
    malaysia = analysis.forum_hosts("2015-01-01").set_index("iso3").loc["MYS"]
    assert (malaysia["forums_upcoming"], malaysia["years_upcoming"]) == (2, "2026, 2015")
    hanoi_and_after = analysis.forum_hosts("2017-01-01").set_index("iso3")
    assert hanoi_and_after.loc["MYS", "years_hosted"] == "2015"
    assert hanoi_and_after.loc["VNM", "years_hosted"] == "2016"


def test_a_forum_the_plan_reports_held_counts_from_the_first_day_of_its_month():
    """2025.11: Singapore (month precision): on 1 November 2025 it is hosted, on 31 October upcoming."""
    on_the_day = analysis.forum_hosts("2025-11-01").set_index("iso3").loc["SGP"]
    assert (on_the_day["forums_hosted"], on_the_day["forums_upcoming"]) == (1, 0)
    day_before = analysis.forum_hosts("2025-10-31").set_index("iso3").loc["SGP"]
    assert (day_before["forums_hosted"], day_before["years_upcoming"]) == (0, "2025")


# Members (rows, in the order they joined ASEAN) x roles with at least one row, on 2026-01-31:
# forum hosts (L286-L292), fund proposers (L315, L317: Indonesia twice; Japan is no member),
# joint research partners (L260-L261), the Friends Group's nine members (L188), proposals
# the plan expects from Cambodia, Laos and Myanmar (L98). No event or training names a member.
ENGAGEMENT_2026_01_31 = {
    #       forum fund  research friends proposal
    "IDN": (1, 2, 0, 1, 0),
    "MYS": (2, 0, 1, 1, 0),
    "PHL": (1, 0, 1, 1, 0),
    "SGP": (1, 0, 0, 1, 0),
    "THA": (1, 0, 0, 1, 0),
    "BRN": (1, 0, 0, 1, 0),
    "VNM": (1, 0, 0, 1, 0),
    "LAO": (1, 0, 0, 1, 1),
    "MMR": (0, 0, 0, 0, 1),
    "KHM": (1, 0, 0, 1, 1),
    "TLS": (0, 0, 0, 0, 0),
}


def test_engagement_matrix_in_full_on_the_plans_date():
    matrix = analysis.engagement_matrix("2026-01-31")
    assert list(matrix.columns) == [
        "forum_host",
        "fund_proposer",
        "research_partner",
        "friends_group",
        "ivo_proposal",
    ]
    assert {iso3: tuple(row) for iso3, row in matrix.iterrows()} == ENGAGEMENT_2026_01_31
    assert list(matrix.index) == list(ENGAGEMENT_2026_01_31)
    assert all(str(dtype) == "int64" for dtype in matrix.dtypes)


def test_engagement_matrix_before_timor_leste_joined_has_ten_rows():
    matrix = analysis.engagement_matrix("2025-10-25")
    assert "TLS" not in matrix.index and len(matrix) == 10


ENGAGEMENT_COLUMNS = [
    "iso3",
    "role",
    "dataset",
    "key",
    "year",
    "status",
    "text_ja",
    "text_en",
    "source_quote",
]


def test_engagement_rows_of_cambodia_in_full():
    """Phnom Penh 2024 (L287), the Friends Group (L188, as of the end of 2025), a proposal expected in 2026 (L98)."""
    table = analysis.engagement()
    assert list(table.columns) == ENGAGEMENT_COLUMNS
    assert list(table["role"].cat.categories) == analysis.ROLE_ORDER
    assert table.index.tolist() == list(range(len(table)))
    khm = table[table["iso3"] == "KHM"].drop(columns=["iso3", "source_quote"])
    assert [tuple(None if pd.isna(v) else v for v in row) for row in khm.itertuples(index=False)] == [
        ("forum_host", "ivo_forums", "2024", 2024, "held", "プノンペン", "Phnom Penh"),
        (
            "friends_group",
            "memberships",
            "hiroshima_ai_process_friends_group, KHM",
            2025,
            "member",
            "広島AIプロセス・フレンズグループ",
            "Hiroshima AI Process Friends Group",
        ),
        ("ivo_proposal", "ivo_proposal_targets", "KHM, 2026", 2026, "planned", "カンボジア", "Cambodia"),
    ]


def test_engagement_text_is_the_rows_title_or_else_its_body_city_name_or_text():
    table = analysis.engagement().set_index(["dataset", "key"])
    # a fund project has a title (L315)
    project = table.loc[("ict_fund_projects", "2")]
    assert (project["text_ja"], project["text_en"]) == (
        "ASEANで自動運転を実現するための国境を越えたデータ流通プロジェクト",
        "Cross-border data flow project for realising autonomous driving in ASEAN",
    )
    # a joint research project (L261)
    research = table.loc[("apt_joint_research", "2")]
    assert (
        research["text_ja"] == "島嶼・山間部での強靱な情報通信網の構築及び遠隔周産期医療に関する国際共同研究"
    )

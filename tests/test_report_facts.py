"""What the report notebooks derive, checked against expectations written by hand from the source.

Each report notebook is run in this process (tests/notebook_run.py) and the tables and chart data it
displays are compared with counts read off data/raw/000_35f81f830df77f46.txt (line numbers in the
comments), not recomputed the way the notebook does it. A bug in a notebook's pandas (a `max` for a
`sum`, a wrong `groupby`) fails here, in pytest, and not only in the nbval baseline.

Every derived figure the reports show is listed in data/README.md, "Derived figures"; DERIVED below
maps each to the test that checks it, and a test keeps the two lists the same.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from notebook_run import run_notebook
from workplan import charts
from workplan.paths import DEFAULT_DATA_DIR
from workplan.show import Table, Text

AS_OF = "2026-01-31"


@pytest.fixture(scope="module")
def reports() -> dict[str, list]:
    return {
        "overview": run_notebook("overview.ipynb", lang="en", as_of=AS_OF),
        "pillar1": run_notebook("pillar1_ai.ipynb", lang="en", as_of=AS_OF),
        "pillar2": run_notebook("pillar2_cyber.ipynb", lang="en", as_of=AS_OF),
        "pillar3": run_notebook("pillar3_infra.ipynb", lang="en", as_of=AS_OF),
        "pillar4": run_notebook("pillar4_cooperation.ipynb", lang="en", as_of=AS_OF),
        "country-phl": run_notebook("country.ipynb", lang="en", as_of=AS_OF, country="PHL"),
    }


def table(parts: list, caption: str) -> pd.DataFrame:
    (found,) = [p for p in parts if isinstance(p, Table) and p.caption == caption]
    return found.frame


def chart(parts: list, title: str) -> pd.DataFrame:
    (found,) = [p for p in parts if isinstance(p, charts.Chart) and p.title == title]
    return found.data


def dated_table(parts: list, on: str) -> pd.DataFrame:
    """The table of dated items, its caption's claim held against its rows: 'Every dated item' only when it
    lists every dated item of the plan, else 'n of the plan's total dated items'."""
    from workplan import tracker

    total = len(tracker.dated_items())
    (found,) = [
        p
        for p in parts
        if isinstance(p, Table) and re.search(r"dated items? and (its|their) status on", p.caption)
    ]
    if found.caption == f"Every dated item and its status on {on}":
        assert len(found.frame) == total
    else:
        n = len(found.frame)
        assert (
            found.caption
            == f"{n} of the plan's {total} dated items and {'its' if n == 1 else 'their'} status on {on}"
        )
    return found.frame


def text(parts: list) -> str:
    return "\n".join(p.plain or p.markdown for p in parts if isinstance(p, Text))


# --- overview ------------------------------------------------------------------------------------------


def test_initiatives_and_actions_per_pillar(reports):
    # L48-L117: pillar 1 (AI: governance 2 sentences, development, HRD, AI solutions 2; internet
    # governance; DFFT) = 8; pillar 2 (AJCCBC 2, policy meeting 2, ISP 1) = 5; pillar 3 (1, 1, 2) = 4;
    # pillar 4 (ICT Fund and JAIF; ADGMIN…; bilateral dialogues) = 4. Three initiatives each.
    counts = table(reports["overview"], "Initiatives and actions per pillar")
    assert counts.to_dict("list") == {
        "Pillar": [
            "1. AI and Digital Policy",
            "2. Cybersecurity",
            "3. Digital Infrastructure and Digital Transformation",
            "4. Cooperation and Coordination",
        ],
        "Initiatives": [3, 3, 3, 3],
        "Actions": [8, 5, 4, 4],
    }


def test_actions_per_initiative(reports):
    data = chart(reports["overview"], "The plan's structure: pillars, initiatives and their actions")
    assert dict(zip(data["initiative_id"], data["actions"], strict=True)) == {
        "1.1": 6, "1.2": 1, "1.3": 1,
        "2.1": 2, "2.2": 2, "2.3": 1,
        "3.1": 1, "3.2": 1, "3.3": 2,
        "4.1": 2, "4.2": 1, "4.3": 1,
    }  # fmt: skip


def test_actions_per_kind_and_pillar(reports):
    # The kind of each action as classified in actions.csv (data/README.md, Vocabularies), counted by hand.
    data = chart(reports["overview"], "Actions by kind and pillar").set_index("kind")
    assert {k: row.tolist() for k, row in data.iterrows()} == {
        "dialogue": [1, 1, 0, 2],
        "capacity_building": [2, 1, 1, 0],
        "research_development": [1, 0, 2, 0],
        "funding": [0, 0, 0, 2],
        "governance": [1, 0, 0, 0],
        "information_sharing": [1, 0, 0, 0],
        "co_creation": [1, 0, 0, 0],
        "advocacy": [1, 0, 0, 0],
        "exercise": [0, 1, 0, 0],
        "coordination": [0, 1, 0, 0],
        "cooperative_activities": [0, 1, 0, 0],
        "demonstration": [0, 0, 1, 0],
    }


def test_engagements_per_member(reports):
    # Counted by hand in test_country_lens.BY_HAND (forum hosts, fund proposers, APT partners, the
    # Friends Group, the 2026 IVO proposals): the overview's map shows their totals.
    data = chart(reports["overview"], "How often the plan names each ASEAN member")
    assert dict(zip(data["iso3"], data["engagements"], strict=True)) == {
        "IDN": 4, "MYS": 4, "PHL": 3, "SGP": 2, "THA": 2, "BRN": 2,
        "VNM": 2, "LAO": 3, "MMR": 1, "KHM": 3, "TLS": 0,
    }  # fmt: skip


def test_status_counts_on_the_as_of_date_add_up_to_the_dated_items(reports):
    said = re.search(r"On 31 January 2026: (.+)\.", text(reports["overview"])).group(1)
    counts = {label.strip(): int(n) for label, n in (part.rsplit(": ", 1) for part in said.split("; "))}
    listing = dated_table(reports["overview"], "31 January 2026")
    assert sum(counts.values()) == len(listing)
    assert listing["Status"].value_counts().to_dict() == {k.strip(): v for k, v in counts.items()}


# --- pillar 1 ------------------------------------------------------------------------------------------


def test_ai_points_per_category(reports):
    # L127-L162: 総論 1; ガバナンス 2-4; 開発・インフラ整備 5-7; 人材育成・能力構築 8-9;
    # AIソリューションの共創 10; 包摂的で信頼できるAIの推進 11-13; デジタル連帯と経済発展 14-16.
    data = chart(reports["pillar1"], "The 16-point AI statement: points per category")
    assert data["points"].tolist() == [1, 3, 3, 2, 1, 3, 3]
    assert data["numbers"].tolist() == ["1", "2, 3, 4", "5, 6, 7", "8, 9", "10", "11, 12, 13", "14, 15, 16"]


def test_guiding_principles_per_group(reports):
    # L176-L177: 【リスク対応】 2, 【研究開発】 2, 【情報共有等】 3, 【その他】 2.
    data = chart(
        reports["pillar1"], "International Guiding Principles as summarised in the plan: items per group"
    )
    assert data["n"].tolist() == [2, 2, 3, 2]


@pytest.mark.parametrize(
    ("as_of", "outside"), [("2026-01-31", "Myanmar; Timor-Leste"), ("2025-06-30", "Myanmar")]
)
def test_members_the_friends_group_list_leaves_out(as_of, outside):
    # L188 names nine members; Myanmar is not among them; Timor-Leste joined ASEAN on 2025-10-26.
    parts = run_notebook("pillar1_ai.ipynb", lang="en", as_of=as_of)
    members = 11 if as_of >= "2025-10-26" else 10
    assert f"Of the {members} ASEAN members on" in text(parts)
    assert text(parts).split("the plan does not list: ")[1].startswith(outside + ".")


def test_asean_members_on_a_date_in_the_notes(reports):
    # ASEAN had 11 members from 2025-10-26 (outside source: ASEAN Secretariat); the IVO count is the plan's 10.
    assert "(ASEAN then had 11 members)" in text(reports["pillar3"])
    assert "ASEAN had 10 members on" not in text(
        reports["pillar1"]
    )  # list recorded 2025-12-31: 11 then and now


# --- pillar 2 ------------------------------------------------------------------------------------------


def test_ajccbc_gap_in_months(reports):
    # L70 / L199: current support ends in February 2027; L205: the next runs 2027年6月-2031年5月.
    # Not covered: March, April, May 2027.
    said = text(reports["pillar2"])
    assert "the months March 2027 to May 2027 (3 months) are covered by no stated support" in said


def test_components_continued_and_new(reports):
    # L206: 1 (継続), 2 (新規), 3 (継続), 4 (新規).
    data = chart(reports["pillar2"], "Next AJCCBC programme: continued and new components")
    assert dict(zip(data["continuity"], data["components"], strict=True)) == {"continued": 2, "new": 2}


def test_no_count_of_policy_meetings_is_made_from_the_ordinal(reports):
    said = text(reports["pillar2"])
    assert "The 18th meeting took place in October 2025 (Tokyo)" in said
    assert "18 meetings" not in said and "calendar years" not in said


# --- pillar 3 ------------------------------------------------------------------------------------------


def test_ivo_projects_shown_side_by_side_and_never_added_to_55(reports):
    # L299-L304: 合計52件; FY2025 5, 2024 5, 2023 6, 2022 5, 2021 4, 2020 4, 2019 4, 2018 6, 2017 5,
    # 2016 8; フェーズⅡ 計3件, 2025年度 3件(トライアル).
    title = "ASEAN IVO joint projects per fiscal year, and the Phase II projects"
    data = chart(reports["pillar3"], title)
    assert dict(zip(data["fiscal_year"], data["projects"], strict=True)) == {
        2016: 8, 2017: 5, 2018: 6, 2019: 4, 2020: 4, 2021: 4, 2022: 5, 2023: 6, 2024: 5, 2025: 5,
    }  # fmt: skip
    assert dict(zip(data["fiscal_year"], data["phase2_projects"], strict=True))[2025] == 3
    assert data["phase2_projects"].notna().sum() == 1
    (figure,) = [p.figure for p in reports["pillar3"] if isinstance(p, charts.Chart) and p.title == title]
    heights = [bar.get_height() for bar in figure.axes[0].patches]
    assert sorted(heights) == sorted([8, 5, 6, 4, 4, 4, 5, 6, 5, 5, 3])  # no stacked bar of 8
    labels = [t.get_text() for t in figure.axes[0].texts]
    assert "8" in labels and labels.count("8") == 1  # FY2016 only
    said = text(reports["pillar3"])
    assert "52 joint projects" in said and "55" not in said


def test_ivo_forums_listed_and_online(reports):
    # L287-L292: twelve forums 2015.11-2026.11; 2021 オンライン開催 and 2020 Web上で開催.
    said = text(reports["pillar3"])
    assert "The plan lists 12 forums, 2015–2026 (2 of them online)" in said
    assert "named as a future host: Myanmar; Timor-Leste." in said


def test_forum_hosts_on_the_map(reports):
    data = chart(reports["pillar3"], "ASEAN IVO Forum hosts, 2015–2026").set_index("iso3")
    hosted = data["forums_hosted"].to_dict()
    assert hosted == {
        "IDN": 1,
        "MYS": 1,
        "PHL": 1,
        "SGP": 1,
        "THA": 1,
        "BRN": 1,
        "VNM": 1,
        "LAO": 1,
        "MMR": 0,
        "KHM": 1,
        "TLS": 0,
    }
    assert data["forums_upcoming"].to_dict()["MYS"] == 1 and data["forums_upcoming"].sum() == 1


# --- pillar 4 ------------------------------------------------------------------------------------------


def test_fund_projects_per_year_and_proposer(reports):
    # L311-L320: 2023 Japan, Indonesia, Indonesia; 2024 Japan.
    data = chart(reports["pillar4"], "Recent Japan-ASEAN ICT Fund projects by year and proposer")
    assert data.set_index("approved_year").to_dict("index") == {
        2023: {"IDN": 2, "JPN": 1},
        2024: {"IDN": 0, "JPN": 1},
    }


def test_ict_fund_total_in_millions_and_no_yearly_average(reports):
    # L308: 210万米ドル = 2,100,000 US dollars = US$ 2.1 million.
    said = text(reports["pillar4"])
    assert "US$ 2.1 million in all" in said and "The plan gives no yearly amounts." in said
    assert "123,529" not in said and "average" not in said and "a year**" not in said
    ja = text(run_notebook("pillar4_cooperation.ipynb", lang="ja", as_of=AS_OF))
    assert "210万米ドル" in ja and "平均" not in ja


# --- country lens ----------------------------------------------------------------------------------------


def test_country_engagements_per_year(reports):
    # The Philippines: forum host 2019 (Manila), Friends Group (as of 2025-12-31), APT partner 2026.
    data = chart(reports["country-phl"], "Philippines in the plan, by year").set_index("year")
    assert data.loc[2019, "forum_host"] == 1 and data.loc[2025, "friends_group"] == 1
    assert data.loc[2026, "research_partner"] == 1
    assert data.drop(columns=[]).to_numpy().sum() == 3
    assert "The plan names Philippines in 3 places" in text(reports["country-phl"])


# --- status of dated items on a date (workplan.tracker), as the reports show it -------------------------


def test_the_friends_group_meeting_is_upcoming_then_held_with_its_source(reports):
    # L53: 広島AIプロセス・フレンズグループ対面会合（2026年3月）; data/outcomes.csv records it held on
    # 15-16 March 2026, from a release published on 16 March 2026.
    before = dated_table(reports["pillar1"], "31 January 2026")
    meeting = before[before["Item"] == "Hiroshima AI Process Friends Group in-person meeting"]
    assert meeting[["Date", "Status in the plan (January 2026)", "Status"]].values.tolist() == [
        ["March 2026", "planned", "upcoming"]
    ]
    later = run_notebook("pillar1_ai.ipynb", lang="en", as_of="2026-11-27")
    listing = dated_table(later, "27 November 2026")
    row = listing[listing["Item"] == "Hiroshima AI Process Friends Group in-person meeting"].iloc[0]
    assert row["Status"] == "held" and row["Source of the outcome"].startswith(
        "Outcome of the Second In-Person"
    )


def test_the_2026_ivo_forum_is_in_its_period_in_november_2026():
    # L287: 2026.11: Kuala Lumpur (Malaysia) (予定): within November 2026 on the 27th, with no outcome.
    parts = run_notebook("pillar3_infra.ipynb", lang="en", as_of="2026-11-27")
    listing = dated_table(parts, "27 November 2026")
    assert listing.loc[listing["Item"] == "ASEAN IVO Forum 2026", "Status"].tolist() == ["in its period"]


def test_tracker_lists_each_recorded_outcome_with_its_source_as_a_link():
    parts = run_notebook("tracker.ipynb", lang="en", as_of="2026-11-27")
    (outcomes,) = [p for p in parts if isinstance(p, Table) and p.caption.startswith("Outcomes known on")]
    html = outcomes._repr_html_()
    link = "https://www.soumu.go.jp/main_sosiki/joho_tsusin/eng/pressrelease/2026/3/16_2.html"
    assert f'<a href="{link}">Outcome of the Second In-Person' in html  # the publisher's address
    assert "https://kiroku.today/en/a/5b7a1d18b819d674" in html  # and the archived copy read, apart
    frame = outcomes.frame.set_index("Item")
    meeting, action = (
        "Hiroshima AI Process Friends Group in-person meeting",
        frame.index[frame["Status"] == "activity recorded"],
    )
    assert frame.loc[meeting, "Status"] == "held"
    # the meeting is the plan's example of action 1.1-2: the action shows it, with the item it was recorded for
    assert frame.loc[action, "Recorded for"].tolist() == ["friends_group_in_person_meeting_2026"]
    early = text(run_notebook("tracker.ipynb", lang="en", as_of="2026-01-15"))
    assert "No outcome published by 15 January 2026 is recorded." in early  # the first report: 16 January


def test_tracker_overdue_and_next_days_follow_the_precision_of_each_date():
    # "2026年3月" is overdue from 1 April 2026; "2026年" only from 2027. Recorded outcomes aside.
    parts = run_notebook("tracker.ipynb", lang="en", as_of="2026-01-31")
    ahead = table(
        parts,
        "Items not yet done whose period begins or ends between 31 January 2026 and 1 May 2026",
    )
    assert "Hiroshima AI Process Friends Group in-person meeting" in ahead["Item"].tolist()
    assert "ASEAN IVO Forum 2026" not in ahead["Item"].tolist()  # November 2026: beyond 90 days
    november = run_notebook("tracker.ipynb", lang="en", as_of="2026-11-27")
    due = table(
        november,
        "Items not yet done whose period begins or ends between 27 November 2026 and 25 February 2027",
    )
    assert "ASEAN IVO Forum 2026" in due["Item"].tolist()  # November 2026 ends within the window
    assert "Share AI use cases and best practices." in due["Item"].tolist()  # "2026": ends 31 December
    late = run_notebook("tracker.ipynb", lang="en", as_of="2027-01-01")
    overdue = table(late, "Items whose period ended before 1 January 2027, with no outcome recorded")
    assert "ASEAN IVO Forum 2026" in overdue["Item"].tolist()
    assert "Hiroshima AI Process Friends Group in-person meeting" not in overdue["Item"].tolist()  # held
    said = re.search(r"On 1 January 2027: (.+)\.", text(late)).group(1)
    assert f"period passed, no outcome recorded: {len(overdue)}" in said.split("; ")
    # the searches on record: what was looked for and not found, and when
    assert set(overdue["Public record"]) == {"no public report found (last checked 2 December 2026)"}
    assert "Support for AJCCBC: JICA technical cooperation (current support)" not in overdue["Item"].tolist()


def test_the_tracker_counts_each_commitment_once_and_says_how_each_action_is_dated():
    # L112: 日ASEAN ICT基金（2026年も本基金への拠出を継続） states its year; the other dated actions take the
    # plan's (L4). Two commitments are written twice (item_links same_as): 4.1-1 and 2.1-2.
    from workplan import tracker

    items = tracker.status(AS_OF)
    said = text(run_notebook("tracker.ipynb", lang="en", as_of=AS_OF))
    actions = items[items["kind"] == "action"]
    by_title = int((actions["date_basis"] == "plan_title").sum())
    assert by_title == 19 and len(actions) - by_title == 1
    assert (
        f"The plan dates {len(items)} items, each commitment once (commitments the plan writes twice, counted "
        f"once: 2): {len(actions)} 2026 actions (dated only by the plan's title: {by_title}; by their own words: 1) "
        f"and {len(items) - len(actions)} other items"
    ) in said


def test_the_next_days_include_an_item_whose_last_day_is_the_90th_and_show_its_end():
    # 2 October 2026 + 90 days = 31 December 2026, the last day of every action dated "2026".
    parts = run_notebook("tracker.ipynb", lang="en", as_of="2026-10-02")
    ahead = table(
        parts, "Items not yet done whose period begins or ends between 2 October 2026 and 31 December 2026"
    )
    row = ahead[ahead["Item"] == "Share AI use cases and best practices."].iloc[0]
    assert (row["Date"], row["Ends"]) == ("2026", "2026")
    day_after = run_notebook("tracker.ipynb", lang="en", as_of="2026-10-01")
    earlier = table(
        day_after,
        "Items not yet done whose period begins or ends between 1 October 2026 and 30 December 2026",
    )
    assert "Share AI use cases and best practices." not in earlier["Item"].tolist()
    jica = run_notebook("tracker.ipynb", lang="en", as_of="2026-12-02")
    due = table(
        jica, "Items not yet done whose period begins or ends between 2 December 2026 and 2 March 2027"
    )
    support = due[due["Item"] == "Support for AJCCBC: JICA technical cooperation (current support)"].iloc[0]
    assert (support["Date"], support["Ends"]) == ("2023", "February 2027")  # the end brings it in


def test_the_about_text_names_every_fact_from_outside_the_plan_and_its_source(reports):
    """Each outside_source of the data falls under a kind of fact the About text names, with its source."""
    about = text(reports["overview"]).split("About this report", 1)[1]
    kinds = {
        "ISO 3166-1": "country codes (ISO 3166-1)",
        "ASEAN Secretariat member-state record": "the ASEAN Secretariat's record of member states",
        "opened in 2018 with JAIF funding": "the AJCCBC opened in 2018 with JAIF funding",
        "own publications": "the bodies' own publications",
        "a third party reports it": "a third party's report where the body's own was not read",
        "standard expansion": "the standard expansion",
    }
    for said in kinds.values():
        assert said in about, said
    import workplan

    for name in workplan.datasets()["name"]:
        table = workplan.load(name)
        if "outside_source" not in table.columns:
            continue
        for value in table["outside_source"].dropna():
            assert any(k in value for k in kinds), (name, value)
    countries = workplan.load("countries").set_index("iso3")
    assert str(countries.loc["TLS", "asean_joined"].date()) == "2025-10-26" and "26 October 2025" in about
    jaif = workplan.load("ajccbc_support").set_index("phase_id").loc["jaif"]
    assert jaif["start_date"].year == 2018 and not pd.isna(jaif["outside_source"]) and "2018 start" in about
    assert "outcomes after the plan (the public pages listed with them)" in about


def test_a_country_named_once_is_named_in_one_place():
    # Myanmar: only among the countries whose ASEAN IVO proposals are to be adopted in 2026 (L98).
    said = text(run_notebook("country.ipynb", lang="en", as_of=AS_OF, country="MMR"))
    assert "The plan names Myanmar in 1 place: " in said and "1 places" not in said


# --- the list in data/README.md -----------------------------------------------------------------------------

DERIVED = {
    "initiatives and actions per pillar": test_initiatives_and_actions_per_pillar,
    "actions per initiative": test_actions_per_initiative,
    "actions per kind and pillar": test_actions_per_kind_and_pillar,
    "rows naming each member": test_engagements_per_member,
    "dated items per status": test_status_counts_on_the_as_of_date_add_up_to_the_dated_items,
    "AI points per category": test_ai_points_per_category,
    "guiding principles per group": test_guiding_principles_per_group,
    "members the Friends Group list leaves out": test_members_the_friends_group_list_leaves_out,
    "ASEAN members on a date": test_asean_members_on_a_date_in_the_notes,
    "AJCCBC support gap": test_ajccbc_gap_in_months,
    "next AJCCBC components, continued and new": test_components_continued_and_new,
    "ASEAN IVO projects, sum of the years": test_ivo_projects_shown_side_by_side_and_never_added_to_55,
    "ASEAN IVO Forums listed and online": test_ivo_forums_listed_and_online,
    "ASEAN IVO Forum hosts": test_forum_hosts_on_the_map,
    "ICT Fund projects per year and proposer": test_fund_projects_per_year_and_proposer,
    "ICT Fund total in US$ million": test_ict_fund_total_in_millions_and_no_yearly_average,
    "a member's rows per year": test_country_engagements_per_year,
}


def test_every_derived_figure_in_the_data_readme_is_tested_here_and_no_other():
    readme = (DEFAULT_DATA_DIR / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Derived figures\n", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| ([^|]+?) \|", section, flags=re.M)
    listed = [name for name in listed if name not in ("Figure", "---")]
    assert listed == list(DERIVED)

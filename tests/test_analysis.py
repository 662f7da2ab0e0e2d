"""Derived tables of workplan.analysis, checked against facts read from the source text.

What a report derives in its own notebook is checked in test_report_facts.py."""

from __future__ import annotations

import pandas as pd
import pytest
from workplan import analysis
from workplan.data import source_text, strip_whitespace
from workplan.errors import ParameterError
from workplan.params import check, check_mapping

RAW = source_text()
FLAT = strip_whitespace(RAW)


# --- status on a date --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "start", "precision", "as_of", "expected"),
    [
        ("planned", "2026-03-01", "month", "2026-03-31", "planned"),  # the month is not over
        ("planned", "2026-03-01", "month", "2026-04-01", "due"),  # the month is over: outcome unknown
        ("held", "2023-05-01", "month", "2023-04-30", "not_yet"),
        ("held", "2023-05-01", "month", "2026-01-31", "held"),
        ("provisional", "2027-06-01", "month", "2026-01-31", "provisional"),
    ],
)
def test_status_on_a_date(status, start, precision, as_of, expected):
    assert analysis.status_on(status, pd.Timestamp(start), precision, None, None, as_of) == expected


def test_periods_are_ongoing_between_start_and_end_and_open_periods_stay_ongoing():
    jica = (pd.Timestamp("2023-01-01"), "year", pd.Timestamp("2027-02-01"), "month")
    assert analysis.status_on("ongoing", *jica, "2026-01-31") == "ongoing"
    assert analysis.status_on("ongoing", *jica, "2027-02-28") == "ongoing"  # February 2027 is covered
    assert analysis.status_on("ongoing", *jica, "2027-03-01") == "held"
    assert (
        analysis.status_on("ongoing", pd.Timestamp("2009-01-01"), "year", None, None, "2030-01-01")
        == "ongoing"
    )


def test_timeline_spans_2009_to_2031_and_tells_statuses_apart():
    t = analysis.timeline("2026-01-31")
    assert t["date"].min().year == 2009
    ends = [
        analysis.period_end(e, p)
        for e, p in zip(t["end_date"], t["end_precision"], strict=True)
        if not pd.isna(e)
    ]
    assert max(ends).year == 2031
    assert {"held", "planned", "provisional", "ongoing"} <= set(t["status_on_as_of"])
    late = analysis.timeline("2026-12-31").set_index("event_id")
    assert late.loc["friends_group_in_person_meeting_2026", "status_on_as_of"] == "due"


# --- pillar facts --------------------------------------------------------------------------------------


def test_ajccbc_gap_is_computed_from_the_stated_end_and_start():
    assert "現行支援期間が2027年2月に終了" in FLAT and "2027年6月-2031年5月" in FLAT
    (gap,) = analysis.ajccbc_gaps()
    assert (gap.after, gap.before) == ("jica", "next")
    assert gap.first_day == pd.Timestamp("2027-03-01") and gap.next_start == pd.Timestamp("2027-06-01")
    assert gap.months == 3  # March, April, May 2027


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

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

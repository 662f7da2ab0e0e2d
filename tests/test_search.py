"""Search that shows why (workplan.search): names of one thing find its rows, spellings fold together,
each hit names the column, the words matched, the source lines and slide, and rows about a thing come
before passing mentions. The command line prints the same."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pandas as pd
import pytest
import workplan
from workplan.paths import PROJECT_ROOT
from workplan.search import COLUMNS, MARK, fold, key, pattern, spellings, static_index

DATA_DIR = PROJECT_ROOT / "data"
DESCRIPTOR = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {r["name"]: r for r in DESCRIPTOR["resources"]}
NAMES = list(RESOURCES)
RAW_LINES = (DATA_DIR / "raw" / "000_35f81f830df77f46.txt").read_text(encoding="utf-8").split("\n")


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def raw_csv(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / RESOURCES[name]["path"], dtype=str, keep_default_na=False)


def as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _rows_mentioning(spellings: list[str]) -> set[tuple[str, str]]:
    """(dataset, key) of rows whose Japanese/English texts, acronym or quote contain a spelling (read from the
    CSV files with pandas alone, case folded)."""
    patterns = [
        re.compile(rf"(?<![A-Za-z0-9]){re.escape(s)}(?![A-Za-z0-9])", re.IGNORECASE) for s in spellings
    ]
    found = set()
    for name in NAMES:
        table = raw_csv(name)
        key = as_list(RESOURCES[name]["schema"]["primaryKey"])
        columns = [c for c in table.columns if c.endswith(("_ja", "_en")) or c in ("acronym", "source_quote")]
        for _, row in table.iterrows():
            if any(p.search(str(row[c])) for c in columns for p in patterns):
                found.add((name, "/".join(row[k] for k in key)))
    return found


def _pairs(frame: pd.DataFrame) -> list[tuple[str, str]]:
    return list(zip(frame["dataset"], frame["key"], strict=True))


# --- the cases -------------------------------------------------------------------------------------


def test_ajccbc_finds_the_next_support_period_with_the_words_line_and_slide():
    found = workplan.search("AJCCBC")
    row = found[(found["dataset"] == "ajccbc_support") & (found["key"] == "next")].iloc[0]
    assert row["relation"] == "table" and row["column"] == "table title"
    assert row["marked"] == f"Support phases for {MARK[0]}AJCCBC{MARK[1]}"
    assert (row["source_lines"], row["slide"], row["link"]) == ("L205", 7, "source.html#L205")
    # the components of the next programme say 次期支援, not the acronym, and are found all the same
    components = set(raw_csv("ajccbc_components")[["phase_id", "number"]].agg("/".join, axis=1))
    assert {k for d, k in _pairs(found) if d == "ajccbc_components"} == components


def test_rows_about_a_thing_come_before_passing_mentions():
    found = workplan.search("AJCCBC")
    assert list(found["rank"]) == sorted(found["rank"])
    assert _pairs(found)[:2] == [("organisations", "ajccbc"), ("glossary", "AJCCBC")]
    ai = found[(found["dataset"] == "glossary") & (found["key"] == "AI")].iloc[0]
    assert ai["relation"] == "mention" and ai["column"] == "note_en"  # the note says why it was found
    assert f"{MARK[0]}AJCCBC{MARK[1]}" in ai["marked"]
    assert found.index[found["key"] == "next"].min() < ai.name


@pytest.mark.parametrize(
    "variant", ["OpenRAN", "Open-RAN", "open ran", "ＯｐｅｎＲＡＮ", "オープンRAN", "ｵｰﾌﾟﾝRAN"]
)
def test_spelling_variants_of_open_ran_find_the_open_ran_rows(variant):
    expected = workplan.search("Open RAN")
    assert ("ict_fund_projects", "1") in _pairs(expected)  # the symposium
    assert _pairs(expected)[0] == ("glossary", "Open RAN")
    found = workplan.search(variant)
    assert _pairs(found) == _pairs(expected) and list(found["relation"]) == list(expected["relation"])
    # the entity's own row shows the name the term is; every other hit is the same whatever the spelling
    pd.testing.assert_frame_equal(found[found["rank"] > 1], expected[expected["rank"] > 1])


def test_an_entity_s_names_in_either_language_find_the_same_rows():
    names = [
        "AJCCBC",
        "日ASEANサイバーセキュリティ能力構築センター",
        "ASEAN-Japan Cybersecurity Capacity Building Centre",
    ]
    results = [workplan.search(n) for n in names]
    assert all(_pairs(r) == _pairs(results[0]) for r in results)
    assert set(names) <= set(spellings("AJCCBC"))


# --- moved from test_data.py and kept: one spelling finds what another does -----------------------------

SAME_THING = [
    ["Open RAN", "オープンRAN", "Open Radio Access Network"],
    ["JAIF", "日ASEAN統合基金", "Japan-ASEAN Integration Fund"],
    [
        "AJCCBC",
        "日ASEANサイバーセキュリティ能力構築センター",
        "ASEAN-Japan Cybersecurity Capacity Building Centre",
    ],
    ["広島AIプロセス包括的政策枠組", "Hiroshima AI Process Comprehensive Policy Framework"],
    ["総務省", "MIC", "Ministry of Internal Affairs and Communications"],
]


@pytest.mark.parametrize("names", SAME_THING, ids=[s[0] for s in SAME_THING])
def test_search_finds_the_same_rows_in_either_language_each_once(names):
    results = [workplan.search(s) for s in names]
    found = [set(_pairs(r)) for r in results]
    assert all(f == found[0] for f in found), names
    # every row that mentions a spelling is found; a row found without a mention is about the thing
    assert _rows_mentioning(names) <= found[0]
    extra = results[0][~pd.Series(_pairs(results[0])).isin(_rows_mentioning(names)).to_numpy()]
    assert set(extra["relation"]) <= {"reference", "table"}, extra
    for result in results:
        assert not result.duplicated(["dataset", "key"]).any()
        assert result["dataset"].nunique() > 1


def test_a_latin_term_is_not_found_inside_a_longer_word():
    result = workplan.search("MIC")
    texts = " ".join(result["source_quote"].fillna(""))
    assert not result.empty and "総務省" in texts
    economic = workplan.search("economic")
    assert set(_pairs(economic)) - set(_pairs(result))  # rows an unbounded 'mic' would have returned


def test_each_hit_says_where_its_words_are():
    result = workplan.search("Open RAN")
    assert list(result.columns) == COLUMNS
    for row in result.itertuples(index=False):
        lines = raw_csv(row.dataset)
        key_columns = as_list(RESOURCES[row.dataset]["schema"]["primaryKey"])
        stored = lines[lines[key_columns].agg("/".join, axis=1) == row.key].iloc[0]
        assert stored[row.column] == row.text  # the column named is the one whose text is shown
        inner = row.marked.split(MARK[0], 1)[1].split(MARK[1], 1)[0]
        assert re.fullmatch("open ?ran|オープンran", inner.casefold()), row.marked
        if "source_lines" not in stored:  # outcomes and searches: words of other pages, no line of the plan
            assert pd.isna(row.source_lines) and pd.isna(row.link), row
            continue
        assert row.source_lines == stored["source_lines"] and row.source_quote == stored["source_quote"]
        first, last = (int(n) for n in re.findall(r"\d+", row.source_lines + "-" + row.source_lines)[:2])
        assert flat(row.source_quote) in flat("".join(RAW_LINES[first - 1 : last + 5]))
        assert row.link == f"source.html#L{first}"


def test_a_slide_comes_from_the_row_or_the_section_the_line_is_in():
    found = workplan.search("オープンRAN")
    heading = found[found["key"] == "open_ran_heading"].iloc[0]
    assert heading["source_lines"] == "L235" and heading["slide"] == 9  # section open_ran: slide 9
    assert pd.isna(found[found["key"] == "3.1"].iloc[0]["slide"])  # the pillar pages print no number


def test_search_for_absent_text_is_empty():
    result = workplan.search("no such phrase in the plan")
    assert result.empty and list(result.columns) == COLUMNS


# --- folding -----------------------------------------------------------------------------------------------


def test_fold_maps_each_folded_character_back_to_the_original():
    text = "ｵｰﾌﾟﾝ ＲＡＮ"
    folded, spans = fold(text)
    assert folded == "オープン ran"
    m = pattern("オープンRAN").search(folded)
    assert m is not None
    start, end = spans[m.start()][0], spans[m.end() - 1][1]
    assert text[start:end] == text


def test_keys_fold_separators_width_and_case():
    assert key("Open-RAN") == key("open ran") == key("ＯＰＥＮ\u3000ＲＡＮ") == "openran"
    assert pattern("MIC").search("economic") is None
    assert pattern("OpenRAN").search("open-ran") is not None


# --- the index page's data and the command line -------------------------------------------------------------


def test_the_static_index_answers_names_as_search_does():
    index = static_index()
    hits = index["terms"][key("AJCCBC")]
    rows = [index["rows"][h[0]] for h in hits]
    assert [(r["d"], r["k"]) for r in rows] == _pairs(workplan.search("AJCCBC"))
    next_support = next(r for r in rows if (r["d"], r["k"]) == ("ajccbc_support", "next"))
    assert (next_support["s"], next_support["p"], next_support["a"]) == ("L205", 7, "source.html#L205")
    assert [h[:2] for h in index["terms"][key("OpenRAN")]] == [
        h[:2] for h in index["terms"][key("オープンRAN")]
    ]
    json.dumps(index, ensure_ascii=False)  # plain data


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "workplan", *args], capture_output=True, text=True, cwd=PROJECT_ROOT
    )


def test_cli_search_lists_the_next_support_period_with_words_line_and_slide():
    result = _cli("search", "AJCCBC")
    assert result.returncode == 0, result.stderr
    block = result.stdout.split("ajccbc_support next — Next support\n", 1)[1].splitlines()[:2]
    assert block == [
        f"    table: table title: Support phases for {MARK[0]}AJCCBC{MARK[1]}",
        "    source L205, slide 7 (reports/source.html#L205)",
    ]
    assert result.stderr.strip().endswith("row(s) found for 'AJCCBC'")


def test_cli_search_gives_the_same_rows_for_either_spelling():
    english, japanese = _cli("search", "Open RAN"), _cli("search", "オープンRAN")
    assert english.returncode == japanese.returncode == 0, english.stderr + japanese.stderr
    # the same rows in the same order; only the entity's own row shows the name typed
    assert english.stdout.splitlines()[3:] == japanese.stdout.splitlines()[3:]
    assert (
        english.stdout.splitlines()[0]
        == japanese.stdout.splitlines()[0]
        == "glossary Open RAN — Open Radio Access Network"
    )
    assert "    name: title_en: Japan-ASEAN «Open RAN» Symposium" in english.stdout
    japanese = _cli("search", "Open RAN", "--lang", "ja")
    assert (
        "ict_fund_projects 1 — 日ASEAN Open RANシンポジウム\n    name: title_ja: 日ASEAN «Open RAN»シンポジウム"
        in japanese.stdout
    )

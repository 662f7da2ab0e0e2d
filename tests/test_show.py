"""What readers see: values escaped exactly once, sentences safe in Markdown, tables relabelled in the
report's language with nothing dropped. Checked through nbconvert's own Markdown renderer, the one
the reports are rendered with."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from hypothesis import example, given, settings
from hypothesis import strategies as st
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from workplan import show
from workplan.errors import ParameterError
from workplan.i18n import LABELS, VOCABULARY_LABELS, header, relabel, t, vocabulary_of

# Text as the data may hold it: letters, Japanese, digits and every Markdown or HTML special.
TEXT = st.text(
    alphabet=st.sampled_from(list("abcXYZ 012_*$<>&#[]()`|\\!~-+.:;'\"=/") + ["日", "本", "語", "　"]),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip())


def visible(markdown: str) -> str:
    """The text a reader sees once the Markdown is rendered as the reports render it."""
    rendered = markdown2html_mistune(markdown)
    return BeautifulSoup(rendered, "html.parser").get_text()


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(TEXT)
@example("    :")  # four leading spaces: once a code block showing "\\:"
@example("\t<x>")  # a leading tab: once a code block showing "&lt;x&gt;"
@example(" \t  \t**a**\n    b")
def test_a_value_escaped_for_markdown_shows_exactly_as_written(value):
    rendered = markdown2html_mistune(show.escape_md(value))
    assert "<pre" not in rendered and "<code" not in rendered, rendered
    assert squash(visible(show.escape_md(value))) == squash(value)


@pytest.mark.parametrize("value", ["    :", "\t<x>", "        4 < 5 & $1"])
def test_leading_whitespace_never_makes_a_code_block_anywhere_a_value_goes(value):
    for markdown in (show.escape_md(value), show.bullets([value]).markdown, show.strong(value).markdown):
        rendered = markdown2html_mistune(markdown)
        assert "<pre" not in rendered and "&amp;lt;" not in rendered, rendered
        assert squash(value) in squash(BeautifulSoup(rendered, "html.parser").get_text())


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(TEXT, TEXT)
def test_a_sentence_keeps_its_emphasis_and_shows_its_values_as_written(first, second):
    # fund_text holds "US$ … million" and bold markers: the dollar sign must never open mathematics.
    text = show.text("forums_text", "en", n=1, first=2015, last=2026, online=2, as_of=first, never=second)
    rendered = markdown2html_mistune(text.markdown)
    assert squash(first) in squash(BeautifulSoup(rendered, "html.parser").get_text())
    assert squash(second) in squash(BeautifulSoup(rendered, "html.parser").get_text())
    fund = show.text("fund_text", "en", first=2009, total=first, man=second)
    soup = BeautifulSoup(markdown2html_mistune(fund.markdown), "html.parser")
    assert soup.find("strong") is not None and "US$ " in soup.get_text()
    assert squash(f"US$ {first} million") in squash(soup.get_text())


def test_every_sentence_renders_without_mathematics_or_literal_markers():
    for key, texts in LABELS.items():
        for lang, template in texts.items():
            values = dict.fromkeys(re.findall(r"{(\w+)", template), "1")
            shown = visible(show.text(key, lang, **values).markdown)
            assert "**" not in shown and "\\" not in shown, (key, lang, shown)
            assert template.count("$") == shown.count("$"), (key, lang, shown)


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=5))
def test_a_table_escapes_each_cell_exactly_once(rows):
    frame = pd.DataFrame(rows, columns=["text_en", "summary_en"])
    table = show.table(frame, "en", caption="<caption & $>")
    soup = BeautifulSoup(table._repr_html_(), "html.parser")
    cells = [squash(td.get_text()) for td in soup.find_all("td")]
    assert cells == [squash(v) for row in rows for v in row]
    assert soup.find("caption").get_text() == "<caption & $>"
    assert [(th.get_text(), th["scope"]) for th in soup.find_all("th")] == [
        ("Text", "col"),
        ("Summary", "col"),
    ]


def test_a_table_is_rendered_through_an_autoescaping_template():
    from workplan import pieces

    assert pieces.environment().autoescape is True
    html_text = show.table(pd.DataFrame({"text_en": ["<script>x</script>"]}), "en", caption="c")._repr_html_()
    assert "<script>" not in html_text and "&lt;script&gt;x&lt;/script&gt;" in html_text
    assert "&amp;lt;" not in html_text


def test_a_long_quote_folds_to_its_first_words_and_keeps_the_whole_text():
    quote = "word " * 60
    table = show.table(pd.DataFrame({"text_en": [quote.strip(), "short"]}), "en", caption="c")
    soup = BeautifulSoup(table._repr_html_(), "html.parser")
    folds = soup.find_all("details")
    assert len(folds) == 1 and not folds[0].has_attr("open")
    assert folds[0].summary.get_text().endswith("…") and len(folds[0].summary.get_text()) <= 61
    assert squash(folds[0].get_text()).endswith(quote.strip())


def test_a_wide_table_scrolls_in_a_box_a_keyboard_can_reach():
    soup = BeautifulSoup(
        show.table(pd.DataFrame({"text_en": ["a"]}), "en", caption="Cap")._repr_html_(), "html.parser"
    )
    box = soup.find(class_="workplan-scroll")
    assert box["tabindex"] == "0" and box["role"] == "region" and box["aria-label"] == "Cap"


def test_a_link_is_made_only_from_an_http_address_and_escaped():
    frame = pd.DataFrame(
        {
            "source_title": ['Report "A" <1>', "Bad", "Plain"],
            "source_url": ['https://example.org/a?x=1&y="2"', "javascript:alert(1)", pd.NA],
        }
    )
    table = show.table(frame, "en", caption="c", links={"source_title": "source_url"})
    soup = BeautifulSoup(table._repr_html_(), "html.parser")
    links = soup.find("table").find_all("a")  # (the source line below links to the source page)
    assert [(a["href"], a.get_text()) for a in links] == [
        ('https://example.org/a?x=1&y="2"', 'Report "A" <1>')
    ]
    assert [th.get_text() for th in soup.find_all("th")] == [
        "Source of the outcome"
    ]  # the address is in the link
    assert "javascript" not in table._repr_html_()
    assert "javascript" not in repr(table) and "Report" in repr(table)


# --- relabelling -----------------------------------------------------------------------------------------

VOCABULARIES = sorted(VOCABULARY_LABELS)


@st.composite
def vocabulary_frames(draw):
    """A frame of a few vocabulary columns (values drawn from each vocabulary, some missing) and text."""
    names = draw(st.lists(st.sampled_from(VOCABULARIES), min_size=1, max_size=4, unique=True))
    n = draw(st.integers(min_value=0, max_value=6))
    data = {
        name: draw(
            st.lists(
                st.one_of(st.none(), st.sampled_from(sorted(VOCABULARY_LABELS[name]))), min_size=n, max_size=n
            )
        )
        for name in names
    }
    data["text_en"] = draw(st.lists(TEXT, min_size=n, max_size=n))
    return pd.DataFrame(data).astype("string")


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(vocabulary_frames(), st.sampled_from(["ja", "en"]))
def test_relabelling_maps_every_vocabulary_value_and_drops_nothing(frame, lang):
    shown = relabel(frame, lang)
    assert shown.shape == frame.shape
    assert list(shown.columns) == [header(c, lang) for c in frame.columns]
    for position, column in enumerate(frame.columns):
        vocabulary = vocabulary_of(column)
        for before, after in zip(frame[column], shown.iloc[:, position], strict=True):
            if pd.isna(before):
                assert pd.isna(after)
            elif vocabulary:
                assert after == VOCABULARY_LABELS[vocabulary][before][lang]
            else:
                assert after == before


def test_relabelling_refuses_a_value_without_a_label():
    with pytest.raises(KeyError, match="status.rumoured"):
        relabel(pd.DataFrame({"status": ["held", "rumoured"]}), "en")


def test_relabelling_shows_dates_as_precisely_as_the_source_and_booleans_as_words():
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-03-01", "2018-01-01", None]),
            "date_precision": ["month", "year", "day"],
            "end_date": pd.to_datetime(["2027-02-01", None, None]),
            "end_precision": ["month", None, None],
            "in_group": pd.array([True, False, None], dtype="boolean"),
            "plan_status": ["planned", "held", "provisional"],
        }
    )
    en, ja = relabel(frame, "en"), relabel(frame, "ja")
    assert list(en.columns) == ["Date", "End", "In the Friends Group", "Status in the plan (January 2026)"]
    assert en["Date"].tolist()[:2] == ["March 2026", "2018"] and pd.isna(en["Date"].iloc[2])
    assert ja["日付"].tolist()[:2] == ["2026年3月", "2018年"]
    assert en["End"].iloc[0] == "February 2027"
    assert en["In the Friends Group"].tolist()[:2] == ["yes", "no"]
    assert ja.iloc[:, 3].tolist() == ["予定", "実施済み", "暫定"]


def test_table_names_countries_in_the_reports_language():
    frame = pd.DataFrame({"country_iso3": ["KHM", "JPN", None]})
    table = show.table(frame, "ja", caption="c")
    assert table.frame.columns.tolist() == ["国"]
    assert table.frame["国"].tolist()[:2] == ["カンボジア", "日本"]


# --- parameters and titles ---------------------------------------------------------------------------------


def test_a_pillar_notebook_refuses_another_pillar_naming_the_right_notebook():
    with pytest.raises(ParameterError, match="pillar2_cyber.ipynb"):
        show.check_parameters("pillar3", lang="en", as_of="2026-01-31", pillar=2)
    assert show.check_parameters("country", lang="ja", as_of="2026-01-31", country="kh")["country"] == "KHM"


def test_title_escapes_a_name_from_the_data():
    title = show.title("country", "en", "2026-01-31", name="A*B*_c_ <x>", description="US$ 1 and US$ 2")
    shown = visible(title.markdown)
    assert "A*B*_c_ <x>" in shown and "US$ 1 and US$ 2" in shown
    assert "31 January 2026" in shown


def test_labels_are_bound_to_the_language():
    assert show.labels("ja")("year") == t("year", "ja") == "年"
    assert html.escape(show.labels("en")("forum_map_title", first=2015, last=2026)).endswith("2015–2026")


def test_only_a_cell_with_a_long_unbroken_run_may_break_inside_words():
    url = "https://www.soumu.go.jp/main_sosiki/joho_tsusin/eng/pressrelease/2026/3/16_2.html"
    table = show.table(
        pd.DataFrame({"status": ["completed"], "note_en": [f"Read at {url}."]}), "en", caption="c"
    )
    cells = BeautifulSoup(table._repr_html_(), "html.parser").find_all("td")
    assert [td.get("class") for td in cells] == [None, ["workplan-break"]]
    assert cells[1].get_text() == f"Read at {url}."


def test_a_cell_in_japanese_in_an_english_table_says_its_language():
    table = show.table(pd.DataFrame({"text_en": ["ASEAN 9 か国", "nine members"]}), "en", caption="c")
    cells = BeautifulSoup(table._repr_html_(), "html.parser").find_all("td")
    assert [td.get("lang") for td in cells] == ["ja", None]
    ja = show.table(pd.DataFrame({"text_ja": ["ASEAN 9 か国"]}), "ja", caption="c")
    assert "lang=" not in ja._repr_html_()

"""Citations (workplan.cite) and the source page they link to: text, BibTeX and CSL-JSON in either
language with the row's lines, slide and the project's version; one anchor per line and per slide."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from workplan.cite import cite, project_version, source_page
from workplan.errors import ParameterError, UnknownDatasetError
from workplan.paths import PROJECT_ROOT

RAW_LINES = (
    (PROJECT_ROOT / "data" / "raw" / "000_35f81f830df77f46.txt").read_text(encoding="utf-8").split("\n")
)
QUOTE = "支援期間 2027年6月-2031年5月（4年間） ※暫定"  # ajccbc_support next, L205


def test_a_row_s_citation_gives_lines_slide_version_and_the_line_s_anchor():
    c = cite("ajccbc_support", "next", base="https://example.org/site/")
    assert c.url == "https://example.org/site/source.html#L205"
    assert "data/raw L205 (slide 7)" in c.text and QUOTE in c.text and c.url in c.text
    assert f"version {project_version()} (data package 1.0.0)" in c.text
    assert c.text.startswith("ajccbc_support “next” (Next support)")


def test_bibtex_and_csl_json_carry_the_same_facts():
    c = cite("ajccbc_support", "next", base="https://example.org/site/")
    bib = c.bibtex
    assert bib.startswith("@misc{workplan_ajccbc_support_next,\n") and bib.endswith("\n}")
    fields = dict(re.findall(r"^  (\w+) = \{(.*)\},?$", bib, flags=re.M))
    assert fields["url"] == "https://example.org/site/source.html#L205"
    assert fields["title"] == r"{ajccbc\_support next: Next support}"
    assert "L205 (slide 7)" in fields["note"] and fields["version"] == project_version()
    assert bib.count("{") == bib.count("}")
    csl = json.loads(json.dumps(c.csl))
    assert csl["URL"] == c.url and csl["locator"] == "L205" and csl["type"] == "dataset"
    assert csl["issued"] == {"date-parts": [[2026]]} and csl["language"] == "en"


def test_a_citation_in_japanese():
    c = cite("ajccbc_support", "next", lang="ja", base="")
    assert c.text.startswith("ajccbc_support「next」（次期支援）")
    assert "原文L205（スライド7）" in c.text and "総務省" in c.text
    assert c.csl["language"] == "ja" and "japanese" in c.bibtex


def test_a_row_without_a_printed_slide_number_gives_its_line_alone():
    c = cite("ivo_forums", "2026", base="")
    assert c.source_lines is not None and c.slide is None
    assert f"data/raw {c.source_lines}." in c.text or f"data/raw {c.source_lines}:" in c.text


def test_unknown_rows_and_datasets_are_refused_naming_what_is_allowed():
    with pytest.raises(ParameterError, match="a key of ajccbc_support: jaif, jica, next"):
        cite("ajccbc_support", "later")
    with pytest.raises(UnknownDatasetError):
        cite("ajccbc", "next")
    with pytest.raises(ParameterError, match='"ja" or "en"'):
        cite("ajccbc_support", "next", lang="fr")


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: dict[str, str] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag, attrs):
        ident = dict(attrs).get("id")
        if ident:
            self.ids[ident] = ""
            self._open.append(ident)

    def handle_data(self, data):
        for ident in self._open:
            self.ids[ident] += data

    def handle_endtag(self, tag):
        if tag in ("div", "h2", "span") and self._open:
            self._open.pop()


def test_the_source_page_has_an_anchor_per_line_and_per_slide():
    page = source_page()
    anchors = _Anchors()
    anchors.feed(page)
    lines = {k: v for k, v in anchors.ids.items() if re.fullmatch(r"L\d+", k)}
    assert len(lines) == len(RAW_LINES)
    assert lines["L205"] == "205" + RAW_LINES[204]  # the number, then the line as it is
    assert {"slide-7", "slide-9", "section-ajccbc", "section-open_ran"} <= set(anchors.ids)
    assert page.index('id="slide-7"') < page.index('id="L194"')  # the slide's anchor opens its section
    assert source_page() == page  # deterministic


def test_cli_cite_prints_text_bibtex_and_csl_json_linking_to_line_205():
    result = subprocess.run(
        [sys.executable, "-m", "workplan", "cite", "ajccbc_support", "next"],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env={"PATH": "/usr/bin:/bin", "WORKPLAN_SITE_URL": ""},
    )
    assert result.returncode == 0, result.stderr
    text, bib, csl = result.stdout.split("\n\n", 2)
    assert text.endswith("reports/source.html#L205") and "L205 (slide 7)" in text
    assert bib.startswith("@misc{") and "url = {reports/source.html#L205}" in bib
    assert json.loads(csl)[0]["URL"] == "reports/source.html#L205"
    bad = subprocess.run(
        [sys.executable, "-m", "workplan", "cite", "ajccbc_support", "later"],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
    )
    assert bad.returncode == 2 and "jaif, jica, next" in bad.stderr


def test_a_report_table_links_its_source_line_and_each_row_s_line_to_the_source_page(monkeypatch):
    import workplan
    from workplan import show

    monkeypatch.delenv("WORKPLAN_SITE_URL", raising=False)
    frame = workplan.load("ajccbc_support")[["phase_id", "label_en", "source_lines"]]
    page = show.table(frame, "en", caption="c")._repr_html_()
    assert '<a href="../source.html#L205">L205</a>' in page  # reports/<lang>/x.html → reports/source.html
    assert '<a href="../source.html">Source: MIC' in page
    monkeypatch.setenv("WORKPLAN_SITE_URL", "https://example.org/site")
    assert show.source_href("L205-L206") == "https://example.org/site/source.html#L205"
    assert "source_lines_href" not in repr(show.table(frame, "en", caption="c"))


def test_an_outcome_is_cited_with_the_page_it_was_read_from():
    import pandas as pd

    outcomes = pd.read_csv(PROJECT_ROOT / "data" / "outcomes.csv", dtype=str)
    outcome = outcomes.dropna(subset=["source_title", "source_date"]).iloc[
        0
    ]  # a page with a title and a date
    c = cite("outcomes", outcome["outcome_id"], base="")
    assert c.source_lines is None and c.url is None  # no line of the plan: it quotes its own source
    for value in (
        outcome["source_publisher"],
        outcome["source_title"],
        outcome["source_date"],
        outcome["source_url"],
    ):
        assert value in c.text
    assert outcome["source_quote"] in c.text and "MIC, Japan-ASEAN Digital Work Plan" not in c.text
    assert c.csl["source"] == c.outside and outcome["source_url"] in c.bibtex

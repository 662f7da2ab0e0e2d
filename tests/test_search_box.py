"""The index page's search box, in a real browser with the network off: it finds the next AJCCBC support
period (with its line, slide and a link to the line) and the Open RAN rows, and for words that are no
name the data records it lists the rows workplan.search lists. Needs Debian's chromium and Playwright;
skipped without them (the index data itself is checked in test_search.py and test_follow.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import workplan
from workplan.build.site import update_site
from workplan.paths import DEFAULT_DATA_DIR

CHROMIUM = "/usr/bin/chromium"
sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Debian's chromium is not installed")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    update_site(out, DEFAULT_DATA_DIR, {"reports": {}, "data": ""}, [], "test")
    return out


@pytest.fixture(scope="module")
def page(site: Path):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(offline=True)  # no network: the page must work from its own files
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((site / "index.html").as_uri())
        yield page
        assert not errors, errors
        browser.close()


def _results(page, term: str) -> list[dict]:
    page.fill("#search-box", term)
    page.wait_for_function(  # the results shown are this term's
        "term => document.getElementById('search-results').getAttribute('data-term') === term", arg=term
    )
    return page.eval_on_selector_all(
        "#search-results li",
        """items => items.map(li => ({
            row: li.querySelector('code') ? li.querySelector('code').textContent : null,
            mark: li.querySelector('mark') ? li.querySelector('mark').textContent : null,
            why: li.textContent,
            href: li.querySelector('a') ? li.querySelector('a').getAttribute('href') : null,
        }))""",
    )


def test_the_box_finds_the_next_ajccbc_support_period_with_line_slide_and_link(page):
    found = _results(page, "AJCCBC")
    rows = [r["row"] for r in found]
    expected = workplan.search("AJCCBC")
    assert rows == [f"{d} {k}" for d, k in zip(expected["dataset"], expected["key"], strict=True)]
    hit = found[rows.index("ajccbc_support next")]
    assert hit["mark"] == "AJCCBC" and "source L205, slide 7" in hit["why"]
    assert hit["href"] == "source.html#L205"


def test_the_box_finds_the_open_ran_rows_whatever_the_spelling(page):
    found = [r["row"] for r in _results(page, "OpenRAN")]
    assert found[0] == "glossary Open RAN" and "ict_fund_projects 1" in found
    assert [r["row"] for r in _results(page, "ｵｰﾌﾟﾝ RAN")] == found


@pytest.mark.parametrize("term", ["Kuala Lumpur", "演習", "ＡＳＥＡＮ ＩＶＯ"])
def test_other_words_find_what_the_library_finds(page, term):
    expected = workplan.search(term)
    found = _results(page, term)
    assert [r["row"] for r in found[:60]] == [
        f"{d} {k}" for d, k in list(zip(expected["dataset"], expected["key"], strict=True))[:60]
    ]


def test_a_hit_s_link_opens_its_line_on_the_source_page(page, site):
    _results(page, "AJCCBC")
    page.click("#search-results a[href='source.html#L205']")
    page.wait_for_url("**/source.html#L205")
    assert page.eval_on_selector(":target", "e => e.id") == "L205"
    page.goto((site / "index.html").as_uri())

"""Every report in both languages and the index, opened in a real browser as a reader would.

Debian's Chromium (`/usr/bin/chromium`, installed by `apt-get install chromium`; .ci/run does it
when it is missing) is driven by Playwright, with no Japanese system font visible to it
(tests/browser.py). The pages are those of this file's own full build (`full_build` below: the
suite runs each file whole on one worker, and test_build.py changes its build in place); one browser
serves every test. Each page is opened once per width and what the
tests check is read off it then: console errors, requests, links and anchors, images and their
alternative text, `lang`, headings, tables, overflow at 390, 768 and 1280 px, charts on a phone,
axe-core's serious and critical violations, and the face Japanese text is drawn with.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from browser import WIDTHS, launch
from test_build import copy_notebooks, run_build
from workplan.matrix import report_matrix

PAGES = sorted({p for spec in report_matrix() for p in spec.outputs if p.endswith(".html")}) + ["index.html"]
DEFAULT_ALT = "No description has been provided for this image"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
CHART_SCALE = 0.7  # a chart on a phone keeps at least this share of its drawn size

# Read off a page in one pass: links, images, headings, tables, charts, overflow.
PROBE = r"""() => {
  const links = [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'));
  const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
  const images = [...document.images].map(i => ({alt: i.getAttribute('alt'), w: i.getBoundingClientRect().width,
      natural: i.naturalWidth, chart: !!i.closest('.workplan-chart'), complete: i.complete && i.naturalWidth > 0}));
  const headings = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1]);
  const tables = [...document.querySelectorAll('table')].map(t => ({
      caption: !!(t.caption && t.caption.textContent.trim()),
      unscoped: [...t.querySelectorAll('th')].filter(th => !th.getAttribute('scope')).length}));
  const rows = [...document.querySelectorAll('table.workplan-table tbody tr')].map(r => r.getBoundingClientRect().height);
  const unfolded = [...document.querySelectorAll('table.workplan-table td')]
      .filter(td => td.textContent.trim().length > 160 && !td.querySelector('details')).length;
  // Text in Japanese outside an element marked lang="ja" (for an English page).
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const unmarked = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (/[\u3040-\u30ff\u4e00-\u9fff]/.test(n.textContent) && !(n.parentElement.closest('[lang]') || document.documentElement).lang.startsWith('ja'))
      unmarked.push(n.textContent.trim().slice(0, 40));
  }
  const foreign = [...document.querySelectorAll('[lang]')].filter(e => e !== document.documentElement).map(e => e.lang);
  return {lang: document.documentElement.lang, links, ids, images, headings, tables, rows, unfolded, unmarked, foreign,
          scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
          main: document.querySelectorAll('main').length};
}"""


@pytest.fixture(scope="session")
def full_build(tmp_path_factory):
    """Every report and the index, built once from the committed notebooks and data."""
    root = tmp_path_factory.mktemp("browser-build")
    out = root / "reports"
    result = run_build(out, copy_notebooks(root / "notebooks"), "--jobs", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    return {"out": out}


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright, tmp_path_factory.mktemp("chromium"))
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def seen(full_build, browser):
    """Every page opened at each width: what the probe read, console errors, requests, axe, fonts."""
    from axe_playwright_python.sync_playwright import Axe

    out = full_build["out"]
    axe = Axe()
    results: dict[str, dict] = {}
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900})
        # Nothing leaves the file: any request to the network is refused (and recorded).
        context.route(re.compile(r"^(https?|wss?|ftp)://"), lambda route: route.abort())
        page = context.new_page()
        now: dict[str, list[str]] = {}
        page.on("console", lambda m, now=now: now["errors"].append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda x, now=now: now["errors"].append(str(x)))
        page.on("request", lambda r, now=now: now["requests"].append(r.url))
        for name in PAGES:
            errors: list[str] = []
            requests: list[str] = []
            now.update(errors=errors, requests=requests)
            page.goto((out / name).as_uri(), wait_until="load")
            page.wait_for_function("[...document.images].every(i => i.complete)")
            entry = results.setdefault(name, {"widths": {}})
            # The page's own errors, taken before axe and the font probe run: Chromium 150 logs an
            # "Unsafe attempt to load URL" for a file: page when the probe's CSS.enable reads its styles.
            entry["widths"][width] = {**page.evaluate(PROBE), "errors": list(errors), "requests": requests}
            if width == 1280:
                entry["axe"] = axe.run(page).response["violations"]
                if name.startswith("ja/") or name == "index.html":
                    entry["fonts"] = platform_fonts(page)
        context.close()
    return {"out": out, "pages": results}


def platform_fonts(page) -> list[dict]:
    """The fonts Chromium drew the page's first heading and first table caption with (CDP)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    found = []
    for selector in ("h1", "main h2", "nav a"):
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        if node:
            text = page.eval_on_selector(selector, "e => e.textContent")
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
            found.append({"selector": selector, "text": text, "fonts": fonts})
    cdp.detach()
    return found


def at(seen, name, width=1280):
    return seen["pages"][name]["widths"][width]


def test_every_page_was_opened(seen):
    assert len(seen["pages"]) == len(report_matrix()) + 1 >= 35


@pytest.mark.parametrize("name", PAGES)
def test_no_console_error_and_no_request_outside_the_file(seen, name):
    for width in WIDTHS:
        probe = at(seen, name, width)
        assert probe["errors"] == [], (width, probe["errors"])
        outside = [u for u in probe["requests"] if not u.startswith(("file:", "data:", "about:", "blob:"))]
        assert outside == [], outside


@pytest.mark.parametrize("name", PAGES)
def test_every_link_and_anchor_resolves(seen, name):
    page = seen["out"] / name
    probe = at(seen, name)
    assert probe["links"], "a page without a link"
    for href in probe["links"]:
        url = urlparse(href)
        if url.scheme in ("http", "https"):
            assert url.netloc, href  # an address elsewhere, written in full (not fetched: offline)
            continue
        assert url.scheme in ("", "file"), href
        if href.startswith("#"):
            # as the browser finds it: the fragment as written, else decoded (HTML's "indicated part")
            assert href[1:] in probe["ids"] or unquote(href[1:]) in probe["ids"], href
            continue
        target = (page.parent / unquote(url.path)).resolve()
        assert target.is_file(), f"{name}: {href} → {target}"


@pytest.mark.parametrize("name", PAGES)
def test_every_image_has_its_own_alternative_text(seen, name):
    for image in at(seen, name)["images"]:
        assert image["complete"], "an image that did not load"
        assert image["alt"] and image["alt"].strip() and DEFAULT_ALT not in image["alt"], image["alt"]
        if name.startswith("ja/") and image["chart"]:
            assert JAPANESE.search(image["alt"]), image["alt"]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_no_horizontal_overflow(seen, name, width):
    probe = at(seen, name, width)
    assert probe["scrollWidth"] <= probe["innerWidth"] == width, probe["scrollWidth"]


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_serious_or_critical_violation(seen, name):
    bad = [
        (v["id"], v["impact"], [n["html"][:120] for n in v["nodes"][:3]])
        for v in seen["pages"][name]["axe"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []


@pytest.mark.parametrize("name", PAGES)
def test_language_landmark_headings_and_tables(seen, name):
    probe = at(seen, name)
    assert probe["lang"] == ("ja" if name.startswith("ja/") else "en")
    assert probe["main"] == 1
    if name.startswith("en/"):
        assert probe["unmarked"] == [], "Japanese text without lang=ja"
    if name != "index.html":
        assert ("en" if name.startswith("ja/") else "ja") in probe["foreign"]  # the other language's link
    levels = probe["headings"]
    assert levels and levels[0] == 1, levels
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    assert probe["tables"], "no table"
    assert all(t["caption"] and t["unscoped"] == 0 for t in probe["tables"]), probe["tables"]


@pytest.mark.parametrize("name", [p for p in PAGES if p != "index.html"])
def test_on_a_phone_charts_keep_their_size_and_long_quotes_fold(seen, name):
    probe = at(seen, name, 390)
    charts = [i for i in probe["images"] if i["chart"]]
    assert charts, "a report without a chart"
    for chart in charts:
        assert chart["w"] >= CHART_SCALE * chart["natural"] - 1, chart
    assert probe["unfolded"] == 0
    assert max(probe["rows"], default=0) < 900, "a table row taller than the screen"


@pytest.mark.parametrize("name", [p for p in PAGES if p.startswith("ja/")] + ["index.html"])
def test_japanese_is_drawn_with_the_embedded_face_without_a_system_font(seen, name):
    for node in seen["pages"][name]["fonts"]:
        japanese = len(JAPANESE.findall(node["text"]))
        if not japanese:
            continue
        embedded = [f for f in node["fonts"] if f["isCustomFont"]]
        assert embedded, node
        assert sum(f["glyphCount"] for f in embedded) >= japanese, node
        others = [f for f in node["fonts"] if not f["isCustomFont"]]
        # Other faces draw only the Latin letters: every Japanese glyph is the embedded one's.
        assert sum(f["glyphCount"] for f in others) <= len(node["text"]) - japanese, node


def test_every_character_of_a_japanese_page_is_in_its_embedded_subset(seen):
    import base64
    import io

    from fontTools.ttLib import TTFont

    for name in [p for p in PAGES if p.startswith("ja/")]:
        html = (seen["out"] / name).read_text(encoding="utf-8")
        face = re.search(r"data:font/woff;base64,([A-Za-z0-9+/=]+)", html)
        assert face, name
        cmap = TTFont(io.BytesIO(base64.b64decode(face.group(1)))).getBestCmap()
        text = re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.S))
        missing = {c for c in JAPANESE.findall(text) if ord(c) not in cmap}
        assert not missing, (name, sorted(missing)[:10])


def test_a_screenshot_of_a_japanese_report_without_a_system_font(seen, browser, tmp_path):
    """The first heading of a Japanese report, drawn with no Japanese system font, does not look like
    the same heading drawn in a face without Japanese glyphs (boxes)."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto((seen["out"] / "ja" / "overview.html").as_uri())
    shot = tmp_path / "ja-overview-390.png"
    drawn = page.locator("h1").screenshot(path=str(shot))
    # The same heading in a system face only (DejaVu Sans has no Japanese glyph: boxes).
    page.add_style_tag(content='h1 { font-family: "DejaVu Sans" !important; }')
    boxes = page.locator("h1").screenshot()
    page.close()
    assert shot.stat().st_size > 1000
    assert drawn != boxes


# --- paper ---------------------------------------------------------------------------------------------


def pdf_facts(path: Path) -> dict:
    import subprocess

    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    images = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    return {"pages": pages, "text": text, "images": len(images.splitlines()) - 2}


def test_render_writes_a_pdf_with_its_japanese_text_and_charts(tmp_path):
    import subprocess
    import sys

    from workplan.paths import PROJECT_ROOT

    out = tmp_path / "report.pdf"
    cmd = [sys.executable, "-m", "workplan", "render", "pillar3", "-p", "lang", "ja", "-o", str(out)]
    result = subprocess.run(cmd, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert out.read_bytes().startswith(b"%PDF")
    facts = pdf_facts(out)
    assert facts["pages"] >= 2
    assert "デジタルインフラ" in facts["text"] and "出典" in facts["text"]
    assert facts["images"] >= 2  # the report's charts
    assert "← すべてのレポート" not in facts["text"]  # no navigation on paper


def test_build_pdf_prints_each_report_once_and_the_same_bytes_again(full_build, tmp_path):
    import shutil

    from workplan.build.pdf import write_pdfs

    out = tmp_path / "reports"
    shutil.copytree(full_build["out"] / "en", out / "en")
    assert write_pdfs(out, ["en/tracker.html"]) == ["en/tracker.pdf"]
    first = (out / "en" / "tracker.pdf").read_bytes()
    assert write_pdfs(out, ["en/tracker.html"]) == []  # up to date: not printed again
    (out / "en" / "tracker.pdf").unlink()
    write_pdfs(out, ["en/tracker.html"])
    assert (out / "en" / "tracker.pdf").read_bytes() == first
    facts = pdf_facts(out / "en" / "tracker.pdf")
    assert facts["pages"] >= 2 and facts["images"] >= 1


def test_on_paper_a_links_address_is_written_out(full_build, tmp_path):
    from workplan.build.pdf import pdf_of

    page = (full_build["out"] / "en" / "tracker.html").read_text(encoding="utf-8")
    page = page.replace(
        "<main>", '<main><p><a href="https://www.soumu.go.jp/example.html">An outcome</a></p>', 1
    )
    out = tmp_path / "tracker.pdf"
    out.write_bytes(pdf_of(page.encode("utf-8")))
    text = pdf_facts(out)["text"]
    assert "An outcome <https://www.soumu.go.jp/example.html>" in re.sub(r"\s+", " ", text)

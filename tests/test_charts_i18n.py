"""House style: every chart of every report has a title, labelled axes and a source line in the
report's language, renders Japanese without a missing glyph, and gives the same bytes twice; every
table, caption and sentence of every report (commitments and key figures included) is in the
report's language. The report notebooks are run in this process (tests/notebook_run.py)."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
import warnings

import pytest
from notebook_run import run_notebook
from workplan import charts
from workplan.i18n import LABELS, VOCABULARY_LABELS
from workplan.paths import DEFAULT_DATA_DIR
from workplan.show import Table, Text

REPORTS = [
    ("overview.ipynb", {}),
    ("pillar1_ai.ipynb", {"pillar": 1}),
    ("pillar2_cyber.ipynb", {"pillar": 2}),
    ("pillar3_infra.ipynb", {"pillar": 3}),
    ("pillar4_cooperation.ipynb", {"pillar": 4}),
    ("country.ipynb", {"country": "KHM"}),
    ("country.ipynb", {"country": "TLS"}),
    ("tracker.ipynb", {"as_of": "2026-11-27"}),  # a recorded outcome is known by then
]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.fixture(
    scope="module",
    params=[(nb, p, lang) for nb, p in REPORTS for lang in ("en", "ja")],
    ids=lambda x: f"{x[0].removesuffix('.ipynb')}-{x[1].get('country', x[1].get('as_of', ''))}-{x[2]}",
)
def rendered(request):
    notebook, params, lang = request.param
    caught: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: caught.append(record.getMessage())  # type: ignore[method-assign]
    logging.getLogger("matplotlib").addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as recorded:
            warnings.simplefilter("always")
            parts = run_notebook(notebook, lang=lang, **{"as_of": "2026-01-31", **params})
            for part in parts:
                if isinstance(part, charts.Chart):
                    part.png()
    finally:
        logging.getLogger("matplotlib").removeHandler(handler)
    return {"lang": lang, "parts": parts, "warnings": [str(w.message) for w in recorded] + caught}


def test_no_missing_glyph_and_no_warning(rendered):
    assert not [w for w in rendered["warnings"] if "Glyph" in w or "findfont" in w], rendered["warnings"]
    assert rendered["warnings"] == []


def test_every_chart_has_title_axis_labels_and_source_line_in_its_language(rendered):
    lang = rendered["lang"]
    chart_parts = [p for p in rendered["parts"] if isinstance(p, charts.Chart)]
    assert chart_parts, "a report without a chart"
    for chart in chart_parts:
        fig = chart.figure
        titles = [ax.get_title(loc="left") for ax in fig.axes if ax.get_title(loc="left")]
        assert titles and chart.title in titles
        source = fig._supxlabel.get_text()
        assert ("出典" if lang == "ja" else "Source") in source, f"{chart.title}: no source line"
        visible = [ax for ax in fig.axes if ax.axison and (ax.get_xticks().size or ax.get_yticks().size)]
        for ax in visible:
            labelled = (
                ax.get_xlabel()
                or ax.get_ylabel()
                or ax.get_yticklabels()
                and any(label.get_text() for label in ax.get_yticklabels())
            )
            assert labelled, f"{chart.title}: an axis without a label"
        if lang == "ja":
            assert JAPANESE.search(chart.title), chart.title
        else:
            assert not JAPANESE.search(chart.title), chart.title
            assert not JAPANESE.search(source.replace("※暫定", "")), source


def test_count_axes_have_whole_number_ticks(rendered):
    """A bar chart of counts never shows ticks such as 0.5 or 1.2 on its value axis."""
    checked = 0
    for chart in (p for p in rendered["parts"] if isinstance(p, charts.Chart)):
        for ax in chart.figure.axes:
            bars = [(c.orientation, bar) for c in ax.containers if hasattr(c, "orientation") for bar in c]
            if not bars:
                continue
            vertical = bars[0][0] == "vertical"
            values = [bar.get_height() if vertical else bar.get_width() for _, bar in bars]
            if not all(float(v).is_integer() for v in values):
                continue
            low, high = ax.get_ylim() if vertical else ax.get_xlim()
            ticks = [t for t in (ax.get_yticks() if vertical else ax.get_xticks()) if low <= t <= high]
            assert all(float(t).is_integer() for t in ticks), f"{chart.title}: ticks {ticks}"
            checked += 1
    assert checked, "no bar chart of counts found to check"


def test_every_table_caption_and_header_follows_the_language(rendered):
    """Commitments, key figures and dated items included: nothing is skipped."""
    tables = [p for p in rendered["parts"] if isinstance(p, Table)]
    names_nothing = any("nowhere" in repr(p) or "一度も言及" in repr(p) for p in rendered["parts"])
    assert tables or names_nothing
    for table in tables:
        headers = [str(c) for c in table.frame.columns]
        if rendered["lang"] == "en":
            assert not [h for h in headers if JAPANESE.search(h)], headers
            assert not JAPANESE.search(table.caption), table.caption
            assert not JAPANESE.search(table.source), table.source
        else:
            assert all(JAPANESE.search(h) for h in headers), headers
            assert JAPANESE.search(table.caption), table.caption
            assert JAPANESE.search(table.source), table.source


def test_every_sentence_follows_the_language(rendered):
    texts = [p for p in rendered["parts"] if isinstance(p, Text)]
    assert texts
    for text in texts:
        if rendered["lang"] == "ja":
            assert JAPANESE.search(text.markdown), text.markdown[:80]
        else:
            # English sentences; Japanese appears only in the source's own words (none in sentences).
            assert not JAPANESE.search(text.markdown), text.markdown[:80]


def test_png_bytes_are_the_same_twice():
    first = [p for p in run_notebook("pillar2_cyber.ipynb", lang="ja") if isinstance(p, charts.Chart)][0]
    second = [p for p in run_notebook("pillar2_cyber.ipynb", lang="ja") if isinstance(p, charts.Chart)][0]
    assert first.png() == second.png()
    assert b"tEXtSoftware" not in first.png()  # no version string in the metadata


def test_a_chart_saves_for_slides_at_16_9_and_200_dpi_with_the_same_bytes_twice(tmp_path):
    from PIL import Image

    parts = run_notebook("pillar3_infra.ipynb", lang="ja")
    chart, tiles = [p for p in parts if isinstance(p, charts.Chart)][:2]
    first = chart.save_for_slides("ivo/projects", tmp_path / "a")  # before the report's PNG is drawn
    shown_before = chart.png()
    second = chart.save_for_slides("ivo/projects", tmp_path / "b")
    tiles.png()
    assert [p.read_bytes() for p in tiles.save_for_slides("t", tmp_path)] == [
        p.read_bytes() for p in tiles.save_for_slides("t", tmp_path)
    ]
    assert [p.name for p in first] == ["projects.png", "projects.svg"]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    with Image.open(first[0]) as image:
        width, height = image.size
        assert (width, height) == (2560, 1440) and width * 9 == height * 16
        assert round(image.info["dpi"][0]) == 200
    svg = first[1].read_text(encoding="utf-8")
    assert svg.startswith("<?xml") and "<dc:date>" not in svg
    assert 'width="921.6pt"' in svg  # 12.8 in × 72 pt: the slide's size
    assert chart.figure.get_size_inches().tolist() == [charts.WIDTH_IN, pytest.approx(3.6)]
    assert chart._render_png() == shown_before  # the report's own PNG is unchanged


def test_importing_charts_changes_no_global_matplotlib_setting():
    code = (
        "import matplotlib; before = dict(matplotlib.rcParams); import workplan.charts, workplan.show; "
        "after = dict(matplotlib.rcParams); print([k for k in before if before[k] != after[k]])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_house_font_is_the_one_in_the_shipped_file():
    from matplotlib.font_manager import FontProperties

    assert FontProperties(fname=charts.FONT_PATH).get_name() == charts.FONT_NAME


def test_every_label_exists_in_both_languages():
    for key, texts in LABELS.items():
        assert set(texts) == {"ja", "en"}, key
        assert all(texts.values()), key


def test_every_closed_vocabulary_value_of_a_shown_column_has_labels():
    """Any column named like a vocabulary (status, kind, unit, japan_role, continuity, …) is relabelled
    in reports: every value its schema allows must have a label."""
    package = json.loads((DEFAULT_DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    checked = 0
    for resource in package["resources"]:
        for field in resource["schema"]["fields"]:
            enum = field.get("constraints", {}).get("enum")
            if enum and field["name"] in VOCABULARY_LABELS:
                for value in enum:
                    key = f"{field['name']}.{value}"
                    assert key in LABELS, (
                        f"{resource['name']}.{field['name']} value {value!r} has no label {key!r}"
                    )
                    checked += 1
    assert checked >= 40


def test_wrap_never_splits_a_latin_word():
    wrapped = charts.wrap("ASEAN IVO提案採択予定（2026年）", "ja", 16)
    assert "ASEAN IVO" in wrapped.replace("\n", " ") and "IV\nO" not in wrapped
    assert all(
        len(line) <= 26
        for line in charts.wrap("Digital Infrastructure and Digital Transformation", "en", 26).splitlines()
    )


def test_every_chart_says_its_title_and_its_data_in_words_in_its_language(rendered):
    lang = rendered["lang"]
    for chart in (p for p in rendered["parts"] if isinstance(p, charts.Chart)):
        alt = chart.alt
        assert alt.startswith(chart.title) and len(alt) > len(chart.title) + 10, alt
        assert "No description" not in alt
        if lang == "ja":
            assert JAPANESE.search(alt.removeprefix(chart.title)), alt
        html = chart.html()
        assert 'alt="' in html and "data:image/png;base64," in html
        if not chart.data.empty:
            assert "<details" in html and "<caption>" in html and 'scope="col"' in html


def test_every_text_on_a_chart_reads_at_aa_contrast(rendered):
    """Text is drawn in a colour with at least 4.5:1 on white, or in white on a fill that
    `charts.text_on` chose it for (4.5:1 there by construction)."""
    from matplotlib.colors import to_hex

    for chart in (p for p in rendered["parts"] if isinstance(p, charts.Chart)):
        for text in chart.figure.findobj(lambda a: hasattr(a, "get_text") and hasattr(a, "get_color")):
            if not text.get_text().strip() or not text.get_visible():
                continue
            colour = to_hex(text.get_color())
            assert colour == "#ffffff" or charts.contrast(colour, "#ffffff") >= 4.5, (
                chart.title,
                text.get_text(),
                colour,
            )


def test_text_on_any_fill_reaches_aa():
    for fill in [*charts.PILLAR_COLOURS.values(), *charts.STATUS_COLOURS.values(), "#9CC3E4", "#777777"]:
        assert charts.contrast(charts.text_on(fill), fill) >= 4.5, fill


def test_every_bar_and_marker_stands_out_from_white_at_3_to_1(rendered):
    """WCAG's need for graphics: a bar, a tile or a marker has a fill or an outline of 3:1 on white
    (shaded spans behind the data, drawn translucent, are a background and not counted)."""
    from matplotlib.colors import to_hex
    from matplotlib.lines import Line2D

    for chart in (p for p in rendered["parts"] if isinstance(p, charts.Chart)):
        for ax in chart.figure.axes:
            for patch in ax.patches:
                if patch.get_alpha() is not None and patch.get_alpha() < 1:
                    continue
                face, edge = to_hex(patch.get_facecolor()), to_hex(patch.get_edgecolor())
                if face == "#ffffff" and patch.get_linewidth() == 0:
                    continue
                outline = charts.contrast(edge, "#ffffff") if patch.get_linewidth() > 0 else 0
                assert max(charts.contrast(face, "#ffffff"), outline) >= 3, (chart.title, face, edge)
            for line in ax.get_lines():
                if isinstance(line, Line2D) and line.get_marker() not in (None, "None", ""):
                    edge = to_hex(line.get_markeredgecolor())
                    assert charts.contrast(edge, "#ffffff") >= 3, (chart.title, edge)

"""House style: every chart of every report has a title, labelled axes and a source line in the
report's language, renders Japanese without a missing glyph, and gives the same PNG bytes twice."""

from __future__ import annotations

import json
import logging
import re
import warnings

import pytest
from workplan import charts
from workplan.display import Section, Table, Text
from workplan.i18n import LABELS, VOCABULARY_LABELS
from workplan.paths import DEFAULT_DATA_DIR
from workplan.report import (
    AIReport,
    CooperationReport,
    CountryReport,
    CyberReport,
    InfraReport,
    OverviewReport,
    Report,
)

REPORTS = [
    (OverviewReport, {}),
    (AIReport, {"pillar": 1}),
    (CyberReport, {"pillar": 2}),
    (InfraReport, {"pillar": 3}),
    (CooperationReport, {"pillar": 4}),
    (CountryReport, {"country": "KHM"}),
    (CountryReport, {"country": "TLS"}),
]
SHARED = {name for name in dir(Report) if not name.startswith("_")}
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def sections(report) -> list[object]:
    """Every displayable part of every section method the report class adds or overrides."""
    parts: list[object] = []
    cls = type(report)
    names = [n for n in dir(cls) if not n.startswith("_") and callable(getattr(cls, n))]
    skip = {
        "t",
        "col",
        "date",
        "pillar_names",
        "table",
        "status_label",
        "role_label",
        "pillar_timeline",
        "engagement_counts",
        "key_figures",
        "commitments",
    }
    for name in names:
        if name in skip:
            continue
        out = getattr(report, name)()
        if out is None:
            continue
        parts.extend(out.parts if isinstance(out, Section) else [out])
    return parts


@pytest.fixture(
    scope="module",
    params=[(c, p, lang) for c, p in REPORTS for lang in ("en", "ja")],
    ids=lambda x: f"{x[0].__name__}-{x[1].get('country', x[1].get('pillar', ''))}-{x[2]}",
)
def rendered(request):
    cls, params, lang = request.param
    caught: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: caught.append(record.getMessage())  # type: ignore[method-assign]
    logging.getLogger("matplotlib").addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as recorded:
            warnings.simplefilter("always")
            report = cls(lang=lang, as_of="2026-01-31", **params)
            parts = sections(report)
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
    if rendered["parts"] and any(isinstance(p, charts.Chart) for p in rendered["parts"]):
        assert checked, "no bar chart of counts found to check"


def test_tables_and_text_follow_the_language(rendered):
    for part in rendered["parts"]:
        if isinstance(part, Table):
            headers = " ".join(str(c) for c in part.frame.columns)
            if rendered["lang"] == "en":
                assert not JAPANESE.search(headers), headers
                assert not JAPANESE.search(part.caption), part.caption
            else:
                assert JAPANESE.search(headers) or headers.strip() == "", headers
        if isinstance(part, Text) and rendered["lang"] == "ja":
            assert JAPANESE.search(part.markdown), part.markdown[:80]


def test_png_bytes_are_the_same_twice():
    first = CyberReport(lang="ja", as_of="2026-01-31", pillar=2).ajccbc_gantt().parts[0]
    second = CyberReport(lang="ja", as_of="2026-01-31", pillar=2).ajccbc_gantt().parts[0]
    assert first.png() == second.png()
    assert b"tEXtSoftware" not in first.png()  # no version string in the metadata


def test_every_label_exists_in_both_languages():
    for key, texts in LABELS.items():
        assert set(texts) == {"ja", "en"}, key
        assert all(texts.values()), key


def test_every_closed_vocabulary_value_used_in_reports_has_labels():
    package = json.loads((DEFAULT_DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    enums = {}
    for resource in package["resources"]:
        for field in resource["schema"]["fields"]:
            enum = field.get("constraints", {}).get("enum")
            if enum:
                enums[(resource["name"], field["name"])] = enum
    shown = {
        ("actions", "kind"): "kind",
        ("actions", "continuity"): "continuity",
        ("ajccbc_components", "continuity"): "continuity",
        ("key_figures", "unit"): "unit",
        ("key_figures", "value_status"): "value_status",
        ("meeting_channels", "japan_role"): "japan_role",
        ("events", "status"): "status",
        ("ajccbc_support", "status"): "status",
        ("ivo_forums", "status"): "status",
        ("memberships", "status"): "status",
    }
    for (resource, field), vocabulary in shown.items():
        for value in enums[(resource, field)]:
            key = f"{vocabulary}.{value}"
            assert key in LABELS, f"{resource}.{field} value {value!r} has no label {key!r}"
    assert set(VOCABULARY_LABELS["kind"]) == set(enums[("actions", "kind")])


def test_wrap_never_splits_a_latin_word():
    wrapped = charts.wrap("ASEAN IVO提案採択予定（2026年）", "ja", 16)
    assert "ASEAN IVO" in wrapped.replace("\n", " ") and "IV\nO" not in wrapped
    assert all(
        len(line) <= 26
        for line in charts.wrap("Digital Infrastructure and Digital Transformation", "en", 26).splitlines()
    )

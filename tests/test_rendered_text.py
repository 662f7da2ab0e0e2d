"""What a reader sees is what the data says, in every rendered report.

The whole report matrix is built (`python -m workplan build --data … --out … --notebooks …`) from a
copy of the data in which every free-text cell a report may show ends with Markdown and HTML
specials: `<`, `>`, `&`, `$` (twice: Markdown renderers read `$…$` as mathematics), `*` and `_`.
Each seeded cell carries a unique tag; wherever its tag shows in a report's visible text, the whole
value must show there exactly as written (escaped once, no markup eaten, no backslash left), and no
report may show a literal `**`, a double-escaped entity or an escaping backslash anywhere.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from workplan.paths import DEFAULT_DATA_DIR, NOTEBOOK_DIR, PROJECT_ROOT

pytestmark = pytest.mark.xdist_group("seeded-build")

SPECIALS = " <b>R&D</b> US$ 1 *not emphasis* US$ 2 _x_ > {tag}"

# Columns a report shows in HTML (tables or sentences): each must be found, so the test cannot pass
# by finding nothing.
MUST_SHOW = [
    ("actions", "text_en"),
    ("actions", "text_ja"),
    ("actions", "examples_en"),
    ("initiatives", "heading_en"),
    ("initiatives", "heading_ja"),
    ("key_figures", "label_en"),
    ("key_figures", "label_ja"),
    ("basis_documents", "title_en"),
    ("statements", "text_en"),
    ("statements", "text_ja"),
    ("ai_principles", "text_en"),
    ("hiroshima_process", "text_ja"),
    ("events", "title_en"),
    ("events", "title_ja"),
    ("ajccbc_support", "label_en"),
    ("ajccbc_support", "name_en"),
    ("ajccbc_components", "text_ja"),
    ("ajccbc_target_groups", "text_en"),
    ("cyber_activities_2026", "summary_en"),
    ("cyber_activities_2026", "activity_ja"),
    ("ivo_forums", "city_en"),
    ("ivo_projects", "phase2_note_en"),
    ("apt_joint_research", "title_en"),
    ("apt_trainings", "text_ja"),
    ("ict_fund_projects", "title_en"),
    ("ict_fund_projects", "summary_ja"),
    ("meeting_channels", "name_en"),
    ("meeting_channels", "organisers_ja"),
    ("countries", "name_en"),
    ("countries", "name_ja"),
]


def seedable(resource: dict) -> list[str]:
    """Free-text columns: strings without a vocabulary or pattern that no key or reference uses.

    Quotes of the plan are left alone: the loader refuses a quote that is not on its lines of the source
    (x-locates), so a quote cannot carry anything the source does not say.
    """
    schema = resource["schema"]
    keys = set(schema.get("primaryKey", []))
    keys.update(f["x-locates"] for f in schema["fields"] if "x-locates" in f)
    for fk in schema.get("foreignKeys", []):
        fields = fk["fields"]
        keys.update([fields] if isinstance(fields, str) else fields)
    return [
        f["name"]
        for f in schema["fields"]
        if f.get("type", "string") == "string"
        and not {"enum", "pattern"} & set(f.get("constraints", {}))
        and f["name"] not in keys
        and (f["name"].endswith(("_ja", "_en")) or f["name"] == "source_quote")
    ]


def seed(data: Path) -> dict[str, tuple[str, str, str]]:
    """Append the specials to every non-empty free-text cell; tag → (dataset, column, value)."""
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    seeded: dict[str, tuple[str, str, str]] = {}
    for resource in package["resources"]:
        path = data / resource["path"]
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        header, body = rows[0], rows[1:]
        for column in seedable(resource):
            i = header.index(column)
            for row in body:
                if row[i].strip():
                    tag = f"Q{len(seeded):04d}Q"
                    row[i] = row[i] + SPECIALS.format(tag=tag)
                    seeded[tag] = (resource["name"], column, row[i])
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows([header, *body])
        path.write_text(buffer.getvalue(), encoding="utf-8")
    return seeded


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def visible_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "code", "pre", "nav", "head"]):
        hidden.decompose()
    return squash(soup.get_text(" "))


@pytest.fixture(scope="module")
def seeded_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("seeded")
    data, notebooks, out = root / "data", root / "notebooks", root / "reports"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    shutil.copytree(NOTEBOOK_DIR, notebooks, ignore=shutil.ignore_patterns("explore", ".ipynb_checkpoints"))
    seeded = seed(data)
    cmd = [sys.executable, "-m", "workplan", "build", "--data", str(data), "--out", str(out)]
    cmd += ["--notebooks", str(notebooks), "--jobs", "2", "--quiet"]
    result = subprocess.run(cmd, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    pages = {
        p.relative_to(out).as_posix(): visible_text(p.read_text(encoding="utf-8"))
        for p in out.glob("*/*.html")
    }
    return {"seeded": seeded, "pages": pages}


def test_every_report_was_built(seeded_build):
    from workplan.matrix import report_matrix

    assert len(seeded_build["pages"]) == len(report_matrix())


def test_every_seeded_value_shows_exactly_as_written_wherever_it_shows(seeded_build):
    everything = " ".join(seeded_build["pages"].values())
    found: set[tuple[str, str]] = set()
    for tag, (dataset, column, value) in seeded_build["seeded"].items():
        if tag not in everything:
            continue  # a column no report shows in its text (or only inside a chart image)
        found.add((dataset, column))
        for page, text in seeded_build["pages"].items():
            if tag in text:
                assert squash(value) in text, f"{page}: {dataset}.{column} is not shown as written: {value!r}"
    missing = [c for c in MUST_SHOW if c not in found]
    assert not missing, f"columns a report shows but none showed: {missing}"


def test_no_report_shows_markup_entities_or_escapes(seeded_build):
    for page, text in seeded_build["pages"].items():
        assert "**" not in text, page
        assert not re.search(r"&(amp|lt|gt|quot|#\d+);", text), page
        assert not re.search(r"\\[!-/:-@\[-`{-~]", text), page  # a Markdown escape left visible

"""The report build on the real matrix: every report once, side by side, then incremental and repeat builds.

One full build (all notebooks × parameters) runs per test session into a temporary folder; the
tests below read what it produced. They run on one xdist worker (group "build").
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from workplan.matrix import report_matrix
from workplan.paths import DEFAULT_DATA_DIR, NOTEBOOK_DIR, PROJECT_ROOT

pytestmark = pytest.mark.xdist_group("build")


def run_build(out: Path, notebooks: Path, *args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "workplan", "build", "--out", str(out), "--notebooks", str(notebooks), *args]
    return subprocess.run(cmd, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def full_build(tmp_path_factory):
    """A full build of every report from a copy of notebooks/ (so tests may change the copy)."""
    root = tmp_path_factory.mktemp("full-build")
    notebooks = root / "notebooks"
    shutil.copytree(
        NOTEBOOK_DIR, notebooks, ignore=lambda d, names: [n for n in names if not n.endswith(".ipynb")]
    )
    out = root / "reports"
    result = run_build(out, notebooks, "--jobs", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    return {
        "out": out,
        "notebooks": notebooks,
        "result": result,
        "snapshot": {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()},
    }


def test_every_report_of_the_matrix_is_built_in_both_languages(full_build):
    out = full_build["out"]
    specs = report_matrix()
    assert len(specs) == 34
    for spec in specs:
        for rel in spec.outputs:
            assert (out / rel).stat().st_size > 1000, rel
    assert len(list(out.glob("*/*.html"))) == 34
    assert {p.parent.name for p in out.glob("*/*.html")} == {"en", "ja"}


def test_build_prints_one_line_per_report_and_a_summary(full_build):
    stdout = full_build["result"].stdout
    lines = [line for line in stdout.splitlines() if re.match(r"\[\s*\d+/34\] ", line)]
    assert len(lines) == 34
    assert all(re.search(r"ok\s+\d+\.\d s$", line) for line in lines)
    assert re.search(r"^34 built, 0 up to date, 0 failed in \d+\.\d s$", stdout, re.M)


def test_no_missing_glyph_or_any_warning_anywhere(full_build):
    result = full_build["result"]
    assert "Glyph" not in result.stdout + result.stderr
    assert "Warning" not in result.stderr
    for path in full_build["out"].glob("*/*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                assert output.get("name") != "stderr", f"{path.name}: {output.get('text', '')[:200]}"
                assert "Glyph" not in json.dumps(output)


def test_reader_html_hides_code_embeds_images_and_follows_the_language(full_build):
    out = full_build["out"]
    for path in out.glob("*/*.html"):
        html = path.read_text(encoding="utf-8")
        lang = path.parent.name
        assert f'<html lang="{lang}">' in html
        assert "import workplan" not in html, path  # code hidden
        assert "as_of = " not in html, path  # parameter cells removed
        assert 'src="data:image/png;base64,' in html, path  # one file with its charts
        assert "<script src=" not in html, path  # nothing fetched from the network
        assert "../index.html" in html
    ja = (out / "ja" / "pillar2.html").read_text(encoding="utf-8")
    en = (out / "en" / "pillar2.html").read_text(encoding="utf-8")
    assert "サイバーセキュリティ" in ja and "2026年の取組" in ja
    assert "What the pillar commits to in 2026" in en and "2026年の取組" not in en


def test_reports_hold_no_absolute_paths_or_timestamps(full_build):
    out = full_build["out"]
    needles = [str(PROJECT_ROOT), str(out.parent), "/tmp/"]
    for path in [*out.glob("*/*.ipynb"), *out.glob("*/*.html")]:
        text = path.read_text(encoding="utf-8")
        for needle in needles:
            assert needle not in text, f"{path.name} contains {needle}"
        assert not re.search(r"20\d\d-\d\d-\d\dT\d\d:\d\d", text), f"{path.name} contains a timestamp"


def test_index_links_every_report_in_both_languages_and_the_data(full_build):
    out = full_build["out"]
    index = (out / "index.html").read_text(encoding="utf-8")
    for spec in report_matrix():
        assert f'href="{spec.key}.html"' in index
        assert f'href="{spec.key}.ipynb"' in index
        assert spec.title["en"] in index and spec.title["ja"] in index
    for csv_file in DEFAULT_DATA_DIR.glob("*.csv"):
        assert f'href="data/{csv_file.name}"' in index
        assert (out / "data" / csv_file.name).read_bytes() == csv_file.read_bytes()


def test_manifest_records_every_report(full_build):
    manifest = json.loads((full_build["out"] / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["inputs"]) == {"data", "library", "dependencies"}
    assert len(manifest["reports"]) == 34
    for key, entry in manifest["reports"].items():
        assert entry["status"] == "ok"
        assert entry["outputs"] == [f"{key}.ipynb", f"{key}.html"]
        assert entry["params"]["lang"] == key.split("/")[0]
        assert re.fullmatch(r"[0-9a-f]{64}", entry["input_hash"])
        assert entry["seconds"] > 0
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", entry["started"])


def test_executed_notebooks_keep_code_and_parameters(full_build):
    nb = nbformat.read(full_build["out"] / "ja" / "country-khm.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    assert 'country = "KHM"' in injected[0].source and 'lang = "ja"' in injected[0].source
    assert any("analysis.engagement()" in c.source for c in nb.cells if c.cell_type == "code")


# --- the tests below change the build folder: keep them after the read-only ones ------------------


def test_a_build_with_nothing_changed_starts_no_kernel(full_build):
    result = run_build(full_build["out"], full_build["notebooks"])
    assert result.returncode == 0, result.stderr
    assert re.search(r"nothing to build: 34 report\(s\) up to date", result.stdout)
    assert "[1/" not in result.stdout


def test_forced_rebuild_is_byte_identical(full_build):
    out = full_build["out"]
    keys = ["en/pillar2", "ja/country-tls", "ja/overview"]
    result = run_build(out, full_build["notebooks"], "--force", "--only", ",".join(keys))
    assert result.returncode == 0, result.stderr
    assert "3 built" in result.stdout
    for key in keys:
        for suffix in (".ipynb", ".html"):
            rel = Path(key + suffix)
            assert (out / rel).read_bytes() == full_build["snapshot"][rel], (
                f"{rel} differs between two builds"
            )


def test_changing_one_notebook_rebuilds_only_its_reports(full_build):
    path = full_build["notebooks"] / "pillar4_cooperation.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("A note added by the test.", metadata={"tags": ["notes"]}))
    nbformat.write(nb, path)
    result = run_build(full_build["out"], full_build["notebooks"])
    assert result.returncode == 0, result.stderr
    rebuilt = sorted(re.findall(r"\] (\S+)\s+ok", result.stdout))
    assert rebuilt == ["en/pillar4", "ja/pillar4"]
    assert "2 built, 32 up to date, 0 failed" in result.stdout

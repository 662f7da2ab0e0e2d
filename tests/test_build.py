"""The report build on the real matrix: every report once, side by side, then what each change rebuilds.

One full build (all notebooks × parameters) runs per test session into a temporary folder, with an
audit hook in every kernel that notes any data file a notebook opened without the loader recording
it; the tests below read what it produced. Tests that change the build folder come last. They all
run on one xdist worker (`make test` hands each file whole to one worker), so the build is made once.
The number of reports is always taken from the matrix.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from workplan.baseline import expected_path, expected_text
from workplan.matrix import report_matrix
from workplan.paths import DEFAULT_DATA_DIR, NOTEBOOK_DIR, PROJECT_ROOT

SPECS = report_matrix()
N = len(SPECS)
KEYS = sorted(s.key for s in SPECS)

# Loaded by every kernel of the full build (an IPython start-up file): notes each data file opened
# that workplan.digest.READS does not hold at that moment. Hashing the whole folder (the check that
# the build validated these bytes) reads files without using them, so it is left out.
AUDIT_STARTUP = r"""
import os, sys
_DATA = os.path.realpath(os.environ["WORKPLAN_DATA_DIR"]) + os.sep
_LOG = os.environ["WORKPLAN_AUDIT_DIR"]

def _workplan_audit(event, args):
    if event != "open" or not isinstance(args[0], str):
        return
    path = os.path.realpath(args[0])
    if not path.startswith(_DATA):
        return
    rel = path[len(_DATA):]
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name in ("data_digest", "hash_files"):
            return
        frame = frame.f_back
    digest = sys.modules.get("workplan.digest")
    recorded = digest is not None and rel in digest.READS
    name = "opened" if recorded or rel == "datapackage.json" else "unrecorded"
    with open(os.path.join(_LOG, f"{name}-{os.getpid()}.txt"), "a") as f:
        f.write(rel + "\n")

sys.addaudithook(_workplan_audit)
open(os.path.join(_LOG, f"started-{os.getpid()}.txt"), "w").close()
"""


def run_build(out: Path, notebooks: Path, *args: str, timeout: int = 900, env: dict | None = None):
    cmd = [sys.executable, "-m", "workplan", "build", "--out", str(out), "--notebooks", str(notebooks), *args]
    return subprocess.run(cmd, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout, env=env)


def copy_notebooks(dst: Path) -> Path:
    shutil.copytree(
        NOTEBOOK_DIR,
        dst,
        ignore=lambda d, names: [n for n in names if n != "explore" and not n.endswith(".ipynb")],
    )
    shutil.rmtree(dst / "explore", ignore_errors=True)
    return dst


@pytest.fixture(scope="session")
def full_build(tmp_path_factory):
    """A full build of every report from copies of notebooks/ and data/ (so tests may change them)."""
    import os

    root = tmp_path_factory.mktemp("full-build")
    notebooks = copy_notebooks(root / "notebooks")
    data = root / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    audit = root / "audit"
    startup = root / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    audit.mkdir()
    (startup / "00-audit.py").write_text(AUDIT_STARTUP)
    env = {
        **os.environ,
        "IPYTHONDIR": str(root / "ipython"),
        "WORKPLAN_AUDIT_DIR": str(audit),
    }
    env.pop("WORKPLAN_DATA_DIR", None)
    out = root / "reports"
    result = run_build(out, notebooks, "--jobs", "2", "--data", str(data), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return {
        "root": root,
        "out": out,
        "data": data,
        "notebooks": notebooks,
        "audit": audit,
        "result": result,
        "snapshot": {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()},
    }


def manifest_of(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def readers(manifest: dict, file: str) -> list[str]:
    return sorted(k for k, e in manifest["reports"].items() if file in (e.get("reads") or {}))


def check_plan(out: Path, data: Path, notebooks: Path, *args: str) -> dict[str, str]:
    """{report: reason} of what `build --check` would build (no kernel starts)."""
    result = run_build(out, notebooks, "--check", "--data", str(data), *args, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return {m.group(1): m.group(2) for m in re.finditer(r"^build (\S+)\s+(.*)$", result.stdout, re.M)}


# --- what one full build produces ------------------------------------------------------------------


def test_every_report_of_the_matrix_is_built_in_both_languages(full_build):
    out = full_build["out"]
    assert N >= 32 and N % 2 == 0
    for spec in SPECS:
        for rel in spec.outputs:
            assert (out / rel).stat().st_size > 1000, rel
    assert len(list(out.glob("*/*.html"))) == N
    assert {p.parent.name for p in out.glob("*/*.html")} == {"en", "ja"}


def test_build_prints_one_line_per_report_and_a_summary(full_build):
    stdout = full_build["result"].stdout
    lines = [line for line in stdout.splitlines() if re.match(rf"\[\s*\d+/{N}\] ", line)]
    assert len(lines) == N
    assert all(re.search(r"ok\s+\d+\.\d s$", line) for line in lines)
    assert re.search(rf"^{N} built, 0 up to date, 0 failed in \d+\.\d s$", stdout, re.M)
    assert re.search(r"^  rebuilt \(new\): ", stdout, re.M), stdout[-2000:]


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
        assert "import workplan" not in html and "from workplan" not in html, path  # code hidden
        assert "as_of = " not in html, path  # parameter cells removed
        assert 'src="data:image/png;base64,' in html, path  # one file with its charts
        assert "<script src=" not in html, path  # nothing fetched from the network
        assert 'href="../index.html"' in html
        assert f'href="../{"en" if lang == "ja" else "ja"}/{path.stem}.html"' in html
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


def test_executed_notebooks_ask_for_the_project_kernel_and_keep_their_parameters(full_build):
    nb = nbformat.read(full_build["out"] / "ja" / "country-khm.ipynb", as_version=4)
    assert nb.metadata.kernelspec.name == "workplan"
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    assert 'country = "KHM"' in injected[0].source and 'lang = "ja"' in injected[0].source
    assert any("workplan" in c.source for c in nb.cells if c.cell_type == "code")


def test_every_report_matches_its_expected_text_in_both_languages(full_build):
    """tests/expected/<lang>/<report>.txt (refreshed by `make baseline`): a change that only breaks
    the Japanese (or only the English) reports fails here."""
    problems = []
    for spec in SPECS:
        path = expected_path(spec.key)
        nb = json.loads((full_build["out"] / spec.outputs[0]).read_text(encoding="utf-8"))
        actual = expected_text(nb)
        if not path.exists():
            problems.append(f"{spec.key}: no {path.relative_to(PROJECT_ROOT)} (run `make baseline`)")
            continue
        expected = path.read_text(encoding="utf-8")
        if actual != expected:
            diff = difflib.unified_diff(
                expected.splitlines(), actual.splitlines(), "expected", "built", lineterm="", n=1
            )
            problems.append(f"{spec.key}:\n" + "\n".join(list(diff)[:30]))
    stale = sorted(f"{p.parent.name}/{p.stem}" for p in expected_path("x/y").parents[1].glob("*/*.txt"))
    problems += [f"{k}: expected text of a report not in the matrix" for k in stale if k not in KEYS]
    assert not problems, "\n\n".join(problems)


def test_expected_text_sees_a_change_in_one_language_only(full_build):
    nb = json.loads((full_build["out"] / "ja" / "pillar3.ipynb").read_text(encoding="utf-8"))
    before = expected_text(nb)
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            for mime in ("text/html", "text/plain", "text/markdown"):
                if mime in output.get("data", {}):
                    text = "".join(output["data"][mime])
                    output["data"][mime] = text.replace("実施済み", "実施")
    assert expected_text(nb) != before


# --- the record of what each report read -------------------------------------------------------------


def test_manifest_records_every_report_with_its_inputs_and_reads(full_build):
    manifest = manifest_of(full_build["out"])
    assert set(manifest["inputs"]) == {"library", "dependencies"}
    assert re.fullmatch(r"[0-9a-f]{64}", manifest["data"])
    assert sorted(manifest["reports"]) == KEYS
    for key, entry in manifest["reports"].items():
        assert entry["status"] == "ok"
        assert entry["outputs"] == [f"{key}.ipynb", f"{key}.html"]
        assert entry["params"]["lang"] == key.split("/")[0]
        assert re.fullmatch(r"[0-9a-f]{64}", entry["input_hash"])
        assert set(entry["inputs"]) == {
            "format",
            "notebook",
            "parameters",
            "library",
            "dependencies",
            "links",
        }
        assert entry["seconds"] > 0
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", entry["started"])
        reads = entry["reads"]
        # every report reads tables through the loader: each with its schema entry and its hash
        tables = [k for k in reads if k.endswith(".csv")]
        assert tables, key
        for table in tables:
            assert f"datapackage.json#{table.removesuffix('.csv')}" in reads, (key, table)
        assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in reads.values())
    # a country report reads countries.csv (its parameter check reads it directly, not via load)
    assert "countries.csv" in manifest["reports"]["en/country-phl"]["reads"]


def test_every_data_file_a_notebook_opened_was_recorded(full_build):
    audit = full_build["audit"]
    # Tables the build's warm kernels find in the loader's cache are not opened at all; what a
    # kernel opens itself (countries.csv for a parameter check, the source text) must be recorded.
    assert len(list(audit.glob("started-*.txt"))) >= N, "the audit hook did not run in the kernels"
    unrecorded = sorted({line for p in audit.glob("unrecorded-*.txt") for line in p.read_text().split()})
    assert not unrecorded, f"notebooks read data files the build does not know they depend on: {unrecorded}"


def test_the_reads_record_every_way_of_reading_data(tmp_path):
    """load(), datasets(), search(), countries.country_rows(), the source text: each records what it read."""
    code = r"""
import json, workplan
from workplan import countries, data, digest
out = {}
def step(name, call):
    digest.READS.clear(); call(); out[name] = sorted(digest.READS)
step("load", lambda: workplan.load("ivo_projects"))
step("datasets", workplan.datasets)
step("search", lambda: workplan.search("Open RAN"))
step("country_rows", countries.country_rows)
step("source_text", data.source_text)
print(json.dumps(out))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    reads = json.loads(result.stdout)
    package = json.loads((DEFAULT_DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    schema = {"datapackage.json#*package", "datapackage.json#*tables"}  # vocabularies; tables and columns
    every_table = {r["path"] for r in package["resources"]} | schema
    every_table |= {f"datapackage.json#{r['name']}" for r in package["resources"]}
    assert {"ivo_projects.csv", "datapackage.json#ivo_projects", *schema} <= set(reads["load"])
    (raw,) = [s["path"] for s in package["sources"] if s.get("path")]
    # the checks of every table look up its quotes in the source text; a hit's slide comes from it too
    assert set(reads["datasets"]) == every_table | {raw}
    assert set(reads["search"]) == every_table | {raw}
    assert reads["country_rows"] == ["countries.csv"]
    assert reads["source_text"] == [raw]


# --- the index and the data downloads ----------------------------------------------------------------


def test_index_links_every_report_and_the_downloads_and_says_its_date(full_build):
    out = full_build["out"]
    index = (out / "index.html").read_text(encoding="utf-8")
    for spec in SPECS:
        assert f'href="{spec.key}.html"' in index
        assert f'href="{spec.key}.ipynb"' in index
        assert spec.title["en"] in index and spec.title["ja"] in index
    assert "Reports as of 31 January 2026" in index and "2026年1月31日時点のレポート" in index
    assert "How to cite" in index and "source_quote" in index
    assert 'href="data/japan-asean-digital-work-plan-2026.xlsx"' in index
    for csv_file in DEFAULT_DATA_DIR.glob("*.csv"):
        assert f'href="data/{csv_file.name}"' in index
    # each report lists the tables it read (pillar 3 reads the ASEAN IVO projects)
    row = index.split("Pillar 3: Digital infrastructure and DX", 1)[1].split("</tr>", 1)[0]
    assert 'href="data/ivo_projects.csv"' in row
    assert "last build failed" not in index


def test_csv_downloads_have_a_byte_order_mark_and_the_same_rows(full_build):
    import csv
    import io

    out = full_build["out"] / "data"
    for source in DEFAULT_DATA_DIR.glob("*.csv"):
        raw = (out / source.name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), source.name
        got = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        want = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8"))))
        assert len(got) == len(want) and got[0] == want[0], source.name
        for g, w in zip(got, want, strict=True):
            # identical except text Excel would run as a formula, which gets an apostrophe
            assert all(a == b or (a == "'" + b and b[:1] in "=+-@") for a, b in zip(g, w, strict=True))
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["encoding"] for r in package["resources"]} == {"utf-8-sig"}


def test_workbook_opens_with_every_table_in_japanese_with_dates_and_a_frozen_header(full_build):
    import datetime as dt

    import openpyxl
    from workplan.i18n import column_label

    path = full_build["out"] / "data" / "japan-asean-digital-work-plan-2026.xlsx"
    wb = openpyxl.load_workbook(path)
    package = json.loads((DEFAULT_DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    assert wb.sheetnames == ["about", *[r["name"] for r in package["resources"]]]
    about = [row for row in wb["about"].iter_rows(values_only=True)]
    described = {(row[0], row[4]) for row in about if row[4]}
    for r in package["resources"]:
        for field in r["schema"]["fields"]:
            assert (r["name"], field["name"]) in described
    # every column has a header in both languages (a new column needs its label in workplan.i18n)
    unlabelled = [
        f"{r['name']}.{f['name']}"
        for r in package["resources"]
        for f in r["schema"]["fields"]
        if " / " not in column_label(f)
    ]
    assert not unlabelled, f"add these columns to COLUMN_LABELS in workplan/i18n.py: {unlabelled}"
    forums = wb["ivo_forums"]
    assert forums.freeze_panes == "A2"
    header = [c.value for c in forums[1]]
    assert "City (Japanese) / 都市（日本語）" in header
    values = [c.value for row in forums.iter_rows(min_row=2) for c in row]
    assert "クアラルンプール" in values
    dates = [v for v in values if isinstance(v, dt.datetime)]
    assert dates and all(v.year >= 2015 for v in dates)
    assert all(isinstance(c.value, int) for c in next(forums.iter_cols(min_row=2, max_col=1)))


def test_formula_like_text_is_written_safely_in_every_download(tmp_path):
    """Seeded values: text beginning with = + - @ is text in the workbook and has an apostrophe in CSV."""
    import csv
    import io

    import openpyxl
    from workplan.build.downloads import write_downloads

    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    path = data / "ivo_forums.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    column = rows[0].index("note_en")
    seeded = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "=1+1"]
    for row, value in zip(rows[1:], seeded, strict=False):
        row[column] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")

    write_downloads(data, tmp_path / "out")

    text = (tmp_path / "out" / "ivo_forums.csv").read_bytes().decode("utf-8-sig")
    got = [r[column] for r in list(csv.reader(io.StringIO(text)))[1:6]]
    assert got == ["'" + v for v in seeded]
    wb = openpyxl.load_workbook(tmp_path / "out" / "japan-asean-digital-work-plan-2026.xlsx")
    cells = [row[column] for row in wb["ivo_forums"].iter_rows(min_row=2, max_row=6)]
    assert [c.value for c in cells] == seeded  # exactly the value, as text
    assert all(c.data_type == "s" for c in cells)
    # a year (an integer column) is a number, never escaped
    assert isinstance(wb["ivo_forums"].cell(row=2, column=1).value, int)


def test_downloads_are_byte_identical_from_the_same_data(full_build, tmp_path):
    from workplan.build.downloads import write_downloads

    write_downloads(full_build["data"], tmp_path / "again")
    for path in (tmp_path / "again").rglob("*"):
        if path.is_file():
            rel = Path("data") / path.relative_to(tmp_path / "again")
            assert path.read_bytes() == full_build["snapshot"][rel], rel


# --- papermill is the front door ------------------------------------------------------------------------


def test_papermill_gives_the_builds_outputs_and_html_converts_it_to_the_same_bytes(full_build, tmp_path):
    executed = tmp_path / "out.ipynb"
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("papermill")),
            "notebooks/country.ipynb",
            str(executed),
            "-p",
            "country",
            "PHL",
            "-p",
            "lang",
            "ja",
            "--no-progress-bar",
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Executing notebook with kernel: workplan" in result.stderr

    def outputs(path: Path) -> list:
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = []
        for cell in nb["cells"]:
            if cell["cell_type"] != "code" or "injected-parameters" in cell["metadata"].get("tags", []):
                continue
            cells.append(
                [{k: v for k, v in o.items() if k != "execution_count"} for o in cell.get("outputs", [])]
            )
        return cells

    built = full_build["out"] / "ja" / "country-phl.ipynb"
    assert outputs(executed) == outputs(built)

    html = tmp_path / "out.html"
    done = subprocess.run(
        [sys.executable, "-m", "workplan", "html", str(executed), "-o", str(html)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert html.read_bytes() == (full_build["out"] / "ja" / "country-phl.html").read_bytes()


def test_render_makes_one_report_for_another_date_without_dead_links(tmp_path):
    out = tmp_path / "phl-ja-june.html"
    result = subprocess.run(
        [sys.executable, "-m", "workplan", "render", "notebooks/country.ipynb"]
        + ["-p", "country", "PHL", "-p", "lang", "ja", "-p", "as_of", "2026-06-30", "-o", str(out)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert '<html lang="ja">' in html and "フィリピン" in html
    assert "2026年6月30日" in html
    assert 'src="data:image/png;base64,' in html
    assert "workplan-nav" in html and "<a href" not in html.split("workplan-nav", 1)[1].split("</nav>")[0]


def test_render_without_a_date_gives_the_status_on_the_build_s_date(tmp_path):
    """Without -p as_of, render gives the status on the day build would use: $WORKPLAN_AS_OF here
    (today where it is not set), not the notebook's committed default."""
    out = tmp_path / "tracker.html"
    result = subprocess.run(
        [sys.executable, "-m", "workplan", "render", "tracker", "-p", "lang", "en", "-o", str(out)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "WORKPLAN_AS_OF": "2026-03-15"},
    )
    assert result.returncode == 0, result.stderr
    assert '"as_of": "2026-03-15"' in result.stdout
    assert "15 March 2026" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["country", "-p", "country", "Atlantis"],
            ["parameter 'country'", "'Atlantis'", "PHL (Philippines)"],
        ),
        (["pillar1_ai", "-p", "pillar", "two"], ["parameter 'pillar'", "a whole number"]),
        (["country", "-p", "colour", "red"], ["parameter 'colour'", "lang, as_of, country"]),
        (["atlas", "-p", "lang", "en"], ["parameter 'notebook'", "country.ipynb"]),
        (["country", "-p", "as_of", "2026-02-30"], ["parameter 'as_of'", "real calendar date"]),
    ],
    ids=["country", "pillar-type", "unknown-parameter", "unknown-notebook", "as_of"],
)
def test_render_refuses_an_invalid_parameter_before_any_kernel(args, expected, tmp_path):
    out = tmp_path / "x.html"
    result = subprocess.run(
        [sys.executable, "-m", "workplan", "render", *args, "-o", str(out)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    for text in expected:
        assert text in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_as_of_option_refuses_a_bad_date_naming_the_option():
    result = subprocess.run(
        [sys.executable, "-m", "workplan", "build", "--check", "--as-of", "2026-13-01"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--as-of" in result.stderr and "YYYY-MM-DD" in result.stderr and "'today'" in result.stderr


# --- shards ------------------------------------------------------------------------------------------------


def test_three_shards_merged_equal_one_build_byte_for_byte(full_build, tmp_path):
    parts = []
    for i in (1, 2, 3):
        shard_out = tmp_path / f"shard-{i}"
        result = run_build(
            shard_out,
            full_build["notebooks"],
            "--shard",
            f"{i}/3",
            "--jobs",
            "2",
            "--data",
            str(full_build["data"]),
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert not (shard_out / "index.html").exists(), "a shard writes no index"
        parts.append(manifest_of(shard_out)["shard"]["keys"])
    assert sorted(k for part in parts for k in part) == KEYS, "the parts do not cover the matrix once"
    # How the parts are balanced depends on measured durations: only that each has work is asserted.
    assert all(parts), [len(p) for p in parts]

    merged = tmp_path / "merged"
    parts_dirs = [str(tmp_path / f"shard-{i}") for i in (1, 2, 3)]
    result = run_build(
        merged, full_build["notebooks"], "--data", str(full_build["data"]), "--merge", *parts_dirs
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{N} report(s) copied" in result.stdout
    files = {p.relative_to(merged): p.read_bytes() for p in merged.rglob("*") if p.is_file()}
    compared = [rel for rel in full_build["snapshot"] if rel.suffix in {".ipynb", ".html", ".csv", ".xlsx"}]
    for rel in compared:
        assert files.get(rel) == full_build["snapshot"][rel], f"{rel} differs from the single build"
    assert sorted(manifest_of(merged)["reports"]) == KEYS
    # and a merged folder builds on as any other: nothing to do
    again = run_build(merged, full_build["notebooks"], "--data", str(full_build["data"]))
    assert f"nothing to build: {N} report(s) up to date" in again.stdout, again.stdout + again.stderr


def test_merge_refuses_an_incomplete_set_of_shards(full_build, tmp_path):
    shard = tmp_path / "shard-1"
    result = run_build(
        shard,
        full_build["notebooks"],
        "--shard",
        "1/2",
        "--only",
        "en/pillar2",
        "--data",
        str(full_build["data"]),
    )
    assert result.returncode == 0, result.stderr
    result = run_build(
        tmp_path / "m", full_build["notebooks"], "--data", str(full_build["data"]), "--merge", str(shard)
    )
    assert result.returncode == 2, result.stderr
    assert "part(s) 2 of 2 missing" in result.stderr


# --- what each change rebuilds (planned with --check, then one real rebuild each) --------------------------


def replace_in(path: Path, old: str, new: str) -> None:
    """Edit a data file as a person would: one value changed, the row still valid."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def copy_of(full_build, tmp_path):
    """A copy of the full build's folders (reports, data, notebooks) for a test to change."""
    out = tmp_path / "reports"
    shutil.copytree(full_build["out"], out)
    data = tmp_path / "data"
    shutil.copytree(full_build["data"], data)
    notebooks = tmp_path / "notebooks"
    shutil.copytree(full_build["notebooks"], notebooks)
    return out, data, notebooks


def test_nothing_changed_plans_nothing(copy_of):
    assert check_plan(*copy_of) == {}


def test_an_edited_table_no_report_read_rebuilds_nothing(copy_of):
    out, data, notebooks = copy_of
    manifest = manifest_of(out)
    unread = sorted(p.name for p in data.glob("*.csv") if not readers(manifest, p.name))
    assert "ivo_activities.csv" in unread, unread  # the plan's list of ASEAN IVO activities
    replace_in(data / "ivo_activities.csv", "研究開発、実証実験", "研究開発・実証実験")
    assert check_plan(out, data, notebooks) == {}
    result = run_build(out, notebooks, "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert (
        f"nothing to build: {N} report(s) up to date; updated data downloads; search index; and index"
        in result.stdout
    )  # the source page, calendars and feeds read nothing of that table: left alone
    download = (out / "data" / "ivo_activities.csv").read_text(encoding="utf-8-sig")
    assert ",研究開発・実証実験," in download  # the edit
    # a quote starting with "-" cannot run as a formula
    assert re.search(r",'- 研究開発、実証実験(,|\n)", download), download


def test_an_edited_table_rebuilds_exactly_its_readers(copy_of):
    out, data, notebooks = copy_of
    manifest = manifest_of(out)
    expected = readers(manifest, "ivo_projects.csv")
    assert {"en/pillar3", "ja/pillar3"} <= set(expected) and len(expected) < N
    replace_in(data / "ivo_projects.csv", "トライアル", "試行")
    plan = check_plan(out, data, notebooks)
    assert sorted(plan) == expected
    assert set(plan.values()) == {"data changed: ivo_projects.csv"}
    result = run_build(out, notebooks, "--data", str(data))
    assert result.returncode == 0, result.stderr
    rebuilt = sorted(re.findall(r"\] (\S+)\s+ok", result.stdout))
    assert rebuilt == expected
    assert "  rebuilt (data changed: ivo_projects.csv): " in result.stdout
    assert "試行" in (out / "ja" / "pillar3.html").read_text(encoding="utf-8")


def test_a_changed_schema_entry_rebuilds_the_readers_of_that_table(copy_of):
    out, data, notebooks = copy_of
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == "ivo_projects")
    resource["description"] += " (edited)"
    (data / "datapackage.json").write_text(
        json.dumps(package, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    plan = check_plan(out, data, notebooks)
    assert sorted(plan) == readers(manifest_of(out), "datapackage.json#ivo_projects")
    assert set(plan.values()) == {"data changed: datapackage.json#ivo_projects"}


def test_a_changed_vocabulary_of_the_package_rebuilds_the_reports_that_load_tables(copy_of):
    out, data, notebooks = copy_of
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    vocabulary = next(iter(package["x-vocabularies"].values()))
    first = next(iter(vocabulary))
    vocabulary[first] += " (edited)"
    (data / "datapackage.json").write_text(
        json.dumps(package, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    plan = check_plan(out, data, notebooks)
    assert sorted(plan) == readers(manifest_of(out), "datapackage.json#*package") == KEYS
    assert set(plan.values()) == {"data changed: datapackage.json#*package"}


def test_a_report_without_a_record_of_its_reads_is_rebuilt(copy_of):
    out, data, notebooks = copy_of
    manifest = manifest_of(out)
    del manifest["reports"]["en/pillar1"]["reads"]
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert check_plan(out, data, notebooks) == {"en/pillar1": "no record of the data it read"}


def test_other_parameters_rebuild_every_report(copy_of):
    plan = check_plan(*copy_of, "--as-of", "2026-11-27")
    assert sorted(plan) == KEYS and set(plan.values()) == {"parameters changed"}


def test_a_library_change_rebuilds_every_report(copy_of, tmp_path, monkeypatch, capsys):
    """The library's hash covers its source: a changed line in a copy of lib/workplan changes it."""
    import workplan.build.plan as plan_module
    from workplan.build import Build, BuildOptions
    from workplan.paths import LIB_DIR

    out, data, notebooks = copy_of
    lib = tmp_path / "lib"
    shutil.copytree(LIB_DIR, lib, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(plan_module, "LIB_DIR", lib)
    assert plan_module.library_digest() == manifest_of(out)["inputs"]["library"]
    analysis = lib / "analysis.py"
    analysis.write_text(analysis.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    options = BuildOptions(out_dir=out, data_dir=data, notebook_dir=notebooks, check=True)
    assert Build(options).run() == 0
    lines = re.findall(r"^build (\S+)\s+(.*)$", capsys.readouterr().out, re.M)
    assert sorted(k for k, _ in lines) == KEYS and {r for _, r in lines} == {"library changed"}


def test_a_dependency_change_rebuilds_every_report(copy_of, tmp_path, monkeypatch, capsys):
    import workplan.build.plan as plan_module
    from workplan.build import Build, BuildOptions

    out, data, notebooks = copy_of
    root = tmp_path / "project"
    root.mkdir()
    for name in plan_module.DEPENDENCY_FILES:
        shutil.copy2(PROJECT_ROOT / name, root / name)
    monkeypatch.setattr(plan_module, "PROJECT_ROOT", root)
    assert plan_module.dependencies_digest() == manifest_of(out)["inputs"]["dependencies"]
    lock = root / "requirements.lock"
    lock.write_text(lock.read_text().replace("pandas==", "pandas==0.0.0+", 1))
    options = BuildOptions(out_dir=out, data_dir=data, notebook_dir=notebooks, check=True)
    assert Build(options).run() == 0
    lines = re.findall(r"^build (\S+)\s+(.*)$", capsys.readouterr().out, re.M)
    assert sorted(k for k, _ in lines) == KEYS and {r for _, r in lines} == {"dependencies changed"}


def test_a_build_with_nothing_changed_starts_no_kernel(full_build):
    result = run_build(full_build["out"], full_build["notebooks"], "--data", str(full_build["data"]))
    assert result.returncode == 0, result.stderr
    assert re.search(rf"nothing to build: {N} report\(s\) up to date \(", result.stdout), result.stdout
    assert "[1/" not in result.stdout


def test_planning_imports_nothing_heavy(full_build):
    """A build with nothing to do and --check's planning load no pandas, notebook or kernel machinery."""
    code = f"""
import sys
from pathlib import Path
from workplan.build import Build, BuildOptions
options = BuildOptions(out_dir=Path({str(full_build["out"])!r}), data_dir=Path({str(full_build["data"])!r}),
                       notebook_dir=Path({str(full_build["notebooks"])!r}))
assert Build(options).run() == 0
heavy = ("pandas", "pandera", "matplotlib", "nbformat", "nbconvert", "nbclient", "papermill",
         "jupyter_client", "zmq", "openpyxl", "jinja2")
print(sorted(m for m in heavy if m in sys.modules))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert result.returncode == 0, result.stderr
    assert "nothing to build" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout


def test_importing_the_build_changes_no_global_state():
    code = """
import sys
before = dict(sys.modules)
import workplan.build, workplan.build.run, workplan.build.plan, workplan.build.execute, workplan.build.convert
import workplan.build.outputs, workplan.build.site, workplan.build.downloads, workplan.build.shards
import workplan.build.render, workplan.build.validation, workplan.build.forkserver, workplan.build.lock
assert all(m is not None for m in sys.modules.values()), [k for k, m in sys.modules.items() if m is None]
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


# --- the tests below change the full build's folder: keep them last ----------------------------------------


def test_forced_rebuild_is_byte_identical(full_build):
    out = full_build["out"]
    keys = ["en/pillar2", "ja/country-tls", "ja/overview"]
    result = run_build(
        out, full_build["notebooks"], "--force", "--only", ",".join(keys), "--data", str(full_build["data"])
    )
    assert result.returncode == 0, result.stderr
    assert "3 built" in result.stdout
    for key in keys:
        for suffix in (".ipynb", ".html"):
            rel = Path(key + suffix)
            assert (out / rel).read_bytes() == full_build["snapshot"][rel], (
                f"{rel} differs between two builds"
            )
    assert (out / "index.html").read_bytes() == full_build["snapshot"][Path("index.html")]


def test_changing_one_notebook_rebuilds_only_its_reports(full_build):
    path = full_build["notebooks"] / "pillar4_cooperation.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("A note added by the test.", metadata={"tags": ["notes"]}))
    nbformat.write(nb, path)
    plan = check_plan(full_build["out"], full_build["data"], full_build["notebooks"])
    assert plan == {"en/pillar4": "notebook changed", "ja/pillar4": "notebook changed"}
    result = run_build(full_build["out"], full_build["notebooks"], "--data", str(full_build["data"]))
    assert result.returncode == 0, result.stderr
    rebuilt = sorted(re.findall(r"\] (\S+)\s+ok", result.stdout))
    assert rebuilt == ["en/pillar4", "ja/pillar4"]
    assert f"2 built, {N - 2} up to date, 0 failed" in result.stdout
    assert "  rebuilt (notebook changed): en/pillar4, ja/pillar4" in result.stdout


# --- validation checks again only what could have changed (no kernel, no build) ------------------------


def test_validation_record_lists_what_each_tables_checks_read(tmp_path):
    from workplan.build.plan import DataHashes, Shared
    from workplan.build.validation import stale_tables, validate

    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    shared = Shared.compute()
    record = validate(data, None, shared, DataHashes(data))
    tables = record["tables"]
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    assert sorted(tables) == sorted(r["name"] for r in package["resources"])
    # a table's checks read the table, its schema entry and what its foreign keys point to
    assert {"ivo_forums.csv", "datapackage.json#ivo_forums", "countries.csv"} <= set(tables["ivo_forums"])
    assert "countries.csv" not in tables["pillars"]
    names = list(tables)
    assert stale_tables(names, record, shared, DataHashes(data)) == []

    replace_in(data / "countries.csv", "Cambodia", "Kingdom of Cambodia")
    stale = stale_tables(names, record, shared, DataHashes(data))
    assert "countries" in stale and "ivo_forums" in stale and "pillars" not in stale
    assert set(stale) == {n for n, reads in tables.items() if "countries.csv" in reads}

    changed_library = Shared("another library", shared.dependencies, shared.site_url)
    assert stale_tables(names, record, changed_library, DataHashes(data)) == names
    assert stale_tables(names, None, shared, DataHashes(data)) == names


def test_validation_runs_every_check_even_where_the_build_marked_these_bytes_valid(tmp_path, monkeypatch):
    """The marker the build hands its kernels (these bytes were just validated) must not let the
    validation itself, or `validate`, skip a check: a broken foreign key is still found."""
    from workplan.build.plan import DataHashes, Shared
    from workplan.build.validation import validate
    from workplan.digest import VALIDATED_ENV, data_digest
    from workplan.errors import DataValidationError

    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    replace_in(data / "ivo_forums.csv", ",PHL,", ",PHX,")
    monkeypatch.setenv(VALIDATED_ENV, data_digest(data))
    with pytest.raises(DataValidationError, match="PHX"):
        validate(data, None, Shared.compute(), DataHashes(data))
    result = subprocess.run(
        [sys.executable, "-m", "workplan", "validate", "--data", str(data)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and "PHX" in result.stderr, result.stderr

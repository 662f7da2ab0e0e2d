"""Round trip and commands: a downloaded CSV copied back into data/ is refused with a message saying why,
`validate --data DIR` checks that folder, `render` refuses a missing country and lists every bad
parameter at once, `make lab PORT=…` passes the port and other arguments on."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from workplan.build.downloads import FORMULA_STARTS, csv_download, read_package, read_table
from workplan.data import DOWNLOAD_GUARDED, Catalog
from workplan.errors import DataValidationError, MissingParameterError, ParameterError, ParameterErrors
from workplan.params import check_request
from workplan.paths import DEFAULT_DATA_DIR, PROJECT_ROOT


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, copy)
    return copy


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "WORKPLAN_DATA_DIR"}
    return subprocess.run(
        [sys.executable, "-m", "workplan", *args], capture_output=True, text=True, cwd=PROJECT_ROOT, env=env
    )


def test_the_guard_validation_knows_is_the_one_the_downloads_write():
    assert DOWNLOAD_GUARDED == FORMULA_STARTS


def test_a_downloaded_csv_copied_back_is_refused_saying_where_it_came_from(data_copy):
    # the glossary's download, byte for byte as the site offers it (UTF-8 with BOM, '+J)
    package = read_package(DEFAULT_DATA_DIR)
    resource = next(r for r in package["resources"] if r["name"] == "glossary")
    header, rows = read_table(DEFAULT_DATA_DIR, resource)
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    download = csv_download(header, rows, fields)
    assert b"'+J" in download
    (data_copy / "glossary.csv").write_bytes(download)
    with pytest.raises(DataValidationError) as info:
        Catalog(data_copy).load("glossary")
    (problem,) = info.value.problems
    assert (problem.column, problem.found, problem.row) == ("acronym", "'+J", 3)
    assert "came from one" in problem.expected and "remove the apostrophe" in problem.expected
    assert "'+J' without the leading apostrophe" in problem.expected
    # the command line says the same, for the folder it was given, and exits 2
    result = _cli("validate", "--data", str(data_copy))
    assert result.returncode == 2
    assert "glossary.csv" in result.stderr and "column 'acronym'" in result.stderr
    assert "without the leading apostrophe" in result.stderr


def test_validate_checks_the_folder_it_is_given(data_copy):
    ok = _cli("validate", "--data", str(data_copy))
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip().endswith(f"datasets valid in {data_copy}")
    pillars = data_copy / "pillars.csv"
    pillars.write_text(pillars.read_text(encoding="utf-8").replace(",L2", ",L99999", 1), encoding="utf-8")
    text = pillars.read_text(encoding="utf-8")
    pillars.write_text(
        text.replace("pillar_id", "pillar", 1), encoding="utf-8"
    )  # a header the schema refuses
    bad = _cli("validate", "--data", str(data_copy))
    assert bad.returncode == 2 and "pillars" in bad.stderr
    assert _cli("validate").returncode == 0  # the project's own data/ is untouched and valid
    missing = _cli("validate", "--data", str(data_copy / "nowhere"))
    assert missing.returncode == 2 and "no datapackage.json" in missing.stderr


def test_a_request_without_the_country_is_refused():
    defaults = {"lang": "en", "as_of": "2026-01-31", "country": "KHM"}
    with pytest.raises(MissingParameterError) as info:
        check_request([("lang", "ja")], defaults)
    assert "parameter 'country' is missing" in str(info.value) and "-p country VALUE" in str(info.value)
    assert check_request([("country", "Philippines")], defaults) == {"country": "PHL"}
    # a pillar notebook's pillar is its own: no need to give it
    assert check_request([], {"lang": "en", "as_of": "2026-01-31", "pillar": 2}) == {}


def test_every_bad_parameter_is_reported_at_once():
    defaults = {"lang": "en", "as_of": "2026-01-31", "country": "KHM"}
    with pytest.raises(ParameterErrors) as info:
        check_request(
            [("lang", "xx"), ("as_of", "2026-13-01"), ("country", "Narnia"), ("colour", "red")], defaults
        )
    names = [e.name for e in info.value.errors]
    assert names == ["colour", "lang", "as_of", "country"]
    assert isinstance(info.value, ParameterError) and str(info.value).startswith("4 bad parameters:")
    with pytest.raises(ParameterError, match=r"a whole number \(1, 2, 3 or 4\)"):
        check_request([("pillar", "two")], {"lang": "en", "pillar": 1})


def test_render_lists_every_bad_parameter_and_a_missing_country_before_any_kernel(tmp_path):
    out = tmp_path / "x.html"
    result = _cli("render", "country", "-p", "lang", "xx", "-p", "as_of", "2026-02-30", "-o", str(out))
    assert result.returncode == 2, result.stderr
    for text in (
        "3 bad parameters",
        "parameter 'lang'",
        "parameter 'as_of'",
        "parameter 'country' is missing",
    ):
        assert text in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and not out.exists()
    alone = _cli("render", "country", "-p", "lang", "ja", "-o", str(out))
    assert alone.returncode == 2 and "parameter 'country' is missing" in alone.stderr and not out.exists()


def test_make_lab_takes_a_port_and_passes_other_arguments_on():
    run = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-n",
            "lab",
            "PORT=8890",
            "ARGS=--no-browser --ServerApp.ip=127.0.0.1",
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    command = run.stdout.strip().splitlines()[-1]
    assert "jupyter lab --notebook-dir=notebooks" in command
    assert command.split()[-3:] == ["--port=8890", "--no-browser", "--ServerApp.ip=127.0.0.1"]
    plain = subprocess.run(
        ["make", "--no-print-directory", "-n", "lab"], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert "--port" not in plain.stdout.strip().splitlines()[-1]

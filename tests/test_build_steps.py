"""The build's steps one by one, in this process: what it hashes, what it plans to rebuild and why, and
how it swaps a report's two files. (test_build.py and test_faults.py run whole builds.)

Each expectation is a behaviour the build promises (lib/workplan/build.py, module doc): a report is
rebuilt when its notebook, its parameters, the data, the library or the pinned dependencies changed,
when its last build failed, or when a file of it is missing; a failed or interrupted build leaves each
report old or new, never half of each.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
from pathlib import Path

import pytest
from workplan import build
from workplan.build import FORMAT_VERSION, Build, BuildOptions, Outcome, input_hash, plan, shared_digest
from workplan.digest import data_digest, hash_files
from workplan.matrix import report_matrix
from workplan.paths import DEFAULT_DATA_DIR, LIB_DIR, NOTEBOOK_DIR, PROJECT_ROOT

SHA256 = re.compile(r"[0-9a-f]{64}")


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, copy)
    return copy


@pytest.fixture
def notebooks(tmp_path: Path) -> Path:
    copy = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOK_DIR, copy, ignore=lambda d, names: [n for n in names if n.startswith(".")])
    return copy


def specs_of(notebook_dir: Path, *keys: str) -> list:
    by_key = {s.key: s for s in report_matrix(notebook_dir=notebook_dir)}
    return [by_key[k] for k in keys]


# --- the data's digest ------------------------------------------------------------------------------------


def edit_a_table(data: Path) -> None:
    path = data / "events.csv"
    path.write_bytes(path.read_bytes().replace(b"2018", b"2017", 1))


def edit_the_schema(data: Path) -> None:
    path = data / "datapackage.json"
    path.write_bytes(path.read_bytes().replace(b'"description"', b'"description" ', 1))


def edit_the_source_text(data: Path) -> None:
    (path,) = (data / "raw").glob("*.txt")
    path.write_bytes(path.read_bytes() + b"\n")


def add_a_table(data: Path) -> None:
    (data / "extra.csv").write_bytes(b"a,b\n1,2\n")


def rename_a_table(data: Path) -> None:
    (data / "events.csv").rename(data / "events_renamed.csv")


def remove_the_readme(data: Path) -> None:
    (data / "README.md").unlink()


DATA_CHANGES = [
    edit_a_table,
    edit_the_schema,
    edit_the_source_text,
    add_a_table,
    rename_a_table,
    remove_the_readme,
]


def test_the_same_data_anywhere_has_the_same_digest(data_copy: Path):
    digest = data_digest(DEFAULT_DATA_DIR)
    assert SHA256.fullmatch(digest)
    assert data_digest(data_copy) == digest  # paths inside the folder count, not where the folder is


@pytest.mark.parametrize("change", DATA_CHANGES, ids=lambda f: f.__name__)
def test_any_change_to_the_data_changes_its_digest(data_copy: Path, change):
    before = data_digest(data_copy)
    change(data_copy)
    assert data_digest(data_copy) != before


def test_hidden_files_are_not_data(data_copy: Path):
    """An editor's lock file or a Finder's .DS_Store beside the tables rebuilds nothing."""
    before = data_digest(data_copy)
    (data_copy / ".~lock.events.csv#").write_text("someone,editing\n", encoding="utf-8")
    (data_copy / "raw" / ".DS_Store").write_bytes(b"\0\1")
    assert data_digest(data_copy) == before


def test_file_names_and_contents_cannot_run_into_each_other(tmp_path: Path):
    """A file 'a' holding 'b' and an empty file 'ab' are different folders."""
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    (one / "a").write_bytes(b"b")
    (two / "ab").write_bytes(b"")
    assert data_digest(one) != data_digest(two)
    (one / "a").rename(one / "c")
    (two / "ab").rename(two / "c")
    (two / "c").write_bytes(b"b")
    assert data_digest(one) == data_digest(two)


def test_files_are_hashed_in_a_stable_order(data_copy: Path):
    paths = sorted(p for p in data_copy.glob("*.csv"))
    assert hash_files(paths, data_copy) == hash_files(list(reversed(paths)), data_copy)
    assert hash_files(paths, data_copy) != hash_files(paths[:-1], data_copy)


# --- what every report depends on -------------------------------------------------------------------------


def test_shared_digest_holds_the_data_library_and_dependencies(data_copy: Path):
    shared = shared_digest(data_copy)
    assert set(shared) == {"data", "library", "dependencies"}
    assert all(SHA256.fullmatch(v) for v in shared.values())
    assert shared["data"] == data_digest(data_copy)
    assert len(set(shared.values())) == 3


def test_shared_digest_follows_the_data_folder(data_copy: Path):
    before = shared_digest(data_copy)
    edit_a_table(data_copy)
    after = shared_digest(data_copy)
    assert after["data"] != before["data"]
    assert (after["library"], after["dependencies"]) == (before["library"], before["dependencies"])


@pytest.fixture
def library_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "lib" / "workplan"
    shutil.copytree(LIB_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(build, "LIB_DIR", copy)
    return copy


@pytest.mark.parametrize(
    "changed", ["analysis.py", "templates/reader/index.html.j2", "templates/reader/conf.json"]
)
def test_a_change_to_the_library_or_its_templates_changes_the_library_digest(library_copy: Path, changed):
    before = shared_digest()
    path = library_copy / changed
    assert path.exists(), changed
    path.write_bytes(path.read_bytes() + b"\n")
    after = shared_digest()
    assert after["library"] != before["library"]
    assert (after["data"], after["dependencies"]) == (before["data"], before["dependencies"])


@pytest.mark.parametrize("added", ["templates/reader/custom.css", "templates/reader/extra.json", "extra.py"])
def test_a_new_module_template_or_stylesheet_changes_the_library_digest(library_copy: Path, added: str):
    before = shared_digest()["library"]
    (library_copy / added).write_text("/* new */\n", encoding="utf-8")
    assert shared_digest()["library"] != before


def test_compiled_files_and_notes_beside_the_library_are_not_its_source(library_copy: Path):
    before = shared_digest()["library"]
    (library_copy / "__pycache__").mkdir()
    (library_copy / "__pycache__" / "analysis.cpython-311.pyc").write_bytes(b"\0compiled")
    (library_copy / "NOTES.md").write_text("a note\n", encoding="utf-8")
    assert shared_digest()["library"] == before


@pytest.mark.parametrize("changed", ["requirements.lock", "pyproject.toml"])
def test_a_change_to_the_pins_changes_the_dependencies_digest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, changed: str
):
    root = tmp_path / "project"
    root.mkdir()
    for name in ("requirements.lock", "pyproject.toml"):
        shutil.copy(PROJECT_ROOT / name, root / name)
    monkeypatch.setattr(build, "PROJECT_ROOT", root)
    before = shared_digest()
    with (root / changed).open("a", encoding="utf-8") as f:
        f.write("\n# changed\n")
    after = shared_digest()
    assert after["dependencies"] != before["dependencies"]
    assert (after["data"], after["library"]) == (before["data"], before["library"])
    (root / changed).unlink()  # a project without one of them still builds
    assert shared_digest()["dependencies"] not in (before["dependencies"], after["dependencies"])


# --- one report's inputs ------------------------------------------------------------------------------------

SHARED = {"data": "d" * 64, "library": "l" * 64, "dependencies": "p" * 64}


def test_input_hash_is_stable_and_ignores_the_order_of_the_shared_inputs(notebooks: Path):
    (spec,) = specs_of(notebooks, "en/pillar2")
    digest = input_hash(spec, SHARED)
    assert SHA256.fullmatch(digest)
    assert input_hash(spec, dict(reversed(SHARED.items()))) == digest


@pytest.mark.parametrize("name", sorted(SHARED))
def test_input_hash_changes_with_each_shared_input(notebooks: Path, name: str):
    (spec,) = specs_of(notebooks, "en/pillar2")
    assert input_hash(spec, {**SHARED, name: "0" * 64}) != input_hash(spec, SHARED)


def test_input_hash_keeps_each_shared_input_apart(notebooks: Path):
    """Moving a character from one input to the next is a change, not the same text twice."""
    (spec,) = specs_of(notebooks, "en/pillar2")
    moved = {**SHARED, "data": SHARED["data"] + "l", "library": SHARED["library"][1:]}
    assert input_hash(spec, moved) != input_hash(spec, SHARED)
    assert input_hash(spec, {**SHARED, "extra": ""}) != input_hash(spec, SHARED)


def test_input_hash_changes_with_the_notebook_and_the_parameters(notebooks: Path):
    en, ja, other = specs_of(notebooks, "en/pillar2", "ja/pillar2", "en/pillar3")
    assert len({input_hash(s, SHARED) for s in (en, ja, other)}) == 3
    before = input_hash(en, SHARED)
    path = en.notebook_path
    path.write_bytes(path.read_bytes().replace(b"\n", b"\n ", 1))
    assert input_hash(en, SHARED) != before


def test_input_hash_changes_with_the_build_format(notebooks: Path, monkeypatch: pytest.MonkeyPatch):
    (spec,) = specs_of(notebooks, "en/pillar2")
    before = input_hash(spec, SHARED)
    monkeypatch.setattr(build, "FORMAT_VERSION", FORMAT_VERSION + 1)
    assert input_hash(spec, SHARED) != before


# --- planning -----------------------------------------------------------------------------------------------


def built(
    out: Path, specs: list, shared: dict[str, str], status: str = "ok", fmt: int = FORMAT_VERSION
) -> None:
    """A manifest and files as a build that made `specs` from `shared` leaves them."""
    reports = {}
    for spec in specs:
        for rel in spec.outputs:
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / rel).write_text("built", encoding="utf-8")
        reports[spec.key] = {
            "status": status,
            "input_hash": input_hash(spec, shared) if status == "ok" else None,
        }
    (out / "manifest.json").write_text(json.dumps({"format": fmt, "reports": reports}), encoding="utf-8")


def reasons(planned) -> dict[str, str]:
    return {p.spec.key: p.reason for p in planned}


def test_plan_builds_everything_the_first_time(tmp_path: Path, notebooks: Path):
    specs = specs_of(notebooks, "en/pillar2", "ja/country-khm")
    planned = plan(specs, tmp_path / "out", SHARED)
    assert reasons(planned) == {"en/pillar2": "new", "ja/country-khm": "new"}
    assert [p.spec for p in planned] == specs
    assert [p.digest for p in planned] == [input_hash(s, SHARED) for s in specs]


def test_plan_skips_what_is_up_to_date_unless_forced(tmp_path: Path, notebooks: Path):
    specs = specs_of(notebooks, "en/pillar2", "ja/country-khm")
    built(tmp_path, specs, SHARED)
    assert reasons(plan(specs, tmp_path, SHARED)) == {"en/pillar2": "", "ja/country-khm": ""}
    assert reasons(plan(specs, tmp_path, SHARED, force=True)) == {
        "en/pillar2": "forced",
        "ja/country-khm": "forced",
    }


def test_plan_rebuilds_every_report_when_the_data_changed(tmp_path: Path, notebooks: Path, data_copy: Path):
    specs = specs_of(notebooks, "en/overview", "ja/pillar2", "en/country-tls")
    built(tmp_path, specs, shared_digest(data_copy))
    assert set(reasons(plan(specs, tmp_path, shared_digest(data_copy))).values()) == {""}
    edit_a_table(data_copy)  # the AJCCBC's establishment year, 2018 -> 2017
    assert set(reasons(plan(specs, tmp_path, shared_digest(data_copy))).values()) == {"inputs changed"}


def test_plan_rebuilds_only_the_reports_of_a_changed_notebook(tmp_path: Path, notebooks: Path):
    specs = specs_of(notebooks, "en/pillar2", "ja/pillar2", "en/pillar3")
    built(tmp_path, specs, SHARED)
    path = notebooks / "pillar2_cyber.ipynb"
    path.write_bytes(path.read_bytes() + b"\n")
    assert reasons(plan(specs, tmp_path, SHARED)) == {
        "en/pillar2": "inputs changed",
        "ja/pillar2": "inputs changed",
        "en/pillar3": "",
    }


@pytest.mark.parametrize("status", ["failed", "interrupted"])
def test_plan_rebuilds_what_did_not_finish(tmp_path: Path, notebooks: Path, status: str):
    specs = specs_of(notebooks, "en/pillar2")
    built(tmp_path, specs, SHARED, status=status)
    assert reasons(plan(specs, tmp_path, SHARED)) == {"en/pillar2": f"last build {status}"}


@pytest.mark.parametrize("missing", [0, 1], ids=["notebook", "page"])
def test_plan_rebuilds_a_report_with_a_file_missing(tmp_path: Path, notebooks: Path, missing: int):
    specs = specs_of(notebooks, "en/pillar2", "en/pillar3")
    built(tmp_path, specs, SHARED)
    (tmp_path / specs[0].outputs[missing]).unlink()
    assert reasons(plan(specs, tmp_path, SHARED)) == {"en/pillar2": "output missing", "en/pillar3": ""}


@pytest.mark.parametrize("manifest", ["older format", "not JSON"])
def test_plan_starts_afresh_from_a_manifest_it_cannot_trust(tmp_path: Path, notebooks: Path, manifest: str):
    specs = specs_of(notebooks, "en/pillar2")
    built(tmp_path, specs, SHARED, fmt=FORMAT_VERSION - 1)
    if manifest == "not JSON":
        (tmp_path / "manifest.json").write_text('{"format": 1, "reports": {', encoding="utf-8")
    assert reasons(plan(specs, tmp_path, SHARED)) == {"en/pillar2": "new"}


# --- swapping a report's files --------------------------------------------------------------------------------


def test_a_signal_during_the_swap_waits_until_both_files_are_in_place(
    tmp_path: Path, notebooks: Path, monkeypatch: pytest.MonkeyPatch
):
    """SIGINT arriving between the two renames of a report: the pair is swapped whole, then the build stops."""
    (spec,) = specs_of(notebooks, "en/pillar2")
    out = tmp_path / "out"
    for rel in spec.outputs:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(b"old")
    files = {rel: b"new" for rel in spec.outputs}
    outcome = Outcome(spec, "0" * 64, "ok", "2026-01-31T00:00:00+00:00", 1.0, files=files)
    real_replace = build.os.replace
    renamed = []

    def replace_then_interrupt(src, dst):
        real_replace(src, dst)
        renamed.append(Path(dst).name)
        if len(renamed) == 1:
            signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(build.os, "replace", replace_then_interrupt)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            Build(BuildOptions(out_dir=out, quiet=True))._commit(outcome)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert renamed == [Path(rel).name for rel in spec.outputs]
    assert {rel: (out / rel).read_bytes() for rel in spec.outputs} == files
    assert not list(out.rglob("*.tmp-*"))

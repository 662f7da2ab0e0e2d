"""The build's steps one by one, in this process: what it hashes, what it plans to rebuild and why, and
how it swaps a report's two files. (test_build.py and test_faults.py run whole builds.)

Each expectation is a behaviour the build promises (lib/workplan/build/plan.py, module doc): a report
is rebuilt when its notebook, its parameters, the library, the pinned dependencies, the build format,
the site address or any data it read (a file, a table's schema entry) changed, when its last build did
not finish, when there is no record of what it read, or when a file of it is missing; a failed or
interrupted build leaves each report old or new, never half of each. Digests written by hand below
are the hashes of the bytes spelled out beside them.
"""

from __future__ import annotations

import json
import shutil
import signal
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple

import pytest
from workplan import digest
from workplan.build import outputs, site
from workplan.build import plan as planning
from workplan.build.outputs import FORMAT_VERSION, commit_files, read_manifest
from workplan.build.plan import (
    DataHashes,
    Planned,
    Shared,
    dependencies_digest,
    input_hash,
    library_digest,
    plan,
    report_inputs,
    why,
)
from workplan.digest import PACKAGE, TABLES, data_digest, hash_files, record_read
from workplan.matrix import NOTEBOOKS, ReportSpec, report_matrix
from workplan.paths import DEFAULT_DATA_DIR, LIB_DIR, NOTEBOOK_DIR, PROJECT_ROOT

# sha256 of b"abc" and of b"" (the standard test vectors).
SHA_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
SHA_EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, copy)
    return copy


@pytest.fixture
def notebooks(tmp_path: Path) -> Path:
    """The two pillar notebooks the planning tests use (a matrix has reports only for notebooks present)."""
    copy = tmp_path / "notebooks"
    copy.mkdir()
    for key in ("pillar2", "pillar3"):
        shutil.copy(NOTEBOOK_DIR / NOTEBOOKS[key].file, copy)
    return copy


def specs_of(notebook_dir: Path, *keys: str, as_of: str = "2026-01-31") -> list[ReportSpec]:
    by_key = {s.key: s for s in report_matrix(notebook_dir=notebook_dir, as_of=as_of)}
    return [by_key[k] for k in keys]


def write_package(folder: Path, package: Any) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")


# --- the data folder's digest -------------------------------------------------------------------------------


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


def test_the_same_data_anywhere_has_the_same_digest(data_copy: Path, tmp_path: Path) -> None:
    # Paths inside the folder count, not where the folder is.
    elsewhere = tmp_path / "elsewhere" / "data"
    shutil.copytree(data_copy, elsewhere)
    assert data_digest(elsewhere) == data_digest(data_copy)


@pytest.mark.parametrize("change", DATA_CHANGES, ids=lambda f: f.__name__)
def test_any_change_to_the_data_changes_its_digest(data_copy: Path, change: Callable[[Path], None]) -> None:
    before = data_digest(data_copy)
    change(data_copy)
    assert data_digest(data_copy) != before


def test_the_digest_of_a_folder_is_its_paths_and_bytes(tmp_path: Path) -> None:
    """Fixed across releases: the data digest recorded by one build is compared by the next."""
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "c.txt").write_bytes(b"d")
    (tmp_path / "a").write_bytes(b"b")
    # sha256(b"a\0b\0raw/c.txt\0d\0")
    assert data_digest(tmp_path) == "d0837a7c22002a5d7d236eb7ecf812d64cda42d676a335cd5fce94a259aa74d2"


def test_hidden_files_are_not_data(data_copy: Path) -> None:
    """An editor's lock file or a Finder's .DS_Store beside the tables rebuilds nothing."""
    before = data_digest(data_copy)
    (data_copy / ".~lock.events.csv#").write_text("someone,editing\n", encoding="utf-8")
    (data_copy / "raw" / ".DS_Store").write_bytes(b"\0\1")
    assert data_digest(data_copy) == before


def test_file_names_and_contents_cannot_run_into_each_other(tmp_path: Path) -> None:
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


def test_files_are_hashed_in_a_stable_order(data_copy: Path) -> None:
    paths = sorted(data_copy.glob("*.csv"))
    assert hash_files(paths, data_copy) == hash_files(list(reversed(paths)), data_copy)
    assert hash_files(paths, data_copy) != hash_files(paths[:-1], data_copy)


# --- what a notebook records it read --------------------------------------------------------------------------


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    fresh: set[str] = set()
    monkeypatch.setattr(digest, "READS", fresh)
    return fresh


def test_reading_a_plain_file_records_only_that_file(reads: set[str]) -> None:
    record_read("raw/000_35f81f830df77f46.txt")
    assert reads == {"raw/000_35f81f830df77f46.txt"}


def test_reading_a_table_records_its_file_its_schema_entry_and_the_package(reads: set[str]) -> None:
    record_read("events.csv", "events")
    assert reads == {
        "events.csv",
        "datapackage.json#events",
        "datapackage.json#*package",
        "datapackage.json#*tables",
    }


# --- the library and the pinned environment ---------------------------------------------------------------


@pytest.fixture
def library_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "lib" / "workplan"
    shutil.copytree(LIB_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(planning, "LIB_DIR", copy)
    return copy


def test_the_library_digest_does_not_depend_on_where_the_library_is(
    library_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = library_digest()
    elsewhere = tmp_path / "elsewhere" / "workplan"
    shutil.copytree(library_copy, elsewhere)
    monkeypatch.setattr(planning, "LIB_DIR", elsewhere)
    assert library_digest() == here


@pytest.mark.parametrize(
    "changed",
    ["analysis.py", "build/plan.py", "templates/reader/index.html.j2", "templates/reader/conf.json"],
)
def test_a_change_to_the_library_or_its_templates_changes_the_library_digest(
    library_copy: Path, changed: str
) -> None:
    before = library_digest()
    path = library_copy / changed
    assert path.exists(), changed
    path.write_bytes(path.read_bytes() + b"\n")
    assert library_digest() != before


@pytest.mark.parametrize("added", ["templates/reader/custom.css", "templates/reader/extra.json", "extra.py"])
def test_a_new_module_template_or_stylesheet_changes_the_library_digest(
    library_copy: Path, added: str
) -> None:
    before = library_digest()
    (library_copy / added).write_text("/* new */\n", encoding="utf-8")
    assert library_digest() != before


@pytest.mark.parametrize(
    "added", ["__pycache__/analysis.cpython-311.pyc", "__pycache__/cached.json", "NOTES.md", "build/todo.txt"]
)
def test_compiled_files_and_notes_beside_the_library_are_not_its_source(
    library_copy: Path, added: str
) -> None:
    before = library_digest()
    path = library_copy / added
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(b"\0not source")
    assert library_digest() == before


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    for name in ("requirements.lock", "pyproject.toml"):
        shutil.copy(PROJECT_ROOT / name, root / name)
    monkeypatch.setattr(planning, "PROJECT_ROOT", root)
    return root


@pytest.mark.parametrize("changed", ["requirements.lock", "pyproject.toml"])
def test_a_change_to_the_pins_changes_the_dependencies_digest(project: Path, changed: str) -> None:
    before = dependencies_digest()
    with (project / changed).open("a", encoding="utf-8") as f:
        f.write("\n# changed\n")
    after = dependencies_digest()
    assert after != before
    (project / changed).unlink()  # a project without one of them still builds
    assert dependencies_digest() not in (before, after)


def test_other_files_of_the_project_are_not_pins(project: Path) -> None:
    before = dependencies_digest()
    (project / "environment.yml").write_text("name: other\n", encoding="utf-8")
    (project / "README.md").write_text("notes\n", encoding="utf-8")
    assert dependencies_digest() == before


class Version(NamedTuple):
    major: int
    minor: int
    micro: int


def running(monkeypatch: pytest.MonkeyPatch, *version: int) -> None:
    monkeypatch.setattr(planning, "sys", SimpleNamespace(version_info=Version(*version)))


def test_the_dependencies_digest_holds_the_python_major_and_minor_version(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    running(monkeypatch, 3, 12, 1)
    digest_312 = dependencies_digest()
    running(monkeypatch, 3, 12, 9)  # a bug-fix release keeps the environment
    assert dependencies_digest() == digest_312
    running(monkeypatch, 3, 13, 1)
    assert dependencies_digest() != digest_312
    running(monkeypatch, 4, 12, 1)
    assert dependencies_digest() != digest_312


def test_the_dependencies_digest_of_a_project_without_pins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(planning, "PROJECT_ROOT", tmp_path)
    running(monkeypatch, 3, 12, 0)
    # sha256 of the empty file list's digest (sha256 of b"") followed by "python 3.12"
    assert dependencies_digest() == "5bf08f4202221c19bced12a3ffe2b81f93493d093360e70786c48e1fa7d41b4e"


def test_shared_holds_the_library_dependencies_and_site_address(
    library_copy: Path, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(site, "REPOSITORY", "")
    monkeypatch.delenv(site.SITE_URL_ENV, raising=False)
    shared = Shared.compute()
    assert shared == Shared(library_digest(), dependencies_digest(), "")
    assert shared.library != shared.dependencies
    monkeypatch.setenv(site.SITE_URL_ENV, "https://example.org/reports")
    assert Shared.compute().site_url == "https://example.org/reports/"


# --- the hashes of what a report read -------------------------------------------------------------------------

TABLE_T = {"title": "表", "name": "t", "schema": {"fields": [{"name": "x"}, {"name": "y"}]}}


def test_a_file_read_is_hashed_by_its_bytes(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "source.txt").write_bytes(b"abc")
    (tmp_path / "empty.csv").write_bytes(b"")
    hashes = DataHashes(tmp_path)
    assert hashes("raw/source.txt") == SHA_ABC
    assert hashes("empty.csv") == SHA_EMPTY


def test_a_file_read_that_is_gone_has_no_hash(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    hashes = DataHashes(tmp_path)
    assert hashes("events.csv") is None
    assert hashes("raw") is None  # a folder where the file was


def test_the_schema_file_itself_is_hashed_by_its_bytes(tmp_path: Path) -> None:
    tmp_path.joinpath("datapackage.json").write_bytes(b"abc")
    assert DataHashes(tmp_path)("datapackage.json") == SHA_ABC


def test_the_schema_entries_are_hashed_from_their_content(tmp_path: Path) -> None:
    """Fixed across releases: the hashes in a manifest are compared with those of the next build."""
    schema = {"name": "p", "resources": [TABLE_T, {"name": "u"}]}
    write_package(tmp_path, schema)
    hashes = DataHashes(tmp_path)
    # sha256 of '{"name": "t", "schema": {"fields": [{"name": "x"}, {"name": "y"}]}, "title": "表"}' (UTF-8)
    assert hashes("datapackage.json#t") == "dd4c83cfd24f4c2332fcaad8d863b5842680815dae6bc61fc0f19c1ddaa815a0"
    assert hashes("datapackage.json#*package") == (  # '{"name": "p"}'
        "652dadf0b229729d5ce548c0f54bc9c14ff4f5127080afca8f8cdeb1cb020e14"
    )
    assert hashes("datapackage.json#*tables") == (  # '[["t", ["x", "y"]], ["u", []]]'
        "b62925495cacdfe75a2a40bd8b9fea08cd11031e90cf9c61050b21e551dbd815"
    )
    assert hashes("datapackage.json#v") is None  # no such table


def describe_a_column(package: dict[str, Any]) -> None:
    package["resources"][1]["schema"]["fields"][0]["description"] = "When it happened."


def retype_a_column(package: dict[str, Any]) -> None:
    package["resources"][1]["schema"]["fields"][0]["type"] = "string"


def add_a_column(package: dict[str, Any]) -> None:
    package["resources"][1]["schema"]["fields"].append({"name": "note", "type": "string"})


def rename_a_column(package: dict[str, Any]) -> None:
    package["resources"][1]["schema"]["fields"][0]["name"] = "day"


def add_a_table_entry(package: dict[str, Any]) -> None:
    package["resources"].append({"name": "extra", "path": "extra.csv", "schema": {"fields": []}})


def remove_a_table_entry(package: dict[str, Any]) -> None:
    del package["resources"][1]


def retitle_the_package(package: dict[str, Any]) -> None:
    package["title"] = "Another title"


def add_a_vocabulary(package: dict[str, Any]) -> None:
    package["x-vocabularies"] = {"status": ["held", "planned"]}


def reformat_the_file(package: dict[str, Any]) -> None:
    """Same content: the file is only written again with other spacing."""


SCHEMA_KEYS = [
    "datapackage.json#pillars",
    "datapackage.json#events",
    "datapackage.json#extra",
    "datapackage.json#*package",
    "datapackage.json#*tables",
]

SCHEMA_CHANGES: list[tuple[Callable[[dict[str, Any]], None], set[str]]] = [
    (describe_a_column, {"datapackage.json#events"}),
    (retype_a_column, {"datapackage.json#events"}),
    (add_a_column, {"datapackage.json#events", "datapackage.json#*tables"}),
    (rename_a_column, {"datapackage.json#events", "datapackage.json#*tables"}),
    (add_a_table_entry, {"datapackage.json#extra", "datapackage.json#*tables"}),
    (remove_a_table_entry, {"datapackage.json#events", "datapackage.json#*tables"}),
    (retitle_the_package, {"datapackage.json#*package"}),
    (add_a_vocabulary, {"datapackage.json#*package"}),
    (reformat_the_file, set()),
]


@pytest.mark.parametrize(("change", "changed"), SCHEMA_CHANGES, ids=lambda v: getattr(v, "__name__", None))
def test_a_schema_change_changes_only_the_entries_it_touches(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], changed: set[str]
) -> None:
    package = {
        "name": "p",
        "title": "A package",
        "resources": [
            {"name": "pillars", "schema": {"fields": [{"name": "pillar_id", "type": "integer"}]}},
            {"name": "events", "schema": {"fields": [{"name": "date", "type": "date"}]}},
        ],
    }
    old, new = tmp_path / "old", tmp_path / "new"
    write_package(old, package)
    change(package)
    new.mkdir()
    (new / "datapackage.json").write_text(json.dumps(package, indent=4), encoding="utf-8")
    before, after = DataHashes(old), DataHashes(new)
    assert {key for key in SCHEMA_KEYS if before(key) != after(key)} == changed


@pytest.mark.parametrize(
    "content",
    [None, b'{"name": "p", "resources": [', b"[]", b'"p"'],
    ids=["missing", "not JSON", "a list", "a string"],
)
def test_a_schema_file_it_cannot_read_gives_no_table_entries(tmp_path: Path, content: bytes | None) -> None:
    if content is not None:
        (tmp_path / "datapackage.json").write_bytes(content)
    hashes = DataHashes(tmp_path)
    assert hashes("datapackage.json#events") is None
    # As a package with no properties and no tables: whatever a report read from it has changed.
    assert (
        hashes("datapackage.json#*package")
        == "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
    )
    assert (
        hashes("datapackage.json#*tables")
        == "4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"
    )


def test_a_package_without_tables_has_only_its_properties(tmp_path: Path) -> None:
    write_package(tmp_path, {"name": "p"})
    hashes = DataHashes(tmp_path)
    assert hashes("datapackage.json#events") is None
    assert hashes("datapackage.json#*package") == (  # '{"name": "p"}'
        "652dadf0b229729d5ce548c0f54bc9c14ff4f5127080afca8f8cdeb1cb020e14"
    )
    assert (
        hashes("datapackage.json#*tables")
        == "4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"
    )


def test_entries_that_are_not_named_tables_are_skipped(tmp_path: Path) -> None:
    only_t, odd = tmp_path / "only_t", tmp_path / "odd"
    write_package(only_t, {"name": "p", "resources": [TABLE_T]})
    write_package(odd, {"name": "p", "resources": ["tablename", 3, {"path": "x.csv"}, TABLE_T]})
    assert DataHashes(odd).schema_entries() == DataHashes(only_t).schema_entries()


def test_each_hash_is_computed_once(tmp_path: Path) -> None:
    """Every report's reads are checked against the data as it was when the build began."""
    (tmp_path / "a.csv").write_bytes(b"abc")
    write_package(tmp_path, {"name": "p", "resources": [TABLE_T]})
    hashes = DataHashes(tmp_path)
    assert hashes("a.csv") == SHA_ABC
    table = hashes("datapackage.json#t")
    (tmp_path / "a.csv").write_bytes(b"changed")
    write_package(tmp_path, {"name": "p", "resources": [{**TABLE_T, "title": "changed"}, {"name": "u"}]})
    assert hashes("a.csv") == SHA_ABC
    assert hashes("datapackage.json#t") == table
    assert hashes("datapackage.json#u") is None  # the schema was read before the new table was added
    assert DataHashes(tmp_path)("datapackage.json#t") != table


def test_the_record_of_reads_maps_each_read_to_its_hash_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_bytes(b"abc")
    (tmp_path / "b.csv").write_bytes(b"")
    recorded = DataHashes(tmp_path).record(["gone.csv", "b.csv", "a.csv"])
    assert list(recorded.items()) == [("a.csv", SHA_ABC), ("b.csv", SHA_EMPTY), ("gone.csv", None)]


# --- one report's inputs ------------------------------------------------------------------------------------

SHARED = Shared(library="l" * 64, dependencies="p" * 64, site_url="")
INPUTS: dict[str, Any] = {
    "format": FORMAT_VERSION,
    "notebook": "n" * 64,
    "parameters": '{"as_of": "2026-01-31", "lang": "en", "pillar": 2}',
    "library": "l" * 64,
    "dependencies": "p" * 64,
    "links": "",
}
CHANGED_INPUTS: dict[str, Any] = {
    "format": FORMAT_VERSION + 1,
    "notebook": "m" * 64,
    "parameters": '{"as_of": "2026-06-30", "lang": "en", "pillar": 2}',
    "library": "k" * 64,
    "dependencies": "q" * 64,
    "links": "https://example.org/",
}


def test_report_inputs_are_the_format_notebook_parameters_library_dependencies_and_links() -> None:
    (spec,) = specs_of(NOTEBOOK_DIR, "en/pillar2")
    shared = Shared(library="l" * 64, dependencies="p" * 64, site_url="https://example.org/")
    assert report_inputs(spec, shared, "n" * 64) == {**INPUTS, "links": "https://example.org/"}


def test_input_hash_is_fixed_for_given_inputs_and_reads() -> None:
    inputs = {"links": "https://例え.jp/", "format": 2}
    # sha256 of '{"inputs": {"format": 2, "links": "https://例え.jp/"}, "reads": {"a.csv": "h", "b.csv": null}}'
    expected = "2210e6e61df0790b6129d674f7d1946216d739991911631a8e7fae67a958f56b"
    assert input_hash(inputs, {"b.csv": None, "a.csv": "h"}) == expected


def test_input_hash_ignores_the_order_of_inputs_and_reads() -> None:
    reads = {"events.csv": "e" * 64, "datapackage.json#events": "s" * 64}
    assert input_hash(dict(reversed(INPUTS.items())), dict(reversed(reads.items()))) == input_hash(
        INPUTS, reads
    )


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_input_hash_changes_with_each_input(name: str) -> None:
    assert input_hash({**INPUTS, name: CHANGED_INPUTS[name]}, {}) != input_hash(INPUTS, {})


@pytest.mark.parametrize(
    "reads",
    [None, {"a.csv": "h" * 64, "b.csv": "h" * 64}, {"a.csv": "g" * 64}, {"a.csv": None}, {"b.csv": "h" * 64}],
    ids=["no record", "one more read", "other content", "gone", "another file"],
)
def test_input_hash_changes_with_what_was_read(reads: dict[str, str | None] | None) -> None:
    assert input_hash(INPUTS, reads) != input_hash(INPUTS, {"a.csv": "h" * 64})


def test_input_hash_tells_no_record_of_reads_from_nothing_read() -> None:
    assert input_hash(INPUTS, None) != input_hash(INPUTS, {})


def test_input_hash_keeps_each_input_apart() -> None:
    """Moving a character from one input to the next is a change, not the same text twice."""
    moved = {**INPUTS, "library": INPUTS["library"] + "p", "dependencies": INPUTS["dependencies"][1:]}
    assert input_hash(moved, None) != input_hash(INPUTS, None)


# --- why a report is rebuilt -----------------------------------------------------------------------------------


@pytest.fixture
def hashes(tmp_path: Path) -> DataHashes:
    """a.csv holds b"abc", b.csv is empty, table t is TABLE_T."""
    data = tmp_path / "data"
    write_package(data, {"name": "p", "resources": [TABLE_T]})
    (data / "a.csv").write_bytes(b"abc")
    (data / "b.csv").write_bytes(b"")
    return DataHashes(data)


def ok_entry(inputs: dict[str, Any], reads: Any) -> dict[str, Any]:
    """A manifest entry as run.py records a report built from `inputs` that read `reads`."""
    return {
        "notebook": "pillar2_cyber.ipynb",
        "status": "ok",
        "inputs": inputs,
        "reads": reads,
        "input_hash": input_hash(inputs, reads),
    }


READ_AB = {"a.csv": SHA_ABC, "b.csv": SHA_EMPTY}


def test_a_report_never_built_is_new(hashes: DataHashes) -> None:
    assert why(None, INPUTS, hashes) == ["new"]


def test_an_unchanged_report_is_up_to_date(hashes: DataHashes) -> None:
    assert why(ok_entry(INPUTS, READ_AB), INPUTS, hashes) == []


@pytest.mark.parametrize("status", ["failed", "interrupted"])
def test_a_report_whose_last_build_did_not_finish_is_rebuilt(hashes: DataHashes, status: str) -> None:
    entry = {**ok_entry(INPUTS, READ_AB), "status": status, "input_hash": None, "error": "boom"}
    assert why(entry, INPUTS, hashes) == [f"last build {status}"]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("format", "build format changed"),
        ("notebook", "notebook changed"),
        ("parameters", "parameters changed"),
        ("library", "library changed"),
        ("dependencies", "dependencies changed"),
        ("links", "site address changed"),
    ],
)
def test_each_changed_input_is_named(hashes: DataHashes, name: str, reason: str) -> None:
    current = {**INPUTS, name: CHANGED_INPUTS[name]}
    assert why(ok_entry(INPUTS, READ_AB), current, hashes) == [reason]


def test_changed_inputs_are_named_together_in_the_order_of_the_inputs(hashes: DataHashes) -> None:
    current = {**INPUTS, "dependencies": "q" * 64, "library": "k" * 64}
    assert why(ok_entry(INPUTS, READ_AB), current, hashes) == ["library, dependencies changed"]
    current = {**current, "parameters": CHANGED_INPUTS["parameters"]}
    assert why(ok_entry(INPUTS, READ_AB), current, hashes) == ["parameters, library, dependencies changed"]


@pytest.mark.parametrize("recorded", ["absent", None, {}])
def test_a_report_with_no_recorded_inputs_has_every_input_changed(hashes: DataHashes, recorded: Any) -> None:
    entry = ok_entry(INPUTS, READ_AB)
    if recorded == "absent":
        del entry["inputs"]
    else:
        entry["inputs"] = recorded
    assert why(entry, INPUTS, hashes) == [
        "build format, notebook, parameters, library, dependencies, site address changed"
    ]


@pytest.mark.parametrize("recorded", ["absent", None, ["a.csv", "b.csv"]], ids=["absent", "null", "a list"])
def test_a_report_with_no_record_of_its_reads_is_rebuilt(hashes: DataHashes, recorded: Any) -> None:
    entry = ok_entry(INPUTS, recorded)
    if recorded == "absent":
        del entry["reads"]
    assert why(entry, INPUTS, hashes) == ["no record of the data it read"]


def test_changed_data_is_listed_by_key_in_sorted_order(hashes: DataHashes) -> None:
    reads = {"datapackage.json#t": "0" * 64, "b.csv": SHA_EMPTY, "a.csv": "0" * 64}
    assert why(ok_entry(INPUTS, reads), INPUTS, hashes) == ["data changed: a.csv, datapackage.json#t"]


def test_data_that_is_gone_has_changed_and_data_still_missing_has_not(hashes: DataHashes) -> None:
    assert why(ok_entry(INPUTS, {"gone.csv": SHA_ABC}), INPUTS, hashes) == ["data changed: gone.csv"]
    assert why(ok_entry(INPUTS, {"gone.csv": None}), INPUTS, hashes) == []


def test_data_that_was_missing_and_is_back_has_changed(hashes: DataHashes) -> None:
    assert why(ok_entry(INPUTS, {"a.csv": None}), INPUTS, hashes) == ["data changed: a.csv"]


def test_a_changed_input_and_changed_data_are_two_reasons(hashes: DataHashes) -> None:
    entry = ok_entry(INPUTS, {**READ_AB, "a.csv": "0" * 64})
    reasons = why(entry, {**INPUTS, "notebook": "m" * 64}, hashes)
    assert reasons == ["notebook changed", "data changed: a.csv"]


# --- planning -----------------------------------------------------------------------------------------------

# What each report's kernel recorded it read (digest.record_read).
PILLAR2_READS = ["events.csv", "datapackage.json#events", PACKAGE, TABLES]
PILLAR3_READS = ["ivo_forums.csv", "datapackage.json#ivo_forums", PACKAGE, TABLES]


def built(
    out: Path, planned: list[Planned], hashes: DataHashes, status: str = "ok"
) -> dict[str, dict[str, Any]]:
    """The manifest's reports and the files a build that made `planned` leaves, as run.py records them."""
    reports: dict[str, dict[str, Any]] = {}
    for p in planned:
        spec = p.spec
        for rel in spec.outputs:
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / rel).write_text("built", encoding="utf-8")
        entry: dict[str, Any] = {
            "notebook": spec.notebook_path.name,
            "params": spec.params,
            "outputs": list(spec.outputs),
            "status": status,
            "inputs": p.inputs,
        }
        if status == "ok":
            read = hashes.record(PILLAR2_READS if spec.notebook == "pillar2" else PILLAR3_READS)
            entry["reads"] = read
            entry["input_hash"] = input_hash(p.inputs, read)
        else:
            entry["error"] = f"{spec.key}: {status}"
            entry["input_hash"] = None
        reports[spec.key] = entry
    return reports


def reasons(planned: list[Planned]) -> dict[str, str]:
    return {p.spec.key: p.reason for p in planned}


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "out"


def planned_once(specs: list[ReportSpec], out: Path, data: Path, status: str = "ok") -> dict[str, Any]:
    """The manifest's reports after a build of `specs` from the data in `data`."""
    hashes = DataHashes(data)
    return built(out, plan(specs, {}, out, SHARED, hashes), hashes, status)


def test_plan_builds_everything_the_first_time(out: Path, notebooks: Path) -> None:
    specs = specs_of(notebooks, "en/pillar2", "ja/pillar3")
    planned = plan(specs, {}, out, SHARED, DataHashes(DEFAULT_DATA_DIR))
    assert reasons(planned) == {"en/pillar2": "new", "ja/pillar3": "new"}
    assert [p.spec for p in planned] == specs
    assert [p.reasons for p in planned] == [["new"], ["new"]]


def test_plan_records_each_reports_inputs(out: Path, notebooks: Path) -> None:
    en, ja, other = specs_of(notebooks, "en/pillar2", "ja/pillar2", "en/pillar3")
    planned = plan([en, ja, other], {}, out, SHARED, DataHashes(DEFAULT_DATA_DIR))
    notebook = (notebooks / "pillar2_cyber.ipynb").read_bytes()
    assert planned[0].inputs == {**INPUTS, "notebook": planning.sha256_bytes(notebook)}
    assert planned[1].inputs["notebook"] == planned[0].inputs["notebook"]
    assert planned[1].inputs["parameters"] == '{"as_of": "2026-01-31", "lang": "ja", "pillar": 2}'
    assert planned[2].inputs["notebook"] != planned[0].inputs["notebook"]


def test_plan_skips_what_is_up_to_date_unless_forced(out: Path, notebooks: Path, data_copy: Path) -> None:
    specs = specs_of(notebooks, "en/pillar2", "en/pillar3")
    previous = planned_once(specs, out, data_copy)
    hashes = DataHashes(data_copy)
    assert reasons(plan(specs, previous, out, SHARED, hashes)) == {"en/pillar2": "", "en/pillar3": ""}
    assert reasons(plan(specs, previous, out, SHARED, hashes, force=True)) == {
        "en/pillar2": "forced",
        "en/pillar3": "forced",
    }


def test_forced_is_the_one_reason_whatever_else_changed(out: Path, notebooks: Path, data_copy: Path) -> None:
    specs = specs_of(notebooks, "en/pillar2", "en/pillar3", "ja/pillar3")
    previous = planned_once(specs[:2], out, data_copy)
    (out / specs[0].outputs[0]).unlink()
    shared = Shared(library="k" * 64, dependencies=SHARED.dependencies, site_url="")
    assert reasons(plan(specs, previous, out, shared, DataHashes(data_copy), force=True)) == {
        "en/pillar2": "forced",
        "en/pillar3": "forced",
        "ja/pillar3": "forced",
    }


@pytest.mark.parametrize("missing", [0, 1], ids=["notebook", "page"])
def test_plan_rebuilds_a_report_with_a_file_missing(
    out: Path, notebooks: Path, data_copy: Path, missing: int
) -> None:
    specs = specs_of(notebooks, "en/pillar2", "en/pillar3")
    previous = planned_once(specs, out, data_copy)
    (out / specs[0].outputs[missing]).unlink()
    planned = plan(specs, previous, out, SHARED, DataHashes(data_copy))
    assert reasons(planned) == {"en/pillar2": "output missing", "en/pillar3": ""}


def test_a_missing_file_does_not_hide_the_other_reasons(out: Path, notebooks: Path, data_copy: Path) -> None:
    specs = specs_of(notebooks, "en/pillar2")
    previous = planned_once(specs, out, data_copy)
    (out / specs[0].outputs[1]).unlink()
    shared = Shared(library="k" * 64, dependencies=SHARED.dependencies, site_url="")
    assert reasons(plan(specs, previous, out, shared, DataHashes(data_copy))) == {
        "en/pillar2": "library changed"
    }


def test_plan_rebuilds_only_the_reports_of_a_changed_notebook(
    out: Path, notebooks: Path, data_copy: Path
) -> None:
    specs = specs_of(notebooks, "en/pillar2", "ja/pillar2", "en/pillar3")
    previous = planned_once(specs, out, data_copy)
    path = notebooks / "pillar2_cyber.ipynb"
    path.write_bytes(path.read_bytes() + b"\n")
    assert reasons(plan(specs, previous, out, SHARED, DataHashes(data_copy))) == {
        "en/pillar2": "notebook changed",
        "ja/pillar2": "notebook changed",
        "en/pillar3": "",
    }


def test_plan_rebuilds_a_report_whose_parameters_changed(out: Path, notebooks: Path, data_copy: Path) -> None:
    previous = planned_once(specs_of(notebooks, "en/pillar2", "en/pillar3"), out, data_copy)
    later = specs_of(notebooks, "en/pillar2", "en/pillar3", as_of="2026-06-30")
    assert reasons(plan(later, previous, out, SHARED, DataHashes(data_copy))) == {
        "en/pillar2": "parameters changed",
        "en/pillar3": "parameters changed",
    }


def test_a_new_build_format_rebuilds_every_report(
    out: Path, notebooks: Path, data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    specs = specs_of(notebooks, "en/pillar2", "en/pillar3")
    previous = planned_once(specs, out, data_copy)
    monkeypatch.setattr(planning, "FORMAT_VERSION", FORMAT_VERSION + 1)
    planned = plan(specs, previous, out, SHARED, DataHashes(data_copy))
    assert reasons(planned) == {"en/pillar2": "build format changed", "en/pillar3": "build format changed"}
    assert {p.inputs["format"] for p in planned} == {FORMAT_VERSION + 1}


def test_plan_rebuilds_every_report_when_the_library_and_dependencies_changed(
    out: Path, notebooks: Path, data_copy: Path
) -> None:
    specs = specs_of(notebooks, "en/pillar2", "en/pillar3")
    previous = planned_once(specs, out, data_copy)
    shared = Shared(library="k" * 64, dependencies="q" * 64, site_url="")
    assert set(reasons(plan(specs, previous, out, shared, DataHashes(data_copy))).values()) == {
        "library, dependencies changed"
    }


def test_plan_rebuilds_only_the_reports_that_read_a_changed_table(
    out: Path, notebooks: Path, data_copy: Path
) -> None:
    specs = specs_of(notebooks, "en/pillar2", "ja/pillar2", "en/pillar3")
    previous = planned_once(specs, out, data_copy)
    edit_a_table(data_copy)  # the AJCCBC's establishment year, 2018 -> 2017
    assert reasons(plan(specs, previous, out, SHARED, DataHashes(data_copy))) == {
        "en/pillar2": "data changed: events.csv",
        "ja/pillar2": "data changed: events.csv",
        "en/pillar3": "",
    }


def test_plan_rebuilds_only_the_reports_that_read_a_changed_schema_entry(
    out: Path, notebooks: Path, data_copy: Path
) -> None:
    specs = specs_of(notebooks, "en/pillar2", "en/pillar3")
    previous = planned_once(specs, out, data_copy)
    path = data_copy / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    (forums,) = [r for r in package["resources"] if r["name"] == "ivo_forums"]
    forums["description"] += " (revised)"
    path.write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
    assert reasons(plan(specs, previous, out, SHARED, DataHashes(data_copy))) == {
        "en/pillar2": "",
        "en/pillar3": "data changed: datapackage.json#ivo_forums",
    }


def test_plan_rebuilds_nothing_for_data_no_report_read(out: Path, notebooks: Path, data_copy: Path) -> None:
    specs = specs_of(notebooks, "en/pillar2", "en/pillar3")
    previous = planned_once(specs, out, data_copy)
    edit_the_source_text(data_copy)
    remove_the_readme(data_copy)
    (data_copy / "glossary.csv").write_bytes(b"term\n")
    assert reasons(plan(specs, previous, out, SHARED, DataHashes(data_copy))) == {
        "en/pillar2": "",
        "en/pillar3": "",
    }


def test_plan_gives_every_reason_a_report_has(out: Path, notebooks: Path, data_copy: Path) -> None:
    specs = specs_of(notebooks, "en/pillar2")
    previous = planned_once(specs, out, data_copy)
    path = notebooks / "pillar2_cyber.ipynb"
    path.write_bytes(path.read_bytes() + b"\n")
    edit_a_table(data_copy)
    assert reasons(plan(specs, previous, out, SHARED, DataHashes(data_copy))) == {
        "en/pillar2": "notebook changed; data changed: events.csv"
    }


@pytest.mark.parametrize("status", ["failed", "interrupted"])
def test_plan_rebuilds_what_did_not_finish(out: Path, notebooks: Path, data_copy: Path, status: str) -> None:
    specs = specs_of(notebooks, "en/pillar2")
    previous = planned_once(specs, out, data_copy, status=status)
    assert reasons(plan(specs, previous, out, SHARED, DataHashes(data_copy))) == {
        "en/pillar2": f"last build {status}"
    }


@pytest.mark.parametrize("manifest", ["older format", "not JSON"])
def test_plan_starts_afresh_from_a_manifest_it_cannot_trust(
    out: Path, notebooks: Path, data_copy: Path, manifest: str
) -> None:
    specs = specs_of(notebooks, "en/pillar2")
    reports = planned_once(specs, out, data_copy)
    text = json.dumps({"format": FORMAT_VERSION - 1, "reports": reports})
    if manifest == "not JSON":
        text = text[:-2]
    (out / "manifest.json").write_text(text, encoding="utf-8")
    previous = read_manifest(out)["reports"]
    assert reasons(plan(specs, previous, out, SHARED, DataHashes(data_copy))) == {"en/pillar2": "new"}


# --- swapping a report's files --------------------------------------------------------------------------------


def test_a_signal_during_the_swap_waits_until_both_files_are_in_place(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGINT arriving between the two renames of a report: the pair is swapped whole, then the build stops."""
    (spec,) = specs_of(NOTEBOOK_DIR, "en/pillar2")
    for rel in spec.outputs:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(b"old")
    files = {rel: b"new" for rel in spec.outputs}
    real_replace = outputs.os.replace
    renamed: list[str] = []

    def replace_then_interrupt(src: Path, dst: Path) -> None:
        real_replace(src, dst)
        renamed.append(Path(dst).name)
        if len(renamed) == 1:
            signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(outputs.os, "replace", replace_then_interrupt)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            commit_files(out, files, spec.key)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert renamed == [Path(rel).name for rel in spec.outputs]
    assert {rel: (out / rel).read_bytes() for rel in spec.outputs} == files
    assert not list(out.rglob(".*.tmp-*"))


# --- the package's structure ----------------------------------------------------------------------------------


def test_the_build_package_has_no_import_cycle():
    """Imports between workplan modules form no cycle (build.py ↔ site.py once did, run.py ↔ shards.py
    through an import inside a function): every import counts, at module level, inside a function
    or under TYPE_CHECKING."""
    import ast

    lib = LIB_DIR
    graph: dict[str, set[str]] = {}
    for path in lib.rglob("*.py"):
        parts = path.relative_to(lib.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        package = ".".join(parts[:-1])
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):  # every import
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
                edges.add(target)
                edges.update(f"{target}.{a.name}" for a in node.names)
            elif isinstance(node, ast.Import):
                edges.update(a.name for a in node.names if a.name.startswith("workplan"))
        graph[module] = edges
    modules = set(graph)
    graph = {m: {e for e in edges if e in modules and e != m} for m, edges in graph.items()}

    def cycle_from(start: str, node: str, seen: tuple[str, ...]) -> tuple[str, ...] | None:
        for nxt in graph[node]:
            if nxt == start:
                return (*seen, nxt)
            if nxt not in seen:
                found = cycle_from(start, nxt, (*seen, nxt))
                if found:
                    return found
        return None

    build_modules = [m for m in modules if m.startswith("workplan.build")]
    cycles = [c for m in build_modules if (c := cycle_from(m, m, (m,)))]
    assert not cycles, cycles

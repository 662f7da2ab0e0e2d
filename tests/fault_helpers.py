"""Helpers for tests/test_faults.py: copies of the inputs, broken data, changed notebooks, snapshots.

Every fault is made in a temporary copy of data/ or notebooks/; the project's own folders are only read.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
NOTEBOOK_DIR = ROOT / "notebooks"
LOCK_NAME = ".build.lock"  # the build's own lock file: rewritten by every run, not part of the reports

# The message every build-level failure test looks for; the reader knows which cell to look at.
BOOM = 'raise RuntimeError("boom from the fault suite")'
MARKER_TEXT = "fault-suite-new-version"
MARKER_CELL = f'print("{MARKER_TEXT}")'


# --- inputs ------------------------------------------------------------------------------------------


def copy_data(dst: Path) -> Path:
    shutil.copytree(DATA_DIR, dst)
    return dst


def copy_notebooks(dst: Path) -> Path:
    """Only the .ipynb files: the folder may also hold sockets and checkpoints."""
    dst.mkdir(parents=True)
    for path in sorted(NOTEBOOK_DIR.glob("*.ipynb")):
        shutil.copy2(path, dst / path.name)
    return dst


def insert_cell(notebook: Path, code: str, index: int = 2) -> None:
    """Insert a code cell; index 2 is right after the `parameters` cell (cell 4 once papermill injects)."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    tags = nb.cells[1].metadata.get("tags", [])
    assert "parameters" in tags, f"{notebook.name}: cell 2 is expected to be the parameters cell"
    nb.cells.insert(index, nbformat.v4.new_code_cell(code))
    nbformat.write(nb, notebook)


def hold_after_the_first(nb_dir: Path, gate: Path) -> None:
    """Make the first report a build runs go through and every later one wait until the build is
    stopped: a signal sent once the first is done then finds the second running, however fast the
    machine and however late the signal (a condition, not a guess at how long a report takes)."""
    code = (
        "import pathlib, time\n"
        f"_gate = pathlib.Path({str(gate)!r})\n"
        "if _gate.exists():  # a later report: runs until the build is stopped\n"
        "    while True:\n"
        "        time.sleep(0.05)\n"
        "_gate.touch()"
    )
    for path in sorted(nb_dir.glob("*.ipynb")):
        insert_cell(path, code, index=3)


def mark_notebooks(nb_dir: Path) -> None:
    """Make every notebook print a marker, so a report built from it differs from the previous one."""
    for path in sorted(nb_dir.glob("*.ipynb")):
        insert_cell(path, MARKER_CELL)


# --- data corruptions ----------------------------------------------------------------------------------


def _read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")


def set_cell(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell; `row` is the 1-based data row (the header is not a row)."""
    rows = _read_csv(path)
    rows[row][rows[0].index(column)] = value
    _write_csv(path, rows)


def wrong_type(data: Path) -> list[str]:
    set_cell(data / "ivo_projects.csv", 1, "projects", "five")
    return [
        "dataset 'ivo_projects'",
        "ivo_projects.csv",
        "row 1",
        "column 'projects'",
        "an integer",
        "'five'",
    ]


def missing_column(data: Path) -> list[str]:
    rows = _read_csv(data / "events.csv")
    i = rows[0].index("status")
    _write_csv(data / "events.csv", [r[:i] + r[i + 1 :] for r in rows])
    return ["dataset 'events'", "events.csv", "line 1", "missing column(s) status"]


def duplicate_id(data: Path) -> list[str]:
    path = data / "ivo_forums.csv"
    first_year = _read_csv(path)[1][0]
    set_cell(path, 2, "year", first_year)
    return ["dataset 'ivo_forums'", "ivo_forums.csv", "row 2", "column 'year'", "a unique value of year"]


def dangling_foreign_key(data: Path) -> list[str]:
    # actions.initiative_id → "9.9" would be refused by its pattern before the key check; a code that
    # matches the pattern of ivo_forums.country_iso3 but names no member reaches the foreign-key check.
    set_cell(data / "ivo_forums.csv", 1, "country_iso3", "ZZZ")
    return [
        "dataset 'ivo_forums'",
        "ivo_forums.csv",
        "row 1",
        "column 'country_iso3'",
        "a value of countries.iso3",
        "'ZZZ'",
    ]


def broken_utf8(data: Path) -> list[str]:
    path = data / "actions.csv"
    raw = path.read_bytes()
    at = raw.index("ガバナンス".encode())  # on line 2 (data row 1)
    path.write_bytes(raw[:at] + b"\xff" + raw[at + 1 :])
    return ["dataset 'actions'", "actions.csv", "line 2", "UTF-8"]


def truncated_line(data: Path) -> list[str]:
    path = data / "events.csv"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    last = lines[-1]
    cut = ",".join(last.split(",")[:5])  # the first five fields of the last row, as if the write stopped
    assert '"' not in cut, "the cut must fall outside quoted fields"
    path.write_text("".join(lines[:-1]) + cut, encoding="utf-8")
    row = len(lines) - 1
    return ["dataset 'events'", "events.csv", f"row {row}", "fields (a truncated or malformed line?)"]


def countries_broken_utf8(data: Path) -> list[str]:
    """countries.csv is read by the report matrix itself (before the data validation)."""
    path = data / "countries.csv"
    raw = path.read_bytes()
    at = raw.index("インドネシア".encode())
    path.write_bytes(raw[:at] + b"\xff" + raw[at + 1 :])
    return ["dataset 'countries'", "countries.csv", "line 2", "UTF-8"]


def unread_table_bad_value(data: Path) -> list[str]:
    """A table no report reads: still validated before anything is built."""
    set_cell(data / "ivo_activities.csv", 2, "list_non_exhaustive", "maybe")
    return [
        "dataset 'ivo_activities'",
        "ivo_activities.csv",
        "row 2",
        "column 'list_non_exhaustive'",
        "'maybe'",
    ]


def referenced_row_removed(data: Path) -> list[str]:
    """countries.csv loses a member another table points to: that table (itself unchanged) fails."""
    rows = _read_csv(data / "countries.csv")
    iso3 = rows[0].index("iso3")
    _write_csv(data / "countries.csv", [r for r in rows if r[iso3] != "KHM"])
    return [
        "dataset 'ivo_forums'",
        "ivo_forums.csv",
        "column 'country_iso3'",
        "a value of countries.iso3",
        "'KHM'",
    ]


CORRUPTIONS: dict[str, Callable[[Path], list[str]]] = {
    "wrong-type": wrong_type,
    "missing-column": missing_column,
    "duplicate-id": duplicate_id,
    "dangling-foreign-key": dangling_foreign_key,
    "broken-utf8": broken_utf8,
    "truncated-line": truncated_line,
    "countries-broken-utf8": countries_broken_utf8,
    "unread-table-bad-value": unread_table_bad_value,
    "referenced-row-removed": referenced_row_removed,
}


# --- the output folder ---------------------------------------------------------------------------------


def snapshot(out: Path) -> dict[str, bytes]:
    """{relative path: bytes} of every file, the build's lock file left out."""
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != LOCK_NAME
    }


def snapshot_diff(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    changes = [f"removed {k}" for k in before.keys() - after.keys()]
    changes += [f"added {k}" for k in after.keys() - before.keys()]
    changes += [f"changed {k}" for k in before.keys() & after.keys() if before[k] != after[k]]
    return sorted(changes)


def temporaries(out: Path) -> list[str]:
    return sorted(str(p.relative_to(out)) for p in out.rglob(".*.tmp-*"))


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def copy_out(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    return dst


# --- running the build -----------------------------------------------------------------------------------


def build_command(out: Path, data: Path, nb_dir: Path, *args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "workplan",
        "build",
        "--out",
        str(out),
        "--data",
        str(data),
        "--notebooks",
        str(nb_dir),
        *args,
    ]


def build_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("WORKPLAN_DATA_DIR", None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run_build(
    out: Path, data: Path, nb_dir: Path, *args: str, timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    """Run the build to its end; a hang fails the test (TimeoutExpired) instead of hanging the suite."""
    return subprocess.run(
        build_command(out, data, nb_dir, *args),
        cwd=ROOT,
        env=build_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def describe(result: subprocess.CompletedProcess[str] | RunningBuild) -> str:
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


class RunningBuild:
    """A build in the background: its output lines as they come, and every process it started."""

    def __init__(self, command: list[str], env: dict[str, str] | None = None):
        # A temporary folder of its own, so what the build and its kernels leave there can be seen.
        self.tmpdir = Path(tempfile.mkdtemp(prefix="build-tmp-"))
        self.proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**build_env(), "TMPDIR": str(self.tmpdir), **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # a signal meant for the build never reaches pytest
        )
        self.pid = self.proc.pid
        self.stdout_lines: list[str] = []
        self.stderr_lines: list[str] = []
        self.descendants: dict[int, psutil.Process] = {}
        self._threads = [
            threading.Thread(target=self._read, args=(self.proc.stdout, self.stdout_lines), daemon=True),
            threading.Thread(target=self._read, args=(self.proc.stderr, self.stderr_lines), daemon=True),
            threading.Thread(target=self._watch, daemon=True),
        ]
        for t in self._threads:
            t.start()

    @staticmethod
    def _read(stream, lines: list[str]) -> None:
        for line in stream:
            lines.append(line)

    def _watch(self) -> None:
        try:
            parent = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while self.proc.poll() is None:
            try:
                for child in parent.children(recursive=True):
                    self.descendants.setdefault(child.pid, child)
            except psutil.NoSuchProcess:
                return
            time.sleep(0.1)

    def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            if self.proc.poll() is not None:
                return predicate()
            time.sleep(0.05)
        return False

    def wait(self, timeout: float = 120) -> int:
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise
        for t in self._threads[:2]:
            t.join(timeout=10)
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for p in self.descendants.values():
            with contextlib.suppress(psutil.Error):
                p.kill()

    def survivors(self, grace: float = 15) -> list[str]:
        """Processes the build started that are still alive (zombies count as gone)."""

        def alive(p: psutil.Process) -> bool:
            try:
                return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
            except psutil.Error:
                return False

        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and any(alive(p) for p in self.descendants.values()):
            time.sleep(0.2)
        out = []
        for p in self.descendants.values():
            if alive(p):
                with contextlib.suppress(psutil.Error):
                    out.append(f"{p.pid}: {' '.join(p.cmdline())}")
        return out

    def temporary_leftovers(self) -> list[str]:
        """What the build or its kernels left in their temporary folder (kernel socket folders, say)."""
        return sorted(str(p.relative_to(self.tmpdir)) for p in self.tmpdir.rglob("*"))

    @property
    def returncode(self) -> int | None:
        return self.proc.returncode

    @property
    def stdout(self) -> str:
        return "".join(self.stdout_lines)

    @property
    def stderr(self) -> str:
        return "".join(self.stderr_lines)

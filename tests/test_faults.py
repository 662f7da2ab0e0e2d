"""The fault suite of the report build: each fault, its message, its exit code, and what is left on disk.

The build promises (lib/workplan/build/, __main__.py): exit 0 ok; 1 some report failed (the others
still built); 2 invalid data or parameters (nothing built); 3 another build running; 4 output not
writable (previous reports intact); 130 interrupted. Every file is replaced atomically and the two
files of a report are swapped together, so a report on disk is always either the previous one or
a complete new one.

The build runs as a subprocess on temporary copies of data/ and notebooks/, into temporary output
folders. One good build (three reports) is made per module and copied for every test that needs
"the previous reports".
"""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from fault_helpers import (
    BOOM,
    CORRUPTIONS,
    MARKER_TEXT,
    ROOT,
    RunningBuild,
    build_command,
    copy_data,
    copy_notebooks,
    copy_out,
    describe,
    hold_after_the_first,
    insert_cell,
    manifest,
    mark_notebooks,
    run_build,
    snapshot,
    snapshot_diff,
    temporaries,
    wrong_type,
)

BASELINE = "en/pillar2,en/pillar4,ja/pillar4"
REPORT_EXTS = (".ipynb", ".html")


@dataclass(frozen=True)
class Good:
    """Good inputs and the output of a good build of BASELINE: never changed by a test."""

    data: Path
    nb: Path
    out: Path
    files: dict[str, bytes]


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Good:
    base = tmp_path_factory.mktemp("good")
    data = copy_data(base / "data")
    nb = copy_notebooks(base / "notebooks")
    out = base / "reports"
    result = run_build(out, data, nb, "--only", BASELINE, "--jobs", "2")
    if result.returncode != 0:
        pytest.fail(f"the baseline build failed; no fault can be judged against it\n{describe(result)}")
    return Good(data, nb, out, snapshot(out))


@pytest.fixture
def out(good: Good, tmp_path: Path) -> Path:
    """A fresh copy of the good reports."""
    return copy_out(good.out, tmp_path / "reports")


@pytest.fixture(scope="module")
def tripwire(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Notebooks whose first code cell leaves a file behind: if it exists, a kernel ran a notebook."""
    base = tmp_path_factory.mktemp("tripwire")
    marker = base / "a-kernel-ran"
    nb = copy_notebooks(base / "notebooks")
    for path in nb.glob("*.ipynb"):
        insert_cell(path, f"import pathlib; pathlib.Path({str(marker)!r}).touch()")
    return nb, marker


def assert_unchanged(out: Path, before: dict[str, bytes]) -> None:
    changes = snapshot_diff(before, snapshot(out))
    assert not changes, f"the output folder changed: {changes}"
    assert not temporaries(out)


def assert_report_is_old(out: Path, good: Good, key: str) -> None:
    for ext in REPORT_EXTS:
        rel = key + ext
        assert (out / rel).read_bytes() == good.files[rel], f"{rel} is not the previous good version"


def assert_no_survivors(build: RunningBuild) -> None:
    left = build.survivors()
    assert not left, f"processes started by the build outlived it: {left}"
    files = build.temporary_leftovers()
    shutil.rmtree(build.tmpdir, ignore_errors=True)
    assert not files, f"the build left temporary files behind: {files}"


# --- 1. invalid data: refused before any kernel, nothing changed ---------------------------------------


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_invalid_data_is_refused_before_any_kernel(
    corruption: str, good: Good, out: Path, tmp_path: Path, tripwire: tuple[Path, Path]
) -> None:
    nb, kernel_ran = tripwire
    data = copy_data(tmp_path / "data")
    expected = CORRUPTIONS[corruption](data)
    before = snapshot(out)

    result = run_build(out, data, nb, "--only", "en/pillar2,ja/pillar4", "--jobs", "1", timeout=120)

    assert result.returncode == 2, describe(result)
    assert "invalid data; nothing was built" in result.stderr, describe(result)
    for text in expected:
        assert text in result.stderr, f"{text!r} missing from the message\n{describe(result)}"
    assert "Traceback" not in result.stderr
    assert "[1/" not in result.stdout and "building" not in result.stdout
    assert not kernel_ran.exists(), "a notebook ran although the data is invalid"
    assert_unchanged(out, before)


# --- 2. one notebook raises: the others are built, its previous files are kept -------------------------


def test_failing_notebook_keeps_its_previous_files(good: Good, out: Path, tmp_path: Path) -> None:
    nb = copy_notebooks(tmp_path / "notebooks")
    insert_cell(nb / "pillar2_cyber.ipynb", BOOM)
    before = manifest(out)["reports"]

    result = run_build(out, good.data, nb, "--force", "--only", "en/pillar2,en/pillar4", "--jobs", "1")

    assert result.returncode == 1, describe(result)
    summary = result.stderr.split("failed reports")[-1]
    assert re.search(r"en/pillar2: cell 4\b.*RuntimeError: boom from the fault suite", summary), describe(
        result
    )
    assert "1 built" in result.stdout and "1 failed" in result.stdout, describe(result)

    assert_report_is_old(out, good, "en/pillar2")
    assert not temporaries(out)

    reports = manifest(out)["reports"]
    assert reports["en/pillar4"]["status"] == "ok"
    assert reports["en/pillar4"]["started"] > before["en/pillar4"]["started"], "en/pillar4 was not rebuilt"
    failed = reports["en/pillar2"]
    assert failed["status"] == "failed"
    assert "RuntimeError: boom from the fault suite" in failed["error"]
    assert failed["last_good"]["input_hash"] == before["en/pillar2"]["input_hash"]

    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="en/pillar2.html"' in index, "the index lost the link to the previous en/pillar2"
    assert "last build failed" in index


# --- 3. a kernel that dies, a cell that hangs ------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "args", "expected"),
    [
        pytest.param("import os; os._exit(1)", (), ("DeadKernelError", "the kernel died"), id="dead-kernel"),
        pytest.param(
            # never ends by itself: the build must stop it (a cell still running would hang the test)
            "import threading; threading.Event().wait()",
            ("--timeout", "3"),
            ("CellTimeoutError", "longer than 3 s (--timeout)"),
            id="hanging-cell",
        ),
    ],
)
def test_kernel_death_and_timeout_fail_one_report(
    cell: str,
    args: tuple[str, ...],
    expected: tuple[str, ...],
    good: Good,
    out: Path,
    tmp_path: Path,
) -> None:
    """The build ends by itself with the report failed (how long it takes depends on the machine's
    load, so it is not asserted; the wait only keeps a build that never ends from hanging the suite)."""
    nb = copy_notebooks(tmp_path / "notebooks")
    insert_cell(nb / "pillar2_cyber.ipynb", cell)
    before = snapshot(out)

    build = RunningBuild(
        build_command(out, good.data, nb, "--force", "--only", "en/pillar2", "--jobs", "1", *args)
    )
    code = build.wait(timeout=600)

    assert code == 1, describe(build)
    for text in expected:
        assert re.search(rf"en/pillar2: cell 4\b.*{re.escape(text)}", build.stderr), describe(build)
    for rel in ("en/pillar2.ipynb", "en/pillar2.html", "en/pillar4.html", "ja/pillar4.ipynb"):
        assert (out / rel).read_bytes() == before[rel]
    assert not temporaries(out)
    assert manifest(out)["reports"]["en/pillar2"]["status"] == "failed"
    assert_no_survivors(build)


def test_kernel_that_cannot_start_fails_its_reports_cleanly(good: Good, out: Path, tmp_path: Path) -> None:
    """Every kernel dies before answering (an IPython start-up file exits): each report is retried once,
    then fails with a message naming it; no traceback, previous files kept, no kernel left running."""
    startup = tmp_path / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-die.py").write_text("import os; os._exit(7)\n")

    build = RunningBuild(
        build_command(out, good.data, good.nb, "--force", "--only", "en/pillar2,ja/pillar4", "--jobs", "2"),
        env={"IPYTHONDIR": str(tmp_path / "ipython")},
    )
    code = build.wait(timeout=180)

    assert code == 1, describe(build)
    for key in ("en/pillar2", "ja/pillar4"):
        assert re.search(rf"{key}: no workplan kernel could be started \(2 attempts\)", build.stderr), (
            describe(build)
        )
        assert manifest(out)["reports"][key]["status"] == "failed"
        assert_report_is_old(out, good, key)
    assert "Traceback" not in build.stderr, describe(build)
    assert not temporaries(out)
    assert_no_survivors(build)


# --- 4. interrupts and the lock -------------------------------------------------------------------------


def report_state(out: Path, old: dict[str, bytes], key: str) -> tuple[str, str]:
    """For each file of a report: 'old' (byte-identical), 'new' (complete, from the marked notebook),
    'absent' (it did not exist before either) or what is wrong with it."""
    states = []
    for ext in REPORT_EXTS:
        rel = key + ext
        path = out / rel
        if not path.exists():
            states.append("absent" if rel not in old else "DELETED")
            continue
        content = path.read_bytes()
        if content == old.get(rel):
            states.append("old")
            continue
        text = content.decode("utf-8", errors="replace")
        if ext == ".ipynb":
            try:
                complete = bool(json.loads(text)["cells"])
            except (ValueError, KeyError):
                complete = False
        else:
            complete = text.rstrip().endswith("</html>")
        states.append("new" if complete and MARKER_TEXT in text else "BROKEN")
    return states[0], states[1]


def assert_reports_consistent(out: Path, old: dict[str, bytes], keys: list[str]) -> dict[str, str]:
    result = {}
    for key in keys:
        ipynb, html = report_state(out, old, key)
        assert ipynb == html and ipynb in {"old", "new", "absent"}, f"{key}: .ipynb {ipynb}, .html {html}"
        result[key] = ipynb
    return result


INTERRUPTED = ["en/pillar2", "en/pillar4", "ja/pillar4", "ja/pillar2"]


@pytest.mark.parametrize(
    ("sig", "delay", "shard"),
    [
        pytest.param(signal.SIGINT, 0.0, (), id="SIGINT"),
        pytest.param(signal.SIGTERM, 1.0, (), id="SIGTERM"),
        pytest.param(signal.SIGINT, 0.0, ("--shard", "1/2"), id="SIGINT-shard"),
    ],
)
def test_interrupt_leaves_each_report_old_or_new(
    sig: signal.Signals, delay: float, shard: tuple[str, ...], good: Good, out: Path, tmp_path: Path
) -> None:
    nb = copy_notebooks(tmp_path / "notebooks")
    mark_notebooks(nb)  # every report built by this run differs from the previous one
    hold_after_the_first(nb, tmp_path / "first-report-ran")  # the second is running when the signal comes
    old = snapshot(out)

    build = RunningBuild(
        build_command(out, good.data, nb, "--force", "--only", ",".join(INTERRUPTED), "--jobs", "1", *shard)
    )
    try:
        started = build.wait_for(lambda: any(line.startswith("[1/") for line in build.stdout_lines), 180)
        assert started, f"no progress line\n{describe(build)}"
        time.sleep(delay)
        build.proc.send_signal(sig)
        code = build.wait(timeout=120)
    finally:
        build.kill()

    # SIGTERM ends the build like SIGINT: exit 130, as documented for "interrupted" (not 143).
    assert code == 130, describe(build)
    assert f"interrupted by {sig.name}" in build.stderr, describe(build)
    assert "previous files kept" in build.stderr
    assert not temporaries(out)
    reports = manifest(out)["reports"]  # parses
    states = assert_reports_consistent(out, old, INTERRUPTED)
    assert list(states.values()).count("new") >= 1, states  # the first one was done before the signal
    for key, state in states.items():
        if state == "new":
            assert reports[key]["status"] == "ok"
    assert "not run" in build.stderr
    # the report running when the signal came is recorded as interrupted, not failed: kept as it
    # was, rebuilt next time, and not marked as a failure on the index
    statuses = {key: reports.get(key, {}).get("status") for key in INTERRUPTED}
    assert "failed" not in statuses.values(), statuses
    interrupted = [key for key, status in statuses.items() if status == "interrupted"]
    assert len(interrupted) == 1, statuses
    assert states[interrupted[0]] in {"old", "absent"}  # its previous files (if any) kept
    assert "DeadKernelError" not in build.stderr
    if shard:
        part = manifest(out)["shard"]
        assert part["index"] == 1 and part["count"] == 2 and interrupted[0] in part["keys"]
        assert (out / "index.html").read_bytes() == old["index.html"], "a shard rewrote the index"
    else:
        assert "last build failed" not in (out / "index.html").read_text(encoding="utf-8")
    check = run_build(out, good.data, nb, "--check", "--only", ",".join(INTERRUPTED), timeout=120)
    assert re.search(rf"build {re.escape(interrupted[0])}\s+last build interrupted", check.stdout), (
        check.stdout
    )
    assert_no_survivors(build)


@pytest.mark.parametrize(
    ("sig", "inherited"),
    [
        pytest.param(signal.SIGINT, signal.SIG_DFL, id="SIGINT"),
        pytest.param(signal.SIGTERM, signal.SIG_DFL, id="SIGTERM"),
        # a background job of a shell starts with SIGINT ignored: a SIGINT sent to it still stops it
        pytest.param(signal.SIGINT, signal.SIG_IGN, id="SIGINT-inherited-ignored"),
    ],
)
def test_interrupt_during_start_up(
    sig: signal.Signals, inherited: signal.Handlers, good: Good, out: Path
) -> None:
    """Ctrl-C (or a scheduler's SIGTERM) during the seconds of imports and validation."""
    before = snapshot(out)
    previous = signal.signal(signal.SIGINT, inherited)  # what the build inherits (across exec)
    try:
        build = RunningBuild(
            build_command(out, good.data, good.nb, "--force", "--only", "en/pillar2", "--jobs", "1")
        )
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        locked = build.wait_for(lambda: f"pid {build.pid}," in (out / ".build.lock").read_text(), 60)
        assert locked, describe(build)
        build.proc.send_signal(sig)
        code = build.wait(timeout=60)
    finally:
        build.kill()

    assert code == 130, describe(build)
    assert "interrupted" in build.stderr and "Traceback" not in build.stderr, describe(build)
    assert_unchanged(out, before)
    assert_no_survivors(build)


def test_second_build_is_refused_while_one_runs(good: Good, out: Path, tmp_path: Path) -> None:
    nb = copy_notebooks(tmp_path / "notebooks")
    # The report never ends by itself: the first build runs until the test interrupts it, however
    # long the second one takes on a busy machine.
    insert_cell(nb / "pillar2_cyber.ipynb", "import threading; threading.Event().wait()")
    lock = out / ".build.lock"

    first = RunningBuild(
        build_command(
            out, good.data, nb, "--force", "--only", "en/pillar2", "--jobs", "1", "--timeout", "3600"
        )
    )
    try:
        # The copied folder holds the lock file of the good build: wait for this build's pid.
        assert first.wait_for(lambda: f"pid {first.pid}," in lock.read_text(), 60), describe(first)
        assert first.wait_for(lambda: bool(first.descendants), 120), f"no kernel started\n{describe(first)}"

        second = run_build(out, good.data, good.nb, "--only", "en/pillar4", "--jobs", "1", timeout=60)

        assert second.returncode == 3, describe(second)
        assert "another build is running" in second.stderr
        assert f"pid {first.pid}" in second.stderr, describe(second)
        assert first.proc.poll() is None, "the first build should still be running"

        first.proc.send_signal(signal.SIGINT)
        assert first.wait(timeout=60) == 130, describe(first)
    finally:
        first.kill()
    assert_report_is_old(out, good, "en/pillar2")
    assert not temporaries(out)
    assert_no_survivors(first)


# --- 5. output not writable, disk full ------------------------------------------------------------------
# Each case runs twice where it can: on a real tmpfs (full, or remounted read-only: needs mount rights),
# and everywhere in-process, with the file system's answer simulated at the system calls the build makes
# (os.write stops at a budget of free bytes; os.open refuses to write). No case is ever skipped.


def mount_tmpfs(mnt: Path) -> str | None:
    """Mount a small tmpfs on `mnt`; None if done, else why it cannot be done here."""
    mnt.mkdir()
    if shutil.which("mount") is None:
        return "no mount command"
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mnt)], capture_output=True, text=True
    )
    return None if result.returncode == 0 else (result.stderr.strip() or f"mount exit {result.returncode}")


@pytest.fixture
def tmpfs(tmp_path: Path):
    """A small tmpfs of its own, or None where mounting is not allowed (the in-process case still runs)."""
    mnt = tmp_path / "mnt"
    why = mount_tmpfs(mnt)
    if why:
        print(f"real tmpfs not available ({why}): only the in-process simulation runs")
        yield None
        return
    try:
        yield mnt
    finally:
        done = subprocess.run(["umount", str(mnt)], capture_output=True)
        if done.returncode != 0:
            subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def fill(mnt: Path, leave: int) -> None:
    """Fill the file system, then give back `leave` bytes."""
    filler = mnt / "filler"
    chunk = b"\0" * (1 << 16)
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        while os.write(fd, chunk):
            pass
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    size = filler.stat().st_size
    os.truncate(filler, max(0, size - leave))
    free = os.statvfs(mnt).f_bavail * os.statvfs(mnt).f_frsize
    assert free < leave + (1 << 16), free


class SimulatedFileSystem:
    """The build's writes under `root` behave as on a full disk with `free` bytes left (os.write), or
    as on a read-only file system (os.open); everything else is untouched."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, root: Path, free: int | None = None, read_only=False):
        self.root, self.free, self.read_only = str(root), free, read_only
        self.fds: set[int] = set()
        self.refused = 0
        self._open, self._write, self._close = os.open, os.write, os.close
        monkeypatch.setattr(os, "open", self.open)
        monkeypatch.setattr(os, "write", self.write)
        monkeypatch.setattr(os, "close", self.close)

    def open(self, path, flags, mode=0o777, *, dir_fd=None):
        writing = flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
        if writing and os.fspath(path).startswith(self.root):
            if self.read_only:
                self.refused += 1
                raise OSError(errno.EROFS, "Read-only file system", os.fspath(path))
            fd = self._open(path, flags, mode, dir_fd=dir_fd)
            self.fds.add(fd)
            return fd
        return self._open(path, flags, mode, dir_fd=dir_fd)

    def write(self, fd, data):
        if fd in self.fds and self.free is not None:
            if len(data) > self.free:
                self.refused += 1
                if self.free == 0:
                    raise OSError(errno.ENOSPC, "No space left on device")
                data, self.free = bytes(data[: self.free]), 0
                return self._write(fd, data)
            self.free -= len(data)
        return self._write(fd, data)

    def close(self, fd):
        self.fds.discard(fd)
        return self._close(fd)


def in_process_build(out: Path, data: Path, nb: Path, capsys) -> tuple[int, str]:
    from workplan.build import Build, BuildOptions

    options = BuildOptions(
        out_dir=out, data_dir=data, notebook_dir=nb, jobs=1, force=True, only="en/pillar2", quiet=True
    )
    code = Build(options).run()
    return code, capsys.readouterr().err


ROOMS = ["nothing-fits", "notebook-fits-page-does-not"]


def room_left(room: str, good: Good) -> int:
    ipynb, html = (len(good.files["en/pillar2" + ext]) for ext in REPORT_EXTS)
    # Room for the new notebook but not for the page: a build that swapped the notebook alone would
    # leave a report half new and half old.
    return 16 * 1024 if room == "nothing-fits" else ipynb + (html - ipynb) // 2


@pytest.mark.parametrize("room", ROOMS)
def test_disk_full_keeps_previous_reports(
    room: str, good: Good, tmpfs: Path | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    nb = copy_notebooks(tmp_path / "notebooks")
    mark_notebooks(nb)  # every report built from these differs from the previous one

    if tmpfs is not None:  # the real thing
        out = copy_out(good.out, tmpfs / "reports")
        fill(tmpfs, room_left(room, good))
        before = snapshot(out)
        result = run_build(out, good.data, nb, "--force", "--only", "en/pillar2", "--jobs", "1")
        assert result.returncode == 4, describe(result)
        assert "No space left on device" in result.stderr, describe(result)
        assert "previous reports are unchanged" in result.stderr
        assert "Traceback" not in result.stderr
        (tmpfs / "filler").unlink()
        assert_unchanged(out, before)

    # everywhere: the same build in-process, its writes stopping at the same free space
    out = copy_out(good.out, tmp_path / "reports")
    before = snapshot(out)
    disk = SimulatedFileSystem(monkeypatch, out, free=room_left(room, good))
    code, err = in_process_build(out, good.data, nb, capsys)
    monkeypatch.undo()
    assert disk.refused, "no write reached the full disk"
    assert code == 4, err
    assert "No space left on device" in err and "previous reports are unchanged" in err
    assert_unchanged(out, before)


def test_read_only_output_keeps_previous_reports(
    good: Good, tmpfs: Path | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    remounted = False
    if tmpfs is not None:
        out = copy_out(good.out, tmpfs / "reports")
        before = snapshot(out)
        remount = subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], capture_output=True, text=True)
        remounted = remount.returncode == 0
        if not remounted:
            print(f"cannot remount read-only ({remount.stderr.strip()}): only the simulation runs")
    if remounted:
        result = run_build(out, good.data, good.nb, "--force", "--only", "en/pillar2", "--jobs", "1")
        assert result.returncode == 4, describe(result)
        assert "Read-only file system" in result.stderr, describe(result)
        assert "previous reports are unchanged" in result.stderr
        assert "Traceback" not in result.stderr
        assert snapshot(out) == before

    out = copy_out(good.out, tmp_path / "reports")
    before = snapshot(out)
    disk = SimulatedFileSystem(monkeypatch, out, read_only=True)
    code, err = in_process_build(out, good.data, good.nb, capsys)
    monkeypatch.undo()
    assert disk.refused, "nothing tried to write"
    assert code == 4, err
    assert "Read-only file system" in err and "previous reports are unchanged" in err
    assert snapshot(out) == before


@pytest.mark.parametrize("free", ["both-files", "page-only"])
def test_disk_full_while_the_page_is_written(
    free: str, good: Good, out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """The notebook's temporary file was written (or not) when the page's fails: nothing is swapped."""
    nb = copy_notebooks(tmp_path / "notebooks")
    mark_notebooks(nb)
    before = snapshot(out)
    ipynb = len(good.files["en/pillar2.ipynb"])
    SimulatedFileSystem(monkeypatch, out, free=0 if free == "both-files" else ipynb + 1000)
    code, err = in_process_build(out, good.data, nb, capsys)
    monkeypatch.undo()
    assert code == 4, err
    assert "No space left on device" in err and "previous reports are unchanged" in err
    assert_unchanged(out, before)


def test_signals_wait_for_the_swap_of_a_reports_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A SIGINT that arrives between the two renames of a report is held until both are done."""
    from workplan.build import outputs

    out = tmp_path / "out"
    for name in ("a.ipynb", "a.html"):
        (out / name).parent.mkdir(exist_ok=True)
        (out / name).write_bytes(b"old")
    real_replace = os.replace
    renamed: list[str] = []

    def replace_then_interrupt(src, dst):
        real_replace(src, dst)
        renamed.append(os.path.basename(dst))
        if len(renamed) == 1:
            os.kill(os.getpid(), signal.SIGINT)  # arrives half-way through the swap

    monkeypatch.setattr(outputs.os, "replace", replace_then_interrupt)
    # Python's own SIGINT handler, whatever this process inherited (a background job starts with
    # SIGINT ignored, and Python then installs none)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            outputs.commit_files(out, {"a.ipynb": b"new", "a.html": b"new"}, "a")
    finally:
        signal.signal(signal.SIGINT, previous)
    assert renamed == ["a.ipynb", "a.html"], "the interrupt split the report's files"
    assert (out / "a.ipynb").read_bytes() == (out / "a.html").read_bytes() == b"new"


@pytest.mark.parametrize("corruption", ["wrong-type", "unread-table-bad-value"])
def test_render_refuses_invalid_data(corruption: str, tmp_path: Path) -> None:
    """`render` checks the data in the report's kernel before the notebook runs: exit 2, the loader's
    message naming file, row and column, nothing written."""
    data = copy_data(tmp_path / "data")
    expected = CORRUPTIONS[corruption](data)
    target = tmp_path / "one.html"
    result = subprocess.run(
        [sys.executable, "-m", "workplan", "render", "pillar2_cyber", "-o", str(target), "--data", str(data)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2, describe(result)
    assert "invalid data; nothing was rendered" in result.stderr
    for text in expected:
        assert text in result.stderr, describe(result)
    assert "Traceback" not in result.stderr
    assert not target.exists()


# --- 5b. merging shards: only the parts of one build, made from the inputs the merge has ------------------

PARTS = "en/pillar2,ja/pillar4"


@pytest.fixture(scope="module")
def parts(good: Good, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The two parts of a build of PARTS (`--shard 1/2`, `--shard 2/2`), made from the good inputs."""
    base = tmp_path_factory.mktemp("parts")
    folders = []
    for i in (1, 2):
        folder = base / f"part-{i}"
        result = run_build(folder, good.data, good.nb, "--only", PARTS, "--shard", f"{i}/2", "--jobs", "1")
        if result.returncode != 0:
            pytest.fail(f"part {i} could not be built\n{describe(result)}")
        folders.append(folder)
    return folders


def merge(
    out: Path, data: Path, nb: Path, folders: list[Path], *args: str
) -> subprocess.CompletedProcess[str]:
    return run_build(out, data, nb, *args, "--merge", *map(str, folders), timeout=120)


def rewrite_manifest(folder: Path, change) -> None:
    path = folder / "manifest.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    change(record)
    path.write_text(json.dumps(record, indent=2), encoding="utf-8")


def test_the_parts_of_one_build_merge(parts: list[Path], good: Good, out: Path) -> None:
    """The case the refusals below are measured against: the same parts, the same inputs, merged."""
    result = merge(out, good.data, good.nb, parts)
    assert result.returncode == 0, describe(result)
    assert "merged 2 shard(s)" in result.stdout
    for key in PARTS.split(","):
        assert manifest(out)["reports"][key]["status"] == "ok"


def other_data(parts: list[Path], good: Good, tmp_path: Path):
    data = copy_data(tmp_path / "data")
    text = (data / "ivo_activities.csv").read_text(encoding="utf-8")
    (data / "ivo_activities.csv").write_text(
        text.replace("Holding the ASEAN IVO Forum", "Holding the Forum", 1)
    )
    return parts, data, good.nb, [], ["part 1 of 2", "built from other data"]


def other_date(parts: list[Path], good: Good, tmp_path: Path):
    return parts, good.data, good.nb, ["--as-of", "2026-06-30"], ["was built with other parameters"]


def other_notebook(parts: list[Path], good: Good, tmp_path: Path):
    nb = copy_notebooks(tmp_path / "notebooks")
    insert_cell(nb / "pillar2_cyber.ipynb", "x = 1")
    return parts, good.data, nb, [], ["en/pillar2 was built with other notebook"]


def second_part_other_library(parts: list[Path], good: Good, tmp_path: Path):
    """Only the second part differs: every part is compared, not only the first."""
    second = copy_out(parts[1], tmp_path / "part-2")

    def change(record: dict) -> None:
        record["inputs"]["library"] = "0" * 64
        for entry in record["reports"].values():
            entry["inputs"]["library"] = "0" * 64

    rewrite_manifest(second, change)
    return [parts[0], second], good.data, good.nb, [], ["part 2 of 2", "another library"]


def second_part_other_data(parts: list[Path], good: Good, tmp_path: Path):
    second = copy_out(parts[1], tmp_path / "part-2")
    rewrite_manifest(second, lambda record: record.update(data="0" * 64))
    return [parts[0], second], good.data, good.nb, [], ["part 2 of 2", "built from other data"]


def part_given_twice(parts: list[Path], good: Good, tmp_path: Path):
    return [parts[0], parts[0]], good.data, good.nb, [], ["part(s) 1 of 2 given twice"]


def part_missing_its_files(parts: list[Path], good: Good, tmp_path: Path):
    second = copy_out(parts[1], tmp_path / "part-2")
    (key,) = manifest(second)["shard"]["keys"]
    (second / f"{key}.html").unlink()
    return (
        [parts[0], second],
        good.data,
        good.nb,
        [],
        ["part 2 of 2", f"{key} is not up to date here: output missing"],
    )


def not_a_part(parts: list[Path], good: Good, tmp_path: Path):
    return [parts[0], good.out], good.data, good.nb, [], [f"{good.out} holds no shard build"]


def parts_of_different_builds(parts: list[Path], good: Good, tmp_path: Path):
    second = copy_out(parts[1], tmp_path / "part-2")
    rewrite_manifest(second, lambda record: record["shard"].update(count=3))
    return [parts[0], second], good.data, good.nb, [], ["made for different numbers of parts: [2, 3]"]


def report_in_both_parts(parts: list[Path], good: Good, tmp_path: Path):
    second = copy_out(parts[1], tmp_path / "part-2")
    (first_key,) = manifest(parts[0])["shard"]["keys"]
    rewrite_manifest(second, lambda record: record["shard"]["keys"].append(first_key))
    return [parts[0], second], good.data, good.nb, [], [f"{first_key} is in both part 1 of 2"]


def report_not_in_the_matrix(parts: list[Path], good: Good, tmp_path: Path):
    second = copy_out(parts[1], tmp_path / "part-2")
    rewrite_manifest(second, lambda record: record["shard"].update(keys=["en/atlas"]))
    return [parts[0], second], good.data, good.nb, [], ["holds en/atlas, which is not a report of this build"]


@pytest.mark.parametrize(
    "case",
    [
        other_data,
        other_date,
        other_notebook,
        second_part_other_library,
        second_part_other_data,
        part_given_twice,
        part_missing_its_files,
        not_a_part,
        parts_of_different_builds,
        report_in_both_parts,
        report_not_in_the_matrix,
    ],
    ids=lambda case: case.__name__.replace("_", "-"),
)
def test_merge_refuses_parts_not_made_from_its_inputs(
    case, parts: list[Path], good: Good, out: Path, tmp_path: Path
) -> None:
    folders, data, nb, args, expected = case(parts, good, tmp_path)
    before = snapshot(out)
    result = merge(out, data, nb, folders, *args)
    assert result.returncode == 2, describe(result)
    for text in expected:
        assert text in result.stderr, describe(result)
    assert "nothing was merged" in result.stderr
    assert_unchanged(out, before)


def test_a_folder_without_report_notebooks_is_refused(good: Good, out: Path, tmp_path: Path) -> None:
    empty = tmp_path / "no-notebooks"
    empty.mkdir()
    before = snapshot(out)
    result = run_build(out, good.data, empty, timeout=120)
    assert result.returncode == 2, describe(result)
    assert f"no report notebook in {empty}" in result.stderr
    assert_unchanged(out, before)


def test_html_refuses_a_notebook_it_cannot_read(tmp_path: Path) -> None:
    target = tmp_path / "x.html"
    result = subprocess.run(
        [sys.executable, "-m", "workplan", "html", str(tmp_path / "missing.ipynb"), "-o", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, describe(result)
    assert f"cannot read {tmp_path / 'missing.ipynb'}" in result.stderr
    assert not target.exists()


# --- 6. parameters from outside ---------------------------------------------------------------------------


PAPERMILL = Path(sys.executable).with_name("papermill")


@pytest.mark.parametrize(
    ("notebook", "name", "value", "expected"),
    [
        pytest.param(
            "pillar1_ai.ipynb",
            "lang",
            'en"; import os; os.system("touch {marker}") #',
            ["'lang'", '"ja" or "en"'],
            id="lang-code-injection",
        ),
        pytest.param(
            "country.ipynb", "country", "Atlantis", ["'country'", "'Atlantis'", "KHM", "SGP"], id="country"
        ),
        pytest.param(
            "pillar1_ai.ipynb", "as_of", "2026-02-30", ["'as_of'", "real calendar date"], id="as_of"
        ),
    ],
)
def test_papermill_parameters_are_checked(
    notebook: str, name: str, value: str, expected: list[str], good: Good, tmp_path: Path
) -> None:
    marker = tmp_path / "MARKER"
    output = tmp_path / "out.ipynb"
    value = value.format(marker=marker)

    result = subprocess.run(
        [str(PAPERMILL), notebook, str(output), "--no-progress-bar", "-p", name, value],
        cwd=good.nb,
        capture_output=True,
        text=True,
        timeout=180,
    )

    text = result.stderr + (output.read_text(encoding="utf-8") if output.exists() else "")
    assert result.returncode != 0, result.stderr
    assert "ParameterError" in text, result.stderr
    for part in expected:
        assert part in text, f"{part!r} missing\n{result.stderr[-3000:]}"
    assert not marker.exists(), "the parameter value ran as code"


def test_params_check_refuses_bad_values_and_names() -> None:
    from workplan.errors import ParameterError
    from workplan.params import check, check_mapping

    with pytest.raises(ParameterError, match="'lang'"):
        check(lang='en"; import os')
    with pytest.raises(ParameterError, match="'as_of'"):
        check(as_of="2026-02-30")
    with pytest.raises(ParameterError, match="'country'.*KHM"):
        check(country="Atlantis")
    with pytest.raises(ParameterError, match="'colour'"):
        check(colour="red")
    with pytest.raises(ParameterError, match="'country'"):
        check_mapping({"lang": "en", "as_of": "2026-01-31", "country": "KHM"}, ("lang", "as_of"))
    with pytest.raises(ParameterError, match="'as_of'"):  # a missing parameter is refused by name too
        check_mapping({"lang": "en"}, ("lang", "as_of"))
    assert check_mapping({"lang": "en", "as_of": "2026-01-31"}, ("lang", "as_of")) == {
        "lang": "en",
        "as_of": "2026-01-31",
    }


def test_report_matrix_parameters_are_all_allowed() -> None:
    from workplan.matrix import NOTEBOOKS, report_matrix
    from workplan.params import check_mapping

    specs = report_matrix()
    assert len(specs) == len({s.key for s in specs})
    for spec in specs:
        check_mapping(spec.params, NOTEBOOKS[spec.notebook].parameters)


def test_build_refuses_a_bad_spec_before_any_kernel(
    good: Good, out: Path, tripwire: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    import workplan.build.run
    from workplan.build import Build, BuildOptions
    from workplan.matrix import report_matrix

    nb, kernel_ran = tripwire
    spec = next(s for s in report_matrix(good.data, notebook_dir=nb) if s.key == "en/pillar2")
    bad = dataclasses.replace(spec, params={**spec.params, "lang": "fr"})
    monkeypatch.setattr(workplan.build.run, "report_matrix", lambda *a, **k: [bad])
    before = snapshot(out)

    options = BuildOptions(out_dir=out, data_dir=good.data, notebook_dir=nb, jobs=1, force=True, quiet=True)
    code = Build(options).run()
    err = capsys.readouterr().err

    assert code == 2, err
    assert "'lang'" in err and "'fr'" in err, err
    assert not kernel_ran.exists()
    assert_unchanged(out, before)


# --- 7. text from the data is escaped in HTML -------------------------------------------------------------


def test_data_text_is_escaped_in_html(good: Good, tmp_path: Path) -> None:
    from fault_helpers import set_cell

    data = copy_data(tmp_path / "data")
    set_cell(data / "cyber_activities_2026.csv", 1, "summary_en", '<script>alert("x")</script>')
    package_path = data / "datapackage.json"
    package = json.loads(package_path.read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == "cyber_activities_2026")
    resource["title"] = "<b>bold</b><script>t()</script>"
    package_path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "reports"

    result = run_build(out, data, good.nb, "--only", "en/pillar2", "--jobs", "1")

    assert result.returncode == 0, describe(result)
    report = (out / "en/pillar2.html").read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert" in report, "the text did not reach the report"
    assert "&lt;script&gt;t()" in index and "&lt;b&gt;bold" in index
    for page in (report, index):
        assert "<script>alert" not in page
        assert "<script>t()" not in page
        assert "<b>bold</b>" not in page


# --- 8. --check, and refusals of the command line ---------------------------------------------------------


def test_check_lists_reports_without_a_kernel(good: Good, out: Path) -> None:
    before = snapshot(out)
    build = RunningBuild(build_command(out, good.data, good.nb, "--check", "--only", "en/pillar2,ja/pillar2"))
    code = build.wait(timeout=120)

    assert code == 0, describe(build)
    lines = build.stdout.splitlines()
    assert any(re.match(r"skip\s+en/pillar2\s+up to date", line) for line in lines), describe(build)
    assert any(re.match(r"build\s+ja/pillar2\s+new", line) for line in lines), describe(build)
    assert lines[-1].startswith("check: data valid, 2 report(s) declared, 1 would be built"), describe(build)
    assert not build.descendants, f"--check started processes: {build.descendants}"
    assert_no_survivors(build)
    assert_unchanged(out, before)


def test_check_on_invalid_data(good: Good, out: Path, tmp_path: Path) -> None:
    data = copy_data(tmp_path / "data")
    expected = wrong_type(data)
    before = snapshot(out)

    result = run_build(out, data, good.nb, "--check", timeout=120)

    assert result.returncode == 2, describe(result)
    for text in expected:
        assert text in result.stderr, describe(result)
    assert "check:" not in result.stdout
    assert_unchanged(out, before)


def test_only_matching_nothing(good: Good, out: Path) -> None:
    before = snapshot(out)
    result = run_build(out, good.data, good.nb, "--only", "nomatch", timeout=120)
    assert result.returncode == 2, describe(result)
    assert "--only 'nomatch' matches no report" in result.stderr
    assert_unchanged(out, before)


def test_jobs_zero_is_a_usage_error(good: Good, out: Path) -> None:
    result = run_build(out, good.data, good.nb, "--jobs", "0", timeout=60)
    assert result.returncode == 2, describe(result)
    assert "--jobs" in result.stderr and "expected a whole number ≥ 1, got '0'" in result.stderr
    assert "usage:" in result.stderr


def test_fault_suite_uses_the_project_interpreter() -> None:
    """The builds run with sys.executable: it must be the project's environment."""
    assert (ROOT / "lib" / "workplan").is_dir()
    assert PAPERMILL.exists(), f"papermill not beside {sys.executable}"

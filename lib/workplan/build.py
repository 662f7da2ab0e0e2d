"""The report build: plan what changed, validate, execute notebooks in parallel kernels, convert, record.

    python -m workplan build [--force] [--only PATTERN] [--jobs N] [--quiet] [--check] [--timeout S]

A report is rebuilt only when the content hash of what it depends on changed: its notebook, its
parameters, the data files, the library's source, the pinned dependency set. Planning imports
nothing heavy, so a build with nothing to do starts no kernel and takes well under a second.
Every file is written to a temporary name and renamed into place: a failed or interrupted
build leaves each report either as it was or complete and new.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .digest import VALIDATED_ENV, data_digest, hash_files
from .errors import ParameterError, WorkplanError
from .kernels import SocketFileKernelManager
from .matrix import NOTEBOOKS, ReportSpec, report_matrix, select
from .params import check_mapping
from .paths import DEFAULT_DATA_DIR, LIB_DIR, NOTEBOOK_DIR, PROJECT_ROOT, REPORTS_DIR

# nbformat's validator pulls in jsonschema's format checkers, and the IRI checker's module
# (rfc3987_syntax) builds a grammar for about 1.6 s at import. Notebook validation never checks
# IRIs, so the build does without it; jsonschema skips a checker whose module cannot be imported.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

MANIFEST = "manifest.json"
LOCK = ".build.lock"
FORMAT_VERSION = 1  # bump when the build's output format changes, so every report rebuilds
DEFAULT_TIMEOUT = 300  # seconds per cell
KERNEL_NAME = "python3"

EXIT_OK = 0
EXIT_REPORT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_LOCKED = 3
EXIT_CANNOT_WRITE = 4
EXIT_INTERRUPTED = 130

# Errors that mean the output cannot be written (exit 4), wherever they happen.
WRITE_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EROFS, errno.EPERM)


class BuildLockedError(WorkplanError):
    """Another build holds the lock on the output directory."""


class OutputError(WorkplanError):
    """The output directory cannot be written (permissions, disk full)."""


class KernelStartError(WorkplanError):
    """No kernel could be started for a report (it died before answering, twice)."""


class ReportExecutionError(WorkplanError):
    """A notebook failed: names the report, the cell and the exception."""

    def __init__(self, key: str, cell: int | None, ename: str, evalue: str, source: str = ""):
        self.key, self.cell, self.ename, self.evalue, self.source = key, cell, ename, evalue, source
        where = f"cell {cell}" if cell is not None else "before any cell"
        first_line = source.strip().splitlines()[0] if source.strip() else ""
        text = f"{key}: {where}"
        if first_line:
            text += f" ({first_line[:60]})"
        super().__init__(f"{text}: {ename}: {evalue}")


# --- hashing -------------------------------------------------------------------------------------


def shared_digest(data_dir: Path = DEFAULT_DATA_DIR) -> dict[str, str]:
    """Hashes of what every report depends on: data, library source, pinned dependencies."""
    lib_files = [p for p in LIB_DIR.rglob("*") if p.is_file() and p.suffix in {".py", ".j2", ".json", ".css"}]
    dep_files = [
        p for p in (PROJECT_ROOT / "requirements.lock", PROJECT_ROOT / "pyproject.toml") if p.exists()
    ]
    return {
        "data": data_digest(data_dir),
        "library": hash_files(lib_files, LIB_DIR),
        "dependencies": hash_files(dep_files, PROJECT_ROOT),
    }


def input_hash(spec: ReportSpec, shared: dict[str, str]) -> str:
    h = hashlib.sha256()
    h.update(f"format {FORMAT_VERSION}\0".encode())
    h.update(spec.notebook_path.read_bytes())
    h.update(spec.params_json().encode())
    for key in sorted(shared):
        h.update(f"{key}={shared[key]}\0".encode())
    return h.hexdigest()


# --- files ---------------------------------------------------------------------------------------


def write_temporary(path: Path, content: bytes) -> Path:
    """Write `content` to a temporary file beside `path` (removed again if writing fails)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return tmp


def atomic_write(path: Path, content: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half a file."""
    tmp = write_temporary(path, content)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def remove_temporaries(out_dir: Path) -> None:
    for tmp in out_dir.rglob(".*.tmp-*"):
        with contextlib.suppress(OSError):
            tmp.unlink()


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT/SIGTERM while a report's files are swapped, so the pair is never split."""
    sigs = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextlib.contextmanager
def sigterm_as_interrupt(build: Build) -> Iterator[None]:
    """Outside the kernels' event loop, SIGTERM interrupts the build as SIGINT does (exit 130)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_sigterm(signum: int, frame: Any) -> None:
        build.interrupted = "SIGTERM"
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


@contextlib.contextmanager
def build_lock(out_dir: Path) -> Iterator[None]:
    """One build at a time per output directory; a second one is refused, naming the first."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LOCK
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "unknown"
            raise BuildLockedError(f"another build is running on {out_dir} ({holder})") from None
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, started {now}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


def check_writable(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / f".write-probe-{os.getpid()}"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        raise OutputError(f"cannot write to {out_dir}: {exc.strerror or exc}") from exc


# --- the manifest --------------------------------------------------------------------------------


def read_manifest(out_dir: Path) -> dict[str, Any]:
    path = out_dir / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"format": FORMAT_VERSION, "reports": {}}
    if manifest.get("format") != FORMAT_VERSION:
        return {"format": FORMAT_VERSION, "reports": {}}
    return manifest


def write_manifest(out_dir: Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    atomic_write(out_dir / MANIFEST, text.encode())


# --- planning ------------------------------------------------------------------------------------


@dataclass
class Planned:
    spec: ReportSpec
    digest: str
    reason: str  # why it is built, or "" when it is up to date


def plan(
    specs: list[ReportSpec], out_dir: Path, shared: dict[str, str], force: bool = False
) -> list[Planned]:
    """Which reports need building, and why."""
    previous = read_manifest(out_dir)["reports"]
    planned = []
    for spec in specs:
        digest = input_hash(spec, shared)
        entry = previous.get(spec.key)
        if force:
            reason = "forced"
        elif entry is None:
            reason = "new"
        elif entry.get("status") != "ok":
            reason = f"last build {entry.get('status')}"
        elif entry.get("input_hash") != digest:
            reason = "inputs changed"
        elif not all((out_dir / o).exists() for o in spec.outputs):
            reason = "output missing"
        else:
            reason = ""
        planned.append(Planned(spec, digest, reason))
    return planned


# --- execution -----------------------------------------------------------------------------------


@dataclass
class Outcome:
    spec: ReportSpec
    digest: str
    status: str  # ok | failed | interrupted
    started: str
    seconds: float
    error: str | None = None
    files: dict[str, bytes] = field(default_factory=dict, repr=False)


def kernel_env(data_dir: Path, validated_digest: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONHASHSEED"] = "0"  # stable set/dict order inside notebooks
    env["WORKPLAN_DATA_DIR"] = str(data_dir)
    env.pop(VALIDATED_ENV, None)
    if validated_digest:
        # The build has just validated these exact bytes: kernels need not validate them again.
        env[VALIDATED_ENV] = validated_digest
    env.pop("MPLBACKEND", None)
    return env


class Executor:
    """Runs notebooks in fresh kernels, `jobs` at a time, each worker starting its next kernel early."""

    # Imported by the kernel while it waits for its notebook; the notebook imports them again (no-ops).
    WARM_UP = "import workplan.analysis, workplan.charts, workplan.show"

    def __init__(
        self,
        jobs: int,
        timeout: int,
        data_dir: Path,
        warm_up: bool = True,
        notebook_dir: Path = NOTEBOOK_DIR,
        validated_digest: str | None = None,
    ):
        self.notebook_dir = notebook_dir
        self.validated_digest = validated_digest
        self.jobs = max(1, jobs)
        self.timeout = timeout
        self.data_dir = data_dir
        self.warm_up = warm_up
        self.kernels: set[Any] = set()

    START_ATTEMPTS = 2  # a kernel that dies while starting is replaced once before its report fails

    async def start_kernel(self) -> Any:
        """A kernel that has answered (and, with warm-up, imported the library); KernelStartError if none."""
        attempt = 1
        while True:
            km = SocketFileKernelManager(kernel_name=KERNEL_NAME)
            self.kernels.add(km)
            try:
                await self._start(km)
                return km
            except Exception as exc:
                await self.stop_kernel(km)
                if attempt == self.START_ATTEMPTS:
                    raise KernelStartError(
                        f"no {KERNEL_NAME} kernel could be started ({attempt} attempts); "
                        f"last: {type(exc).__name__}: {exc}"
                    ) from exc
            attempt += 1

    async def _start(self, km: Any) -> None:
        # The kernel's own log (e.g. its transport notice) is noise in build output; errors still show.
        await km.start_kernel(
            cwd=str(self.notebook_dir),
            env=kernel_env(self.data_dir, self.validated_digest),
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=60)
            if self.warm_up:
                await kc.execute_interactive(self.WARM_UP, silent=True, store_history=False, timeout=60)
        finally:
            kc.stop_channels()

    async def stop_kernel(self, km: Any) -> None:
        self.kernels.discard(km)
        try:
            with contextlib.suppress(Exception):
                await km.shutdown_kernel(now=True)
        finally:
            km.remove_socket_dir()  # also when the shutdown failed or was cancelled half-way

    async def stop_all(self) -> None:
        await asyncio.gather(*(self.stop_kernel(km) for km in list(self.kernels)))

    async def execute(self, nb: Any, key: str, km: Any) -> Any:
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

        class BuildClient(NotebookClient):
            @contextlib.asynccontextmanager
            async def async_setup_kernel(self, **kwargs: Any):  # type: ignore[override]
                # The build owns kernels and signal handling; nbclient's own handlers would replace ours.
                if self.kc is None:
                    await self.async_start_new_kernel_client()
                try:
                    yield
                finally:
                    if self.kc is not None:
                        self.kc.stop_channels()

        current: dict[str, Any] = {"index": None, "source": ""}

        def on_cell_start(cell: Any, cell_index: int) -> None:
            current["index"] = cell_index
            current["source"] = cell.source

        client = BuildClient(
            nb,
            km=km,
            timeout=self.timeout,
            startup_timeout=120,
            kernel_name=KERNEL_NAME,
            record_timing=False,
            allow_errors=False,
            resources={"metadata": {"path": str(self.notebook_dir)}},
            on_cell_start=on_cell_start,
        )
        try:
            await client.async_execute()
        except CellTimeoutError as exc:
            cell = None if current["index"] is None else current["index"] + 1
            raise ReportExecutionError(
                key,
                cell,
                "CellTimeoutError",
                f"a cell ran longer than {self.timeout} s (--timeout)",
                current["source"],
            ) from exc
        except DeadKernelError as exc:
            cell = None if current["index"] is None else current["index"] + 1
            raise ReportExecutionError(
                key, cell, "DeadKernelError", "the kernel died", current["source"]
            ) from exc
        except CellExecutionError as exc:
            cell = None if current["index"] is None else current["index"] + 1
            raise ReportExecutionError(key, cell, exc.ename, exc.evalue, current["source"]) from exc
        return nb


def parameterised(spec: ReportSpec) -> Any:
    """The notebook with its parameters injected after the `parameters` cell, as papermill does."""
    import nbformat
    from papermill.parameterize import parameterize_notebook

    nb = nbformat.read(spec.notebook_path, as_version=4)
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])  # papermill reads cell.metadata.tags on every cell
    nb.metadata["papermill"] = {}
    nb = parameterize_notebook(nb, dict(spec.params), kernel_name=KERNEL_NAME, language="python")
    return nb


def clear_volatile_metadata(nb: Any) -> None:
    """Drop what would differ between two runs of the same inputs."""
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill gives it a random id


class Converter:
    """HTML for readers: code and parameter cells hidden, notes for researchers removed, images inline."""

    def __init__(self) -> None:
        from nbconvert import HTMLExporter
        from traitlets.config import Config

        config = Config()
        config.TagRemovePreprocessor.enabled = True
        config.TagRemovePreprocessor.remove_cell_tags = ["notes", "parameters", "injected-parameters"]
        config.HTMLExporter.exclude_input = True
        config.HTMLExporter.exclude_input_prompt = True
        config.HTMLExporter.exclude_output_prompt = True
        config.HTMLExporter.extra_template_basedirs = [str(LIB_DIR / "templates")]
        config.HTMLExporter.template_name = "reader"
        # One exporter per language: <html lang> comes from the exporter's own setting.
        self.exporters = {}
        self.lock = threading.Lock()  # conversions run in worker threads; exporters are not shared-safe
        for lang in ("ja", "en"):
            config.HTMLExporter.language_code = lang
            self.exporters[lang] = HTMLExporter(config=config.copy())

    def html(self, nb: Any, spec: ReportSpec) -> bytes:
        from .i18n import t

        resources = {
            "metadata": {"name": spec.title[spec.lang]},
            "workplan": {
                "lang": spec.lang,
                "index": "../index.html",
                "other_lang": f"../{'en' if spec.lang == 'ja' else 'ja'}/{spec.report_id}.html",
                "other_lang_label": t("other_language", spec.lang),
                "index_label": t("all_reports", spec.lang),
            },
        }
        with self.lock:
            body, _ = self.exporters[spec.lang].from_notebook_node(nb, resources=resources)
        return body.encode("utf-8")


def notebook_bytes(nb: Any) -> bytes:
    import nbformat

    return (nbformat.writes(nb) + "\n").encode("utf-8")


# --- the build -----------------------------------------------------------------------------------


class Reporter:
    """Progress lines for people; with quiet=True only errors and the summary (for schedules)."""

    def __init__(self, quiet: bool, stream: Any = None):
        self.quiet = quiet
        self.stream = stream or sys.stdout

    def line(self, text: str) -> None:
        if not self.quiet:
            print(text, file=self.stream, flush=True)

    def error(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def always(self, text: str) -> None:
        print(text, file=self.stream, flush=True)


@dataclass
class BuildOptions:
    out_dir: Path = REPORTS_DIR
    data_dir: Path = DEFAULT_DATA_DIR
    notebook_dir: Path = NOTEBOOK_DIR
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    force: bool = False
    only: str | None = None
    quiet: bool = False
    check: bool = False
    timeout: int = DEFAULT_TIMEOUT
    warm_up: bool = True  # start each worker's next kernel early and pre-import the library in it


class Build:
    def __init__(self, options: BuildOptions):
        self.o = options
        self.say = Reporter(options.quiet)
        self.interrupted: str | None = None
        self.validated_digest: str | None = None

    def run(self) -> int:
        with sigterm_as_interrupt(self):
            try:
                return self._run()
            except KeyboardInterrupt:  # before or after the kernels' event loop: nothing half written
                self.say.error(f"interrupted by {self.interrupted or 'SIGINT'}; previous files kept")
                return EXIT_INTERRUPTED

    def _run(self) -> int:
        try:
            with build_lock(self.o.out_dir):
                return self._run_locked()
        except BuildLockedError as exc:
            self.say.error(f"error: {exc}")
            return EXIT_LOCKED
        except OutputError as exc:
            self.say.error(f"error: {exc}; the previous reports are unchanged")
            return EXIT_CANNOT_WRITE
        except PermissionError as exc:
            self.say.error(
                f"error: cannot write to {self.o.out_dir}: {exc}; the previous reports are unchanged"
            )
            return EXIT_CANNOT_WRITE
        except OSError as exc:  # a read-only or full file system, found on any write (lock, manifest)
            if exc.errno not in WRITE_ERRNOS:
                raise
            self.say.error(
                f"error: cannot write to {self.o.out_dir}: {exc}; the previous reports are unchanged"
            )
            return EXIT_CANNOT_WRITE

    def _run_locked(self) -> int:
        started = time.monotonic()
        try:
            specs = select(report_matrix(self.o.data_dir, notebook_dir=self.o.notebook_dir), self.o.only)
            for spec in specs:  # whatever made the list, no parameter reaches a kernel unchecked
                check_mapping(spec.params, NOTEBOOKS[spec.notebook].parameters)
        except ParameterError as exc:
            self.say.error(f"error: report matrix: {exc}")
            return EXIT_BAD_INPUT
        except (OSError, ValueError, KeyError, csv.Error) as exc:
            # countries.csv is read before the data is validated: give the validation's message.
            code = self._validate_data()
            if code:
                return code
            self.say.error(f"error: cannot read the report matrix's data: {exc}")
            return EXIT_BAD_INPUT
        if not specs:
            self.say.error(
                f"error: --only {self.o.only!r} matches no report; reports are named like en/pillar2"
            )
            return EXIT_BAD_INPUT
        shared = shared_digest(self.o.data_dir)
        planned = plan(specs, self.o.out_dir, shared, self.o.force)
        todo = [p for p in planned if p.reason]

        if self.o.check or todo:
            code = self._validate_data()
            if code:
                return code
        if self.o.check:
            for p in planned:
                self.say.always(
                    f"{'build' if p.reason else 'skip '} {p.spec.key:<22} {p.reason or 'up to date'}"
                )
            self.say.always(f"check: data valid, {len(specs)} report(s) declared, {len(todo)} would be built")
            return EXIT_OK
        if not todo:
            self.say.always(
                f"nothing to build: {len(planned)} report(s) up to date ({time.monotonic() - started:.1f} s)"
            )
            return EXIT_OK

        check_writable(self.o.out_dir)
        remove_temporaries(self.o.out_dir)
        self.say.line(f"building {len(todo)} of {len(planned)} report(s) with {self.o.jobs} job(s)")
        outcomes = self._execute_all(todo)
        self._finish(planned, outcomes, shared)

        failed = [o for o in outcomes if o.status == "failed"]
        built = [o for o in outcomes if o.status == "ok"]
        skipped = len(planned) - len(todo)
        elapsed = time.monotonic() - started
        summary = f"{len(built)} built, {skipped} up to date, {len(failed)} failed in {elapsed:.1f} s"
        if self.interrupted:
            not_run = len(todo) - len(built) - len(failed)
            self.say.error(
                f"interrupted by {self.interrupted}: {summary}, {not_run} not run; previous files kept"
            )
            return EXIT_INTERRUPTED
        if failed:
            self.say.error("failed reports (their previous files are kept):")
            for o in failed:
                self.say.error(f"  {o.error}")
            self.say.always(summary)
            return EXIT_REPORT_FAILED
        self.say.always(summary)
        return EXIT_OK

    def _validate_data(self) -> int:
        from .data import Catalog
        from .errors import DataValidationError

        digest = data_digest(self.o.data_dir)
        try:
            Catalog(self.o.data_dir).load_all()
        except DataValidationError as exc:
            self.say.error(f"error: invalid data; nothing was built\n{exc}")
            return EXIT_BAD_INPUT
        self.validated_digest = digest
        return EXIT_OK

    # -- running --------------------------------------------------------------------------------
    def _execute_all(self, todo: list[Planned]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        try:
            asyncio.run(self._execute_async(todo, outcomes))
        except KeyboardInterrupt:
            self.interrupted = self.interrupted or "SIGINT"
        return outcomes

    async def _execute_async(self, todo: list[Planned], outcomes: list[Outcome]) -> None:
        loop = asyncio.get_running_loop()
        main = asyncio.current_task()
        assert main is not None

        def on_signal(name: str) -> None:
            self.interrupted = name
            main.cancel()

        previous_sigterm = signal.getsignal(signal.SIGTERM)
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, on_signal, sig.name)

        executor = Executor(
            self.o.jobs,
            self.o.timeout,
            self.o.data_dir,
            self.o.warm_up,
            self.o.notebook_dir,
            validated_digest=self.validated_digest,
        )
        # nbconvert loads while the first kernels start; a report waits for it only when it is done.
        converter = asyncio.ensure_future(asyncio.to_thread(Converter))
        queue = list(todo)
        total = len(todo)
        manifest = read_manifest(self.o.out_dir)

        async def worker() -> None:
            next_kernel: asyncio.Task[Any] | None = None
            try:
                while queue:
                    item = queue.pop(0)
                    try:
                        km = await next_kernel if next_kernel else await executor.start_kernel()
                    except KernelStartError as exc:
                        km, outcome = None, self._not_started(item, exc)
                    if queue and self.o.warm_up:  # start the next kernel while this report runs
                        next_kernel = asyncio.create_task(executor.start_kernel())
                    else:
                        next_kernel = None
                    if km is not None:
                        outcome = await self._run_one(item, km, executor, converter)
                        await executor.stop_kernel(km)
                    if outcome.status == "ok":
                        self._commit(outcome)
                    outcomes.append(outcome)
                    self._record(manifest, outcome)
                    self._progress(len(outcomes), total, outcome)
            finally:
                if next_kernel is not None:
                    next_kernel.cancel()
                    with contextlib.suppress(BaseException):
                        await executor.stop_kernel(await next_kernel)

        try:
            await asyncio.gather(*(worker() for _ in range(min(self.o.jobs, total))))
        except asyncio.CancelledError:
            pass
        finally:
            await executor.stop_all()
            remove_temporaries(self.o.out_dir)
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
            if previous_sigterm is not None:  # not SIG_DFL: a SIGTERM after the loop still exits 130
                signal.signal(signal.SIGTERM, previous_sigterm)

    def _not_started(self, item: Planned, exc: KernelStartError) -> Outcome:
        started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        return Outcome(item.spec, item.digest, "failed", started, 0.0, error=f"{item.spec.key}: {exc}")

    async def _run_one(
        self, item: Planned, km: Any, executor: Executor, converter: asyncio.Future[Converter]
    ) -> Outcome:
        spec = item.spec
        started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        t0 = time.monotonic()
        try:
            nb = parameterised(spec)
            await executor.execute(nb, spec.key, km)
            clear_volatile_metadata(nb)
            html = await asyncio.to_thread((await converter).html, nb, spec)
            files = {spec.outputs[0]: notebook_bytes(nb), spec.outputs[1]: html}
            return Outcome(spec, item.digest, "ok", started, time.monotonic() - t0, files=files)
        except ReportExecutionError as exc:
            return Outcome(spec, item.digest, "failed", started, time.monotonic() - t0, error=str(exc))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug in the build itself must still not stop the other reports
            error = f"{spec.key}: {type(exc).__name__}: {exc}"
            return Outcome(spec, item.digest, "failed", started, time.monotonic() - t0, error=error)

    def _commit(self, outcome: Outcome) -> None:
        """Write both of a report's files to temporaries, then swap them in; signals wait for the swap.
        A write that fails (disk full) leaves both previous files in place."""
        staged: list[tuple[Path, Path]] = []
        try:
            for rel, content in outcome.files.items():
                path = self.o.out_dir / rel
                staged.append((write_temporary(path, content), path))
            with signals_deferred():
                for tmp, path in staged:
                    os.replace(tmp, path)
        except OSError as exc:
            for tmp, _ in staged:
                with contextlib.suppress(OSError):
                    tmp.unlink()
            if exc.errno in WRITE_ERRNOS:
                raise OutputError(
                    f"cannot write {outcome.spec.key} to {self.o.out_dir}: {exc.strerror}"
                ) from exc
            raise

    def _record(self, manifest: dict[str, Any], outcome: Outcome) -> None:
        spec = outcome.spec
        previous = manifest["reports"].get(spec.key, {})
        entry = {
            "notebook": spec.notebook_path.name,
            "params": spec.params,
            "outputs": list(spec.outputs),
            "title": spec.title,
            "description": spec.description,
            "group": spec.group,
            "status": outcome.status,
            "started": outcome.started,
            "seconds": round(outcome.seconds, 2),
        }
        if outcome.status == "ok":
            entry["input_hash"] = outcome.digest
        else:
            entry["error"] = outcome.error
            # The files on disk are still the last good ones; keep what describes them.
            entry["input_hash"] = None
            if previous.get("last_good"):
                entry["last_good"] = previous["last_good"]
            elif previous.get("status") == "ok":
                entry["last_good"] = {
                    "input_hash": previous.get("input_hash"),
                    "started": previous.get("started"),
                }
        if outcome.status == "ok":
            entry["last_good"] = {"input_hash": outcome.digest, "started": outcome.started}
        manifest["reports"][spec.key] = entry
        write_manifest(self.o.out_dir, manifest)

    def _progress(self, done: int, total: int, outcome: Outcome) -> None:
        width = len(str(total))
        status = "ok" if outcome.status == "ok" else "FAILED"
        text = f"[{done:>{width}}/{total}] {outcome.spec.key:<22} {status:<6} {outcome.seconds:5.1f} s"
        if outcome.status == "ok":
            self.say.line(text)
        else:
            self.say.error(f"{text}  {outcome.error}")

    def _finish(self, planned: list[Planned], outcomes: list[Outcome], shared: dict[str, str]) -> None:
        """Manifest metadata, the data files and the index page: written last, each atomically."""
        from .site import write_site

        manifest = read_manifest(self.o.out_dir)
        # The index lists the whole matrix, not just this run's selection (--only).
        known = {spec.key for spec in report_matrix(self.o.data_dir, notebook_dir=self.o.notebook_dir)}
        manifest["reports"] = {k: v for k, v in manifest["reports"].items() if k in known}
        manifest["inputs"] = shared
        manifest["reports"] = dict(sorted(manifest["reports"].items()))
        write_manifest(self.o.out_dir, manifest)
        write_site(self.o.out_dir, self.o.data_dir, manifest, known)


def copy_data(data_dir: Path, out_dir: Path) -> list[str]:
    """Copy the curated data files beside the reports, so the published folder stands alone."""
    target = out_dir / "data"
    names = []
    for path in sorted(data_dir.iterdir()):
        if path.is_file() and path.suffix in {".csv", ".json", ".md"}:
            atomic_write(target / path.name, path.read_bytes())
            names.append(path.name)
    return names


def main_build(options: BuildOptions) -> int:
    return Build(options).run()


__all__ = ["Build", "BuildOptions", "ReportExecutionError", "copy_data", "main_build", "plan"]

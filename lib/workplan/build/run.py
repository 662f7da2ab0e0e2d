"""The build: plan, validate, execute in parallel kernels, convert, record, update the site.

Exit codes (for schedulers): 0 done; 1 some report failed (the others were built); 2 invalid data,
parameters or options (nothing built); 3 another build is running; 4 the output folder cannot be
written (previous reports intact); 130 interrupted (previous files intact).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..digest import VALIDATED_ENV, data_digest
from ..errors import (
    BuildLockedError,
    KernelStartError,
    OutputError,
    ParameterError,
    ReportExecutionError,
    ShardError,
)
from ..matrix import ReportSpec, notebook_parameters, report_matrix, select
from ..params import DEFAULT_AS_OF, check_mapping
from ..paths import DEFAULT_DATA_DIR, NOTEBOOK_DIR, REPORTS_DIR
from .lock import build_lock
from .outputs import (
    WRITE_ERRNOS,
    check_writable,
    commit_files,
    read_manifest,
    remove_temporaries,
    write_manifest,
)
from .plan import DataHashes, Planned, Shared, input_hash, plan

EXIT_OK = 0
EXIT_REPORT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_LOCKED = 3
EXIT_CANNOT_WRITE = 4
EXIT_INTERRUPTED = 130

DEFAULT_SECONDS = 2.0  # expected duration of a report never built here, for ordering and shards


def updated_list(written: list[str]) -> str:
    """What a build rewrote besides reports, as a list: 'a', 'a and b', 'a; b; and c' (items hold commas)."""
    if len(written) <= 2:
        return " and ".join(written)
    return "; ".join(written[:-1]) + "; and " + written[-1]


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
    timeout: int = 300
    warm_up: bool = True  # start each worker's next kernel early and pre-import the library in it
    as_of: str = DEFAULT_AS_OF
    shard: tuple[int, int] | None = None  # (I, N): build part I of N, write no site
    merge: list[Path] | None = None  # shard output folders to combine into out_dir


@dataclass
class Outcome:
    planned: Planned
    status: str  # ok | failed | interrupted
    started: str
    seconds: float
    error: str | None = None
    reads: list[str] | None = None
    files: dict[str, bytes] = field(default_factory=dict, repr=False)
    profile: dict[str, float] = field(default_factory=dict)

    @property
    def spec(self) -> ReportSpec:
        return self.planned.spec


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Interrupts:
    """SIGINT and SIGTERM for the whole build, one Python handler from its start to its end.

    The first signal stops the build: outside the kernels' event loop it raises KeyboardInterrupt
    where the build is; inside it, it cancels the loop's main task (from the loop, as asyncio's own
    handlers would). Every later signal is only noted, so the clean-up the first one started
    (kernels stopped, temporary files removed, the manifest written) runs to its end and the build
    exits 130. While `held`, even the first signal is only noted: the build checks `first` when
    the held work is done. The handler is installed over whatever the build was started with,
    SIG_IGN included (a background job of a shell ignores SIGINT): a signal sent to the build
    stops it at any moment, not only while the kernels run.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.first: str | None = None
        self.count = 0
        self._cancel: Any = None  # inside the event loop: how to stop it
        self._held = 0

    def handler(self, signum: int, frame: Any) -> None:
        self.count += 1
        if self.first is not None:
            return
        self.first = signal.Signals(signum).name
        if self._held:
            return
        if self._cancel is not None:
            self._cancel()
            return
        raise KeyboardInterrupt

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        old = {sig: signal.signal(sig, self.handler) for sig in self.SIGNALS}
        try:
            yield
        finally:
            for sig, handler in old.items():
                signal.signal(sig, handler)

    @contextlib.contextmanager
    def cancelling(self, loop: Any, task: Any) -> Iterator[None]:
        """Inside the event loop: the first signal cancels `task` instead of raising."""
        self._cancel = lambda: loop.call_soon_threadsafe(task.cancel)
        try:
            yield
        finally:
            self._cancel = None

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """Note signals without acting on them (clean-up that must run to its end)."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1


def shard_part(planned: list[Planned], previous: dict[str, Any], index: int, count: int) -> list[Planned]:
    """Part `index` (1-based) of `count`: the reports to build are spread by their last recorded
    durations, longest first, each to the part with the least work so far; up-to-date reports
    follow the same rule with no weight. The same inputs give the same parts on every machine."""
    weights = expected_seconds(planned, previous)
    loads = [0.0] * count
    parts: list[list[Planned]] = [[] for _ in range(count)]
    order = sorted(range(len(planned)), key=lambda i: (-weights[i] if planned[i].reasons else 0.0, i))
    for i in order:
        part = min(range(count), key=lambda p: (loads[p], len(parts[p]), p))
        parts[part].append(planned[i])
        loads[part] += weights[i] if planned[i].reasons else 0.0
    chosen = set(id(p) for p in parts[index - 1])
    return [p for p in planned if id(p) in chosen]


def expected_seconds(planned: list[Planned], previous: dict[str, Any]) -> list[float]:
    """How long each report took the last time it was built (the mean of the others if unknown)."""

    def last(key: str) -> float | None:
        seconds = (previous.get(key, {}).get("last_good") or {}).get("seconds")
        return float(seconds) if isinstance(seconds, int | float) and seconds > 0 else None

    known = [s for s in (last(p.spec.key) for p in planned) if s is not None]
    default = sum(known) / len(known) if known else DEFAULT_SECONDS
    return [s if (s := last(p.spec.key)) is not None else default for p in planned]


class Build:
    def __init__(self, options: BuildOptions):
        self.o = options
        self.say = Reporter(options.quiet)
        self.interrupts = Interrupts()
        self.validated_digest: str | None = None
        self.part_keys: list[str] = []  # the reports of this shard (--shard)
        self.validation: dict[str, Any] | None = None  # what this build's validation checked

    @property
    def interrupted(self) -> str | None:
        """The signal that stopped the build, if one did."""
        return self.interrupts.first

    def run(self) -> int:
        with self.interrupts.installed():
            try:
                code = self._run()
            except KeyboardInterrupt:  # before or after the kernels' event loop: nothing half written
                self.say.error(f"interrupted by {self.interrupted or 'SIGINT'}; previous files kept")
                return EXIT_INTERRUPTED
            if self.interrupted and code != EXIT_INTERRUPTED:  # noted while held, after the last check
                self.say.error(f"interrupted by {self.interrupted} as the build ended; every file complete")
                return EXIT_INTERRUPTED
            return code

    def _run(self) -> int:
        try:
            with build_lock(self.o.out_dir):
                try:
                    if self.o.merge is not None:
                        return self._merge_locked()
                    return self._run_locked()
                except KeyboardInterrupt:
                    # A file being written when the signal came is left as a temporary beside its
                    # place: remove it (later signals are only noted, so this runs to its end).
                    remove_temporaries(self.o.out_dir)
                    raise
        except BuildLockedError as exc:
            self.say.error(f"error: {exc}")
            return EXIT_LOCKED
        except ShardError as exc:
            self.say.error(f"error: {exc}; nothing was merged")
            return EXIT_BAD_INPUT
        except OutputError as exc:
            self.say.error(f"error: {exc}; the previous reports are unchanged")
            return EXIT_CANNOT_WRITE
        except OSError as exc:  # a read-only or full file system, found on any write (lock, manifest)
            if exc.errno not in WRITE_ERRNOS:
                raise
            self.say.error(
                f"error: cannot write to {self.o.out_dir}: {exc.strerror or exc}; "
                "the previous reports are unchanged"
            )
            return EXIT_CANNOT_WRITE

    # -- planning ---------------------------------------------------------------------------------
    def _matrix(self) -> list[ReportSpec]:
        return report_matrix(self.o.data_dir, as_of=self.o.as_of, notebook_dir=self.o.notebook_dir)

    def _run_locked(self) -> int:
        started = time.monotonic()
        try:
            matrix = self._matrix()
            specs = select(matrix, self.o.only)
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
        if not specs and self.o.only:
            self.say.error(
                f"error: --only {self.o.only!r} matches no report; reports are named like en/pillar2"
            )
            return EXIT_BAD_INPUT
        if not specs:
            self.say.error(f"error: no report notebook in {self.o.notebook_dir}")
            return EXIT_BAD_INPUT
        try:  # whatever made the list, no parameter reaches a kernel unchecked
            for spec in specs:
                check_mapping(spec.params, tuple(notebook_parameters(spec.notebook_path)))
        except ParameterError as exc:
            self.say.error(f"error: report {spec.key}: {exc}")
            return EXIT_BAD_INPUT
        manifest = read_manifest(self.o.out_dir)
        shared = Shared.compute()
        hashes = DataHashes(self.o.data_dir)
        planned = plan(specs, manifest["reports"], self.o.out_dir, shared, hashes, self.o.force)
        if self.o.shard:
            planned = shard_part(planned, manifest["reports"], *self.o.shard)
            self.part_keys = [p.spec.key for p in planned]
        todo = [p for p in planned if p.reasons]
        data = data_digest(self.o.data_dir)
        site_stale = not self.o.shard and self._site_stale(manifest, data, shared)

        executor = None
        try:
            if todo and not self.o.check:
                from .execute import Executor, missing_kernel

                problem = missing_kernel()
                if problem:
                    self.say.error(f"error: {problem}; nothing was built")
                    return EXIT_BAD_INPUT
                executor = Executor(self.o.timeout, self.o.data_dir, self.o.warm_up, self.o.notebook_dir)
                # The fork server imports what every kernel needs while the data is validated; no
                # notebook runs before the validation has passed.
                why_not = executor.launch_fork_server() if self.o.warm_up else None
                if why_not:
                    self.say.line(f"kernels start the ordinary way: {why_not}")
            if self.o.check or todo or site_stale:
                code = self._validate_data(data, manifest)
                if code:
                    return code
                self.validation = manifest["validation"]
            if self.o.check:
                for p in planned:
                    self.say.always(
                        f"{'build' if p.reasons else 'skip '} {p.spec.key:<22} {p.reason or 'up to date'}"
                    )
                self.say.always(
                    f"check: data valid, {len(planned)} report(s) declared, {len(todo)} would be built"
                )
                return EXIT_OK

            outcomes: list[Outcome] = []
            if executor is not None:
                check_writable(self.o.out_dir)
                remove_temporaries(self.o.out_dir)
                part = f" (shard {self.o.shard[0]}/{self.o.shard[1]})" if self.o.shard else ""
                self.say.line(
                    f"building {len(todo)} of {len(planned)} report(s){part} with {self.o.jobs} job(s)"
                )
                for p in todo:
                    self.say.line(f"  {p.spec.key:<22} {p.reason}")
                executor.validated_digest = self.validated_digest
                outcomes = self._execute_all(todo, manifest, hashes, executor)
        finally:
            if executor is not None:
                executor.stop_fork_server()
        written = self._finish(matrix, shared, data)
        return self._summary(planned, todo, outcomes, written, started)

    def _site_stale(self, manifest: dict[str, Any], data: str, shared: Shared) -> bool:
        from .site import DATA_FOLDER, digest_of

        expected = digest_of({"data": data, "library": shared.library})
        site = manifest.get("site", {})
        return site.get("downloads") != expected or not (self.o.out_dir / DATA_FOLDER).is_dir()

    def _validate_data(self, digest: str | None = None, manifest: dict[str, Any] | None = None) -> int:
        """Every table valid (those that may have changed checked again); the record goes into `manifest`."""
        from ..errors import DataValidationError
        from .validation import validate

        digest = digest or data_digest(self.o.data_dir)
        record = (manifest or {}).get("validation")
        try:
            record = validate(self.o.data_dir, record, Shared.compute(), DataHashes(self.o.data_dir))
        except DataValidationError as exc:
            self.say.error(f"error: invalid data; nothing was built\n{exc}")
            return EXIT_BAD_INPUT
        if manifest is not None:
            manifest["validation"] = record
        self.validated_digest = digest
        # What this process loads next (the site's search index, calendars, feeds) skips checking again
        # the bytes it has just validated, as the build's kernels do.
        os.environ[VALIDATED_ENV] = digest
        return EXIT_OK

    def _summary(
        self,
        planned: list[Planned],
        todo: list[Planned],
        outcomes: list[Outcome],
        written: list[str],
        started: float,
    ) -> int:
        failed = [o for o in outcomes if o.status == "failed"]
        built = [o for o in outcomes if o.status == "ok"]
        skipped = len(planned) - len(todo)
        elapsed = time.monotonic() - started
        if not todo and not self.interrupted:
            extra = f"; updated {updated_list(written)}" if written else ""
            self.say.always(f"nothing to build: {len(planned)} report(s) up to date{extra} ({elapsed:.1f} s)")
            return EXIT_OK
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
        by_reason: dict[str, list[str]] = {}
        for o in built:
            by_reason.setdefault(o.planned.reason, []).append(o.spec.key)
        for reason, keys in by_reason.items():
            self.say.always(f"  rebuilt ({reason}): {', '.join(sorted(keys))}")
        return EXIT_REPORT_FAILED if failed else EXIT_OK

    # -- running ----------------------------------------------------------------------------------
    def _execute_all(
        self, todo: list[Planned], manifest: dict[str, Any], hashes: DataHashes, executor: Any
    ) -> list[Outcome]:
        import asyncio

        outcomes: list[Outcome] = []
        # A KeyboardInterrupt: the first signal came as the loop started or ended, and is noted.
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(self._execute_async(todo, outcomes, manifest, hashes, executor))
        return outcomes

    async def _execute_async(
        self,
        todo: list[Planned],
        outcomes: list[Outcome],
        manifest: dict[str, Any],
        hashes: DataHashes,
        executor: Any,
    ) -> None:
        import asyncio

        loop = asyncio.get_running_loop()
        main = asyncio.current_task()
        assert main is not None
        with self.interrupts.cancelling(loop, main):
            await self._execute_in_loop(todo, outcomes, manifest, hashes, executor)

    async def _execute_in_loop(
        self,
        todo: list[Planned],
        outcomes: list[Outcome],
        manifest: dict[str, Any],
        hashes: DataHashes,
        executor: Any,
    ) -> None:
        import asyncio

        from .convert import Converter

        if self.interrupted:  # the signal came before the loop took over
            return
        # nbconvert loads while the first kernels start; a report waits for it only when it is done.
        converter = asyncio.ensure_future(asyncio.to_thread(Converter, ("ja", "en")))
        # Longest first (by the last recorded durations), so no worker is left with a long report at the end.
        weights = expected_seconds(todo, manifest["reports"])
        order = sorted(range(len(todo)), key=lambda i: (-weights[i], i))
        queue = [todo[i] for i in order]
        total = len(todo)
        jobs = max(1, min(self.o.jobs, total))

        async def worker() -> None:
            next_kernel: asyncio.Task[Any] | None = None
            item: Planned | None = None
            try:
                while queue:
                    item = queue.pop(0)
                    t0 = time.monotonic()
                    try:
                        kernel = await next_kernel if next_kernel else await executor.start_kernel()
                    except KernelStartError as exc:
                        kernel, outcome = None, self._not_started(item, exc)
                    waited = time.monotonic() - t0
                    if queue and self.o.warm_up:  # start the next kernel while this report runs
                        next_kernel = asyncio.create_task(executor.start_kernel())
                    else:
                        next_kernel = None
                    if kernel is not None:
                        try:
                            outcome = await self._run_one(item, kernel, executor, converter)
                        finally:
                            await executor.stop_kernel(kernel)
                        outcome.profile["wait_kernel"] = round(waited, 3)
                    if outcome.status == "failed" and self.interrupted:  # stopped by the signal
                        outcome.status, outcome.error = "interrupted", f"{item.spec.key}: interrupted"
                    if outcome.status == "ok":
                        t1 = time.monotonic()
                        commit_files(self.o.out_dir, outcome.files, outcome.spec.key)
                        outcome.profile["write"] = round(time.monotonic() - t1, 3)
                    outcomes.append(outcome)
                    self._record(manifest, outcome, hashes)
                    self._progress(len(outcomes), total, outcome)
                    item = None
            except asyncio.CancelledError:
                if item is not None:  # the report that was running: interrupted, not failed
                    outcome = Outcome(item, "interrupted", now(), 0.0, error=f"{item.spec.key}: interrupted")
                    outcomes.append(outcome)
                    self._record(manifest, outcome, hashes)
                raise
            finally:
                if next_kernel is not None:
                    next_kernel.cancel()
                    with contextlib.suppress(BaseException):
                        await executor.stop_kernel(await next_kernel)

        try:
            why_not = await executor.fork_server_ready()
            if why_not:
                self.say.line(f"kernels start the ordinary way: {why_not}")
            await asyncio.gather(*(worker() for _ in range(jobs)))
        except asyncio.CancelledError:
            pass
        finally:
            # Nothing cancels the clean-up: a signal now is noted and ends the build with 130 after it.
            with self.interrupts.held():
                await executor.stop_all()
                remove_temporaries(self.o.out_dir)

    def _not_started(self, item: Planned, exc: KernelStartError) -> Outcome:
        return Outcome(item, "failed", now(), 0.0, error=f"{item.spec.key}: {exc}")

    async def _run_one(self, item: Planned, kernel: Any, executor: Any, converter: Any) -> Outcome:
        import asyncio

        from .convert import Links, notebook_bytes
        from .execute import clear_volatile_metadata, parameterised
        from .site import site_url

        spec = item.spec
        started = now()
        t0 = time.monotonic()
        profile: dict[str, float] = {}
        try:
            nb = parameterised(spec)
            reads = await executor.execute(nb, spec.key, kernel)
            t1 = time.monotonic()
            profile["execute"] = round(t1 - t0, 3)
            clear_volatile_metadata(nb)
            links = Links.for_report(spec, site_url(), in_site=True)
            html = await asyncio.to_thread((await converter).html, nb, spec, links)
            files = {spec.outputs[0]: notebook_bytes(nb), spec.outputs[1]: html}
            profile["convert"] = round(time.monotonic() - t1, 3)
            seconds = time.monotonic() - t0
            return Outcome(item, "ok", started, seconds, reads=reads, files=files, profile=profile)
        except ReportExecutionError as exc:
            return Outcome(item, "failed", started, time.monotonic() - t0, error=str(exc))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug in the build itself must still not stop the other reports
            error = f"{spec.key}: {type(exc).__name__}: {exc}"
            return Outcome(item, "failed", started, time.monotonic() - t0, error=error)

    def _record(self, manifest: dict[str, Any], outcome: Outcome, hashes: DataHashes) -> None:
        spec = outcome.spec
        previous = manifest["reports"].get(spec.key, {})
        entry: dict[str, Any] = {
            "notebook": spec.notebook_path.name,
            "params": spec.params,
            "outputs": list(spec.outputs),
            "title": spec.title,
            "description": spec.description,
            "group": spec.group,
            "status": outcome.status,
            "started": outcome.started,
            "seconds": round(outcome.seconds, 2),
            "profile": outcome.profile,
            "inputs": outcome.planned.inputs,
        }
        if outcome.status == "ok":
            reads = hashes.record(outcome.reads) if outcome.reads is not None else None
            entry["reads"] = reads
            entry["input_hash"] = input_hash(outcome.planned.inputs, reads)
            entry["last_good"] = {
                "input_hash": entry["input_hash"],
                "started": outcome.started,
                "as_of": spec.params.get("as_of"),
                "reads": reads,
                "seconds": entry["seconds"],
            }
        else:
            entry["error"] = outcome.error
            entry["input_hash"] = None
            # The files on disk are still the last good ones; keep what describes them.
            if previous.get("last_good"):
                entry["last_good"] = previous["last_good"]
        manifest["reports"][spec.key] = entry
        write_manifest(self.o.out_dir, manifest)

    def _progress(self, done: int, total: int, outcome: Outcome) -> None:
        width = len(str(total))
        status = {"ok": "ok", "failed": "FAILED", "interrupted": "INTERRUPTED"}[outcome.status]
        text = f"[{done:>{width}}/{total}] {outcome.spec.key:<22} {status:<6} {outcome.seconds:5.1f} s"
        if outcome.status == "ok":
            self.say.line(text)
        else:
            self.say.error(f"{text}  {outcome.error}")

    def _finish(self, matrix: list[ReportSpec], shared: Shared, data: str) -> list[str]:
        """Manifest metadata, then (unless this is a shard) the data downloads and the index page."""
        manifest = read_manifest(self.o.out_dir)
        # The manifest and the index cover the whole matrix, not just this run's selection (--only).
        keys = [spec.key for spec in matrix]
        manifest["reports"] = {k: manifest["reports"][k] for k in sorted(manifest["reports"]) if k in keys}
        manifest["inputs"] = {"library": shared.library, "dependencies": shared.dependencies}
        manifest["data"] = data
        if self.validation is not None:
            manifest["validation"] = self.validation
        written: list[str] = []
        if self.o.shard:
            index, count = self.o.shard
            manifest["shard"] = {"index": index, "count": count, "keys": sorted(self.part_keys)}
        else:
            manifest.pop("shard", None)
            from .site import update_site

            written = update_site(self.o.out_dir, self.o.data_dir, manifest, keys, shared.library)
        write_manifest(self.o.out_dir, manifest)
        return written

    # -- shards -----------------------------------------------------------------------------------
    def _merge_locked(self) -> int:
        """Combine the output folders of the N shards into out_dir, then write the index and downloads."""
        from .shards import check_inputs, copy_parts, read_shards

        started = time.monotonic()
        assert self.o.merge is not None
        shards = read_shards(self.o.merge)
        shared = Shared.compute()
        data = data_digest(self.o.data_dir)
        matrix = self._matrix()
        check_inputs(shards, matrix, shared, data, self.o.data_dir)

        manifest = read_manifest(self.o.out_dir)
        copied, failed = copy_parts(shards, self.o.out_dir, manifest)
        if self._site_stale(manifest, data, shared):
            code = self._validate_data(data, manifest)
            if code:
                return code
            self.validation = manifest["validation"]
        written = self._finish(matrix, shared, data)
        extra = f"; updated {updated_list(written)}" if written else ""
        self.say.always(
            f"merged {len(shards)} shard(s): {copied} report(s) copied, {failed} failed{extra} "
            f"in {time.monotonic() - started:.1f} s"
        )
        return EXIT_REPORT_FAILED if failed else EXIT_OK

"""The fault and interrupt tests, run many times in a row with every core kept busy (`make stress`).

    python tests/stress.py                 # 30 runs of the interrupt and fault tests, one CPU hog per core
    python tests/stress.py --runs 5 -k interrupt
    python tests/stress.py --hogs 0        # the same without the load, for comparison

Each run is a fresh pytest process (its own temporary folder, removed afterwards) over
tests/test_faults.py, by default restricted to the tests where timing could matter: interrupts at
every stage, the lock held by a running build, a dying kernel, a hanging cell, a kernel that cannot
start, and a signal between the two renames of a report. The hogs are plain busy loops, one per
core, started before the first run and stopped after the last. The summary gives the runs, the
failures (with the tests that failed), the machine and the load average before and after; paste it
into tests/README.md when it is recorded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_K = "interrupt or second_build or signals_wait or kernel_death or cannot_start"


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores{f' ({model})' if model else ''}, {platform.system()} {platform.release()}"


def load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def start_hogs(count: int) -> list[subprocess.Popen]:
    return [
        subprocess.Popen([sys.executable, "-c", "while True: pass"], stdin=subprocess.DEVNULL)
        for _ in range(count)
    ]


def stop_hogs(hogs: list[subprocess.Popen]) -> None:
    for hog in hogs:
        if hog.poll() is None:
            hog.send_signal(signal.SIGKILL)
    for hog in hogs:
        hog.wait()


def one_run(k: str, log: Path) -> tuple[bool, list[str], float]:
    basetemp = Path(tempfile.mkdtemp(prefix="stress-"))
    cmd = [sys.executable, "-m", "pytest", "tests/test_faults.py", "-q", "-p", "no:cacheprovider"]
    cmd += ["-k", k, "--basetemp", str(basetemp / "t")]
    t0 = time.monotonic()
    try:
        result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    finally:
        shutil.rmtree(basetemp, ignore_errors=True)
    seconds = time.monotonic() - t0
    with log.open("a", encoding="utf-8") as f:
        f.write(result.stdout + result.stderr)
    failed = [line.split()[1] for line in result.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
    return result.returncode == 0, failed, seconds


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--runs", type=int, default=30)
    p.add_argument("--hogs", type=int, default=os.cpu_count() or 1, help="busy loops (default: one per core)")
    p.add_argument("-k", default=DEFAULT_K, help=f"pytest -k expression (default: {DEFAULT_K!r})")
    p.add_argument(
        "--log",
        type=Path,
        default=Path(tempfile.gettempdir()) / "workplan-stress.log",
        help="every run's pytest output",
    )
    args = p.parse_args()
    args.log.parent.mkdir(parents=True, exist_ok=True)
    args.log.write_text("", encoding="utf-8")

    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    print(f"stress: {args.runs} run(s) of test_faults.py -k {args.k!r} with {args.hogs} CPU hog(s)")
    print(f"machine: {machine()}; load average before: {load()}", flush=True)
    hogs = start_hogs(args.hogs)
    failures: dict[str, int] = {}
    failed_runs = 0
    loads = []
    try:
        for i in range(1, args.runs + 1):
            ok, failed, seconds = one_run(args.k, args.log)
            loads.append(load())
            failed_runs += not ok
            for name in failed:
                failures[name] = failures.get(name, 0) + 1
            status = "ok" if ok else f"FAILED {', '.join(failed) or '(see the log)'}"
            print(f"run {i:>2}/{args.runs}: {status} in {seconds:.0f} s (load {loads[-1]})", flush=True)
    finally:
        stop_hogs(hogs)
    print(
        f"stress: started {started}, {args.runs} run(s), {failed_runs} failed; machine: {machine()}; "
        f"{args.hogs} CPU hog(s); load average (1, 5, 15 min) after the last run: {loads[-1] if loads else load()}"
    )
    for name, count in sorted(failures.items()):
        print(f"  {name}: failed {count} time(s)")
    print(f"pytest output of every run: {args.log}")
    return 1 if failed_runs else 0


if __name__ == "__main__":
    sys.exit(main())

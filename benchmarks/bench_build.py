"""Benchmark the report build against the plain papermill + nbconvert way, on the real report matrix.

    python benchmarks/bench_build.py [--repeat 3] [--jobs N] [--write-readme]

Measures, side by side in one run (medians of --repeat runs):
  (a) a cold forced build: `python -m workplan build --force`;
  (a0) the same without starting kernels early (`--no-warm-up`), to show what that win is worth;
  (b) the plain shell loop a user would write: `papermill in.ipynb out.ipynb -p …` then
      `jupyter nbconvert --to html` for every report of the manifest, one after the other;
  (c) a rebuild with nothing changed;
  (d) a rebuild after editing one notebook (and how many reports it rebuilt);
  (e) the floor: one bare kernel start and stop plus `import pandas, matplotlib.pyplot`,
      times the number of reports, divided by the jobs.
and the peak memory (RSS of the build and all its kernels) of (a).
Prints each figure and the ratios (a)/(b), (a)/(e), (c)/(a), (a)/(a0). Works in a temporary folder: the
project's reports/ and notebooks/ are not touched.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RESULTS = ROOT / "benchmarks" / "results"


def timed(cmd: list[str], **kw) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, **kw)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"benchmark step failed ({' '.join(cmd[:4])} …):\n{result.stdout}\n{result.stderr}")
    return elapsed, result


def peak_rss_while(cmd: list[str], **kw) -> tuple[float, float, subprocess.CompletedProcess]:
    """Run `cmd`, sampling the summed RSS of it and all its descendants; return (seconds, peak MiB, result)."""
    import psutil

    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        parent = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                procs = [parent, *parent.children(recursive=True)]
                total = 0
                for p in procs:
                    with contextlib.suppress(psutil.Error):
                        total += p.memory_info().rss
                peak = max(peak, total)
            except psutil.Error:
                pass
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    result = subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{stdout}\n{stderr}")
    return elapsed, peak / 2**20, result


def build_cmd(out: Path, notebooks: Path, jobs: int, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "workplan",
        "build",
        "--out",
        str(out),
        "--notebooks",
        str(notebooks),
        "--jobs",
        str(jobs),
        "--quiet",
        *extra,
    ]


def plain_loop(manifest: dict, notebooks: Path, work: Path) -> float:
    """papermill CLI then nbconvert CLI per report, as a shell loop would run them."""
    start = time.perf_counter()
    for key, entry in sorted(manifest["reports"].items()):
        out_nb = work / (key.replace("/", "_") + ".ipynb")
        cmd = [
            str(BIN / "papermill"),
            str(notebooks / entry["notebook"]),
            str(out_nb),
            "--no-progress-bar",
            "--cwd",
            str(notebooks),
        ]
        for name, value in entry["params"].items():
            cmd += ["-p", name, str(value)]
        timed(cmd, cwd=ROOT)
        timed([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(out_nb)], cwd=ROOT)
    return time.perf_counter() - start


def floor_per_report() -> float:
    """One bare kernel start and stop, plus the imports every report needs, measured in-process."""
    from jupyter_client.manager import start_new_kernel

    start = time.perf_counter()
    km, kc = start_new_kernel(kernel_name="python3", extra_arguments=["--IPKernelApp.log_level=ERROR"])
    try:
        kc.execute_interactive("import pandas, matplotlib.pyplot", timeout=120)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return time.perf_counter() - start


def touch_notebook(path: Path, n: int) -> None:
    """Change a notebook's content (a note's text), as an edit would."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"][0]["source"] = "".join(nb["cells"][0]["source"]).rstrip() + f"\n\n(edit {n})"
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f"{kb / 2**20:.0f} GiB"
    except (OSError, AttributeError):
        pass
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement (median reported)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--plain-repeat", type=int, default=None, help="runs of the slow plain loop (default: --repeat)"
    )
    parser.add_argument(
        "--write-readme", action="store_true", help="record the results in benchmarks/README.md"
    )
    args = parser.parse_args()
    plain_repeat = args.plain_repeat or args.repeat

    work = Path(tempfile.mkdtemp(prefix="workplan-bench-"))
    notebooks = work / "notebooks"
    shutil.copytree(
        ROOT / "notebooks", notebooks, ignore=lambda d, names: [n for n in names if not n.endswith(".ipynb")]
    )
    out = work / "reports"
    keys = ("cold", "cold_no_warm_up", "plain", "nochange", "touch", "floor", "peak_mib")
    figures: dict[str, list[float]] = {k: [] for k in keys}
    rebuilt_after_touch: list[int] = []
    try:
        for run in range(args.repeat):
            seconds, peak, _ = peak_rss_while(build_cmd(out, notebooks, args.jobs, "--force"), cwd=ROOT)
            figures["cold"].append(seconds)
            figures["peak_mib"].append(peak)
            seconds, _ = timed(build_cmd(out, notebooks, args.jobs, "--force", "--no-warm-up"), cwd=ROOT)
            figures["cold_no_warm_up"].append(seconds)
            seconds, result = timed(build_cmd(out, notebooks, args.jobs), cwd=ROOT)
            assert "nothing to build" in result.stdout, result.stdout
            figures["nochange"].append(seconds)
            touch_notebook(notebooks / "pillar4_cooperation.ipynb", run)
            seconds, result = timed(build_cmd(out, notebooks, args.jobs), cwd=ROOT)
            figures["touch"].append(seconds)
            rebuilt_after_touch.append(int(re.search(r"(\d+) built", result.stdout).group(1)))
            figures["floor"].append(statistics.median(floor_per_report() for _ in range(3)))
            print(
                f"run {run + 1}: cold {figures['cold'][-1]:.1f} s "
                f"(without early kernels {figures['cold_no_warm_up'][-1]:.1f} s), no change {figures['nochange'][-1]:.2f} s, "
                f"after one edit {figures['touch'][-1]:.1f} s, floor/report {figures['floor'][-1]:.2f} s, "
                f"peak {figures['peak_mib'][-1]:.0f} MiB",
                flush=True,
            )
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        n_reports = len(manifest["reports"])
        for run in range(plain_repeat):
            loop_dir = work / f"plain-{run}"
            loop_dir.mkdir()
            figures["plain"].append(plain_loop(manifest, notebooks, loop_dir))
            print(f"plain loop run {run + 1}: {figures['plain'][-1]:.1f} s", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    med = {k: statistics.median(v) for k, v in figures.items() if v}
    floor_total = med["floor"] * n_reports / args.jobs
    results = {
        "machine": machine(),
        "reports": n_reports,
        "jobs": args.jobs,
        "runs": args.repeat,
        "plain_runs": plain_repeat,
        "seconds": {
            "a_cold_build": round(med["cold"], 2),
            "a0_cold_build_without_early_kernels": round(med["cold_no_warm_up"], 2),
            "b_plain_loop": round(med["plain"], 2),
            "c_no_change": round(med["nochange"], 3),
            "d_after_one_edit": round(med["touch"], 2),
            "e_floor": round(floor_total, 2),
            "e_floor_per_report": round(med["floor"], 3),
        },
        "reports_rebuilt_after_one_edit": rebuilt_after_touch,
        "peak_memory_mib": round(med["peak_mib"]),
        "ratios": {
            "a_over_b": round(med["cold"] / med["plain"], 3),
            "a_over_e": round(med["cold"] / floor_total, 3),
            "c_over_a": round(med["nochange"] / med["cold"], 4),
            "a_over_a0": round(med["cold"] / med["cold_no_warm_up"], 3),
        },
        "raw": {k: [round(x, 3) for x in v] for k, v in figures.items()},
    }
    print(json.dumps(results, indent=2))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if args.write_readme:
        write_readme(results)
    return 0


def write_readme(r: dict) -> None:
    s, ratio, m = r["seconds"], r["ratios"], r["machine"]
    table = f"""<!-- results: written by `python benchmarks/bench_build.py --write-readme` -->
Machine: {m["cpu"]}, {m["cores"]} cores, {m["memory"]}, Python {m["python"]}, {m["system"]}.
{r["reports"]} reports, `--jobs {r["jobs"]}`; medians of {r["runs"]} runs ({r["plain_runs"]} of the plain loop).

| measure | seconds | target |
|---|---:|---|
| (a) cold forced build | {s["a_cold_build"]:.1f} | ≤ 0.25 × (b), ≤ 1.5 × (e) |
| (a0) the same without early kernels (`--no-warm-up`) | {s["a0_cold_build_without_early_kernels"]:.1f} | |
| (b) plain loop: papermill CLI + nbconvert CLI per report | {s["b_plain_loop"]:.1f} | |
| (c) rebuild, nothing changed | {s["c_no_change"]:.2f} | ≤ 2 s, no kernel |
| (d) rebuild after editing one notebook | {s["d_after_one_edit"]:.1f} | only its reports ({r["reports_rebuilt_after_one_edit"]} rebuilt) |
| (e) floor: (kernel start + imports) × reports ÷ jobs | {s["e_floor"]:.1f} | ({s["e_floor_per_report"]:.2f} s per report) |

| ratio | value | target |
|---|---:|---|
| (a)/(b) | {ratio["a_over_b"]:.3f} | ≤ 0.25 |
| (a)/(e) | {ratio["a_over_e"]:.2f} | ≤ 1.5 |
| (c)/(a) | {ratio["c_over_a"]:.4f} | |
| (a)/(a0) | {ratio["a_over_a0"]:.3f} | below 1: starting kernels early pays |

Peak memory of the cold build (build process and all kernels): {r["peak_memory_mib"]} MiB (target ≤ 1.5 GiB).
<!-- /results -->"""
    readme = ROOT / "benchmarks" / "README.md"
    text = readme.read_text(encoding="utf-8")
    text = re.sub(r"<!-- results:.*?<!-- /results -->", lambda _: table, text, flags=re.S)
    readme.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())

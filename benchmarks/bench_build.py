"""Benchmark the report build on the real report matrix: the whole story in one run.

    python benchmarks/bench_build.py [--repeat 3] [--jobs N] [--quick] [--write-readme]

Measures, in a temporary folder (the project's reports/, notebooks/ and data/ are not touched),
medians of --repeat runs:
  (a)  a cold forced build, `python -m workplan build --force`, with its CPU time and peak memory
       (RSS of the build, the kernel fork server and every kernel);
  (a0) the same without warm kernels (`--no-warm-up`: each kernel starts from scratch when due);
  (b)  the plain shell loop a user would write: `papermill in.ipynb out.ipynb -p …` then
       `jupyter nbconvert --to html` for every report, one after the other (--quick: a sample of
       reports, scaled to the whole matrix);
  (c)  a rebuild with nothing changed;
  (d)  one notebook edited; (u) one table no report reads edited; (r) one table some reports read
       edited (ivo_forums.csv): seconds and how many reports each rebuilt (and that they are exactly
       the table's readers);
  (s)  two shards built side by side on this machine, then merged (and that the merge gives the same
       bytes as the single build);
  (e)  the floor: one kernel start and stop plus `import pandas, matplotlib.pyplot` (wall time,
       measured on its own), times the number of reports, divided by the jobs;
and where each report's time goes (its profile in the manifest: waiting for its kernel, running
the notebook, converting, writing). Prints the figures and the ratios; saves them in
benchmarks/results/latest.json (not in git) and, with --write-readme, in benchmarks/README.md.

    python benchmarks/bench_build.py --on-demand [--repeat 5] [--write-readme]

measures only what a researcher waits for at the keyboard, each a median of --repeat runs after
one cold build: (c) nothing changed, (u) one table no report reads edited (targets < 0.5 s each),
(v) `python -m workplan render` of one report (target ≤ 3 s), against (w) the same report with the
papermill CLI then `python -m workplan html`; saved as results/on-demand.json and in its own section
of benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import resource
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
# A table some reports read and others do not (ivo_forums.csv, the example, is now read by
# every report: the status of dated items in each of them comes from the tracker, which reads it).
USED_TABLE = "ivo_projects.csv"


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], **kw) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, **kw)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"benchmark step failed ({' '.join(cmd[:6])} …):\n{result.stdout}\n{result.stderr}")
    return elapsed, result


def measured_run(cmd: list[str], **kw) -> tuple[float, float, float, subprocess.CompletedProcess]:
    """Run `cmd`, sampling the summed RSS of it and all its descendants.
    Returns (seconds, CPU seconds of the whole process tree, peak MiB, result)."""
    import psutil

    cpu0 = children_cpu()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        parent = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                total = 0
                for p in [parent, *parent.children(recursive=True)]:
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
    return elapsed, children_cpu() - cpu0, peak / 2**20, result


def build_cmd(out: Path, notebooks: Path, data: Path, jobs: int, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "workplan",
        "build",
        "--out",
        str(out),
        "--notebooks",
        str(notebooks),
        "--data",
        str(data),
        "--jobs",
        str(jobs),
        "--quiet",
        *extra,
    ]


def rebuilt(result: subprocess.CompletedProcess) -> list[str]:
    """The reports a build rebuilt, from its summary lines ('  rebuilt (why): a, b')."""
    keys = []
    for line in result.stdout.splitlines():
        if line.startswith("  rebuilt ("):
            keys += [k.strip() for k in line.split("): ", 1)[1].split(",")]
    return sorted(keys)


def plain_loop(manifest: dict, notebooks: Path, work: Path, keys: list[str]) -> float:
    """papermill CLI then nbconvert CLI per report, as a shell loop would run them."""
    start = time.perf_counter()
    for key in keys:
        entry = manifest["reports"][key]
        out_nb = work / (key.replace("/", "_") + ".ipynb")
        cmd = [str(BIN / "papermill"), str(notebooks / entry["notebook"]), str(out_nb), "--no-progress-bar"]
        cmd += ["--cwd", str(notebooks)]
        for name, value in entry["params"].items():
            cmd += ["-p", name, str(value)]
        timed(cmd, cwd=ROOT)
        timed([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(out_nb)], cwd=ROOT)
    return time.perf_counter() - start


def floor_per_report() -> float:
    """One bare kernel start and stop, plus the imports every report needs, measured in-process."""
    from jupyter_client.manager import start_new_kernel

    start = time.perf_counter()
    km, kc = start_new_kernel(kernel_name="workplan", extra_arguments=["--IPKernelApp.log_level=ERROR"])
    try:
        kc.execute_interactive("import pandas, matplotlib.pyplot", timeout=120)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return time.perf_counter() - start


def kernel_start_with_imports() -> float:
    """One `workplan` kernel started and warmed up as render's is (WARM_UP), then stopped."""
    from jupyter_client.manager import start_new_kernel
    from workplan.build.execute import WARM_UP

    start = time.perf_counter()
    km, kc = start_new_kernel(kernel_name="workplan", extra_arguments=["--IPKernelApp.log_level=ERROR"])
    try:
        kc.execute_interactive(WARM_UP, timeout=120)
        seconds = time.perf_counter() - start
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return seconds


def touch_notebook(path: Path, n: int) -> None:
    """Change a notebook's content (a note's text), as an edit would."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"][0]["source"] = "".join(nb["cells"][0]["source"]).rstrip() + f"\n\n(edit {n})"
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def touch_table(path: Path, n: int) -> None:
    """Change the English text of the table's first row (its last *_en column), as an edit would."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    column = max(i for i, name in enumerate(rows[0]) if name.endswith("_en"))
    rows[1][column] = rows[1][column].rstrip() + f" (edit {n})"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def readers(manifest: dict, table: str) -> list[str]:
    return sorted(k for k, e in manifest["reports"].items() if table in (e.get("reads") or {}))


def unread_table(manifest: dict, data: Path) -> str:
    unread = [p.name for p in sorted(data.glob("*.csv")) if not readers(manifest, p.name)]
    if not unread:
        raise SystemExit("every table is read by some report: no unused table to edit")
    return "ivo_activities.csv" if "ivo_activities.csv" in unread else unread[0]


def profile(manifest: dict) -> dict[str, float]:
    """Median seconds per report of each phase recorded by the build."""
    phases = ("wait_kernel", "execute", "convert", "write")
    entries = [e.get("profile", {}) for e in manifest["reports"].values()]
    return {p: round(statistics.median(e.get(p, 0.0) for e in entries), 3) for p in phases}


def same_reports(a: Path, b: Path) -> bool:
    files = [
        p.relative_to(a)
        for p in a.rglob("*")
        if p.is_file() and p.suffix in {".ipynb", ".html", ".csv", ".xlsx"}
    ]
    return all((b / rel).is_file() and (b / rel).read_bytes() == (a / rel).read_bytes() for rel in files)


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, AttributeError):
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f"{kb / 2**20:.0f} GiB"
    load = ""
    with contextlib.suppress(OSError):
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "load_before": load,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--repeat",
        type=int,
        default=None,
        help="runs of each measurement, median reported (3; --on-demand 5)",
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--plain-repeat", type=int, default=None, help="runs of the plain loop (default: 1)")
    parser.add_argument("--quick", action="store_true", help="time the plain loop on 4 reports and scale it")
    parser.add_argument(
        "--write-readme", action="store_true", help="record the results in benchmarks/README.md"
    )
    parser.add_argument(
        "--on-demand", action="store_true", help="only (c), (u), render (v) and papermill + html (w)"
    )
    args = parser.parse_args()
    if args.on_demand:
        args.repeat = args.repeat or 5
        return on_demand(args)
    args.repeat = args.repeat or 3
    plain_repeat = args.plain_repeat or 1
    started_on = machine()

    work = Path(tempfile.mkdtemp(prefix="workplan-bench-"))
    notebooks = work / "notebooks"
    shutil.copytree(
        ROOT / "notebooks", notebooks, ignore=lambda d, names: [n for n in names if n.endswith(".py")]
    )
    data = work / "data"
    shutil.copytree(ROOT / "data", data)
    out = work / "reports"
    figures: dict[str, list[float]] = {}
    counts: dict[str, list[int]] = {}
    checks: dict[str, bool] = {}

    def note(key: str, value: float) -> None:
        figures.setdefault(key, []).append(value)

    def count(key: str, value: int) -> None:
        counts.setdefault(key, []).append(value)

    try:
        for run in range(args.repeat):
            seconds, cpu, peak, _ = measured_run(
                build_cmd(out, notebooks, data, args.jobs, "--force"), cwd=ROOT
            )
            note("cold", seconds)
            note("cold_cpu", cpu)
            note("peak_mib", peak)
            manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
            n_reports = len(manifest["reports"])
            for phase, value in profile(manifest).items():
                note(f"profile_{phase}", value)
            seconds, _ = timed(
                build_cmd(work / "no-warm-up", notebooks, data, args.jobs, "--force", "--no-warm-up"),
                cwd=ROOT,
            )
            note("cold_no_warm_up", seconds)

            seconds, result = timed(build_cmd(out, notebooks, data, args.jobs), cwd=ROOT)
            assert "nothing to build" in result.stdout, result.stdout
            note("nochange", seconds)

            touch_notebook(notebooks / "pillar4_cooperation.ipynb", run)
            seconds, result = timed(build_cmd(out, notebooks, data, args.jobs), cwd=ROOT)
            note("notebook_edit", seconds)
            count("notebook_edit", len(rebuilt(result)))

            table = unread_table(manifest, data)
            touch_table(data / table, run)
            seconds, result = timed(build_cmd(out, notebooks, data, args.jobs), cwd=ROOT)
            note("unused_table_edit", seconds)
            count("unused_table_edit", len(rebuilt(result)))

            expected = readers(manifest, USED_TABLE)
            touch_table(data / USED_TABLE, run)
            seconds, result = timed(build_cmd(out, notebooks, data, args.jobs), cwd=ROOT)
            note("used_table_edit", seconds)
            count("used_table_edit", len(rebuilt(result)))
            checks[f"run {run + 1}: only the readers of {USED_TABLE} rebuilt"] = rebuilt(result) == expected

            # two shards side by side on this machine (the jobs shared between them), then the merge
            shards = [work / f"shard-{run}-{i}" for i in (1, 2)]
            per_shard = str(max(1, args.jobs // 2))
            start = time.perf_counter()
            procs = [
                subprocess.Popen(
                    build_cmd(shard, notebooks, data, int(per_shard), "--force", "--shard", f"{i}/2"),
                    cwd=ROOT,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for i, shard in enumerate(shards, start=1)
            ]
            for proc in procs:
                stdout, stderr = proc.communicate()
                if proc.returncode != 0:
                    raise SystemExit(f"shard failed:\n{stdout}\n{stderr}")
            merged = work / f"merged-{run}"
            timed(build_cmd(merged, notebooks, data, args.jobs, "--merge", *map(str, shards)), cwd=ROOT)
            note("shards_merged", time.perf_counter() - start)
            checks[f"run {run + 1}: two shards merged = one build, byte for byte"] = same_reports(out, merged)

            note("floor", statistics.median(floor_per_report() for _ in range(3)))
            print(
                f"run {run + 1}: cold {figures['cold'][-1]:.1f} s ({figures['cold_cpu'][-1]:.1f} s CPU; without warm "
                f"kernels {figures['cold_no_warm_up'][-1]:.1f} s), no change {figures['nochange'][-1]:.2f} s, "
                f"notebook edit {figures['notebook_edit'][-1]:.1f} s, unused table {figures['unused_table_edit'][-1]:.2f} s "
                f"({counts['unused_table_edit'][-1]} rebuilt), {USED_TABLE} {figures['used_table_edit'][-1]:.1f} s "
                f"({counts['used_table_edit'][-1]} rebuilt), 2 shards merged {figures['shards_merged'][-1]:.1f} s, "
                f"floor/report {figures['floor'][-1]:.2f} s, peak {figures['peak_mib'][-1]:.0f} MiB",
                flush=True,
            )

        keys = sorted(manifest["reports"])
        if args.quick:  # a sample: two plan reports and two country lenses, scaled to the matrix
            sample = [k for k in keys if "country" not in k][:2] + [k for k in keys if "country" in k][:2]
        else:
            sample = keys
        for run in range(plain_repeat):
            loop_dir = work / f"plain-{run}"
            loop_dir.mkdir()
            seconds = plain_loop(manifest, notebooks, loop_dir, sample) * len(keys) / len(sample)
            note("plain", seconds)
            print(
                f"plain loop run {run + 1}: {seconds:.1f} s{' (scaled from a sample)' if args.quick else ''}",
                flush=True,
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    med = {k: statistics.median(v) for k, v in figures.items()}
    floor_total = med["floor"] * n_reports / args.jobs
    results = {
        "machine": started_on,
        "reports": n_reports,
        "jobs": args.jobs,
        "runs": args.repeat,
        "plain_runs": plain_repeat,
        "plain_sampled": args.quick,
        "seconds": {
            "a_cold_build": round(med["cold"], 2),
            "a_cold_build_cpu": round(med["cold_cpu"], 2),
            "a0_cold_build_without_warm_kernels": round(med["cold_no_warm_up"], 2),
            "b_plain_loop": round(med["plain"], 2),
            "c_no_change": round(med["nochange"], 3),
            "d_notebook_edited": round(med["notebook_edit"], 2),
            "u_unused_table_edited": round(med["unused_table_edit"], 3),
            "r_used_table_edited": round(med["used_table_edit"], 2),
            "s_two_shards_merged": round(med["shards_merged"], 2),
            "e_floor": round(floor_total, 2),
            "e_floor_per_report": round(med["floor"], 3),
        },
        "rebuilt": {
            "d_notebook_edited": counts["notebook_edit"],
            "u_unused_table_edited": counts["unused_table_edit"],
            "r_used_table_edited": counts["used_table_edit"],
        },
        "checks": checks,
        "profile_median_seconds_per_report": {
            p: round(med[f"profile_{p}"], 3) for p in ("wait_kernel", "execute", "convert", "write")
        },
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
    return 0 if all(checks.values()) else 1


# The report of README's render example, at the plan's month (every on-demand build is too).
RENDER_REPORT = ("country", {"country": "PHL", "lang": "ja", "as_of": "2026-01-31"})


def on_demand(args: argparse.Namespace) -> int:
    """(c), (u), (v) render and (w) papermill + html, medians of --repeat runs after one cold build."""
    started_on = machine()
    repeat = args.repeat
    work = Path(tempfile.mkdtemp(prefix="workplan-bench-"))
    figures: dict[str, list[float]] = {}
    # Builds at the report's date; font subsets kept in a cache of the run's own, which the cold build
    # fills (the first render may still make its page's subset: its page has no site links).
    os.environ["WORKPLAN_AS_OF"] = RENDER_REPORT[1]["as_of"]
    os.environ["WORKPLAN_CACHE_DIR"] = str(work / "cache")
    try:
        notebooks = work / "notebooks"
        shutil.copytree(
            ROOT / "notebooks", notebooks, ignore=lambda d, names: [n for n in names if n.endswith(".py")]
        )
        data = work / "data"
        shutil.copytree(ROOT / "data", data)
        out = work / "reports"
        seconds, result = timed(build_cmd(out, notebooks, data, args.jobs, "--force"), cwd=ROOT)
        if result.returncode != 0:
            raise SystemExit(f"the cold build failed:\n{result.stdout}\n{result.stderr}")
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        table = unread_table(manifest, data)
        for run in range(repeat):
            seconds, result = timed(build_cmd(out, notebooks, data, args.jobs), cwd=ROOT)
            assert "nothing to build" in result.stdout, result.stdout
            figures.setdefault("c_no_change", []).append(seconds)
            touch_table(data / table, run)
            seconds, result = timed(build_cmd(out, notebooks, data, args.jobs), cwd=ROOT)
            assert not rebuilt(result), result.stdout
            figures.setdefault("u_unused_table_edited", []).append(seconds)
        name, params = RENDER_REPORT
        pairs = [x for k, v in params.items() for x in ("-p", k, v)]
        for run in range(repeat):
            target = work / f"render-{run}.html"
            cmd = [sys.executable, "-m", "workplan", "render", name, *pairs, "-o", str(target)]
            seconds, result = timed(cmd, cwd=ROOT)
            if result.returncode != 0:
                raise SystemExit(f"render failed:\n{result.stderr}")
            figures.setdefault("v_render", []).append(seconds)
            executed, html = work / f"pm-{run}.ipynb", work / f"pm-{run}.html"
            start = time.perf_counter()
            pm = [str(BIN / "papermill"), str(ROOT / "notebooks" / f"{name}.ipynb"), str(executed)]
            pm += ["--no-progress-bar", "--cwd", str(ROOT / "notebooks"), *pairs]
            first = subprocess.run(pm, cwd=ROOT, capture_output=True, text=True)
            second = subprocess.run(
                [sys.executable, "-m", "workplan", "html", str(executed), "-o", str(html), "--standalone"],
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            if first.returncode or second.returncode:
                raise SystemExit(f"papermill + html failed:\n{first.stderr}\n{second.stderr}")
            figures.setdefault("w_papermill_and_html", []).append(time.perf_counter() - start)
            # The floors under (u) and (v) on this machine, in the same run: what any validation of a
            # changed table imports before it reads a byte, and a kernel's start with the imports
            # every report needs (the build's warm-up), before its notebook runs.
            seconds, _ = timed([sys.executable, "-c", "import pandas, pandera.pandas"], cwd=ROOT)
            figures.setdefault("fu_validation_imports", []).append(seconds)
            figures.setdefault("fv_kernel_start", []).append(kernel_start_with_imports())
            print(
                f"run {run + 1}: render {figures['v_render'][-1]:.2f} s, papermill + html "
                f"{figures['w_papermill_and_html'][-1]:.2f} s",
                flush=True,
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results = {
        "machine": started_on,
        "load_after": machine()["load_before"],
        "runs": repeat,
        "render_validated_by_a_build": (ROOT / "reports" / "manifest.json").exists(),
        "median_seconds": {k: round(statistics.median(v), 3) for k, v in figures.items()},
        "raw": {k: [round(x, 3) for x in v] for k, v in figures.items()},
    }
    print(json.dumps(results, indent=2))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "on-demand.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if args.write_readme:
        write_on_demand_readme(results)
    return 0


def write_on_demand_readme(r: dict) -> None:
    m, s, raw = r["machine"], r["median_seconds"], r["raw"]

    def runs(key: str) -> str:
        return ", ".join(f"{x:.2f}" for x in raw[key])

    validated = (
        "the data already validated by the last build into reports/ (the kernel skips validation)"
        if r["render_validated_by_a_build"]
        else "no build in reports/ (the kernel validates every table first)"
    )
    table = f"""<!-- on-demand: written by `python benchmarks/bench_build.py --on-demand --write-readme` -->
Machine: {m["cpu"]}, {m["cores"]} cores, {m["memory"]}, Python {m["python"]}, {m["system"]}; load average
before the run: {m["load_before"]}, after: {r["load_after"]}. Medians of {r["runs"]} runs; render with {validated}.

| measure | median s | runs (s) | target |
|---|---:|---|---|
| (c) rebuild, nothing changed | {s["c_no_change"]:.2f} | {runs("c_no_change")} | < 0.5 s |
| (u) one table no report reads edited | {s["u_unused_table_edited"]:.2f} | {runs("u_unused_table_edited")} | < 0.5 s |
| (v) `render country -p country PHL -p lang ja -p as_of 2026-01-31` (first run included) | {s["v_render"]:.2f} | {runs("v_render")} | ≤ 3 s |
| (w) papermill CLI + `workplan html`, same report | {s["w_papermill_and_html"]:.2f} | {runs("w_papermill_and_html")} | |
| floor of (u): `python -c "import pandas, pandera.pandas"` | {s["fu_validation_imports"]:.2f} | {runs("fu_validation_imports")} | |
| floor of (v): a kernel started with the reports' imports | {s["fv_kernel_start"]:.2f} | {runs("fv_kernel_start")} | |

| ratio | value |
|---|---:|
| (u) / its floor | {s["u_unused_table_edited"] / s["fu_validation_imports"]:.2f} |
| (v) / its floor | {s["v_render"] / s["fv_kernel_start"]:.2f} |
| (v) / (w) | {s["v_render"] / s["w_papermill_and_html"]:.2f} |
<!-- /on-demand -->"""
    readme = ROOT / "benchmarks" / "README.md"
    text = readme.read_text(encoding="utf-8")
    if "<!-- on-demand:" in text:
        text = re.sub(r"<!-- on-demand:.*?<!-- /on-demand -->", lambda _: table, text, flags=re.S)
    else:
        text = text.replace("## Reading the figures", f"## On demand\n\n{table}\n\n## Reading the figures", 1)
    readme.write_text(text, encoding="utf-8")


def write_readme(r: dict) -> None:
    s, ratio, m, n, p = (
        r["seconds"],
        r["ratios"],
        r["machine"],
        r["rebuilt"],
        r["profile_median_seconds_per_report"],
    )
    plain_note = ", scaled from a sample of 4 reports: `--quick`" if r["plain_sampled"] else ""
    checks = "\n".join(f"- {'yes' if ok else 'NO'}: {what}" for what, ok in r["checks"].items())
    table = f"""<!-- results: written by `python benchmarks/bench_build.py --write-readme` -->
Machine: {m["cpu"]}, {m["cores"]} cores, {m["memory"]}, Python {m["python"]}, {m["system"]}; load average
before the run: {m["load_before"]}. {r["reports"]} reports, `--jobs {r["jobs"]}`; medians of {r["runs"]} runs
({r["plain_runs"]} of the plain loop{plain_note}).

| measure | seconds | reports rebuilt | target |
|---|---:|---:|---|
| (a) cold forced build | {s["a_cold_build"]:.1f} | {r["reports"]} | ≤ 0.10 × (b), ≤ 1.3 × (e) |
| (a0) the same without warm kernels (`--no-warm-up`) | {s["a0_cold_build_without_warm_kernels"]:.1f} | {r["reports"]} | |
| (b) plain loop: papermill CLI + nbconvert CLI per report | {s["b_plain_loop"]:.1f} | {r["reports"]} | |
| (c) rebuild, nothing changed | {s["c_no_change"]:.2f} | 0 | ≤ 0.3 s, no kernel |
| (d) one notebook edited | {s["d_notebook_edited"]:.1f} | {n["d_notebook_edited"]} | only its reports |
| (u) one table no report reads edited | {s["u_unused_table_edited"]:.2f} | {n["u_unused_table_edited"]} | 0 rebuilt, < 1 s |
| (r) `{USED_TABLE}` edited | {s["r_used_table_edited"]:.1f} | {n["r_used_table_edited"]} | only its readers |
| (s) two shards side by side, merged | {s["s_two_shards_merged"]:.1f} | {r["reports"]} | same bytes as (a) |
| (e) floor: (kernel start + imports) × reports ÷ jobs | {s["e_floor"]:.1f} | | ({s["e_floor_per_report"]:.2f} s per report) |

| ratio | value | target |
|---|---:|---|
| (a)/(b) | {ratio["a_over_b"]:.3f} | ≤ 0.10 |
| (a)/(e) | {ratio["a_over_e"]:.2f} | ≤ 1.3 |
| (c)/(a) | {ratio["c_over_a"]:.4f} | |
| (a)/(a0) | {ratio["a_over_a0"]:.3f} | below 1: warm kernels pay |

CPU time of the cold build (build, fork server and all kernels): {s["a_cold_build_cpu"]:.1f} s. Peak memory
of the cold build: {r["peak_memory_mib"]} MiB (target ≤ 1 GiB). Median per report, from the manifest:
waiting for its kernel {p["wait_kernel"]:.2f} s, running the notebook {p["execute"]:.2f} s, converting
{p["convert"]:.3f} s, writing {p["write"]:.3f} s.

{checks}
<!-- /results -->"""
    readme = ROOT / "benchmarks" / "README.md"
    text = readme.read_text(encoding="utf-8")
    text = re.sub(r"<!-- results:.*?<!-- /results -->", lambda _: table, text, flags=re.S)
    readme.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())

"""Interrupt the build at random moments and check that it always exits 130 with nothing half written.

    python tests/interrupt_anywhere.py [--runs 40] [--within 5] [--seed 0]

One good build of one report is made into a temporary folder; then, `--runs` times, a forced
rebuild of it is started and sent SIGINT or SIGTERM (drawn at random, seeded) after a random delay
of 0 to `--within` seconds: during the imports, the validation, the kernel, the conversion, the
swap of the files or the exit. A run the build finished before the signal was sent is counted
apart. Every interrupted run must exit 130, leave no temporary file, and leave the report's two
files both the previous or both the new version. Not part of `make test` (it is a measurement
of the moments a fixed test cannot choose); `make stress` runs the interrupt tests themselves.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KEY = "en/pillar2"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--runs", type=int, default=40)
    p.add_argument("--within", type=float, default=5.0, help="latest moment of the signal, in seconds")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    rnd = random.Random(args.seed)
    base = Path(tempfile.mkdtemp(prefix="interrupt-anywhere-"))
    try:
        shutil.copytree(ROOT / "data", base / "data")
        (base / "nb").mkdir()
        for path in (ROOT / "notebooks").glob("*.ipynb"):
            shutil.copy2(path, base / "nb" / path.name)
        out = base / "out"
        cmd = [sys.executable, "-m", "workplan", "build", "--out", str(out), "--data", str(base / "data")]
        cmd += ["--notebooks", str(base / "nb"), "--only", KEY, "--jobs", "1"]
        env = {k: v for k, v in os.environ.items() if k != "WORKPLAN_DATA_DIR"}
        first = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        if first.returncode != 0:
            print(first.stdout + first.stderr)
            return 1
        notebook = base / "nb" / "pillar2_cyber.ipynb"
        original = json.loads(notebook.read_text(encoding="utf-8"))
        outcomes: dict[str, int] = {}
        bad = 0
        for i in range(args.runs):
            # each run's report differs from the one before it: a marker cell after the parameters
            nb = json.loads(json.dumps(original))
            marker = f'print("interrupt-anywhere run {i + 1}")'
            nb["cells"].insert(
                2,
                {
                    "cell_type": "code",
                    "execution_count": None,
                    "id": f"marker-{i}",
                    "metadata": {},
                    "outputs": [],
                    "source": marker,
                },
            )
            notebook.write_text(json.dumps(nb, indent=1), encoding="utf-8")
            sig = rnd.choice([signal.SIGINT, signal.SIGTERM])
            delay = rnd.uniform(0, args.within)
            before = {ext: (out / f"{KEY}{ext}").read_bytes() for ext in (".ipynb", ".html")}
            proc = subprocess.Popen(
                [*cmd, "--force"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                start_new_session=True,
            )
            time.sleep(delay)
            if proc.poll() is not None:
                proc.communicate()
                outcomes["finished before the signal"] = outcomes.get("finished before the signal", 0) + 1
                continue
            proc.send_signal(sig)
            _, stderr = proc.communicate(timeout=300)
            after = {ext: (out / f"{KEY}{ext}").read_bytes() for ext in (".ipynb", ".html")}
            same = [after[ext] == before[ext] for ext in after]
            leftovers = sorted(str(t.relative_to(out)) for t in out.rglob(".*.tmp-*"))
            problems = []
            if proc.returncode != 130:
                problems.append(f"exit {proc.returncode}")
            if leftovers:
                problems.append(f"temporaries left: {leftovers}")
            if same[0] != same[1]:
                problems.append("the report's two files are of different versions")
            key = f"exit {proc.returncode}"
            outcomes[key] = outcomes.get(key, 0) + 1
            if problems:
                bad += 1
                print(f"run {i + 1}: {sig.name} after {delay:.2f} s: {'; '.join(problems)}\n{stderr[-2000:]}")
        print(f"{args.runs} run(s), signal within {args.within} s (seed {args.seed}): {outcomes}; {bad} bad")
        return 1 if bad else 0
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

"""Mutation testing of the modules that hold the project's logic (make mutation; see tests/README.md).

    python tests/mutate.py                 # every module below, one after the other
    python tests/mutate.py tracker data    # some of them
    python tests/mutate.py --jobs 1 plan   # fewer parallel test processes on a shared machine
    python tests/mutate.py --again tracker # only last run's survivors, against the tests as they are now

mutmut changes one thing at a time in a module (a `<` into `<=`, a constant, a string, a removed
call...) and runs the tests that reach the changed function; a mutant "survives" when they all still
pass. Each module is checked by its own, fast tests (not the whole suite).

mutmut names a module from its path under `./`, `src/` or `source/`, while the library lives in
`lib/` (fixed by the project's layout). So each run works in a scratch folder, .mutation/<module>/
(git-ignored), where `src` points to `lib` and every other top-level entry of the project points to
the real one; mutmut copies them into .mutation/<module>/mutants/ and tests there. The scratch folder
is made afresh on every run and kept afterwards, to look at the survivors:

    cd .mutation/tracker && ../../.venv/bin/mutmut show <mutant name>

Every mutant runs in a fresh process forked from one that has imported only third-party packages
(process_isolation = forkserver): the loader caches validated tables per process and the tests keep
module-level tables, so a mutant tested in a process that had already loaded the data with the
original code would not really be tested. For the same reason every mutant faces all the tests
chosen for its module, not only those that called the mutated function themselves
(tests/mutation_conftest.py).
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRATCH = ROOT / ".mutation"
TARGET = 0.80  # the share of mutants each module's tests must kill

# Imported once by the process every mutant's process is forked from: heavy and free of project state.
PRELOAD = [
    "numpy",
    "pandas",
    "pandera.pandas",
    "matplotlib",
    "matplotlib.pyplot",
    "hypothesis",
    "pytest",
    "xdist.plugin",
    "nbval.plugin",
    "nbformat",
    "jinja2",
]


@dataclass(frozen=True)
class Module:
    """A module to mutate, the functions of it that count (all when empty) and the tests that check it."""

    path: str  # relative to lib/
    tests: tuple[str, ...]
    functions: tuple[str, ...] = ()  # mutmut's mangled names: x_plan, xǁCatalogǁload
    deselect: str = ""  # a pytest -k expression of tests left out (too slow to run for every mutant)
    sample: int = 0  # run this many of its mutants, drawn with a fixed seed (0: all of them)


MODULES: dict[str, Module] = {
    "countries": Module("workplan/countries.py", ("tests/test_country_lens.py", "tests/test_analysis.py")),
    "analysis": Module("workplan/analysis.py", ("tests/test_analysis.py", "tests/test_country_lens.py")),
    "tracker": Module("workplan/tracker.py", ("tests/test_tracker.py", "tests/test_analysis.py")),
    "search": Module("workplan/search.py", ("tests/test_search.py",), deselect="cli"),
    # The command-line tests start a Python process each (seconds apiece); the loader's checks are
    # the same in this process, and the CLI's own module is not mutated.
    # The loader's own tests: every corruption it must refuse (test_data_errors.py) and the tests of
    # test_data.py that call it for more than the data (types, caching, listing). The rest of
    # test_data.py checks the data's facts, not the loader, and would double the time of each mutant.
    # Even so each mutant that survives takes half a minute: a fixed random sample of its 1,700 mutants
    # gives the score, with its margin of error.
    "data": Module(
        "workplan/data.py",
        (
            "tests/test_data_errors.py",
            *(
                f"tests/test_data.py::{name}"
                for name in (
                    "test_dataset_loads_with_the_declared_dtypes",
                    "test_typed_values_hold_exactly_what_the_file_says",
                    "test_source_text_is_the_raw_file_and_strip_whitespace_removes_all_whitespace",
                    "test_unknown_dataset_raises_with_the_known_names",
                    "test_loaded_tables_are_cached_per_catalog",
                    "test_default_catalog_is_cached_across_calls",
                    "test_mutating_a_returned_table_does_not_change_the_next_load",
                    "test_datasets_lists_every_resource_with_its_row_count",
                    "test_every_quote_of_the_plan_is_located",
                    "test_row_section_is_the_section_of_its_lines",
                )
            ),
        ),
        deselect="cli",
        sample=120,
    ),
    "digest": Module("workplan/digest.py", ("tests/test_build_steps.py",)),
    "plan": Module("workplan/build/plan.py", ("tests/test_build_steps.py",)),
}

# mutmut's exit codes (mutmut.stats.status_by_exit_code): which count as killed.
SPINNER = "".join(chr(c) for c in range(0x2800, 0x2900))  # mutmut's progress glyphs
# Killed: a failing test (1), an internal pytest error (3), or 255, which mutmut files under "timeout"
# but which its fork server gives when the test run raised: pytest's usage error (4) when a mutant
# breaks the import of a test module (module-level tables), so its tests cannot run at all.
KILLED = {1, 3, 255}
# A timeout (mutmut stops a mutant after 15 x (its tests' time + the constant below) seconds) is most
# often a busy machine, not a mutant that loops: it is not counted as killed, and --again runs it again.
TIMED_OUT = {-24, 24, 152, 36}
TIMEOUT_CONSTANT = 20.0  # seconds: the tests' recorded time leaves out module fixtures (notebook runs)


def scratch_for(name: str, module: Module, again: bool = False) -> Path:
    """A fresh .mutation/<name>/ with src -> lib and the project's other top-level entries linked;
    with `again`, the folder of the last run with its settings rewritten."""
    folder = SCRATCH / name
    if again:
        write_settings(folder, module, linked_entries())
        # Which tests reach which function is recorded afresh: mutmut would add new tests only, and
        # would keep an edited test mapped as it was.
        (folder / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    top = linked_entries()
    for entry in top:
        (folder / entry).symlink_to(ROOT / entry)
    (folder / "src").symlink_to(ROOT / "lib")
    (SCRATCH / ".gitignore").write_text("*\n", encoding="utf-8")
    write_settings(folder, module, top)
    return folder


def linked_entries() -> list[str]:
    """Everything tracked at the top but the library (src), the settings and reports/ (built)."""
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split()
    return sorted({p.split("/")[0] for p in tracked} - {"lib", "pyproject.toml", ".gitignore", "reports"})


def write_settings(folder: Path, module: Module, top: list[str]) -> None:
    """mutmut's settings (a copy of pyproject.toml with [tool.mutmut]), its preload list and conftest."""
    shutil.copy(ROOT / "tests" / "mutation_conftest.py", folder / "conftest.py")
    preload = folder / "preload.txt"
    preload.write_text("\n".join(PRELOAD) + "\n", encoding="utf-8")
    settings = {
        "source_paths": ["src/workplan"],
        "only_mutate": [f"src/{module.path}"],
        # mutmut copies tests/ and pyproject.toml itself
        "also_copy": [e for e in top if e != "tests"] + ["conftest.py"],
        "pytest_add_cli_args_test_selection": [
            *module.tests,
            *(["-k", f"not ({module.deselect})"] if module.deselect else []),
        ],
        "pytest_add_cli_args": ["-p", "no:cacheprovider", "-p", "no:xdist", "-q"],
        "process_isolation": "forkserver",
        "forkserver_warmup": "import",
        "preload_modules_file": str(preload),
        "use_git_change_detection": False,
        "timeout_constant": TIMEOUT_CONSTANT,
    }
    lines = ["", "[tool.mutmut]"] + [f"{key} = {json.dumps(value)}" for key, value in settings.items()]
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (folder / "pyproject.toml").write_text(text + "\n".join(lines) + "\n", encoding="utf-8")


def sampled_mutants(module: Module) -> list[str]:
    """`module.sample` of the module's mutants, the same ones on every run (mutmut's own naming)."""
    from mutmut.mutation.file_mutation import mutate_file_contents

    path = ROOT / "lib" / module.path
    names = mutate_file_contents(f"src/{module.path}", path.read_text(encoding="utf-8")).mutant_names
    dotted = module.path.removesuffix(".py").replace("/", ".")
    return sorted(random.Random(0).sample(sorted(f"{dotted}.{n}" for n in names), module.sample))


def results(folder: Path, module: Module) -> dict[str, int]:
    """Each counted mutant's exit code, from the file mutmut keeps beside the mutated module."""
    meta = json.loads((folder / "mutants" / "src" / f"{module.path}.meta").read_text(encoding="utf-8"))
    codes = meta["exit_code_by_key"]
    if module.sample:
        codes = {key: code for key, code in codes.items() if code is not None}
    if not module.functions:
        return codes
    return {
        key: code
        for key, code in codes.items()
        if any(fnmatch.fnmatch(key.rsplit(".", 1)[-1], f"{f}__mutmut_*") for f in module.functions)
    }


def follow(command: list[str], folder: Path, env: dict[str, str], log: Path) -> int:
    """Run mutmut with its whole output in `log`; show its steps and, every half minute, its progress."""
    shown_at = 0.0
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            command, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert process.stdout is not None
        for raw in process.stdout:
            out.write(raw)
            # mutmut redraws a spinner with carriage returns: keep the last state of each line.
            line = raw.rstrip("\n").split("\r")[-1].strip()
            if not line or line[0] in SPINNER and "/" not in line or line[0] in "🎉🙁🫥⏰🤔🔇🧙":
                continue
            if line[0] in SPINNER:  # "⠧ 41/53  🎉 34 🫥 0 ..." : killed, no tests, timeout, ... survived
                if time.monotonic() - shown_at < 30:
                    continue
                shown_at = time.monotonic()
            print(f"   {line}", flush=True)
        return process.wait()


def run(name: str, module: Module, jobs: int, again: bool = False) -> tuple[int, int, list[str]]:
    """Mutate one module; with `again`, re-run only last run's survivors against the tests as they are now
    (mutmut copies tests/ afresh; the module itself must not have changed)."""
    folder = SCRATCH / name
    mutated = folder / "mutants" / "src"
    if again and not (mutated / f"{module.path}.meta").exists():
        raise SystemExit(
            f"--again {name}: no earlier run in {folder.relative_to(ROOT)}; run it in full first"
        )
    scratch_for(name, module, again=again)
    # The folder must exist before mutmut starts: Python skips, for good, a path entry it found missing.
    mutated.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    # Tests that start a Python process (the CLI, a kernel) import the mutated copy, not lib/.
    env["PYTHONPATH"] = str(mutated)
    mutmut = Path(sys.executable).with_name("mutmut")
    command = [str(mutmut), "run", "--max-children", str(jobs)]
    if again:
        command += sorted(key for key, code in results(folder, module).items() if code not in KILLED)
    elif module.sample:
        command += sampled_mutants(module)
    elif module.functions:
        command += [
            f"{module.path.removesuffix('.py').replace('/', '.')}.{f}__mutmut_*" for f in module.functions
        ]
    print(f"== {name}: mutating lib/{module.path} against {', '.join(module.tests)}", flush=True)
    log = folder / "mutmut.log"
    code = follow(command, folder, env, log)
    if code != 0:
        raise SystemExit(f"mutmut stopped for {name} (exit {code}); its output is in {log.relative_to(ROOT)}")
    codes = results(folder, module)
    killed = sum(code in KILLED for code in codes.values())
    survivors = sorted(
        f"{key} (timed out)" if code in TIMED_OUT else key
        for key, code in codes.items()
        if code not in KILLED
    )
    return killed, len(codes), survivors


def wilson_interval(killed: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of a share measured on a random sample."""
    share = killed / total
    centre = (share + z * z / (2 * total)) / (1 + z * z / total)
    half = z * ((share * (1 - share) / total + z * z / (4 * total * total)) ** 0.5) / (1 + z * z / total)
    return centre - half, centre + half


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("modules", nargs="*", metavar="MODULE", help=f"some of: {', '.join(MODULES)}")
    parser.add_argument("--jobs", type=int, default=2, help="test processes at once (default 2)")
    parser.add_argument(
        "--again", action="store_true", help="re-run only the survivors of the last run, with today's tests"
    )
    args = parser.parse_args(argv)
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        parser.error(f"unknown module(s) {', '.join(unknown)}: expected some of {', '.join(MODULES)}")
    chosen = args.modules or list(MODULES)
    scores = {}
    for name in chosen:
        scores[name] = run(name, MODULES[name], args.jobs, again=args.again)
    print("\nmodule      killed/total  score")
    below = []
    for name, (killed, total, survivors) in scores.items():
        share = killed / total if total else 0.0
        margin = ""
        if MODULES[name].sample and total:
            low, high = wilson_interval(killed, total)
            margin = f"  (a sample of its mutants; 95% interval {low:.1%} to {high:.1%})"
        print(f"{name:<11} {killed:>6}/{total:<6} {share:6.1%}{margin}")
        for key in survivors:
            print(f"    not killed: {key}")
        if share < TARGET:
            below.append(name)
    if below:
        print(f"below the target of {TARGET:.0%}: {', '.join(below)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

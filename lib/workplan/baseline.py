"""Refresh the regression baselines: the committed notebooks, executed in place with their default
parameters (nbval compares them), and the text of every report of the matrix in tests/expected/
(tests/test_build.py compares it, so a change that only breaks the Japanese reports is caught)."""

from __future__ import annotations

import asyncio
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from .build.convert import notebook_bytes
from .build.execute import Executor, clear_volatile_metadata, import_nbformat
from .build.outputs import atomic_write
from .errors import KernelStartError, ReportExecutionError
from .paths import DEFAULT_DATA_DIR, NOTEBOOK_DIR


async def _run(paths: list[Path], jobs: int) -> list[str]:
    nbformat = import_nbformat()
    executor = Executor(timeout=600, data_dir=DEFAULT_DATA_DIR, warm_up=False)
    semaphore = asyncio.Semaphore(jobs)
    errors: list[str] = []

    async def one(path: Path) -> None:
        async with semaphore:
            nb = nbformat.read(path, as_version=4)
            try:
                kernel = await executor.start_kernel()
            except KernelStartError as exc:
                errors.append(f"{path.name}: {exc}")
                return
            try:
                await executor.execute(nb, path.name, kernel)
            except ReportExecutionError as exc:
                errors.append(str(exc))
                return
            finally:
                await executor.stop_kernel(kernel)
            clear_volatile_metadata(nb)
            atomic_write(path, notebook_bytes(nb))
            print(f"executed {path.relative_to(NOTEBOOK_DIR.parent)}", flush=True)

    try:
        await asyncio.gather(*(one(p) for p in paths))
    finally:
        await executor.stop_all()
    return errors


def baseline_notebooks() -> list[Path]:
    """Every notebook nbval checks: the report notebooks and the ones in subfolders (explore/)."""
    return sorted(p for p in NOTEBOOK_DIR.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def refresh_baseline(names: list[str], jobs: int = 2) -> int:
    """The notebooks given (default: all, and then tests/expected/ as well)."""
    paths = [Path(n).resolve() for n in names] or baseline_notebooks()
    errors = asyncio.run(_run(paths, jobs))
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    if errors:
        return 1
    return 0 if names else refresh_expectations(jobs)


# --- the text of every report (tests/expected/<lang>/<report>.txt) --------------------------------

EXPECTED_DIR = NOTEBOOK_DIR.parent / "tests" / "expected"
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")


class _VisibleText(HTMLParser):
    """The text a reader sees in an HTML output, one line per block."""

    BLOCKS = {"p", "div", "tr", "br", "li", "h1", "h2", "h3", "h4", "table", "thead", "tbody", "caption"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" | ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data.replace("\n", " "))  # lines come from the block tags

    def text(self) -> str:
        lines = (" ".join(line.split()).removeprefix("| ") for line in "".join(self.parts).splitlines())
        return "\n".join(line for line in lines if line)


def _visible(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return parser.text()


def expected_text(nb: Any) -> str:
    """Every text output of an executed notebook (tables as their visible text, charts as their
    plain-text form), cell by cell: what tests/test_build.py compares with tests/expected/."""
    chunks = []
    for index, cell in enumerate(nb["cells"], start=1):
        if cell["cell_type"] != "code" or "injected-parameters" in cell["metadata"].get("tags", []):
            continue
        texts = []
        for output in cell.get("outputs", []):
            if output["output_type"] == "stream":
                texts.append(f"[{output['name']}]\n{''.join(output['text']).rstrip()}")
            elif output["output_type"] in ("display_data", "execute_result"):
                data = output.get("data", {})
                if "text/html" in data:
                    texts.append(_visible("".join(data["text/html"])))
                elif "text/markdown" in data:
                    texts.append("".join(data["text/markdown"]).rstrip())
                elif "text/plain" in data:
                    texts.append("".join(data["text/plain"]).rstrip())
                if "image/png" in data:
                    texts.append("[image/png]")
            elif output["output_type"] == "error":
                texts.append(f"[error] {output['ename']}: {output['evalue']}")
        if texts:
            chunks.append(f"--- cell {index}\n" + "\n".join(texts))
    return _ADDRESS.sub("0xADDRESS", "\n".join(chunks) + "\n")


def expected_path(key: str, root: Path = EXPECTED_DIR) -> Path:
    return root / f"{key}.txt"


def refresh_expectations(jobs: int) -> int:
    """Build every report at the plan's date (into reports/, incrementally) and write the text of each
    into tests/expected/; files of reports no longer in the matrix are removed."""
    import json

    from .build import Build, BuildOptions
    from .matrix import report_matrix
    from .paths import REPORTS_DIR

    code = Build(BuildOptions(jobs=jobs, quiet=True)).run()
    if code != 0:
        print("error: the build failed; tests/expected/ was not refreshed", file=sys.stderr)
        return code
    keys = {spec.key for spec in report_matrix()}
    for key in sorted(keys):
        nb = json.loads((REPORTS_DIR / f"{key}.ipynb").read_text(encoding="utf-8"))
        atomic_write(expected_path(key), expected_text(nb).encode("utf-8"))
    for stale in EXPECTED_DIR.glob("*/*.txt"):
        if f"{stale.parent.name}/{stale.stem}" not in keys:
            stale.unlink()
    print(f"refreshed tests/expected/ ({len(keys)} reports)")
    return 0

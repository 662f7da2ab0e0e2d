"""Refresh the nbval baseline: execute the committed notebooks in place with their default parameters."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from .build import (
    Executor,
    KernelStartError,
    ReportExecutionError,
    atomic_write,
    clear_volatile_metadata,
    notebook_bytes,
)
from .matrix import NOTEBOOKS
from .paths import DEFAULT_DATA_DIR, NOTEBOOK_DIR


async def _run(paths: list[Path], jobs: int) -> list[str]:
    import nbformat

    executor = Executor(jobs, timeout=600, data_dir=DEFAULT_DATA_DIR, warm_up=False)
    semaphore = asyncio.Semaphore(jobs)
    errors: list[str] = []

    async def one(path: Path) -> None:
        async with semaphore:
            nb = nbformat.read(path, as_version=4)
            try:
                km = await executor.start_kernel()
            except KernelStartError as exc:
                errors.append(f"{path.name}: {exc}")
                return
            try:
                await executor.execute(nb, path.name, km)
            except ReportExecutionError as exc:
                errors.append(str(exc))
                return
            finally:
                await executor.stop_kernel(km)
            clear_volatile_metadata(nb)
            atomic_write(path, notebook_bytes(nb))
            print(f"executed {path.relative_to(NOTEBOOK_DIR.parent)}", flush=True)

    try:
        await asyncio.gather(*(one(p) for p in paths))
    finally:
        await executor.stop_all()
    return errors


def refresh_baseline(names: list[str], jobs: int = 2) -> int:
    paths = [Path(n).resolve() for n in names] or [NOTEBOOK_DIR / nb.file for nb in NOTEBOOKS.values()]
    errors = asyncio.run(_run(paths, jobs))
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    return 1 if errors else 0

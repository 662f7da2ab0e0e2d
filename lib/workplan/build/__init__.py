"""The report build: plan what changed, validate, execute notebooks in parallel kernels, convert, record.

    python -m workplan build [--force] [--only PATTERN] [--jobs N] [--as-of DATE] [--shard I/N] …
    python -m workplan build --merge DIR…
    python -m workplan render NOTEBOOK -p NAME VALUE … -o FILE
    python -m workplan html EXECUTED.ipynb -o FILE.html

One module per job, imported only when needed (planning imports nothing heavy):

    plan.py      hashes of the inputs, what changed and why
    execute.py   kernels (the named `workplan` kernel) and nbclient; what each notebook read
    convert.py   executed notebook → the HTML readers see
    outputs.py   atomic writes, a report's files swapped together, the manifest
    lock.py      one build at a time per output folder
    site.py      the index page; downloads.py the data downloads (CSV with BOM, Excel workbook)
    shards.py    combining the parts of a build made on several machines
    render.py    one report with any parameters; the HTML of a notebook papermill executed
    run.py       the build itself: options, exit codes, progress and summary
"""

from __future__ import annotations

from .run import (
    EXIT_BAD_INPUT,
    EXIT_CANNOT_WRITE,
    EXIT_INTERRUPTED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_REPORT_FAILED,
    Build,
    BuildOptions,
)

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_CANNOT_WRITE",
    "EXIT_INTERRUPTED",
    "EXIT_LOCKED",
    "EXIT_OK",
    "EXIT_REPORT_FAILED",
    "Build",
    "BuildOptions",
    "main_build",
]


def main_build(options: BuildOptions) -> int:
    return Build(options).run()

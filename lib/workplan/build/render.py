"""One report on demand, and the HTML of a notebook papermill executed — both as the build makes them.

    python -m workplan render country -p country PHL -p lang ja -p as_of 2026-06-30 -o phl-ja.html
    papermill notebooks/country.ipynb out.ipynb -p country PHL -p lang ja
    python -m workplan html out.ipynb -o out.html

`render` runs the notebook in a fresh `workplan` kernel with its parameters checked first (exit 2
and a message naming the parameter and what is allowed; without `-p as_of` the status is today's, as
in `build`: the UTC date, or $WORKPLAN_AS_OF), then converts it exactly as the build
does; its navigation points to the published site when its address is known and is left out
otherwise, so the file has no dead links wherever it travels. `html` reads which report it is from
the notebook itself (papermill's record of its input and the parameters cells).
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from ..errors import (
    KernelStartError,
    OutputError,
    ParameterError,
    ReportExecutionError,
)
from ..matrix import NOTEBOOKS, ReportSpec, cell_parameters, notebook_key, notebook_parameters, report_spec
from ..paths import DEFAULT_DATA_DIR, NOTEBOOK_DIR, REPORTS_DIR
from .outputs import WRITE_ERRNOS, atomic_write
from .run import EXIT_BAD_INPUT, EXIT_CANNOT_WRITE, EXIT_INTERRUPTED, EXIT_OK, EXIT_REPORT_FAILED


def typed_values(pairs: list[tuple[str, str]], defaults: dict[str, Any]) -> dict[str, Any]:
    """Command-line strings typed like the notebook's defaults (`-p pillar 2` is the integer 2)."""
    values: dict[str, Any] = {}
    for name, text in pairs:
        default = defaults.get(name)
        if isinstance(default, int) and not isinstance(default, bool):
            try:
                values[name] = int(text)
            except ValueError:
                raise ParameterError(name, text, "a whole number") from None
        else:
            values[name] = text
    return values


def locate(notebook: str) -> tuple[str, Path]:
    """A report notebook given by path ('notebooks/country.ipynb') or name ('country')."""
    key = notebook_key(notebook)
    path = Path(notebook)
    folder = path.parent if path.suffix == ".ipynb" and path.is_file() else NOTEBOOK_DIR
    return key, folder


def render(
    notebook: str,
    pairs: list[tuple[str, str]],
    out_file: Path,
    data_dir: Path = DEFAULT_DATA_DIR,
    timeout: int = 300,
) -> int:
    try:
        key, folder = locate(notebook)
        defaults = notebook_parameters(folder / NOTEBOOKS[key].file)
        from ..params import build_as_of, check_request

        if "as_of" in defaults and "as_of" not in dict(pairs):
            pairs = [*pairs, ("as_of", build_as_of())]  # the status today, as `build` gives it
        spec = report_spec(key, check_request(pairs, defaults), data_dir, folder)
    except ParameterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from .execute import missing_kernel

    problem = missing_kernel()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        nb, html = asyncio.run(_execute(spec, data_dir, folder, timeout))
    except KeyboardInterrupt:
        print("interrupted; nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED
    except InvalidData as exc:
        print(f"error: invalid data; nothing was rendered\n{exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (ReportExecutionError, KernelStartError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REPORT_FAILED
    from .convert import notebook_bytes

    content = notebook_bytes(nb) if out_file.suffix == ".ipynb" else html
    if out_file.suffix == ".pdf":  # printed by Chromium from the same HTML (build/pdf.py)
        from .pdf import pdf_of

        try:
            content = pdf_of(html)
        except OutputError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_CANNOT_WRITE
    code = _write(out_file, content)
    if code == EXIT_OK:
        print(f"wrote {out_file} ({spec.key}, {spec.params_json()})")
    return code


# Run in the report's kernel before the notebook: every table loaded and validated (the notebook
# then finds them in the loader's cache, as in the build's warm kernels), no name left behind.
VALIDATE = "__import__('workplan.data').data.default_catalog().load_all()"


async def _execute(spec: ReportSpec, data_dir: Path, folder: Path, timeout: int) -> tuple[Any, bytes]:
    """Start the kernel first: while it imports pandas, matplotlib and the library and validates the
    data, this process loads nbconvert and papermill and prepares the notebook. What reaches the
    page is the same as in the build (its warm kernels load every table before the notebook too)."""
    from .convert import Converter, Links
    from .execute import Executor, clear_volatile_metadata, parameterised
    from .site import site_url

    executor = Executor(
        timeout, data_dir, warm_up=True, notebook_dir=folder, validated_digest=validated_before(data_dir)
    )
    kernel_task = asyncio.ensure_future(executor.start_kernel())
    converter = asyncio.ensure_future(asyncio.to_thread(Converter, (spec.lang,)))
    try:
        nb = await asyncio.to_thread(parameterised, spec)
        kernel = await kernel_task
        if executor.validated_digest is None:  # else the notebook loads what it reads, unchecked again
            await _validate_in(kernel, spec.key)
        await executor.execute(nb, spec.key, kernel)
    finally:
        if not kernel_task.done():
            kernel_task.cancel()
        await executor.stop_all()
    clear_volatile_metadata(nb)
    html = (await converter).html(nb, spec, Links.for_report(spec, site_url(), in_site=False))
    return nb, html


def validated_before(data_dir: Path, reports: Path = REPORTS_DIR) -> str | None:
    """The data's digest if the last build into `reports` validated exactly these bytes with this
    library (its manifest's validation record, as the build's own incremental validation reads it),
    else None: the kernel then validates every table itself."""
    from ..digest import SCHEMA_FILE, data_digest
    from .outputs import read_manifest
    from .plan import DataHashes, Shared
    from .validation import stale_tables

    record = read_manifest(reports).get("validation")
    try:
        package = json.loads((data_dir / SCHEMA_FILE).read_text(encoding="utf-8"))
        names = [r["name"] for r in package["resources"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(record, dict) or set(record.get("tables") or {}) != set(names):
        return None
    if stale_tables(names, record, Shared.compute(), DataHashes(data_dir)):
        return None
    return data_digest(data_dir)


class InvalidData(Exception):
    """The kernel's loader refused the data; the message is the loader's (file, row, column)."""


async def _validate_in(kernel: Any, key: str) -> None:
    reply = await kernel.kc.execute_interactive(
        VALIDATE, silent=True, store_history=False, timeout=120, output_hook=lambda msg: None
    )
    content = reply["content"]
    if content.get("status") != "ok":
        if content.get("ename") == "DataValidationError":
            raise InvalidData(content.get("evalue", ""))
        raise ReportExecutionError(
            key, None, content.get("ename", "error"), content.get("evalue", ""), VALIDATE
        )


def report_of(nb: dict[str, Any], notebook: str | None, data_dir: Path) -> ReportSpec:
    """Which report an executed notebook is: its notebook (given, or papermill's record of its input)
    and the values its parameters cells set (the injected values over the defaults)."""
    from ..matrix import tagged_source

    source = notebook or nb.get("metadata", {}).get("papermill", {}).get("input_path")
    if not source:
        raise ParameterError(
            "notebook", None, "the report notebook it was executed from (--notebook), e.g. country.ipynb"
        )
    key = notebook_key(source)
    values: dict[str, Any] = {}
    for tag in ("parameters", "injected-parameters"):
        cell = tagged_source(nb, tag)
        if cell is not None:
            values.update(cell_parameters(cell, tag))
    return report_spec(key, values, data_dir, NOTEBOOK_DIR)


def html(
    executed: Path,
    out_file: Path,
    notebook: str | None = None,
    standalone: bool = False,
    data_dir: Path = DEFAULT_DATA_DIR,
) -> int:
    try:
        raw = json.loads(executed.read_text(encoding="utf-8"))
        spec = report_of(raw, notebook, data_dir)
    except (OSError, ValueError) as exc:
        print(f"error: cannot read {executed}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ParameterError as exc:
        print(f"error: {executed}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from .convert import Converter, Links
    from .execute import import_nbformat
    from .site import site_url

    nb = import_nbformat().reads(json.dumps(raw), as_version=4)
    links = Links.for_report(spec, site_url(), in_site=not standalone)
    code = _write(out_file, Converter().html(nb, spec, links))
    if code == EXIT_OK:
        print(f"wrote {out_file} ({spec.key})")
    return code


def _write(path: Path, content: bytes) -> int:
    try:
        atomic_write(path, content)
    except OSError as exc:
        if exc.errno not in WRITE_ERRNOS:
            raise
        print(f"error: cannot write {path}: {exc.strerror}", file=sys.stderr)
        return EXIT_CANNOT_WRITE
    except OutputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CANNOT_WRITE
    return EXIT_OK

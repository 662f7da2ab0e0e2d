"""A report as PDF, printed by Chromium from the report's own HTML (its print style: no navigation,
charts and tables kept whole, the addresses of links written out).

Debian's `chromium` package is used (`apt-get install chromium`; another path in $WORKPLAN_CHROMIUM).
Chromium writes the time of printing into the PDF; it is replaced by a fixed date of the same length,
so the same report gives the same bytes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import OutputError

CHROMIUM_ENV = "WORKPLAN_CHROMIUM"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
    "--no-pdf-header-footer",
]
_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:[^)]*\)")


def chromium() -> str:
    """The Chromium to print with, or OutputError saying how to get one."""
    path = os.environ.get(CHROMIUM_ENV) or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        raise OutputError(
            f"a PDF needs Chromium: {path} not found (install it with `apt-get install chromium`, "
            f"or set {CHROMIUM_ENV} to its path)"
        )
    return path


def _fixed_dates(pdf: bytes) -> bytes:
    def fixed(match: re.Match[bytes]) -> bytes:
        old = match.group(0)
        new = b"/" + match.group(1) + b" (D:20260101000000Z)"
        return new.ljust(len(old))[: len(old)] if len(new) <= len(old) else old

    return _DATE.sub(fixed, pdf)


def pdf_of(html: bytes, timeout: int = 120) -> bytes:
    """The PDF Chromium prints from `html` (a whole report page)."""
    binary = chromium()
    with tempfile.TemporaryDirectory(prefix="workplan-pdf-") as folder:
        page = Path(folder) / "report.html"
        out = Path(folder) / "report.pdf"
        page.write_bytes(html)
        cmd = [binary, *ARGS, f"--user-data-dir={folder}/profile", f"--print-to-pdf={out}", page.as_uri()]
        result = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
        )
        if result.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
            raise OutputError(
                f"Chromium could not print the report (exit {result.returncode}): {result.stderr[-500:]}"
            )
        return _fixed_dates(out.read_bytes())


def write_pdfs(out_dir: Path, pages: list[str]) -> list[str]:
    """A PDF beside each report page of `pages` (relative .html paths) whose PDF is missing or older."""
    from .outputs import atomic_write

    written = []
    for name in pages:
        html = out_dir / name
        pdf = html.with_suffix(".pdf")
        if html.is_file() and (not pdf.is_file() or pdf.stat().st_mtime < html.stat().st_mtime):
            atomic_write(pdf, pdf_of(html.read_bytes()))
            written.append(pdf.relative_to(out_dir).as_posix())
    return written


def pdf_build(out_dir: Path, quiet: bool = False) -> int:
    """`build --pdf`: a PDF beside every report the build wrote (exit 4 naming what failed)."""
    import sys

    from ..matrix import report_matrix
    from .run import EXIT_CANNOT_WRITE

    pages = sorted({p for spec in report_matrix() for p in spec.outputs if p.endswith(".html")})
    try:
        written = write_pdfs(out_dir, pages)
    except (OutputError, OSError, subprocess.TimeoutExpired) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CANNOT_WRITE
    if not quiet or written:
        print(f"PDF: {len(written)} written, {len(pages) - len(written)} up to date")
    return 0

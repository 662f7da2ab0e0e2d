"""Content hashes of the project's inputs (light: standard library only)."""

from __future__ import annotations

import hashlib
from pathlib import Path

# Set by the build for its kernels: the digest of a data folder it has just validated.
VALIDATED_ENV = "WORKPLAN_VALIDATED_DATA"


def hash_files(paths: list[Path], root: Path) -> str:
    """One sha256 over the files' paths (relative to `root`) and bytes, in a stable order."""
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(str(path.relative_to(root)).encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def data_digest(data_dir: Path) -> str:
    """The hash of every file of a data folder (raw source, tables, schema, documentation)."""
    files = [p for p in data_dir.rglob("*") if p.is_file() and not p.name.startswith(".")]
    return hash_files(files, data_dir)

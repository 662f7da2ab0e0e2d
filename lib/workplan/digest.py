"""Content hashes of the project's inputs, and the record of which data files a process read.

Light: standard library only. The loader calls `record_read` for every table, schema entry and
file it reads; the build collects `READS` from each report's kernel after the notebook ran, keeps
the list in the manifest, and rebuilds a report only when something it read changed.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from pathlib import Path

# Set by the build for its kernels: the digest of a data folder it has just validated.
VALIDATED_ENV = "WORKPLAN_VALIDATED_DATA"

SCHEMA_FILE = "datapackage.json"

# What this process has read from the data folder: file paths relative to it ("ivo_forums.csv",
# "raw/….txt") and parts of the schema: a table's entry ("datapackage.json#ivo_forums"), the
# package's own properties (its vocabularies, sources…: PACKAGE) and which tables and columns
# there are (TABLES: code that looks through every table, e.g. for country columns, depends on it).
READS: set[str] = set()
PACKAGE = f"{SCHEMA_FILE}#*package"
TABLES = f"{SCHEMA_FILE}#*tables"


def record_read(path: str, resource: str | None = None) -> None:
    """Note that this process read the data file `path` (relative to the data folder) and, for a table,
    its entry `resource` in datapackage.json, which comes with the package's properties and list of
    tables."""
    READS.add(path)
    if resource is not None:
        READS.update((f"{SCHEMA_FILE}#{resource}", PACKAGE, TABLES))


@contextlib.contextmanager
def reads_of() -> Iterator[set[str]]:
    """The set of what the code inside the block reads (filled when it ends); READS keeps all of it."""
    outer = set(READS)
    READS.clear()
    made: set[str] = set()
    try:
        yield made
    finally:
        made.update(READS)
        READS.update(outer)


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

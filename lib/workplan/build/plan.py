"""Planning: which reports need building, and why (standard library only, so it stays fast).

A report depends on its notebook, its parameters, the library's source, the pinned environment,
and the data it read the last time it ran: the tables (with their entries in datapackage.json)
and files its kernel recorded (workplan.digest.READS), kept in the manifest with their content
hashes. It is rebuilt when one of these changed, when it has no such record (a new report, an
older manifest, a failure or an interruption), or when its files are missing.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..digest import PACKAGE, SCHEMA_FILE, TABLES, hash_files
from ..matrix import ReportSpec
from ..paths import LIB_DIR, PROJECT_ROOT
from .outputs import FORMAT_VERSION

DEPENDENCY_FILES = ("requirements.lock", "pyproject.toml")
LIBRARY_SUFFIXES = {".py", ".j2", ".json", ".css"}


def library_digest() -> str:
    """The library's own source (the build included: it shapes the HTML)."""
    files = [
        p
        for p in LIB_DIR.rglob("*")
        if p.is_file() and p.suffix in LIBRARY_SUFFIXES and "__pycache__" not in p.parts
    ]
    return hash_files(files, LIB_DIR)


def dependencies_digest() -> str:
    """The pinned environment: the lock file, the direct pins and the Python version that runs it."""
    files = [PROJECT_ROOT / name for name in DEPENDENCY_FILES if (PROJECT_ROOT / name).exists()]
    h = hashlib.sha256(hash_files(files, PROJECT_ROOT).encode())
    h.update(f"python {sys.version_info.major}.{sys.version_info.minor}".encode())
    return h.hexdigest()


def sha256_bytes(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class DataHashes:
    """Content hashes of what a report can read from a data folder, each computed once per build."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self._cache: dict[str, str | None] = {}
        self._schema: dict[str, str] | None = None

    def __call__(self, key: str) -> str | None:
        """The hash of a recorded read: a file path relative to the data folder, or
        'datapackage.json#<resource>' for one table's schema entry; None if it no longer exists."""
        if key not in self._cache:
            self._cache[key] = self._hash(key)
        return self._cache[key]

    def _hash(self, key: str) -> str | None:
        if key.startswith(f"{SCHEMA_FILE}#"):
            return self.schema_entries().get(key.split("#", 1)[1])
        path = self.data_dir / key
        try:
            return sha256_bytes(path.read_bytes())
        except OSError:
            return None

    def schema_entries(self) -> dict[str, str]:
        """Hashes of the parts of datapackage.json a read can name (see workplan.digest)."""
        if self._schema is None:
            try:
                package = json.loads((self.data_dir / SCHEMA_FILE).read_text(encoding="utf-8"))
                resources = [r for r in package.get("resources", []) if isinstance(r, dict) and "name" in r]
            except (OSError, ValueError, AttributeError):
                package, resources = {}, []

            def digest(value: object) -> str:
                return sha256_bytes(json.dumps(value, sort_keys=True, ensure_ascii=False).encode())

            tables = [
                (r["name"], [f.get("name") for f in r.get("schema", {}).get("fields", [])]) for r in resources
            ]
            self._schema = {r["name"]: digest(r) for r in resources}
            self._schema[PACKAGE.split("#", 1)[1]] = digest(
                {k: v for k, v in package.items() if k != "resources"}
            )
            self._schema[TABLES.split("#", 1)[1]] = digest(tables)
        return self._schema

    def record(self, reads: list[str]) -> dict[str, str | None]:
        return {key: self(key) for key in sorted(reads)}


@dataclass
class Shared:
    """What every report depends on, hashed once per build."""

    library: str
    dependencies: str
    site_url: str  # where the navigation links point ("" for links within the folder)

    @classmethod
    def compute(cls) -> Shared:
        from ..paths import site_url

        return cls(library_digest(), dependencies_digest(), site_url() or "")


def report_inputs(spec: ReportSpec, shared: Shared, notebook_hash: str) -> dict[str, Any]:
    """A report's inputs apart from its data, as recorded in the manifest."""
    return {
        "format": FORMAT_VERSION,
        "notebook": notebook_hash,
        "parameters": spec.params_json(),
        "library": shared.library,
        "dependencies": shared.dependencies,
        "links": shared.site_url,
    }


def input_hash(inputs: dict[str, Any], reads: dict[str, str | None] | None) -> str:
    """One hash over a report's inputs and the data it read."""
    text = json.dumps({"inputs": inputs, "reads": reads}, sort_keys=True, ensure_ascii=False)
    return sha256_bytes(text.encode())


@dataclass
class Planned:
    spec: ReportSpec
    inputs: dict[str, Any]
    reasons: list[str] = field(default_factory=list)  # why it is built; empty when it is up to date

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


INPUT_NAMES = {
    "format": "build format",
    "notebook": "notebook",
    "parameters": "parameters",
    "library": "library",
    "dependencies": "dependencies",
    "links": "site address",
}


def why(entry: dict[str, Any] | None, inputs: dict[str, Any], hashes: DataHashes) -> list[str]:
    """The reasons to rebuild a report whose manifest entry is `entry` (empty: up to date)."""
    if entry is None:
        return ["new"]
    if entry.get("status") != "ok":
        return [f"last build {entry.get('status')}"]
    reasons = []
    recorded = entry.get("inputs") or {}
    changed = [INPUT_NAMES[k] for k in INPUT_NAMES if recorded.get(k) != inputs[k]]
    if changed:
        reasons.append(", ".join(changed) + " changed")
    reads = entry.get("reads")
    if not isinstance(reads, dict):
        reasons.append("no record of the data it read")
    else:
        data_changed = [key for key, digest in sorted(reads.items()) if hashes(key) != digest]
        if data_changed:
            reasons.append("data changed: " + ", ".join(data_changed))
    return reasons


def plan(
    specs: list[ReportSpec],
    previous: dict[str, Any],
    out_dir: Path,
    shared: Shared,
    hashes: DataHashes,
    force: bool = False,
) -> list[Planned]:
    """Which reports need building, and why. `previous` is the manifest's reports."""
    notebook_hashes: dict[Path, str] = {}
    planned = []
    for spec in specs:
        path = spec.notebook_path
        if path not in notebook_hashes:
            notebook_hashes[path] = sha256_bytes(path.read_bytes())
        inputs = report_inputs(spec, shared, notebook_hashes[path])
        if force:
            reasons = ["forced"]
        else:
            reasons = why(previous.get(spec.key), inputs, hashes)
            if not reasons and not all((out_dir / o).exists() for o in spec.outputs):
                reasons = ["output missing"]
        planned.append(Planned(spec, inputs, reasons))
    return planned

"""Merging shards: `build --shard I/N` on N machines, then `build --merge DIR…` on one.

Each shard builds its part of the matrix into its own output folder and records the part in its
manifest. Before anything is copied, the merge checks that the folders are the N parts of one build
(none missing, none given twice) and that every part, not only the first, was built from the inputs
the merge has now: the same data, library and dependencies, and for every report it holds the
notebook, parameters (the date among them) and data it read. Then it copies each part's reports
(both files of a report swapped together) and combines the manifests; run.py writes the index and
the data downloads, as a single build would.

This module does not import the build (run.py imports it): no import cycle.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import ShardError
from ..matrix import ReportSpec
from .outputs import commit_files, read_manifest, write_manifest
from .plan import DataHashes, Shared, plan


def read_shards(dirs: list[Path]) -> list[tuple[Path, dict[str, Any]]]:
    """The shard manifests of `dirs`, checked to be the N parts of one build."""
    shards = []
    for folder in dirs:
        manifest = read_manifest(folder)
        if not isinstance(manifest.get("shard"), dict):
            raise ShardError(f"{folder} holds no shard build (its manifest.json has no shard record)")
        shards.append((folder, manifest))
    counts = {m["shard"]["count"] for _, m in shards}
    if len(counts) != 1:
        raise ShardError(f"the shards were made for different numbers of parts: {sorted(counts)}")
    (count,) = counts
    indices = sorted(m["shard"]["index"] for _, m in shards)
    duplicated = sorted({i for i in indices if indices.count(i) > 1})
    missing = sorted(set(range(1, count + 1)) - set(indices))
    if duplicated:
        raise ShardError(f"part(s) {', '.join(map(str, duplicated))} of {count} given twice")
    if missing:
        raise ShardError(f"part(s) {', '.join(map(str, missing))} of {count} missing")
    return shards


def _part(folder: Path, manifest: dict[str, Any]) -> str:
    shard = manifest["shard"]
    return f"part {shard['index']} of {shard['count']} ({folder})"


def check_inputs(
    shards: list[tuple[Path, dict[str, Any]]],
    specs: list[ReportSpec],
    shared: Shared,
    data: str,
    data_dir: Path,
) -> None:
    """Every part was built from the inputs the merge has now (ShardError naming the part and what
    differs): the data folder's digest, the library and dependencies, and each report's own record
    (notebook, parameters with the date, the data it read), as a build would plan it here."""
    by_key = {spec.key: spec for spec in specs}
    hashes = DataHashes(data_dir)
    library = {"library": shared.library, "dependencies": shared.dependencies}
    keys_seen: dict[str, str] = {}
    for folder, manifest in shards:
        part = _part(folder, manifest)
        if manifest.get("data") != data:
            raise ShardError(f"{part} was built from other data than {data_dir}")
        if manifest.get("inputs") != library:
            raise ShardError(f"{part} was built with another library or other dependencies than this one")
        for key in manifest["shard"].get("keys", []):
            if key in keys_seen:
                raise ShardError(f"{key} is in both {keys_seen[key]} and {part}")
            keys_seen[key] = part
            spec = by_key.get(key)
            if spec is None:
                raise ShardError(f"{part} holds {key}, which is not a report of this build (its --as-of?)")
            entry = manifest["reports"].get(key)
            if entry is None:
                continue
            (planned,) = plan([spec], {}, folder, shared, hashes, force=True)
            if entry.get("inputs") != planned.inputs:
                recorded = entry.get("inputs") or {}
                what = sorted(k for k in planned.inputs if recorded.get(k) != planned.inputs[k])
                raise ShardError(f"{part}: {key} was built with other {', '.join(what) or 'inputs'}")
            if entry.get("status") == "ok":
                (again,) = plan([spec], {key: entry}, folder, shared, hashes)
                if again.reasons:
                    raise ShardError(f"{part}: {key} is not up to date here: {again.reason}")


def copy_parts(
    shards: list[tuple[Path, dict[str, Any]]], out_dir: Path, manifest: dict[str, Any]
) -> tuple[int, int]:
    """Each part's reports into `out_dir` and `manifest`; (copied, failed)."""
    copied = failed = 0
    for folder, shard in shards:
        for key in shard["shard"]["keys"]:
            entry = shard["reports"].get(key)
            if entry is None:
                continue
            if entry.get("status") == "ok":
                files = {rel: (folder / rel).read_bytes() for rel in entry["outputs"]}
                unchanged = all(
                    (out_dir / rel).is_file() and (out_dir / rel).read_bytes() == content
                    for rel, content in files.items()
                )
                if not unchanged:
                    commit_files(out_dir, files, key)
                    copied += 1
            else:
                failed += entry.get("status") == "failed"
                previous = manifest["reports"].get(key, {})
                if not entry.get("last_good") and previous.get("last_good"):
                    entry = {**entry, "last_good": previous["last_good"]}
            manifest["reports"][key] = entry
        write_manifest(out_dir, manifest)
    return copied, failed

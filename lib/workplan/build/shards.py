"""Merging shards: `build --shard I/N` on N machines, then `build --merge DIR…` on one.

Each shard builds its part of the matrix into its own output folder and records the part in its
manifest. The merge checks that the parts come from the same inputs and that no part is missing or
duplicated, copies each part's reports (both files of a report swapped together), combines the
manifests and writes the index and the data downloads, as a single build would.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..digest import data_digest
from ..errors import ShardError
from .outputs import commit_files, read_manifest, write_manifest
from .plan import Shared

if TYPE_CHECKING:
    from .run import Build


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
    for field in ("data", "inputs"):
        values = {repr(m.get(field)) for _, m in shards}
        if len(values) != 1:
            raise ShardError(f"the shards were built from different inputs ({field} differs)")
    return shards


def merge(build: Build) -> int:
    from .run import EXIT_OK, EXIT_REPORT_FAILED

    o = build.o
    started = time.monotonic()
    assert o.merge is not None
    shards = read_shards(o.merge)
    shared = Shared.compute()
    data = data_digest(o.data_dir)
    first = shards[0][1]
    if first.get("data") != data or first.get("inputs") != {
        "library": shared.library,
        "dependencies": shared.dependencies,
    }:
        raise ShardError(f"the shards were built from other inputs than {o.data_dir} and this library")

    manifest = read_manifest(o.out_dir)
    copied = failed = 0
    for folder, shard in shards:
        for key in shard["shard"]["keys"]:
            entry = shard["reports"].get(key)
            if entry is None:
                continue
            if entry.get("status") == "ok":
                files = {rel: (folder / rel).read_bytes() for rel in entry["outputs"]}
                unchanged = all(
                    (o.out_dir / rel).is_file() and (o.out_dir / rel).read_bytes() == content
                    for rel, content in files.items()
                )
                if not unchanged:
                    commit_files(o.out_dir, files, key)
                    copied += 1
            else:
                failed += entry.get("status") == "failed"
                previous = manifest["reports"].get(key, {})
                if not entry.get("last_good") and previous.get("last_good"):
                    entry = {**entry, "last_good": previous["last_good"]}
            manifest["reports"][key] = entry
        write_manifest(o.out_dir, manifest)

    matrix = build._matrix()
    if build._site_stale(manifest, data, shared):
        code = build._validate_data(data, manifest)
        if code:
            return code
        build.validation = manifest["validation"]
    written = build._finish(matrix, shared, data)
    parts = len(shards)
    extra = f"; updated {' and '.join(written)}" if written else ""
    build.say.always(
        f"merged {parts} shard(s): {copied} report(s) copied, {failed} failed{extra} "
        f"in {time.monotonic() - started:.1f} s"
    )
    return EXIT_REPORT_FAILED if failed else EXIT_OK

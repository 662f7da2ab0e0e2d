"""Writing the build's outputs: atomic files, a report's files swapped together, the manifest.

Every file is written to a temporary name beside it and renamed into place, so a reader (or an
interrupted build) sees either the previous file or the complete new one. The files of one report
are all written first and then swapped with SIGINT/SIGTERM held, so the pair is never split.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import OutputError

MANIFEST = "manifest.json"
FORMAT_VERSION = 2  # bump when the build's output or manifest format changes: every report rebuilds

# Errors that mean the output cannot be written (exit 4), wherever they happen.
WRITE_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EROFS, errno.EPERM, errno.EFBIG)


def write_temporary(path: Path, content: bytes) -> Path:
    """Write `content` to a temporary file beside `path` (removed again if writing fails)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(content)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return tmp


def atomic_write(path: Path, content: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half a file."""
    tmp = write_temporary(path, content)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_if_changed(path: Path, content: bytes) -> bool:
    """atomic_write unless the file already holds exactly `content`; True if it was written."""
    with contextlib.suppress(OSError):
        if path.stat().st_size == len(content) and path.read_bytes() == content:
            return False
    atomic_write(path, content)
    return True


def remove_temporaries(out_dir: Path) -> None:
    for tmp in out_dir.rglob(".*.tmp-*"):
        with contextlib.suppress(OSError):
            tmp.unlink()


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT/SIGTERM while a report's files are swapped, so the pair is never split; a signal
    that arrives meanwhile is delivered as soon as the swap is done.

    In the main thread the Python handlers are swapped for one that only notes the signal (whichever
    thread the operating system delivers it to, Python runs handlers in the main thread); elsewhere
    the signals are blocked for the calling thread.
    """
    sigs = (signal.SIGINT, signal.SIGTERM)
    if threading.current_thread() is not threading.main_thread():
        old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, set(sigs))
        try:
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
        return
    received: list[int] = []
    old = {sig: signal.signal(sig, lambda signum, frame: received.append(signum)) for sig in sigs}
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)
        for sig in dict.fromkeys(received):
            signal.raise_signal(sig)


def commit_files(out_dir: Path, files: dict[str, bytes], what: str) -> None:
    """Write every file to a temporary beside its place, then swap them all in with signals held.

    A write that fails (disk full) leaves every previous file in place and raises OutputError.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for rel, content in files.items():
            path = out_dir / rel
            staged.append((write_temporary(path, content), path))
        with signals_deferred():
            for tmp, path in staged:
                os.replace(tmp, path)
    except BaseException as exc:  # a full disk, or an interrupt between two writes: no temporary stays
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                tmp.unlink()
        if isinstance(exc, OSError) and exc.errno in WRITE_ERRNOS:
            raise OutputError(f"cannot write {what} to {out_dir}: {exc.strerror}") from exc
        raise


def check_writable(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / f".write-probe-{os.getpid()}"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        raise OutputError(f"cannot write to {out_dir}: {exc.strerror or exc}") from exc


# --- the manifest --------------------------------------------------------------------------------


def empty_manifest() -> dict[str, Any]:
    return {"format": FORMAT_VERSION, "reports": {}}


def read_manifest(out_dir: Path) -> dict[str, Any]:
    """The build record of `out_dir`; an empty one if it is missing, unreadable or of an older format."""
    path = out_dir / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return empty_manifest()
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION:
        return empty_manifest()
    manifest.setdefault("reports", {})
    return manifest


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def write_manifest(out_dir: Path, manifest: dict[str, Any]) -> None:
    atomic_write(out_dir / MANIFEST, manifest_bytes(manifest))

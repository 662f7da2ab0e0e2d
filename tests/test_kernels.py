"""The build's kernels talk over socket files in a private directory, so no other process can take their
ports between the moment they are chosen and the moment the kernel binds them."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from workplan.build.execute import KERNEL_NAME
from workplan.kernels import SocketFileKernelManager

pytestmark = pytest.mark.skipif(os.name != "posix", reason="socket files need POSIX")


def test_kernel_runs_over_socket_files_and_removes_them() -> None:
    async def run() -> tuple[dict, Path, list[str], str]:
        km = SocketFileKernelManager(kernel_name=KERNEL_NAME)
        await km.start_kernel()
        try:
            kc = km.client()
            kc.start_channels()
            try:
                await kc.wait_for_ready(timeout=60)
                reply = await kc.execute_interactive("6 * 7", timeout=60)
            finally:
                kc.stop_channels()
            socket_dir = Path(km.socket_dir)
            files = sorted(p.name for p in socket_dir.iterdir())
            return km.get_connection_info(), socket_dir, files, reply["content"]["status"]
        finally:
            await km.shutdown_kernel(now=True)

    info, socket_dir, files, status = asyncio.run(run())
    assert status == "ok"
    assert info["transport"] == "ipc"
    assert info["ip"] == str(socket_dir / "k")
    # One socket file per channel: shell, iopub, stdin, control, heartbeat.
    assert len(files) == 5 and all(name.startswith("k-") for name in files), files
    assert not socket_dir.exists(), "the socket directory outlived its kernel"


def test_an_explicit_transport_is_left_alone() -> None:
    km = SocketFileKernelManager(kernel_name=KERNEL_NAME, transport="tcp")
    assert km.transport == "tcp" and km.socket_dir is None


def test_the_project_kernel_is_installed_in_the_environment() -> None:
    """`make` installs "Python (workplan)" into .venv: `jupyter kernelspec list` shows it, it runs this
    environment's Python (where workplan is importable) with a fixed hash seed."""
    import json
    import subprocess
    import sys

    jupyter = Path(sys.executable).with_name("jupyter")
    listed = subprocess.run([str(jupyter), "kernelspec", "list", "--json"], capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    specs = json.loads(listed.stdout)["kernelspecs"]
    assert KERNEL_NAME in specs, f"run `make .venv/.installed`: {sorted(specs)}"
    spec = specs[KERNEL_NAME]
    assert spec["resource_dir"].startswith(sys.prefix), spec["resource_dir"]
    assert spec["spec"]["display_name"] == "Python (workplan)"
    assert Path(spec["spec"]["argv"][0]).resolve() == Path(sys.executable).resolve()
    assert spec["spec"]["env"] == {"PYTHONHASHSEED": "0"}

"""Kernels that talk to their client over socket files instead of TCP ports.

jupyter_client picks "free" TCP ports by binding and releasing them, then starts the kernel, which binds
them again. Another process on the machine (a second build, a test run, any client connecting out) can
take one of those ports in between, and the kernel dies with "Address already in use". A socket file in
a directory of its own cannot be taken that way. Used by the build, the baseline and the tests.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any

from jupyter_client.manager import AsyncKernelManager

# "workplan.kernels.SocketFileKernelManager", for nbclient's and papermill's `kernel_manager_class`.
CLASS_PATH = f"{__name__}.SocketFileKernelManager"


class SocketFileKernelManager(AsyncKernelManager):
    """An AsyncKernelManager using the `ipc` transport in a private temporary directory (on POSIX)."""

    def __init__(self, **kwargs: Any) -> None:
        socket_dir = None
        if os.name == "posix" and "transport" not in kwargs:
            # Short path: a Unix socket path must fit in about 100 bytes.
            socket_dir = tempfile.mkdtemp(prefix="wpk-")
            kwargs.update(transport="ipc", ip=os.path.join(socket_dir, "k"))
        super().__init__(**kwargs)
        self.socket_dir = socket_dir

    def remove_socket_dir(self) -> None:
        if self.socket_dir:
            shutil.rmtree(self.socket_dir, ignore_errors=True)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            self.remove_socket_dir()

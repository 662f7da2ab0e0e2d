"""Execution: notebooks run in fresh kernels of the project's named kernel, `workplan`.

Each kernel is started (and warmed up: it imports what every report imports) before its report is
due; the notebook runs through nbclient with its parameters injected as papermill injects them;
afterwards the build asks the kernel which data it read (workplan.digest.READS).
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import os
import sys
from pathlib import Path
from typing import Any

from ..digest import VALIDATED_ENV
from ..errors import KernelStartError, ReportExecutionError
from ..matrix import ReportSpec
from ..paths import NOTEBOOK_DIR

# The kernel the notebooks ask for (their kernelspec), installed into .venv by `make`.
KERNEL_NAME = "workplan"
KERNEL_DISPLAY_NAME = "Python (workplan)"
DEFAULT_TIMEOUT = 300  # seconds per cell

# Imported by a kernel while it waits for its report; the notebook imports them again (no-ops).
# Not matplotlib.pyplot: importing it configures the shell's figure display, which a notebook that
# never imports it does not have (papermill's kernel would show its outputs differently).
WARM_UP = "import pandas, matplotlib, workplan.analysis, workplan.charts, workplan.show"

# Asked of the kernel after the notebook ran: what it read from the data folder.
READS_EXPRESSION = "sorted(__import__('workplan.digest').digest.READS)"


def kernel_env(data_dir: Path, validated_digest: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONHASHSEED"] = "0"  # stable set/dict order inside notebooks (the kernelspec sets it too)
    env["WORKPLAN_DATA_DIR"] = str(data_dir)
    env.pop(VALIDATED_ENV, None)
    if validated_digest:
        # The build has just validated these exact bytes: kernels need not validate them again.
        env[VALIDATED_ENV] = validated_digest
    env.pop("MPLBACKEND", None)
    return env


def missing_kernel() -> str | None:
    """None if the `workplan` kernel is installed, else what to do about it."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        return (
            f"no Jupyter kernel named {KERNEL_NAME!r} is installed; run `make .venv/.installed` or "
            f"`python -m ipykernel install --sys-prefix --name {KERNEL_NAME} "
            f'--display-name "{KERNEL_DISPLAY_NAME}"` in the project\'s environment'
        )
    return None


class Kernel:
    """A started kernel with its client's channels open."""

    def __init__(self, km: Any, kc: Any):
        self.km, self.kc = km, kc


class Executor:
    """Starts kernels (each warmed up), runs notebooks in them, and stops them."""

    START_ATTEMPTS = 2  # a kernel that dies while starting is replaced once before its report fails

    def __init__(
        self,
        timeout: int,
        data_dir: Path,
        warm_up: bool = True,
        notebook_dir: Path = NOTEBOOK_DIR,
        validated_digest: str | None = None,
    ):
        self.timeout = timeout
        self.data_dir = data_dir
        self.warm_up = warm_up
        self.notebook_dir = notebook_dir
        self.validated_digest = validated_digest
        self.kernels: set[Kernel] = set()
        self.fork_server: Any = None  # see forkserver.py; None: kernels start the ordinary way

    def launch_fork_server(self) -> str | None:
        """Start the server that forks warm kernels (it preloads while the build goes on); None if it
        was started, else why kernels will start the ordinary way."""
        from jupyter_client.kernelspec import KernelSpecManager

        from .forkserver import ForkServer, kernel_interpreter

        interpreter = kernel_interpreter(KernelSpecManager().get_kernel_spec(KERNEL_NAME).argv)
        if interpreter is None:
            return f"the {KERNEL_NAME} kernel is not started with ipykernel_launcher"
        try:
            self.fork_server = ForkServer.launch(interpreter, kernel_env(self.data_dir), self.notebook_dir)
        except OSError as exc:
            return str(exc)
        return None

    async def fork_server_ready(self) -> str | None:
        """Wait for the fork server, if there is one; None if it is ready, else why not."""
        if self.fork_server is None:
            return None
        try:
            await self.fork_server.ready()
            if self.validated_digest:
                env = kernel_env(self.data_dir, self.validated_digest)
                await self.fork_server.warm({k: env[k] for k in (VALIDATED_ENV, "WORKPLAN_DATA_DIR")})
        except (RuntimeError, OSError) as exc:
            self.stop_fork_server()
            return str(exc)
        return None

    async def start_kernel(self) -> Kernel:
        """A kernel that has answered (and, with warm-up, imported the library); KernelStartError if none."""
        from ..kernels import SocketFileKernelManager

        attempt = 1
        while True:
            km = SocketFileKernelManager(kernel_name=KERNEL_NAME)
            if self.fork_server is not None:
                from .forkserver import use_fork_server

                use_fork_server(km, self.fork_server)
            kernel = Kernel(km, None)
            self.kernels.add(kernel)
            try:
                await self._start(kernel)
                return kernel
            except Exception as exc:
                await self.stop_kernel(kernel)
                if attempt == self.START_ATTEMPTS:
                    raise KernelStartError(
                        f"no {KERNEL_NAME} kernel could be started ({attempt} attempts); "
                        f"last: {type(exc).__name__}: {exc}"
                    ) from exc
            attempt += 1

    async def _start(self, kernel: Kernel) -> None:
        # The kernel's own log (e.g. its transport notice) is noise in build output; errors still show.
        await kernel.km.start_kernel(
            cwd=str(self.notebook_dir),
            env=kernel_env(self.data_dir, self.validated_digest),
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
        kernel.kc = kernel.km.client()
        kernel.kc.allow_stdin = False  # as nbclient: a notebook waiting for input fails instead of hanging
        kernel.kc.start_channels()
        await kernel.kc.wait_for_ready(timeout=60)
        if self.warm_up:
            await kernel.kc.execute_interactive(WARM_UP, silent=True, store_history=False, timeout=60)

    async def stop_kernel(self, kernel: Kernel) -> None:
        self.kernels.discard(kernel)
        try:
            if kernel.kc is not None:
                with contextlib.suppress(Exception):
                    kernel.kc.stop_channels()
            with contextlib.suppress(Exception):
                await kernel.km.shutdown_kernel(now=True)
        finally:
            # Also when the shutdown failed or was cancelled half-way (jupyter_client skips its own
            # clean-up when the kernel had already died): the connection file, then the sockets.
            with contextlib.suppress(Exception):
                kernel.km.cleanup_connection_file()
            with contextlib.suppress(Exception):
                kernel.km.cleanup_ipc_files()
            kernel.km.remove_socket_dir()

    async def stop_all(self) -> None:
        await asyncio.gather(*(self.stop_kernel(k) for k in list(self.kernels)))
        self.stop_fork_server()

    def stop_fork_server(self) -> None:
        if self.fork_server is not None:
            server, self.fork_server = self.fork_server, None
            server.stop()

    async def execute(self, nb: Any, key: str, kernel: Kernel) -> list[str] | None:
        """Run every cell of `nb` in `kernel`; return what the notebook read from the data folder
        (None if the kernel could not say). ReportExecutionError names the failing cell."""
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

        class BuildClient(NotebookClient):
            @contextlib.asynccontextmanager
            async def async_setup_kernel(self, **kwargs: Any):  # type: ignore[override]
                # The build owns kernels, their clients and signal handling; nbclient's own signal
                # handlers would replace the build's.
                yield

        current: dict[str, Any] = {"index": None, "source": ""}

        def on_cell_start(cell: Any, cell_index: int) -> None:
            current["index"] = cell_index
            current["source"] = cell.source

        client = BuildClient(
            nb,
            km=kernel.km,
            timeout=self.timeout,
            startup_timeout=120,
            kernel_name=KERNEL_NAME,
            record_timing=False,
            allow_errors=False,
            resources={"metadata": {"path": str(self.notebook_dir)}},
            on_cell_start=on_cell_start,
        )
        client.kc = kernel.kc
        cell = None
        try:
            await client.async_execute()
        except CellTimeoutError as exc:
            cell = None if current["index"] is None else current["index"] + 1
            raise ReportExecutionError(
                key,
                cell,
                "CellTimeoutError",
                f"a cell ran longer than {self.timeout} s (--timeout)",
                current["source"],
            ) from exc
        except DeadKernelError as exc:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                # nbclient reports its own cancellation (the build was interrupted) as a dead kernel
                raise asyncio.CancelledError from exc
            cell = None if current["index"] is None else current["index"] + 1
            raise ReportExecutionError(
                key, cell, "DeadKernelError", "the kernel died", current["source"]
            ) from exc
        except CellExecutionError as exc:
            cell = None if current["index"] is None else current["index"] + 1
            raise ReportExecutionError(key, cell, exc.ename, exc.evalue, current["source"]) from exc
        return await self.reads(kernel)

    async def reads(self, kernel: Kernel) -> list[str] | None:
        try:
            reply = await kernel.kc.execute_interactive(
                "",
                silent=True,
                store_history=False,
                user_expressions={"reads": READS_EXPRESSION},
                timeout=30,
            )
            result = reply["content"]["user_expressions"]["reads"]
            if result.get("status") != "ok":
                return None
            reads = ast.literal_eval(result["data"]["text/plain"])
        except Exception:  # a timeout included: without a record the report is rebuilt next time
            return None
        return [str(r) for r in reads] if isinstance(reads, list) else None


def import_nbformat() -> Any:
    """nbformat, loaded without the IRI grammar its validator does not need.

    nbformat's validator pulls in jsonschema's format checkers, and the IRI checker's module
    (rfc3987_syntax) builds a grammar for about 1.6 s at import. Notebook validation never checks
    IRIs; jsonschema skips a checker whose module cannot be imported. The module is hidden only
    while jsonschema loads, so nothing else in the process is affected.
    """
    if "jsonschema._format" not in sys.modules and "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]
        try:
            import jsonschema._format  # noqa: F401
        finally:
            del sys.modules["rfc3987_syntax"]
    import nbformat

    return nbformat


def parameterised(spec: ReportSpec) -> Any:
    """The notebook with its parameters injected after the `parameters` cell, as papermill does."""
    nbformat = import_nbformat()
    from papermill.parameterize import parameterize_notebook

    nb = nbformat.read(spec.notebook_path, as_version=4)
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])  # papermill reads cell.metadata.tags on every cell
    nb.metadata["papermill"] = {}
    nb = parameterize_notebook(nb, dict(spec.params), kernel_name=KERNEL_NAME, language="python")
    return nb


def clear_volatile_metadata(nb: Any) -> None:
    """Drop what would differ between two runs of the same inputs."""
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill gives it a random id

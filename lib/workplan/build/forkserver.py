"""Warm kernels: each report's kernel is forked from a process that has already imported what every
report imports, instead of starting a new interpreter and importing it all again.

Most of a report's time was its kernel's start: the interpreter, IPython, pandas, matplotlib and the
library, about a second of CPU each time. The fork server pays that once per build. It imports those
modules (never `matplotlib.pyplot` or the inline backend, which hook into the IPython shell when they
load), then forks one child per kernel; the child becomes an ordinary IPython kernel started with the
same command-line arguments, environment and working directory the kernel manager asked for. Each
report still gets a process of its own that no other report has run in.

The build talks to it over a Unix socket, one JSON line each way: {"op": "fork", "args", "env",
"cwd"} → {"pid"}; {"op": "poll", "pid"} → {"exit": code or null}. jupyter_client manages the
kernel through `ForkProvisioner`, which launches through the server and otherwise behaves as its
LocalProvisioner parent. The server stops its kernels and itself on SIGTERM, or when the build that
started it is gone. If it cannot start, kernels start the ordinary way.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

# Imported once in the server; each report's kernel starts with them loaded.
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",
    "IPython.core.debugger",
    "IPython.core.completerlib",
    "IPython.core.oinspect",
    "IPython.extensions.storemagic",
    "sqlite3",
    "tornado.gen",
    "tornado.locks",
    "tornado.queues",
    "tornado.platform.asyncio",
    "pydoc",
    "http.server",
    "xmlrpc.client",
    "numpy",
    "pandas",
    "PIL.Image",
    "matplotlib",
    "matplotlib.figure",
    "matplotlib.font_manager",
    "matplotlib.backends.backend_agg",
    "workplan",
    "workplan.data",
    "workplan.analysis",
    "workplan.charts",
    "workplan.show",
    "workplan.tracker",
)
# Modules that configure the IPython shell when they load: the kernel must import them itself.
NOT_BEFORE_THE_SHELL = ("matplotlib.pyplot", "matplotlib_inline", "matplotlib.backends.backend_inline")
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"  # what ipykernel sets before user code
START_TIMEOUT = 60.0


# --- the server process --------------------------------------------------------------------------


class _Refuse:
    """A finder that refuses the modules the kernel must import itself, while preloading."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name.startswith(NOT_BEFORE_THE_SHELL):
            raise ImportError(f"{name} is imported by the kernel itself, not preloaded")
        return None


def preload() -> list[str]:
    """Import PRELOAD (each that loads without the refused modules); return what was skipped."""
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    finder = _Refuse()
    sys.meta_path.insert(0, finder)
    skipped = []
    try:
        for name in PRELOAD:
            try:
                __import__(name)
            except ImportError:
                skipped.append(name)
    finally:
        sys.meta_path.remove(finder)
    return skipped


def warm(env: dict[str, str]) -> None:
    """Once the build has validated the data: load every table and work out the dated items (kernels
    then find them in the loader's cache, and still record each file they read) and the fonts the
    charts use."""
    os.environ.update(env)
    with contextlib.suppress(Exception):  # an optimisation only: a kernel loads what is missing
        from matplotlib.font_manager import FontProperties, findfont, get_font

        get_font(findfont(FontProperties()))
    try:
        from workplan.data import default_catalog

        catalog = default_catalog()
        catalog.load_all()
        from workplan.dated import dated_items

        dated_items(catalog)  # every report shows some: worked out once, for every kernel
    except Exception:
        import workplan.data

        workplan.data._DEFAULT = None  # nothing half-loaded is handed to a kernel
    finally:
        from workplan.digest import READS

        READS.clear()  # each kernel records what its own notebook reads


def _reply(conn: socket.socket, message: dict[str, Any]) -> None:
    conn.sendall((json.dumps(message) + "\n").encode())


def _read_request(conn: socket.socket) -> dict[str, Any]:
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return json.loads(data or b"{}")


def _become_kernel(request: dict[str, Any]) -> None:
    """In the forked child: turn into the kernel `python -m ipykernel_launcher ARGS` would start."""
    code = 1
    try:
        os.setsid()  # its own session, as jupyter_client starts kernels: signals go to its group
        for sig in (signal.SIGTERM, signal.SIGCHLD, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.set_wakeup_fd(-1)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        import ipykernel_launcher

        sys.argv = [ipykernel_launcher.__file__, *request["args"]]
        if sys.path and Path(sys.path[0] or ".").resolve() == Path.cwd():
            del sys.path[0]  # as ipykernel_launcher does; IPython puts it back
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)


def serve(socket_path: str) -> None:
    """The server's main loop (python -m workplan.build.forkserver SOCKET)."""
    import select
    import threading

    skipped = preload()
    if threading.active_count() != 1:
        sys.exit("fork server: a preloaded module started a thread; kernels would not be safe to fork")
    if skipped:
        print(f"fork server: not preloaded (the kernel imports them): {', '.join(skipped)}", file=sys.stderr)
    parent = os.getppid()
    children: dict[int, int | None] = {}
    stopping: list[int] = []
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.append(signum))
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)  # wakes the loop through the pipe
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build decides; a Ctrl-C is for the build

    def reap() -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            children[pid] = os.waitstatus_to_exitcode(status)

    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(socket_path + ".tmp")
    server.listen(64)
    os.rename(socket_path + ".tmp", socket_path)  # it exists once it accepts
    try:
        while not stopping and os.getppid() == parent:
            reap()
            ready, _, _ = select.select([server, wake_r], [], [], 1.0)
            if wake_r in ready:
                with contextlib.suppress(BlockingIOError, InterruptedError):
                    os.read(wake_r, 4096)
            if server not in ready:
                continue
            conn, _ = server.accept()
            with conn:
                request = _read_request(conn)
                if request.get("op") == "fork":
                    pid = os.fork()
                    if pid == 0:
                        for fd in (server.fileno(), conn.fileno(), wake_r, wake_w):
                            with contextlib.suppress(OSError):
                                os.close(fd)
                        _become_kernel(request)
                    children[pid] = None
                    _reply(conn, {"pid": pid})
                elif request.get("op") == "warm":
                    warm(request["env"])
                    _reply(conn, {"warm": True})
                elif request.get("op") == "poll":
                    reap()
                    _reply(conn, {"exit": children.get(int(request["pid"]), -1)})
    finally:
        for pid, code in children.items():
            if code is None:
                with contextlib.suppress(OSError):
                    os.killpg(pid, signal.SIGKILL)
        for pid, code in children.items():
            if code is None:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, 0)
        server.close()
        with contextlib.suppress(OSError):
            os.unlink(socket_path)


# --- the build's side --------------------------------------------------------------------------------


class ForkServer:
    """The server process of one build, and requests to it."""

    def __init__(self, socket_path: Path, process: subprocess.Popen):
        self.socket_path = socket_path
        self.process = process

    @classmethod
    def launch(cls, argv_prefix: list[str], env: dict[str, str], cwd: Path) -> ForkServer:
        """Start the server with the kernel's interpreter and flags (`argv_prefix`, from the kernelspec).
        It preloads while the build goes on (validating the data, say): see `ready`."""
        import tempfile

        socket_path = Path(tempfile.mkdtemp(prefix="wpf-")) / "s"
        env = {**env, "MPLBACKEND": INLINE_BACKEND, "JPY_PARENT_PID": str(os.getpid())}
        try:
            process = subprocess.Popen(
                [*argv_prefix, "-m", "workplan.build.forkserver", str(socket_path)],
                env=env,
                cwd=str(cwd),
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        except BaseException:
            import shutil

            shutil.rmtree(socket_path.parent, ignore_errors=True)
            raise
        return cls(socket_path, process)

    async def ready(self) -> None:
        """Wait until the server accepts; RuntimeError (and the server stopped) if it does not."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + START_TIMEOUT
        try:
            while not self.socket_path.exists():
                code = self.process.poll()
                if code is not None or loop.time() > deadline:
                    raise RuntimeError(f"the kernel fork server did not start (exit {code})")
                await asyncio.sleep(0.02)
        except BaseException:  # cancelled (the build was interrupted) or failed: leave nothing behind
            self.stop()
            raise

    async def warm(self, env: dict[str, str]) -> None:
        """Have the server load the (validated) data and fonts before it forks kernels."""
        await asyncio.to_thread(self.request, {"op": "warm", "env": env}, 120)

    def request(self, message: dict[str, Any], timeout: float = 30) -> dict[str, Any]:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(timeout)
            conn.connect(str(self.socket_path))
            conn.sendall((json.dumps(message) + "\n").encode())
            return _read_request(conn)

    async def fork(self, args: list[str], env: dict[str, str], cwd: str) -> int:
        reply = await asyncio.to_thread(self.request, {"op": "fork", "args": args, "env": env, "cwd": cwd})
        return int(reply["pid"])

    def exit_code(self, pid: int) -> int | None:
        try:
            return self.request({"op": "poll", "pid": pid}).get("exit")
        except OSError:
            return -1  # the server is gone, and its kernels with it

    def stop(self) -> None:
        """Stop the server: it kills the kernels it forked, then exits."""
        import shutil

        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        shutil.rmtree(self.socket_path.parent, ignore_errors=True)


class ForkedProcess:
    """What jupyter_client's LocalProvisioner expects of a Popen, for a kernel the server forked."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, server: ForkServer):
        self.pid = pid
        self.server = server
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self.server.exit_code(self.pid)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int | None:
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                break
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def forked_provisioner_class() -> type:
    from jupyter_client.provisioning import LocalProvisioner

    class ForkProvisioner(LocalProvisioner):  # type: ignore[misc]
        """Launches the kernel through the build's fork server; otherwise a LocalProvisioner."""

        fork_server: ForkServer | None = None

        async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
            server = self.fork_server
            if server is None or "ipykernel_launcher" not in cmd:
                return await super().launch_kernel(cmd, **kwargs)
            args = cmd[cmd.index("ipykernel_launcher") + 1 :]
            cwd = str(kwargs.get("cwd") or os.getcwd())
            env = dict(kwargs.get("env") or os.environ)
            pid = await server.fork(args, env, cwd)
            self.process = ForkedProcess(pid, server)
            self.pid = self.pgid = pid
            self.cwd = cwd
            return self.connection_info

    return ForkProvisioner


def use_fork_server(km: Any, server: ForkServer) -> None:
    """Have the kernel manager `km` start its kernel through `server`."""
    import uuid

    km.kernel_id = km.kernel_id or str(uuid.uuid4())
    provisioner = forked_provisioner_class()(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)
    provisioner.fork_server = server
    km.provisioner = provisioner


def kernel_interpreter(argv: list[str]) -> list[str] | None:
    """The interpreter and its flags from a kernelspec's argv ([python, -X…, -m, ipykernel_launcher, …]),
    or None if the kernel is not started that way."""
    if "-m" not in argv or argv[argv.index("-m") + 1 : argv.index("-m") + 2] != ["ipykernel_launcher"]:
        return None
    return argv[: argv.index("-m")]


if __name__ == "__main__":
    serve(sys.argv[1])

"""Kernels for report notebooks: one fresh IPython kernel per report, and what it costs.

A :class:`Kernel` listens on IPC sockets in a private 0700 runtime directory (no TCP port, so
no port races between concurrent kernels) where pyzmq has IPC (``zmq.has("ipc")``: Linux,
macOS); elsewhere (Windows wheels of pyzmq) on TCP bound to 127.0.0.1, with ports chosen by
the kernel manager. ``XINFANG_KERNEL_TRANSPORT=tcp`` forces TCP (tests run the batch that way).
It is used for one notebook, then closed. It is launched as ``python -m ipykernel_launcher``
— always this interpreter, whatever kernel name a notebook's metadata gives — or, on Linux,
forked from an import-only template process (:class:`xinfang.run.zygote.Zygote`, imported
only by the code that uses it).

Nothing POSIX-only is imported at module level: CPU accounting uses :mod:`resource` when the
platform has it and reports ``None`` otherwise.
"""
from __future__ import annotations

import logging
import os
import shutil
import signal
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from .zygote import Zygote

log = logging.getLogger("xinfang")

#: What a pre-started kernel runs before it is given a unit: imports and a warm-up of the
#: chart machinery (:func:`xinfang.report.warm`), no data.
WARM_LINES = ("import xinfang.report", "xinfang.report.warm()")

#: Settings of every kernel a batch starts: no command history (a kernel runs one notebook and
#: is gone; nothing is written to the user's IPython profile, and no SQLite file is opened).
KERNEL_ARGS = ("--HistoryManager.enabled=False",)


#: Set to ``tcp`` to use TCP on 127.0.0.1 even where IPC is available (what Windows gets).
TRANSPORT_ENV = "XINFANG_KERNEL_TRANSPORT"
LOOPBACK = "127.0.0.1"


def ipc_available() -> bool:
    """True when kernels can use IPC sockets: pyzmq has the transport, and
    ``XINFANG_KERNEL_TRANSPORT`` does not ask for TCP."""
    if os.environ.get(TRANSPORT_ENV, "").strip().lower() == "tcp":
        return False
    import zmq

    return bool(zmq.has("ipc"))


def kernel_manager(runtime: Path):
    """An (unstarted) ``AsyncKernelManager`` for one kernel whose files live in ``runtime``.

    Its spec is ipykernel's own (``python3`` from no kernel directories), i.e. this very
    interpreter: a notebook's kernelspec name (``xinfang``) and a user's
    ``~/.local/share/jupyter/kernels`` (another Python, without xinfang) are never used.
    Transport: IPC in ``runtime`` where :func:`ipc_available`, else TCP on 127.0.0.1 with the
    ports left to the manager.
    """
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    specs = KernelSpecManager(kernel_dirs=[])
    if ipc_available():
        # short path: AF_UNIX socket paths are limited to ~107 bytes
        transport = {"transport": "ipc", "ip": str(runtime / "k")}
    else:
        transport = {"transport": "tcp", "ip": LOOPBACK}
    return AsyncKernelManager(kernel_name="python3", connection_file=str(runtime / "kernel.json"),
                              kernel_spec_manager=specs, client_class=f"{__name__}.ReadyClient",
                              **transport)


def _ready_client_class():
    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.session import protocol_version

    class ReadyClient(AsyncKernelClient):
        """The client nbclient makes for a report's kernel: ready as soon as the kernel has
        answered ``kernel_info`` on the shell channel and IOPub has brought that request's
        ``idle`` status — IOPub is then connected, and everything the kernel published before
        has been read, in order. jupyter_client's own check waits in addition for 0.2 s of
        silence on IOPub, on every kernel: a tenth of a unit report's time."""

        async def wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
            while True:
                msg_id = self.kernel_info()
                if await self._answered(msg_id) and await self._idle(msg_id):
                    return
                if not await self.is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

        async def _answered(self, msg_id: str) -> bool:
            from queue import Empty

            while True:
                try:
                    msg = await self.shell_channel.get_msg(timeout=1)
                except Empty:
                    return False
                if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "kernel_info_reply":
                    major = int(msg["content"].get("protocol_version", protocol_version).split(".")[0])
                    if major != int(protocol_version.split(".")[0]):
                        self.session.adapt_version = major
                    return True

        async def _idle(self, msg_id: str) -> bool:
            from queue import Empty

            while True:
                try:
                    msg = await self.iopub_channel.get_msg(timeout=0.2)  # the kernel publishes it at once
                except Empty:
                    return False  # IOPub not connected yet when it was published: ask again
                if (msg["msg_type"] == "status" and msg["parent_header"].get("msg_id") == msg_id
                        and msg["content"].get("execution_state") == "idle"):
                    return True

    return ReadyClient


def __getattr__(name: str):  # PEP 562: the client class is made on first use (jupyter_client imported then)
    if name == "ReadyClient":
        cls = _ready_client_class()
        globals()["ReadyClient"] = cls
        return cls
    raise AttributeError(name)


def kernel_env() -> dict[str, str]:
    """Environment for kernels: loopback only, no network hints, quiet warnings in reports."""
    env = dict(os.environ)
    env.setdefault("MPLBACKEND", "Agg")
    env["PYTHONWARNINGS"] = "ignore"
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    return env


def process_cpu_seconds() -> float | None:
    """CPU time (user + system) of this process and its reaped children so far.

    From :func:`resource.getrusage` where the platform has it (Linux, macOS); ``None``
    elsewhere (Windows), so that callers record "unknown" rather than a wrong figure.
    """
    try:
        import resource
    except ImportError:
        return None
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


class Kernel:
    """A fresh IPython kernel on IPC sockets in a private runtime directory (or on loopback TCP,
    see :func:`kernel_manager`).

    ``Kernel.start()`` launches the process and returns at once; the kernel imports
    :data:`WARM_LINES` (``IPKernelApp.exec_lines``, outside the execution history) while the
    caller does something else. It is used for one notebook, then :meth:`close`\\ d.
    """

    def __init__(self, km, runtime_dir: Path) -> None:
        self.km = km
        self.runtime_dir = runtime_dir
        self.started = time.perf_counter()
        self.clients: list = []
        self.forked = False
        self.final_cpu: float | None = None

    @classmethod
    def start(cls, cwd: Path, warm: Sequence[str] = WARM_LINES, zygote: Zygote | None = None) -> Kernel:
        """Start a kernel in ``cwd``: launched as a new ``python -m ipykernel_launcher`` process,
        or, with ``zygote``, forked from that import-only template process."""
        import uuid

        from jupyter_core.utils import run_sync

        runtime = Path(tempfile.mkdtemp(prefix="xfk-"))  # mode 0700, short (IPC socket paths)
        km = kernel_manager(runtime)
        args = [*KERNEL_ARGS, *(f"--IPKernelApp.exec_lines={line}" for line in warm)]
        if zygote is not None:
            km.kernel_id = str(uuid.uuid4())
            km.provisioner = zygote.provisioner(km)
            args = []
        run_sync(km.start_kernel)(cwd=str(cwd), env=kernel_env(), extra_arguments=args)
        kernel = cls(km, runtime)
        kernel.forked = zygote is not None
        make_client = km.client

        def client(**kw):  # nbclient makes the client; keep it to stop its channels
            kc = make_client(**kw)
            kernel.clients.append(kc)
            return kc

        km.client = client
        _LIVE.add(kernel)
        return kernel

    @property
    def pid(self) -> int | None:
        proc = getattr(getattr(self.km, "provisioner", None), "process", None)
        return getattr(proc, "pid", None)

    def cpu_seconds(self) -> float | None:
        """CPU time (user + system) the kernel process has used so far (Linux /proc), else None."""
        pid = self.pid
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError, TypeError, AttributeError):
            return None

    def close(self) -> None:
        """Stop the kernel at once and remove its sockets and connection file."""
        from jupyter_core.utils import run_sync

        _LIVE.discard(self)
        self.final_cpu = self.cpu_seconds()
        for kc in self.clients:
            try:
                kc.stop_channels()
            except Exception:  # noqa: BLE001
                pass
        self.clients.clear()
        try:
            if self.km.has_kernel:
                run_sync(self.km.shutdown_kernel)(now=True)
        except Exception as exc:  # noqa: BLE001 - a dead kernel is what we want anyway
            log.debug("kernel shutdown: %s", exc)
            self.kill()
        finally:
            shutil.rmtree(self.runtime_dir, ignore_errors=True)

    def kill(self) -> None:
        """Kill the kernel at once: SIGKILL to its process group on POSIX (signal-handler safe),
        TerminateProcess on Windows."""
        pid = self.pid
        if not pid:
            return
        try:
            if hasattr(os, "killpg"):
                os.killpg(pid, signal.SIGKILL)  # the kernel leads its own session
            else:
                os.kill(pid, signal.SIGTERM)
        except OSError:
            pass


_LIVE: set[Kernel] = set()


def kill_live_kernels(*_args) -> None:
    """Kill every kernel of this process that is not closed yet (exit and signal handlers)."""
    for kernel in list(_LIVE):
        kernel.kill()
        shutil.rmtree(kernel.runtime_dir, ignore_errors=True)
